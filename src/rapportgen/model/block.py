"""The block model of a Markdown body: headings, paragraphs, lists and tables of styled runs.

inputs/markdown.py parses Markdown into these blocks; render/blocks.py writes them in the
Word template's own styles; checks read their text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from .located import Located


@dataclass(frozen=True)
class Run:
    """A piece of text with one style."""

    text: str
    fet: bool = False
    kursiv: bool = False
    kod: bool = False
    radbrytning: bool = False  # a hard line break before this run's text


def runs_text(runs: list[Run]) -> str:
    """The plain text of a paragraph's or table cell's runs."""
    return "".join(r.text for r in runs)


@dataclass
class Rubrik:
    """A heading: its level, text runs and source line."""

    niva: int
    runs: list[Run]
    rad: int

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs).strip()


@dataclass
class Stycke:
    """A paragraph: its text runs and source line."""

    runs: list[Run]
    rad: int


@dataclass
class Listpunkt:
    """A list item: its text runs and the list nested under it, if any."""

    runs: list[Run]
    underlista: "Lista | None" = None


@dataclass
class Lista:
    """A bulleted or numbered list."""

    numrerad: bool
    punkter: list[Listpunkt]
    rad: int
    start: int = 1


@dataclass
class Tabell:
    """A table: header cells, body rows of cells (each cell a list of runs), column alignment."""

    huvud: list[list[Run]]
    rader: list[list[list[Run]]]
    justering: list[str]  # "left" | "right" | "center" per column
    rad: int


Block = Union[Rubrik, Stycke, Lista, Tabell]


@dataclass
class MarkdownDoc:
    """A Markdown input: its file, located front matter and body blocks."""

    fil: Path
    front: Located
    block: list[Block] = field(default_factory=list)
    body_line_offset: int = 0
