"""content_hash: a .docx/.xlsx is keyed on its members' names and compressed bytes, so the same
content written at another time reuses its PDF, any change to a member gives a new key, and
nothing is unpacked (issue 19: the client's CPU)."""

from __future__ import annotations

import zipfile

from rapportgen.convert.cache import content_hash

PARTS = {
    "[Content_Types].xml": b"<Types/>",
    "word/document.xml": b"<w:document>" + b"<w:p>Text</w:p>" * 500 + b"</w:document>",
    "word/media/bild.png": bytes(range(256)) * 40,
}


def _zip(path, parts, when=(2024, 1, 2, 3, 4, 6)):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def test_same_content_other_time_same_hash(tmp_path):
    a = _zip(tmp_path / "a.docx", PARTS)
    b = _zip(tmp_path / "b.docx", dict(reversed(PARTS.items())), when=(2025, 6, 7, 8, 9, 10))
    assert a.read_bytes() != b.read_bytes()
    assert content_hash(a) == content_hash(b)
    assert content_hash(a).startswith("zip2:")


def test_any_member_change_gives_a_new_hash(tmp_path):
    base = content_hash(_zip(tmp_path / "a.docx", PARTS))
    changed = dict(PARTS, **{"word/media/bild.png": PARTS["word/media/bild.png"][:-1] + b"\x01"})
    assert content_hash(_zip(tmp_path / "b.docx", changed)) != base
    renamed = {("word/media/bild2.png" if k.endswith("bild.png") else k): v for k, v in PARTS.items()}
    assert content_hash(_zip(tmp_path / "c.docx", renamed)) != base
    added = dict(PARTS, **{"word/extra.xml": b""})
    assert content_hash(_zip(tmp_path / "d.docx", added)) != base
    stored = tmp_path / "e.docx"
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zf:
        for name, data in PARTS.items():
            zf.writestr(name, data)
    assert content_hash(stored) != base  # another way of writing: a new key, never a wrong PDF


def test_nothing_is_unpacked(tmp_path, monkeypatch):
    a = _zip(tmp_path / "a.docx", PARTS)
    expected = content_hash(a)

    def no_read(*_a, **_k):
        raise AssertionError("a member was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "read", no_read)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_read)
    assert content_hash(a) == expected


def test_not_a_zip_is_hashed_as_bytes(tmp_path):
    f = tmp_path / "x.docx"
    f.write_bytes(b"inte en zip")
    assert content_hash(f).startswith("raw:")
    g = tmp_path / "y.docx"
    g.write_bytes(b"inte en zip heller")
    assert content_hash(f) != content_hash(g)


def _recorded(cache, key, data: bytes, tmp_path):
    """An entry whose recorded size and hash match its bytes."""
    f = tmp_path / f"{key[:4]}.pdf"
    f.write_bytes(data)
    cache.put(key, f)


def test_a_recorded_entry_must_open_as_a_pdf_with_pages(tmp_path):
    import pikepdf

    from rapportgen.convert.cache import Cache

    warned: list[str] = []
    cache = Cache(tmp_path / "c", varna=warned.append)
    good = pikepdf.new()
    good.add_blank_page(page_size=(100, 100))
    good.save(tmp_path / "bra.pdf")
    _recorded(cache, "ab" * 32, (tmp_path / "bra.pdf").read_bytes(), tmp_path)
    assert cache.get("ab" * 32) is not None
    _recorded(cache, "cd" * 32, b"%PDF-1.7\ninget mer", tmp_path)
    assert cache.get("cd" * 32) is None and "går inte att öppna" in warned[-1]
    empty = pikepdf.new()
    empty.save(tmp_path / "tom.pdf")
    _recorded(cache, "ef" * 32, (tmp_path / "tom.pdf").read_bytes(), tmp_path)
    assert cache.get("ef" * 32) is None and "inga sidor" in warned[-1]
    assert [p.name for p in cache.entries()] == [f"{'ab' * 32}.pdf"]
