"""Verksamhetsplan och budget, and delårsrapport: the two big reports.

    from rapportgen.rapporter import build, load, render
    doc = load("examples/delarsrapport")            # folder or manifest
    render(doc, "ut/delarsrapport.docx", profil)     # .docx from templates/delarsrapport.docx
    build("examples/delarsrapport", "ut", profil)    # checks, .docx and .pdf

Both share one skeleton (ansvarsområden, goals, nyckeltal, economy, strategies);
the delårsrapport adds goal status, the driftredovisning with prognos, and charts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from pydantic import BaseModel, ConfigDict, Field

from .. import doctypes
from ..checks import Finding, raise_on_errors, run_checks
from ..format import Formatter, format_period
from ..profil import Profil
from ..render.docx import render_typ
from ..tjansteskrivelse import ProfilKontext, kontext_dict
from .rapport import TYPER, Rapport, datum_for, kanner_igen, load

__all__ = ["Rapport", "build", "load", "render", "Kontext"]

LABEL = {"delarsrapport": "Delårsrapport", "verksamhetsplan": "Verksamhetsplan och budget"}


class Kontext(BaseModel):
    """What a delårsrapport or verksamhetsplan template sees."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    dokumenttyp: str = Field(description="'Delårsrapport' eller 'Verksamhetsplan och budget'")
    titel: str = Field(description="Rapportens titel, t.ex. 'Delårsrapport 2023'")
    undertitel: str = Field(description="Perioden: 'januari–augusti 2023' eller planperioden")
    kommun: str = Field(description="Kommunen")
    forvaltning: str = Field(description="Förvaltningen")
    namnd: str = Field(description="Nämnden")
    dnr: str = Field(description="Diarienummer (tom om saknas)")
    datum: dt.date = Field(description="Datum")
    innehallsforteckning: Any = Field(description="Innehållsförteckningen (Word-fält), infogas med {{p ... }}")
    innehall: Any = Field(description="Rapportens innehåll, infogas med {{p ... }}")
    rubriker: list[str] = Field(description="Rubrikerna på nivå 1-3 i ordning")
    profil: ProfilKontext = Field(description="Organisationsprofilens uppgifter")


def build_kontext(doc: Rapport, tpl: DocxTemplate, profil: Profil, fmt: Formatter) -> Kontext:
    from .innehall import skriv

    body, toc, rubriker = skriv(doc, tpl, fmt)
    if doc.typ == "delarsrapport":
        undertitel = f"{format_period(doc.period, 'lang')} {doc.falt.ar}"
    else:
        undertitel = doc.falt.planperiod or str(doc.falt.ar)
    return Kontext(
        dokumenttyp=LABEL[doc.typ], titel=doc.falt.titel, undertitel=undertitel, kommun=doc.kommun,
        forvaltning=profil.forvaltning, namnd=doc.falt.namnd, dnr=doc.falt.dnr or "", datum=datum_for(doc),
        innehallsforteckning=toc, innehall=body, rubriker=[t for lvl, t in rubriker if lvl <= 3],
        profil=ProfilKontext.of(profil))


def render(doc: Rapport, out: str | Path, profil: Profil | None = None, mallar: Path | None = None) -> Path:
    """Render the report to .docx at out (written atomically)."""
    profil = profil or Profil()
    fmt = Formatter.from_profil(profil)
    return render_typ(doc.typ, out, lambda tpl: kontext_dict(build_kontext(doc, tpl, profil, fmt)), profil, mallar)


def build(path: str | Path, outdir: str | Path, profil: Profil | None = None, *, typ: str | None = None,
          pdf: bool = True, mallar: Path | None = None, tvinga: bool = False
          ) -> tuple[list[Path], list[Finding]]:
    """Load, check, render and convert one report; returns the written files and the findings."""
    from ..convert import convert_many

    profil = profil or Profil()
    doc = load(path, profil, typ)
    findings = run_checks(doc, profil)
    raise_on_errors(findings, tvinga)
    out = Path(outdir) / f"{doc.stem}.docx"
    render(doc, out, profil, mallar)
    written = [out]
    if pdf:
        written += convert_many([out], titlar={out: doc.falt.titel}, installningar=profil.konvertering)
    return written, findings


def _loader(typ: str):
    def load_typ(path: Path, profil: Profil | None = None) -> Rapport:
        return load(path, profil, typ)

    return load_typ


# The shipped exempel are self-contained manifests (tables as rows, texts inline); the full
# examples with Excel files are in examples/delarsrapport and examples/verksamhetsplan.
for _typ in TYPER:
    doctypes.register(doctypes.DocType(
        name=_typ, label=LABEL[_typ], context_model=Kontext, load=_loader(_typ), render=render,
        suffixes=(".yaml", ".yml"), kanner_igen=kanner_igen(_typ), exempel=doctypes.EXEMPEL / f"{_typ}.yaml",
        description=("Delårsrapport med driftredovisning, prognos, måluppföljning och diagram"
                     if _typ == "delarsrapport" else "Verksamhetsplan och budget med mål, nyckeltal och driftbudget"),
    ))

# The report checks register themselves on import.
from ..checks import ekonomi as _ekonomi_checks  # noqa: E402,F401
