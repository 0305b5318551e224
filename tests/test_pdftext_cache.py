"""The suite's PDF text helpers (tests/conftest.py): a page cut from the whole text is what
pdftotext gives for that page alone, and a cached text is never the text of an older file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from . import conftest
from .conftest import pdf_page_text, pdf_text

REALWORLD = Path("/work/shared/realworld-pdfs")
FLERSIDIGA = [REALWORLD / "multicolumn.pdf", REALWORLD / "pdflatex-4-pages.pdf", REALWORLD / "pdflatex-outline.pdf"]


def _pdftotext(*args) -> str:
    return subprocess.run(["pdftotext", *map(str, args), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("layout", [False, True])
@pytest.mark.parametrize("pdf", FLERSIDIGA, ids=lambda p: p.stem)
def test_a_page_is_what_pdftotext_gives_for_that_page_alone(pdf, layout):
    mode = ["-layout"] if layout else []
    assert pdf_text(pdf, layout) == _pdftotext(*mode, pdf)
    pages = pdf_text(pdf, layout).count("\f")
    assert pages >= 3
    for page in range(1, pages + 1):
        assert pdf_page_text(pdf, page, layout) == _pdftotext(*mode, "-f", page, "-l", page, pdf), page
    with pytest.raises(IndexError):
        pdf_page_text(pdf, pages + 1, layout)
    with pytest.raises(IndexError):
        pdf_page_text(pdf, 0, layout)


def test_the_text_is_read_once_and_again_when_the_file_changes(tmp_path, monkeypatch):
    calls = []
    real = subprocess.run

    def counting(args, *a, **kw):
        if args[0] == "pdftotext":
            calls.append(args)
        return real(args, *a, **kw)

    monkeypatch.setattr(conftest.subprocess, "run", counting)
    monkeypatch.setattr(conftest, "_PDF_TEXT", {})
    pdf = tmp_path / "a.pdf"
    shutil.copyfile(REALWORLD / "multicolumn.pdf", pdf)
    first = pdf_text(pdf)
    assert pdf_text(pdf) == first and pdf_page_text(pdf, 2) in first
    assert len(calls) == 1
    assert pdf_text(pdf, layout=True) != first and len(calls) == 2  # each mode its own text
    # The same path written again, with other content: read again, never the old text.
    shutil.copyfile(REALWORLD / "pdflatex-4-pages.pdf", pdf)
    second = pdf_text(pdf)
    assert len(calls) == 3 and second != first
    assert second == _pdftotext(REALWORLD / "pdflatex-4-pages.pdf")
