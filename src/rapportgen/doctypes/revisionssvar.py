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
from .base import EXEMPEL, DocType, Utdata

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

TYP = "revisionssvar"
KONTEXT = "rapportgen.doctypes.kontext.revisionssvar"  # the template context (imported when first used)
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


def build_kontext(doc: RevisionssvarDoc, profil: Profil, fritext: Subdoc | None = None) -> Kontext:
    from ..render.kontext import PersonKontext, ProfilKontext
    from .kontext.revisionssvar import (AtgardKontext, CitatKontext, Kontext, OmradeKontext, RapportKontext,
                                        SynpunktKontext)

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

    from ..render.kontext import kontext_dict

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
    name=TYP, label="Revisionssvar", model=RevisionssvarDoc, context_model=f"{KONTEXT}:Kontext", load=load,
    context=context, render=render, checks=(revision_checks,), utdata=utdata,
    suffixes=SUFFIXES, kanner_igen=kannetecken.revisionssvar,
    description="Svar på revisionsrapport med tjänsteskrivelse: YAML eller Markdown med YAML-huvud",
    exempel=EXEMPEL / "revisionssvar.yaml",
)


def __getattr__(name: str) -> Any:
    # The template context lives in doctypes/kontext/revisionssvar.py (imported when first used).
    if name in {'SynpunktKontext', 'Kontext', 'OmradeKontext', 'RapportKontext', 'AtgardKontext', 'CitatKontext'}:
        from ..checks import importera

        return getattr(importera(KONTEXT), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
