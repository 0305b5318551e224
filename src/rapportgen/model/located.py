"""Parsed input data plus where each field came from (line numbers or spreadsheet cells)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Located:
    """Parsed YAML data plus the line of every key path (1-based)."""

    data: Any
    fil: Path
    lines: dict[tuple, int] = field(default_factory=dict)
    line_offset: int = 0
    # For data that is not YAML (a spreadsheet row): top-level field -> location text.
    platser: dict[str, str] = field(default_factory=dict)
    standardplats: str | None = None

    def where(self, loc: tuple) -> str | None:
        if loc and loc[0] in self.platser:
            return self.platser[loc[0]]
        line = self.line_of(loc)
        return f"rad {line}" if line else self.standardplats

    def line_of(self, loc: tuple) -> int | None:
        # Walk up until a located ancestor is found.
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc] + self.line_offset
            loc = loc[:-1]
        return None
