"""The kallelse's template context (doctypes/kallelse.py), imported when it renders."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import Field

from ...config import Profil
from ...model.sammantrade import Sammantrade
from ...render.kontext import Kontextmodell


class ArendeRad(Kontextmodell):
    punkt: str = Field(description="Punkt: nummer eller text ('sa')")
    dnr: Optional[str] = Field(None, description="Diarienummer")
    arendemening: str = Field(description="Ärendemening")
    sida: Optional[int] = Field(None, description="Sidan i handlingen där ärendets handlingar börjar")


class Kontaktperson(Kontextmodell):
    namn: str = Field(description="Namn")
    telefon: Optional[str] = Field(None, description="Telefonnummer")
    epost: Optional[str] = Field(None, description="E-postadress")


class Sammankallande(Kontextmodell):
    namn: str = Field(description="Namn")
    roll: str = Field(description="Roll, t.ex. ordförande")


class Kontext(Kontextmodell):
    """What the kallelse template sees."""

    kommun: str = Field(description="Kommunens namn")
    namnd: str = Field(description="Organ, t.ex. Socialnämnden")
    datum: dt.date = Field(description="Sammanträdesdag; formatera med |datum_iso")
    klockan: str = Field(description="Starttid")
    tidsatgang: Optional[str] = Field(None, description="Beräknad tidsåtgång")
    lokal: str = Field(description="Lokal")
    ort: str = Field(description="Ort")
    sammankallande: Sammankallande = Field(description="Sammankallande: namn, roll")
    ledamoter: list[str] = Field(description="Ledamöter som 'Namn (Parti)', ordföranden först")
    ersattare: list[str] = Field(description="Ersättare som 'Namn (Parti)'")
    vid_forhinder: Kontaktperson = Field(description="Vem som meddelas vid förhinder")
    arenden: list[ArendeRad] = Field(description="Ärendelistan")
    sidhanvisning: bool = Field(description="Sant när ärendelistan har sidnummer")


def kontext(falt: Sammantrade, profil: Profil, sidor: dict[int, int] | None = None) -> Kontext:
    """sidor maps an ärende's index to the package page where it starts."""
    sidor = sidor or {}
    vf = falt.vid_forhinder
    return Kontext(
        kommun=profil.kommun, namnd=falt.namnd, datum=falt.datum, klockan=falt.klockan,
        tidsatgang=falt.tidsatgang, lokal=falt.lokal, ort=falt.ort,
        sammankallande=Sammankallande(namn=falt.sammankallande.namn, roll=falt.sammankallande.roll),
        ledamoter=[p.visning() for p in falt.ledamoter], ersattare=[p.visning() for p in falt.ersattare],
        vid_forhinder=Kontaktperson(namn=vf.namn, telefon=vf.telefon, epost=vf.epost),
        arenden=[ArendeRad(punkt=a.punkt, dnr=a.dnr, arendemening=a.arendemening, sida=sidor.get(i))
                 for i, a in enumerate(falt.arenden)],
        sidhanvisning=bool(sidor),
    )
