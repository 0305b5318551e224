"""The PDF cache key: a change to the source, the settings or the conversion code makes a new PDF."""

from __future__ import annotations

from docx import Document

from rapportgen.convert import cache as cache_mod
from rapportgen.convert.options import Alternativ


def _docx(path, text):
    doc = Document()
    doc.add_paragraph(text)
    doc.save(path)
    return path


def test_key_follows_source_settings_and_code(tmp_path, monkeypatch):
    c = cache_mod.Cache(tmp_path / "cache")
    a = _docx(tmp_path / "a.docx", "Ett stycke")
    base = c.key(a, Alternativ().key(), "Titel")
    assert c.key(a, Alternativ().key(), "Titel") == base  # the same input gives the same key
    assert c.key(_docx(tmp_path / "b.docx", "Ett annat stycke"), Alternativ().key(), "Titel") != base
    assert c.key(a, Alternativ(pdfa=False).key(), "Titel") != base
    assert c.key(a, Alternativ().key(), "Annan titel") != base
    # A new version of the conversion code (the constant, or the code itself) never reuses an old PDF.
    monkeypatch.setattr(cache_mod, "_KOD_DIGEST", None)
    monkeypatch.setattr(cache_mod, "KONVERTERING_VERSION", cache_mod.KONVERTERING_VERSION + "-ny")
    assert c.key(a, Alternativ().key(), "Titel") != base
    monkeypatch.setattr(cache_mod, "_KOD_DIGEST", None)
    monkeypatch.setattr(cache_mod, "_KOD", (*cache_mod._KOD, "cache.py"))
    monkeypatch.setattr(cache_mod, "KONVERTERING_VERSION", cache_mod.KONVERTERING_VERSION.removesuffix("-ny"))
    assert c.key(a, Alternativ().key(), "Titel") != base
