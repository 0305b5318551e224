"""Warm rebuilds: a build command runs in a process forked from a preloaded one.

While the background server runs (convert/bakgrund.py) it keeps one fork server
(varm/server.py) that has imported rapportgen's build pipeline and compiled the shipped
templates. The CLI entry asks delegera() first; it only uses the standard library, so
the check costs a few milliseconds. A command is delegated when

- its verb builds or checks documents (VERB below) and it asks for no help,
- the fork server's socket exists in the state folder (RAPPORTGEN_SERVER_DIR, else
  $XDG_CACHE_HOME/rapportgen, the same rule as bakgrund.state_dir()),
- the fork server runs the same interpreter with the same flags and PYTHON* variables, and
  the same rapportgen code (fingeravtryck(): path, size and mtime of every file in the
  package, so an edited editable install never runs stale code),
- RAPPORTGEN_VARM is not 0.

The client sends argv, its environment, umask, working folder and standard streams (the
descriptors themselves, SCM_RIGHTS) and waits for the exit code. Anything that fails
before the command has started runs it here instead (RAPPORTGEN_VARM_DEBUG=1 says why);
a command never runs twice.
"""

from __future__ import annotations

import os

from .gemensamt import SOCKET, avstangd, debug, state_path, verb


def delegera(argv: list[str]) -> int | None:
    """Run the command in the warm process and return its exit code; None: run it here."""
    if avstangd() or "_RAPPORTGEN_COMPLETE" in os.environ or verb(argv) is None:
        return None
    folder = state_path()
    if not os.path.exists(os.path.join(folder, SOCKET)):
        debug(f"ingen varm process i {folder}")
        return None
    from . import klient

    return klient.kor(argv, folder, debug)

