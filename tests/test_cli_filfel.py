"""A file-system error (an output folder that cannot be made, a full disk) is one Swedish message
naming the path, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

from .conftest import EXAMPLES


def test_output_folder_that_cannot_be_made_is_a_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("en fil, inte en mapp")
    res = subprocess.run([sys.executable, "-m", "rapportgen", "tjansteskrivelse",
                          str(EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md"),
                          "-o", str(blocker / "ut"), "--ingen-pdf", "--profil", str(EXAMPLES / "rapportgen.yaml")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.startswith("Fel: ")
    assert str(blocker / "ut") in res.stderr
    assert "en del av sökvägen är inte en mapp" in res.stderr
