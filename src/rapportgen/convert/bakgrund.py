"""A background pool of warm LibreOffice instances that outlives one command.

`rapportgen server start` (or `konvertering: vila: SEK` in the profile) starts
a detached process that keeps the instances running; builds find it through a
state file and convert on its instances, so an edit-and-rebuild cycle does
not pay LibreOffice's start-up. It stops after `vila` seconds without a build
(0: only on `rapportgen server stop`), and replaces instances that die. While
a build uses it, the build holds a shared lock, so it never stops mid-build.

It also keeps one fork server (rapportgen.varm.server) as its child: a preloaded
Python process that build commands are delegated to, so a rebuild does not pay
the interpreter's start and the imports either. It is restarted when it dies or
when rapportgen's code changes, and stopped with the background server.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..fileio import write_text_atomic
from ..varm import gemensamt as varm
from . import server as srv
from .cache import rapportgen_cache_home
from .pool import SharedEndpoint

START_TIMEOUT = 180.0
VARM_OMSTART = 10.0  # pause before a fork server that died young twice in a row starts again (doubling)
VARM_OMSTART_MAX = 600.0
VARM_KONTROLL = 2.0  # seconds between checks of the code the fork server runs


def state_dir() -> Path:
    explicit = os.environ.get("RAPPORTGEN_SERVER_DIR")
    path = Path(explicit) if explicit else rapportgen_cache_home()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _state_file() -> Path:
    return state_dir() / "server.json"


def _lock_file() -> Path:
    return state_dir() / "server.lock"


def _activity_file() -> Path:
    return state_dir() / "server.aktivitet"


def bygge_pagar() -> bool:
    """Whether a build holds the pool now: a shared flock on server.lock, read from /proc/locks
    (taking the lock to find out would turn away a build attaching in that moment). False where
    /proc/locks cannot tell."""
    try:
        ino = os.stat(_lock_file()).st_ino
        rader = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return False
    for rad in rader:
        f = [x for x in rad.split() if x != "->"]  # "->" marks a waiter
        # "1: FLOCK  ADVISORY  READ  1234 fd:01:5678 0 EOF"
        if len(f) >= 6 and f[1] == "FLOCK" and f[5].rpartition(":")[2] == str(ino):
            return True
    return False


def _touch_activity() -> None:
    _activity_file().touch()  # its mtime is the last build's time


def _is_daemon(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"rapportgen.convert.bakgrund" in cmdline


def status() -> dict | None:
    """The running background pool's state (pid, ports, ...), or None."""
    try:
        state = json.loads(_state_file().read_text())
    except (OSError, ValueError):
        return None
    return state if _is_daemon(int(state.get("pid", 0))) else None


def varm_status() -> dict | None:
    """The warm process's state (pid, modules, fingerprint ...) if it runs, else None."""
    try:
        st = json.loads((state_dir() / varm.STATE).read_text())
        pid = int(st.get("pid", 0))
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, TypeError):
        return None
    if b"rapportgen.varm.server" not in cmdline or not (state_dir() / varm.SOCKET).exists():
        return None
    return st


def _instance_state(n: int) -> dict | None:
    """The background pool's instance number n: its socket ('sokvag') and process group."""
    insts = (status() or {}).get("instanser", [])
    return insts[n] if 0 <= n < len(insts) else None


@dataclass
class Anvandning:
    """A build's use of the background pool; release() when the build is done."""

    endpoints: list[SharedEndpoint]
    fd: int

    def release(self) -> None:
        try:
            _touch_activity()
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)


def attach(arbetare: int | None = None, vila: float = 0.0) -> Anvandning | None:
    """Use the running background pool; with vila > 0 start one if none runs."""
    st = status()
    if st is None and vila > 0:
        st = start(arbetare, vila)
    if st is None:
        return None
    fd = os.open(_lock_file(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:  # it is stopping right now
        os.close(fd)
        return None
    st = status()
    if st is None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        return None
    _touch_activity()
    return Anvandning([SharedEndpoint(n, _instance_state) for n in range(len(st["instanser"]))], fd)


def start(arbetare: int | None = None, vila: float = 0.0) -> dict:
    """Start the background pool (if none runs) and wait until its instances answer."""
    from ..exceptions import ConversionError

    folder = state_dir()
    with open(folder / "server.start.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        st = status()
        if st is not None:
            return st
        log = open(folder / "server.log", "ab")
        cmd = [sys.executable, "-m", "rapportgen.convert.bakgrund", "--vila", str(vila)]
        if arbetare:
            cmd += ["--arbetare", str(arbetare)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            st = status()
            if st is not None and st.get("pid") == proc.pid and st.get("klar"):
                return st
            time.sleep(0.05)
        srv.kill_group(proc.pid)
        raise ConversionError(f"bakgrundsservern startade inte; se {folder / 'server.log'}")


def stop(timeout: float = 30.0) -> bool:
    """Stop the background pool; False if none was running."""
    st = status()
    if st is None:
        return False
    pid = int(st["pid"])
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _is_daemon(pid):
        time.sleep(0.1)
    if _is_daemon(pid):
        for inst in st.get("instanser", []):
            srv.kill_group(inst["pgid"])
        srv.kill_group(pid)
    warm = varm_status()
    if warm is not None:
        try:
            os.kill(int(warm["pid"]), signal.SIGKILL)
        except ProcessLookupError:
            pass
    return True


# --- the background process itself ------------------------------------------------------------


def _write_state(insts: list[srv.Instance], vila: float, klar: bool) -> None:
    data = {"pid": os.getpid(), "vila": vila, "klar": klar, "startad": time.time(),
            "instanser": [{"sokvag": str(i.socket), "pgid": i.pgid} for i in insts if i.proc is not None]}
    write_text_atomic(_state_file(), json.dumps(data))


class _Varm:
    """The fork server, a child of this process (see rapportgen.varm.server)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.checked = 0.0
        self.kod = ""
        self.paus = 0.0
        self.unga = 0  # deaths in a row soon after the start
        self.died = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self.kod = varm.kodavtryck()
        log = open(self.folder / "server.log", "ab")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-P", "-m", "rapportgen.varm.server", "--mapp", str(self.folder),
                 "--agare", str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd="/", close_fds=True)
        finally:
            log.close()

    def tend(self) -> None:
        """Restart the fork server when the code changed, or when it died: at once if it ran a
        while, else after a pause that doubles while it keeps dying young (a broken install)."""
        now = time.monotonic()
        if now - self.checked >= VARM_KONTROLL:
            self.checked = now
            if varm.kodavtryck() != self.kod:
                self.stop()
                self.unga, self.paus = 0, 0.0
                self.start()
                return
        if self.proc is not None and self.proc.poll() is not None:
            lived = now - self.started
            self.unga = 0 if lived > 6 * VARM_OMSTART else self.unga + 1
            self.paus = 0.0 if self.unga <= 1 else min(VARM_OMSTART * 2 ** (self.unga - 2), VARM_OMSTART_MAX)
            print(f"varma processen avslutades ({self.proc.returncode}) efter {lived:.0f} s; "
                  f"startas om om {self.paus:.0f} s", file=sys.stderr, flush=True)
            self.proc = None
            self.died = now
        if self.proc is None and now - self.died >= self.paus:
            self.start()

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def serve(arbetare: int | None, vila: float) -> int:
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_a: stopping.set())
    insts = [srv.Instance(owner_pid=os.getpid()) for _ in range(arbetare or os.cpu_count() or 1)]
    lock_fd = os.open(_lock_file(), os.O_RDWR | os.O_CREAT, 0o600)
    warm = _Varm(state_dir())
    try:
        threads = [threading.Thread(target=i.start, daemon=True) for i in insts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if not any(i.proc is not None for i in insts):
            return 1
        _touch_activity()
        _write_state(insts, vila, True)
        while not stopping.wait(0.5):
            # The fork server's preload takes seconds of CPU: it starts (and restarts) only while no
            # build uses the pool, so the cold build that started this server does not pay for it.
            if not varm.avstangd() and not bygge_pagar():
                if warm.started:
                    warm.tend()
                else:
                    warm.start()
            changed = False
            for inst in insts:
                if inst.proc is None or inst.proc.poll() is not None:
                    try:
                        inst.start()
                    except Exception as exc:  # keep the other instances serving
                        print(f"instans startade inte: {exc}", file=sys.stderr, flush=True)
                    changed = True
            if changed:
                _write_state(insts, vila, True)
            if vila > 0:
                try:
                    idle = time.time() - _activity_file().stat().st_mtime
                except OSError:
                    idle = vila + 1
                if idle > vila:
                    try:
                        fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break  # nobody is building: stop, holding the lock
                    except BlockingIOError:
                        pass
        return 0
    finally:
        try:
            st = status()
            if st and st.get("pid") == os.getpid():
                _state_file().unlink()
        except OSError:
            pass
        warm.stop()
        for inst in insts:
            inst.kill()
        os.close(lock_fd)


def main() -> int:
    parser = argparse.ArgumentParser(prog="rapportgen.convert.bakgrund")
    parser.add_argument("--arbetare", type=int, default=None)
    parser.add_argument("--vila", type=float, default=0.0)
    args = parser.parse_args()
    return serve(args.arbetare, args.vila)


if __name__ == "__main__":
    sys.exit(main())
