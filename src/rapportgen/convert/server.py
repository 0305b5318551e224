"""Start, watch and kill one local LibreOffice instance with an XML-RPC front.

Each instance has its own private folder (profile, temp files, the Unix
socket of its XML-RPC front), and runs in its own process group so that it
can be killed with everything it started.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xmlrpc.client
from pathlib import Path
from typing import Callable

from ..exceptions import ConversionError
from . import stadning

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


# Bump when what the profile template holds must change (its key also has LibreOffice's build).
PROFILMALL_VERSION = "1"


def profilmall() -> str:
    """Where the LibreOffice profile template of this LibreOffice build lives ("" when there is no
    home to keep it in): $XDG_DATA_HOME/rapportgen/libreoffice/KEY, else ~/.local/share/...

    A first start makes a profile: LibreOffice registers its bundled extensions and restarts itself
    (~0.2 s of CPU per instance). _unoserve makes the template once and starts every instance
    from a copy. It is not in the PDF cache: emptying that keeps LibreOffice's own set-up, as
    LibreOffice keeps its profile in ~/.config. Only a 0700 folder of the user's own is used."""
    from .cache import _libreoffice_version

    try:
        data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        soffice = os.path.realpath(find_soffice())
    except (RuntimeError, KeyError, ConversionError):
        return ""
    key = hashlib.sha256(f"{PROFILMALL_VERSION}\0{soffice}\0{_libreoffice_version()}".encode()).hexdigest()[:20]
    return str(data / "rapportgen" / "libreoffice" / key)


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


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float | None):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        from ..varm.gemensamt import adress

        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        folder, name = os.path.split(self.path)
        address, dirfd = adress(folder, name)  # a deep TMPDIR: through the open folder
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            raise
        finally:
            if dirfd is not None:
                os.close(dirfd)
        self.sock = sock


class UnixTransport(xmlrpc.client.Transport):
    """XML-RPC over a Unix socket (a local instance's, in its 0700 folder)."""

    def __init__(self, path: str, timeout: float | None):
        super().__init__()
        self.path = path
        self.timeout = timeout

    def make_connection(self, host):
        return _UnixConnection(self.path, self.timeout)


def proxy(address: str | Path, timeout: float | None) -> xmlrpc.client.ServerProxy:
    """XML-RPC to a local instance, reached through its Unix socket."""
    return xmlrpc.client.ServerProxy("http://localhost/", allow_none=True,
                                     transport=UnixTransport(str(address), timeout))


def responds(address: str | Path, timeout: float = 5.0) -> bool:
    try:
        proxy(address, timeout).system.listMethods()
        return True
    except (OSError, xmlrpc.client.Error, http.client.HTTPException):
        return False


def wait_responds(address: str | Path, seconds: float, still: Callable[[], bool] = lambda: True) -> bool:
    """Poll until the instance answers (True), the time is up or still() turns False (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and still():
        if os.path.exists(address) and responds(address, 2.0):
            return True
        time.sleep(0.02)
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


def group_pids_any(pgids: set[int]) -> list[tuple[int, str]]:
    """(pid, command name) of every live process in any of the process groups."""
    return [found for pgid in sorted(pgids) for found in group_pids(pgid)]


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Instance:
    """One local LibreOffice + XML-RPC front, started on demand.

    Everything it uses lives in one 0700 folder that only its owner can enter:
    the LibreOffice profile, LibreOffice's temp files, and the Unix socket the
    XML-RPC front listens on. LibreOffice's own UNO acceptor is an OSL pipe
    (a Unix socket in /tmp, created under umask 077, so mode 0700) with an
    unguessable name. No TCP port is opened.
    """

    def __init__(self, owner_pid: int | None = None):
        self.folder: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.owner_pid = owner_pid or os.getpid()
        self.starts = 0
        # Held while a start makes the folder and the process, and by kill(): a kill from another
        # thread (Ctrl-C's handler) comes before the folder exists or after the process does,
        # never between, so nothing it cannot see is left behind. Reentrant: the handler may
        # interrupt a start in its own thread.
        self._las = threading.RLock()

    @property
    def socket(self) -> Path | None:
        folder = self.folder
        return folder / "rpc.sock" if folder else None

    @property
    def pgid(self) -> int | None:
        proc = self.proc
        return proc.pid if proc else None

    def start(self, avbruten: Callable[[], bool] | None = None) -> None:
        """Start the instance and wait until it answers; raise ConversionError if it never does,
        or as soon as avbruten() says the command is being stopped (no new attempt then)."""
        self.kill()
        stadning.sweep()
        for _attempt in range(3):
            with self._las:
                if avbruten is not None and avbruten():
                    raise ConversionError("LibreOffice startades inte: kommandot avbröts")
                self.folder = folder = stadning.make_private_dir("rapportgen-lo-")
                self.starts += 1
                self.proc = proc = subprocess.Popen(
                    [uno_python(), str(SERVE_SCRIPT), str(folder), str(self.owner_pid), find_soffice(), profilmall()],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    start_new_session=True, env=_python_env(), umask=0o077)
                stadning.set_group(folder, proc.pid)
            if wait_responds(folder / "rpc.sock", START_TIMEOUT,
                             still=lambda: proc.poll() is None and self.proc is proc):
                return
            self.kill()
            if avbruten is not None and avbruten():
                raise ConversionError("LibreOffice startades inte: kommandot avbröts")
        raise ConversionError("LibreOffice (unoserver) startade inte")

    def alive(self) -> bool:
        proc, sock = self.proc, self.socket
        return proc is not None and proc.poll() is None and sock is not None and responds(sock, 5.0)

    def soffice_pids(self) -> list[int]:
        if self.pgid is None:
            return []
        return [pid for pid, comm in group_pids(self.pgid) if comm.startswith("soffice")]

    def kill(self) -> None:
        # A worker thread and the signal handler may both kill the instance: work on local copies.
        with self._las:
            proc, self.proc = self.proc, None
            folder, self.folder = self.folder, None
        if proc is not None:
            kill_group(proc.pid)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        if folder:
            stadning.remove(folder)
