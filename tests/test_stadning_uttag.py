"""Clean-up (convert/stadning.py): the sweep of dead owners' folders, and LibreOffice's sockets in
/tmp, also of an instance stopped while it was starting (the pre-started instance of a command that
then refuses its input)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from rapportgen.convert import server, stadning
from rapportgen.convert._unoserve import single_instance_pipe
from rapportgen.exceptions import ConversionError


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _unix_socket(path: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()  # the socket file stays, as a killed LibreOffice's does


def test_sweep_removes_only_dead_owners_folders_and_their_sockets(tmp_path, kort_tmp):
    dead = tmp_path / "rapportgen-lo-dod"
    dead.mkdir()
    (dead / ".agare").write_text(f"{_dead_pid()} 1")
    (dead / "profil").mkdir()
    pipe = kort_tmp / "OSL_PIPE_0_test"
    _unix_socket(pipe)
    (dead / ".uttag").write_text(f"{pipe}\n")
    live = stadning.make_private_dir("rapportgen-konv-")  # this process: alive
    live_here = tmp_path / live.name
    live.rename(live_here)
    other = tmp_path / "annat-dod"  # not rapportgen's
    other.mkdir()
    (other / ".agare").write_text(f"{_dead_pid()} 1")
    target = tmp_path / "mal"
    target.mkdir()
    (target / ".agare").write_text(f"{_dead_pid()} 1")
    (tmp_path / "rapportgen-handling-lank").symlink_to(target)  # a link is never followed
    (tmp_path / "rapportgen-konv-fil").write_text("en fil")

    assert stadning.sweep(tmp_path) == [dead]
    assert not dead.exists() and not pipe.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["annat-dod", "mal", "rapportgen-handling-lank", "rapportgen-konv-fil", live.name])
    assert (target / ".agare").exists() and live_here.is_dir()
    assert stadning.sweep(tmp_path / "finns-inte") == []


def test_single_instance_pipe_is_the_name_libreoffice_gives_it():
    # The name LibreOffice 7 gave a profile in this folder (observed; bytes below 0x10 lose their zero).
    assert single_instance_pipe(Path("/tmp/rapportgen-lo-9keo7gyv")) == (
        f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_61e3f8cf474e2e766c5ab21b335d2a")


def test_an_instance_stopped_while_starting_leaves_no_socket():
    """A command that refuses its input stops the instance it started early, before LibreOffice
    answers: its single-instance pipe in /tmp goes with it."""
    inst = server.Instance()
    stopp = threading.Event()

    def start():
        with contextlib.suppress(ConversionError):
            inst.start(avbruten=stopp.is_set)

    t = threading.Thread(target=start)
    t.start()
    try:
        deadline = time.monotonic() + 120
        pipe = None
        while time.monotonic() < deadline:
            folder = inst.folder
            if folder is not None and os.path.exists(f"/tmp/{single_instance_pipe(folder)}"):
                pipe = f"/tmp/{single_instance_pipe(folder)}"
                break
            time.sleep(0.01)
        assert pipe, "LibreOffice made no single-instance pipe"
        listed = (folder / ".uttag").read_text().splitlines()
    finally:
        stopp.set()
        inst.kill()
        t.join(60)
    assert not t.is_alive()
    assert not os.path.exists(pipe)
    assert [p for p in listed if os.path.exists(p)] == []
    assert not folder.exists()
    assert pipe in listed  # listed before LibreOffice started, for the instance script's own clean-up
