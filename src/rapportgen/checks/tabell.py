"""Checks on tables read from Excel or CSV: template hints left in cells.

The table type belongs to the input stage (inputs.excel.Tabell); commands.kontrollera
registers this check for it, so checks/ does not import the input stage.
"""

from __future__ import annotations

from typing import Iterator

from ..model.finding import Finding
from .text import placeholder_findings


def placeholders_in_cells(tabell) -> Iterator[Finding]:
    """Platshållare och mallhjälptexter i tabellens textceller ('Ange investering per rad')."""
    cells = [*tabell.rubriker, *(cell for rad in tabell.rader for cell in rad.celler.values())]
    texts = ((cell.plats.plats, cell.varde) for cell in cells if isinstance(cell.varde, str))
    yield from placeholder_findings(str(tabell.fil), texts)
