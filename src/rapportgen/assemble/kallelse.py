"""Kallelse with ärendelista, rendered from the meeting manifest (templates/kallelse.docx)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field

from .. import doctypes
from ..model.sammantrade import Sammantrade
from ..profil import Profil
from ..render.docx import render_typ

TYP = "kallelse"


class ArendeRad(BaseModel):
    punkt: str = Field(description="Punkt: nummer eller text ('sa')")
    dnr: Optional[str] = Field(None, description="Diarienummer")
    arendemening: str = Field(description="Ärendemening")
    sida: Optional[int] = Field(None, description="Sidan i handlingen där ärendets handlingar börjar")


class Kontaktperson(BaseModel):
    namn: str = Field(description="Namn")
    telefon: Optional[str] = Field(None, description="Telefonnummer")
    epost: Optional[str] = Field(None, description="E-postadress")


class Sammankallande(BaseModel):
    namn: str = Field(description="Namn")
    roll: str = Field(description="Roll, t.ex. ordförande")


class Kontext(BaseModel):
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


def render(falt: Sammantrade, out: Path, profil: Profil, mallar: Path | None = None,
           sidor: dict[int, int] | None = None) -> Path:
    k = kontext(falt, profil, sidor)
    return render_typ(TYP, out, lambda _tpl: k.model_dump(mode="python"), profil, mallar)


def _render_handling(doc, out: Path, profil: Profil | None = None, mallar: Path | None = None) -> Path:
    """DocType render: the kallelse of a loaded manifest, without page references."""
    return render(doc.falt, Path(out), profil or Profil(), mallar)


def _load_handling(path: Path, profil: Profil | None = None):
    from .manifest import load_handling

    return load_handling(path, profil)


def _is_manifest(path: Path) -> bool:
    from .manifest import is_manifest

    return is_manifest(path)


# The meeting manifest is the input of the kallelse; `rapportgen check` finds manifests this way.
doctypes.register(doctypes.DocType(
    name=TYP, label="Sammanträde (kallelse)", context_model=Kontext, load=_load_handling,
    render=_render_handling, suffixes=(".yaml", ".yml"), kanner_igen=_is_manifest,
    description="Sammanträdesmanifest: kallelse med ärendelista; `rapportgen handling` gör hela handlingen",
    exempel=doctypes.EXEMPEL / "sammantrade.yaml",
))
