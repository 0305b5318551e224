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
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..exceptions import InputError
from ..format import Formatter, Period, parse_period
from ..inputs.ekonomiblad import load_drift, load_investeringar, load_nyckeltal, load_volymer
from ..inputs.excel import Tabell, Tabellkalla, load_source, table_from_rows
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


# A text is a path to a Markdown file (one line ending in .md) or the Markdown itself.
TEXT_HJALP = "sökväg till en Markdown-fil (.md) eller texten själv"


def ar_sokvag(value: str) -> bool:
    value = value.strip()
    return "\n" not in value and value.lower().endswith(".md")


class Texter(Strict):
    ansvarsomraden: Text = Field(alias="ansvarsområden", description=f"Nämndens ansvars- och verksamhetsområden ({TEXT_HJALP})")
    omvarld: Text | None = Field(None, alias="omvärld", description=f"Omvärld och förutsättningar ({TEXT_HJALP})")
    strategier: Text | None = Field(None, description=f"Strategier för måluppfyllelse ({TEXT_HJALP})")
    privata_utforare: Text | None = Field(None, alias="privata_utförare", description=f"Uppföljning av privata utförare ({TEXT_HJALP})")
    ekonomi: Text | None = Field(None, description=f"Kommentarer per verksamhet/område: '## Namn' + text ({TEXT_HJALP})")


class Tabellangivelse(Strict):
    """An economy table: a sheet in a file (fil, blad, rubrikrad), or the rows written inline (rader)."""

    fil: Path | None = Field(None, description="Excel- eller CSV-fil, relativt manifestet")
    blad: str | int | None = Field(None, description="Bladets namn eller nummer")
    rubrikrad: int = Field(1, ge=1, description="Raden med kolumnrubriker")
    enhet: Literal["kr", "tkr"] = Field(description="Enhet för beloppen: kr eller tkr")
    rader: list[list[Any]] | None = Field(None, description="I stället för fil: rubrikraden och dataraderna")

    @model_validator(mode="after")
    def _en_kalla(self) -> "Tabellangivelse":
        if (self.fil is None) == (self.rader is None):
            raise ValueError("ange antingen 'fil' (ett blad i en Excel-fil) eller 'rader' (tabellen i manifestet)")
        return self

    def tabell(self, manifest: Path, namn: str) -> Tabell:
        if self.rader is not None:
            return table_from_rows(manifest, namn, self.rader, self.enhet)
        assert self.fil is not None
        kalla = Tabellkalla(fil=self.fil, blad=self.blad, rubrikrad=self.rubrikrad, enhet=self.enhet)
        return load_source(kalla, manifest.parent)


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
    ekonomi: Tabellangivelse = Field(description="Driftbladet: fil, blad, rubrikrad, enhet (kr/tkr) eller rader")
    investeringar: Tabellangivelse | None = Field(None, description="Investeringsbladet")
    omraden: list[Omrade] = Field(alias="områden", min_length=1, description="Verksamhetsområden och deras verksamheter")
    mal: Path | None = Field(None, alias="mål", description="Målfilen (YAML); eller målbilderna direkt i 'målbilder'")
    malbilder: list[Malbild] | None = Field(None, alias="målbilder", description="Målbilderna, i stället för en målfil")
    nyckeltal: Nyckeltalskalla | None = Field(None, description="Nyckeltal: Excel-fil med ett blad per målbild")
    volymer: Tabellangivelse | None = Field(None, description="Delårsrapport: volymrapport (Mått + jan..dec)")
    texter: Texter = Field(description="Återkommande texter (Markdown)")

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None and parse_period(value) is None:
            raise ValueError(f"är inte en period ({value!r}); skriv t.ex. 'jan-aug'")
        return value

    @model_validator(mode="after")
    def _mal(self) -> "Rapportmanifest":
        if (self.mal is None) == (self.malbilder is None):
            raise ValueError("ange antingen 'mål' (målfilen) eller 'målbilder' (målen i manifestet)")
        return self


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
    malfil: Path | None = None  # where the goals were written: the goals file or the manifest

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


def text_kalla(manifest: Path, value: str) -> Path:
    """The file a text came from: its Markdown file, or the manifest for inline text."""
    return _resolve(manifest.parent, Path(value.strip())) if ar_sokvag(value) else manifest


def _text(manifest: Path, value: str, rad: int | None = None) -> list[Block]:
    """A text's blocks; inline text keeps the manifest's line numbers (rad: the key's line)."""
    if ar_sokvag(value):
        return _markdown(text_kalla(manifest, value))
    return parse_body(value, manifest, rad or 0)


def _text_rad(located, key: str) -> int | None:
    alias = Texter.model_fields[key].alias
    for name in (alias, key):
        if name and ("texter", name) in located.lines:
            return located.line_of(("texter", name))
    return None


def _kommentarer(fil: Path, blocks: list[Block], known: set[str]) -> dict[str, list[Block]]:
    """'## Name' sections of the economy comments, each name a verksamhet or område."""
    out: dict[str, list[Block]] = {}
    current: str | None = None
    for block in blocks:
        if isinstance(block, Rubrik) and block.niva <= 2:
            if block.text not in known:
                raise InputError(f"rubriken '{block.text}' är varken nämnden, ett område eller en "
                                 "verksamhet i ekonomiarket", fil=fil, plats=f"rad {block.rad}")
            current = block.text
            out.setdefault(current, [])
            continue
        if current is None:
            raise InputError("texten ska börja med en rubrik '## Verksamhet'", fil=fil,
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
    drift = load_drift(falt.ekonomi.tabell(fil, "ekonomi"), falt.typ, omraden)
    inv = load_investeringar(falt.investeringar.tabell(fil, "investeringar"), falt.typ) if falt.investeringar else None
    if falt.mal is not None:
        malfil = _resolve(base, falt.mal)
        if not malfil.is_file():
            raise InputError("målfilen finns inte", fil=malfil)
        mal_loc = load_yaml_file(malfil)
        malbilder = validate(Malfil, mal_loc).malbilder
        where = lambda *loc: mal_loc.where(("målbilder", *loc))  # noqa: E731
    else:
        malfil, malbilder = fil, falt.malbilder or []
        where = lambda *loc: located.where(("målbilder", *loc))  # noqa: E731
    nyckeltal = {}
    for i, mb in enumerate(malbilder):
        if isinstance(mb.nyckeltal, list):
            tabell = table_from_rows(malfil, f"nyckeltal {i + 1}", mb.nyckeltal, "kr")
            nyckeltal[mb.namn] = load_nyckeltal(tabell)
        elif mb.nyckeltal and not falt.nyckeltal:
            raise InputError(f"målbilden anger nyckeltalsbladet '{mb.nyckeltal}', men manifestet {fil.name} "
                             "saknar 'nyckeltal' (filen med nyckeltal)", fil=malfil, plats=where(i, "nyckeltal"))
        elif mb.nyckeltal and falt.nyckeltal:
            kalla = Tabellkalla(fil=falt.nyckeltal.fil, blad=mb.nyckeltal,
                                rubrikrad=falt.nyckeltal.rubrikrad, enhet="kr")
            nyckeltal[mb.namn] = load_nyckeltal(load_source(kalla, base), Formatter.from_profil(profil))
    texter = {}
    for key in ("ansvarsomraden", "omvarld", "strategier", "privata_utforare"):
        value = getattr(falt.texter, key)
        if value is not None:
            texter[key] = _text(fil, value, _text_rad(located, key))
    kommentarer = {}
    if falt.texter.ekonomi is not None:
        known = {v.namn for v in drift.verksamheter} | {o.namn for o in falt.omraden} | {falt.namnd}
        blocks = _text(fil, falt.texter.ekonomi, _text_rad(located, "ekonomi"))
        kommentarer = _kommentarer(text_kalla(fil, falt.texter.ekonomi), blocks, known)
    volymer = load_volymer(falt.volymer.tabell(fil, "volymer"), falt.ar) if falt.volymer else None
    return Rapport(fil, falt, drift, inv, malbilder, nyckeltal, texter, kommentarer, volymer,
                   {o.namn: o.kort for o in falt.omraden if o.kort}, falt.kommun or profil.kommun, malfil)


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
