"""Diarienummer, decision references and delegation numbers.

The dnr format differs per organisation and comes from the profile's
`dnr_mönster`, built from the fields {organ}, {år}, {löpnummer} and {klass}
with literal text between them; a part in [brackets] is optional:

    Timrå:    {organ}/{år}:{löpnummer}               SN/2023:197
    Härryda:  {år}{organ}{löpnummer}[ {klass}]       2023SOCN60, 2023SOCN60 042

A field may carry a width, {löpnummer:3}: exactly that many digits.

Decision references (`SN 2023-03-15 § 42`, `SN/2022-02-15 § 10`) and
delegation numbers (`SN DEL/2023 § 24`) have one fixed form everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from .exceptions import InputError

if TYPE_CHECKING:  # pragma: no cover
    from .config import Profil

# A body code: KF, KS, SN, Klk, Rev., SOCN.
ORGAN = r"[A-ZÅÄÖ][A-Za-zÅÄÖåäö]*\.?"
_ORGAN_IN_DNR = r"[A-ZÅÄÖ][A-Za-zÅÄÖåäö]*"  # no trailing dot inside a dnr

FALT = {
    "organ": _ORGAN_IN_DNR,
    "år": r"\d{4}",
    "löpnummer": r"\d+",
    "klass": r"\d+",
}
_ASCII = {"ar": "år", "lopnummer": "löpnummer"}
_TOKEN = re.compile(r"\{([^{}:]+)(?::(\d+))?\}|\[|\]")


@dataclass(frozen=True)
class Dnr:
    """A parsed diarienummer. Numbers are kept as written (leading zeros matter)."""

    organ: str | None
    ar: int | None
    lopnummer: str | None
    klass: str | None = None
    text: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.text


class DnrMonster:
    """A compiled dnr pattern: parse, format and find diarienummer."""

    def __init__(self, monster: str):
        self.monster = monster
        self._parts: list[tuple] = []  # ("lit", text) | ("falt", name, width) | ("opt", [...])
        regex, self._parts = self._compile(monster)
        self.regex = re.compile(regex)
        self._full = re.compile(rf"^{regex}$")
        self._search = re.compile(rf"(?<![\w/]){regex}(?![\w])")

    @staticmethod
    def _compile(monster: str) -> tuple[str, list[tuple]]:
        stack: list[list[tuple]] = [[]]
        regex_stack: list[list[str]] = [[]]
        seen: set[str] = set()
        pos = 0
        for m in _TOKEN.finditer(monster):
            literal = monster[pos:m.start()]
            if literal:
                stack[-1].append(("lit", literal))
                regex_stack[-1].append(re.escape(literal))
            pos = m.end()
            if m.group(0) == "[":
                stack.append([])
                regex_stack.append([])
            elif m.group(0) == "]":
                if len(stack) == 1:
                    raise ValueError("']' utan '['")
                inner, inner_rx = stack.pop(), regex_stack.pop()
                stack[-1].append(("opt", inner))
                regex_stack[-1].append(f"(?:{''.join(inner_rx)})?")
            else:
                name = _ASCII.get(m.group(1), m.group(1))
                if name not in FALT:
                    raise ValueError(f"okänt fält '{{{m.group(1)}}}'; kända fält: "
                                     + ", ".join("{" + f + "}" for f in FALT))
                if name in seen:
                    raise ValueError(f"fältet '{{{name}}}' förekommer två gånger")
                seen.add(name)
                width = int(m.group(2)) if m.group(2) else None
                rx = FALT[name] if width is None or name in ("organ",) else rf"\d{{{width}}}"
                group = {"år": "ar", "löpnummer": "lopnummer"}.get(name, name)
                stack[-1].append(("falt", name, width))
                regex_stack[-1].append(f"(?P<{group}>{rx})")
        tail = monster[pos:]
        if tail:
            stack[-1].append(("lit", tail))
            regex_stack[-1].append(re.escape(tail))
        if len(stack) != 1:
            raise ValueError("'[' utan ']'")
        if "löpnummer" not in seen:
            raise ValueError("mönstret saknar {löpnummer}")
        return "".join(regex_stack[0]), stack[0]

    @property
    def exempel(self) -> str:
        """A sample dnr in this pattern, for messages: SN/2023:197."""
        return self.format(Dnr("SN", 2023, "197", "042"))

    def match(self, text: str) -> Dnr | None:
        m = self._full.match(text.strip())
        return self._dnr(m) if m else None

    def parse(self, text: str) -> Dnr:
        """Parse a dnr; ValueError with a Swedish message when it does not fit the pattern."""
        found = self.match(text)
        if found is None:
            raise ValueError(f"'{text}' följer inte mönstret {self.monster} (t.ex. {self.exempel})")
        return found

    def is_valid(self, text: str) -> bool:
        return self.match(text) is not None

    def find_all(self, text: str) -> list[Dnr]:
        """Every dnr of this pattern in a running text."""
        return [self._dnr(m) for m in self._search.finditer(text)]

    @staticmethod
    def _dnr(m: re.Match[str]) -> Dnr:
        g = m.groupdict()
        return Dnr(g.get("organ"), int(g["ar"]) if g.get("ar") else None, g.get("lopnummer"),
                   g.get("klass"), text=m.group(0))

    def format(self, dnr: Dnr) -> str:
        """Write a dnr in this pattern (optional parts are left out when their fields are empty)."""
        values = {"organ": dnr.organ, "år": None if dnr.ar is None else f"{dnr.ar:04d}",
                  "löpnummer": dnr.lopnummer, "klass": dnr.klass}

        def render(parts: list[tuple], optional: bool) -> str | None:
            out = []
            for part in parts:
                if part[0] == "lit":
                    out.append(part[1])
                elif part[0] == "opt":
                    out.append(render(part[1], True) or "")
                else:
                    value = values[part[1]]
                    if value in (None, ""):
                        if optional:
                            return None
                        raise ValueError(f"diarienumret saknar {{{part[1]}}}")
                    if part[2] and part[1] != "organ":
                        value = str(value).zfill(part[2])
                    out.append(str(value))
            return "".join(out)

        return render(self._parts, False) or ""


@lru_cache(maxsize=32)
def dnr_monster(monster: str) -> DnrMonster:
    return DnrMonster(monster)


def monster_for(profil: "Profil") -> DnrMonster:
    """The profile's dnr pattern; a bad pattern is an error located in the profile."""
    try:
        return dnr_monster(profil.dnr_monster)
    except ValueError as exc:
        raise InputError(f"ogiltigt dnr_mönster '{profil.dnr_monster}': {exc}",
                         fil=profil.source or "rapportgen.yaml", plats="fältet 'dnr_mönster'") from None


# Decision references ---------------------------------------------------------

_BESLUT = re.compile(
    rf"^(?P<organ>{ORGAN})(?P<sep>[ /])(?P<datum>\d{{4}}-\d{{2}}-\d{{2}})\s*§\s*(?P<paragraf>\d+)"
    r"(?:\s*,\s*(?P<titel>.*?))?\s*$"
)
_BESLUT_SEARCH = re.compile(rf"(?<!\w)(?P<organ>{ORGAN})(?P<sep>[ /])(?P<datum>\d{{4}}-\d{{2}}-\d{{2}})"
                            r"\s*§\s*(?P<paragraf>\d+)")


@dataclass(frozen=True)
class Beslutsreferens:
    """`SN 2023-03-15 § 42`, optionally followed by `, <title>`."""

    organ: str
    datum: dt.date
    paragraf: int
    titel: str | None = None
    separator: str = " "  # Timrå also writes SN/2022-02-15 § 10

    def __str__(self) -> str:
        ref = f"{self.organ}{self.separator}{self.datum.isoformat()} § {self.paragraf}"
        return f"{ref}, {self.titel}" if self.titel else ref

    @classmethod
    def parse(cls, text: str) -> "Beslutsreferens":
        m = _BESLUT.match(text.strip())
        if not m:
            raise ValueError(f"'{text}' är ingen beslutsreferens; skriv t.ex. 'SN 2023-03-15 § 42'")
        try:
            datum = dt.date.fromisoformat(m.group("datum"))
        except ValueError:
            raise ValueError(f"'{m.group('datum')}' i '{text}' är inget giltigt datum") from None
        return cls(m.group("organ"), datum, int(m.group("paragraf")), m.group("titel") or None,
                   m.group("sep"))

    @classmethod
    def find_all(cls, text: str) -> list["Beslutsreferens"]:
        out = []
        for m in _BESLUT_SEARCH.finditer(text):
            try:
                out.append(cls(m.group("organ"), dt.date.fromisoformat(m.group("datum")),
                               int(m.group("paragraf")), None, m.group("sep")))
            except ValueError:
                continue
        return out


_DELEGATION = re.compile(rf"^(?P<organ>{ORGAN})\s+DEL\s*/\s*(?P<ar>\d{{4}})\s*§\s*(?P<nummer>\d+)$")


@dataclass(frozen=True)
class Delegationsnummer:
    """`SN DEL/2023 § 24`: a delegation decision's number."""

    organ: str
    ar: int
    nummer: int

    def __str__(self) -> str:
        return f"{self.organ} DEL/{self.ar} § {self.nummer}"

    @classmethod
    def parse(cls, text: str) -> "Delegationsnummer":
        m = _DELEGATION.match(text.strip())
        if not m:
            raise ValueError(f"'{text}' är inget delegationsbeslutsnummer; skriv t.ex. 'SN DEL/2023 § 24'")
        return cls(m.group("organ"), int(m.group("ar")), int(m.group("nummer")))
