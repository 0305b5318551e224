"""The full system font's metrics (units, cmap, ligatures, widths) are kept in the PDF cache's
typsnitt/ folder, so a rebuilt package does not parse the full font with fontTools again."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from rapportgen.assemble import typsnitt

CARLITO = Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf")

pytestmark = pytest.mark.skipif(not CARLITO.is_file(), reason="Carlito (fonts-crosextra-carlito) saknas")


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "typsnitt").glob("*.json"))


def _metrics(path: Path):
    st = path.stat()
    return typsnitt._font_metrics(path, st.st_size, st.st_mtime_ns)


def test_metrics_are_stored_and_read_back_equal(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    first = _metrics(CARLITO)
    assert len(_entries(tmp_path / "cache")) == 1

    # The second read comes from the entry, not from the font: prove it by making fontTools unusable.
    def no_parse(*_a, **_k):
        raise AssertionError("the full font was parsed again")

    monkeypatch.setattr(typsnitt, "_read_metrics", no_parse)
    second = _metrics(CARLITO)
    assert second == first
    upm, rev, cmap, ligatures, hmtx = second
    font = TTFont(CARLITO)
    assert upm == font["head"].unitsPerEm and rev == font["head"].fontRevision
    assert cmap[ord("å")] == font.getBestCmap()[ord("å")]
    assert hmtx[cmap[ord("W")]] == font["hmtx"][cmap[ord("W")]][0]
    find = typsnitt._glyph_finder(cmap, ligatures)
    assert find("fi") is not None and find("fi") != find("f")


def test_a_broken_entry_is_read_again_from_the_font(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    first = _metrics(CARLITO)
    (entry,) = _entries(tmp_path / "cache")
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0x01  # flip one bit of the JSON: the entry's digest no longer fits
    entry.write_bytes(bytes(data))
    calls = []
    real = typsnitt._read_metrics
    monkeypatch.setattr(typsnitt, "_read_metrics", lambda p: calls.append(p) or real(p))
    assert _metrics(CARLITO) == first
    assert calls == [CARLITO]
    assert _intact(entry)


def _intact(entry: Path) -> bool:
    import hashlib

    data = entry.read_bytes()
    return hashlib.sha256(data[32:]).digest() == data[:32]
