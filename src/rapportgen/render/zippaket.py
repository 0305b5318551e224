"""Writing a .docx (a zip) without compressing the same part again and again.

Every render of a template writes its large unchanged parts anew (styles.xml, the theme,
stylesWithEffects.xml, a logo): python-docx's writer compresses each one on every save, and
so does a rewrite of a finished .docx. Here a part's compressed bytes are remembered per
process by the part's content (SHA-1 and length), and a member copied from another zip keeps
its compressed bytes. The deflate settings are zipfile's, so a member's compressed bytes are
those zipfile would write; the archive is a plain zip (no zip64, no encryption) that
zipfile, Word and LibreOffice read.
"""

from __future__ import annotations

import hashlib
import struct
import threading
import time
import zipfile
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any, Callable

_MIN_CACHED = 8 * 1024  # smaller parts are compressed every time (it costs next to nothing)
_LIMIT = 0xFFFFFFFF  # beyond this a member needs zip64: left to zipfile


class Innehallsminne:
    """What a function makes of some bytes, remembered per process by their content (length and
    SHA-1), the most recently used `storlek` of them; safe across threads."""

    def __init__(self, storlek: int):
        self.storlek = storlek
        self._minne: "OrderedDict[tuple[int, bytes], Any]" = OrderedDict()
        self._las = threading.Lock()

    def hamta(self, data: bytes, gor: Callable[[bytes], Any]) -> Any:
        key = (len(data), hashlib.sha1(data).digest())
        with self._las:
            hit = self._minne.get(key)
            if hit is not None:
                self._minne.move_to_end(key)
                return hit
        value = gor(data)  # made outside the lock: another thread may make the same meanwhile
        with self._las:
            self._minne[key] = value
            while len(self._minne) > self.storlek:
                self._minne.popitem(last=False)
        return value


_KOMPRIMERADE = Innehallsminne(64)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # as zipfile.ZIP_DEFLATED
    return c.compress(data) + c.flush()


def _crc_och_deflate(data: bytes) -> tuple[int, bytes]:
    return zlib.crc32(data), _deflate(data)


def komprimerad(data: bytes) -> tuple[int, bytes]:
    """(CRC-32, deflated bytes) of data, remembered for large parts."""
    if len(data) < _MIN_CACHED:
        return _crc_och_deflate(data)
    return _KOMPRIMERADE.hamta(data, _crc_och_deflate)


def _dos_time(t: time.struct_time) -> tuple[int, int]:
    year = max(1980, t.tm_year)
    return (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2), ((year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday


class ZipSkrivare:
    """A zip written member by member: write(name, data) deflates (cached), write_raw copies
    compressed bytes. Use as a context manager; the central directory is written on close."""

    def __init__(self, target: str | Path | IO[bytes]):
        self._own = not hasattr(target, "write")
        self._fh: Any = open(target, "wb") if self._own else target
        self._start = self._fh.tell() if not self._own else 0
        self._entries: list[tuple[bytes, int, int, int, int, int, int, int]] = []
        self._time, self._date = _dos_time(time.localtime())
        self._names: set[str] = set()

    def __enter__(self) -> "ZipSkrivare":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        elif self._own:
            self._fh.close()

    def write(self, name: str, data: bytes) -> None:
        crc, packed = komprimerad(data)
        self.write_raw(name, packed, crc, len(data), zipfile.ZIP_DEFLATED)

    def write_raw(self, name: str, packed: bytes, crc: int, size: int, method: int) -> None:
        if name in self._names:
            raise ValueError(f"zip-medlemmen {name} skrivs två gånger")
        if max(size, len(packed), self._fh.tell() - self._start) >= _LIMIT or len(self._entries) >= 0xFFFF:
            raise ValueError("paketet är för stort för en zip utan zip64")
        self._names.add(name)
        raw_name = name.encode("utf-8")
        flags = 0 if raw_name.isascii() else 0x800  # bit 11: the name is UTF-8
        offset = self._fh.tell() - self._start
        self._fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, self._time, self._date,
                                   crc, len(packed), size, len(raw_name), 0))
        self._fh.write(raw_name)
        self._fh.write(packed)
        self._entries.append((raw_name, flags, method, crc, len(packed), size, offset, 0o600 << 16))

    def close(self) -> None:
        cd_start = self._fh.tell() - self._start
        for raw_name, flags, method, crc, csize, size, offset, attr in self._entries:
            self._fh.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, flags, method,
                                       self._time, self._date, crc, csize, size, len(raw_name), 0, 0, 0, 0,
                                       attr, offset))
            self._fh.write(raw_name)
        cd_size = self._fh.tell() - self._start - cd_start
        n = len(self._entries)
        self._fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_start, 0))
        if self._own:
            self._fh.close()
        else:
            self._fh.flush()


def raa_medlem(fh: IO[bytes], info: zipfile.ZipInfo) -> bytes | None:
    """The compressed bytes of a member of the zip open as fh, or None when they cannot be copied
    as they are (encrypted, or a method other than stored or deflated)."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        return None
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    packed = fh.read(info.compress_size)
    return packed if len(packed) == info.compress_size else None


def packas_upp_exakt(packed: bytes, info: zipfile.ZipInfo) -> bool:
    """Whether a member's compressed bytes unpack to exactly info.file_size bytes with info.CRC
    and nothing after the end: then a reader that trusts the stream and one that trusts the
    directory see the same content. Unpacks in steps, never beyond file_size."""
    if info.compress_type == zipfile.ZIP_STORED:
        return len(packed) == info.file_size and zlib.crc32(packed) == info.CRC
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return False
    d = zlib.decompressobj(-15)
    crc = total = 0
    rest = packed
    while not d.eof:
        chunk = d.decompress(rest, 1 << 20)
        rest = d.unconsumed_tail
        total += len(chunk)
        if total > info.file_size:
            return False
        crc = zlib.crc32(chunk, crc)
        if not chunk and not rest:
            break  # the stream ends early
    return d.eof and not d.unused_data and not rest and total == info.file_size and crc == info.CRC


def spara_paket(document: Any, target: str | Path | IO[bytes]) -> None:
    """python-docx's document.save(target) (the same parts, names and order), written with
    ZipSkrivare."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    with ZipSkrivare(target) as z:
        z.write(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
        z.write(PACKAGE_URI.rels_uri.membername, package.rels.xml)
        for part in parts:
            z.write(part.partname.membername, part.blob)
            if len(part.rels):
                z.write(part.partname.rels_uri.membername, part.rels.xml)
