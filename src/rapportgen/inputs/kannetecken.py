"""Recognizers of document types that need none of their type's code: what a file is, from its text.

The registry (doctypes.KANNARE) asks these before it imports a type module, so a file that is
not of a type does not import that type's models and renderer: an Excel bilaga is not an
uppdragslista, a tjänsteskrivelse is not a revisionssvar. Each type module declares the same
function as its DocType.kanner_igen (a test holds them identical).
"""

from __future__ import annotations

import re
from pathlib import Path

_REVISIONSSVAR = re.compile(r"^rapport:\s*$", re.M)
_BINDESTRECK = re.compile(r"[\s\-\u00ad]")


def revisionssvar(path: Path) -> bool:
    """A revisionssvar input has a top-level `rapport:` block."""
    try:
        return _REVISIONSSVAR.search(Path(path).read_text(encoding="utf-8-sig")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def uppdragslista(path: Path) -> bool:
    """An uppdragslista sheet has an 'Uppdragsgivare' column header near the top."""
    from .excel import sheet_values

    try:
        # The reading the table checks use too (once per file); a zip bomb or a sheet over the
        # limits is not ours to report here: the table reader reports it.
        rows = sheet_values(path)
    except Exception:  # not a readable workbook: not ours
        return False
    for row in rows[:10]:
        # The seed writes the header hyphenated ("Uppdrags-givare"); ignore hyphens and spaces.
        if any(_BINDESTRECK.sub("", str(v)).casefold() == "uppdragsgivare" for v in row if v is not None):
            return True
    return False


def dokument(path: Path) -> bool:
    """A free-form document says `typ: dokument` in its front matter."""
    from .typ import front_matter_typ

    return front_matter_typ(path) == "dokument"
