"""The two big reports (verksamhetsplan och budget, delårsrapport): the manifest and the loaded report."""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..format import Period, parse_period
from .block import Block
from .common import Datum, Strict, Text, TextList, ny_lista
from .ekonomi import Driftstabell, Investeringstabell, Volymer
from .mal import Malbild
from .tabelldef import Definierad

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


class Tabellval(Strict):
    """A table declared by a definition (tabeller.yaml beside the manifest, or the profile's
    `tabeller:`), read from a sheet or from rows in the manifest."""

    tabell: Text = Field(description="Definitionens namn, t.ex. 'driftbudget'")
    fil: Path | None = Field(None, description="Excel- eller CSV-fil, relativt manifestet")
    blad: str | int | None = Field(None, description="Bladets namn eller nummer (standard: definitionens)")
    rubrikrad: int | None = Field(None, ge=1, description="Raden med kolumnrubriker (standard: definitionens)")
    enhet: Literal["kr", "tkr"] | None = Field(None, description="Beloppens enhet i arket (standard: definitionens)")
    rader: list[list[Any]] | None = Field(None, description="I stället för fil: rubrikraden och dataraderna")

    @model_validator(mode="after")
    def _en_kalla(self) -> "Tabellval":
        if (self.fil is None) == (self.rader is None):
            raise ValueError("ange antingen 'fil' (ett blad i en Excel-fil) eller 'rader' (tabellen i manifestet)")
        return self


class Planjamforelse(Strict):
    a: Text = Field(description="Kolumnen som jämförs, t.ex. 'Budget 2024'")
    b: Text = Field(description="Kolumnen den jämförs med, t.ex. 'Budget 2023'")


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
    ekonomi: Tabellangivelse | None = Field(None, description="Driftbladet i ekonomisystemets format: fil, blad, "
                                                            "rubrikrad, enhet (kr/tkr) eller rader")
    investeringar: Tabellangivelse | None = Field(None, description="Investeringsbladet")
    tabeller: list[Tabellval] = Field(default_factory=ny_lista, description="Ekonomitabeller enligt tabelldefinitioner "
                                      "(docs/tabelldefinitioner.md), i ordning: tabell, fil, blad")
    jamforelse: "Planjamforelse | None" = Field(
        None, alias="jämförelse", description="Plan med 'ekonomi': kolumnerna texten jämför nettokostnaden i, "
                                              "t.ex. {a: Budget 2024, b: Budget 2023} (standard: budgetåret mot "
                                              "det senaste bokslutet)")
    tabelldefinitioner: Path | None = Field(None, description="Filen med tabelldefinitioner (standard: tabeller.yaml "
                                            "bredvid manifestet, annars profilens 'tabeller')")
    omraden: list[Omrade] = Field(default_factory=ny_lista, alias="områden",
                                  description="Verksamhetsområden och deras verksamheter (krävs med 'ekonomi')")
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
    def _ekonomi(self) -> "Rapportmanifest":
        if self.ekonomi is None and not self.tabeller:
            raise ValueError("ange 'ekonomi' (driftbladet) eller 'tabeller' (tabeller enligt definitioner)")
        if self.ekonomi is not None and not self.omraden:
            raise ValueError("fältet 'områden' saknas (obligatoriskt med 'ekonomi')")
        if self.typ == "delarsrapport" and self.ekonomi is None:
            raise ValueError("en delårsrapport behöver 'ekonomi' (driftredovisningen med prognos)")
        return self

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
    drift: Driftstabell | None
    investeringar: Investeringstabell | None
    malbilder: list[Malbild]
    nyckeltal: dict[str, tuple[list[str], list[list[str]]]]  # målbild -> (header, rows)
    texter: dict[str, list[Block]]
    kommentarer: dict[str, list[Block]] = field(default_factory=dict)  # verksamhet/område -> blocks
    volymer: Volymer | None = None
    omrade_kort: dict[str, str] = field(default_factory=dict)
    kommun: str = ""
    malfil: Path | None = None  # where the goals were written: the goals file or the manifest
    tabeller: list[Definierad] = field(default_factory=list)  # tables read by their definitions

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


def _resolve(base: Path, p: Path) -> Path:
    return p if p.is_absolute() else base / p


def text_kalla(manifest: Path, value: str) -> Path:
    """The file a text came from: its Markdown file, or the manifest for inline text."""
    return _resolve(manifest.parent, Path(value.strip())) if ar_sokvag(value) else manifest


def datum_for(doc: Rapport) -> dt.date:
    return doc.falt.datum or dt.date.today()
