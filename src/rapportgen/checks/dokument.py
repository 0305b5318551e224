"""Checks on free-form documents (dokument): placeholders left in."""

from __future__ import annotations

from typing import Iterator

from ..model.dokument import DokumentDoc
from ..model.finding import Finding
from .base import check, iter_texts
from .text import block_texts, placeholder_findings, profile_hints


@check(DokumentDoc, "platshallare")
def placeholders_left(doc: DokumentDoc, ktx) -> Iterator[Finding]:
    """Platshållare kvar i ett fritt dokument (rubrik, fält eller brödtext)."""
    fields = doc.falt.model_dump(by_alias=True, mode="json")
    extra = profile_hints(ktx)
    yield from placeholder_findings(str(doc.fil), ((f"fält '{p}'", t) for p, t in iter_texts(fields)),
                                    extra=extra)
    yield from placeholder_findings(
        str(doc.fil), ((f"rad {line}" if line else None, text) for line, text in block_texts(doc.block)),
        extra=extra)
