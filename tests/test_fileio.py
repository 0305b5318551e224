"""fileio.atomic_path: the target is the old file or the whole new one, and no temp file is left."""

from __future__ import annotations

import os

import pytest

from rapportgen import fileio


def test_failure_leaves_target_and_folder_as_they_were(tmp_path):
    target = tmp_path / "ut.pdf"
    target.write_bytes(b"gammal")
    with pytest.raises(RuntimeError):
        with fileio.atomic_path(target) as tmp:
            tmp.write_bytes(b"halv")
            raise RuntimeError("avbrott")
    assert target.read_bytes() == b"gammal"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ut.pdf"]


def test_ctrl_c_just_after_the_temp_file_is_made_leaves_nothing(tmp_path, monkeypatch):
    # A Ctrl-C that lands right after the temporary file exists, before the caller gets it.
    real_close = os.close

    def close_then_interrupt(fd):
        real_close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "close", close_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        with fileio.atomic_path(tmp_path / "ut.docx"):
            pass
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_success_replaces_the_target_with_the_usual_mode(tmp_path):
    target = tmp_path / "ut.txt"
    fileio.write_text_atomic(target, "ny")
    assert target.read_text() == "ny"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~fileio._umask())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ut.txt"]


def test_a_copy_killed_midway_leaves_no_file(tmp_path):
    # The source is a pipe the test fills: once more than a pipe buffer has gone through, the
    # child is inside the copy, and SIGKILL (no clean-up can run) must leave the folder empty.
    import signal
    import subprocess
    import sys
    import time

    fifo = tmp_path / "kalla"
    os.mkfifo(fifo)
    out = tmp_path / "ut"
    out.mkdir()
    child = subprocess.Popen([sys.executable, "-c", "import sys; from rapportgen.fileio import copy_atomic; "
                              "copy_atomic(sys.argv[1], sys.argv[2])", str(fifo), str(out / "handling.pdf")])
    while True:  # the pipe opens for writing once the child reads it
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            assert child.poll() is None, "the copy ended before it read anything"
            time.sleep(0.01)
    os.set_blocking(fd, True)
    try:
        os.write(fd, b"%PDF-1.7\n" + b"x" * (4 << 20))  # returns when the child has read most of it
        os.kill(child.pid, signal.SIGKILL)
    finally:
        os.close(fd)
    assert child.wait(30) == -signal.SIGKILL
    assert list(out.iterdir()) == []


def test_copy_and_write_give_whole_files_with_the_usual_mode(tmp_path):
    src = tmp_path / "a.bin"
    src.write_bytes(os.urandom(3 << 20))
    copied = fileio.copy_atomic(src, tmp_path / "ut" / "b.bin")
    assert copied.read_bytes() == src.read_bytes()
    assert oct(copied.stat().st_mode & 0o777) == oct(0o666 & ~fileio._umask())
    fileio.write_bytes_atomic(copied, b"ny")
    assert copied.read_bytes() == b"ny"
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == ["b.bin"]
