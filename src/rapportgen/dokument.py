"""Dokument: a free-form Markdown document (title + body) for bilagor.

Front matter holds the title and optional metadata; the body is any Markdown
(headings, paragraphs, lists, tables) rendered in the template's own styles.

    ---
    typ: dokument
    titel: Återredovisning av uppdrag om bemanning
    undertitel: Socialförvaltningen
    datum: 2023-09-08
    dnr: SN/2023:70
    ---
    # Bakgrund
    ...
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc
from pydantic import BaseModel, ConfigDict, Field

from . import doctypes
from .exceptions import InputError
from .inputs.markdown import Block, MarkdownDoc, load_markdown
from .inputs.yamlsrc import validate
from .model.common import Datum, Strict, Text
from .profil import Profil
from .render.blocks import BlockWriter
from .render.docx import render_typ

TYP = "dokument"


class DokumentFalt(Strict):
    """Front matter of a free-form document."""

    typ: Optional[Literal["dokument"]] = Field(None, description="Dokumenttyp (valfri här): 'dokument'")
    titel: Text = Field(description="Dokumentets rubrik")
    undertitel: Optional[Text] = Field(None, description="Undertitel, t.ex. avsändare eller period")
    datum: Optional[Datum] = Field(None, description="Datum (ÅÅÅÅ-MM-DD)")
    dnr: Optional[Text] = Field(None, description="Diarienummer")
    kommun: Optional[Text] = Field(None, description="Kommunens namn (standard: profilen)")
    forvaltning: Optional[Text] = Field(None, alias="förvaltning", description="Förvaltning (standard: profilen)")


@dataclass
class DokumentDoc:
    fil: Path
    falt: DokumentFalt
    block: list[Block]
    source: MarkdownDoc | None = None

    @property
    def stem(self) -> str:
        return self.fil.stem


def front_matter_typ(path: str | Path) -> str | None:
    """The `typ:` in a Markdown file's front matter, if the file has one."""
    from .inputs.markdown import split_front_matter
    from .inputs.text import read_text
    from .inputs.yamlsrc import parse_yaml

    path = Path(path)
    try:
        yaml_text, _body, _start = split_front_matter(read_text(path), path)
        data = parse_yaml(yaml_text, path, line_offset=1).data
    except InputError:
        return None
    return data.get("typ") if isinstance(data, dict) and isinstance(data.get("typ"), str) else None


def load(path: str | Path, profil: Profil | None = None) -> DokumentDoc:
    md = load_markdown(path)
    falt = validate(DokumentFalt, md.front, md.front.data)
    return DokumentDoc(Path(path), falt, md.block, md)


class Kontext(BaseModel):
    """What a dokument template sees."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kommun: str = Field(description="Kommunens namn")
    forvaltning: str = Field(description="Förvaltningens namn")
    titel: str = Field(description="Rubrik")
    undertitel: Optional[str] = Field(None, description="Undertitel")
    datum: Optional[dt.date] = Field(None, description="Datum; formatera med |datum_iso")
    dnr: Optional[str] = Field(None, description="Diarienummer")
    innehall: Subdoc = Field(description="Brödtexten (Markdown)")


def context(doc: DokumentDoc, tpl: DocxTemplate, profil: Profil) -> dict[str, Any]:
    f = doc.falt
    kontext = Kontext(
        kommun=f.kommun or profil.kommun, forvaltning=f.forvaltning or profil.forvaltning,
        titel=f.titel, undertitel=f.undertitel, datum=f.datum, dnr=f.dnr,
        innehall=BlockWriter(tpl, rubrik_bas=2).subdoc(doc.block, sektionsniva=0),
    )
    return {name: getattr(kontext, name) for name in Kontext.model_fields}


def render(doc: DokumentDoc, out: str | Path, profil: Profil | None = None,
           mallar: Path | None = None) -> Path:
    profil = profil or Profil()
    return render_typ(TYP, out, lambda tpl: context(doc, tpl, profil), profil, mallar)


doctypes.register(doctypes.DocType(
    name=TYP, label="Dokument", context_model=Kontext, load=load, render=render,
    description="Fritt dokument (rubrik + Markdown), t.ex. en bilaga",
    exempel=doctypes.EXEMPEL / "dokument.md", kanner_igen=lambda path: front_matter_typ(path) == TYP,
))
