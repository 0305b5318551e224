"""A pool of LibreOffice instances that converts documents in parallel.

Worker threads pull documents from a shared queue, the largest first: one per
local instance, and for a remote service as many as it converts at once plus one,
so that the next document travels while one converts. A thread that is free takes
the next document, so the least busy endpoint gets it. Every document
has a timeout. A hung or crashed instance is killed and replaced and its
document is retried once; a document that still fails is reported with its
name while the others complete. Endpoints are local instances started here,
instances kept by the background pool (`rapportgen server start`), or
remote `rapportgen server kor` services reached over HTTP(S) with a token.
"""

from __future__ import annotations

import abc
import atexit
import http.client
import os
import queue
import signal
import ssl
import sys
import threading
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import natverk, stadning
from . import server as srv
from .tidslinje import logga

DEFAULT_TIMEOUT = 120.0
RECOVER_WAIT = 60.0

# --- every local instance started by this process, for clean-up on any exit ---------------

_LIVE: set[srv.Instance] = set()
_LIVE_LOCK = threading.Lock()
_STOPPING = threading.Event()
_HANDLERS_SET = False


def _register(inst: srv.Instance) -> None:
    with _LIVE_LOCK:
        _LIVE.add(inst)


def _unregister(inst: srv.Instance) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(inst)


def kill_all() -> None:
    """Kill every instance this process started (atexit, Ctrl-C, SIGTERM)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
        _LIVE.clear()
    for inst in live:
        inst.kill()


def _install_handlers() -> None:
    global _HANDLERS_SET
    if _HANDLERS_SET or threading.current_thread() is not threading.main_thread():
        return
    _HANDLERS_SET = True
    atexit.register(kill_all)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(signum)

        def handler(num, frame, previous=previous):
            _STOPPING.set()
            kill_all()
            if num != signal.SIGINT:  # Ctrl-C unwinds (finally blocks run); the others end here
                stadning.remove_live()
            if callable(previous):
                previous(num, frame)
            elif previous == signal.SIG_DFL:
                signal.signal(num, signal.SIG_DFL)
                os.kill(os.getpid(), num)

        try:
            signal.signal(signum, handler)
        except (ValueError, OSError):
            pass
    # A Ctrl-C that lands in a callback Python cannot raise from (a weakref's, a __del__) is only
    # printed there; the stop flag carries it to Pool.run instead, so stay quiet about it.
    previous_hook = sys.unraisablehook

    def quiet_interrupt(u, previous_hook=previous_hook):
        if not (isinstance(u.exc_value, KeyboardInterrupt) and _STOPPING.is_set()):
            previous_hook(u)

    sys.unraisablehook = quiet_interrupt


# --- jobs and endpoints ----------------------------------------------------------------------


class Vakt:
    """Wakes the pool's threads that wait for something to change (a source written, a job taken
    or prepared) instead of letting them look again only every few milliseconds. A waiter notes
    gen before it looks, and vanta(gen, ...) returns at once if anything changed since."""

    def __init__(self) -> None:
        self._villkor = threading.Condition()
        self.gen = 0

    def vacka(self) -> None:
        with self._villkor:
            self.gen += 1
            self._villkor.notify_all()

    def vanta(self, sedan: int, timeout: float) -> None:
        with self._villkor:
            if self.gen == sedan:
                self._villkor.wait(timeout)


@dataclass(eq=False)
class Uppdrag:
    """One document to convert."""

    kalla: Path  # the file the user knows (named in errors)
    utdata: Path  # where the PDF is written
    filter_options: list[str]
    forbered: Callable[[], Path] | None = None  # makes the copy LibreOffice reads
    redo: Callable[[], bool] | None = None  # False while its source is still being written
    storlek: int = -1  # its source's size, once it is written (_nasta)
    prioritet: Callable[[], int] | None = None  # higher goes first, before the size counts
    tagen: Callable[[], None] | None = None  # told when a worker first starts converting it
    indata: Path | None = None
    forsok: int = 0
    fel: str | None = None
    klar: bool = False
    endpoint: str | None = None
    misslyckats_pa: set[str] = field(default_factory=set, repr=False)  # endpoints it failed on (retried elsewhere)
    # Held while the copy is made: by the prepare-ahead thread or the worker that takes the job.
    las: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def forbered_nu(self, vanta: bool = True) -> bool:
        """Make indata (once); False when another thread is making it and vanta is False."""
        if not self.las.acquire(blocking=vanta):
            return False
        try:
            if self.indata is None:
                self.indata = self.forbered() if self.forbered else self.kalla
        finally:
            self.las.release()
        return True


class DocumentFailed(Exception):
    """LibreOffice answered, but could not convert this document."""


class InstanceFailed(Exception):
    """The instance hung, crashed or cannot be reached."""


def _call(address: str | Path, timeout: float, *args):
    try:
        return srv.proxy(address, timeout).convert(*args)
    except xmlrpc.client.Fault as exc:
        if any(m in exc.faultString for m in _BROKEN_BRIDGE):
            raise InstanceFailed("LibreOffice kraschade") from None
        raise DocumentFailed(_fault_text(exc.faultString)) from None
    except (OSError, xmlrpc.client.ProtocolError, http.client.HTTPException) as exc:
        raise InstanceFailed(f"{type(exc).__name__}: {exc}") from None


def _convert_file(address: str | Path | None, job: Uppdrag, timeout: float) -> None:
    """An instance of this user reads job.indata and writes job.utdata itself."""
    if address is None:
        raise InstanceFailed("instansen körs inte")
    _call(address, timeout, str(job.indata), str(job.utdata), job.filter_options, True)


# Faults that mean LibreOffice itself went away, not that the document was bad.
_BROKEN_BRIDGE = ("DisposedException", "bridge disposed", "URP bridge", "already disposed",
                  "pyuno_runtime", "pyuno_adapter")


def _fault_text(text: str) -> str:
    last = text.strip().splitlines()[-1] if text.strip() else text
    return last.split(":", 1)[-1].strip() or last


class Endpoint(abc.ABC):
    name = "?"
    retired = False
    started = True
    plats = 1  # documents it is given at the same time
    # True from an instance fault until recover() is done: its other threads take nothing meanwhile.
    sjukt = False
    aterhamtad_vid = -1.0  # monotonic time of the last recover()

    def ensure(self) -> None:
        """Make sure the endpoint is ready (start it when local)."""

    @abc.abstractmethod
    def convert(self, job: Uppdrag, timeout: float) -> None:
        """Convert job.indata to job.utdata; raise DocumentFailed or InstanceFailed."""

    def check_after_fault(self) -> bool:
        """After a document error: is the endpoint still healthy?"""
        return True

    def recover(self) -> None:
        """Kill and replace a hung or dead instance (or retire the endpoint)."""

    def close(self) -> None:
        pass


class LocalEndpoint(Endpoint):
    """An instance this process starts and owns."""

    def __init__(self, n: int, on_interval: Callable[[float, float], None]):
        self.inst = srv.Instance()
        self.n = n
        self.on_interval = on_interval
        self.started = False
        self.stangd = False  # closed: a start under way gives up, none begins
        self._start_las = threading.Lock()  # a start ahead of the build (Session.forvarm) and a worker

    @property
    def name(self) -> str:
        return f"lokal-{self.n}"

    def ensure(self) -> None:
        with self._start_las:
            if self.started and self.inst.proc is not None:
                return
            if _STOPPING.is_set() or self.stangd:
                raise InstanceFailed("avbruten")
            _register(self.inst)
            t0 = time.monotonic()
            try:
                self.inst.start(avbruten=lambda: _STOPPING.is_set() or self.stangd)
            except Exception as exc:
                raise InstanceFailed(str(exc)) from None
            finally:
                self.on_interval(t0, time.monotonic())
            self.started = True

    def ensure_tyst(self) -> None:
        """ensure(), started ahead of the build: a failure is left to the worker that needs it."""
        try:
            self.ensure()
        except InstanceFailed:
            pass

    def convert(self, job: Uppdrag, timeout: float) -> None:
        _convert_file(self.inst.socket, job, timeout)

    def check_after_fault(self) -> bool:
        time.sleep(0.3)  # a dying LibreOffice takes its wrapper with it within a moment
        return self.inst.alive() and bool(self.inst.soffice_pids())

    def recover(self) -> None:
        self.inst.kill()
        self.started = False
        self.ensure()

    def close(self) -> None:
        self.stangd = True
        self.inst.kill()
        _unregister(self.inst)
        self.started = False


class SharedEndpoint(Endpoint):
    """An instance kept by the background pool; it restarts instances that die."""

    def __init__(self, n: int, state: Callable[[int], dict | None]):
        self.n = n
        self.state = state  # the instance's current {"sokvag", "pgid"} in the pool's state file

    @property
    def name(self) -> str:
        return f"bakgrund-{self.n}"

    def _socket(self) -> str | None:
        st = self.state(self.n)
        return st["sokvag"] if st else None

    def convert(self, job: Uppdrag, timeout: float) -> None:
        _convert_file(self._socket(), job, timeout)

    def check_after_fault(self) -> bool:
        sock = self._socket()
        return bool(sock) and srv.responds(sock)

    def recover(self) -> None:
        st = self.state(self.n)
        if st and st.get("pgid"):
            srv.kill_group(st["pgid"])
        deadline = time.monotonic() + RECOVER_WAIT
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.state(self.n)
            if now and now != st and srv.responds(now["sokvag"], 2.0):
                return
        self.retired = True


class RemoteEndpoint(Endpoint):
    """A `rapportgen server kor` service on another machine: the document travels as bytes.

    The service says in /halsa how many documents it converts at once (its LibreOffice
    instances); the pool gives it that many plus one, so that the next upload overlaps the
    conversion instead of leaving the service idle between documents.
    """

    MAX_PLATS = 64

    def __init__(self, server: str, token: str | None = None, ca_fil: str | None = None, nummer: int = 1):
        self.server = server.strip()
        self.token, self.ca_fil = token, ca_fil
        scheme, host, port = natverk.parse_server(self.server)
        self._name = f"{host}:{port}" if scheme == "http" else f"{scheme}://{host}:{port}"
        if nummer > 1:  # the same address listed again (a load balancer with several servers behind it)
            self._name += f" #{nummer}"
        self._checked = False
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    def _halsa(self, timeout: float) -> int:
        return natverk.halsa(self.server, self.token, timeout=timeout, ca_fil=self.ca_fil)

    def ensure(self) -> None:
        with self._lock:
            if self._checked and not self.retired:
                return
            try:
                arbetare = self._halsa(10.0)
            except natverk.Svar as exc:
                self.retired = True
                why = "fel eller saknad token" if exc.status == 401 else f"svar {exc.status}: {exc}"
                raise InstanceFailed(f"servern {self.name} nekade ({why})") from None
            except ssl.SSLError as exc:
                self.retired = True
                raise InstanceFailed(f"servern {self.name} kunde inte verifieras (TLS: {exc.reason or exc})") from None
            except OSError:
                self.retired = True
                raise InstanceFailed(f"servern {self.name} svarar inte") from None
            self.plats = min(arbetare, self.MAX_PLATS) + 1
            self._checked = True

    def convert(self, job: Uppdrag, timeout: float) -> None:
        from .options import Alternativ

        typ = job.indata.suffix.lower().lstrip(".")
        opts = set(job.filter_options)
        alt = Alternativ(pdfa="SelectPdfVersion=2" in opts, tagged="UseTaggedPDF=true" in opts)
        if job.indata.stat().st_size > natverk.MAX_DOKUMENT:  # the service would refuse it mid-upload
            raise DocumentFailed(f"dokumentet är större än konverteringsserverns gräns på "
                                 f"{natverk.MAX_DOKUMENT // (1024 * 1024)} MB")
        try:
            natverk.skicka(self.server, self.token, job.indata, job.utdata,
                           {"X-Rapportgen-Typ": typ, "X-Rapportgen-Pdf": natverk.alternativ_header(alt),
                            "Content-Type": "application/octet-stream"},
                           timeout=timeout, ca_fil=self.ca_fil)
        except natverk.Svar as exc:
            if exc.status in (413, 415, 422):
                raise DocumentFailed(str(exc)) from None
            raise InstanceFailed(f"servern {self.name}: {exc.status} {exc}") from None
        except OSError as exc:
            raise InstanceFailed(f"{type(exc).__name__}: {exc}") from None
        with open(job.utdata, "rb") as fh:
            pdf = fh.read(5) == b"%PDF-"
        if not pdf:
            job.utdata.unlink()
            raise DocumentFailed("servern skickade ingen PDF")

    def check_after_fault(self) -> bool:
        try:
            self._halsa(5.0)
            return True
        except (OSError, natverk.Svar):
            return False

    def recover(self) -> None:
        # A remote server is not ours to restart: wait briefly, else stop using it.
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline and not self.retired:
            if self.check_after_fault():
                return
            time.sleep(0.5)
        self.retired = True


def parse_server(text: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a server entry; ValueError when it is not one."""
    return natverk.parse_server(text)


# --- the pool ---------------------------------------------------------------------------------


@dataclass
class Statistik:
    konverterade: int = 0
    omstarter: int = 0
    per_endpoint: dict[str, int] = field(default_factory=dict)
    lo_intervall: list[tuple[float, float]] = field(default_factory=list)  # (start, end), monotonic


class Pool:
    """Endpoints that convert documents in parallel; call close() (or use `with`) when done."""

    def __init__(self, arbetare: int | None = None, servrar: list[str] | tuple[str, ...] = (),
                 bara_fjarr: bool = False, tidsgrans: float = DEFAULT_TIMEOUT,
                 delade: list[SharedEndpoint] | None = None, token: str | None = None,
                 ca_fil: str | None = None):
        _install_handlers()
        self.tidsgrans = tidsgrans
        self.stat = Statistik()
        self._lock = threading.Lock()
        seen: dict[str, int] = {}
        self.endpoints: list[Endpoint] = []
        for s in servrar:
            seen[s.strip()] = seen.get(s.strip(), 0) + 1
            self.endpoints.append(RemoteEndpoint(s, token, ca_fil, seen[s.strip()]))
        if not bara_fjarr:
            if delade:
                self.endpoints += delade
            else:
                n = arbetare or os.cpu_count() or 1
                self.endpoints += [LocalEndpoint(i, self._interval) for i in range(max(1, n))]
        if not self.endpoints:
            raise ValueError("inga konverteringsservrar")

    def _interval(self, t0: float, t1: float) -> None:
        with self._lock:
            self.stat.lo_intervall.append((t0, t1))

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for ep in self.endpoints:
            ep.close()

    @property
    def local_instances(self) -> list[srv.Instance]:
        return [ep.inst for ep in self.endpoints if isinstance(ep, LocalEndpoint)]

    def run(self, jobs: list[Uppdrag], klar: Callable[[Uppdrag], None] | None = None,
            vakt: Vakt | None = None) -> None:
        """Convert every job; failures are left in job.fel. Returns when all are done.

        klar(job) is called (from a worker thread) as each job finishes, converted or failed.
        vakt: the caller's, woken when a source is written (jobs with a redo hook), so that it is
        prepared and taken at once.
        """
        if not jobs:
            return
        vakt = vakt or Vakt()
        todo: queue.Queue[Uppdrag] = queue.Queue()
        # The largest first: a big document started last would keep one endpoint busy while the
        # others stand idle at the end.
        for job in sorted(jobs, key=_storlek, reverse=True):
            todo.put(job)
        remaining = [len(jobs)]
        velj = threading.Lock()
        done = threading.Condition()
        # Endpoints already running first; start no more instances than there are documents.
        running = [ep for ep in self.endpoints if not ep.retired and ep.started]
        idle = [ep for ep in self.endpoints if not ep.retired and not ep.started]
        usable = running + idle[:max(0, len(jobs) - len(running))]
        alive = [len(usable)]
        orsaker: set[str] = set()  # why endpoints could not work: 'servern X svarar inte'
        haveri: list[Exception] = []  # an unexpected exception in a worker thread
        aterlas = {id(ep): threading.Lock() for ep in usable}  # one recovery of an endpoint at a time

        def kan_ta(job: Uppdrag, ep: Endpoint) -> bool:
            # A retried document goes to another endpoint, unless this is the only one left.
            return ep.name not in job.misslyckats_pa or all(o is ep or o.retired for o in usable)

        def finish(job: Uppdrag) -> None:
            with done:
                remaining[0] -= 1
                done.notify_all()
            if klar is not None:
                klar(job)

        def start(ep: Endpoint, first: bool) -> None:
            t = threading.Thread(target=worker, args=(ep, first), daemon=True, name=f"konv-{ep.name}")
            threads.append(t)
            t.start()

        def worker(ep: Endpoint, first: bool = True) -> None:
            try:
                if first:
                    try:
                        ep.ensure()
                    except InstanceFailed as exc:
                        ep.retired = True
                        orsaker.add(str(exc))
                        return
                    # An endpoint that takes several documents at once gets a thread for each.
                    extra = max(0, min(ep.plats, len(jobs)) - 1)
                    with done:
                        alive[0] += extra
                    for _ in range(extra):
                        start(ep, False)
                while True:
                    with done:
                        if remaining[0] == 0 or haveri:
                            return
                    if ep.retired:
                        return
                    if ep.sjukt:  # another thread of this endpoint is recovering it
                        time.sleep(0.05)
                        continue
                    job = _nasta(todo, velj, kan_ta=lambda j, ep=ep: kan_ta(j, ep), vakt=vakt)
                    if job is None:
                        continue
                    vakt.vacka()  # one fewer prepared job waiting: the prepare-ahead thread may make the next
                    self._one(ep, job, todo, finish, aterlas[id(ep)])
                    if ep.retired or _STOPPING.is_set() or haveri:
                        return
            except Exception as exc:  # a fault of ours, not LibreOffice's: the build stops and says so
                haveri.append(exc)
            finally:
                with done:
                    alive[0] -= 1
                    done.notify_all()

        # Each source that is written is prepared before a worker takes it, so that an endpoint
        # does not wait while the copy it reads is made (a failure is left to the worker to report).
        # A few ahead are enough: one more than the endpoints can take at once.
        slut = threading.Event()
        forsprang = sum(ep.plats for ep in usable) + 1

        def forbered_i_forvag() -> None:
            misslyckade: set[int] = set()
            while not slut.is_set():
                sedan = vakt.gen
                if sum(1 for j in jobs if j.indata is not None and j.forsok == 0) >= forsprang:
                    vakt.vanta(sedan, 0.02)
                    continue
                redo = [j for j in jobs if j.indata is None and j.forbered is not None and id(j) not in misslyckade
                        and (j.redo is None or j.redo())]
                redo.sort(key=lambda j: (j.prioritet() if j.prioritet else 0, _kand_storlek(j)), reverse=True)
                for job in redo:  # the one a worker takes next first; one a worker is making is passed
                    try:
                        if job.forbered_nu(vanta=False):
                            vakt.vacka()  # a worker waiting for a ready source may take it
                            break
                    except Exception:  # noqa: BLE001 - the worker makes it again and reports the error
                        misslyckade.add(id(job))
                        break
                else:
                    vakt.vanta(sedan, 0.02)

        threads: list[threading.Thread] = []
        forvag = threading.Thread(target=forbered_i_forvag, daemon=True, name="konv-förbered")
        forvag.start()
        for ep in usable:
            start(ep, True)
        try:
            with done:
                while remaining[0] > 0 and alive[0] > 0 and not haveri:
                    done.wait(0.5)
        finally:
            slut.set()
            vakt.vacka()
            forvag.join()
        if _STOPPING.is_set():  # interrupted: the instances are gone; stop, do not report failures
            raise KeyboardInterrupt
        if haveri:
            raise haveri[0]
        # Every worker gone (remote servers down, instances that never started): report the rest.
        while remaining[0] > 0:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                break
            varfor = f" ({'; '.join(sorted(orsaker))})" if orsaker else ""
            job.fel = job.fel or f"ingen LibreOffice-instans kunde konvertera dokumentet{varfor}"
            finish(job)
        for t in list(threads):
            t.join(timeout=1)

    def _one(self, ep: Endpoint, job: Uppdrag, todo: queue.Queue, finish, aterlas: threading.Lock) -> None:
        if job.forsok == 0 and job.tagen is not None:
            job.tagen()
        if job.indata is None:
            try:
                job.forbered_nu()
            except Exception as exc:  # an unreadable input: report it, keep going
                from ..exceptions import RapportgenError

                # A user error says what is wrong itself; its file is a temporary copy, named by the caller.
                job.fel = exc.detalj if isinstance(exc, RapportgenError) else f"kunde inte läsas: {exc}"
                finish(job)
                return
        job.forsok += 1
        t0 = time.monotonic()
        logga("konverterar", f"{job.kalla.name} {ep.name}")
        try:
            ep.convert(job, self.tidsgrans)
            logga("konverterad", f"{job.kalla.name} {ep.name}")
            if not job.utdata.is_file() or job.utdata.stat().st_size == 0:
                raise DocumentFailed("LibreOffice skrev ingen PDF")
            job.klar, job.fel, job.endpoint = True, None, ep.name
            with self._lock:
                self.stat.konverterade += 1
                self.stat.per_endpoint[ep.name] = self.stat.per_endpoint.get(ep.name, 0) + 1
            finish(job)
            return
        except DocumentFailed as exc:
            healthy = ep.check_after_fault()
            reason = str(exc)
            if healthy:
                job.fel = _orsak(reason)
                finish(job)
                return
        except InstanceFailed as exc:
            reason = "tidsgränsen överskreds" if "timed out" in str(exc) else str(exc)
        finally:
            self._interval(t0, time.monotonic())
        if _STOPPING.is_set():  # interrupted (Ctrl-C, SIGTERM): no new LibreOffice now
            job.fel = "avbrutet"
            finish(job)
            return
        # The instance hung or crashed: retry the document once (another endpoint may take it at
        # once, say when a remote server went away), and replace the instance.
        ep.sjukt = True  # before the job is back in the queue: no other thread of ep takes it
        job.misslyckats_pa.add(ep.name)
        if job.forsok < 2:
            job.fel = reason
            todo.put(job)
        else:
            job.fel = f"LibreOffice misslyckades två gånger ({reason})"
            finish(job)
        with aterlas:
            # Another thread of ep that failed at the same time finds it recovered (or retired).
            if ep.retired or ep.aterhamtad_vid > t0:
                ep.sjukt = False
                return
            with self._lock:
                self.stat.omstarter += 1
            try:
                ep.recover()
            except InstanceFailed:
                ep.retired = True
            finally:
                ep.aterhamtad_vid = time.monotonic()
                ep.sjukt = False


def _nasta(todo: "queue.Queue[Uppdrag]", las: threading.Lock,
           kan_ta: Callable[[Uppdrag], bool] | None = None, vakt: Vakt | None = None) -> Uppdrag | None:
    """The job whose source is ready with the highest prioritet, the largest of those (a source
    written later, or held back, may be the largest). None when the queue stays empty for a
    moment, or when no source in it is ready: a worker must not wait on a source that is held
    back until other documents are converted, or with one instance the build waits forever."""
    sedan = vakt.gen if vakt is not None else 0
    try:
        first = todo.get(timeout=0.1)
    except queue.Empty:
        return None
    with las:  # one worker at a time looks through the queue
        jobs = [first]
        while True:
            try:
                jobs.append(todo.get_nowait())
            except queue.Empty:
                break
        redo = [j for j in jobs if (j.redo is None or j.redo()) and (kan_ta is None or kan_ta(j))]
        job = max(redo, key=lambda j: (j.prioritet() if j.prioritet else 0, _kand_storlek(j))) if redo else None
        for other in jobs:
            if other is not job:
                todo.put(other)
    if job is None:  # nothing written yet: look again when something changes (or in a moment)
        if vakt is not None:
            vakt.vanta(sedan, 0.02)
        else:
            time.sleep(0.02)
    return job


def _kand_storlek(job: Uppdrag) -> int:
    if job.storlek < 0:
        job.storlek = _storlek(job)
    return job.storlek


def _storlek(job: Uppdrag) -> int:
    try:
        return (job.indata or job.kalla).stat().st_size
    except OSError:
        return 0


def _orsak(reason: str) -> str:
    """LibreOffice's reason for a failed document, in the user's words where we know it."""
    if "Could not load document" in reason:
        return "LibreOffice kunde inte öppna filen: den är skadad eller i ett format LibreOffice inte kan läsa"
    return f"LibreOffice kunde inte konvertera dokumentet ({reason})"
