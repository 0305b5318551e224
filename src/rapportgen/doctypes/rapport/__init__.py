"""Verksamhetsplan och budget, and delårsrapport: the code the two report types share.

The types themselves are doctypes/delarsrapport.py and doctypes/verksamhetsplan.py.

    from rapportgen.doctypes.rapport import load, render
    doc = load("examples/delarsrapport")            # folder or manifest
    render(doc, "ut/delarsrapport.docx", profil)     # .docx from templates/delarsrapport.docx
    doctypes.get("delarsrapport").build([Path("examples/delarsrapport")], "ut", profil)

Both share one skeleton (ansvarsområden, goals, nyckeltal, economy, strategies);
the delårsrapport adds goal status, the driftredovisning with prognos, and charts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ...checks import ekonomi as ekonomi_checks
from ...config import Profil
from ...format import Formatter, format_period
from ...inputs.rapport import kanner_igen, load
from ...model.rapport import Rapport, datum_for
from ...render.kontext import ProfilKontext, kontext_dict
from ..base import EXEMPEL, DocType

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

__all__ = ["Rapport", "load", "render", "Kontext", "doctype"]

LABEL = {"delarsrapport": "Delårsrapport", "verksamhetsplan": "Verksamhetsplan och budget"}


class Kontext(BaseModel):
    """What a delårsrapport or verksamhetsplan template sees."""

    # Built when a template is filled, not when a check imports the type (render.kontext does the same).
    model_config = ConfigDict(arbitrary_types_allowed=True, defer_build=True)

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
    from ...render.docx import render_typ

    profil = profil or Profil()
    fmt = Formatter.from_profil(profil)
    return render_typ(doc.typ, out, lambda tpl: kontext_dict(build_kontext(doc, tpl, profil, fmt)), profil, mallar)


def context(doc: Rapport, tpl: DocxTemplate, profil: Profil) -> dict[str, Any]:
    return kontext_dict(build_kontext(doc, tpl, profil, Formatter.from_profil(profil)))


def _loader(typ: str):
    def load_typ(path: Path, profil: Profil | None = None) -> Rapport:
        return load(path, profil, typ)

    return load_typ


def doctype(typ: str, description: str) -> DocType:
    """The DocType of one of the two reports. The shipped exempel are self-contained manifests
    (tables as rows, texts inline); the full examples with Excel files are in examples/."""
    return DocType(
        name=typ, label=LABEL[typ], model=Rapport, context_model=Kontext, load=_loader(typ), context=context,
        render=render, checks=(ekonomi_checks,), suffixes=(".yaml", ".yml"), kanner_igen=kanner_igen(typ),
        exempel=EXEMPEL / f"{typ}.yaml", description=description,
    )
