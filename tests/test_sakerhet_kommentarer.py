"""Issue 13: a real Word file with comments converts (python-docx's comments-rich-para.docx)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from rapportgen.convert import convert_many, session
from rapportgen.convert.prepare import prepare
from rapportgen.config import Konvertering

from .conftest import pdf_text, squash

FIXTURE = Path(__file__).parent / "data" / "comments-rich-para.docx"


def test_comment_anchors_are_removed_from_the_copy_only(tmp_path):
    src = tmp_path / "yttrande.docx"
    shutil.copyfile(FIXTURE, src)
    before = src.read_bytes()
    out = prepare(src, tmp_path / "kopia.docx", "Yttrande")
    with zipfile.ZipFile(out) as zf:
        body = zf.read("word/document.xml").decode()
    assert "commentReference" not in body and "commentRangeStart" not in body
    assert src.read_bytes() == before  # never modify an input


def test_comments_file_converts(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    src = tmp_path / "yttrande-med-kommentarer.docx"
    shutil.copyfile(FIXTURE, src)
    with session(Konvertering(cache=False), arbetare=1) as s:
        # The suite's pool is shared: its counts include the tests before this one.
        fore = s.pool.stat.omstarter, s.pool.stat.konverterade
        (pdf,) = convert_many([src], tmp_path / "ut")
        assert (s.pool.stat.omstarter, s.pool.stat.konverterade) == (fore[0], fore[1] + 1)  # no crash, no retry
    text = squash(pdf_text(pdf))
    assert "Document text Some text worthy of note. Other document text." in text
    assert "Paragraph 7" in text


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

XML_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("<>&\"'"),
                   min_size=1, max_size=40).filter(lambda t: t.strip() == t and t)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=XML_TEXT)
def test_prepare_keeps_any_text_while_dropping_comments_and_links(tmp_path_factory, text):
    from docx import Document

    folder = tmp_path_factory.mktemp("h")
    doc = Document()
    p = doc.add_paragraph()
    p.add_run(text)
    src = folder / "in.docx"
    doc.save(src)
    with zipfile.ZipFile(src) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    body = parts["word/document.xml"].decode()
    # A comment around the run and a fetching field after it.
    body = body.replace("<w:r>", '<w:commentRangeStart w:id="0"/><w:r>', 1)
    body = body.replace("</w:p>", '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
                                  '<w:fldSimple w:instr=" INCLUDETEXT &quot;http://127.0.0.1:9/x&quot; ">'
                                  "<w:r><w:t>[text]</w:t></w:r></w:fldSimple></w:p>", 1)
    parts["word/document.xml"] = body.encode()
    with zipfile.ZipFile(src, "w") as zout:
        for n, d in parts.items():
            zout.writestr(n, d)
    out = prepare(src, folder / "ut.docx", "Titel")
    reread = Document(out)
    assert reread.paragraphs[0].text == text + "[text]"
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("word/document.xml").decode()
    # Elements, not words: the generated text may itself say 'comment' or 'INCLUDETEXT'.
    for tag in ("<w:commentRangeStart", "<w:commentRangeEnd", "<w:commentReference", "<w:fldSimple", "<w:instrText"):
        assert tag not in xml, tag
