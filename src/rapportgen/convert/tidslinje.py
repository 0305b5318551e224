"""A debug timeline of a build: RAPPORTGEN_TIDSLINJE=fil appends one line per stage to fil.

Each line is `<monotonic seconds> <thread> <event> <detail>`; without the variable logga() is a
dictionary lookup and a return, so the calls can stay in the build. bench/tidslinje.py prints a
timeline from the file.
"""

from __future__ import annotations

import os
import threading
import time

_FIL = os.environ.get("RAPPORTGEN_TIDSLINJE") or None
_LAS = threading.Lock()


def aktiv() -> bool:
    return _FIL is not None


def logga(handelse: str, detalj: object = "") -> None:
    """Note that event happened now (in this thread), when the timeline is on."""
    if _FIL is None:
        return
    rad = f"{time.monotonic():.4f} {threading.current_thread().name} {handelse} {detalj}\n"
    with _LAS:
        with open(_FIL, "a", encoding="utf-8") as fh:
            fh.write(rad)
