"""Content-hash cache of converted PDFs.

A PDF is reused when the source's content and the conversion options are
unchanged. DOCX/XLSX files are ZIP archives whose bytes change with the
time they were written, so for them the hash covers the members' names and
contents, not the archive bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Callable

from .._version import __version__
from ..fileio import copy_atomic, sha256_file, write_text_atomic

CACHE_FORMAT = "3"  # 2: LibreOffice runs with the sv_SE locale; 3: size and hash recorded per entry


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
    """PDFs by content key. Every entry is verified before use: the size and sha256 recorded
    when it was written must match and the PDF must open; a bad entry is discarded (and
    rebuilt by the caller) with a warning."""

    def __init__(self, folder: Path | None = None, enabled: bool = True,
                 varna: Callable[[str], None] | None = None):
        self.folder = Path(folder) if folder else cache_dir()
        self.enabled = enabled
        self.varna = varna or (lambda _text: None)
        self.traffar = 0
        self.missar = 0
        self.kasserade = 0

    def key(self, source: Path, options_key: str, title: str) -> str:
        """The source's content, the conversion settings (options, title), the engine (rapportgen,
        LibreOffice) and the conversion code: a change to any of them makes a new PDF."""
        h = hashlib.sha256()
        for part in (content_hash(source), options_key, title, engine_version(), konverteringskod()):
            h.update(part.encode() + b"\0")
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pdf"

    def _meta(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def _fault(self, p: Path, meta: Path) -> str | None:
        """Why the entry cannot be used, or None when it is sound."""
        try:
            info = json.loads(meta.read_text())
            size, digest = int(info["storlek"]), str(info["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return "uppgifterna om posten saknas eller är skadade"
        if p.stat().st_size != size:
            return f"storleken är {p.stat().st_size} byte, men {size} byte skrevs"
        if sha256_file(p) != digest:
            return "innehållet har ändrats sedan posten skrevs"
        try:
            from pypdf import PdfReader

            if len(PdfReader(str(p)).pages) < 1:
                return "PDF:en har inga sidor"
        except Exception as exc:  # any pypdf failure means the file cannot be used
            return f"PDF:en går inte att öppna ({type(exc).__name__})"
        return None

    def get(self, key: str, namn: str | Path | None = None) -> Path | None:
        if not self.enabled:
            return None
        p, meta = self._path(key), self._meta(key)
        if p.is_file():
            fault = self._fault(p, meta)
            if fault is None:
                self.traffar += 1
                return p
            self.kasserade += 1
            for f in (p, meta):
                with contextlib.suppress(OSError):
                    f.unlink()
            om = f" för {namn}" if namn else ""
            self.varna(f"en skadad PDF i cachen{om} kastades och görs om ({fault}): {p}")
        self.missar += 1
        return None

    def put(self, key: str, pdf: Path) -> None:
        if not self.enabled:
            return
        try:
            meta = {"storlek": pdf.stat().st_size, "sha256": sha256_file(pdf)}
            copy_atomic(pdf, self._path(key))
            write_text_atomic(self._meta(key), json.dumps(meta))
        except OSError:
            pass  # a cache that cannot be written only costs time

    # --- `rapportgen cache status|rensa` ---------------------------------------------------------

    def entries(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("??/*.pdf"))

    def size(self) -> int:
        if not self.folder.is_dir():
            return 0
        return sum(f.stat().st_size for f in self.folder.rglob("*") if f.is_file())

    def clear(self) -> int:
        """Remove every entry; return how many PDFs were removed."""
        n = len(self.entries())
        if self.folder.is_dir():
            for sub in self.folder.iterdir():
                if sub.is_dir() and len(sub.name) == 2:
                    shutil.rmtree(sub, ignore_errors=True)
                elif sub.is_file() and sub.name.startswith("."):
                    with contextlib.suppress(OSError):
                        sub.unlink()
        return n
