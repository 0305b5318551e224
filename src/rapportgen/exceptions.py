"""User-facing errors.

Every error a user can cause is a RapportgenError: Click prints it as one
Swedish line naming the file and the field, cell or line, and exits with 2,
without a traceback (the pattern of mkdocs' exceptions.py).
"""

from __future__ import annotations

import errno
from pathlib import Path

import click


class RapportgenError(click.ClickException):
    """Base class for errors caused by input, templates or the environment."""

    exit_code = 2

    def __init__(self, message: str, *, fil: str | Path | None = None, plats: str | None = None):
        self.fil = str(fil) if fil is not None else None
        self.plats = plats
        self.detalj = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = ", ".join(p for p in (self.fil, self.plats) if p)
        return f"{where}: {self.detalj}" if where else self.detalj

    def show(self, file=None) -> None:  # noqa: D102 - Swedish prefix instead of "Error:"
        click.echo(f"Fel: {self.format_message()}", err=True, file=file)


class InputError(RapportgenError):
    """Bad or unreadable input data."""


class TemplateError(RapportgenError):
    """A Word template that cannot be rendered with the given data."""


class ConversionError(RapportgenError):
    """LibreOffice could not convert a document."""


class CheckFailed(RapportgenError):
    """Preflight checks found errors; the render is stopped."""


class Abort(RapportgenError):
    """Stop after the details were reported: shows only its own summary line (if it has one)."""

    def show(self, file=None) -> None:
        if self.detalj:
            click.echo(f"Fel: {self.detalj}", err=True, file=file)


# Swedish wording for the file-system errors a user can cause or fix (strerror is English).
_OS_TEXTER = {
    errno.EACCES: "saknar behörighet",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.ENOENT: "filen eller mappen finns inte",
    errno.ENOTDIR: "en del av sökvägen är inte en mapp",
    errno.EISDIR: "är en mapp, inte en fil",
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.ENAMETOOLONG: "sökvägen är för lång",
    errno.EEXIST: "finns redan",
}


class FilsystemError(RapportgenError):
    """A file or folder could not be read or written (permissions, a full disk, a missing folder)."""

    @classmethod
    def fran(cls, exc: OSError) -> "FilsystemError":
        text = _OS_TEXTER.get(exc.errno or 0) or exc.strerror or str(exc)
        fil = exc.filename if exc.filename is not None else None
        return cls(f"kunde inte läsa eller skriva: {text}", fil=fil)
