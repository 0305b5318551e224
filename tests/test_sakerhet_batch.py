"""Issue 13: a batch streams; interrupted midway it leaves no .docx without its PDF."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLES

PROFIL = str(EXAMPLES / "rapportgen.yaml")


def _sheet(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["dnr", "titel", "förslag", "handläggare", "datum", "brödtext"])
        for i in range(n):
            w.writerow([f"SN/2024:{i + 1}", f"Ärende nummer {i + 1}", "Godkänna.", "Åsa Ölund", "2024-03-01",
                        f"Brödtext {i + 1}."])
    return path


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_batch_leaves_no_docx_without_pdf(tmp_path, kort_tmp, sig):
    sheet = _sheet(tmp_path / "arenden.csv", 60)
    out = tmp_path / "ut"
    env = {**os.environ, "RAPPORTGEN_CACHE": str(tmp_path / "cache"), "TMPDIR": str(kort_tmp)}
    proc = subprocess.Popen([sys.executable, "-c", "from rapportgen.cli import main; main()", "tjansteskrivelse",
                             "--batch", str(sheet), "-o", str(out), "--profil", PROFIL, "--arbetare", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    # Streams: PDFs appear while the batch is still running.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and len(list(out.glob("*.pdf"))) < 4:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    _o, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    docx = {p.stem for p in out.glob("*.docx")}
    pdfs = {p.stem for p in out.glob("*.pdf")}
    assert len(docx) >= 4
    assert len(docx) < 60  # it was interrupted midway
    assert docx <= pdfs  # every .docx has its PDF
    assert not list(out.glob(".*"))  # no half-written temp files


def test_batch_progress_is_shown_without_terminal(tmp_path):
    sheet = _sheet(tmp_path / "arenden.csv", 40)
    res = subprocess.run([sys.executable, "-c", "from rapportgen.cli import main; main()", "tjansteskrivelse",
                          "--batch", str(sheet), "-o", str(tmp_path / "ut"), "--profil", PROFIL, "--ingen-pdf"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "Tjänsteskrivelser: 2 av 40" in res.stderr and "Tjänsteskrivelser: 40 av 40" in res.stderr
    assert "40 av 40 tjänsteskrivelser klara" in res.stdout
