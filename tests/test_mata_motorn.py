"""convert_while keeps the engine fed: while too few written documents wait for a worker, the caller
writes the next one before it reads a finished PDF (a remote server idling while the client reads
is lost time); the finished ones are read later, none is lost. One the caller calls bradskande (a
held document waits for its page count) is read at once."""

from __future__ import annotations

import threading

import rapportgen.convert as convert
from rapportgen.config import Konvertering
from rapportgen.convert import convert_while, pool as pool_mod, session

from .conftest import pdf_text
from .test_convert import make_docx


def _tre_dokument(tmp_path, monkeypatch, **kw) -> tuple[list[str], list]:
    """d0 and d1 written and converted by one instance, then d2 written: the calls seen, the PDFs."""
    monkeypatch.setattr(convert, "Pool", pool_mod.Pool)  # one instance of its own: a known order
    sources = [tmp_path / f"d{i}.docx" for i in range(3)]
    calls: list[str] = []
    tva_klara = threading.Event()

    def progress(done: int, _total: int, _name: str) -> None:
        if done >= 2:
            tva_klara.set()

    def gora(klar):
        for i in (0, 1):
            make_docx(sources[i], f"Dokument {i}")
            klar(i)
        # One instance converts d0, then d1: d0's callbacks (its place in efter's queue included)
        # are done before it takes d1, so once d1 is done d0's PDF waits for efter.
        assert tva_klara.wait(300)
        calls.append("skriver d2")
        make_docx(sources[2], "Dokument 2")
        klar(2)  # one written document waiting at most: the engine is not fed
        calls.append("skrev d2")

    def efter(i, pdf):
        calls.append(f"efter d{i}")

    with session(Konvertering(cache=False, arbetare=1)):
        ut = convert_while(sources, tmp_path / "ut", gora, efter=efter, progress=progress, **kw)
    return calls, ut


def test_writing_the_next_document_goes_before_reading_a_finished_one(tmp_path, monkeypatch):
    calls, ut = _tre_dokument(tmp_path, monkeypatch)
    assert calls[:2] == ["skriver d2", "skrev d2"]  # nothing read inside klar(2)
    assert sorted(calls[2:]) == ["efter d0", "efter d1", "efter d2"]  # every one read, after
    assert [pdf_text(p).splitlines()[0] for p in ut] == ["Dokument 0", "Dokument 1", "Dokument 2"]


def test_an_urgent_finished_document_is_read_at_once(tmp_path, monkeypatch):
    calls, _ut = _tre_dokument(tmp_path, monkeypatch, bradskande=lambda i: i == 0)
    assert calls[:3] == ["skriver d2", "efter d0", "skrev d2"]  # d0 read inside klar(2)
    assert sorted(calls[3:]) == ["efter d1", "efter d2"]
