"""Content-hash cache of converted PDFs.

A PDF is reused when the source's content and the conversion options are
unchanged. DOCX/XLSX files are ZIP archives whose bytes change with the
time they were written, so for them the hash covers the members' names and
contents, not the archive bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

from .._version import __version__
from ..fileio import copy_atomic, sha256_file

CACHE_FORMAT = "2"  # 2: LibreOffice runs with the sv_SE locale


def rapportgen_cache_home() -> Path:
    """$XDG_CACHE_HOME/rapportgen, else ~/.cache/rapportgen."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rapportgen"


def cache_dir() -> Path:
    """RAPPORTGEN_CACHE, else $XDG_CACHE_HOME/rapportgen/pdf, else ~/.cache/rapportgen/pdf."""
    explicit = os.environ.get("RAPPORTGEN_CACHE")
    return Path(explicit) if explicit else rapportgen_cache_home() / "pdf"


def _libreoffice_version() -> str:
    """The LibreOffice build, read from its versionrc (no process started)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return "okänd"
    program = Path(os.path.realpath(soffice)).parent
    rc = program / "versionrc"
    try:
        lines = rc.read_text(errors="replace").splitlines()
    except OSError:
        return "okänd"
    wanted = ("buildid=", "updateid=")
    found = sorted(l for l in lines if l.lower().startswith(wanted))
    return ";".join(found) + f";{int(rc.stat().st_mtime)}"


_ENGINE: str | None = None

# Bump when the conversion changes in a way the code digest below cannot see (LibreOffice's
# environment, fonts installed with the package ...).
KONVERTERING_VERSION = "1"
# The modules whose code shapes the PDF; their source is part of every cache key.
_KOD = ("options.py", "prepare.py", "_unoserve.py", "pool.py", "server.py", "__init__.py")
_KOD_DIGEST: str | None = None


def konverteringskod() -> str:
    """KONVERTERING_VERSION and a digest of the conversion code, so an edit to it never reuses a stale PDF."""
    global _KOD_DIGEST
    if _KOD_DIGEST is None:
        h = hashlib.sha256(KONVERTERING_VERSION.encode())
        here = Path(__file__).resolve().parent
        for name in _KOD:
            h.update(name.encode() + b"\0")
            try:
                h.update((here / name).read_bytes())
            except OSError:
                h.update(b"saknas")
        _KOD_DIGEST = f"konvertering {KONVERTERING_VERSION}/{h.hexdigest()[:16]}"
    return _KOD_DIGEST


def engine_version() -> str:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = f"rapportgen {__version__}/cache {CACHE_FORMAT}/{_libreoffice_version()}"
    return _ENGINE


def content_hash(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with zipfile.ZipFile(path) as zf:
            for name in sorted(zf.namelist()):
                h.update(b"\0M" + name.encode() + b"\0")
                h.update(hashlib.sha256(zf.read(name)).digest())
        return "zip:" + h.hexdigest()
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        return "raw:" + sha256_file(path)


class Cache:
    def __init__(self, folder: Path | None = None, enabled: bool = True):
        self.folder = Path(folder) if folder else cache_dir()
        self.enabled = enabled
        self.traffar = 0
        self.missar = 0

    def key(self, source: Path, options_key: str, title: str) -> str:
        """The source's content, the conversion settings (options, title), the engine (rapportgen,
        LibreOffice) and the conversion code: a change to any of them makes a new PDF."""
        h = hashlib.sha256()
        for part in (content_hash(source), options_key, title, engine_version(), konverteringskod()):
            h.update(part.encode() + b"\0")
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pdf"

    def get(self, key: str) -> Path | None:
        if not self.enabled:
            return None
        p = self._path(key)
        if p.is_file() and p.stat().st_size > 0:
            self.traffar += 1
            return p
        self.missar += 1
        return None

    def put(self, key: str, pdf: Path) -> None:
        if not self.enabled:
            return
        try:
            copy_atomic(pdf, self._path(key))
        except OSError:
            pass  # a cache that cannot be written only costs time
