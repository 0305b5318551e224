"""The revisionssvar's template context (doctypes/revisionssvar.py), imported when it renders."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import ConfigDict, Field

from ...render.kontext import Kontextmodell, PersonKontext, ProfilKontext, Subdoc


class AtgardKontext(Kontextmodell):
    atgard: str = Field(description="Åtgärd")
    ansvarig: str = Field(description="Ansvarig")
    klart_senast: str = Field(description="Klart senast")


class CitatKontext(Kontextmodell):
    text: str = Field(description="Rekommendationen som i rapporten")
    avsnitt: Optional[str] = Field(None, description="Avsnittsnummer, t.ex. '4.1'")
    referens: str = Field(description="'se avsnitt 4.1' eller tom")


class OmradeKontext(Kontextmodell):
    namn: str = Field(description="Granskat område")
    rekommendationer: list[CitatKontext] = Field(description="Rekommendationer till nämnden inom området")


class SynpunktKontext(Kontextmodell):
    nummer: int = Field(description="Löpnummer 1, 2, 3 ...")
    rubrik: str = Field(description="Rekommendationen omskriven i imperativ")
    avsnitt: Optional[str] = Field(None, description="Avsnittsnummer")
    stallning: str = Field(description="'instämmer', 'instämmer delvis' eller 'instämmer inte'")
    stallning_mening: str = Field(description="'Socialnämnden instämmer i rekommendationen.'")
    stycken: list[str] = Field(description="Svarets stycken")
    atgarder: list[AtgardKontext] = Field(description="Åtgärdstabellens rader (kan vara tom)")


class RapportKontext(Kontextmodell):
    titel: str = Field(description="Rapportens titel")
    revisionsbyra: str = Field(description="Revisionsbyrån")
    datum: dt.date = Field(description="Rapportens datum")
    dnr: str = Field(description="Diarienummer")
    svar_senast: dt.date = Field(description="Sista dag för svaret")


class Kontext(Kontextmodell):
    """What a revisionssvar template sees."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    dokumenttyp: str = Field(description="'Revisionssvar'")
    titel: str = Field(description="'Svar på revisionsrapport <titel>'")
    kommun: str = Field(description="Kommunens namn")
    forvaltning: str = Field(description="Förvaltningen")
    namnd: str = Field(description="Nämnden som svarar, t.ex. 'Socialnämnden'")
    namnd_genitiv: str = Field(description="'Socialnämndens'")
    ort: str = Field(description="Ort vid underskriften")
    datum: dt.date = Field(description="Svarets datum")
    rapport: RapportKontext = Field(description="Revisionsrapporten")
    omraden: list[OmradeKontext] = Field(description="Bakgrund: rekommendationerna till nämnden per område")
    synpunkter: list[SynpunktKontext] = Field(description="Numrerade synpunkter")
    fristaende_stycken: list[str] = Field(description="Svarsstycken utan nummer")
    fritext: Optional[Subdoc] = Field(None, description="Markdown-brödtext (fria svarsstycken)")
    underskrifter: list[PersonKontext] = Field(description="Undertecknare")
    profil: ProfilKontext = Field(description="Organisationsprofilens brevhuvudsuppgifter")
