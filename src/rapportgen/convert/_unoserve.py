"""One unoserver instance, started by rapportgen (run as a script with a Python that has uno).

Like `python3 -m unoserver.server`, but reachable only by its owner and
without fixed start-up sleeps. Everything lives in the instance's 0700
FOLDER: the LibreOffice profile, LibreOffice's temp files (TMPDIR) and the
Unix socket of the XML-RPC front (rpc.sock). LibreOffice accepts UNO on an
OSL pipe with a random name (a 0700 socket in /tmp; LibreOffice 7 always puts
its pipes there); every socket it made is listed in FOLDER/.uttag and removed
on stop. The process leaves when LibreOffice dies or when the process that
started it is gone, so no soffice is left behind.

Arguments: FOLDER PARENT_PID SOFFICE [TEMPLATE]

TEMPLATE is a LibreOffice profile made once (server.profilmall()): each instance starts from a
copy of it instead of an empty profile, which LibreOffice would first fill and then restart for.
"""

import hashlib
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


class _HiddenDesktop:
    """Load documents hidden in a new frame: headless Calc cannot load into '_default'."""

    def __init__(self, desktop):
        self._desktop = desktop

    def loadComponentFromURL(self, url, _frame, flags, props):
        from com.sun.star.beans import PropertyValue

        props = tuple(p for p in props if p.Name != "Hidden") + (PropertyValue(Name="Hidden", Value=True),)
        return self._desktop.loadComponentFromURL(url, "_blank", flags, props)

    def __getattr__(self, name):
        return getattr(self._desktop, name)


# LibreOffice takes its default locale from the environment (no system locale needed): Swedish
# number formats in spreadsheets (1 234 567,50), Swedish dates and hyphenation.
SVENSK_MILJO = {"LC_ALL": "sv_SE.UTF-8", "LANG": "sv_SE.UTF-8", "LANGUAGE": "sv_SE:sv"}


def _kill_group_but_me() -> None:
    """SIGKILL every other process in this wrapper's process group (soffice.bin and helpers)."""
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            pgrp = int(stat[stat.rindex(")") + 2:].split()[2])
            if pgrp == me:
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, ValueError):
            continue
    time.sleep(0.2)


class _UnixXMLRPCServer(SimpleXMLRPCServer):
    address_family = socket.AF_UNIX

    def server_bind(self):
        path = self.server_address
        folder, name = os.path.split(path)
        # A path under a deep TMPDIR can be longer than AF_UNIX allows (108 bytes): bind it
        # through the open folder (as varm.gemensamt.adress; this script imports no rapportgen).
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            self.socket.bind(path if len(os.fsencode(path)) < 100 else f"/proc/self/fd/{fd}/{name}")
        finally:
            os.close(fd)
        os.chmod(path, 0o600)


class _Handler(SimpleXMLRPCRequestHandler):
    disable_nagle_algorithm = False  # TCP_NODELAY does not exist on a Unix socket
    def address_string(self):
        return "lokal"

    def log_message(self, *_args):
        pass


def _converter(pipe: str):
    from unoserver import converter

    class PipeConverter(converter.UnoConverter):
        """unoserver's converter, connected through LibreOffice's OSL pipe instead of TCP."""

        def __init__(self):
            import uno

            self.local_context = uno.getComponentContext()
            self.resolver = self.local_context.ServiceManager.createInstanceWithContext(
                "com.sun.star.bridge.UnoUrlResolver", self.local_context)
            self.context = self.resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            self.service = self.context.ServiceManager
            self.desktop = _HiddenDesktop(
                self.service.createInstanceWithContext("com.sun.star.frame.Desktop", self.context))
            self.filter_service = self.service.createInstanceWithContext(
                "com.sun.star.document.FilterFactory", self.context)
            self.type_service = self.service.createInstanceWithContext(
                "com.sun.star.document.TypeDetection", self.context)
            self.temp_dir = None
            self._export_filters = None
            self._import_filters = None

    return PipeConverter()


PROFILE = "profil"  # the instance's LibreOffice profile, inside its folder


def single_instance_pipe(folder: Path) -> str:
    """The name of the socket LibreOffice makes for the instance's profile (its single-instance
    pipe), known before it starts: OSL_PIPE_<uid>_SingleOfficeIPC_<MD5 of the profile's URL as
    UTF-16, each byte in hex without a leading zero> (CreateMD5FromString in LibreOffice's
    desktop/source/app/officeipcthread.cxx)."""
    digest = hashlib.md5((folder / PROFILE).as_uri().encode("utf-16-le")).digest()
    return f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)


def _egen(path: Path) -> bool:
    """A real folder (not a link) of this user's, that no one else can write to or into."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def _skapa_mall(mall: Path, soffice: str, env: dict) -> None:
    """Make the profile template: LibreOffice starts on an empty profile and stops once it is set
    up; the finished profile is renamed into place (a half-made one is never seen). Two instances
    starting at once may both make one; the second rename fails and its copy is dropped."""
    import tempfile

    parent = mall.parent
    try:
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _egen(parent):
            return
        for old in parent.glob(".mall-*"):  # left by an instance killed while it made one
            if time.time() - old.stat().st_mtime > 600:
                shutil.rmtree(old, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=".mall-", dir=parent))
    except OSError:
        return
    try:
        ny = work / "profil"
        r = subprocess.run([soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
                            "--nofirststartwizard", "--norestore", f"-env:UserInstallation={ny.as_uri()}",
                            "--terminate_after_init"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=env, timeout=120)
        if r.returncode == 0 and (ny / "user").is_dir():
            os.chmod(ny, 0o700)
            os.rename(ny, mall)
    except (OSError, subprocess.SubprocessError):
        pass
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fran_mall(mall: Path, profile: Path, soffice: str, env: dict) -> bool:
    """Copy the template (made first when there is none) to the instance's profile; whether it was."""
    if not _egen(mall):
        if os.path.lexists(mall):
            return False  # someone else's, a link or open to others: not used, not touched
        _skapa_mall(mall, soffice, env)
        if not _egen(mall):
            return False
    try:
        shutil.copytree(mall, profile, symlinks=True)
        return True
    except (OSError, shutil.Error):
        shutil.rmtree(profile, ignore_errors=True)
        return False


def main() -> int:
    folder, parent, soffice = sys.argv[1:4]
    mall = Path(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else None
    folder = Path(folder)
    parent_pid = int(parent)
    os.umask(0o077)  # LibreOffice's OSL pipes in /tmp get mode 0700: only this user can connect

    pipe = f"rapportgen_{secrets.token_hex(16)}"
    uttag = folder / ".uttag"
    # Where LibreOffice will put its pipes, the UNO one and the single-instance one (recorded first,
    # so an instance stopped or killed while it starts leaves no socket either).
    pipes = [f"{d}/{name}" for name in (f"OSL_PIPE_{os.getuid()}_{pipe}", single_instance_pipe(folder))
             for d in ("/tmp", "/var/tmp")]
    uttag.write_text("".join(f"{p}\n" for p in pipes))
    tmp = folder / "tmp"
    tmp.mkdir(mode=0o700, exist_ok=True)
    profile = folder / PROFILE
    env = {**os.environ, **SVENSK_MILJO, "TMPDIR": str(tmp)}
    fran_mall = mall is not None and _fran_mall(mall, profile, soffice, env)
    lo = subprocess.Popen([
        soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
        "--nofirststartwizard", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    def stop(*_args):
        # soffice is a launcher: soffice.bin runs as its child. The instance owns its process
        # group (started with a new session), so killing the group takes every LibreOffice
        # process with it, this wrapper included.
        try:
            lo.kill()
            if os.getpgrp() == os.getpid():
                _kill_group_but_me()
            try:
                listed = uttag.read_text().splitlines()
            except OSError:  # the folder is already gone: the pipes known from the start
                listed = []
            for line in set(pipes + listed):
                try:
                    os.unlink(line)
                except OSError:
                    pass
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + 120
    conv = None
    while time.monotonic() < deadline:
        if lo.poll() is not None:
            if fran_mall:  # it did not start from the template: the next attempt makes a new one
                shutil.rmtree(mall, ignore_errors=True)
            return 1
        if os.getppid() != parent_pid:  # the owner died while LibreOffice was starting
            stop()
        try:
            conv = _converter(pipe)
            break
        except Exception:  # not accepting yet (NoConnectException)
            time.sleep(0.02)
    if conv is None:
        stop()
    # Record every socket LibreOffice holds (its single-instance pipe too), for the clean-up.
    pids = [int(e) for e in os.listdir("/proc") if e.isdigit() and int(e) != os.getpid()
            and _pgrp(int(e)) == os.getpgrp()]
    known = set(uttag.read_text().splitlines())
    extra = [p for p in _unix_sockets(pids) if p not in known and "OSL_PIPE_" in p]
    if extra:
        uttag.write_text("".join(f"{p}\n" for p in sorted(known) + extra))

    server = _UnixXMLRPCServer(str(folder / "rpc.sock"), requestHandler=_Handler, logRequests=False,
                               allow_none=True)
    server.register_introspection_functions()

    def convert(inpath, outpath, filter_options, update_index=True):
        conv.convert(inpath, None, outpath, "pdf", None, list(filter_options or []), bool(update_index),
                     None, None)
        return True

    server.register_function(convert, "convert")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    while True:
        if lo.poll() is not None:
            os._exit(1)
        if os.getppid() != parent_pid:
            stop()
        time.sleep(0.2)


def _pgrp(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat[stat.rindex(")") + 2:].split()[2])
    except (OSError, ValueError):
        return None


def socket_inodes(pids) -> set[str]:
    """The inode numbers of the sockets these processes hold open (from /proc/PID/fd)."""
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
        except OSError:
            continue
    return inodes


def _unix_sockets(pids: list[int]) -> list[str]:
    inodes = socket_inodes(pids)
    found = []
    try:
        for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 8 and parts[6] in inodes and parts[7].startswith("/"):
                found.append(parts[7])
    except OSError:
        pass
    return sorted(set(found))


if __name__ == "__main__":
    sys.exit(main())
