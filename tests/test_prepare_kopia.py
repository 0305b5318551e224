"""The prepared copy keeps the compressed bytes of the parts it does not change (issue 19: the
client's CPU); the parts it changes are written anew, and a member whose stream does not match
the zip's directory is never copied as it is."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document

from rapportgen.config import Konvertering
from rapportgen.convert import convert_many, session
from rapportgen.convert.prepare import prepare
from rapportgen.exceptions import ConversionError
from rapportgen.render.zippaket import packas_upp_exakt, raa_medlem

from .conftest import pdf_text, squash
from .test_sakerhet_natverk import hostile_docx


def _docx(path: Path, text: str = "Förberedd kopia med å, ä och ö.") -> Path:
    doc = Document()
    doc.add_heading("Rubrik i bilagan", 1)
    doc.add_paragraph(text)
    doc.save(path)
    return path


def _raw(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        return {i.filename: raa_medlem(fh, i) for i in zf.infolist()}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_unchanged_parts_keep_their_bytes_changed_ones_are_new(tmp_path):
    src = _docx(tmp_path / "bilaga.docx")
    out = prepare(src, tmp_path / "kopia.docx", "Bilagans titel")
    before, after = _raw(src), _raw(out)
    assert list(before) == list(after)  # same parts, same order
    # What prepare changes: the title and language, the default text language.
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"docProps/core.xml", "word/styles.xml"}
    parts = _parts(out)
    assert b"Bilagans titel" in parts["docProps/core.xml"] and b"sv-SE" in parts["docProps/core.xml"]
    assert b'w:val="sv-SE"' in parts["word/styles.xml"]
    old = _parts(src)
    assert all(parts[n] == old[n] for n in old if n not in changed)
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
    # What a conversion server receives is no larger than the source (nothing stored unpacked).
    assert out.stat().st_size <= src.stat().st_size * 1.02


def test_dropped_content_stays_dropped(tmp_path):
    src = hostile_docx(tmp_path / "bilaga.docx", 9)
    out = prepare(src, tmp_path / "kopia.docx", "Titel")
    raw = b"".join(v for v in _raw(out).values() if v)
    parts = _parts(out)
    for name, data in parts.items():
        assert b"127.0.0.1:9" not in data, name
    # Nothing of the links survives in a compressed member either (no stale raw copy).
    assert b"127.0.0.1:9" not in raw and b"127.0.0.1:9" not in out.read_bytes()


def _rewrite_member(path: Path, name: str, packed: bytes, crc: int, size: int) -> None:
    """Replace (or add) a deflated member's compressed bytes and its declared CRC and size (local
    header and central directory), as a hostile file would."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts.setdefault(name, b"")
    out = bytearray()
    central = bytearray()
    for n, data in parts.items():
        if n == name:
            p, c, s = packed, crc, size
        else:
            co = zlib.compressobj(6, zlib.DEFLATED, -15)
            p, c, s = co.compress(data) + co.flush(), zlib.crc32(data), len(data)
        raw_name = n.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, c, len(p), s,
                               len(raw_name), 0, 0, 0, 0, 0, len(out)) + raw_name
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, c, len(p), s, len(raw_name), 0)
        out += raw_name + p
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), start, 0)
    path.write_bytes(bytes(out))


@pytest.mark.parametrize("name", ["word/theme/theme1.xml", "word/media/bild.png"])
def test_a_stream_longer_than_declared_is_cut_not_copied(tmp_path, name):
    """The directory says 100 bytes with the CRC of the first 100; the stream holds much more.
    zipfile reads the 100 bytes; the copy must hold exactly those, not the long stream."""
    src = _docx(tmp_path / "bilaga.docx")
    long = b"<x>" + b"A" * 200_000 + b"</x>"
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = co.compress(long) + co.flush()
    _rewrite_member(src, name, packed, zlib.crc32(long[:100]), 100)
    with zipfile.ZipFile(src) as zf:
        assert zf.read(name) == long[:100]  # what zipfile (and the old copy) sees
    out = prepare(src, tmp_path / "kopia.docx", "Titel")
    with zipfile.ZipFile(out) as zf, open(out, "rb") as fh:
        info = zf.getinfo(name)
        assert zf.read(info) == long[:100]
        packed = raa_medlem(fh, info)
        assert zlib.decompress(packed, -15) == long[:100]  # the stream itself is the 100 bytes
        assert packas_upp_exakt(packed, info)


def test_bad_crc_duplicates_and_broken_streams_are_refused(tmp_path):
    src = _docx(tmp_path / "crc.docx")
    data = b"<x>" + b"B" * 5000 + b"</x>"
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    # A picture: prepare reads no picture for its cleaning, so only the copy can notice.
    _rewrite_member(src, "word/media/bild.png", co.compress(data) + co.flush(), zlib.crc32(data) ^ 1, len(data))
    with pytest.raises(ConversionError, match="skadad"):
        prepare(src, tmp_path / "ut1.docx", "Titel")

    trunc = _docx(tmp_path / "trunc.docx")
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    whole = co.compress(data) + co.flush()
    _rewrite_member(trunc, "word/media/bild.png", whole[: len(whole) // 2], zlib.crc32(data), len(data))
    with pytest.raises(ConversionError, match="skadad"):
        prepare(trunc, tmp_path / "ut2.docx", "Titel")

    dup = _docx(tmp_path / "dup.docx")
    with zipfile.ZipFile(dup) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    with pytest.warns(UserWarning), zipfile.ZipFile(dup, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, d in parts:
            zout.writestr(n, d)
        # A second document.xml that links out: a reader taking the first would miss the cleaning.
        zout.writestr("word/document.xml", parts[[n for n, _ in parts].index("word/document.xml")][1])
    with pytest.raises(ConversionError, match="skadad"):
        prepare(dup, tmp_path / "ut3.docx", "Titel")


def test_xlsx_sheets_are_written_anew_the_rest_copied(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Kostnad", 1200, 3400])
    src = tmp_path / "bok.xlsx"
    wb.save(src)
    out = prepare(src, tmp_path / "kopia.xlsx", "Bok")
    before, after = _raw(src), _raw(out)
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"docProps/core.xml", "xl/worksheets/sheet1.xml"}
    assert b"fitToPage" in _parts(out)["xl/worksheets/sheet1.xml"]


def test_prepared_copy_converts(tmp_path, monkeypatch):
    """A bilaga whose parts are copied as they are converts to the same text as before."""
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    src = _docx(tmp_path / "bilaga-att-konvertera.docx", "Text som ska synas i PDF:en, 1 234,50 kr.")
    with session(Konvertering(cache=False), arbetare=1):
        (pdf,) = convert_many([src], tmp_path / "ut")
    text = squash(pdf_text(pdf))
    assert "Rubrik i bilagan" in text and "Text som ska synas i PDF:en, 1 234,50 kr." in text
