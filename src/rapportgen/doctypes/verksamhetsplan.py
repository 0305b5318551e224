"""Verksamhetsplan och budget: goals, nyckeltal and driftbudget, from a folder with a manifest.

The report's code is shared with the delårsrapport (doctypes/rapport/).
"""

from __future__ import annotations

from .rapport import doctype

TYP = "verksamhetsplan"

DOKUMENTTYP = doctype(TYP, "Verksamhetsplan och budget med mål, nyckeltal och driftbudget")
