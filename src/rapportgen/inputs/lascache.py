"""A persistent parse cache for inputs that are slow to read (workbooks), keyed by content.

    from rapportgen.inputs.lascache import Lascache, nyckel
    cache = Lascache()
    k = nyckel(sha256_av_filen, lasare="xlsx", version=kodversion, alternativ=("100000", "2000000"))
    data = cache.get(k, namn=path)      # the parsed values (a dict from JSON), or None
    cache.put(k, data)

The key is the sha256 of the file's bytes, the reader and its code version and the read
options (the limits in force), so a changed byte, a new reader or other limits is a miss.
Entries are JSON (never pickle: the folder may be shared), written atomically, each with
the sha256 and size of its payload: an entry that does not match is discarded with a
warning and the file is read again, never used. The folder is bounded (MAX_MB, least
recently used entries out first). It lives in the user's rapportgen cache beside the PDF
cache's default folder: $XDG_CACHE_HOME/rapportgen/indata (~/.cache/rapportgen/indata).
RAPPORTGEN_CACHE moves only the PDF cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any, Iterable

from ..fileio import write_bytes_atomic

FORMAT = "1"  # the entry layout below; a new layout is a new key
MAPP = "indata"
MAX_MB = 64.0

log = logging.getLogger("rapportgen")


def cache_root() -> Path:
    """$XDG_CACHE_HOME/rapportgen/indata, else ~/.cache/rapportgen/indata (as convert.cache finds the root)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rapportgen" / MAPP


def nyckel(innehall: str, *, lasare: str, version: str, alternativ: Iterable[Any] = ()) -> str:
    """The key of one reading: the file's content hash, the reader, its code version and options."""
    h = hashlib.sha256()
    for part in (FORMAT, innehall, lasare, version, *map(str, alternativ)):
        h.update(str(part).encode() + b"\0")
    return h.hexdigest()


_VERSIONER: dict[tuple, str] = {}


def kodversion(*kallor: str | Path, paket: tuple[str, ...] = ("openpyxl",)) -> str:
    """A reader's code version: its source files and the versions of the packages it reads with
    (from the package's files, without importing it: importing openpyxl costs a fifth of a second)."""
    nyckel_ = (tuple(map(str, kallor)), paket)
    if nyckel_ not in _VERSIONER:
        import importlib.util

        h = hashlib.sha256()
        for kalla in kallor:
            h.update(Path(kalla).read_bytes() + b"\0")
        for namn in paket:
            spec = importlib.util.find_spec(namn)
            origin = Path(spec.origin) if spec is not None and spec.origin else None
            for fil in ((origin, origin.with_name("_constants.py"), origin.with_name("_version.py"))
                        if origin else ()):
                with contextlib.suppress(OSError):
                    h.update(fil.name.encode() + b"\0" + fil.read_bytes() + b"\0")
        _VERSIONER[nyckel_] = h.hexdigest()
    return _VERSIONER[nyckel_]


class Lascache:
    """Parsed inputs by content key (see the module doc). A cache that cannot be read or written
    only costs time; a damaged entry is reported and read again."""

    def __init__(self, folder: str | Path | None = None, max_mb: float = MAX_MB):
        self.folder = Path(folder) if folder is not None else cache_root()
        self.max_bytes = int(max_mb * 1024 * 1024)
        self.traffar = 0
        self.missar = 0
        self.kasserade = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, namn: str | Path | None = None) -> dict | None:
        """The entry's data, or None (missing, or damaged: then removed with a warning)."""
        p = self._path(key)
        try:
            raw = p.read_bytes()
        except OSError:
            self.missar += 1
            return None
        data, fault = _decode(raw, key)
        if fault is not None:
            self.kasserade += 1
            self.missar += 1
            with contextlib.suppress(OSError):
                p.unlink()
            om = f" för {namn}" if namn else ""
            log.warning("en skadad post i läscachen%s kastades och filen läses om (%s): %s", om, fault, p)
            return None
        self.traffar += 1
        with contextlib.suppress(OSError):
            os.utime(p)  # recently used: kept longest when the folder is trimmed
        return data

    def put(self, key: str, data: dict) -> None:
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if len(payload) > self.max_bytes // 4:
            return  # one huge workbook must not push out everything else
        head = json.dumps({"format": FORMAT, "nyckel": key, "storlek": len(payload),
                           "sha256": hashlib.sha256(payload).hexdigest()}).encode()
        try:
            write_bytes_atomic(self._path(key), head + b"\n" + payload)
            self._trim()
        except OSError:
            pass  # a cache that cannot be written only costs time

    def entries(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("??/*.json"))

    def clear(self) -> int:
        """Remove every entry; return how many there were."""
        poster = self.entries()
        for p in poster:
            with contextlib.suppress(OSError):
                p.unlink()
        return len(poster)

    def _trim(self) -> None:
        """Remove the least recently used entries while the folder is over its size."""
        sized = []
        for p in self.entries():
            with contextlib.suppress(OSError):
                st = p.stat()
                sized.append((st.st_mtime_ns, st.st_size, p))
        total = sum(s for _, s, _ in sized)
        for _, size, p in sorted(sized, key=lambda t: t[0]):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                p.unlink()
                total -= size


def _decode(raw: bytes, key: str) -> tuple[dict | None, str | None]:
    """(data, None) for a sound entry, else (None, why it cannot be used)."""
    head_raw, sep, payload = raw.partition(b"\n")
    try:
        head = json.loads(head_raw)
        fmt, stored_key, size, digest = head["format"], head["nyckel"], int(head["storlek"]), str(head["sha256"])
    except (ValueError, KeyError, TypeError):
        return None, "posten saknar sina uppgifter eller är skadad"
    if not sep or fmt != FORMAT or stored_key != key:
        return None, "posten hör inte till den här nyckeln"
    if len(payload) != size:
        return None, f"posten är {len(payload)} byte, men {size} byte skrevs"
    if hashlib.sha256(payload).hexdigest() != digest:
        return None, "innehållet har ändrats sedan posten skrevs"
    try:
        data = json.loads(payload)
    except ValueError:
        return None, "posten är inte giltig JSON"
    if not isinstance(data, dict):
        return None, "posten har fel form"
    return data, None
