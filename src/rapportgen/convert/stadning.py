"""Private temp folders that record their owner, and the sweep of dead owners' leftovers.

Every temp folder rapportgen makes (conversion work, a handling's parts, a
LibreOffice instance) is created 0700 and holds a file `.agare` with the
owner's pid and the pid's start time. A normal run, Ctrl-C and SIGTERM remove
their folders themselves; after a SIGKILL nothing can, so the next start
sweeps every folder whose owner is gone: it kills the instance's process
group, removes the LibreOffice sockets it left in /tmp, then the folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Iterator

# The instance script and the sweeper read /proc and name LibreOffice's pipes alike.
from ._unoserve import single_instance_pipe, socket_inodes

OWNER_FILE = ".agare"
PIPES_FILE = ".uttag"  # LibreOffice's sockets outside the folder (OSL pipes in /tmp)
PREFIXES = ("rapportgen-lo-", "rapportgen-konv-", "rapportgen-handling-")


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[19]


def _write_owner(folder: Path, pgid: int | None = None) -> None:
    pid = os.getpid()
    text = f"{pid} {_start_time(pid) or '-'}" + (f" {pgid}" if pgid else "")
    (folder / OWNER_FILE).write_text(text)


def set_group(folder: Path, pgid: int) -> None:
    """Record the process group that the folder's instance runs in (killed by the sweep)."""
    _write_owner(folder, pgid)


def make_private_dir(prefix: str) -> Path:
    """A new 0700 temp folder that names its owner."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(folder, 0o700)
    _write_owner(folder)
    return folder


_LIVE: set[Path] = set()


@contextlib.contextmanager
def private_dir(prefix: str) -> Iterator[Path]:
    """Like tempfile.TemporaryDirectory, but owner-marked (swept after a SIGKILL)."""
    sweep()
    folder = make_private_dir(prefix)
    _LIVE.add(folder)
    try:
        yield folder
    finally:
        _LIVE.discard(folder)
        remove(folder)


def remove_live() -> None:
    """Remove every private folder of this process now (a SIGTERM ends it without finally)."""
    for folder in list(_LIVE):
        _LIVE.discard(folder)
        remove(folder)


def _owner_alive(folder: Path) -> bool:
    try:
        parts = (folder / OWNER_FILE).read_text().split()
        pid, started = int(parts[0]), parts[1]
    except (OSError, ValueError, IndexError):
        return True  # no owner file: being made right now, or not ours to judge
    now = _start_time(pid)
    return now is not None and (started == "-" or now == started)


def _group(folder: Path) -> int | None:
    try:
        parts = (folder / OWNER_FILE).read_text().split()
        return int(parts[2]) if len(parts) > 2 else None
    except (OSError, ValueError):
        return None


def remove(folder: Path) -> None:
    """Remove a folder and the LibreOffice sockets it listed."""
    try:
        pipes = (folder / PIPES_FILE).read_text().splitlines()
    except OSError:
        pipes = []
    # An instance's single-instance pipe follows from its folder, also when the list is gone.
    pipes += [f"{d}/{single_instance_pipe(folder)}" for d in ("/tmp", "/var/tmp")]
    for p in pipes:
        if p.startswith("/") and "OSL_PIPE_" in p:
            with contextlib.suppress(OSError):
                os.unlink(p)
    # The owner file goes last: if a dying LibreOffice writes into the folder meanwhile and the
    # removal fails, the folder keeps its (dead) owner, so the next sweep removes it.
    for _ in range(3):
        try:
            rest = [c for c in folder.iterdir() if c.name != OWNER_FILE]
        except OSError:
            return
        for child in rest:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    child.unlink()
        with contextlib.suppress(OSError):
            if not any(c.name != OWNER_FILE for c in folder.iterdir()):
                with contextlib.suppress(FileNotFoundError):
                    (folder / OWNER_FILE).unlink()
                folder.rmdir()
                return


def sweep(base: str | Path | None = None) -> list[Path]:
    """Remove the folders of owners that are gone (and their LibreOffice); return them."""
    base = os.fspath(base or tempfile.gettempdir())
    removed = []
    # The system's temp folder can hold thousands of entries: compare names first, and make no
    # Path and no stat call for the others (scandir has the type from the directory listing).
    try:
        with os.scandir(base) as it:
            entries = [e for e in it if e.name.startswith(PREFIXES)]
    except OSError:
        return removed
    uid = os.getuid()
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != uid:
                continue
        except OSError:
            continue
        folder = Path(entry.path)
        if _owner_alive(folder):
            continue
        pgid = _group(folder)
        if pgid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        remove(folder)
        removed.append(folder)
    return removed


def listening_sockets(pids: list[int]) -> list[str]:
    """Paths of the Unix sockets the processes hold (LibreOffice's OSL pipes)."""
    inodes = socket_inodes(pids)
    paths = []
    try:
        lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    except OSError:
        return paths
    for line in lines:
        parts = line.split()
        if len(parts) >= 8 and parts[6] in inodes and parts[7].startswith("/"):
            paths.append(parts[7])
    return sorted(set(paths))
