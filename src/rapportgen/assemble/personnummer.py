"""Personnummer in text: find them, and mask them in generated documents.

Matches YYMMDD-NNNN, YYMMDD+NNNN and YYYYMMDD-NNNN whose date part is a
plausible birth date (month 01-12, day 01-31, or 61-91 for samordningsnummer),
so dates (2023-09-19), dnr and phone numbers are left alone.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

PERSONNUMMER = re.compile(
    r"(?<![\d\w-])(?P<sekel>19|20)?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})[-+](?P<nr>\d{4})(?![\d\w])")


def _plausible(m: re.Match) -> bool:
    mm, dd = int(m["mm"]), int(m["dd"])
    return 1 <= mm <= 12 and (1 <= dd <= 31 or 61 <= dd <= 91)


def find(text: str) -> list[str]:
    """Every personnummer in text, as written."""
    return [m.group(0) for m in PERSONNUMMER.finditer(text) if _plausible(m)]


def masked(number: str) -> str:
    """The masked form shown in the document and in reports: every digit a '*'."""
    return re.sub(r"\d", "*", number)


def hint(number: str) -> str:
    """A short, non-identifying hint for reports: the first two digits."""
    return number[:2] + masked(number[2:])


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

    def format(self) -> str:
        where = ", ".join(p for p in (self.fil, self.plats) if p)
        return f"{where}: {self.antal} personnummer maskerade"


def lines_with_personnummer(path: Path) -> list[tuple[int, int]]:
    """(line, count) for a text source; empty for binary files."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        n = len(find(line))
        if n:
            out.append((i, n))
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
