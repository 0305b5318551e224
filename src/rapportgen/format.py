"""Swedish formatting of numbers, amounts, dates and periods (babel, sv_SE).

Amounts are computed in kronor and rounded only here, once, from the raw
value, for display. Every formatting method is also a Jinja filter (see
Formatter.filters and FILTER_DOCS), so templates never format anything by
hand. The parse_* functions read the same forms back (used by checks and
loaders, and by the round-trip tests).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Callable, Literal

from babel.dates import format_date, get_month_names
from babel.numbers import format_decimal

if TYPE_CHECKING:  # pragma: no cover
    from .config import Profil

LOCALE = "sv_SE"
NBSP = "\u00a0"
MINUS = "\u2212"
EN_DASH = "\u2013"

Enhet = Literal["kr", "tkr", "mnkr"]
ENHETER: dict[str, Decimal] = {"kr": Decimal(1), "tkr": Decimal(1000), "mnkr": Decimal(1_000_000)}
# Default decimals per unit: tables in tkr are integers, prose in mnkr has one decimal.
STANDARD_DECIMALER = {"kr": 0, "tkr": 0, "mnkr": 1}


def _months(width: str) -> list[str]:
    names = get_month_names(width, context="stand-alone", locale=LOCALE)
    return [str(names[m]).rstrip(".").lower() for m in range(1, 13)]


# CLDR's Swedish month names (_months("wide"); a test holds them equal). Written out: asking babel
# at import loads its Swedish locale data (20-40 ms), which a check that formats no date never needs.
MANADER = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"]
MANADER_KORT = [m[:3] for m in MANADER]  # jan feb mar apr maj jun jul aug sep okt nov dec


def as_decimal(value: Any) -> Decimal:
    """A number (int, float, Decimal or Swedish text) as Decimal, without rounding."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"inte ett tal: {value!r}")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    return parse_tal(str(value))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period within one year: months start..slut (1-12), e.g. jan-aug 2023."""

    ar: int | None
    start: int
    slut: int

    def __post_init__(self) -> None:
        if not (1 <= self.start <= self.slut <= 12):
            raise ValueError(f"ogiltig period: månad {self.start}-{self.slut}")

    @classmethod
    def till(cls, datum: dt.date) -> "Period":
        """January up to and including datum's month."""
        return cls(datum.year, 1, datum.month)

    def samma_slut(self, other: "Period") -> bool:
        """Same closing month (and year when both know it): what 'about the same month' means."""
        if self.slut != other.slut:
            return False
        return self.ar is None or other.ar is None or self.ar == other.ar

    def __str__(self) -> str:
        text = format_period(self, "lang")
        return f"{text} {self.ar}" if self.ar else text


def format_period(period: Period, stil: str = "lang") -> str:
    """januari–augusti (lang), jan-aug (kort), t.o.m. augusti (tom), 2023 08 (nummer)."""
    if stil == "lang":
        if period.start == period.slut:
            return MANADER[period.slut - 1]
        return f"{MANADER[period.start - 1]}{EN_DASH}{MANADER[period.slut - 1]}"
    if stil == "kort":
        if period.start == period.slut:
            return MANADER_KORT[period.slut - 1]
        return f"{MANADER_KORT[period.start - 1]}-{MANADER_KORT[period.slut - 1]}"
    if stil == "tom":
        return f"t.o.m. {MANADER[period.slut - 1]}"
    if stil == "nummer":
        if period.ar is None:
            raise ValueError("perioden saknar år")
        return f"{period.ar} {period.slut:02d}"
    raise ValueError(f"okänd periodstil '{stil}'; välj lang, kort, tom eller nummer")


class Formatter:
    """Formatting with the profile's settings (minus sign, percent spacing)."""

    def __init__(self, minustecken: str = "-", procent_mellanslag: bool = True):
        if minustecken not in ("-", MINUS):
            raise ValueError(f"minustecknet ska vara '-' eller '{MINUS}'")
        self.minustecken = minustecken
        self.procent_mellanslag = procent_mellanslag

    @classmethod
    def from_profil(cls, profil: "Profil") -> "Formatter":
        return cls(profil.format.minustecken, profil.format.procent_mellanslag)

    # numbers -----------------------------------------------------------
    def tal(self, value: Any, decimaler: int = 0) -> str:
        """A number with sv_SE grouping (non-breaking space) and decimal comma."""
        if _empty(value):
            return ""
        return self._tal(as_decimal(value), decimaler)

    def _tal(self, value: Decimal, decimaler: int) -> str:
        # The only rounding: half away from zero, once, from the raw value.
        q = value.quantize(Decimal(1).scaleb(-decimaler), rounding=ROUND_HALF_UP)
        if q == 0:
            q = abs(q)  # no "-0"
        pattern = "#,##0" + ("." + "0" * decimaler if decimaler else "")
        text = format_decimal(q, format=pattern, locale=LOCALE, group_separator=True)
        # babel's grouping and minus differ between versions; normalise both.
        text = text.replace("\u202f", NBSP).replace(" ", NBSP)
        return text.replace(MINUS, self.minustecken).replace("-", self.minustecken)

    def belopp(self, value_kr: Any, enhet: str = "tkr", decimaler: int | None = None,
               med_enhet: bool = True) -> str:
        """Kronor shown in kr, tkr or mnkr: '-28,5 mnkr'. Rounded once, from kronor."""
        if _empty(value_kr):
            return ""
        if enhet not in ENHETER:
            raise ValueError(f"okänd enhet '{enhet}'; välj kr, tkr eller mnkr")
        if decimaler is None:
            decimaler = STANDARD_DECIMALER[enhet]
        text = self._tal(as_decimal(value_kr) / ENHETER[enhet], decimaler)
        return f"{text}{NBSP}{enhet}" if med_enhet else text

    def kr(self, value: Any, decimaler: int = 0) -> str:
        """Kronor as a bare number."""
        return self.belopp(value, "kr", decimaler, med_enhet=False)

    def tkr(self, value_kr: Any, decimaler: int = 0) -> str:
        """Kronor shown as thousands (tkr), bare number: '-392 928'."""
        return self.belopp(value_kr, "tkr", decimaler, med_enhet=False)

    def mnkr(self, value_kr: Any, decimaler: int = 1) -> str:
        """Kronor shown as millions (mnkr), one decimal by default, bare number: '-28,5'."""
        return self.belopp(value_kr, "mnkr", decimaler, med_enhet=False)

    def procent(self, value: Any, decimaler: int = 0) -> str:
        """A share (0.74) as percent ('74 %')."""
        if _empty(value):
            return ""
        space = NBSP if self.procent_mellanslag else ""
        return f"{self._tal(as_decimal(value) * 100, decimaler)}{space}%"

    def procentenheter(self, value: Any, decimaler: int = 0) -> str:
        """A value already in percent (74 or 9.2) with the percent sign ('9,2 %')."""
        if _empty(value):
            return ""
        return self.procent(as_decimal(value) / 100, decimaler)

    # dates -------------------------------------------------------------
    @staticmethod
    def datum_iso(value: Any) -> str:
        """'2023-09-19'."""
        return as_date(value).isoformat() if not _empty(value) else ""

    @staticmethod
    def datum_lang(value: Any) -> str:
        """'8 mars 2023'."""
        return format_date(as_date(value), format="d MMMM y", locale=LOCALE) if not _empty(value) else ""

    @staticmethod
    def manad(value: int | dt.date, kort: bool = False) -> str:
        """'augusti', or 'aug' with kort=True."""
        month = value.month if isinstance(value, dt.date) else int(value)
        return (MANADER_KORT if kort else MANADER)[month - 1]

    # periods -----------------------------------------------------------
    @staticmethod
    def _period(value: Any, start: int | None = None) -> Period:
        if isinstance(value, Period):
            return value
        if isinstance(value, (dt.date, dt.datetime)):
            p = Period.till(as_date(value))
        elif isinstance(value, int):
            p = Period(None, 1, value)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()):
            p = Period.till(as_date(value))
        else:
            found = parse_period(str(value))
            if found is None:
                raise ValueError(f"inte en period: {value!r}")
            p = found
        return Period(p.ar, start, p.slut) if start is not None else p

    def period(self, value: Any, stil: str = "lang", start: int | None = None) -> str:
        """A period (Period, a closing date or a closing month): 'januari–augusti'."""
        if _empty(value):
            return ""
        return format_period(self._period(value, start), stil)

    def period_kort(self, value: Any, start: int | None = None) -> str:
        """'jan-aug'."""
        return self.period(value, "kort", start)

    def tom(self, value: Any) -> str:
        """'t.o.m. augusti'."""
        return self.period(value, "tom")

    def filters(self) -> dict[str, Callable[..., str]]:
        return {
            "tal": self.tal,
            "kr": self.kr,
            "tkr": self.tkr,
            "mnkr": self.mnkr,
            "belopp": self.belopp,
            "procent": self.procent,
            "procentenheter": self.procentenheter,
            "datum_iso": self.datum_iso,
            "datum_lang": self.datum_lang,
            "manad": self.manad,
            "period": self.period,
            "period_kort": self.period_kort,
            "tom": self.tom,
        }


FILTER_DOCS = {
    "tal": "Tal med svensk tusentalsavgränsare och decimalkomma: {{ x|tal(1) }} ger 9,2",
    "kr": "Belopp i kronor utan enhet: {{ x|kr }} ger 1 234 567",
    "tkr": "Belopp i kronor visat i tkr utan enhet, avrundat en gång: {{ x|tkr }} ger -392 928",
    "mnkr": "Belopp i kronor visat i mnkr utan enhet, en decimal: {{ x|mnkr }} ger -28,5",
    "belopp": "Belopp i kronor med enhet: {{ x|belopp('mnkr') }} ger -28,5 mnkr; "
              "{{ x|belopp('tkr', 1) }} väljer decimaler",
    "procent": "Andel (0,74) som procent: {{ x|procent }} ger 74 %",
    "procentenheter": "Värde som redan är procent (9,2): {{ x|procentenheter(1) }} ger 9,2 %",
    "datum_iso": "Datum som 2023-09-19",
    "datum_lang": "Datum i löptext: {{ d|datum_lang }} ger 8 mars 2023",
    "manad": "Månadens namn: {{ 8|manad }} ger augusti, {{ 8|manad(true) }} ger aug",
    "period": "Period till och med ett datum eller en månad: {{ d|period }} ger januari–augusti; "
              "stil 'kort', 'tom' eller 'nummer' (2023 08)",
    "period_kort": "Kort period: {{ d|period_kort }} ger jan-aug",
    "tom": "Till och med: {{ d|tom }} ger t.o.m. augusti",
}


# Parsing -------------------------------------------------------------------

_NUMBER = re.compile(r"^([+\-\u2212\u2013]?)\s*(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?$")


def parse_tal(text: str) -> Decimal:
    """Read a Swedish number: '-392 928', '−28,5', '1 234,50'. Raises ValueError."""
    cleaned = text.strip()
    m = _NUMBER.match(cleaned)
    if not m:
        # Plain machine numbers ("1234.5") are also accepted.
        try:
            if re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
                return Decimal(cleaned)
        except InvalidOperation:
            pass
        raise ValueError(f"inte ett tal: '{text}'")
    sign, whole, frac = m.groups()
    digits = re.sub(r"\D", "", whole) + (f".{frac}" if frac else "")
    value = Decimal(digits)
    return -value if sign in ("-", MINUS, EN_DASH) else value


def parse_belopp(text: str) -> Decimal:
    """'−28,5 mnkr' -> kronor (Decimal). A bare number is kronor."""
    m = re.match(r"^(.*?)\s*(kr|tkr|mnkr)?\.?$", text.strip())
    assert m is not None
    number, enhet = m.group(1), m.group(2) or "kr"
    return parse_tal(number) * ENHETER[enhet]


def parse_procent(text: str) -> Decimal:
    """'74 %' -> 0.74."""
    return parse_tal(text.strip().rstrip("%").strip()) / 100


def parse_manad(text: str) -> int | None:
    """Month number of 'augusti', 'aug', 'aug.', 'Augusti'; None if not a month."""
    word = text.strip().rstrip(".").lower()
    if word in MANADER:
        return MANADER.index(word) + 1
    if word in MANADER_KORT or word in ("sept",):
        return MANADER_KORT.index(word[:3]) + 1
    return None


def parse_datum_lang(text: str) -> dt.date:
    """'8 mars 2023' or 'den 8 mars 2023' -> date. Raises ValueError."""
    m = re.fullmatch(r"(?:den\s+)?(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})", text.strip(), re.IGNORECASE)
    month = parse_manad(m.group(2)) if m else None
    if not m or month is None:
        raise ValueError(f"inte ett datum: '{text}'")
    return dt.date(int(m.group(3)), month, int(m.group(1)))


_MONTH_WORD = r"(?:" + "|".join(MANADER + MANADER_KORT + ["sept"]) + r")\.?"
# Period expressions, most specific first. Each has named groups a (start month), b (end month),
# y (year) where present.
PERIOD_PATTERNS: tuple[re.Pattern[str], ...] = (
    # jan-aug 2023, januari – augusti, januari–augusti 2023
    re.compile(rf"\b(?P<a>{_MONTH_WORD})\s*[-\u2013\u2212]\s*(?P<b>{_MONTH_WORD})(?:\s+(?P<y>20\d\d))?\b",
               re.IGNORECASE),
    # t.o.m. juli, t o m juli, tom juli 2023
    re.compile(rf"\bt\.?\s?o\.?\s?m\.?\s+(?P<b>{_MONTH_WORD})(?:\s+(?P<y>20\d\d))?\b", re.IGNORECASE),
    # per 2023 08, 2023 08, 2023-08 (not a full date, not '2023 12 000')
    re.compile(r"\b(?P<y>20\d\d)[ \-](?P<bn>0[1-9]|1[0-2])\b(?![-\d]|[ \u00a0]\d)"),
    # per augusti 2023, per augusti
    re.compile(rf"\bper\s+(?P<b>{_MONTH_WORD})(?:\s+(?P<y>20\d\d))?\b", re.IGNORECASE),
)


@dataclass(frozen=True)
class PeriodTraff:
    """A period expression found in a text."""

    text: str
    period: Period


# What every PERIOD_PATTERNS match contains: a month word (each begins with its three-letter
# abbreviation) or a year. Most texts have neither; one search for them is cheaper than four.
_PERIOD_SPAR = re.compile("|".join(MANADER_KORT) + r"|20\d\d", re.IGNORECASE)


def find_periods(text: str) -> list[PeriodTraff]:
    """Every period expression in text (non-overlapping, in order)."""
    hits: list[tuple[int, int, PeriodTraff]] = []
    if not _PERIOD_SPAR.search(text):
        return []
    for pattern in PERIOD_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e, _ in hits):
                continue
            groups = m.groupdict()
            slut = int(groups["bn"]) if groups.get("bn") else parse_manad(groups["b"])
            start = parse_manad(groups["a"]) if groups.get("a") else 1
            year = int(groups["y"]) if groups.get("y") else None
            if slut is None or start is None or start > slut:
                continue
            hits.append((m.start(), m.end(), PeriodTraff(m.group(0), Period(year, start, slut))))
    return [h for _, _, h in sorted(hits, key=lambda h: h[0])]


def parse_period(text: str) -> Period | None:
    """The period a text such as 'jan-aug 2023', 'januari–augusti', 't.o.m. juli' or '2023 08' names."""
    stripped = text.strip()
    found = find_periods(stripped)
    if found and found[0].text == stripped:
        return found[0].period
    m = re.fullmatch(r"(\S+)(?:\s+(20\d\d))?", stripped)
    month = parse_manad(m.group(1)) if m else None
    if month is None:
        return None
    return Period(int(m.group(2)) if m.group(2) else None, month, month)


# --- sentences about the economy (the reports' prose and the checks that read it back) ---

# What the checks read back from the text (checks/ekonomi.py).
RESULTAT_MENING = re.compile(
    r"^(?P<vem>.+?) redovisar (?:ett (?P<ord>underskott|överskott) på (?P<tal>-?[\d\u00a0 ]+,\d)[\u00a0 ]?mnkr"
    r"|ett resultat i nivå med budget)")


def _mnkr(fmt: Formatter, kr: Decimal) -> str:
    return fmt.belopp(kr, "mnkr", 1)


def resultat(fmt: Formatter, vem: str, kr: Decimal | None) -> str:
    """'Hemtjänsten redovisar ett underskott på -8,3 mnkr' (sign kept, as in the table);
    'Hemtjänsten saknar utfall för perioden' when a figure is missing (a complete sentence)."""
    if kr is None:
        return f"{vem} saknar utfall för perioden"
    shown = fmt.mnkr(kr)
    if shown in ("0,0", "-0,0"):
        return f"{vem} redovisar ett resultat i nivå med budget"
    word = "underskott" if kr < 0 else "överskott"
    return f"{vem} redovisar ett {word} på {_mnkr(fmt, kr)}"


def prognos(fmt: Formatter, kr: Decimal | None, vad: str = "budgetavvikelse") -> str:
    if kr is None:
        return "Prognos för helår saknas."
    shown = fmt.mnkr(kr)
    if shown in ("0,0", "-0,0"):
        return "Prognosen för helår är i nivå med budget."
    ton = "negativ" if kr < 0 else "positiv"
    return f"Prognosen för helår visar på en {ton} {vad} på {_mnkr(fmt, kr)}."
