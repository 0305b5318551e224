"""Check stage: small functions over a model that yield findings.

A check is registered for a model type with @check(Type). run_checks(obj)
runs every check registered for obj's type and returns the findings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from ..errors import CheckFailed


class Severity(str, enum.Enum):
    FEL = "fel"
    VARNING = "varning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    kod: str  # stable id of the check, e.g. "platshallare"
    dokument: str  # file or document the finding is about
    meddelande: str  # what is wrong, in Swedish
    plats: str | None = None  # field, cell or line
    forvantat: str | None = None
    funnet: str | None = None

    def format(self) -> str:
        where = ", ".join(p for p in (self.dokument, self.plats) if p)
        extra = ""
        if self.forvantat is not None or self.funnet is not None:
            extra = f" (förväntat {self.forvantat}, fann {self.funnet})"
        return f"{self.severity.value.upper()}: {where}: {self.meddelande}{extra}"


CheckFn = Callable[[object], Iterable[Finding]]
_REGISTRY: list[tuple[type, str, CheckFn]] = []


def check(model_type: type, kod: str | None = None) -> Callable[[CheckFn], CheckFn]:
    """Register fn as a check for objects of model_type."""

    def register(fn: CheckFn) -> CheckFn:
        _REGISTRY.append((model_type, kod or fn.__name__, fn))
        return fn

    return register


def registered(model_type: type | None = None) -> list[tuple[type, str, CheckFn]]:
    _load_builtin_checks()
    return [r for r in _REGISTRY if model_type is None or issubclass(model_type, r[0])]


def run_checks(obj: object) -> list[Finding]:
    findings: list[Finding] = []
    for model_type, _kod, fn in registered():
        if isinstance(obj, model_type):
            findings.extend(fn(obj))
    return findings


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.FEL]


def raise_on_errors(findings: list[Finding], tvinga: bool = False) -> None:
    """Stop the render when a check found an error, unless forced."""
    found = errors(findings)
    if found and not tvinga:
        lines = "\n".join("  " + f.format() for f in found)
        raise CheckFailed(
            f"kontrollen hittade {len(found)} fel; rätta dem eller kör med --tvinga:\n{lines}"
        )


def _load_builtin_checks() -> None:
    from . import text  # noqa: F401  (registers on import)
    from . import revision  # noqa: F401


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
