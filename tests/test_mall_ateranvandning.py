"""A template used again is parsed once more and kept, per content and process; each later
render gets its own copy (issue 19: the client's CPU). No render sees another's changes, and an
edited file is read again."""

from __future__ import annotations

import io
import os
import zipfile

import docx as python_docx
from docx import Document
from docx.shared import Cm
from docxtpl import InlineImage

from rapportgen.render import oppna
from rapportgen.render.docx import render_docx
from rapportgen.render.oppna import open_template

from .test_sakerhet_natverk import PNG


def _mall(path, text="Hej {{ namn }}"):
    doc = Document()
    doc.add_paragraph(text)
    doc.add_paragraph("{{ bild }}")
    doc.save(path)
    return path


def _parts(path):
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _count_parses(monkeypatch):
    calls = []
    real = python_docx.Document

    def counting(*a, **k):
        calls.append(a)
        return real(*a, **k)

    monkeypatch.setattr(python_docx, "Document", counting)
    return calls


def test_renders_of_one_template_are_independent(tmp_path, monkeypatch):
    mall = _mall(tmp_path / "mall.docx")
    calls = _count_parses(monkeypatch)
    # The first render adds a picture (a new part and relationship) and its text.
    render_docx(mall, tmp_path / "a.docx",
                lambda tpl: {"namn": "Anna", "bild": InlineImage(tpl, io.BytesIO(PNG), width=Cm(1))})
    render_docx(mall, tmp_path / "b.docx", lambda tpl: {"namn": "Bertil", "bild": ""})
    render_docx(mall, tmp_path / "b2.docx", lambda tpl: {"namn": "Bertil", "bild": ""})
    assert len(calls) == 2  # the first use, then the parse that is kept
    assert _parts(tmp_path / "b2.docx") == _parts(tmp_path / "b.docx")
    a, b = _parts(tmp_path / "a.docx"), _parts(tmp_path / "b.docx")
    assert any(n.startswith("word/media/") for n in a)
    assert not any(n.startswith("word/media/") for n in b)
    assert b"Hej Anna" in a["word/document.xml"] and b"Bertil" not in a["word/document.xml"]
    assert b"Hej Bertil" in b["word/document.xml"] and b"Anna" not in b["word/document.xml"]
    assert b"image" not in b["word/_rels/document.xml.rels"]
    # The same render again (from a copy now) gives the same parts as the first time.
    render_docx(mall, tmp_path / "a2.docx",
                lambda tpl: {"namn": "Anna", "bild": InlineImage(tpl, io.BytesIO(PNG), width=Cm(1))})
    assert len(calls) == 2
    assert _parts(tmp_path / "a2.docx") == a


def test_a_changed_copy_leaves_the_next_untouched(tmp_path):
    mall = _mall(tmp_path / "mall.docx")
    open_template(mall)
    first = open_template(mall)  # a copy of the kept parse from here on
    doc = first.docx
    doc.paragraphs[0].text = "Ändrad"
    doc.styles.element.remove(doc.styles.element[-1])
    doc.core_properties.author = "Någon annan"
    doc.add_picture(io.BytesIO(PNG))
    doc.settings.odd_and_even_pages_header_footer = True
    second = open_template(mall).docx
    assert oppna._MALLAR and second.paragraphs[0].text == "Hej {{ namn }}"
    assert len(second.styles.element) == len(Document(str(mall)).styles.element)
    assert second.core_properties.author == Document(str(mall)).core_properties.author
    assert len(second.inline_shapes) == 0 and not second.settings.odd_and_even_pages_header_footer
    assert second.part.package is not doc.part.package
    # A copy saves exactly the parts a fresh parse saves.
    fresh, copied = io.BytesIO(), io.BytesIO()
    Document(str(mall)).save(fresh)
    second.save(copied)
    with zipfile.ZipFile(fresh) as f, zipfile.ZipFile(copied) as c:
        assert f.namelist() == c.namelist()
        assert all(f.read(n) == c.read(n) for n in f.namelist())


def test_a_changed_file_is_read_again_even_with_the_same_size_and_time(tmp_path, monkeypatch):
    mall = _mall(tmp_path / "mall.docx", "Hej {{ namn }}")
    for _ in range(2):
        render_docx(mall, tmp_path / "1.docx", lambda tpl: {"namn": "Anna", "bild": ""})
    st = mall.stat()
    _mall(mall, "Hoj {{ namn }}")
    os.utime(mall, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert mall.stat().st_size == st.st_size and mall.stat().st_mtime_ns == st.st_mtime_ns
    calls = _count_parses(monkeypatch)
    render_docx(mall, tmp_path / "2.docx", lambda tpl: {"namn": "Anna", "bild": ""})
    assert len(calls) == 1
    assert b"Hoj Anna" in _parts(tmp_path / "2.docx")["word/document.xml"]


def test_parses_are_bounded(tmp_path, monkeypatch):
    from collections import OrderedDict

    monkeypatch.setattr(oppna, "_MALLAR", OrderedDict())
    monkeypatch.setattr(oppna, "_SEDDA", OrderedDict())
    open_template(_mall(tmp_path / "en-gang.docx", "Bara en gång {{ namn }}"))
    assert len(oppna._MALLAR) == 0  # a template used once is not kept
    for i in range(oppna._MALLAR_MAX + 3):
        mall = _mall(tmp_path / f"m{i}.docx", f"Mall {i} {{{{ namn }}}}")
        open_template(mall)
        open_template(mall)
    assert len(oppna._MALLAR) == oppna._MALLAR_MAX


def test_missing_styles_come_from_a_shipped_template_parsed_once(tmp_path, monkeypatch):
    from rapportgen.render.docx import missing_styles

    doc = Document()
    doc.add_paragraph("Hej {{ namn }}")
    styles = doc.styles.element
    for st in list(styles):
        name = st.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name")
        if name is not None and name.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "List Number":
            styles.remove(st)
    mall = tmp_path / "mall.docx"
    doc.save(mall)
    assert "List Number" in missing_styles(Document(str(mall)))
    render_docx(mall, tmp_path / "1.docx", lambda tpl: {"namn": "Anna"})
    render_docx(mall, tmp_path / "2.docx", lambda tpl: {"namn": "Anna"})
    calls = _count_parses(monkeypatch)
    render_docx(mall, tmp_path / "3.docx", lambda tpl: {"namn": "Anna"})
    assert calls == []  # neither the template nor the shipped one is parsed again
    for out in ("1.docx", "2.docx", "3.docx"):
        assert missing_styles(Document(str(tmp_path / out))) == []
    assert _parts(tmp_path / "1.docx")["word/styles.xml"] == _parts(tmp_path / "3.docx")["word/styles.xml"]
    assert "List Number" in missing_styles(Document(str(mall)))  # the input is never changed


def test_renders_in_threads_each_get_their_own_document(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    mall = _mall(tmp_path / "mall.docx")
    namn = [f"Person{i}" for i in range(12)]

    def rendera(n):
        out = tmp_path / f"{n}.docx"
        render_docx(mall, out, lambda tpl: {"namn": n, "bild": ""})
        return n, _parts(out)["word/document.xml"]

    with ThreadPoolExecutor(4) as ex:
        for n, body in ex.map(rendera, namn):
            assert f"Hej {n}".encode() in body
            assert [m for m in namn if m.encode() + b"<" in body] == [n]


def test_a_rendered_document_is_freed_without_waiting_for_the_collector(tmp_path):
    """Package and parts point at each other; render_docx breaks that once the file is saved,
    so a meeting's renders do not pile up in memory until a full collection."""
    import gc
    import weakref

    mall = _mall(tmp_path / "mall.docx")
    refs = []

    def context(tpl):
        package = tpl.docx.part.package
        refs.append(weakref.ref(package))
        refs.extend(weakref.ref(p._element) for p in package.parts if hasattr(p, "_element"))
        return {"namn": "Anna", "bild": InlineImage(tpl, io.BytesIO(PNG), width=Cm(1))}

    gc.disable()
    try:
        for _ in range(3):  # the first parse, the kept one, a copy
            render_docx(mall, tmp_path / "a.docx", context)
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()
    assert b"Hej Anna" in _parts(tmp_path / "a.docx")["word/document.xml"]
