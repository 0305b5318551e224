"""Check stage: small functions over a model that yield findings.

A check is registered for a model type and yields Finding objects:

    from rapportgen.checks import Finding, Kontrollkontext, Severity, check

    @check(Delarsrapport, "netto")                  # runs for every Delarsrapport
    def netto(doc, ktx: Kontrollkontext):           # ktx is optional: def netto(doc) also works
        ...
        yield Finding(Severity.FEL, "netto", str(doc.fil), "NETTO är inte INTÄKTER + KOSTNADER",
                      plats="blad Drift, cell D14", forvantat="-335 978", funnet="-335 970")

run_checks(obj, profil) runs every check registered for obj's type (and its
base types). Checks get the organisation profile through Kontrollkontext:
its formatter, rounding tolerance (checks.numeric) and dnr pattern. Shared
building blocks: checks.numeric (sums and differences within tolerance),
checks.text (placeholders, empty required sections), checks.period (period
consistency), checks.dnr (dnr and decision references). group_by_document and
checks.report print findings grouped per document.
"""

from __future__ import annotations

import enum
import inspect
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..exceptions import CheckFailed

if TYPE_CHECKING:  # pragma: no cover
    from ..format import Formatter
    from ..identifiers import DnrMonster
    from ..profil import Profil
    from .numeric import Tolerans


class Severity(str, enum.Enum):
    FEL = "fel"  # stops the render unless --tvinga
    VARNING = "varning"  # shown, does not stop
    INFO = "info"

    @property
    def rang(self) -> int:
        return {"fel": 0, "varning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """One finding: severity, where (dokument + plats), what, and expected vs found."""

    severity: Severity
    kod: str  # stable id of the check, e.g. "platshallare"
    dokument: str  # file or document the finding is about
    meddelande: str  # what is wrong, in Swedish
    plats: str | None = None  # field, cell or line
    forvantat: str | None = None
    funnet: str | None = None

    @property
    def var(self) -> str:
        """Where, as one text: 'budget.xlsx, blad Drift, cell D14'."""
        return ", ".join(p for p in (self.dokument, self.plats) if p)

    @property
    def jamforelse(self) -> str:
        """'förväntat X, fann Y', or '' when the check has no expected value."""
        if self.forvantat is None and self.funnet is None:
            return ""
        parts = []
        if self.forvantat is not None:
            parts.append(f"förväntat {self.forvantat}")
        if self.funnet is not None:
            parts.append(f"fann {self.funnet}")
        return ", ".join(parts)

    def format(self) -> str:
        extra = f" ({self.jamforelse})" if self.jamforelse else ""
        return f"{self.severity.value.upper()}: {self.var}: {self.meddelande}{extra}"


@dataclass
class Kontrollkontext:
    """What checks may need besides the document: the profile and what follows from it."""

    profil: "Profil"

    @cached_property
    def formatter(self) -> "Formatter":
        from ..format import Formatter

        return Formatter.from_profil(self.profil)

    @cached_property
    def tolerans(self) -> "Tolerans":
        from .numeric import Tolerans

        return Tolerans.from_profil(self.profil)

    @cached_property
    def dnr_monster(self) -> "DnrMonster":
        from ..identifiers import monster_for

        return monster_for(self.profil)


CheckFn = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class Kontroll:
    model_type: type
    kod: str
    fn: CheckFn
    beskrivning: str = ""
    tar_kontext: bool = field(default=False)


_REGISTRY: list[Kontroll] = []


def check(model_type: type, kod: str | None = None) -> Callable[[CheckFn], CheckFn]:
    """Register fn as a check for objects of model_type: fn(obj) or fn(obj, ktx)."""

    def register(fn: CheckFn) -> CheckFn:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        doc = (inspect.getdoc(fn) or "").split("\n")[0]
        _REGISTRY.append(Kontroll(model_type, kod or fn.__name__, fn, doc, len(params) >= 2))
        return fn

    return register


def registered(model_type: type | None = None) -> list[Kontroll]:
    """Registered checks, all or those that apply to model_type."""
    _load_builtin_checks()
    return [k for k in _REGISTRY if model_type is None or issubclass(model_type, k.model_type)]


def run_checks(obj: object, profil: "Profil | None" = None) -> list[Finding]:
    """Every finding of every check registered for obj's type, errors first."""
    from ..profil import Profil

    ktx = Kontrollkontext(profil or Profil())
    findings: list[Finding] = []
    for kontroll in registered(type(obj)):
        result = kontroll.fn(obj, ktx) if kontroll.tar_kontext else kontroll.fn(obj)
        findings.extend(result)
    return sort_findings(findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors before warnings before info; otherwise in the order found."""
    return sorted(findings, key=lambda f: f.severity.rang)


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.FEL]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.VARNING]


def group_by_document(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings per document, documents in first-seen order, errors first within each."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.dokument, []).append(f)
    return {doc: sort_findings(fs) for doc, fs in groups.items()}


def raise_on_errors(findings: list[Finding], tvinga: bool = False) -> None:
    """Stop the render when a check found an error, unless forced."""
    found = errors(findings)
    if found and not tvinga:
        lines = "\n".join("  " + f.format() for f in found)
        raise CheckFailed(
            f"kontrollen hittade {len(found)} fel; rätta dem eller kör med --tvinga:\n{lines}"
        )


def _load_builtin_checks() -> None:
    # Importing a module registers its checks; document modules register their own.
    from .. import doctypes
    from . import dnr, period, revision, tabell, text  # noqa: F401
    from . import dokument, protokoll, sammantrade  # noqa: F401

    doctypes.all_types()


def falt_plats(located: object | None, key: tuple) -> str:
    """Where a field of a document's data is: "rad 4 (fält 'dnr')" in YAML front matter, the
    cell for a spreadsheet row, or just "fält 'dnr'" when the field came from the profile."""
    label = "".join(f"[{k + 1}]" if isinstance(k, int) else (f".{k}" if i else str(k))
                    for i, k in enumerate(key))
    if located is not None and key:
        platser = getattr(located, "platser", None) or {}
        if key[0] in platser:
            return f"{platser[key[0]]} (fält '{label}')"
        lines = getattr(located, "lines", {})
        if (key[0],) in lines:
            line = located.line_of(key)  # type: ignore[attr-defined]
            if line:
                return f"rad {line} (fält '{label}')"
    return f"fält '{label}'"


def iter_texts(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) for every string in nested dicts/lists/models."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from iter_texts(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from iter_texts(v, f"{path}[{i + 1}]")
