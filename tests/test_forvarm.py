"""LibreOffice started ahead of the build (Session.forvarm): the background pool as a build starts,
a build's own instances once it knows it has documents to convert; closing a session does not wait
for a background pool being started, and lets go of it."""

from __future__ import annotations

import fcntl
import os

import pytest

import rapportgen.convert as convert
from rapportgen.config import Konvertering
from rapportgen.convert import bakgrund, convert_many, pool as pool_mod, session

from .conftest import pdf_text
from .test_convert import make_docs, make_docx


@pytest.fixture
def egen_pool(monkeypatch):
    """The real Pool class (the suite lends its shared pool to every session otherwise)."""
    monkeypatch.setattr(convert, "Pool", pool_mod.Pool)


def test_prestarted_instance_converts_without_a_new_start(tmp_path, egen_pool):
    docs = make_docs(tmp_path / "in", 2)
    with session(Konvertering(arbetare=1)) as s:
        s.forvarm(lokala=1)
        s._forvarmning.join()
        (inst,) = s.pool.local_instances
        assert inst.proc is not None and inst.alive() and inst.starts == 1
        convert_many(docs, tmp_path / "ut")
        assert inst.starts == 1  # the worker found it running
        assert s.pool.stat.konverterade == 2
    assert "Dokument nummer 1" in pdf_text(tmp_path / "ut" / "dok-01.pdf")
    assert inst.proc is None  # stopped with the session


def test_no_local_instances_without_documents(egen_pool):
    with session(Konvertering(arbetare=1)) as s:
        s.forvarm(lokala=0)
        assert s._forvarmning is None and s._pool is None


def test_closed_session_lets_go_of_the_background_pool_it_started(tmp_path, egen_pool):
    try:
        with session(Konvertering(vila=300, arbetare=1)) as s:
            s.forvarm()
            trad = s._forvarmning
        trad.join()  # the start goes on after the session closed
        st = bakgrund.status()
        assert st is not None and st["klar"]
        assert s._pool is None and s._bakgrund is None
        # Nobody holds the background pool's use lock: the closed session let go of it.
        fd = os.open(bakgrund._lock_file(), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        # The next build uses the running pool.
        (tmp_path / "in").mkdir()
        doc = make_docx(tmp_path / "in" / "efter.docx", "Konverterad i bakgrundspoolen")
        with session(Konvertering(vila=300, arbetare=1)) as s2:
            convert_many([doc], tmp_path / "ut")
            assert list(s2.pool.stat.per_endpoint) == ["bakgrund-0"]
    finally:
        bakgrund.stop()
    assert bakgrund.status() is None
