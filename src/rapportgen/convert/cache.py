"""Content-hash cache of converted PDFs.

A PDF is reused when the source's content and the conversion options are
unchanged. DOCX/XLSX files are ZIP archives whose bytes change with the
time they were written, so for them the hash covers the members' names and
compressed contents, not the archive bytes.
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
from ..fileio import copy_atomic, sha256_file, write_bytes_atomic, write_text_atomic

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
    """The members' names and compressed bytes (with method, size and CRC): the same content
    written the same way gives the same hash whenever the archive was written, and nothing is
    unpacked. A member that cannot be read as it is (encrypted, an unknown method) is unpacked."""
    from ..render.zippaket import raa_medlem

    h = hashlib.sha256()
    try:
        with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                h.update(b"\0M" + info.filename.encode() + b"\0")
                packed = raa_medlem(fh, info)
                if packed is None:
                    h.update(b"U" + hashlib.sha256(zf.read(info)).digest())
                else:
                    h.update(b"P%d/%d/%d/" % (info.compress_type, info.file_size, info.CRC))
                    h.update(hashlib.sha256(packed).digest())
        return "zip2:" + h.hexdigest()
    # zipfile raises NotImplementedError for a compression method it cannot unpack (AES, PPMd ...):
    # such a file is keyed by its bytes like any other file that is not a readable zip.
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, NotImplementedError):
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
            import pikepdf  # qpdf opens a PDF about ten times faster than pypdf (as Delcache)

            with pikepdf.open(p) as pdf:
                if len(pdf.pages) < 1:
                    return "PDF:en har inga sidor"
        except Exception as exc:  # any failure to open means the file cannot be used
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
        """Remove every entry (the package parts' too); return how many PDFs were removed."""
        n = len(self.entries()) + len(Delcache(self.folder / DELAR).entries())
        if self.folder.is_dir():
            for sub in self.folder.iterdir():
                if sub.is_dir() and (len(sub.name) == 2 or sub.name in (DELAR, TYPSNITT, STAMPLAR)):
                    shutil.rmtree(sub, ignore_errors=True)
                elif sub.is_file() and sub.name.startswith("."):
                    with contextlib.suppress(OSError):
                        sub.unlink()
        return n


# --- the package's parts, keyed on their inputs --------------------------------------------------

DELAR = "delar"  # subfolder of the PDF cache for Delcache
TYPSNITT = "typsnitt"  # subfolder for the package's font subsets (assemble.typsnitt)
STAMPLAR = "stamplar"  # subfolder for the package's stamp pages (assemble.pdf.stamp_pdf)


def kept_bytes(sub: str, name: str, make: Callable[[], bytes]) -> bytes:
    """make()'s bytes, kept in the cache's subfolder sub as name. An entry carries its own sha256
    in front: a broken one is made again; a cache that cannot be written only costs time."""
    entry = cache_dir() / sub / name
    try:
        data = entry.read_bytes()
        if len(data) > 32 and hashlib.sha256(data[32:]).digest() == data[:32]:
            return data[32:]
    except OSError:
        pass
    data = make()
    try:
        write_bytes_atomic(entry, hashlib.sha256(data).digest() + data)
    except OSError:
        pass
    return data


def kodversion() -> str:
    """rapportgen's version and a digest of its code and shipped templates: any edit to either
    makes every part's key new (a part is never reused across code that could render it otherwise)."""
    global _KODVERSION
    if _KODVERSION is None:
        _KODVERSION = f"{__version__}/{koddigest()}/{engine_version()}/{konverteringskod()}"
    return _KODVERSION


def koddigest() -> str:
    """The digest of rapportgen's code and shipped templates (the warm fork server makes it once:
    a client whose code differs is never served by it, see varm.gemensamt.fingeravtryck)."""
    global _KODDIGEST
    if _KODDIGEST is None:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(__version__.encode())
        for f in sorted(root.rglob("*")):
            if f.suffix in (".py", ".docx", ".xlsx", ".yaml", ".md") and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode() + b"\0")
                h.update(hashlib.sha256(f.read_bytes()).digest())
        _KODDIGEST = h.hexdigest()[:20]
    return _KODDIGEST


_KODVERSION: str | None = None
_KODDIGEST: str | None = None


class Delcache:
    """A package part's intermediate results, keyed on its inputs (see assemble.bygg): the
    converted files (PDF, the kallelse's .docx) and what was read from them (page count, pages
    whose text reaches the stamp band, bookmarks). An entry is verified before use: each file's
    size and sha256 as written, and the PDF opens with the recorded page count. A bad entry is
    dropped and rebuilt, with a warning; it never gives wrong output."""

    def __init__(self, folder: Path | None = None, enabled: bool = True,
                 varna: Callable[[str], None] | None = None):
        self.folder = Path(folder) if folder else cache_dir() / DELAR
        self.enabled = enabled
        self.varna = varna or (lambda _text: None)
        self.traffar = 0
        self.missar = 0
        self.kasserade = 0

    def _dir(self, key: str) -> Path:
        return self.folder / key[:2]

    def _meta(self, key: str) -> Path:
        return self._dir(key) / f"{key}.json"

    def entries(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("??/*.json"))

    def _fault(self, key: str, info: dict) -> str | None:
        filer = info.get("filer")
        if not isinstance(filer, dict) or not isinstance(info.get("data"), dict):
            return "uppgifterna om posten är skadade"
        for name, rec in filer.items():
            p = self._dir(key) / f"{key}.{name}"
            try:
                size, digest = int(rec["storlek"]), str(rec["sha256"])
            except (KeyError, TypeError, ValueError):
                return "uppgifterna om posten är skadade"
            if not p.is_file():
                return f"filen {p.name} saknas"
            if p.stat().st_size != size:
                return f"storleken på {p.name} är {p.stat().st_size} byte, men {size} byte skrevs"
            if sha256_file(p) != digest:
                return f"innehållet i {p.name} har ändrats sedan posten skrevs"
        if "pdf" in filer:
            import pikepdf

            try:
                with pikepdf.open(self._dir(key) / f"{key}.pdf") as pdf:
                    n = len(pdf.pages)
            except Exception as exc:  # any failure to open means the entry cannot be used
                return f"PDF:en går inte att öppna ({type(exc).__name__})"
            if n != info["data"].get("sidor", n):
                return f"PDF:en har {n} sidor, men {info['data'].get('sidor')} skrevs"
        return None

    def get(self, key: str, namn: str | Path | None = None) -> tuple[dict[str, Path], dict] | None:
        """(files by name, data) of a sound entry, or None (a bad entry is dropped, with a warning)."""
        if not self.enabled:
            return None
        meta = self._meta(key)
        if not meta.is_file():
            self.missar += 1
            return None
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            fault = self._fault(key, info) if isinstance(info, dict) else "uppgifterna om posten är skadade"
        except (OSError, ValueError):
            info, fault = None, "uppgifterna om posten saknas eller är skadade"
        if fault is None:
            self.traffar += 1
            return ({name: self._dir(key) / f"{key}.{name}" for name in info["filer"]}, info["data"])
        self.kasserade += 1
        self.missar += 1
        self.drop(key)
        om = f" för {namn}" if namn else ""
        self.varna(f"en skadad del i cachen{om} kastades och görs om ({fault}): {meta}")
        return None

    def drop(self, key: str) -> None:
        for f in self._dir(key).glob(f"{key}.*"):
            with contextlib.suppress(OSError):
                f.unlink()

    def put(self, key: str, data: dict, filer: dict[str, Path] | None = None) -> None:
        """Store data (JSON) and copies of the files; the metadata is written last, so an entry
        is whole or absent."""
        if not self.enabled:
            return
        try:
            rec = {}
            for name, path in (filer or {}).items():
                copy_atomic(path, self._dir(key) / f"{key}.{name}")
                rec[name] = {"storlek": path.stat().st_size, "sha256": sha256_file(path)}
            write_text_atomic(self._meta(key), json.dumps({"filer": rec, "data": data}, ensure_ascii=False))
        except OSError:
            pass  # a cache that cannot be written only costs time
