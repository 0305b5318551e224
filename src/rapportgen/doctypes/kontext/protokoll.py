"""The protokoll's, the protokollsutdrag's and the anslagsbevis's template contexts (doctypes/protokoll.py).

Imported when a document is rendered or a type's context model is asked for: loading and
checking a protokoll does not define them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

from pydantic import ConfigDict, Field

from ...config import Profil
from ...model.block import Block, Run, Stycke
from ...model.protokoll import Omrostning, Paragraf, Protokoll
from ...render.kontext import Kontextmodell, Subdoc
from ..protokoll import _lista, _mening, _organ, beslutsgang, standardtext

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

    from ...render.blocks import BlockWriter


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


def _rost_kontext(o: Omrostning) -> OmrostningKontext:
    r = o.rakna()
    rader = [RostRad(namn=n, ja="X" if v == "ja" else "", nej="X" if v == "nej" else "",
                     avstar="X" if v == "avstår" else "") for n, v in o.roster.items()]
    return OmrostningKontext(ja=o.ja, nej=o.nej, rader=rader, summa_ja=r["ja"], summa_nej=r["nej"],
                             summa_avstar=r["avstår"])


def paragraf_kontext(prot: Protokoll, p: Paragraf, writer: BlockWriter | None,
                     publicering: bool = False) -> ParagrafKontext:
    ind = p.indata
    tom = dict(text=None, beslut=[], sammanfattning=None, beslutsgang=[], omrostning=None, jav=[],
               reservationer=[], protokollsanteckningar=[], beslutsunderlag=[], protokollsutdrag_till=[])
    bas = dict(nummer=p.nummer, punkt=p.punkt, rubrik=p.rubrik, sekretess=p.sekretess,
               sekretess_skal=p.sekretess_skal, beslutsformulering=f"{_organ(prot, True)} beslutar")
    if publicering and p.sekretess:
        return ParagrafKontext(**bas, dnr=None, reducerad=True, **tom)
    sammanfattning = None
    if writer is not None:
        blocks: list[Block] = ([Stycke([Run(t)], 0) for t in p.sammanfattning_text.split("\n\n")]
                               if p.sammanfattning_text else p.sammanfattning_block)
        sammanfattning = writer.subdoc(blocks) if blocks else None
    jav = [f"{n} anmäler jäv och deltar inte i handläggningen av ärendet." for n in (ind.jav if ind else [])]
    res = []
    for r in (ind.reservationer if ind else []):
        s = f"{_lista(list(r.namn))} reserverar sig mot beslutet"
        s += f" till förmån för {r.till_forman_for.rstrip('.')}." if r.till_forman_for else "."
        if r.skriftlig:
            s += " En skriftlig reservation bifogas protokollet."
        res.append(s)
    ant = [f"{_lista(list(a.namn))} antecknar till protokollet: {_mening(a.text)}"
           for a in (ind.protokollsanteckningar if ind else [])]
    return ParagrafKontext(
        **bas, dnr=p.dnr, reducerad=False, text=standardtext(prot, p) or p.text,
        beslut=[] if p.procedur else list(p.beslut), sammanfattning=sammanfattning,
        beslutsgang=beslutsgang(prot, p),
        omrostning=_rost_kontext(ind.omrostning) if ind and ind.omrostning else None,
        jav=jav, reservationer=res, protokollsanteckningar=ant, beslutsunderlag=list(p.beslutsunderlag),
        protokollsutdrag_till=list(p.protokollsutdrag_till))


def _anslag_kontext(prot: Protokoll) -> AnslagKontext:
    return AnslagKontext(justering=prot.anslag.justering, uppsatt=prot.anslag.uppsatt,
                         nedtagning=prot.anslag.nedtagning, forvaringsplats=prot.forvaringsplats)


def kontext(prot: Protokoll, profil: Profil, tpl: DocxTemplate | None = None, publicering: bool = False) -> Kontext:
    from ...render.blocks import BlockWriter

    f, ind = prot.sammantrade, prot.indata
    writer = BlockWriter(tpl) if tpl is not None else None
    n = ind.narvaro
    return Kontext(
        kommun=profil.kommun, namnd=f.namnd, datum=f.datum, lokal=f.lokal, ort=f.ort,
        tid=ind.tid or f"kl. {f.klockan}", ordforande=ind.ordforande, sekreterare=ind.sekreterare,
        narvaro=NarvaroKontext(
            ledamoter=[x.visning() for x in n.ledamoter],
            tjanstgorande_ersattare=[x.visning() for x in n.tjanstgorande_ersattare],
            ej_tjanstgorande_ersattare=[x.visning() for x in n.ej_tjanstgorande_ersattare],
            ovriga=[Ovrig(namn=o.namn, roll=o.roll) for o in n.ovriga]),
        justerare=[j.visning() for j in ind.justering.justerare], justering_plats=ind.justering.plats,
        justerad=ind.justerad, paragrafspann=prot.paragrafspann(), anslag=_anslag_kontext(prot),
        paragrafer=[paragraf_kontext(prot, p, writer, publicering) for p in prot.med_nummer()],
        publicering=publicering)


def utdrag_kontext(prot: Protokoll, p: Paragraf, profil: Profil, tpl: DocxTemplate | None = None) -> UtdragKontext:
    from ...render.blocks import BlockWriter

    writer = BlockWriter(tpl) if tpl is not None else None
    return UtdragKontext(kommun=profil.kommun, namnd=prot.sammantrade.namnd, datum=prot.sammantrade.datum,
                         paragraf=paragraf_kontext(prot, p, writer), justerad=prot.indata.justerad,
                         justeringsdatum=prot.indata.justering.datum)


def anslagsbevis_kontext(prot: Protokoll, profil: Profil) -> AnslagsbevisKontext:
    return AnslagsbevisKontext(kommun=profil.kommun, namnd=prot.sammantrade.namnd, datum=prot.sammantrade.datum,
                               paragrafspann=prot.paragrafspann(), anslag=_anslag_kontext(prot),
                               sekreterare=prot.indata.sekreterare)
