"""The client side of a delegated command (see rapportgen.varm): standard library only.

Protocol on the fork server's Unix socket (one connection per command):
  client -> MAGIC + length (4 bytes) with 4 descriptors (stdin, stdout, stderr, working folder),
            then a JSON request of that length;
  server -> {"klar": pid} (or {"nej": reason}); from here the client is committed:
  client -> "go"; server -> {"startad": worker pid};
  client -> {"signal": n} for each signal to pass on; server -> {"kod": exit code}.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys
from typing import Callable

from .gemensamt import MAGIC, SVAR_TIDSGRANS, Rader, adress, fingeravtryck

_VIDAREBEFORDRA = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def _stream(stream) -> list[str]:
    return [getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"]


def _begaran(argv: list[str]) -> bytes:
    umask = os.umask(0o022)
    os.umask(umask)
    return json.dumps({
        "argv": argv, "env": dict(os.environ), "umask": umask, "pid": os.getpid(),
        "fingeravtryck": fingeravtryck(),
        "strommar": [_stream(sys.stdin), _stream(sys.stdout), _stream(sys.stderr)],
    }).encode("utf-8", "surrogatepass")


def kor(argv: list[str], folder: str, debug: Callable[[str], None]) -> int | None:
    """Run argv in the fork server in folder; its exit code, or None if it did not start."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    cwd = None
    try:
        sock.settimeout(SVAR_TIDSGRANS)
        address, dirfd = adress(folder)
        try:
            sock.connect(address)
        finally:
            if dirfd is not None:
                os.close(dirfd)
        payload = _begaran(argv)
        cwd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        socket.send_fds(sock, [MAGIC + struct.pack("!I", len(payload))], [0, 1, 2, cwd])
        sock.sendall(payload)
        rader = Rader(sock)
        svar = rader.las_json()
    except (OSError, ValueError) as exc:
        debug(f"den varma processen svarade inte ({exc}); kör här")
        sock.close()
        return None
    finally:
        if cwd is not None:
            os.close(cwd)
    if not svar or "klar" not in svar:
        debug(f"den varma processen tog inte kommandot ({(svar or {}).get('nej', 'inget svar')}); kör här")
        sock.close()
        return None
    # Committed: from here the command runs there or not at all.
    sock.settimeout(None)
    code, signum = _folj(sock, rader, svar["klar"], debug)
    if signum:  # the worker was killed by a signal: end the same way, as the command would have
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        except (OSError, ValueError):
            pass
    return code


def _folj(sock: socket.socket, rader: Rader, server_pid: int,
          debug: Callable[[str], None]) -> tuple[int, int | None]:
    """Start the command, pass on signals; its exit code, and the signal that killed it if one did."""

    tidiga: list[int] = []  # signals before "go" was sent: passed on right after it

    def skicka(signum: int) -> None:
        if tidiga is not None and not gatt:
            tidiga.append(signum)
            return
        try:
            sock.sendall(json.dumps({"signal": signum}).encode() + b"\n")
        except OSError:
            pass

    def vidare(signum, _frame):
        skicka(signum)

    def paus(_signum, _frame):  # Ctrl-Z: stop the worker, then this process (the shell's job)
        skicka(signal.SIGSTOP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, paus)
        skicka(signal.SIGCONT)

    gatt = False
    previous = {s: signal.signal(s, vidare) for s in _VIDAREBEFORDRA}
    previous[signal.SIGTSTP] = signal.signal(signal.SIGTSTP, paus)
    try:
        try:
            sock.sendall(b"go\n")
            gatt = True
            for signum in tidiga:
                skicka(signum)
            while True:
                msg = rader.las_json()
                if msg is None:
                    break
                if "startad" in msg:
                    debug(f"kör i den varma processen: arbetare {msg['startad']}, gaffelserver {server_pid}")
                elif "kod" in msg:
                    return int(msg["kod"]), (int(msg["signal"]) if msg.get("signal") else None)
        except (OSError, ValueError):
            pass
        sys.stderr.write("Fel: den varma processen avbröts innan kommandot var klart; "
                         "kör det igen (RAPPORTGEN_VARM=0 kör det utan den)\n")
        return 1, None
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sock.close()
