"""Personnummer and samordningsnummer in text: find them, validate them, mask them.

Every written form is found: with or without century (19/20), and with '-',
'+', a space, an en dash (or another dash), a dash between spaces, or nothing
between the date and the last four digits: 191212121212, 121212 1212,
19121212 - 1212, 121212–1212. The date part must be plausible (month 01-12,
day 01-31, or 61-91 for a samordningsnummer), so dates (2023-09-19), dnr and
phone numbers are left alone. Masking is broad: anything of that shape is
masked, valid or not; python-stdnum's check (Luhn and date) only tells a real
number from a random one in reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from stdnum import luhn
from stdnum.se import personnummer as _stdnum_pnr

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
PERSONNUMMER = re.compile(
    r"(?<![\w\-/])(?P<sekel>19|20|18)?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    rf"(?P<sep>[ \t\u00a0]*[+{DASHES}][ \t\u00a0]*|[ \t\u00a0\n]?)"
    r"(?P<nr>\d{4})(?![\w])")


def _plausible(m: re.Match) -> bool:
    mm, dd = int(m["mm"]), int(m["dd"])
    return 1 <= mm <= 12 and (1 <= dd <= 31 or 61 <= dd <= 91)


def find(text: str) -> list[str]:
    """Every personnummer-shaped number in text, as written."""
    return [m.group(0) for m in PERSONNUMMER.finditer(text) if _plausible(m)]


def spans(text: str) -> list[tuple[str, int, int]]:
    """(number as written, start, end) of every personnummer-shaped number in text."""
    return [(m.group(0), m.start(), m.end()) for m in PERSONNUMMER.finditer(text) if _plausible(m)]


def kind(number: str) -> str:
    """'personnummer', 'samordningsnummer' or 'ogiltigt' (the shape, but not the check digit or date)."""
    m = PERSONNUMMER.fullmatch(number.strip())
    if m is None:
        return "ogiltigt"
    ten = m["yy"] + m["mm"] + m["dd"] + m["nr"]
    dd = int(m["dd"])
    if dd > 60:
        if not luhn.is_valid(ten):
            return "ogiltigt"
        try:
            year = int((m["sekel"] or "19") + m["yy"])
            dt.date(year, int(m["mm"]), dd - 60)
        except ValueError:
            return "ogiltigt"
        return "samordningsnummer"
    compact = (m["sekel"] or "") + m["yy"] + m["mm"] + m["dd"] + ("+" if "+" in m["sep"] else "-") + m["nr"]
    return "personnummer" if _stdnum_pnr.is_valid(compact) else "ogiltigt"


def masked(number: str) -> str:
    """The masked form shown in the document and in reports: every digit a '*'."""
    return re.sub(r"\d", "*", number)


def hint(number: str) -> str:
    """A short, non-identifying hint for reports: the first two digits."""
    return number[:2] + masked(number[2:])


def describe(number: str) -> str:
    """For reports: the hint and whether the number is real ('19**********, giltigt personnummer')."""
    k = kind(number)
    what = {"personnummer": "giltigt personnummer", "samordningsnummer": "giltigt samordningsnummer",
            "ogiltigt": "ser ut som personnummer, kontrollsiffran eller datumet stämmer inte"}[k]
    return f"{hint(number)} ({what})"


MASKED = re.compile(rf"(?<![\w*])\*{{6,8}}(?:[ \t\u00a0]*[+{DASHES}][ \t\u00a0]*|[ \t\u00a0\n]?)\*{{4}}(?![\w*])")


def find_masked(text: str) -> int:
    """How many masked numbers ('******-****' and the other forms) text holds."""
    return len(MASKED.findall(text))


def mask_text(text: str) -> tuple[str, list[str]]:
    found: list[str] = []

    def repl(m: re.Match) -> str:
        if not _plausible(m):
            return m.group(0)
        found.append(m.group(0))
        return masked(m.group(0))

    return PERSONNUMMER.sub(repl, text), found


@dataclass(frozen=True)
class Maskering:
    fil: str
    plats: str | None
    antal: int
    nummer: tuple[str, ...] = ()  # describe() of each: a hint and whether it is a real number

    def format(self) -> str:
        where = ", ".join(p for p in (self.fil, self.plats) if p)
        detalj = f" ({'; '.join(self.nummer)})" if self.nummer else ""
        return f"{where}: {self.antal} personnummer maskerade{detalj}"


def lines_with_personnummer(path: Path) -> list[tuple[int, int, tuple[str, ...]]]:
    """(line, count, descriptions) for a text source; empty for binary files."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        found = find(line)
        if found:
            out.append((i, len(found), tuple(describe(x) for x in found)))
    return out


def mask_object(obj: Any) -> tuple[Any, int]:
    """A copy of a loaded document (models, dataclasses, lists, dicts) with personnummer masked.

    Returns (copy, number of personnummer masked). The original is not changed.
    """
    count = 0
    memo: dict[int, Any] = {}

    def walk(value: Any) -> Any:
        nonlocal count
        if isinstance(value, str):
            new, found = mask_text(value)
            count += len(found)
            return new if found else value
        if isinstance(value, (int, float, bool, type(None), Path)):
            return value
        key = id(value)
        if key in memo:
            return memo[key]
        if isinstance(value, BaseModel):
            updates = {}
            for name in type(value).model_fields:
                old = getattr(value, name)
                new = walk(old)
                if new is not old:
                    updates[name] = new
            result = value.model_copy(update=updates) if updates else value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            updates = {}
            for f in dataclasses.fields(value):
                if not f.init:
                    continue
                old = getattr(value, f.name)
                new = walk(old)
                if new is not old:
                    updates[f.name] = new
            result = dataclasses.replace(value, **updates) if updates else value
        elif isinstance(value, list):
            items = [walk(v) for v in value]
            result = items if any(a is not b for a, b in zip(items, value)) else value
        elif isinstance(value, tuple):
            items = tuple(walk(v) for v in value)
            result = items if any(a is not b for a, b in zip(items, value)) else value
        elif isinstance(value, dict):
            items = {k: walk(v) for k, v in value.items()}
            result = items if any(items[k] is not value[k] for k in value) else value
        else:
            result = value
        memo[key] = result
        return result

    return walk(obj), count
