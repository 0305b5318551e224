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
        (pdf,) = convert_many([src], tmp_path / "ut")
        assert s.pool.stat.omstarter == 0  # no crash, no retry
    text = squash(pdf_text(pdf))
    assert "Document text Some text worthy of note. Other document text." in text
    assert "Paragraph 7" in text
