"""The tjänsteskrivelse: front matter fields plus body sections."""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, field_validator

from .block import Block, MarkdownDoc
from .common import Person, PersonList, Strict, Text, TextList, _as_date, ny_lista


@dataclass(frozen=True)
class AvsnittTyp:
    """A known body section: its key, heading and the other headings that name it."""

    key: str
    rubrik: str
    alias: tuple[str, ...] = ()
    obligatoriskt: bool = False


# Body sections a tjänsteskrivelse may have, in document order.
AVSNITT: tuple[AvsnittTyp, ...] = (
    AvsnittTyp("sammanfattning", "Sammanfattning", ("Sammanfattning av ärendet",)),
    AvsnittTyp("arendet", "Ärendet", ("Beskrivning av ärendet", "Ärendebeskrivning", "Bakgrund"), True),
    AvsnittTyp("bedomning", "Förvaltningens bedömning", ("Bedömning",)),
    AvsnittTyp("ekonomiska_konsekvenser", "Ekonomiska konsekvenser", ("Ekonomi", "Ekonomisk bedömning")),
    AvsnittTyp("barnperspektiv", "Barnperspektiv", ("Barnkonsekvensanalys", "Barnrättsperspektiv")),
    AvsnittTyp("jamstalldhet", "Jämställdhet", ("Jämställdhetsperspektiv",)),
    AvsnittTyp("miljo", "Miljö", ("Miljöperspektiv", "Miljökonsekvenser")),
)

# Headings that belong in the front matter, with the field to use instead.
FRONT_MATTER_RUBRIKER = {
    "förslag till beslut": "förslag_till_beslut",
    "ärendets tidigare behandling": "tidigare_behandling",
    "tidigare behandling": "tidigare_behandling",
    "beslutsunderlag": "beslutsunderlag",
    "protokollsutdrag till": "protokollsutdrag_till",
}


def normalise_heading(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).rstrip(":").casefold()


def avsnitt_for_heading(text: str, egna: dict[str, str] | None = None) -> AvsnittTyp | None:
    """The section a heading opens. egna maps the organisation's own headings to keys and wins
    over the standard names and aliases ('Sammanfattning av ärendet' -> arendet)."""
    wanted = normalise_heading(text)
    by_key = {t.key: t for t in AVSNITT}
    for heading, key in (egna or {}).items():
        if normalise_heading(heading) == wanted:
            return by_key[key]
    for typ in AVSNITT:
        if wanted in {normalise_heading(n) for n in (typ.rubrik, *typ.alias)}:
            return typ
    return None


class Tjansteskrivelse(Strict):
    """Front matter of a tjänsteskrivelse. Missing organisation fields come from the profile."""

    kommun: Text = Field(description="Kommunens namn i brevhuvudet")
    forvaltning: Text = Field(alias="förvaltning", description="Förvaltningen som skriver")
    namnd: Text = Field(alias="nämnd", description="Nämnden som ska besluta (mottagare)")
    handlaggare: Person | None = Field(
        None, alias="handläggare",
        description="Handläggare: namn, titel, telefon, e-post (obligatoriskt om inte profilen anger "
                    "'tjänsteskrivelse: valfria_fält: [handläggare]')")
    datum: dt.date = Field(description="Datum för tjänsteskrivelsen (ÅÅÅÅ-MM-DD)")
    dnr: Text = Field(description="Diarienummer, t.ex. SN/2023:197")
    titel: Text = Field(description="Ärendemening, blir dokumentets rubrik")
    forslag_till_beslut: TextList = Field(
        alias="förslag_till_beslut", min_length=1,
        description="Förslag till beslut: en mening eller en lista (numreras vid fler än en punkt)",
    )
    tidigare_behandling: TextList = Field(
        default_factory=ny_lista, description="Ärendets tidigare behandling, t.ex. 'SN 2023-03-15 § 42, Titel.'"
    )
    beslutsunderlag: TextList = Field(default_factory=ny_lista, description="Beslutsunderlag i bilageordning")
    protokollsutdrag_till: TextList = Field(default_factory=ny_lista, description="Mottagare av protokollsutdrag")
    underskrifter: PersonList = Field(min_length=1, description="Undertecknare: namn och titel, en eller flera")

    @field_validator("datum", mode="before")
    @classmethod
    def _date_text(cls, value):
        return _as_date(value)



@dataclass
class TjansteskrivelseDoc:
    """A validated tjänsteskrivelse: fields, body sections and where it came from."""

    fil: Path
    falt: Tjansteskrivelse
    avsnitt: dict[str, list[Block]] = field(default_factory=dict)
    source: MarkdownDoc | None = None

    @property
    def stem(self) -> str:
        return self.fil.stem
