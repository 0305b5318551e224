"""Revisionssvar: the nämnd's reply to a revisionsrapport, and the ärende's tjänsteskrivelse.

Library API:

    from rapportgen.doctypes import revisionssvar
    doc = revisionssvar.load("svar.yaml", profil)
    revisionssvar.render(doc, "ut/svar.docx", profil)
    ts = revisionssvar.tjansteskrivelse_for(doc, profil)   # a TjansteskrivelseDoc
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from pydantic import ConfigDict, Field

from ..checks import revision as revision_checks
from ..config import Profil
from ..exceptions import InputError
from ..format import Formatter
from ..inputs import kannetecken
from ..inputs.markdown import Block, Run, Stycke, load_markdown
from ..inputs.yamlsrc import Located, load_yaml_file, validate
from ..model.revision import (Rekommendation, Revisionssvar, RevisionssvarDoc, Stallning, clean_data,
                              imperativ)
from ..model.tjansteskrivelse import TjansteskrivelseDoc
from . import tjansteskrivelse
from ..render.kontext import Kontextmodell, PersonKontext, ProfilKontext, Subdoc, kontext_dict
from .base import EXEMPEL, DocType, Utdata

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

TYP = "revisionssvar"
SUFFIXES = (".yaml", ".yml", ".md")

FORSLAG = "Godkänna förvaltningens svar för överlämning till revisionen."
PROTOKOLLSUTDRAG = ["Revisionen", "Kommunstyrelsen"]

_PROFILE_DEFAULTS = (("kommun", "kommun"), ("förvaltning", "forvaltning"), ("nämnd", "namnd"),
                     ("ort", "ort"), ("underskrifter", "underskrifter"))


def _apply_profile(data: Any, profil: Profil) -> Any:
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for alias, attr in _PROFILE_DEFAULTS:
        if alias not in data and attr not in data:
            value = getattr(profil, attr)
            if value:
                data[alias] = [p.model_dump(by_alias=True, exclude_none=True) for p in value] \
                    if attr == "underskrifter" else value
    return data


def load(path: str | Path, profil: Profil | None = None) -> RevisionssvarDoc:
    """Read and validate a reply from YAML, or from Markdown (fields in front matter, body = free paragraphs)."""
    profil = profil or Profil()
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"okänd filtyp '{path.suffix}'; ett revisionssvar skrivs i YAML (.yaml) eller Markdown (.md)",
                         fil=path)
    if not path.is_file():
        raise InputError("filen finns inte", fil=path)
    body: list[Block] = []
    if path.suffix.lower() == ".md":
        md = load_markdown(path)
        located, body = md.front, md.block
    else:
        located = load_yaml_file(path)
    if not isinstance(located.data, dict):
        raise InputError("filen ska innehålla fält (nyckel: värde), t.ex. 'rapport:' och 'områden:'", fil=path)
    if "rapporter" in located.data and "rapport" not in located.data:
        raise InputError("filen ser ut som ett revisionsregister (fältet 'rapporter:'); "
                         "visa det med 'rapportgen revision status --register FIL'", fil=path)
    # YAML escapes ("\e") can produce characters XML cannot hold; drop them like read_text does.
    located.data = clean_data(located.data)
    falt = validate(Revisionssvar, located, _apply_profile(located.data, profil))
    return RevisionssvarDoc(path, falt, located, body)


# --- template context -----------------------------------------------------------


def _stycken(text: str) -> list[str]:
    """Paragraphs of a text; blank lines separate them, single newlines are spaces."""
    parts = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n")]
    return [p for p in parts if p]


def bestamd(namnd: str) -> str:
    """'Socialnämnden' with a capital first letter."""
    return namnd[:1].upper() + namnd[1:]


def genitiv(namnd: str) -> str:
    name = bestamd(namnd)
    return name if name.endswith("s") else name + "s"


def stallning_mening(namnd: str, stallning: Stallning) -> str:
    return {
        Stallning.INSTAMMER: f"{bestamd(namnd)} instämmer i rekommendationen.",
        Stallning.DELVIS: f"{bestamd(namnd)} instämmer delvis i rekommendationen.",
        Stallning.INSTAMMER_INTE: f"{bestamd(namnd)} instämmer inte i rekommendationen.",
    }[stallning]


def avsnitt_ref(rek: Rekommendation) -> str:
    return f"se avsnitt\u00a0{rek.avsnitt}" if rek.avsnitt else ""


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


def build_kontext(doc: RevisionssvarDoc, profil: Profil, fritext: Subdoc | None = None) -> Kontext:
    f = doc.falt
    omraden, synpunkter = [], []
    for omrade, recs in f.egna():
        omraden.append(OmradeKontext(namn=omrade.omrade, rekommendationer=[
            CitatKontext(text=r.text.rstrip(" ."), avsnitt=r.avsnitt, referens=avsnitt_ref(r)) for r in recs]))
        for r in recs:
            if r.svar is None:
                continue  # the check reports it; a forced render leaves it out
            synpunkter.append(SynpunktKontext(
                nummer=len(synpunkter) + 1, rubrik=r.omformulerad or imperativ(r.text, f.namnd),
                avsnitt=r.avsnitt, stallning=r.svar.stallning.value,
                stallning_mening=stallning_mening(f.namnd, r.svar.stallning),
                stycken=_stycken(r.svar.text),
                atgarder=[AtgardKontext(atgard=a.atgard, ansvarig=a.ansvarig, klart_senast=a.klart_senast)
                          for a in r.svar.atgarder]))
    rap = f.rapport
    return Kontext(
        dokumenttyp="Revisionssvar", titel=f"Svar på revisionsrapport {rap.titel}", kommun=f.kommun,
        forvaltning=f.forvaltning, namnd=bestamd(f.namnd), namnd_genitiv=genitiv(f.namnd),
        ort=f.ort or f.kommun, datum=f.datum,
        rapport=RapportKontext(titel=rap.titel, revisionsbyra=rap.revisionsbyra, datum=rap.datum,
                               dnr=rap.dnr, svar_senast=rap.svar_senast),
        omraden=omraden, synpunkter=synpunkter,
        fristaende_stycken=[s for p in f.fristaende_stycken for s in _stycken(p)],
        fritext=fritext,
        underskrifter=[PersonKontext(**p.model_dump(by_alias=False)) for p in f.underskrifter],
        profil=ProfilKontext.of(profil),
    )


def context(doc: RevisionssvarDoc, tpl: DocxTemplate, profil: Profil) -> dict[str, Any]:
    from ..render.blocks import BlockWriter

    fritext = BlockWriter(tpl).subdoc(doc.fritext) if doc.fritext else None
    return kontext_dict(build_kontext(doc, profil, fritext))


def render(doc: RevisionssvarDoc, out: str | Path, profil: Profil | None = None,
           mallar: Path | None = None) -> Path:
    """Render the reply to .docx at out (written atomically)."""
    from ..render.docx import render_typ

    profil = profil or Profil()
    return render_typ(TYP, out, lambda tpl: context(doc, tpl, profil), profil, mallar)


# --- the ärende's tjänsteskrivelse ---------------------------------------------


# Small numbers are written as words in prose.
_RAKNEORD = {0: "inga", 2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex", 7: "sju", 8: "åtta", 9: "nio",
             10: "tio", 11: "elva", 12: "tolv"}


def _stycke(text: str) -> Stycke:
    return Stycke([Run(text)], 0)


def tjansteskrivelse_for(doc: RevisionssvarDoc, profil: Profil | None = None) -> TjansteskrivelseDoc:
    """The tjänsteskrivelse that brings the reply to the nämnd, from the same input."""
    profil = profil or Profil()
    f, rap, ts = doc.falt, doc.falt.rapport, doc.falt.tjansteskrivelse
    fmt = Formatter()
    svarstitel = f"Svar på revisionsrapport {rap.titel}"
    handl = (ts.handlaggare or f.underskrifter[0]).model_dump(by_alias=True, exclude_none=True)
    egna = [r for _o, recs in f.egna() for r in recs]
    antal = len(egna)
    rek_ord = "en rekommendation" if antal == 1 else f"{_RAKNEORD.get(antal, fmt.tal(antal))} rekommendationer"
    body = [
        _stycke(f"{rap.revisionsbyra} har på uppdrag av kommunens revisorer tagit fram rapporten "
                f"”{rap.titel}”, daterad {fmt.datum_lang(rap.datum)}."),
        _stycke(f"Revisionen vill ha {f.namnd[:1].lower() + f.namnd[1:]}s synpunkter på rapportens "
                f"slutsatser senast den {fmt.datum_lang(rap.svar_senast)}. Svaret ska visa vilka "
                f"åtgärder som planeras och när de beräknas vara klara."),
        _stycke(f"Rapporten innehåller {rek_ord} som riktar sig till {f.namnd[:1].lower() + f.namnd[1:]}. "
                f"Förvaltningen har tagit fram ett förslag till svar, som bifogas."),
    ]
    data: dict[str, Any] = {
        "kommun": f.kommun, "förvaltning": f.forvaltning, "nämnd": f.namnd,
        "handläggare": handl,
        "datum": (ts.datum or f.datum).isoformat(),
        "dnr": rap.dnr,
        "titel": ts.titel or f"Revisionsrapport {rap.titel} - svar",
        "förslag_till_beslut": [FORSLAG],
        "beslutsunderlag": [rap.titel, svarstitel],
        "protokollsutdrag_till": list(PROTOKOLLSUTDRAG),
        "underskrifter": [p.model_dump(by_alias=True, exclude_none=True) for p in f.underskrifter],
    }
    fil = doc.fil.with_name(f"{doc.stem}-tjansteskrivelse{doc.fil.suffix}")
    # Errors in the overrides point at their lines under 'tjänsteskrivelse:'.
    lines = {k[1:]: v for k, v in doc.located.lines.items() if k[:1] in (("tjänsteskrivelse",), ("tjansteskrivelse",))}
    located = Located(data=data, fil=doc.fil, lines=lines, line_offset=doc.located.line_offset)
    return tjansteskrivelse.from_fields(fil, data, body, profil, located)


def utdata(doc: RevisionssvarDoc, profil: Profil) -> list[Utdata]:
    """A reply makes two documents: the reply and the tjänsteskrivelse that brings it to the nämnd."""
    ts = tjansteskrivelse_for(doc, profil)
    return [Utdata(doc.stem, render, doc), Utdata(f"{doc.stem}-tjansteskrivelse", tjansteskrivelse.render, ts)]


DOKUMENTTYP = DocType(
    name=TYP, label="Revisionssvar", model=RevisionssvarDoc, context_model=Kontext, load=load,
    context=context, render=render, checks=(revision_checks,), utdata=utdata,
    suffixes=SUFFIXES, kanner_igen=kannetecken.revisionssvar,
    description="Svar på revisionsrapport med tjänsteskrivelse: YAML eller Markdown med YAML-huvud",
    exempel=EXEMPEL / "revisionssvar.yaml",
)
