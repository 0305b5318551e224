"""The result of checking inputs: findings per document, and the exit code they mean."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..exceptions import InputError
from .finding import Finding, Severity


@dataclass
class Dokumentresultat:
    """The findings for one checked file, or the input error that stopped its check."""

    fil: Path
    typ: str | None  # Swedish label of the document type, or "Tabell"
    findings: list[Finding] = field(default_factory=list)
    indatafel: InputError | None = None  # the input could not be loaded

    @property
    def antal_fel(self) -> int:
        return sum(f.severity is Severity.FEL for f in self.findings)


@dataclass
class Kontrollrapport:
    """What `kontrollera` found: one result per checked document."""

    dokument: list[Dokumentresultat] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for d in self.dokument for f in d.findings]

    @property
    def antal_fel(self) -> int:
        return sum(f.severity is Severity.FEL for f in self.findings)

    @property
    def antal_varningar(self) -> int:
        return sum(f.severity is Severity.VARNING for f in self.findings)

    @property
    def antal_indatafel(self) -> int:
        return sum(d.indatafel is not None for d in self.dokument)

    @property
    def exit_code(self) -> int:
        if self.antal_indatafel:
            return 2
        return 1 if self.antal_fel else 0
