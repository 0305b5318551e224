"""The uppdragslista's template context (doctypes/uppdragslista.py), imported when it renders."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import Field

from ...render.kontext import Kontextmodell, ProfilKontext


class RadKontext(Kontextmodell):
    uppdragsgivare: str = Field(description="Uppdragsgivare")
    uppdrag: str = Field(description="Uppdrag/Yttrande")
    paragraf: str = Field(description="§ nr (tom om saknas)")
    beslutsdatum: Optional[dt.date] = Field(None, description="Beslutsdatum")
    diarienr: str = Field(description="Diarienummer (tom om saknas)")
    ansvarig: str = Field(description="Ansvarig")
    klart_senast: str = Field(description="Klart senast")
    status: str = Field(description="Nytt, Pågår, Pausad eller Avslutas")
    noteringar: str = Field(description="Noteringar")


class Kontext(Kontextmodell):
    """What an uppdragslista template sees."""

    dokumenttyp: str = Field(description="'Uppdragslista'")
    titel: str = Field(description="Rubrik")
    kommun: str = Field(description="Kommunens namn")
    forvaltning: str = Field(description="Förvaltningen")
    namnd: str = Field(description="Nämnden")
    dnr: str = Field(description="Diarienummer för listan (tom om saknas)")
    per: dt.date = Field(description="Redovisning t o m")
    rader: list[RadKontext] = Field(description="Uppdragen")
    antal: dict[str, int] = Field(description="Antal per status: Nytt, Pågår, Pausad, Avslutas")
    profil: ProfilKontext = Field(description="Organisationsprofilens brevhuvudsuppgifter")
