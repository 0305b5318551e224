"""A batch whose work folder (TMPDIR) is on another file system than its output (a tmpfs /tmp, as
Debian has by default): finished files are moved across, not renamed, and none is left half-written."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from rapportgen.cli import cli

from .conftest import EXAMPLES


@pytest.fixture
def annat_fs_tmp(tmp_path, monkeypatch):
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("ingen tmpfs på ett annat filsystem än testets mapp")
    folder = shm / f"rgt-{uuid.uuid4().hex[:8]}"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_batch_with_work_folder_on_another_file_system(tmp_path, annat_fs_tmp, runner):
    sheet = tmp_path / "arenden.csv"
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["dnr", "titel", "förslag", "handläggare", "datum", "brödtext"])
        for i in (1, 2):
            w.writerow([f"SN/2024:{i}", f"Ärende {i}", "Godkänna.", "Åsa Ölund", "2024-03-01", f"Text {i}."])
    out = tmp_path / "ut"
    res = runner.invoke(cli, ["tjansteskrivelse", "--batch", str(sheet), "-o", str(out),
                              "--profil", str(EXAMPLES / "rapportgen.yaml")])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert [n for n in names if n.endswith(".pdf")] == ["sn-2024-1-arende-1.pdf", "sn-2024-2-arende-2.pdf"]
    assert len([n for n in names if n.endswith(".docx")]) == 2
    assert not [n for n in names if n.startswith(".")]
    assert (out / "sn-2024-1-arende-1.pdf").read_bytes().startswith(b"%PDF")
