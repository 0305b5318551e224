"""Checks on text: placeholders and template hints left in."""

from __future__ import annotations

import re
from typing import Iterator

from ..inputs.markdown import Lista, Rubrik, Stycke, Tabell
from ..tjansteskrivelse import TjansteskrivelseDoc
from . import Finding, Severity, check, iter_texts

# Unfilled placeholders and Word template hints seen in real documents.
PLACEHOLDER = re.compile(
    r"(?<![A-Za-zÅÄÖåäö])-?X{2,}(?![A-Za-zÅÄÖåäö])"  # -XX mnkr, XXXX
    r"|Skriv text här|Klicka här för att ange text|Ange [a-zåäö]+ (?:per|här|för)\b"
    r"|\[\s*(?:\.\.\.|…|text|namn|datum|belopp)?\s*\]"
    r"|\bTODO\b|\bFIXME\b",
    re.IGNORECASE,
)


def find_placeholders(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


def _block_texts(blocks) -> Iterator[tuple[int | None, str]]:
    for b in blocks:
        if isinstance(b, (Rubrik, Stycke)):
            yield b.rad, "".join(r.text for r in b.runs)
        elif isinstance(b, Lista):
            for p in b.punkter:
                yield b.rad, "".join(r.text for r in p.runs)
                if p.underlista:
                    yield from _block_texts([p.underlista])
        elif isinstance(b, Tabell):
            for row in [b.huvud, *b.rader]:
                for cell in row:
                    yield b.rad, "".join(r.text for r in cell)


@check(TjansteskrivelseDoc, "platshallare")
def placeholders_left(doc: TjansteskrivelseDoc) -> Iterator[Finding]:
    for path, text in iter_texts(doc.falt.model_dump(by_alias=True, mode="json")):
        for hit in find_placeholders(text):
            yield Finding(Severity.FEL, "platshallare", str(doc.fil),
                          f"platshållare kvar i texten: '{hit}'", plats=f"fält '{path}'")
    for key, blocks in doc.avsnitt.items():
        for line, text in _block_texts(blocks):
            for hit in find_placeholders(text):
                yield Finding(Severity.FEL, "platshallare", str(doc.fil),
                              f"platshållare kvar i texten: '{hit}'",
                              plats=f"rad {line}" if line else f"avsnitt {key}")
