"""Tjänsteskrivelse: Markdown + YAML front matter to .docx and .pdf.

Library API (no CLI needed):

    from rapportgen.tjansteskrivelse import load, render
    doc = load("arende.md", profil)
    render(doc, "ut/arende.docx")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc
from pydantic import BaseModel, ConfigDict, Field, create_model

from . import doctypes
from .exceptions import InputError
from .inputs.markdown import Block, MarkdownDoc, Rubrik, load_markdown
from .inputs.yamlsrc import validate
from .model.tjansteskrivelse import (
    AVSNITT, FRONT_MATTER_RUBRIKER, Tjansteskrivelse, avsnitt_for_heading, normalise_heading,
)
from .profil import Profil
from .render.blocks import BlockWriter
from .render.docx import render_typ

TYP = "tjansteskrivelse"

# Front matter keys filled from the profile when the input leaves them out.
_PROFILE_DEFAULTS = (("kommun", "kommun"), ("förvaltning", "forvaltning"), ("nämnd", "namnd"),
                     ("underskrifter", "underskrifter"))


@dataclass
class TjansteskrivelseDoc:
    """A validated tjänsteskrivelse: fields, body sections and where it came from."""

    fil: Path
    falt: Tjansteskrivelse
    avsnitt: dict[str, list[Block]] = field(default_factory=dict)
    source: MarkdownDoc | None = None

    @property
    def stem(self) -> str:
        return self.fil.stem


def apply_profile(data: dict[str, Any], profil: Profil) -> dict[str, Any]:
    data = dict(data)
    for alias, attr in _PROFILE_DEFAULTS:
        if alias not in data and attr not in data:
            value = getattr(profil, attr)
            if value:
                data[alias] = [p.model_dump(by_alias=True, exclude_none=True) for p in value] \
                    if attr == "underskrifter" else value
    handl = data.get("handläggare", data.get("handlaggare"))
    if isinstance(handl, str):
        data["handläggare" if "handläggare" in data else "handlaggare"] = {"namn": handl}
    return data


def split_sections(md: MarkdownDoc) -> dict[str, list[Block]]:
    """Group the body's blocks under the known section headings."""
    blocks = md.block
    headings = [b for b in blocks if isinstance(b, Rubrik)]
    if not blocks:
        raise InputError("brödtexten är tom: avsnittet 'Ärendet' saknas", fil=md.fil)
    if not headings:
        return {"arendet": blocks}
    level = min(h.niva for h in headings)
    sections: dict[str, list[Block]] = {}
    current: str | None = None
    first_line: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, Rubrik) and block.niva == level:
            typ = avsnitt_for_heading(block.text)
            if typ is None:
                norm = normalise_heading(block.text)
                if norm in FRONT_MATTER_RUBRIKER:
                    raise InputError(
                        f"'{block.text}' skrivs i front matter, i fältet "
                        f"'{FRONT_MATTER_RUBRIKER[norm]}', inte som rubrik i brödtexten",
                        fil=md.fil, plats=f"rad {block.rad}")
                known = ", ".join(t.rubrik for t in AVSNITT)
                raise InputError(f"okänd avsnittsrubrik '{block.text}'; kända avsnitt: {known}",
                                 fil=md.fil, plats=f"rad {block.rad}")
            if typ.key in sections:
                raise InputError(f"avsnittet '{typ.rubrik}' förekommer två gånger",
                                 fil=md.fil, plats=f"rad {block.rad}")
            sections[typ.key] = []
            first_line[typ.key] = block.rad
            current = typ.key
        elif current is None:
            line = getattr(block, "rad", None)
            raise InputError("text före första avsnittsrubriken; börja brödtexten med t.ex. '# Ärendet'",
                             fil=md.fil, plats=f"rad {line}" if line else None)
        else:
            sections[current].append(block)
    for typ in AVSNITT:
        if typ.obligatoriskt and not sections.get(typ.key):
            where = f"rad {first_line[typ.key]}" if typ.key in first_line else None
            raise InputError(f"avsnittet '{typ.rubrik}' saknas eller är tomt", fil=md.fil, plats=where)
    # Empty optional sections are left out.
    return {k: v for k, v in sections.items() if v}


def load(path: str | Path, profil: Profil | None = None) -> TjansteskrivelseDoc:
    """Read and validate one tjänsteskrivelse."""
    profil = profil or Profil()
    md = load_markdown(path)
    data = apply_profile(md.front.data, profil)
    falt = validate(Tjansteskrivelse, md.front, data)
    doc = TjansteskrivelseDoc(Path(path), falt, split_sections(md), md)
    check_sections(doc, profil)
    return doc


def from_fields(fil: Path, data: dict[str, Any], body_blocks: list[Block], profil: Profil,
                located=None) -> TjansteskrivelseDoc:
    """Build a tjänsteskrivelse from already-parsed data (generated by other document types).

    data holds front matter fields; body_blocks the body, e.g. from parse_body().
    """
    from .inputs.yamlsrc import Located

    located = located or Located(data=data, fil=fil)
    falt = validate(Tjansteskrivelse, located, apply_profile(data, profil))
    md = MarkdownDoc(fil, located, body_blocks)
    return TjansteskrivelseDoc(fil, falt, split_sections(md), md)


class _AvsnittBas(BaseModel):
    """Body sections; an absent or empty section is None and its heading is left out."""

    model_config = ConfigDict(arbitrary_types_allowed=True)


Avsnitt = create_model(  # one optional field per known section, in document order
    "Avsnitt", __base__=_AvsnittBas,
    **{t.key: (Optional[Subdoc], Field(None, description=f"Avsnittet {t.rubrik} (Markdown-brödtext)"))
       for t in AVSNITT},
)


class AvsnittKontext(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    nyckel: str = Field(description="Avsnittets nyckel, t.ex. 'arendet'")
    rubrik: str = Field(description="Rubriken enligt profilens avsnittslista")
    text: Subdoc = Field(description="Avsnittets brödtext; infogas med {{p a.text }}")


def section_order(profil: Profil) -> list[tuple[str, str]]:
    """(key, heading) of the body sections in the profile's order; the standard list by default."""
    if not profil.avsnitt:
        return [(t.key, t.rubrik) for t in AVSNITT]
    standard = {t.key: t.rubrik for t in AVSNITT}
    return [(a.nyckel, a.rubrik or standard[a.nyckel]) for a in profil.avsnitt]


def check_sections(doc: "TjansteskrivelseDoc", profil: Profil) -> None:
    """A section the profile's list leaves out would vanish from the document: an error."""
    known = {k for k, _ in section_order(profil)}
    for key in doc.avsnitt:
        if key not in known:
            rubrik = next(t.rubrik for t in AVSNITT if t.key == key)
            names = ", ".join(h for _, h in section_order(profil))
            raise InputError(f"avsnittet '{rubrik}' finns inte i profilens avsnittslista ({names})",
                             fil=doc.fil, plats="fältet 'avsnitt' i profilen")


class PersonKontext(BaseModel):
    namn: str = Field(description="Namn")
    titel: Optional[str] = Field(None, description="Titel")
    telefon: Optional[str] = Field(None, description="Telefon")
    epost: Optional[str] = Field(None, description="E-post")


class ProfilKontext(BaseModel):
    kommun: str = Field(description="Kommunens namn")
    forvaltning: str = Field(description="Förvaltningens namn")
    ort: Optional[str] = Field(None, description="Ort")
    adress: Optional[str] = Field(None, description="Postadress")
    telefon: Optional[str] = Field(None, description="Växelnummer")
    webbplats: Optional[str] = Field(None, description="Webbplats")

    @classmethod
    def of(cls, profil: Profil) -> "ProfilKontext":
        return cls(kommun=profil.kommun, forvaltning=profil.forvaltning, ort=profil.ort,
                   adress=profil.adress, telefon=profil.telefon, webbplats=profil.webbplats)


class Kontext(BaseModel):
    """What a tjänsteskrivelse template sees."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    dokumenttyp: str = Field(description="Dokumenttypens namn: 'Tjänsteskrivelse'")
    kommun: str = Field(description="Kommunens namn")
    forvaltning: str = Field(description="Förvaltningen som skriver")
    namnd: str = Field(description="Nämnden som beslutar (mottagare)")
    handlaggare: PersonKontext = Field(description="Handläggaren")
    datum: dt.date = Field(description="Datum; formatera med |datum_iso eller |datum_lang")
    dnr: str = Field(description="Diarienummer")
    titel: str = Field(description="Ärendemening (rubrik)")
    beslutsformulering: str = Field(description="'Socialnämnden beslutar:'")
    forslag_till_beslut: list[str] = Field(description="Beslutspunkter; numrera när de är fler än en")
    tidigare_behandling: list[str] = Field(description="Referenser till tidigare beslut")
    beslutsunderlag: list[str] = Field(description="Beslutsunderlag i bilageordning")
    protokollsutdrag_till: list[str] = Field(description="Mottagare av protokollsutdrag")
    underskrifter: list[PersonKontext] = Field(description="Undertecknare")
    avsnitt: Avsnitt = Field(description="Brödtextens avsnitt")
    avsnittslista: list[AvsnittKontext] = Field(
        description="Avsnitten som finns, i profilens ordning och med profilens rubriker: "
                    "{%p for a in avsnittslista %}")
    profil: ProfilKontext = Field(description="Organisationsprofilens brevhuvudsuppgifter")


def context(doc: TjansteskrivelseDoc, tpl: DocxTemplate, profil: Profil) -> dict[str, Any]:
    """The variables a tjänsteskrivelse template sees (validated against Kontext)."""
    check_sections(doc, profil)
    writer = BlockWriter(tpl)
    subdocs = {k: writer.subdoc(v) for k, v in doc.avsnitt.items()}
    f = doc.falt
    person = lambda p: PersonKontext(**p.model_dump(by_alias=False))  # noqa: E731
    kontext = Kontext(
        dokumenttyp="Tjänsteskrivelse", kommun=f.kommun, forvaltning=f.forvaltning, namnd=f.namnd,
        handlaggare=person(f.handlaggare), datum=f.datum, dnr=f.dnr, titel=f.titel,
        beslutsformulering=f.beslutsformulering, forslag_till_beslut=f.forslag_till_beslut,
        tidigare_behandling=f.tidigare_behandling, beslutsunderlag=f.beslutsunderlag,
        protokollsutdrag_till=f.protokollsutdrag_till,
        underskrifter=[person(p) for p in f.underskrifter],
        avsnitt=Avsnitt(**subdocs),
        avsnittslista=[AvsnittKontext(nyckel=k, rubrik=h, text=subdocs[k])
                       for k, h in section_order(profil) if k in subdocs],
        profil=ProfilKontext.of(profil),
    )
    return kontext_dict(kontext)


def kontext_dict(model: BaseModel) -> dict[str, Any]:
    """A context model as plain dicts and lists, keeping dates and subdocuments as objects."""
    return {name: _plain(getattr(model, name)) for name in type(model).model_fields}


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return kontext_dict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def render(doc: TjansteskrivelseDoc, out: str | Path, profil: Profil | None = None,
           mallar: Path | None = None) -> Path:
    """Render to .docx at out (written atomically)."""
    profil = profil or Profil()
    return render_typ(TYP, out, lambda tpl: context(doc, tpl, profil), profil, mallar)


doctypes.register(doctypes.DocType(
    name=TYP, label="Tjänsteskrivelse", context_model=Kontext, load=load, render=render,
    description="Tjänsteskrivelse för ett ärende: Markdown med YAML-huvud",
    exempel=doctypes.EXEMPEL / "tjansteskrivelse.md",
))
