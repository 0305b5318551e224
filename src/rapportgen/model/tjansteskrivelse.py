"""The tjänsteskrivelse: front matter fields plus body sections."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, field_validator

from .block import Block, MarkdownDoc
from .common import Person, PersonList, Strict, Text, TextList


@dataclass(frozen=True)
class AvsnittTyp:
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


def avsnitt_for_heading(text: str) -> AvsnittTyp | None:
    wanted = normalise_heading(text)
    for typ in AVSNITT:
        if wanted in {normalise_heading(n) for n in (typ.rubrik, *typ.alias)}:
            return typ
    return None


class Tjansteskrivelse(Strict):
    """Front matter of a tjänsteskrivelse. Missing organisation fields come from the profile."""

    kommun: Text = Field(description="Kommunens namn i brevhuvudet")
    forvaltning: Text = Field(alias="förvaltning", description="Förvaltningen som skriver")
    namnd: Text = Field(alias="nämnd", description="Nämnden som ska besluta (mottagare)")
    handlaggare: Person = Field(alias="handläggare", description="Handläggare: namn, titel, telefon, e-post")
    datum: dt.date = Field(description="Datum för tjänsteskrivelsen (ÅÅÅÅ-MM-DD)")
    dnr: Text = Field(description="Diarienummer, t.ex. SN/2023:197")
    titel: Text = Field(description="Ärendemening, blir dokumentets rubrik")
    forslag_till_beslut: TextList = Field(
        alias="förslag_till_beslut", min_length=1,
        description="Förslag till beslut: en mening eller en lista (numreras vid fler än en punkt)",
    )
    tidigare_behandling: TextList = Field(
        default_factory=list, description="Ärendets tidigare behandling, t.ex. 'SN 2023-03-15 § 42, Titel.'"
    )
    beslutsunderlag: TextList = Field(default_factory=list, description="Beslutsunderlag i bilageordning")
    protokollsutdrag_till: TextList = Field(default_factory=list, description="Mottagare av protokollsutdrag")
    underskrifter: PersonList = Field(min_length=1, description="Undertecknare: namn och titel, en eller flera")

    @field_validator("datum", mode="before")
    @classmethod
    def _date_text(cls, value):
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"är inte ett giltigt datum ({value!r}); skriv ÅÅÅÅ-MM-DD") from None
        return value

    @property
    def beslutsformulering(self) -> str:
        """'Socialnämnden beslutar:' from the nämnd's name."""
        name = self.namnd[:1].upper() + self.namnd[1:]
        return f"{name} beslutar:"


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
