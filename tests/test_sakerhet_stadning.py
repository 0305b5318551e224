"""Issue 13: no socket, profile or temp folder is left behind, even after SIGKILL of the parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .handling_helpers import dokument, write_manifest

PROFIL = str(Path(__file__).resolve().parents[1] / "examples" / "rapportgen.yaml")


def _leftovers(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith(("rapportgen-", "lu")))


def _soffice_with(mark: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if mark.encode() in cmd and stat[stat.rindex(")") + 2] != "Z":
                found.append(int(entry))
    return found


def _handling(folder: Path, antal: int = 6) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(antal):
        dokument(folder, f"b{i}.md", f"Bilaga {i}", f"Innehåll {i}. " * 200)
    bilagor = "".join(f"      - {{etikett: Bilaga {i}, fil: b{i}.md}}\n" for i in range(antal))
    return write_manifest(folder, "  - punkt: 5\n    dnr: SN/2023:7\n    ärendemening: Ett ärende\n"
                                  "    bilagor:\n" + bilagor)


def _start(m: Path, tmp: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp), "RAPPORTGEN_CACHE": str(out.parent / "cache")}
    return subprocess.Popen([sys.executable, "-c", "from rapportgen.cli import main; main()", "handling", str(m),
                             "-o", str(out), "--profil", PROFIL, "--arbetare", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for_instance(proc: subprocess.Popen, tmp: Path) -> Path:
    """The LibreOffice instance folder once LibreOffice answers (the handling is converting)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        for d in tmp.glob("rapportgen-lo-*"):
            if (d / "rpc.sock").exists():
                return d
        time.sleep(0.05)
    raise AssertionError("LibreOffice started no instance")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_parent_leaves_nothing_after_next_run(tmp_path, kort_tmp, sig):
    tmp = kort_tmp
    m = _handling(tmp_path / "in")
    proc = _start(m, tmp, tmp_path / "ut")
    inst = _wait_for_instance(proc, tmp)
    pipes = [p for p in (inst / ".uttag").read_text().splitlines() if os.path.exists(p)]
    assert pipes and all(p.startswith("/tmp/OSL_PIPE_") for p in pipes)
    assert any(p.name.startswith("rapportgen-handling-") for p in tmp.iterdir())
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    if sig == signal.SIGKILL:
        # Nothing could clean up the parent's own folders; the instance left with its parent.
        assert any(n.startswith(("rapportgen-handling-", "rapportgen-konv-")) for n in _leftovers(tmp))
    # The next run sweeps what dead owners left, and leaves nothing itself (one bilaga is enough:
    # the sweep comes before its own instance starts).
    nxt = _start(_handling(tmp_path / "in2", 1), tmp, tmp_path / "ut2")
    _out, err = nxt.communicate(timeout=600)
    assert nxt.returncode == 0, err
    assert (tmp_path / "ut2" / "handling.pdf").is_file()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (_leftovers(tmp) or _soffice_with(str(tmp))):
        time.sleep(0.2)
    assert _leftovers(tmp) == []
    assert _soffice_with(str(tmp)) == []
    assert [p for p in pipes if os.path.exists(p)] == []


def test_normal_run_leaves_no_socket_or_folder(tmp_path, kort_tmp):
    tmp = kort_tmp
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from rapportgen.convert import Pool, convert_many\n"
        "from docx import Document\n"
        "d = Document(); d.add_paragraph('Hej'); d.save(sys.argv[1] + '/a.docx')\n"
        "with Pool(arbetare=1) as p:\n"
        "    convert_many([Path(sys.argv[1]) / 'a.docx'], Path(sys.argv[1]) / 'ut', pool=p)\n"
        "    inst = p.local_instances[0]\n"
        "    print('\\n'.join(l for l in (inst.folder / '.uttag').read_text().splitlines()))\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp), "RAPPORTGEN_CACHE": str(tmp_path / "cache")}
    res = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    pipes = [p for p in res.stdout.split() if p.startswith("/tmp/OSL_PIPE_")]
    assert pipes  # they existed while the pool ran
    assert (tmp_path / "ut" / "a.pdf").is_file()
    assert _leftovers(tmp) == []  # no instance folder, no lu*.tmp, no rapportgen-konv-*
    assert [p for p in pipes if os.path.exists(p)] == []
    assert _soffice_with(str(tmp)) == []
