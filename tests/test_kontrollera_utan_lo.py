"""Issue 19: `rapportgen kontrollera` needs no LibreOffice and starts none.

The check runs as its own process with an audit hook (PEP 578) that records every process it
starts; the hook sees what the interpreter does, whichever module would do it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import EXAMPLES

MEETING = EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml"

_HARNESS = """
import json, sys
started = []

def hook(event, args):
    if event in ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.spawn", "os.system", "os.fork",
                 "os.forkpty", "pty.spawn"):
        started.append([event, repr(args)[:300]])

sys.addaudithook(hook)
from rapportgen.cli import main
sys.argv = ["rapportgen", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print("\\nRAPPORT " + json.dumps({"kod": code, "startade": started,
                                  "moduler": sorted(m for m in sys.modules if m.startswith("rapportgen.convert"))}))
"""


def _run(args: list[str], tmp_path) -> dict:
    env = {**os.environ, "RAPPORTGEN_CACHE": str(tmp_path / "cache"), "RAPPORTGEN_SERVER_DIR": str(tmp_path / "srv")}
    proc = subprocess.run([sys.executable, "-c", _HARNESS, *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)
    line = [x for x in proc.stdout.splitlines() if x.startswith("RAPPORT ")]
    assert line, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {**json.loads(line[-1][len("RAPPORT "):]), "utdata": proc.stdout}


def test_kontrollera_starts_no_process_and_no_pool(tmp_path):
    r = _run(["kontrollera", str(MEETING), "--format", "text"], tmp_path)
    assert r["kod"] in (0, 1)  # the example has a warning, no input error
    assert "Totalt:" in r["utdata"]  # it did check the meeting
    assert r["startade"] == []  # no soffice, no unoserver, no helper process of any kind
    assert r["moduler"] == []  # the conversion stage (pool, servers) was not even imported
    assert not (tmp_path / "srv").exists() and not (tmp_path / "cache").exists()


def test_the_hook_sees_a_started_process(tmp_path):
    # The same harness, with one process started before the CLI runs: the hook must report it.
    r = _run(["--version"], tmp_path)
    assert r["startade"] == []
    proc = subprocess.run([sys.executable, "-c", _HARNESS.replace("from rapportgen.cli import main",
                                                                  "import subprocess; subprocess.run(['true'])\n"
                                                                  "from rapportgen.cli import main"), "--version"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    rapport = json.loads([x for x in proc.stdout.splitlines() if x.startswith("RAPPORT ")][-1][len("RAPPORT "):])
    assert [e for e, _ in rapport["startade"]] == ["subprocess.Popen"]
