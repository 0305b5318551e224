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
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from pydantic import ConfigDict, Field

from ..checks import dokument as dokument_checks
from ..config import Profil
from ..inputs import kannetecken
from ..inputs.markdown import load_markdown
from ..inputs.yamlsrc import validate
from ..model.dokument import DokumentDoc, DokumentFalt
from ..render.kontext import Kontextmodell, Subdoc
from .base import EXEMPEL, DocType

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

TYP = "dokument"


def load(path: str | Path, profil: Profil | None = None) -> DokumentDoc:
    md = load_markdown(path)
    falt = validate(DokumentFalt, md.front, md.front.data)
    return DokumentDoc(Path(path), falt, md.block, md)


class Kontext(Kontextmodell):
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
    from ..render.blocks import BlockWriter

    f = doc.falt
    kontext = Kontext(
        kommun=f.kommun or profil.kommun, forvaltning=f.forvaltning or profil.forvaltning,
        titel=f.titel, undertitel=f.undertitel, datum=f.datum, dnr=f.dnr,
        innehall=BlockWriter(tpl, rubrik_bas=2).subdoc(doc.block, sektionsniva=0),
    )
    return {name: getattr(kontext, name) for name in Kontext.model_fields}


def render(doc: DokumentDoc, out: str | Path, profil: Profil | None = None,
           mallar: Path | None = None) -> Path:
    from ..render.docx import render_typ

    profil = profil or Profil()
    return render_typ(TYP, out, lambda tpl: context(doc, tpl, profil), profil, mallar)


DOKUMENTTYP = DocType(
    name=TYP, label="Dokument", model=DokumentDoc, context_model=Kontext, load=load, context=context,
    render=render, checks=(dokument_checks,),
    description="Fritt dokument (rubrik + Markdown), t.ex. en bilaga",
    exempel=EXEMPEL / "dokument.md", kanner_igen=kannetecken.dokument,
)
