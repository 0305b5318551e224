"""The one result of every build: what was written, what the checks found, page counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .finding import Finding


@dataclass
class Resultat:
    """What a build wrote and found.

    Every build (a tjänsteskrivelse, a batch sheet, a report, a meeting package) returns
    one: docx and pdf in the order written, other files (kallelse, manifest.json), the
    checks' findings (warnings; errors too when forced), the page count of each PDF, and
    for a batch sheet the rows that failed.
    """

    docx: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    andra: list[Path] = field(default_factory=list)  # other files written: handling.pdf, manifest.json ...
    findings: list[Finding] = field(default_factory=list)
    sidor: dict[Path, int] = field(default_factory=dict)  # pages per written PDF
    fel: list[tuple[int, str]] = field(default_factory=list)  # batch: (row, message) of rows not made
    antal: int = 0  # documents asked for (inputs, or rows of a batch sheet)
    handlingar: list[Any] = field(default_factory=list)  # package builds: assemble's HandlingResultat

    @property
    def filer(self) -> list[Path]:
        """Every file written."""
        return [*self.docx, *self.pdf, *self.andra]

    def utoka(self, other: "Resultat") -> "Resultat":
        """Add another build's result to this one (several inputs or manifests in one call)."""
        self.docx += other.docx
        self.pdf += other.pdf
        self.andra += other.andra
        self.findings += other.findings
        self.sidor.update(other.sidor)
        self.fel += other.fel
        self.antal += other.antal
        self.handlingar += other.handlingar
        return self
