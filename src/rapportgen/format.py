"""Swedish formatting of numbers, amounts and dates (babel, sv_SE).

Amounts are computed in kronor and rounded only here, once, for display.
Every function is also a Jinja filter (see FILTERS), so templates never
format anything by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "sv_SE"
NBSP = "\u00a0"
MINUS = "\u2212"


class Formatter:
    """Formatting with the profile's settings (minus sign, percent spacing)."""

    def __init__(self, minustecken: str = "-", procent_mellanslag: bool = True):
        self.minustecken = minustecken
        self.procent_mellanslag = procent_mellanslag

    # numbers -----------------------------------------------------------
    def tal(self, value: Any, decimaler: int = 0) -> str:
        """A number with sv_SE grouping (non-breaking space) and decimal comma."""
        if value is None or value == "":
            return ""
        q = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimaler), rounding=ROUND_HALF_UP)
        if q == 0:
            q = abs(q)  # no "-0"
        pattern = "#,##0" + ("." + "0" * decimaler if decimaler else "")
        text = format_decimal(q, format=pattern, locale=LOCALE)
        # babel uses U+00A0 grouping and U+2212 minus for sv_SE; normalise both.
        text = text.replace("\u202f", NBSP).replace(" ", NBSP)
        text = text.replace(MINUS, self.minustecken).replace("-", self.minustecken)
        return text

    def kr(self, value: Any, decimaler: int = 0) -> str:
        return self.tal(value, decimaler)

    def tkr(self, value_kr: Any, decimaler: int = 0) -> str:
        """Kronor shown as thousands (tkr)."""
        if value_kr is None or value_kr == "":
            return ""
        return self.tal(Decimal(str(value_kr)) / 1000, decimaler)

    def mnkr(self, value_kr: Any, decimaler: int = 1) -> str:
        """Kronor shown as millions (mnkr), one decimal by default."""
        if value_kr is None or value_kr == "":
            return ""
        return self.tal(Decimal(str(value_kr)) / 1_000_000, decimaler)

    def procent(self, value: Any, decimaler: int = 0) -> str:
        """A share (0.74) as percent ('74 %')."""
        if value is None or value == "":
            return ""
        space = NBSP if self.procent_mellanslag else ""
        return f"{self.tal(Decimal(str(value)) * 100, decimaler)}{space}%"

    # dates -------------------------------------------------------------
    @staticmethod
    def datum_iso(value: dt.date | None) -> str:
        return value.isoformat() if value else ""

    @staticmethod
    def datum_lang(value: dt.date | None) -> str:
        """'8 mars 2023'."""
        return format_date(value, format="d MMMM y", locale=LOCALE) if value else ""

    @staticmethod
    def manad(value: int | dt.date, kort: bool = False) -> str:
        month = value.month if isinstance(value, dt.date) else int(value)
        fmt = "MMM" if kort else "MMMM"
        return format_date(dt.date(2000, month, 1), format=fmt, locale=LOCALE).rstrip(".")

    def filters(self) -> dict[str, Callable[..., str]]:
        return {
            "tal": self.tal,
            "kr": self.kr,
            "tkr": self.tkr,
            "mnkr": self.mnkr,
            "procent": self.procent,
            "datum_iso": self.datum_iso,
            "datum_lang": self.datum_lang,
            "manad": self.manad,
        }


FILTER_DOCS = {
    "tal": "Tal med svensk tusentalsavgränsare och decimalkomma: {{ x|tal(1) }}",
    "kr": "Belopp i kronor: {{ x|kr }}",
    "tkr": "Belopp i kronor visat i tkr, avrundat en gång: {{ x|tkr }}",
    "mnkr": "Belopp i kronor visat i mnkr med en decimal: {{ x|mnkr }}",
    "procent": "Andel (0,74) som procent (74 %): {{ x|procent }}",
    "datum_iso": "Datum som 2023-09-19",
    "datum_lang": "Datum i löptext: 8 mars 2023",
    "manad": "Månadens namn: {{ 8|manad }} ger augusti, {{ 8|manad(true) }} ger aug",
}
