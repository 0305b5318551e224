"""Start, watch and kill one local unoserver instance (LibreOffice with an XML-RPC front).

Each instance has its own LibreOffice user profile, XML-RPC port and UNO
port, and runs in its own process group so that it can be killed with
everything it started.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path
from typing import Callable

from ..exceptions import ConversionError

SERVE_SCRIPT = Path(__file__).with_name("_unoserve.py")
START_TIMEOUT = 90.0
SYSTEM_PYTHON = "/usr/bin/python3"


def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(
        "LibreOffice (soffice) hittades inte; installera libreoffice-writer-nogui "
        "(make demo gör det åt dig)"
    )


def _has_uno(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "import uno, unoserver.server"], capture_output=True,
                              timeout=30, env=_python_env()).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _python_env() -> dict[str, str]:
    """unoserver is installed beside rapportgen; make it importable for the system Python too."""
    import unoserver

    site = str(Path(unoserver.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (site, env.get("PYTHONPATH", "")) if p)
    return env


_PYTHON: str | None = None


def uno_python() -> str:
    """A Python that can import uno: this one (a venv with --system-site-packages), else the system's."""
    global _PYTHON
    if _PYTHON is None:
        # find_spec, not import: importing uno installs its import hook in this process, which
        # turns later ModuleNotFoundError into plain ImportError (uvicorn's optional imports break).
        if importlib.util.find_spec("uno") is not None:
            _PYTHON = sys.executable
        else:
            if os.path.exists(SYSTEM_PYTHON) and _has_uno(SYSTEM_PYTHON):
                _PYTHON = SYSTEM_PYTHON
            else:
                raise ConversionError(
                    "Pythonmodulen uno (LibreOffice) saknas; installera python3-uno och skapa "
                    "miljön med --system-site-packages (make venv gör det)") from None
    return _PYTHON


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float | None):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self.timeout
        return conn


def proxy(host: str, port: int, timeout: float | None) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(f"http://{host}:{port}", allow_none=True,
                                     transport=TimeoutTransport(timeout))


def responds(host: str, port: int, timeout: float = 5.0) -> bool:
    try:
        proxy(host, port, timeout).system.listMethods()
        return True
    except (OSError, xmlrpc.client.Error, http.client.HTTPException):
        return False


def wait_responds(host: str, port: int, seconds: float, still: Callable[[], bool] = lambda: True) -> bool:
    """Poll until the server answers (True), the time is up or still() turns False (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and still():
        if responds(host, port, 2.0):
            return True
        time.sleep(0.05)
    return False


def group_pids(pgid: int) -> list[tuple[int, str]]:
    """(pid, command name) of every process in a process group."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append((int(entry), comm))
    return found


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Instance:
    """One local LibreOffice + unoserver, started on demand."""

    def __init__(self, port: int | None = None, owner_pid: int | None = None, interface: str = "127.0.0.1"):
        self.port = port
        self.interface = interface
        # Where to check that it answers: a wildcard address is reached on loopback.
        self.host = "127.0.0.1" if interface in ("0.0.0.0", "::", "") else interface
        self.uno_port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.profile: str | None = None
        self.owner_pid = owner_pid or os.getpid()
        self.starts = 0

    @property
    def pgid(self) -> int | None:
        proc = self.proc
        return proc.pid if proc else None

    def start(self) -> None:
        """Start the instance and wait until it answers; raise ConversionError if it never does."""
        self.kill()
        for _attempt in range(3):
            self.profile = tempfile.mkdtemp(prefix="rapportgen-lo-profil-")
            if self.port is None or not self.port_free(self.port):
                self.port = free_port()
            self.uno_port = free_port()
            self.starts += 1
            self.proc = proc = subprocess.Popen(
                [uno_python(), str(SERVE_SCRIPT), str(self.port), str(self.uno_port), self.profile,
                 str(self.owner_pid), find_soffice(), self.interface],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True, env=_python_env())
            if wait_responds(self.host, self.port, START_TIMEOUT,
                             still=lambda: proc.poll() is None and self.proc is proc):
                return
            self.kill()
        raise ConversionError("LibreOffice (unoserver) startade inte")

    @staticmethod
    def port_free(port: int) -> bool:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return True
            except OSError:
                return False

    def alive(self) -> bool:
        proc = self.proc
        return proc is not None and proc.poll() is None and responds(self.host, self.port, 5.0)

    def soffice_pids(self) -> list[int]:
        if self.pgid is None:
            return []
        return [pid for pid, comm in group_pids(self.pgid) if comm.startswith("soffice")]

    def kill(self) -> None:
        # A worker thread and the signal handler may both kill the instance: work on local copies.
        proc, self.proc = self.proc, None
        if proc is not None:
            kill_group(proc.pid)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        profile, self.profile = self.profile, None
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
