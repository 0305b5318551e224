"""The protokoll's, the protokollsutdrag's and the anslagsbevis's template contexts (doctypes/protokoll.py).

Imported when a document is rendered or a type's context model is asked for: loading and
checking a protokoll does not define them.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import ConfigDict, Field

from ...render.kontext import Kontextmodell, Subdoc


# --- template contexts -----------------------------------------------------------------------

class Ovrig(Kontextmodell):
    namn: str = Field(description="Namn")
    roll: str = Field(description="Roll")


class NarvaroKontext(Kontextmodell):
    ledamoter: list[str] = Field(description="Tjänstgörande ledamöter, 'Namn (Parti)'")
    tjanstgorande_ersattare: list[str] = Field(description="Tjänstgörande ersättare, 'Namn (Parti) för Namn (Parti)'")
    ej_tjanstgorande_ersattare: list[str] = Field(description="Ej tjänstgörande ersättare")
    ovriga: list[Ovrig] = Field(description="Övriga närvarande med roll")


class AnslagKontext(Kontextmodell):
    justering: dt.date = Field(description="Dag då protokollet justeras")
    uppsatt: dt.date = Field(description="Dag då anslaget sätts upp")
    nedtagning: dt.date = Field(description="Dag då anslaget tas ned (tre veckor efter uppsättningen)")
    forvaringsplats: str = Field(description="Var protokollet förvaras")


class RostRad(Kontextmodell):
    namn: str = Field(description="Ledamot eller tjänstgörande ersättare")
    ja: str = Field(description="'X' för en ja-röst, annars tomt")
    nej: str = Field(description="'X' för en nej-röst, annars tomt")
    avstar: str = Field(description="'X' om ledamoten avstår, annars tomt")


class OmrostningKontext(Kontextmodell):
    ja: str = Field(description="Vad en ja-röst betyder")
    nej: str = Field(description="Vad en nej-röst betyder")
    rader: list[RostRad] = Field(description="En rad per röstande")
    summa_ja: int = Field(description="Antal ja-röster")
    summa_nej: int = Field(description="Antal nej-röster")
    summa_avstar: int = Field(description="Antal som avstår")


class ParagrafKontext(Kontextmodell):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    nummer: int = Field(description="Paragrafnummer (skrivs '§ {{ p.nummer }}')")
    punkt: str = Field(description="Punkten i ärendelistan")
    dnr: Optional[str] = Field(None, description="Diarienummer")
    rubrik: str = Field(description="Ärendemening")
    sekretess: bool = Field(description="Paragrafen omfattas av sekretess")
    sekretess_skal: Optional[str] = Field(None, description="Sekretessgrund enligt OSL")
    reducerad: bool = Field(description="Publiceringsversion av en sekretessparagraf: bara §, rubrik och sekretessgrund")
    text: Optional[str] = Field(None, description="Standardtext (procedurpunkt) eller egen text")
    beslutsformulering: str = Field(description="'Socialnämnden beslutar'")
    beslut: list[str] = Field(description="Beslutspunkterna; numrera när de är fler än en")
    sammanfattning: Optional[Subdoc] = Field(None, description="Sammanfattning av ärendet; infogas med {{p p.sammanfattning }}")
    beslutsgang: list[str] = Field(description="Beslutsgångens stycken")
    omrostning: Optional[OmrostningKontext] = Field(None, description="Omröstningen, om det var en")
    jav: list[str] = Field(description="Jävsanmälningar, en mening var")
    reservationer: list[str] = Field(description="Reservationer, en mening var")
    protokollsanteckningar: list[str] = Field(description="Protokollsanteckningar, en mening var")
    beslutsunderlag: list[str] = Field(description="Beslutsunderlag")
    protokollsutdrag_till: list[str] = Field(description="Mottagare av protokollsutdrag")


class Huvud(Kontextmodell):
    kommun: str = Field(description="Kommunens namn")
    namnd: str = Field(description="Organ, t.ex. Socialnämnden")
    datum: dt.date = Field(description="Sammanträdesdatum")


class Kontext(Huvud):
    """What the protokoll template sees."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    lokal: str = Field(description="Lokal")
    ort: str = Field(description="Ort")
    tid: str = Field(description="Tid, t.ex. '08:00–12:10' (standard: starttiden)")
    ordforande: str = Field(description="Ordförande")
    sekreterare: str = Field(description="Sekreterare")
    narvaro: NarvaroKontext = Field(description="Närvaro")
    justerare: list[str] = Field(description="Justerare")
    justering_plats: str = Field(description="Plats för justeringen")
    justerad: bool = Field(description="Protokollet är justerat")
    paragrafspann: str = Field(description="'§§ 115–129'")
    anslag: AnslagKontext = Field(description="Anslaget på anslagstavlan")
    paragrafer: list[ParagrafKontext] = Field(description="Paragraferna i ärendelistans ordning")
    publicering: bool = Field(description="Publiceringsversion (personnummer maskerade, sekretessparagrafer reducerade)")


class UtdragKontext(Huvud):
    """What the protokollsutdrag template sees: one paragraph."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    paragraf: ParagrafKontext = Field(description="Paragrafen")
    justerad: bool = Field(description="Paragrafen är justerad ('Paragrafen är justerad' i sidfoten)")
    justeringsdatum: dt.date = Field(description="Justeringsdag")


class AnslagsbevisKontext(Huvud):
    """What the anslagsbevis template sees."""

    paragrafspann: str = Field(description="'§§ 115–129'")
    anslag: AnslagKontext = Field(description="Datum och förvaringsplats")
    sekreterare: str = Field(description="Sekreteraren, som skriver under")
