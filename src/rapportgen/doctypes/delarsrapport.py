"""Delårsrapport: driftredovisning with prognos, goal follow-up and charts, from a folder with a manifest.

The report's code is shared with the verksamhetsplan (doctypes/rapport/).
"""

from __future__ import annotations

from .rapport import doctype

TYP = "delarsrapport"

DOKUMENTTYP = doctype(TYP, "Delårsrapport med driftredovisning, prognos, måluppföljning och diagram")
