"""The tjänsteskrivelse's template context (doctypes/tjansteskrivelse.py), imported when it renders."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import ConfigDict, Field, create_model

from ...model.tjansteskrivelse import AVSNITT
from ...render.kontext import Kontextmodell, PersonKontext, ProfilKontext, Subdoc


class _AvsnittBas(Kontextmodell):
    """Body sections; an absent or empty section is None and its heading is left out."""

    model_config = ConfigDict(arbitrary_types_allowed=True)


Avsnitt = create_model(  # one optional field per known section, in document order
    "Avsnitt", __base__=_AvsnittBas,
    **{t.key: (Optional[Subdoc], Field(None, description=f"Avsnittet {t.rubrik} (Markdown-brödtext)"))
       for t in AVSNITT},
)


class AvsnittKontext(Kontextmodell):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    nyckel: str = Field(description="Avsnittets nyckel, t.ex. 'arendet'")
    rubrik: str = Field(description="Rubriken enligt profilens avsnittslista")
    text: Subdoc = Field(description="Avsnittets brödtext; infogas med {{p a.text }}")


class BrevhuvudKontext(Kontextmodell):
    """Which letterhead fields the organisation shows (profile: 'tjänsteskrivelse: brevhuvud')."""

    datum: bool = Field(description="Visa datum")
    diarienummer: bool = Field(description="Visa diarienummer")
    handlaggare: bool = Field(description="Visa handläggare (falskt också när handläggare saknas)")


class Kontext(Kontextmodell):
    """What a tjänsteskrivelse template sees."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    dokumenttyp: str = Field(description="Dokumenttypens namn: 'Tjänsteskrivelse'")
    kommun: str = Field(description="Kommunens namn")
    forvaltning: str = Field(description="Förvaltningen som skriver")
    namnd: str = Field(description="Nämnden som beslutar (mottagare)")
    handlaggare: Optional[PersonKontext] = Field(
        None, description="Handläggaren; saknas när profilen gör handläggaren valfri: {% if handlaggare %}")
    datum: dt.date = Field(description="Datum; formatera med |datum_iso eller |datum_lang")
    dnr: str = Field(description="Diarienummer")
    titel: str = Field(description="Ärendemening (rubrik)")
    beslutsformulering: str = Field(
        description="Raden före beslutet enligt profilen, t.ex. 'Socialnämnden beslutar:'; tom när "
                    "profilen inte har någon: {% if beslutsformulering %}")
    forslag_till_beslut: list[str] = Field(description="Beslutspunkter")
    beslut_numrerade: bool = Field(
        description="Numrera beslutspunkterna när de är fler än en (profilen: 'beslut: numrerade'); "
                    "annars blir varje punkt ett eget stycke")
    brevhuvud: BrevhuvudKontext = Field(description="Uppgifterna som brevhuvudet visar enligt profilen")
    expedieringsrad: bool = Field(description="Visa raden 'Exp / år' (profilen: 'expedieringsrad')")
    tidigare_behandling: list[str] = Field(description="Referenser till tidigare beslut")
    beslutsunderlag: list[str] = Field(description="Beslutsunderlag i bilageordning")
    protokollsutdrag_till: list[str] = Field(description="Mottagare av protokollsutdrag")
    underskrifter: list[PersonKontext] = Field(description="Undertecknare")
    avsnitt: Avsnitt = Field(description="Brödtextens avsnitt")
    avsnittslista: list[AvsnittKontext] = Field(
        description="Avsnitten som finns, i profilens ordning och med profilens rubriker: "
                    "{%p for a in avsnittslista %}")
    profil: ProfilKontext = Field(description="Organisationsprofilens brevhuvudsuppgifter")
