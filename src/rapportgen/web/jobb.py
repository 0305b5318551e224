"""Background jobs (check, build): one at a time per meeting, progress kept for the event stream."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..exceptions import RapportgenError

log = logging.getLogger("rapportgen.web")

# Conversions share one LibreOffice pool: builds of different meetings take turns.
_KONVERTERING = threading.Lock()


class Upptagen(RapportgenError):
    """A second job for a meeting while one is running."""


@dataclass
class Jobb:
    id: str
    nyckel: str  # the meeting (or file) the job is about
    namn: str  # 'Bygg handling', ...
    klar: int = 0
    totalt: int = 0
    steg: str = "väntar på sin tur"
    status: str = "pågår"  # 'pågår', 'klar', 'fel'
    resultat: dict[str, Any] = field(default_factory=dict)
    fel: str = ""
    version: int = 0
    startad: float = field(default_factory=time.monotonic)
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)

    @property
    def pagar(self) -> bool:
        return self.status == "pågår"

    def progress(self, done: int, total: int, name: str = "") -> None:
        """The library's progress callback: (done, total, name)."""
        with self._cond:
            self.klar, self.totalt = int(done), int(total)
            if name:
                self.steg = str(name)
            self.version += 1
            self._cond.notify_all()

    def finish(self, status: str, resultat: dict | None = None, fel: str = "") -> None:
        with self._cond:
            self.status = status
            self.resultat = resultat or {}
            self.fel = fel
            if status == "klar" and self.totalt:
                self.klar = self.totalt
            self.version += 1
            self._cond.notify_all()

    def wait_change(self, seen: int, timeout: float) -> int:
        """Block until the job changes after version `seen` (or timeout); returns the version."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen or not self.pagar, timeout=timeout)
            return self.version


class Jobbhanterare:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobb: dict[str, Jobb] = {}
        self._aktiva: dict[str, Jobb] = {}

    def get(self, jobb_id: str) -> Jobb | None:
        with self._lock:
            return self._jobb.get(jobb_id)

    def aktivt(self, nyckel: str) -> Jobb | None:
        with self._lock:
            j = self._aktiva.get(nyckel)
            return j if j and j.pagar else None

    def senaste(self, nyckel: str) -> Jobb | None:
        with self._lock:
            found = [j for j in self._jobb.values() if j.nyckel == nyckel]
        return max(found, key=lambda j: j.startad) if found else None

    def start(self, nyckel: str, namn: str, arbete: Callable[[Jobb], dict], konvertering: bool = True) -> Jobb:
        """Start a job in a thread; Upptagen when the meeting already has one running."""
        with self._lock:
            running = self._aktiva.get(nyckel)
            if running and running.pagar:
                raise Upptagen(f"'{running.namn}' pågår redan för det här sammanträdet; vänta tills det är klart")
            j = Jobb(secrets.token_urlsafe(8), nyckel, namn)
            self._jobb[j.id] = j
            self._aktiva[nyckel] = j

        def run() -> None:
            try:
                if konvertering:
                    with _KONVERTERING:
                        j.progress(0, 0, "startar")
                        res = arbete(j)
                else:
                    res = arbete(j)
                j.finish("klar", res)
            except RapportgenError as exc:
                j.finish("fel", fel=exc.format_message())
            except Exception:  # noqa: BLE001 - the page shows a message, the log the traceback
                log.exception("jobbet '%s' misslyckades", namn)
                j.finish("fel", fel="ett oväntat fel inträffade; se serverns logg")

        threading.Thread(target=run, name=f"rapportgen-{namn}", daemon=True).start()
        return j
