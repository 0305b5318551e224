"""convert_while keeps the engine fed: while too few written documents wait for a worker, the caller
writes the next one before it reads a finished PDF (a remote server idling while the client reads
is lost time); the finished ones are read later, none is lost."""

from __future__ import annotations

import threading

import rapportgen.convert as convert
from rapportgen.config import Konvertering
from rapportgen.convert import convert_while, pool as pool_mod, session

from .conftest import pdf_text
from .test_convert import make_docx


def test_writing_the_next_document_goes_before_reading_a_finished_one(tmp_path, monkeypatch):
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
        # One instance converts d0, then d1: once d1 is done, d0's PDF waits for efter.
        assert tva_klara.wait(300)
        calls.append("skriver d2")
        make_docx(sources[2], "Dokument 2")
        klar(2)  # one written document waiting at most: the engine is not fed, nothing is read here
        calls.append("skrev d2")

    def efter(i, pdf):
        calls.append(f"efter d{i}")

    with session(Konvertering(cache=False, arbetare=1)):
        ut = convert_while(sources, tmp_path / "ut", gora, efter=efter, progress=progress)
    assert calls[:2] == ["skriver d2", "skrev d2"]
    assert sorted(calls[2:]) == ["efter d0", "efter d1", "efter d2"]  # every one read, after
    assert [pdf_text(p).splitlines()[0] for p in ut] == ["Dokument 0", "Dokument 1", "Dokument 2"]


def test_an_urgent_finished_document_is_read_at_once(tmp_path, monkeypatch):
    # bradskande(i): a held document waits for this one's page count, so efter(i) runs at the next
    # klar even while the engine is not fed; the others still wait until gora is done.
    monkeypatch.setattr(convert, "Pool", pool_mod.Pool)
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
        # One instance: d0's callbacks (efter's queue included) are done before it takes d1.
        assert tva_klara.wait(300)
        calls.append("skriver d2")
        make_docx(sources[2], "Dokument 2")
        klar(2)
        calls.append("skrev d2")

    def efter(i, pdf):
        calls.append(f"efter d{i}")

    with session(Konvertering(cache=False, arbetare=1)):
        convert_while(sources, tmp_path / "ut", gora, efter=efter, progress=progress,
                      bradskande=lambda i: i == 0)
    assert calls[:3] == ["skriver d2", "efter d0", "skrev d2"]
    assert sorted(calls[3:]) == ["efter d1", "efter d2"]
