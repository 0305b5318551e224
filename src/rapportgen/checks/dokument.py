"""Checks on free-form documents (dokument): placeholders left in."""

from __future__ import annotations

from typing import Iterator

from ..dokument import DokumentDoc
from . import Finding, Severity, check, iter_texts
from .text import _block_texts, find_placeholders


@check(DokumentDoc, "platshallare")
def placeholders_left(doc: DokumentDoc) -> Iterator[Finding]:
    for path, text in iter_texts(doc.falt.model_dump(by_alias=True, mode="json")):
        for hit in find_placeholders(text):
            yield Finding(Severity.FEL, "platshallare", str(doc.fil),
                          f"platshållare kvar i texten: '{hit}'", plats=f"fält '{path}'")
    for line, text in _block_texts(doc.block):
        for hit in find_placeholders(text):
            yield Finding(Severity.FEL, "platshallare", str(doc.fil),
                          f"platshållare kvar i texten: '{hit}'", plats=f"rad {line}" if line else None)
