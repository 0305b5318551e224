"""A deep TMPDIR (a long home folder, pytest's own folders under xdist): the socket of a local
LibreOffice instance is then longer than AF_UNIX allows (108 bytes) and is reached through its
open folder, so conversion works there too."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import pdf_text

SCRIPT = (
    "import sys\n"
    "from pathlib import Path\n"
    "from rapportgen.convert import Pool, convert_many\n"
    "from docx import Document\n"
    "d = Document(); d.add_paragraph('Djup tempmapp'); d.save(sys.argv[1] + '/a.docx')\n"
    "with Pool(arbetare=1) as p:\n"
    "    convert_many([Path(sys.argv[1]) / 'a.docx'], Path(sys.argv[1]) / 'ut', pool=p)\n"
    "    print(p.local_instances[0].socket)\n"
)


def test_conversion_works_under_a_temp_folder_deeper_than_a_socket_path_may_be(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    env = {**os.environ, "TMPDIR": str(deep), "RAPPORTGEN_CACHE": str(tmp_path / "cache")}
    res = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    socket = res.stdout.strip().splitlines()[-1]
    assert socket.startswith(str(deep)) and len(os.fsencode(socket)) > 107  # the case in question
    assert "Djup tempmapp" in pdf_text(tmp_path / "ut" / "a.pdf")
    assert list(deep.iterdir()) == []  # the instance's folder is gone with it
