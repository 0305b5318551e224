"""A debug timeline of a build: RAPPORTGEN_TIDSLINJE=fil appends one line per stage to fil.

Each line is `<monotonic seconds> <thread> <event> <detail>`; without the variable logga() is a
dictionary lookup and a return, so the calls can stay in the build. bench/tidslinje.py prints a
timeline from the file.
"""

from __future__ import annotations

import os
import threading
import time

_LAS = threading.Lock()


def aktiv() -> bool:
    return bool(os.environ.get("RAPPORTGEN_TIDSLINJE"))


def logga(handelse: str, detalj: object = "") -> None:
    """Note that event happened now (in this thread), when the timeline is on."""
    fil = os.environ.get("RAPPORTGEN_TIDSLINJE")  # read each time: a warm worker gets it per build
    if not fil:
        return
    rad = f"{time.monotonic():.4f} {threading.current_thread().name} {handelse} {detalj}\n"
    with _LAS:
        with open(fil, "a", encoding="utf-8") as fh:
            fh.write(rad)
