"""The two big reports (verksamhetsplan och budget, delårsrapport): manifest and loading.

An input folder holds a manifest (delarsrapport.yaml or verksamhetsplan.yaml) that
names the economy Excel file(s), the goals file, the nyckeltal workbook and the
reused Markdown texts:

    doc = load("examples/delarsrapport", profil)     # the folder or the manifest
    render(doc, "ut/delarsrapport.docx", profil)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from ..errors import InputError
from ..format import Period, parse_period
from ..inputs.ekonomiblad import load_drift, load_investeringar, load_nyckeltal, load_volymer
from ..inputs.excel import Tabellkalla
from ..inputs.markdown import Block, Rubrik, parse_body
from ..inputs.text import read_text
from ..inputs.yamlsrc import load_yaml_file, validate
from ..model.common import Datum, Strict, Text, TextList
from ..model.ekonomi import Driftstabell, Investeringstabell, Volymer
from ..model.mal import Malbild, Malfil
from ..profil import Profil

TYPER = ("delarsrapport", "verksamhetsplan")
MANIFEST_NAMN = {"delarsrapport": "delarsrapport.yaml", "verksamhetsplan": "verksamhetsplan.yaml"}


class Omrade(Strict):
    namn: Text = Field(description="Verksamhetsområdets namn, t.ex. 'Individ och familjeomsorgen'")
    kort: Text | None = Field(None, description="Förkortning, t.ex. 'IFO'")
    verksamheter: TextList = Field(min_length=1, description="Verksamheterna (som i ekonomiarket)")


class Texter(Strict):
    ansvarsomraden: Path = Field(alias="ansvarsområden", description="Nämndens ansvars- och verksamhetsområden (Markdown)")
    omvarld: Path | None = Field(None, alias="omvärld", description="Omvärld och förutsättningar (Markdown)")
    strategier: Path | None = Field(None, description="Strategier för måluppfyllelse (Markdown)")
    privata_utforare: Path | None = Field(None, alias="privata_utförare", description="Uppföljning av privata utförare (Markdown)")
    ekonomi: Path | None = Field(None, description="Kommentarer per verksamhet/område: '## Namn' + text (Markdown)")


class Nyckeltalskalla(Strict):
    fil: Path = Field(description="Excel-fil med ett blad per målbild")
    rubrikrad: int = Field(1, ge=1, description="Raden med kolumnrubriker")


class Rapportmanifest(Strict):
    typ: Literal["delarsrapport", "verksamhetsplan"] = Field(description="delarsrapport eller verksamhetsplan")
    titel: Text = Field(description="Rapportens titel, t.ex. 'Delårsrapport 2023'")
    namnd: Text = Field(alias="nämnd", description="Nämnden, t.ex. 'Socialnämnden'")
    kommun: Text | None = Field(None, description="Kommunen (standard: profilens)")
    ar: int = Field(alias="år", ge=2000, le=2100, description="Rapportåret (delårsrapport) eller budgetåret (plan)")
    period: str | None = Field(None, description="Delårsrapport: perioden, t.ex. 'jan-aug'")
    planperiod: str | None = Field(None, description="Plan: t.ex. '2024–2026'")
    dnr: Text | None = Field(None, description="Diarienummer")
    datum: Datum | None = Field(None, description="Datum (ÅÅÅÅ-MM-DD)")
    ordforande: Text | None = Field(None, alias="ordförande", description="Nämndens ordförande")
    forvaltningschef: Text | None = Field(None, alias="förvaltningschef", description="Förvaltningschef (namn, titel)")
    ekonomi: Tabellkalla = Field(description="Driftbladet: fil, blad, rubrikrad, enhet (kr/tkr)")
    investeringar: Tabellkalla | None = Field(None, description="Investeringsbladet")
    omraden: list[Omrade] = Field(alias="områden", min_length=1, description="Verksamhetsområden och deras verksamheter")
    mal: Path = Field(alias="mål", description="Målfilen (YAML)")
    nyckeltal: Nyckeltalskalla | None = Field(None, description="Nyckeltal: Excel-fil med ett blad per målbild")
    volymer: Tabellkalla | None = Field(None, description="Delårsrapport: volymrapport (Mått + jan..dec)")
    texter: Texter = Field(description="Återkommande texter (Markdown)")

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None and parse_period(value) is None:
            raise ValueError(f"är inte en period ({value!r}); skriv t.ex. 'jan-aug'")
        return value


@dataclass
class Rapport:
    """A loaded report: validated manifest, economy in kronor, goals, nyckeltal and texts."""

    fil: Path
    falt: Rapportmanifest
    drift: Driftstabell
    investeringar: Investeringstabell | None
    malbilder: list[Malbild]
    nyckeltal: dict[str, tuple[list[str], list[list[str]]]]  # målbild -> (header, rows)
    texter: dict[str, list[Block]]
    kommentarer: dict[str, list[Block]] = field(default_factory=dict)  # verksamhet/område -> blocks
    volymer: Volymer | None = None
    omrade_kort: dict[str, str] = field(default_factory=dict)
    kommun: str = ""

    @property
    def typ(self) -> str:
        return self.falt.typ

    @property
    def stem(self) -> str:
        return self.falt.typ

    @property
    def period(self) -> Period:
        found = parse_period(self.falt.period or "jan-dec")
        assert found is not None  # validated
        return Period(self.falt.ar, found.start, found.slut)


def manifest_path(path: str | Path, typ: str | None = None) -> Path:
    """The manifest: the path itself, or the report's manifest in a folder."""
    path = Path(path)
    if path.is_dir():
        names = [MANIFEST_NAMN[typ]] if typ else list(MANIFEST_NAMN.values())
        for name in names:
            if (path / name).is_file():
                return path / name
        raise InputError("mappen saknar manifest; lägg " + " eller ".join(names) + " i mappen", fil=path)
    if not path.is_file():
        raise InputError("filen finns inte", fil=path)
    return path


def _markdown(path: Path) -> list[Block]:
    if not path.is_file():
        raise InputError("filen finns inte", fil=path)
    return parse_body(read_text(path), path)


def _resolve(base: Path, p: Path) -> Path:
    return p if p.is_absolute() else base / p


def _kommentarer(path: Path, known: set[str]) -> dict[str, list[Block]]:
    """'## Name' sections of the economy comments, each name a verksamhet or område."""
    out: dict[str, list[Block]] = {}
    current: str | None = None
    for block in _markdown(path):
        if isinstance(block, Rubrik) and block.niva <= 2:
            if block.text not in known:
                raise InputError(f"rubriken '{block.text}' är varken nämnden, ett område eller en "
                                 "verksamhet i ekonomiarket", fil=path, plats=f"rad {block.rad}")
            current = block.text
            out.setdefault(current, [])
            continue
        if current is None:
            raise InputError("texten ska börja med en rubrik '## Verksamhet'", fil=path,
                             plats=f"rad {getattr(block, 'rad', 1)}")
        out[current].append(block)
    return out


def load(path: str | Path, profil: Profil | None = None, typ: str | None = None) -> Rapport:
    """Load a report from its folder or manifest; every error names file and field/cell."""
    profil = profil or Profil()
    fil = manifest_path(path, typ)
    located = load_yaml_file(fil)
    falt = validate(Rapportmanifest, located)
    if typ is not None and falt.typ != typ:
        raise InputError(f"manifestet är för '{falt.typ}', inte '{typ}'", fil=fil, plats=located.where(("typ",)))
    if falt.typ == "delarsrapport" and not falt.period:
        raise InputError("en delårsrapport behöver 'period', t.ex. 'jan-aug'", fil=fil)
    base = fil.parent
    omraden: dict[str, str] = {}
    for i, omr in enumerate(falt.omraden):
        for j, namn in enumerate(omr.verksamheter):
            if namn in omraden:
                raise InputError(f"verksamheten '{namn}' finns i två områden", fil=fil,
                                 plats=located.where(("områden", i, "verksamheter", j)))
            omraden[namn] = omr.namn
    drift = load_drift(falt.ekonomi, base, falt.typ, omraden)
    inv = load_investeringar(falt.investeringar, base, falt.typ) if falt.investeringar else None
    malfil = _resolve(base, falt.mal)
    if not malfil.is_file():
        raise InputError("målfilen finns inte", fil=malfil)
    mal_loc = load_yaml_file(malfil)
    malbilder = validate(Malfil, mal_loc).malbilder
    nyckeltal = {}
    for i, mb in enumerate(malbilder):
        if mb.nyckeltal and not falt.nyckeltal:
            raise InputError(f"målbilden anger nyckeltalsbladet '{mb.nyckeltal}', men manifestet {fil.name} "
                             "saknar 'nyckeltal' (filen med nyckeltal)", fil=malfil,
                             plats=mal_loc.where(("målbilder", i, "nyckeltal")))
    if falt.nyckeltal:
        for mb in malbilder:
            if mb.nyckeltal:
                kalla = Tabellkalla(fil=falt.nyckeltal.fil, blad=mb.nyckeltal,
                                    rubrikrad=falt.nyckeltal.rubrikrad, enhet="kr")
                nyckeltal[mb.namn] = load_nyckeltal(kalla, base)
    texter = {}
    for key in ("ansvarsomraden", "omvarld", "strategier", "privata_utforare"):
        p = getattr(falt.texter, key)
        if p is not None:
            texter[key] = _markdown(_resolve(base, p))
    kommentarer = {}
    if falt.texter.ekonomi is not None:
        known = {v.namn for v in drift.verksamheter} | {o.namn for o in falt.omraden} | {falt.namnd}
        kommentarer = _kommentarer(_resolve(base, falt.texter.ekonomi), known)
    volymer = load_volymer(falt.volymer, base, falt.ar) if falt.volymer else None
    return Rapport(fil, falt, drift, inv, malbilder, nyckeltal, texter, kommentarer, volymer,
                   {o.namn: o.kort for o in falt.omraden if o.kort}, falt.kommun or profil.kommun)


def kanner_igen(typ: str):
    """A recognizer for a report manifest: YAML whose top level says `typ: <typ>`."""

    def recognize(path: Path) -> bool:
        path = Path(path)
        if path.is_dir():
            return (path / MANIFEST_NAMN[typ]).is_file()
        if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
            return False
        try:
            data = load_yaml_file(path).data
        except InputError:
            return False
        return isinstance(data, dict) and data.get("typ") == typ

    return recognize


def datum_for(doc: Rapport) -> dt.date:
    return doc.falt.datum or dt.date.today()
