"""A warm worker forgets what a new process would read again: the LibreOffice version in the parts'
cache keys is looked up on the client's PATH, while the code digest made at preload is kept (the
fork server only serves clients that run the same code)."""

from __future__ import annotations

from rapportgen.convert import cache
from rapportgen.varm import server


def test_the_worker_reads_libreoffices_version_again_but_keeps_the_code_digest(monkeypatch):
    digest = cache.koddigest()
    monkeypatch.setattr(cache, "_ENGINE", "rapportgen x/cache y/buildid=fork-serverns")
    monkeypatch.setattr(cache, "_KODVERSION", "x/y/buildid=fork-serverns/z")
    server._aterstall()
    assert cache._ENGINE is None and cache._KODVERSION is None
    assert cache._KODDIGEST == digest
    assert "fork-serverns" not in cache.kodversion()
    assert cache.kodversion().split("/")[1] == digest
