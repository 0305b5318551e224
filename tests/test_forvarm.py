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


def _byggsession_spion(monkeypatch) -> list[bool]:
    """Record, as the build reads its manifest, whether LibreOffice is already being started."""
    from rapportgen.assemble import bygg

    seen: list[bool] = []
    real = bygg.load_handling

    def spy(*args, **kwargs):
        s = convert._CURRENT.get()
        seen.append(s is not None and s._forvarmning is not None)
        return real(*args, **kwargs)

    monkeypatch.setattr(bygg, "load_handling", spy)
    return seen


def test_a_cold_build_starts_libreoffice_before_it_reads_the_manifest(tmp_path, egen_pool, monkeypatch):
    from rapportgen.assemble import build_handling
    from rapportgen.config import Profil

    from .handling_helpers import dokument, write_manifest

    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))  # empty: the build will convert
    seen = _byggsession_spion(monkeypatch)
    dokument(tmp_path, "utredning.md", "Utredning")
    manifest = write_manifest(tmp_path, "  - punkt: 1\n    ärendemening: Ett ärende\n"
                                        "    bilagor:\n      - {etikett: Utredning, fil: utredning.md}\n")
    profil = Profil(konvertering=Konvertering(arbetare=1))
    with session(profil.konvertering):
        build_handling(manifest, tmp_path / "ut", profil)
    # Again, nothing changed: every part is in the cache, so no instance is started ahead.
    with session(profil.konvertering) as s:
        build_handling(manifest, tmp_path / "ut", profil)
        assert s._pool is None or all(i.starts == 0 for i in s._pool.local_instances)  # none needed
    assert seen == [True, False]
    assert "Utredning" in pdf_text(tmp_path / "ut" / "handling.pdf")


def test_closing_the_session_stops_a_start_under_way(tmp_path, egen_pool, monkeypatch):
    """A build that stops early (at its checks) does not wait for the instances it started ahead."""
    from rapportgen.convert import server as srv

    hang = tmp_path / "hanger.py"
    hang.write_text("import time\nwhile True:\n    time.sleep(1)\n")
    monkeypatch.setattr(srv, "SERVE_SCRIPT", hang)  # an instance that never answers
    monkeypatch.setattr(srv, "START_TIMEOUT", 30.0)
    utfall: list[str] = []
    real = srv.Instance.start

    def start(self, *args, **kwargs):
        try:
            real(self, *args, **kwargs)
            utfall.append("svarar")
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion
            utfall.append(str(exc))
            raise

    monkeypatch.setattr(srv.Instance, "start", start)
    with session(Konvertering(arbetare=1)) as s:
        s.forvarm(lokala=1)
        trad = s._forvarmning
        while not utfall and not (s._pool and s._pool.local_instances[0].proc):
            trad.join(0.01)  # until the instance's process exists
        (inst,) = s._pool.local_instances
    assert not trad.is_alive()
    assert utfall == ["LibreOffice startades inte: kommandot avbröts"]
    assert inst.proc is None and inst.folder is None
