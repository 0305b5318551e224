"""What the client (varm.klient), the fork server (varm.server) and the background server share."""

from __future__ import annotations

import json
import os
import sys

# Verbs that may run in the warm process (ASCII names; aliases and å/ä/ö spellings map here).
VERB = frozenset({"handling", "tjansteskrivelse", "delarsrapport", "verksamhetsplan", "revisionssvar",
                  "uppdragslista", "protokoll", "utdrag", "anslagsbevis", "kontrollera"})
_ALIAS = {"check": "kontrollera"}
_ASCII = str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE")

SOCKET = "varm.sock"
STATE = "varm.json"
MAGIC = b"RGV1"
MAX_BEGARAN = 8 * 1024 * 1024  # argv + environment; Linux allows 2 MB for both
SVAR_TIDSGRANS = 10.0  # seconds for the fork server to take a request, else run here
_AV = {"0", "nej", "av", "false", "no", "off"}


def state_path() -> str:
    """The background server's state folder (as bakgrund.state_dir(), without creating it)."""
    explicit = os.environ.get("RAPPORTGEN_SERVER_DIR")
    if explicit:
        return explicit
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "rapportgen")


def adress(folder: str, name: str = SOCKET) -> tuple[str, int | None]:
    """The address of a socket in folder, and a descriptor to close after bind/connect: a path
    too long for AF_UNIX (108 bytes) is reached through /proc/self/fd/N of the open folder."""
    path = os.path.join(folder, name)
    if len(os.fsencode(path)) < 100:
        return path, None
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    return f"/proc/self/fd/{fd}/{name}", fd


def paket() -> str:
    """The folder of the rapportgen package this process runs."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def kodavtryck(folder: str | None = None) -> str:
    """A digest of the package's files (relative path, size, mtime_ns) and of the installed
    libraries (the site-packages folders' mtimes, which change when a package is installed)."""
    import hashlib

    folder = folder or paket()
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            h.update(f"{os.path.relpath(path, folder)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode(
                "utf-8", "surrogateescape"))
    for entry in sorted(set(p for p in sys.path if os.path.isabs(p) and p.endswith(("site-packages",
                                                                                       "dist-packages")))):
        try:
            h.update(f"{entry}\0{os.stat(entry).st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
        except OSError:
            pass
    return h.hexdigest()


_FLAGGOR_UTOM = {"safe_path"}  # the fork server runs with -P; it never imports from a working folder


def fingeravtryck(folder: str | None = None) -> str:
    """What a client and the fork server must share to run the same code the same way."""
    import hashlib

    exe = os.path.realpath(sys.executable)
    try:
        st = os.stat(exe)
        exe_stat = f"{st.st_size}/{st.st_mtime_ns}"
    except OSError:
        exe_stat = "?"
    flags = sorted((n, getattr(sys.flags, n)) for n in dir(sys.flags)
                   if not n.startswith(("_", "n_")) and n not in {"count", "index"} | _FLAGGOR_UTOM)
    python_env = sorted((k, v) for k, v in os.environ.items() if k.startswith("PYTHON"))
    parts = [sys.executable, exe, exe_stat, sys.version, paket(), repr(flags), repr(sorted(sys._xoptions.items())),
             repr(sys.warnoptions), repr(python_env), kodavtryck(folder)]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def verb(argv: list[str]) -> str | None:
    """The delegable verb argv asks for, or None (another verb, a group option, or help)."""
    if not argv or argv[0].startswith("-"):
        return None
    name = argv[0]
    name = _ALIAS.get(name, name)
    if name not in VERB:
        import unicodedata

        name = unicodedata.normalize("NFC", name).translate(_ASCII)
        name = _ALIAS.get(name, name)
    if name not in VERB:
        return None
    for arg in argv[1:]:
        if arg == "--":
            break
        if arg in ("-h", "--help"):
            return None
    return name


def avstangd() -> bool:
    return os.environ.get("RAPPORTGEN_VARM", "").strip().lower() in _AV


def debug(text: str) -> None:
    if os.environ.get("RAPPORTGEN_VARM_DEBUG", "").strip() not in ("", "0"):
        try:
            sys.stderr.write(f"rapportgen varm: {text}\n")
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass


class Rader:
    """Newline-framed messages on a socket, for both ends of the protocol."""

    def __init__(self, sock) -> None:
        self.sock = sock
        self.buf = b""

    def las(self) -> bytes | None:
        """The next whole line (waiting for it); None at end of input."""
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def las_json(self) -> dict | None:
        line = self.las()
        return None if line is None else json.loads(line)

    def fardig(self) -> list[bytes] | None:
        """The whole lines available after one read; None at end of input."""
        data = self.sock.recv(65536)
        if not data:
            return None
        self.buf += data
        *lines, self.buf = self.buf.split(b"\n")
        return lines
