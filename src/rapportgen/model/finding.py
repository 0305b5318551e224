"""What a check found: severity, where, what, and expected vs found."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
