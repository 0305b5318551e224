"""The warm process starts only while no build holds the background pool: its preload takes
seconds of CPU that the cold build which started the server should not share its cores with."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

from rapportgen.convert import bakgrund


def test_a_build_holding_the_pool_is_seen_from_another_process(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_SERVER_DIR", str(tmp_path))
    assert not bakgrund.bygge_pagar()
    # A build in another process holds the shared lock (as bakgrund.attach does) until told to stop.
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600); "
        "fcntl.flock(fd, fcntl.LOCK_SH); print('ja', flush=True); sys.stdin.read()"),
        str(bakgrund._lock_file())], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ja"
        assert bakgrund.bygge_pagar()
    finally:
        holder.stdin.close()
        holder.wait(30)
    assert not bakgrund.bygge_pagar()


def test_any_lock_on_the_pool_holds_the_start_back(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_SERVER_DIR", str(tmp_path))
    fd = os.open(bakgrund._lock_file(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert bakgrund.bygge_pagar()  # any flock on it means: do not start now
    finally:
        os.close(fd)
    assert not bakgrund.bygge_pagar()
