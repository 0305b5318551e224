"""The check registry, the context checks get, and helpers every check uses."""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..exceptions import CheckFailed
from ..format import as_decimal
from ..model.finding import Finding, Severity  # noqa: F401  (part of the checks API)

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Profil
    from ..format import Formatter
    from ..identifiers import DnrMonster


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
        return Tolerans.from_profil(self.profil)

    @cached_property
    def dnr_monster(self) -> "DnrMonster":
        from ..identifiers import monster_for

        return monster_for(self.profil)

    @cached_property
    def arende_monster(self) -> "DnrMonster | None":
        from ..identifiers import arende_monster_for

        return arende_monster_for(self.profil)


STANDARD_TOLERANS_TKR = Decimal(1)
Tal = int | float | Decimal


@dataclass(frozen=True)
class Tolerans:
    """An absolute rounding tolerance, held in kronor."""

    kr: Decimal

    @classmethod
    def from_tkr(cls, tkr: Tal) -> "Tolerans":
        value = as_decimal(tkr) * 1000
        if value < 0:
            raise ValueError("toleransen kan inte vara negativ")
        return cls(value)

    @classmethod
    def from_profil(cls, profil: "Profil") -> "Tolerans":
        return cls.from_tkr(profil.format.avrundningstolerans_tkr)

    @property
    def tkr(self) -> Decimal:
        return self.kr / 1000

    def inom(self, forvantat_kr: Tal, funnet_kr: Tal) -> bool:
        """True when found is within ± tolerance of expected (both in kronor)."""
        return abs(as_decimal(funnet_kr) - as_decimal(forvantat_kr)) <= self.kr


STANDARD_TOLERANS = Tolerans(STANDARD_TOLERANS_TKR * 1000)


CheckFn = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class Kontroll:
    """A registered check: the model type it runs on, its code and function."""

    model_type: type | str  # the type, or its name ("rapportgen.model.rapport.Rapport": not imported for it)
    kod: str
    fn: CheckFn
    beskrivning: str = ""
    tar_kontext: bool = field(default=False)


_REGISTRY: list[Kontroll] = []

# The modules that register checks for a model type ("module.Qualname" -> module names), imported
# when the checks of that type are asked for, so a command imports only the checks it runs. Check
# modules are announced in checks/__init__.py; another layer announces its own (the document type
# registry those of its types, commands.kontrollera its table checks).
_MODULER: dict[str, list[str]] = {}


def importera(modul: str):
    """The module, imported by the interpreter's own import (as an import statement is, so
    `python -X importtime` reports it; importlib.import_module is not reported)."""
    __import__(modul)
    return sys.modules[modul]


def anmal(modelltyp: str, modul: str) -> None:
    """Announce that importing modul registers checks for the model type named modelltyp."""
    moduler = _MODULER.setdefault(modelltyp, [])
    if modul not in moduler:
        moduler.append(modul)


def typnamn(model_type: type | str) -> str:
    if isinstance(model_type, str):
        return model_type
    return f"{model_type.__module__}.{model_type.__qualname__}"


def ar_typ(obj: object, namn: str) -> bool:
    """isinstance(obj, the class named module.Qualname), without importing a model module that no
    loaded document came from (then obj cannot be one)."""
    modul, _, klass = namn.rpartition(".")
    m = sys.modules.get(modul)
    return m is not None and isinstance(obj, getattr(m, klass))


def _galler(kontroll: Kontroll, model_type: type) -> bool:
    if isinstance(kontroll.model_type, str):
        return kontroll.model_type in {typnamn(c) for c in getattr(model_type, "__mro__", (model_type,))}
    return issubclass(model_type, kontroll.model_type)


def _importera(model_type: type | None) -> None:
    """Import the modules announced for model_type and its base types (all when None)."""
    if model_type is None:
        names = list(_MODULER)
    else:
        names = [typnamn(c) for c in getattr(model_type, "__mro__", (model_type,))]
    for name in names:
        for modul in list(_MODULER.get(name, ())):
            if modul not in sys.modules:
                importera(modul)


def check(model_type: type | str, kod: str | None = None) -> Callable[[CheckFn], CheckFn]:
    """Register fn as a check for objects of model_type: fn(obj) or fn(obj, ktx).

    model_type may be given by name (module.Qualname), so a check module serving several
    models does not import them all.
    """

    def register(fn: CheckFn) -> CheckFn:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        doc = (inspect.getdoc(fn) or "").split("\n")[0]
        _REGISTRY.append(Kontroll(model_type, kod or fn.__name__, fn, doc, len(params) >= 2))
        return fn

    return register


def registered(model_type: type | None = None) -> list[Kontroll]:
    """Registered checks, all or those that apply to model_type (their modules imported first)."""
    _importera(model_type)
    return [k for k in _REGISTRY if model_type is None or _galler(k, model_type)]


def run_checks(obj: object, profil: "Profil | None" = None) -> list[Finding]:
    """Every finding of every check registered for obj's type, errors first."""
    from ..config import Profil

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
