"""One unoserver instance, started by rapportgen (run as a script with a Python that has uno).

Like `python3 -m unoserver.server`, but without its fixed start-up sleeps:
LibreOffice is started, its UNO port is polled, then unoserver's XML-RPC
server is started. The process leaves when LibreOffice dies or when the
process that started it is gone, so no soffice is left behind.

Arguments: PORT UNO_PORT PROFILE_DIR PARENT_PID SOFFICE [INTERFACE]
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path


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


def _patch_converter() -> None:
    from unoserver import converter

    base = converter.UnoConverter

    class Converter(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.desktop = _HiddenDesktop(self.desktop)

    converter.UnoConverter = Converter


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


def main() -> int:
    port, uno_port, profile, parent, soffice = sys.argv[1:6]
    interface = sys.argv[6] if len(sys.argv) > 6 else "127.0.0.1"
    parent_pid = int(parent)
    from unoserver.server import UnoServer  # imports uno

    _patch_converter()

    server = UnoServer(interface, port, "127.0.0.1", uno_port, Path(profile).as_uri())
    connection = f"socket,host=127.0.0.1,port={uno_port},tcpNoDelay=1;urp;StarOffice.ComponentContext"
    lo = subprocess.Popen([
        soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
        "--nofirststartwizard", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
        f"--accept={connection}",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **SVENSK_MILJO})
    server.libreoffice_process = lo

    def stop(*_args):
        # soffice is a launcher: soffice.bin runs as its child. The instance owns its process
        # group (started with a new session), so killing the group takes every LibreOffice
        # process with it, this wrapper included.
        try:
            lo.kill()
            if os.getpgrp() == os.getpid():
                _kill_group_but_me()
                shutil.rmtree(profile, ignore_errors=True)
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if lo.poll() is not None:
            return 1
        if os.getppid() != parent_pid:  # the owner died while LibreOffice was starting
            stop()
        try:
            with socket.create_connection(("127.0.0.1", int(uno_port)), timeout=1):
                break
        except OSError:
            time.sleep(0.05)
    else:
        stop()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    while True:
        if lo.poll() is not None:
            os._exit(1)
        if os.getppid() != parent_pid:
            stop()
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
