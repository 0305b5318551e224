"""Issue 19: build commands delegated to the background server's warm process (rapportgen.varm).

One background server (one LibreOffice instance) serves most tests of this module. Every
command runs as its own `rapportgen` process, as a user's would; RAPPORTGEN_VARM_DEBUG=1 makes
the worker name itself and its fork server on stderr, which is how a test knows where a
command ran. Outputs are compared by the text of the PDFs, against the same command run
in-process (RAPPORTGEN_VARM=0).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rapportgen.varm import gemensamt

from .conftest import EXAMPLES, pdf_text

RG = Path(sys.executable).with_name("rapportgen")
PROFIL = EXAMPLES / "rapportgen.yaml"
SRC = EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md"
ARBETARE = re.compile(r"rapportgen varm: arbetare (\d+), förälder (\d+), gaffelserver (\d+)")


def _vanta(villkor, sekunder: float = 120.0, text: str = ""):
    """Wait for a condition; the deadline only stops a hung test."""
    deadline = time.monotonic() + sekunder
    while time.monotonic() < deadline:
        value = villkor()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"väntade förgäves: {text}")


def _varm_state(folder: Path) -> dict | None:
    try:
        st = json.loads((folder / gemensamt.STATE).read_text())
    except (OSError, ValueError):
        return None
    if not (folder / gemensamt.SOCKET).exists() or not Path(f"/proc/{st['pid']}").exists():
        return None
    return st


class Server:
    def __init__(self, base: Path, extra_env: dict | None = None):
        self.folder = base / "server"
        self.env = {**os.environ, "RAPPORTGEN_SERVER_DIR": str(self.folder), "XDG_CACHE_HOME": str(base / "xdg"),
                    "RAPPORTGEN_CACHE": str(base / "cache"), "RAPPORTGEN_VARM_DEBUG": "1", **(extra_env or {})}
        self.env.pop("RAPPORTGEN_VARM", None)

    def start(self) -> "Server":
        self.rg(["server", "start", "--arbetare", "1", "--vila", "0"], check=True)
        self.state = _vanta(lambda: _varm_state(self.folder), text="den varma processen")
        return self

    def stop(self) -> None:
        self.rg(["server", "stop"])

    def rg(self, args: list[str], *, cwd: Path | None = None, env: dict | None = None, check: bool = False,
           exe: list[str] | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([*(exe or [str(RG)]), *args], cwd=cwd, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=300)
        if check:
            assert proc.returncode == 0, proc.stderr
        return proc


def delegerad(proc, server: Server) -> bool:
    """Whether the command ran in a worker forked from this server's fork server (not the client)."""
    m = ARBETARE.search(proc.stderr)
    if not m:
        return False
    worker, parent, forkserver = map(int, m.groups())
    return forkserver == server.state["pid"] and parent not in (worker, forkserver)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("varm")).start()
    try:
        yield s
    finally:
        s.stop()


def _texts(folder: Path) -> dict[str, str]:
    return {p.name: pdf_text(p) for p in sorted(folder.glob("*.pdf"))}


def test_delegated_build_writes_what_an_in_process_build_writes(server, tmp_path):
    shutil.copy(SRC, tmp_path / "a.md")
    varm = server.rg(["tjansteskrivelse", "a.md", "-o", "ut-varm", "--profil", str(PROFIL)], cwd=tmp_path)
    kall = server.rg(["tjansteskrivelse", "a.md", "-o", "ut-kall", "--profil", str(PROFIL)], cwd=tmp_path,
                     env={"RAPPORTGEN_VARM": "0"})
    assert (varm.returncode, kall.returncode) == (0, 0), varm.stderr + kall.stderr
    assert delegerad(varm, server), varm.stderr
    assert not delegerad(kall, server) and "arbetare" not in kall.stderr
    # Relative input and -o paths resolved against the client's working folder.
    assert sorted(p.name for p in (tmp_path / "ut-varm").iterdir()) == ["a.docx", "a.pdf"]
    texts = _texts(tmp_path / "ut-varm")
    assert "familjehem" in texts["a.pdf"].lower()
    assert texts == _texts(tmp_path / "ut-kall")
    assert "skrev ut-varm/a.pdf" in varm.stdout  # the client's stdout is the worker's
    # The fork server stays single-threaded (fork safety) and starts no LibreOffice of its own.
    pid = server.state["pid"]
    assert "Threads:\t1\n" in Path(f"/proc/{pid}/status").read_text()
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert not [c for c in children if "soffice" in _cmdline(c) or "_unoserve" in _cmdline(c)]


def test_exit_codes_and_messages_are_those_of_the_command(server, tmp_path):
    bad = tmp_path / "fel-dnr.md"
    bad.write_text(SRC.read_text(encoding="utf-8").replace("dnr: SN/2023:197", "dnr: fel"), encoding="utf-8")
    for args, code in ((["tjansteskrivelse", "saknas.md", "-o", "ut"], 2),
                       (["kontrollera", "fel-dnr.md", "--profil", str(PROFIL)], 1),
                       (["check", str(SRC), "--profil", str(PROFIL)], 0)):
        varm = server.rg(args, cwd=tmp_path)
        kall = server.rg(args, cwd=tmp_path, env={"RAPPORTGEN_VARM": "0"})
        assert delegerad(varm, server), varm.stderr
        assert (varm.returncode, kall.returncode) == (code, code), (args, varm.stderr, kall.stderr)
        assert varm.stdout == kall.stdout
        assert _utan_debug(varm.stderr) == kall.stderr
        assert "Traceback" not in varm.stderr
    missing = server.rg(["tjänsteskrivelse", "saknas.md", "-o", "ut"], cwd=tmp_path)
    assert delegerad(missing, server)  # the spelling with ä is the same verb
    assert missing.returncode == 2 and "saknas.md: filen finns inte" in missing.stderr


def _utan_debug(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("rapportgen varm:"))


def test_the_clients_environment_reaches_the_worker(server, tmp_path):
    cache = tmp_path / "egen-cache"
    proc = server.rg(["tjansteskrivelse", str(SRC), "-o", str(tmp_path / "ut"), "--profil", str(PROFIL)],
                     env={"RAPPORTGEN_CACHE": str(cache)})
    assert proc.returncode == 0 and delegerad(proc, server), proc.stderr
    assert list(cache.rglob("*.pdf"))  # the converted PDF was cached where the client's variable says


def test_help_other_verbs_and_varm_0_run_in_process(server, tmp_path):
    for args, env in ((["handling", "--help"], {}), (["tjansteskrivelse", "-h"], {}), (["cache", "status"], {}),
                      (["tjansteskrivelse", str(SRC), "-o", str(tmp_path)], {"RAPPORTGEN_VARM": "0"})):
        proc = server.rg(args, env=env)
        assert proc.returncode == 0, proc.stderr
        assert not delegerad(proc, server) and "arbetare" not in proc.stderr, args


def test_another_interpreter_setting_runs_in_process(server, tmp_path):
    # The fingerprint covers the interpreter's PYTHON* variables and flags, not only the code.
    proc = server.rg(["tjansteskrivelse", str(SRC), "-o", str(tmp_path)], env={"PYTHONHASHSEED": "7"})
    assert proc.returncode == 0, proc.stderr
    assert not delegerad(proc, server)
    assert "annan kod eller Python" in proc.stderr


def test_code_fingerprint_follows_every_file_of_the_package(tmp_path):
    copy = tmp_path / "rapportgen"
    shutil.copytree(gemensamt.paket(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = gemensamt.kodavtryck(str(copy))
    assert gemensamt.kodavtryck(str(copy)) == before
    target = copy / "format.py"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1))  # same size, one nanosecond newer
    assert gemensamt.kodavtryck(str(copy)) != before
    edited = gemensamt.kodavtryck(str(copy))
    (copy / "templates" / "ny.docx").write_bytes(b"x")
    assert gemensamt.kodavtryck(str(copy)) != edited


def _delegerat_bygge(server, tmp_path, *, stdout=subprocess.DEVNULL, env=None):
    """A 30-document tjänsteskrivelse build handed to the warm process, once it renders: the client
    process and the worker line's match (worker, supervisor, ...)."""
    for i in range(30):
        shutil.copy(SRC, tmp_path / f"d{i:02d}.md")
    proc = subprocess.Popen([str(RG), "tjansteskrivelse", *sorted(p.name for p in tmp_path.glob("d*.md")), "-o", "ut",
                             "--profil", str(PROFIL)], cwd=tmp_path, stdout=stdout, stderr=subprocess.PIPE,
                            text=True, env=env or server.env)
    line = proc.stderr.readline()
    while line and not ARBETARE.search(line):
        line = proc.stderr.readline()
    m = ARBETARE.search(line)
    assert m, "the command was not delegated"
    _vanta(lambda: list((tmp_path / "ut").glob("*.docx")), text="bygget har börjat")  # it renders
    return proc, m


def test_ctrl_c_while_delegated_exits_130_and_leaves_nothing(server, tmp_path, kort_tmp):
    proc, m = _delegerat_bygge(server, tmp_path, stdout=subprocess.PIPE, env={**server.env, "TMPDIR": str(kort_tmp), "RAPPORTGEN_CACHE": str(tmp_path / "cache")})  # own cache: the build converts, not only copies PDFs earlier tests made
    worker = int(m.group(1))
    # ... and converts, in a private folder under the client's TMPDIR (not the fork server's).
    _vanta(lambda: list(Path(kort_tmp).iterdir()), text="byggets mapp i klientens TMPDIR")
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Avbrutet." in err and "Traceback" not in err
    _vanta(lambda: not Path(f"/proc/{worker}").exists(), 30, "arbetaren avslutas")
    # Nothing of this build is left: no process started with its temp folder, no LibreOffice profile.
    left = [p for p in os.listdir("/proc") if p.isdigit() and str(kort_tmp).encode() in _environ(p)]
    assert left == [], [_cmdline(p) for p in left]
    assert not list(Path(kort_tmp).glob("rapportgen-lo-*"))
    # The fork server still serves.
    again = server.rg(["tjansteskrivelse", "d00.md", "-o", "ut2", "--profil", str(PROFIL)], cwd=tmp_path)
    assert again.returncode == 0 and delegerad(again, server), again.stderr


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _environ(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def test_a_killed_client_takes_its_worker_along(server, tmp_path):
    proc, m = _delegerat_bygge(server, tmp_path)
    worker = int(m.group(1))
    proc.kill()
    proc.wait(30)
    # The worker still writes to the pipe the client left: its end is when the worker is done. It
    # was interrupted (Ctrl-C's message), not killed; a hung worker would be, some seconds later.
    rest = proc.stderr.read()
    assert "Avbrutet." in rest
    _vanta(lambda: not Path(f"/proc/{worker}").exists(), 60, "arbetaren avslutas när klienten är borta")


def test_sigterm_ends_the_command_as_it_would_end_in_process(server, tmp_path):
    """SIGTERM to the client reaches the worker; the client then dies of the same signal."""
    proc, m = _delegerat_bygge(server, tmp_path)
    worker = int(m.group(1))
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=120)  # to the end of the worker's writes too
    assert proc.returncode == -signal.SIGTERM  # as the in-process command: killed by SIGTERM ...
    assert "Avbrutet." not in err and "Traceback" not in err  # ... at once, not interrupted
    _vanta(lambda: not Path(f"/proc/{worker}").exists(), 30, "arbetaren avslutas")
    assert len(list((tmp_path / "ut").glob("*.pdf"))) < 30  # the worker was stopped, did not finish


def test_a_lost_supervisor_stops_its_worker_and_the_client_says_so(server, tmp_path):
    proc, m = _delegerat_bygge(server, tmp_path)
    worker, supervisor, _ = map(int, m.groups())
    os.kill(supervisor, signal.SIGKILL)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "den varma processen avbröts innan kommandot var klart" in err
    assert "Avbrutet." in err  # the worker was interrupted when its parent was gone
    _vanta(lambda: not Path(f"/proc/{worker}").exists(), 30, "arbetaren avslutas")


NOBODY_PROBE = r"""
import json, socket, struct, sys
path, fingerprint = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(path)
except PermissionError:
    print("NEKAD-ANSLUTNING"); sys.exit()
payload = json.dumps({"argv": ["kontrollera", "/"], "env": {}, "umask": 18, "pid": 0,
                      "fingeravtryck": fingerprint, "strommar": [["utf-8", "strict"]] * 3}).encode()
try:
    socket.send_fds(s, [b"RGV1" + struct.pack("!I", len(payload))], [0, 1, 2, 0])
    s.sendall(payload)
    print("SVAR", s.recv(100))
except OSError as exc:
    print("STANGD", exc)
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_another_user_cannot_use_the_warm_process(server, tmp_path):
    sock = server.folder / gemensamt.SOCKET
    args = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", NOBODY_PROBE,
            str(sock), server.state["fingeravtryck"]]
    # The 0700 state folder keeps other users from the socket ...
    assert oct(server.folder.stat().st_mode & 0o777) == "0o700"
    probe = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert "NEKAD-ANSLUTNING" in probe.stdout, probe.stdout + probe.stderr
    # ... and if it could reach it (a second name for the socket in an open folder, the socket
    # writable for all), the fork server itself refuses another uid.
    import tempfile

    mode = sock.stat().st_mode & 0o777
    open_dir = Path(tempfile.mkdtemp(prefix="rg-varm-oppen-", dir="/tmp"))
    try:
        open_dir.chmod(0o711)
        os.link(sock, open_dir / "varm.sock")
        sock.chmod(0o666)
        args[args.index(str(sock))] = str(open_dir / "varm.sock")
        probe = subprocess.run(args, capture_output=True, text=True, timeout=60)
    finally:
        sock.chmod(mode)
        shutil.rmtree(open_dir)
    assert "SVAR b''" in probe.stdout or "STANGD" in probe.stdout, probe.stdout + probe.stderr
    assert "avvisat" in (server.folder / "server.log").read_text()


def test_a_dead_fork_server_is_replaced(tmp_path):
    s = Server(tmp_path).start()
    try:
        old = s.state["pid"]
        os.kill(old, signal.SIGKILL)
        s.state = _vanta(lambda: (st := _varm_state(s.folder)) and st["pid"] != old and st, text="en ny varm process")
        status = s.rg(["server", "status"], check=True)
        assert f"varm process: process {s.state['pid']}" in status.stdout
        proc = s.rg(["tjansteskrivelse", str(SRC), "-o", str(tmp_path / "ut"), "--profil", str(PROFIL)])
        assert proc.returncode == 0 and delegerad(proc, s), proc.stderr
    finally:
        s.stop()
    assert not Path(f"/proc/{s.state['pid']}").exists() or b"Z" in _stat(s.state["pid"])
    assert not (s.folder / gemensamt.SOCKET).exists()
    assert "varm process" not in s.rg(["server", "status"]).stdout


def _stat(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1][:3]
    except OSError:
        return b""


def test_a_terminal_stays_a_terminal(server, tmp_path):
    """The worker writes to the client's own terminal: isatty-based progress shows as in-process."""
    import pty

    shutil.copy(SRC, tmp_path / "a.md")
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([str(RG), "tjansteskrivelse", "a.md", "-o", "ut", "--profil", str(PROFIL)],
                                cwd=tmp_path, stdout=subprocess.PIPE, stderr=slave, env=server.env)
        os.close(slave)
        seen = b""
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer of the terminal is gone
                break
            if not data:
                break
            seen += data
        out, _ = proc.communicate(timeout=120)
    finally:
        os.close(master)
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 0, text
    assert ARBETARE.search(text), text  # delegated ...
    assert "Tjänsteskrivelser" in text and "\x1b[" in text  # ... and rich drew its progress bar there
    assert b"skrev ut/a.pdf" in out


def test_client_and_background_server_agree_on_the_state_folder(tmp_path, monkeypatch):
    from rapportgen.convert import bakgrund

    monkeypatch.delenv("RAPPORTGEN_SERVER_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert gemensamt.state_path() == str(bakgrund.state_dir())
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "hem"))
    assert gemensamt.state_path() == str(bakgrund.state_dir())
    monkeypatch.setenv("RAPPORTGEN_SERVER_DIR", str(tmp_path / "egen"))
    assert gemensamt.state_path() == str(bakgrund.state_dir())


def test_edited_code_never_runs_stale(tmp_path):
    """An edited install (here a copy of the package on PYTHONPATH) runs its new code at once:
    in-process until the background server has replaced its warm process, then delegated."""
    src = tmp_path / "src"
    shutil.copytree(gemensamt.paket(), src / "rapportgen", ignore=shutil.ignore_patterns("__pycache__"))
    s = Server(tmp_path, {"PYTHONPATH": str(src)}).start()
    try:
        assert s.state["paket"] == str(src / "rapportgen")
        args = ["tjansteskrivelse", "saknas.md", "-o", "ut"]
        before = s.rg(args, cwd=tmp_path)
        assert delegerad(before, s) and "saknas.md: filen finns inte\n" in before.stderr
        text = src / "rapportgen" / "inputs" / "text.py"
        text.write_text(text.read_text(encoding="utf-8").replace('"filen finns inte"', '"filen finns inte (ny kod)"'),
                        encoding="utf-8")
        edited = s.rg(args, cwd=tmp_path)
        assert not delegerad(edited, s)
        assert edited.returncode == 2 and "filen finns inte (ny kod)" in edited.stderr
        old = s.state["pid"]
        s.state = _vanta(lambda: (st := _varm_state(s.folder)) and st["pid"] != old and st,
                         text="en varm process med den nya koden")
        after = s.rg(args, cwd=tmp_path)
        assert delegerad(after, s) and "filen finns inte (ny kod)" in after.stderr
    finally:
        s.stop()
