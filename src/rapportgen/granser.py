"""Limits on hostile input (the profile's `granser:` block).

Bilagor, sheets and texts from others can be built to exhaust memory or
time: a YAML alias bomb, a zip bomb, a huge Markdown file, a template loop.
Each limit here is a profile setting with a default that fits real committee
documents with a wide margin. Exceeding one is a located InputError (exit 2)
raised before the expensive work starts. `kontrollera` applies the same
limits, so whatever it passes, the build can take.

The limits in force are process-wide: load_profile() installs the profile's,
everything else reads them with aktiva().
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import zipfile
from pathlib import Path

from pydantic import Field

from .exceptions import InputError
from .model.common import Strict

MB = 1024 * 1024


class Granser(Strict):
    """Gränser för indata från andra (bilagor, ark, texter); skyddar mot minnes- och tidsbomber."""

    yaml_alias: int = Field(200, ge=0, description="Högst så många alias (*namn) i en YAML-fil (0: inga alias)")
    yaml_noder: int = Field(100_000, ge=1, description="Högst så många värden i en YAML-fil, med alias utvecklade")
    zip_mb: float = Field(300.0, gt=0, description="Högsta okomprimerade storlek (MB) för .docx/.xlsx")
    zip_kvot: float = Field(100.0, gt=1, description="Högsta komprimeringskvot för en del i .docx/.xlsx")
    zip_delar: int = Field(10_000, ge=1, description="Högst så många delar i en .docx/.xlsx")
    markdown_mb: float = Field(5.0, gt=0, description="Högsta storlek (MB) för en Markdown- eller YAML-fil")
    ark_rader: int = Field(100_000, ge=1, description="Högst så många rader i ett kalkylblad")
    ark_celler: int = Field(2_000_000, ge=1, description="Högst så många celler i ett kalkylblad")
    batch_rader: int = Field(50_000, ge=1, description="Högst så många rader i en --batch")
    mall_sekunder: float = Field(5.0, gt=0, description="Högsta processortid (sekunder) för att fylla i en mall")
    mall_mb: float = Field(150.0, gt=0, description="Högsta minnesökning (MB) när en mall fylls i")


_AKTIVA = Granser()


def aktiva() -> Granser:
    """The limits in force (the profile's, else the defaults)."""
    return _AKTIVA


def anvand(granser: Granser | None) -> None:
    """Install limits for the rest of the process (load_profile does this)."""
    global _AKTIVA
    _AKTIVA = granser or Granser()


def check_file_size(path: str | Path, max_mb: float | None = None, what: str = "filen") -> None:
    """Refuse a text file larger than the limit, before reading it."""
    limit = (max_mb if max_mb is not None else aktiva().markdown_mb) * MB
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # the reader reports a missing file in its own words
    if size > limit:
        raise InputError(f"{what} är {size / MB:.1f} MB; gränsen är {limit / MB:g} MB "
                         "(granser.markdown_mb i profilen)", fil=path)


def check_zip(path: str | Path, granser: Granser | None = None) -> None:
    """Check a .docx/.xlsx container before anything parses it: size, ratio, number of parts.

    Not a zip at all is left to the reader (it reports a broken file in its own words).
    """
    g = granser or aktiva()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    if len(infos) > g.zip_delar:
        raise InputError(f"filen har {len(infos)} delar; gränsen är {g.zip_delar} (granser.zip_delar i "
                         "profilen)", fil=path)
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        # Small parts compress well legitimately; a bomb is large and extreme.
        if info.file_size > MB and ratio > g.zip_kvot:
            raise InputError(
                f"delen '{info.filename}' packas upp {ratio:.0f} gånger (till {info.file_size / MB:.0f} MB); "
                f"gränsen är {g.zip_kvot:g} gånger (granser.zip_kvot i profilen). Filen ser ut som en zip-bomb",
                fil=path)
    if total > g.zip_mb * MB:
        raise InputError(f"filen packas upp till {total / MB:.0f} MB; gränsen är {g.zip_mb:g} MB "
                         "(granser.zip_mb i profilen)", fil=path)
