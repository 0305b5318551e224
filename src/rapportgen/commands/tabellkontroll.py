"""The checks of a sheet checked on its own (`rapportgen kontrollera budget.xlsx`).

The table checks live in checks/ (no input-stage imports there); the table type is the input
stage's, so they are registered for it here. commands.kontrollera announces this module for
inputs.excel.Tabell: it is imported when a sheet's checks are asked for.
"""

from __future__ import annotations

from ..checks import check
from ..checks.tabell import placeholders_in_cells, sums_in_sheet
from ..inputs.excel import Tabell

check(Tabell, "platshallare")(placeholders_in_cells)
check(Tabell, "tabell")(sums_in_sheet)
