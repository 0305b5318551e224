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
