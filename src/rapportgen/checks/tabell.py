"""Checks on tables read from Excel or CSV: template hints left in cells."""

from __future__ import annotations

from typing import Iterator

from ..inputs.excel import Tabell
from . import Finding, check
from .text import placeholder_findings


@check(Tabell, "platshallare")
def placeholders_in_cells(tabell: Tabell) -> Iterator[Finding]:
    """Platshållare och mallhjälptexter i tabellens textceller ('Ange investering per rad')."""
    cells = [*tabell.rubriker, *(cell for rad in tabell.rader for cell in rad.celler.values())]
    texts = ((cell.plats.plats, cell.varde) for cell in cells if isinstance(cell.varde, str))
    yield from placeholder_findings(str(tabell.fil), texts)
