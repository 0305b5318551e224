"""Dokument: a free-form Markdown document (title + body), e.g. a bilaga."""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional

from pydantic import Field

from .block import Block, MarkdownDoc
from .common import Datum, Strict, Text


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
    """A free-form document: its file, front matter fields and body blocks."""

    fil: Path
    falt: DokumentFalt
    block: list[Block]
    source: MarkdownDoc | None = None

    @property
    def stem(self) -> str:
        return self.fil.stem
