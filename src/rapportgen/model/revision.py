"""Revisionssvar and the revision register: input models.

A revisionssvar input describes the auditors' report (title, firm, date, dnr,
deadline), its recommendations grouped by audited area, and the nämnd's reply
to each recommendation addressed to it.
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
import enum
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

from .block import Block
from .common import Person, PersonList, Strict, Text, TextList, clean_text, ny_lista, parse_date
from .located import Located


Datum = Annotated[dt.date, BeforeValidator(parse_date)]
DatumLista = Annotated[list[Datum], BeforeValidator(lambda v: [] if v is None else v)]


def clean_data(value: Any) -> Any:
    """Parsed YAML with characters XML cannot hold removed (YAML escapes like "\\e" can make them)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: clean_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    return value


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


class Stallning(str, enum.Enum):
    """The nämnd's stand on a recommendation."""

    INSTAMMER = "instämmer"
    DELVIS = "instämmer delvis"
    INSTAMMER_INTE = "instämmer inte"

    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            wanted = _norm(value).replace("ä", "a")
            for member in cls:
                if wanted == member.value.replace("ä", "a"):
                    return member
            known = ", ".join(f"'{m.value}'" for m in cls)
            raise ValueError(f"är inte ett känt ställningstagande ({value!r}); använd {known}")
        return value


class Atgard(Strict):
    """A planned action in the reply."""

    atgard: Text = Field(alias="åtgärd", description="Vad som ska göras")
    ansvarig: Text = Field(description="Vem som ansvarar")
    klart_senast: Text = Field(description="När åtgärden ska vara klar: datum eller t.ex. 'under 2024'")


AtgardLista = Annotated[list[Atgard], BeforeValidator(lambda v: [] if v is None else [v] if isinstance(v, dict) else v)]


class Svar(Strict):
    """The nämnd's reply to one recommendation."""

    stallning: Annotated[Stallning, BeforeValidator(Stallning.parse)] = Field(
        alias="ställning", description="'instämmer', 'instämmer delvis' eller 'instämmer inte'")
    text: Text = Field(description="Svaret; tomma rader skiljer stycken")
    atgarder: AtgardLista = Field(default_factory=ny_lista, alias="åtgärder",
                                  description="Åtgärder: åtgärd, ansvarig, klart_senast")


# Addressees that include every nämnd.
ALLA_NAMNDER = {"samtliga nämnder", "alla nämnder", "berörda nämnder", "de granskade nämnderna",
                "kommunstyrelsen och samtliga nämnder", "kommunstyrelsen och berörda nämnder"}


class Rekommendation(Strict):
    """One recommendation of the report, with the nämnd's reply when addressed to it."""

    text: Text = Field(description="Rekommendationen som i rapporten, t.ex. 'att socialnämnden tydliggör ...'")
    avsnitt: Text | None = Field(None, description="Avsnitt i rapporten, t.ex. '4.1'")
    adressat: TextList = Field(min_length=1, description="Vem rekommendationen riktar sig till, en eller flera")
    omformulerad: Text | None = Field(
        None, description="Egen imperativform när den automatiska omskrivningen inte passar")
    svar: Svar | None = Field(None, description="Nämndens svar (krävs när rekommendationen riktar sig till nämnden)")

    def galler(self, namnd: str) -> bool:
        """True when the recommendation is addressed to this nämnd (or to all nämnder)."""
        wanted = _norm(namnd)
        for adressat in self.adressat:
            norm = _norm(adressat)
            if norm == wanted or norm in ALLA_NAMNDER:
                return True
        return False


class Omrade(Strict):
    """An audited area with its recommendations."""

    omrade: Text = Field(alias="område", description="Granskat område, t.ex. 'Granskning av insatser för barn och unga'")
    rekommendationer: list[Rekommendation] = Field(min_length=1, description="Rekommendationer inom området")


class Rapport(Strict):
    """The auditors' report."""

    titel: Text = Field(description="Rapportens titel, t.ex. 'Uppföljning av genomförda granskningar'")
    revisionsbyra: Text = Field(alias="revisionsbyrå", description="Revisionsbyrån, t.ex. 'KPMG'")
    datum: Datum = Field(description="Rapportens datum")
    dnr: Text = Field(description="Diarienummer för ärendet")
    svar_senast: Datum = Field(description="Sista dag för svaret")


class Tjanstedel(Strict):
    """Overrides for the generated tjänsteskrivelse."""

    datum: Datum | None = Field(None, description="Tjänsteskrivelsens datum (standard: svarets datum)")
    handlaggare: Person | None = Field(None, alias="handläggare",
                                      description="Handläggare: namn, titel, telefon, e-post "
                                                  "(standard: svarets första undertecknare)")

    @field_validator("handlaggare", mode="before")
    @classmethod
    def _name_only(cls, value):
        return {"namn": value} if isinstance(value, str) else value
    titel: Text | None = Field(None, description="Ärendemening (standard: 'Revisionsrapport <titel> - svar')")


class Revisionssvar(Strict):
    """A reply to a revisionsrapport. Missing organisation fields come from the profile."""

    kommun: Text = Field(description="Kommunens namn")
    forvaltning: Text = Field(alias="förvaltning", description="Förvaltningen som tagit fram svaret")
    namnd: Text = Field(alias="nämnd", description="Nämnden som svarar")
    ort: Text | None = Field(None, description="Ort vid underskriften (standard: kommunen)")
    datum: Datum = Field(description="Svarets datum")
    rapport: Rapport = Field(description="Revisionsrapporten")
    omraden: list[Omrade] = Field(alias="områden", min_length=1,
                                  description="Rekommendationerna, grupperade per granskat område")
    fristaende_stycken: TextList = Field(default_factory=ny_lista, alias="fristående_stycken",
                                         description="Svarsstycken som inte hör till en viss rekommendation")
    underskrifter: PersonList = Field(min_length=1, description="Undertecknare: namn och titel")
    tjansteskrivelse: Tjanstedel = Field(default_factory=Tjanstedel, alias="tjänsteskrivelse",
                                         description="Tjänsteskrivelsen för ärendet")

    def egna(self) -> list[tuple[Omrade, list[Rekommendation]]]:
        """Areas with only the recommendations addressed to this nämnd (empty areas left out)."""
        out = []
        for omrade in self.omraden:
            recs = [r for r in omrade.rekommendationer if r.galler(self.namnd)]
            if recs:
                out.append((omrade, recs))
        return out


# --- restating a recommendation -------------------------------------------------

# Verbs whose imperative is not the present tense minus -r / -er.
_OREGELBUNDNA = {"ser": "se", "tillser": "tillse", "tillgodoser": "tillgodose", "förser": "förse",
                 "anser": "anse", "ger": "ge", "anger": "ange", "står": "stå", "går": "gå",
                 "får": "få", "blir": "bli", "har": "ha", "slår": "slå"}
_SE_AVSNITT = re.compile(r",?\s*\(?se avsnitt [\d.\s,och]+\)?\.?\s*$", re.IGNORECASE)


def imperativ_verb(word: str) -> str:
    """Present tense to imperative: utvecklar -> utveckla, säkerställer -> säkerställ, ser -> se."""
    lower = word.casefold()
    if lower in _OREGELBUNDNA:
        return word[:1] + _OREGELBUNDNA[lower][1:]
    if lower.endswith("ar"):
        return word[:-1]
    if lower.endswith("er") and len(word) > 3:
        return word[:-2]
    return word  # gör, genomför, tydliggör: present equals imperative


def imperativ(text: str, namnd: str) -> str:
    """A recommendation restated as an instruction.

    'att socialnämnden säkerställer att X, se avsnitt 5.1' -> 'Säkerställ att X'.
    """
    text = _SE_AVSNITT.sub("", " ".join(text.split())).rstrip(" .,;")
    lead = re.match(r"att\s+(" + re.escape(namnd) + r"|nämnden|styrelsen)\s+(\S+)(.*)$", text, re.IGNORECASE)
    if lead:
        text = imperativ_verb(lead.group(2)) + lead.group(3)
    else:
        text = re.sub(r"^att\s+", "", text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:]


# --- the register of revisionsrapporter ----------------------------------------


class RegisterStatus(str, enum.Enum):
    NY = "ny"
    PAGAR = "pågår"
    KLAR = "klar för beslut"
    BESVARAD = "besvarad"
    AVSLUTAD = "avslutad"

    @property
    def oppen(self) -> bool:
        return self not in (RegisterStatus.BESVARAD, RegisterStatus.AVSLUTAD)

    @property
    def etikett(self) -> str:
        return self.value[:1].upper() + self.value[1:]

    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            wanted = _norm(value).replace("ä", "a").replace("å", "a")
            for member in cls:
                if wanted == member.value.replace("ä", "a").replace("å", "a"):
                    return member
            known = ", ".join(f"'{m.value}'" for m in cls)
            raise ValueError(f"är inte en känd status ({value!r}); använd {known}")
        return value


class Registerpost(Strict):
    """One revisionsrapport in the register."""

    titel: Text = Field(description="Rapportens titel")
    dnr: Text | None = Field(None, description="Diarienummer")
    revisionsbyra: Text | None = Field(None, alias="revisionsbyrå", description="Revisionsbyrå")
    inkom: Datum = Field(description="Datum då rapporten kom in")
    svar_senast: Datum = Field(description="Sista dag för svaret")
    status: Annotated[RegisterStatus, BeforeValidator(RegisterStatus.parse)] = Field(
        description="ny, pågår, klar för beslut, besvarad eller avslutad")
    svar: Text | None = Field(None, description="Svarsfilen (YAML eller Markdown), relativt registret")
    sammantrade: Datum | None = Field(None, alias="sammanträde",
                                      description="Sammanträdet där svaret beslutas")
    ansvarig: Text | None = Field(None, description="Ansvarig, t.ex. 'Förv.chef'")
    noteringar: Text | None = Field(None, description="Noteringar")


class Register(Strict):
    """The register of revisionsrapporter."""

    sammantraden: DatumLista = Field(default_factory=ny_lista, alias="sammanträden",
                                     description="Planerade sammanträden (kompletterar profilens)")
    rapporter: list[Registerpost] = Field(default_factory=ny_lista, description="Revisionsrapporterna")

    @field_validator("rapporter", mode="before")
    @classmethod
    def _none_is_empty(cls, value):
        return [] if value is None else value


@dataclass
class RevisionssvarDoc:
    """A validated reply: fields, optional Markdown body and where it came from."""

    fil: Path
    falt: Revisionssvar
    located: Located
    fritext: list[Block] = field(default_factory=list)  # Markdown body: free reply paragraphs

    @property
    def stem(self) -> str:
        return self.fil.stem

    def rad(self, *loc: Any) -> int | None:
        """Input line of a field path, for located findings."""
        return self.located.line_of(loc)
