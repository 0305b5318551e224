"""Protokoll, protokollsutdrag and anslagsbevis from the meeting manifest and its protokoll part.

Library API:

    from rapportgen import doctypes
    from rapportgen.doctypes.protokoll import render_protokoll
    prot = doctypes.get("protokoll").load(Path("sammantrade.yaml"), profil)  # validated, resolved
    render_protokoll(prot, "ut/protokoll.docx", profil)

The verbs (check, render, convert: protokoll, utdrag, anslagsbevis) are in commands/protokoll.py.

The § numbers run from `första_paragraf` in ärendelista order; a paragraph's beslut is the
tjänsteskrivelse's förslag till beslut unless the protokoll says otherwise, and its
"Protokollsutdrag till" comes from the tjänsteskrivelse unless overridden.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from pydantic import BaseModel

from .. import kalender
from ..assemble.manifest import load_handling
from ..checks import importera
from ..checks import protokoll as protokoll_checks
from ..config import Profil
from ..exceptions import InputError
from ..inputs.yamlsrc import load_yaml_file, validate
from ..model.block import Block, Run, Stycke
from ..model.located import Located
from ..model.sammantrade import Handling
from ..model.protokoll import (
    Omrostning, Paragraf, ParagrafIndata, Protokoll, ProtokollIndata, namn_nyckel,
)
from ..model.tjansteskrivelse import TjansteskrivelseDoc
from .base import EXEMPEL, DocType, Utdata

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

    from ..render.blocks import BlockWriter

PROTOKOLL, UTDRAG, ANSLAGSBEVIS = "protokoll", "protokollsutdrag", "anslagsbevis"


# --- loading ---------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def procedur_for(rubrik: str) -> str | None:
    """Which standard item an ärendemening is: opening, närvaro, justerare, ärendelista."""
    t = _norm(rubrik)
    if "öppna" in t or "öppnande" in t:
        return "oppnande"
    if "närvar" in t or "upprop" in t:
        return "narvaro"
    if "justera" in t:
        return "justerare"
    if "ärendelista" in t or "dagordning" in t or "föredragningslista" in t:
        return "arendelista"
    return None


def _sub_located(located: Located, key: str) -> Located:
    """The located view of one mapping inside a YAML file (an inline `protokoll:` part)."""
    lines = {k[1:]: v for k, v in located.lines.items() if k and k[0] == key}
    return Located(data=located.data[key], fil=located.fil, lines=lines, line_offset=located.line_offset)


def _plats(located: Located):
    def plats(*key: Any) -> str | None:
        line = located.line_of(tuple(key))
        return f"rad {line}" if line else None
    return plats


def load(path: str | Path, profil: Profil | None = None, typer: Any = None) -> Protokoll:
    """Read a manifest with its protokoll part; resolve every §.

    typer is the registry (doctypes.TYPER) that loads the manifest's documents; the registry
    passes it: doctypes.get("protokoll").load(path, profil).
    """
    if typer is None:
        raise TypeError("ett protokoll läses med registret: doctypes.get('protokoll').load(...)")
    profil = profil or Profil()
    return from_handling(load_handling(path, profil, typer), profil)


def from_handling(h: Handling, profil: Profil) -> Protokoll:
    """The protokoll of an already loaded manifest (which must have a protokoll part)."""
    falt = h.falt
    if falt.protokoll is None:
        raise InputError("manifestet har ingen protokollsdel; lägg till 'protokoll: protokoll.yaml' "
                         "(en fil intill manifestet) eller fälten direkt under 'protokoll:'", fil=h.fil)
    if isinstance(falt.protokoll, str):
        fil = h.mapp / falt.protokoll  # as the user wrote it, for messages
        if not fil.is_file():
            raise InputError(f"protokollsfilen '{falt.protokoll}' finns inte", fil=h.fil,
                             plats=h.plats("protokoll"))
        located = load_yaml_file(fil)
        if not isinstance(located.data, dict):
            raise InputError("protokollsfilen ska vara fält i formen 'namn: värde'", fil=fil, plats="rad 1")
    else:
        fil = h.fil
        located = _sub_located(h.located, "protokoll")
    indata = validate(ProtokollIndata, located, located.data)
    plats = _plats(located)

    by_punkt: dict[str, int] = {}
    for i, p in enumerate(indata.paragrafer):
        key = p.punkt.casefold()
        if key in by_punkt:
            raise InputError(f"punkt '{p.punkt}' står två gånger under 'paragrafer'", fil=fil,
                             plats=plats("paragrafer", i, "punkt"))
        by_punkt[key] = i
    agenda = {a.punkt.casefold() for a in falt.arenden}
    okanda = [(i, p.punkt) for i, p in enumerate(indata.paragrafer) if p.punkt.casefold() not in agenda]

    paragrafer: list[Paragraf] = []
    nummer = indata.forsta_paragraf
    for ai, a in enumerate(falt.arenden):
        ii = by_punkt.get(a.punkt.casefold())
        ind: ParagrafIndata | None = indata.paragrafer[ii] if ii is not None else None
        ts = next((d.doc for d in h.delar_for(ai)
                   if d.bilaga_nr is None and isinstance(d.doc, TjansteskrivelseDoc)), None)
        p = Paragraf(punkt=a.punkt, rubrik=a.arendemening, nummer=None, dnr=a.dnr, arende_nr=ai,
                     indata=ind, indata_nr=ii)
        if ind is not None and ind.utgar:
            paragrafer.append(p)
            continue
        p.nummer = ind.paragraf if ind is not None and ind.paragraf is not None else nummer
        nummer = p.nummer + 1
        if a.dnr is None and not a.tjansteskrivelse:
            p.procedur = procedur_for(a.arendemening)
        if ts is not None:
            p.forslag = list(ts.falt.forslag_till_beslut)
            p.tjansteskrivelse_dnr = ts.falt.dnr
            p.beslutsunderlag = list(ts.falt.beslutsunderlag)
            p.protokollsutdrag_till = list(ts.falt.protokollsutdrag_till)
            p.sammanfattning_block = list(ts.avsnitt.get("sammanfattning") or ts.avsnitt.get("arendet") or [])
        if not p.beslutsunderlag:
            p.beslutsunderlag = [b.etikett for b in a.bilagor if not b.utanfor_beslutsunderlag]
        p.beslut = list(p.forslag)
        p.sekretess = a.sekretess
        p.sekretess_skal = a.sekretess_skal
        if ind is not None:
            if ind.beslut is not None:
                p.beslut = list(ind.beslut)
            if ind.protokollsutdrag_till is not None:
                p.protokollsutdrag_till = list(ind.protokollsutdrag_till)
            if ind.sekretess is not None:
                p.sekretess = ind.sekretess
            p.sekretess_skal = ind.sekretess_skal or p.sekretess_skal
            p.text = ind.text
            p.sammanfattning_text = ind.sammanfattning
        paragrafer.append(p)

    a_inst = profil.anslag
    anslag = kalender.anslagsdatum(
        indata.justering.datum, dagar_efter_justering=a_inst.dagar_efter_justering,
        bara_vardagar=a_inst.bara_vardagar, lediga=frozenset(a_inst.lediga_dagar), uppsatt=indata.anslag.uppsatt)
    forvaring = (indata.anslag.forvaringsplats or a_inst.forvaringsplats
                 or ", ".join(x for x in (profil.forvaltning, profil.ort) if x))
    return Protokoll(manifest=h.fil, fil=fil, sammantrade=falt, indata=indata, paragrafer=paragrafer,
                     anslag=anslag, forvaringsplats=forvaring, plats=plats, manifest_plats=h.plats,
                     okanda_punkter=okanda)


# --- texts -----------------------------------------------------------------------------------

def _lista(namn: list[str]) -> str:
    """'A', 'A och B', 'A, B och C'."""
    return namn[0] if len(namn) == 1 else ", ".join(namn[:-1]) + " och " + namn[-1]


def _mening(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def _organ(prot: Protokoll, stor: bool = False) -> str:
    namn = prot.sammantrade.namnd
    return namn[:1].upper() + namn[1:] if stor else namn[:1].lower() + namn[1:]


def standardtext(prot: Protokoll, p: Paragraf) -> str | None:
    """The standard wording of a procedural item."""
    ind = prot.indata
    if p.procedur == "oppnande":
        return "Ordföranden förklarar sammanträdet öppnat."
    if p.procedur == "narvaro":
        return "Närvarande ledamöter, ersättare och övriga antecknas enligt förteckningen på protokollets första sida."
    if p.procedur == "justerare":
        namn = _lista([j.visning() for j in ind.justering.justerare])
        return (f"{_organ(prot, True)} utser {namn} att tillsammans med ordföranden justera protokollet. "
                f"Justeringen sker {ind.justering.datum.isoformat()}, {ind.justering.plats}.")
    if p.procedur == "arendelista":
        utgar = [q for q in prot.paragrafer if q.nummer is None]
        text = f"{_organ(prot, True)} fastställer ärendelistan"
        if utgar:
            delar = _lista([f"punkt {q.punkt} ({q.rubrik})" for q in utgar])
            text += f" med ändringen att {delar} utgår"
        return text + "."
    return None


def vinnare(o: Omrostning, ordforande: str) -> str | None:
    """'ja' or 'nej': the side that won; a tie is decided by the ordförande's vote (utslagsröst)."""
    r = o.rakna()
    if r["ja"] != r["nej"]:
        return "ja" if r["ja"] > r["nej"] else "nej"
    for namn, rost in o.roster.items():
        if namn_nyckel(namn) == namn_nyckel(ordforande) and rost in ("ja", "nej"):
            return rost
    return None


def beslutsgang(prot: Protokoll, p: Paragraf) -> list[str]:
    """The paragraphs of Beslutsgång: yrkanden, propositionsordning, omröstning."""
    ind = p.indata
    organ = _organ(prot)
    if p.procedur or (not p.beslut and (ind is None or not (ind.yrkanden or ind.omrostning))):
        return []
    out: list[str] = []
    yrk = ind.yrkanden if ind else []
    if yrk:
        meningar = []
        for y in yrk:
            s = f"{y.namn} yrkar {y.yrkande.rstrip('.')}."
            if y.instammer:
                s += f" {_lista(list(y.instammer))} instämmer i yrkandet."
            meningar.append(s)
        out.append(" ".join(meningar))
    if ind and ind.propositionsordning:
        out.append(_mening(ind.propositionsordning))
    elif len(yrk) > 1:
        out.append(f"Ordföranden ställer yrkandena mot varandra och finner att {organ} bifaller "
                   f"yrkandet från {yrk[0].namn}.")
    elif len(yrk) == 1:
        out.append(f"Ordföranden frågar om {organ} bifaller yrkandet och finner att så sker.")
    else:
        out.append(f"Ordföranden frågar om {organ} bifaller förslaget och finner att så sker.")
    if ind and ind.omrostning:
        o = ind.omrostning
        r = o.rakna()
        out.append(f"Omröstning begärs. Följande propositionsordning godkänns: ja-röst för {o.ja.rstrip('.')}, "
                   f"nej-röst för {o.nej.rstrip('.')}.")
        utfall = f"Omröstningen utfaller med {r['ja']} ja-röster mot {r['nej']} nej-röster"
        utfall += f"; {r['avstår']} avstår från att rösta." if r["avstår"] else "."
        out.append(utfall)
        sida = vinnare(o, prot.indata.ordforande)
        if sida is not None:
            lika = " Rösterna är lika och ordföranden har utslagsröst." if r["ja"] == r["nej"] else ""
            out.append(f"{_organ(prot, True)} har därmed beslutat enligt {(o.ja if sida == 'ja' else o.nej).rstrip('.')}."
                       + lika)
    return out


# --- template contexts (the models: doctypes/kontext/protokoll.py) ---------------------------------

def _rost_kontext(o: Omrostning) -> OmrostningKontext:
    from .kontext.protokoll import OmrostningKontext, RostRad

    r = o.rakna()
    rader = [RostRad(namn=n, ja="X" if v == "ja" else "", nej="X" if v == "nej" else "",
                     avstar="X" if v == "avstår" else "") for n, v in o.roster.items()]
    return OmrostningKontext(ja=o.ja, nej=o.nej, rader=rader, summa_ja=r["ja"], summa_nej=r["nej"],
                             summa_avstar=r["avstår"])


def paragraf_kontext(prot: Protokoll, p: Paragraf, writer: BlockWriter | None,
                     publicering: bool = False) -> ParagrafKontext:
    from .kontext.protokoll import ParagrafKontext

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
    from .kontext.protokoll import AnslagKontext

    return AnslagKontext(justering=prot.anslag.justering, uppsatt=prot.anslag.uppsatt,
                         nedtagning=prot.anslag.nedtagning, forvaringsplats=prot.forvaringsplats)


def kontext(prot: Protokoll, profil: Profil, tpl: DocxTemplate | None = None, publicering: bool = False) -> Kontext:
    from ..render.blocks import BlockWriter
    from .kontext.protokoll import Kontext, NarvaroKontext, Ovrig

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
    from ..render.blocks import BlockWriter
    from .kontext.protokoll import UtdragKontext

    writer = BlockWriter(tpl) if tpl is not None else None
    return UtdragKontext(kommun=profil.kommun, namnd=prot.sammantrade.namnd, datum=prot.sammantrade.datum,
                         paragraf=paragraf_kontext(prot, p, writer), justerad=prot.indata.justerad,
                         justeringsdatum=prot.indata.justering.datum)


def anslagsbevis_kontext(prot: Protokoll, profil: Profil) -> AnslagsbevisKontext:
    from .kontext.protokoll import AnslagsbevisKontext

    return AnslagsbevisKontext(kommun=profil.kommun, namnd=prot.sammantrade.namnd, datum=prot.sammantrade.datum,
                               paragrafspann=prot.paragrafspann(), anslag=_anslag_kontext(prot),
                               sekreterare=prot.indata.sekreterare)


def _plain(model: BaseModel) -> dict[str, Any]:
    from ..render.kontext import kontext_dict

    return kontext_dict(model)


# --- rendering -------------------------------------------------------------------------------

def maskerad(prot: Protokoll) -> tuple[Protokoll, int]:
    """A copy with every personnummer masked (the publication variant), and how many."""
    from ..assemble import personnummer

    return personnummer.mask_object(prot)


def render_protokoll(prot: Protokoll, out: str | Path, profil: Profil | None = None, mallar: Path | None = None,
                     publicering: bool = False) -> Path:
    from ..render.docx import render_typ
    profil = profil or Profil()
    if publicering:
        prot, _ = maskerad(prot)
    return render_typ(PROTOKOLL, out, lambda tpl: _plain(kontext(prot, profil, tpl, publicering)), profil, mallar)


def render_utdrag(prot: Protokoll, p: Paragraf, out: str | Path, profil: Profil | None = None,
                  mallar: Path | None = None) -> Path:
    from ..render.docx import render_typ
    profil = profil or Profil()
    return render_typ(UTDRAG, out, lambda tpl: _plain(utdrag_kontext(prot, p, profil, tpl)), profil, mallar)


def render_anslagsbevis(prot: Protokoll, out: str | Path, profil: Profil | None = None,
                        mallar: Path | None = None) -> Path:
    from ..render.docx import render_typ
    profil = profil or Profil()
    return render_typ(ANSLAGSBEVIS, out, lambda _tpl: _plain(anslagsbevis_kontext(prot, profil)), profil, mallar)


def utdrag_paragrafer(prot: Protokoll, nummer: int | None = None) -> list[Paragraf]:
    """The paragraphs that get an utdrag: every § with a decision or text, or the one asked for."""
    if nummer is not None:
        p = prot.sok(nummer)
        if p is None:
            raise InputError(f"protokollet har ingen § {nummer}; paragraferna är {prot.paragrafspann()}",
                             fil=prot.fil)
        return [p]
    return [p for p in prot.med_nummer() if not p.procedur]


# --- the type ------------------------------------------------------------------------------

def titel(prot: Protokoll, vad: str) -> str:
    return f"{vad} {prot.sammantrade.namnd} {prot.sammantrade.datum.isoformat()}"


def utdata_protokoll(prot: Protokoll, profil: Profil, publicering: bool = False) -> list[Utdata]:
    stem = "protokoll-publicering" if publicering else "protokoll"
    render = (lambda doc, out, profil=None, mallar=None: render_protokoll(doc, out, profil, mallar, True)) \
        if publicering else render_protokoll
    return [Utdata(stem, render, prot, titel(prot, "Protokoll"))]


def utdata_utdrag(prot: Protokoll, profil: Profil, paragraf: int | None = None) -> list[Utdata]:
    out = []
    for p in utdrag_paragrafer(prot, paragraf):
        def render(doc, fil, profil=None, mallar=None, p=p):
            return render_utdrag(doc, p, fil, profil, mallar)
        out.append(Utdata(f"protokollsutdrag-{p.nummer}", render, prot, f"{titel(prot, 'Protokollsutdrag')} § {p.nummer}"))
    return out


def utdata_anslagsbevis(prot: Protokoll, profil: Profil) -> list[Utdata]:
    return [Utdata("anslagsbevis", render_anslagsbevis, prot, titel(prot, "Anslagsbevis"))]


EXEMPEL_PROTOKOLL = EXEMPEL / "protokoll.yaml"
# The template contexts of the three types (imported when first used).
KONTEXT = "rapportgen.doctypes.kontext.protokoll"

# The three types read the same input (the manifest with its protokoll part) and share its
# checks; a manifest is recognized as the kallelse's input, so these are chosen by command
# (suffixes=()). protokollsutdrag and anslagsbevis are declared in their own modules.
DOKUMENTTYP = DocType(
    name=PROTOKOLL, label="Protokoll", model=Protokoll, context_model=f"{KONTEXT}:Kontext", load=load,
    context=lambda prot, tpl, profil: _plain(kontext(prot, profil, tpl)), render=render_protokoll,
    checks=(protokoll_checks,), suffixes=(), utdata=utdata_protokoll, sammansatt=True,
    description="Sammanträdesprotokoll: manifestet med dess protokollsdel; `rapportgen protokoll`",
    exempel=EXEMPEL_PROTOKOLL,
)


def __getattr__(name: str) -> Any:
    # The template contexts live in doctypes/kontext/protokoll.py (imported when first used).
    if name in _KONTEXTNAMN:
        return getattr(importera(KONTEXT), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_KONTEXTNAMN = frozenset(['AnslagKontext', 'AnslagsbevisKontext', 'Huvud', 'Kontext', 'NarvaroKontext',
                          'OmrostningKontext', 'Ovrig', 'ParagrafKontext', 'RostRad', 'UtdragKontext'])
