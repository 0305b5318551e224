"""Convert stage: DOCX/XLSX to PDF with LibreOffice.

Everything else calls convert_many(): many files in, PDFs out. Behind it:
a pool of warm LibreOffice instances (unoserver) that converts in parallel,
optionally remote servers, a content-hash cache, and per-document timeouts
with restart and one retry. Use session() to keep one pool for a whole
build (several convert_many calls).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import queue
import shutil
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, Mapping

from ..exceptions import ConversionError, InputError
from ..fileio import copy_atomic
from .cache import Cache, Delcache
from .options import Alternativ
from .pool import LocalEndpoint, Pool, Uppdrag, Vakt
from .prepare import Externt, default_title, existing_title, prepare
from .server import find_soffice
from .stadning import private_dir
from .tidslinje import logga

__all__ = ["Alternativ", "ConversionErrors", "Pool", "Session", "convert_many", "convert_while", "find_soffice",
           "forvarm", "session"]


class ConversionErrors(ConversionError):
    """One or more documents could not be converted; every other document was."""

    def __init__(self, fel: list[tuple[Path, str]]):
        self.fel = fel
        if len(fel) == 1:
            super().__init__(fel[0][1], fil=fel[0][0])
        else:
            lines = "\n  ".join(f"{f}: {m}" for f, m in fel)
            super().__init__(f"{len(fel)} dokument kunde inte konverteras till PDF:\n  {lines}")


class Session:
    """Conversion settings and one pool shared by every convert_many call inside it."""

    def __init__(self, installningar=None, *, arbetare: int | None = None, pool: Pool | None = None):
        from ..config import Konvertering

        self.installningar = installningar or Konvertering()
        self.arbetare = arbetare or self.installningar.arbetare
        self._pool = pool
        self._owns_pool = pool is None
        self._bakgrund = None
        self._forvarmning: threading.Thread | None = None
        self._forvarm_lokala = False
        self._pool_las = threading.Lock()
        self._stangd = False
        self.varningar: list[tuple[Path, str]] = []
        self.cache = Cache(enabled=self.installningar.cache, varna=self._cache_varning)
        self.delcache = Delcache(self.cache.folder / "delar", enabled=self.installningar.cache,
                                 varna=self._cache_varning)

    def _cache_varning(self, text: str) -> None:
        import click

        self.varningar.append((self.cache.folder, text))
        click.echo(f"Varning: {text}", err=True)

    def varna(self, fil: Path, text: str) -> None:
        """A warning about one document, shown at once on stderr and kept for the caller."""
        import click

        self.varningar.append((fil, text))
        click.echo(f"Varning: {fil}: {text}", err=True)

    def alternativ(self) -> Alternativ:
        return Alternativ(pdfa=self.installningar.pdfa, tagged=self.installningar.taggad)

    def kall(self) -> bool:
        """True when this session's cache holds no part of any package yet (or is off): a package
        built now converts, at least its kallelse, so LibreOffice may start before anything is read."""
        d = self.delcache.folder
        try:
            return not self.delcache.enabled or not any(d.iterdir())
        except OSError:
            return True

    def forvarm(self, lokala: int = 0) -> None:
        """Start LibreOffice now, in a thread, so that it is up when the first document is ready:
        the background pool when the profile keeps one (vila > 0), else up to `lokala` of this
        build's own instances (0: none). Errors are left to the first conversion, which reports them.
        A session closed meanwhile stops the start (see close())."""
        k = self.installningar
        if self._pool is not None or self._forvarmning is not None or k.bara_fjarr or (k.vila <= 0 and lokala <= 0):
            return
        self._forvarm_lokala = k.vila <= 0

        def starta() -> None:
            logga("förvärmer")
            try:
                pool = self._skapa_pool()
                if pool is not None and self._bakgrund is None:
                    eps = [ep for ep in pool.endpoints if isinstance(ep, LocalEndpoint)][:lokala]
                    trads = [threading.Thread(target=ep.ensure_tyst, daemon=True) for ep in eps]
                    for t in trads:
                        t.start()
                    for t in trads:
                        t.join()
            except Exception:  # noqa: BLE001 - the first conversion reports it
                pass
            logga("förvärmd")

        self._forvarmning = threading.Thread(target=starta, daemon=True, name="förvärm")
        self._forvarmning.start()

    @property
    def pool(self) -> Pool:
        if self._forvarmning is not None and self._forvarmning is not threading.current_thread():
            self._forvarmning.join()
        pool = self._skapa_pool()
        if pool is None:
            raise ConversionError("konverteringen är redan avslutad")
        return pool

    def _skapa_pool(self) -> Pool | None:
        """The pool, made on first use: on the background pool's instances when there is one (it
        is attached to, or started, outside the lock: close() need not wait for that)."""
        with self._pool_las:
            if self._pool is not None or self._stangd:
                return self._pool
        from . import bakgrund

        k = self.installningar
        t0 = time.monotonic()
        logga("pool")
        anvandning = None
        if not k.bara_fjarr:
            anvandning = bakgrund.attach(arbetare=self.arbetare, vila=k.vila)
            logga("bakgrund", bool(anvandning))
        with self._pool_las:
            if self._pool is not None or self._stangd:  # closed meanwhile (a build that stopped early)
                if anvandning is not None:
                    anvandning.release()
                return self._pool
            from .natverk import token_fran

            self._bakgrund = anvandning
            delade = anvandning.endpoints if anvandning else None
            self._pool = Pool(self.arbetare, k.servrar, k.bara_fjarr, k.tidsgrans, delade,
                              token=token_fran(k), ca_fil=str(k.ca_fil) if k.ca_fil else None)
            if delade:  # waiting for the background pool (and its start) is LibreOffice's time
                self._pool.stat.lo_intervall.append((t0, time.monotonic()))
            return self._pool

    def close(self) -> None:
        # This build's own instances being started ahead are stopped (a start under way gives up
        # when its endpoint is closed), then their thread is waited for, so none is left behind
        # (a build that stopped at its checks does not wait for LibreOffice to come up). A
        # background pool being started is not waited for: it outlives the build anyway, and the
        # thread lets go of it when it sees the session closed.
        with self._pool_las:
            self._stangd = True
            pool, self._pool = self._pool, None
            anvandning, self._bakgrund = self._bakgrund, None
        if pool is not None and self._owns_pool:
            pool.close()
        if self._forvarmning is not None and self._forvarm_lokala:
            self._forvarmning.join()
        if anvandning is not None:
            anvandning.release()


_CURRENT: contextvars.ContextVar[Session | None] = contextvars.ContextVar("rapportgen_konvertering",
                                                                           default=None)


@contextlib.contextmanager
def session(installningar=None, *, arbetare: int | None = None, pool: Pool | None = None) -> Iterator[Session]:
    """Keep one pool for everything converted inside; nested sessions reuse the outer one."""
    current = _CURRENT.get()
    if current is not None:
        yield current
        return
    s = Session(installningar, arbetare=arbetare, pool=pool)
    token = _CURRENT.set(s)
    try:
        yield s
    finally:
        _CURRENT.reset(token)
        s.close()


def forvarm(lokala: int = 0, *, om_kall: bool = False) -> None:
    """Session.forvarm on the current session (a command's), if there is one. om_kall: a package is
    about to be built; when the session's cache is empty (it will convert), start every local
    instance at once, before the manifest is read."""
    s = _CURRENT.get()
    if s is not None:
        s.forvarm(max(lokala, s.arbetare or os.cpu_count() or 1) if om_kall and s.kall() else lokala)


def convert_many(sources: list[Path], outdir: Path | None = None, *, alternativ: Alternativ | None = None,
                 titlar: Mapping[Path, str] | None = None, arbetare: int | None = None,
                 pool: Pool | None = None, installningar=None,
                 progress: Callable[[int, int, str], None] | None = None) -> list[Path]:
    """Convert each source to PDF; the PDF lands beside it (or in outdir) under the same stem.

    progress(done, total, name) is called as each document is done (cache hits included).

    installningar is the profile's konvertering block; inside a session() the session's
    settings and pool are used. Unchanged documents come from the cache. Outputs are
    written atomically. When documents fail, the others are still written, then
    ConversionErrors names every failed file.
    """
    sources = [Path(s) for s in sources]
    if not sources:
        return []
    with session(installningar, arbetare=arbetare, pool=pool) as s:
        return _convert(s, sources, outdir, alternativ or s.alternativ(), titlar or {}, progress)


# convert_while: written documents waiting for a worker before the caller's work on converted ones
# goes ahead of writing the next.
KO_FORE_EFTER = 2


def convert_while(sources: list[Path], outdir: Path | None, gora: Callable[[Callable[[int | None], None]], None], *,
                  alternativ: Alternativ | None = None, titlar: Mapping[Path, str] | None = None,
                  progress: Callable[[int, int, str], None] | None = None,
                  efter: Callable[[int, Path], None] | None = None,
                  misslyckad: Callable[[int], None] | None = None,
                  prioritet: Callable[[int], int] | None = None,
                  bradskande: Callable[[int], bool] | None = None) -> list[Path]:
    """Convert sources while gora(klar) writes them: a pipeline, the engine converts document i
    while the caller renders i+1 (and the pool starts while the first is rendered).

    gora runs in the calling thread (rendering keeps the main thread's guards) and calls klar(i)
    as soon as sources[i] is written; the pool's threads wait for it before they read the file.
    klar(None) only runs efter for the documents converted so far (gora's other work between).
    efter(i, pdf), if given, also runs in the calling thread, for each document as soon as it is
    converted (between gora's documents, then while the last ones convert): the caller's own work
    on a finished PDF overlaps the engine's on the next. misslyckad(i), likewise, for a document
    that could not be converted (its error is raised at the end, as by convert_many).
    klar(i) may come in any order: while sources[i] is not marked, the engine takes the documents
    that are, so a caller can hold a document back until it knows more (say, from efter).
    prioritet(i), if given, is asked (from a pool thread) which ready document goes first: the
    highest, then the largest.
    bradskande(i), if given, says that efter(i) should run at once even while the engine is not
    fed (say, its page count releases a held document); the others wait as above.
    These sources are not looked up in the content cache (the caller keys them on their inputs).
    If gora or efter raises, the conversions stop and its exception is raised; otherwise as convert_many.
    """
    sources = [Path(s) for s in sources]
    if not sources:
        gora(lambda _i: None)
        return []
    from .pool import _install_handlers

    with session() as s:
        alt = alternativ or s.alternativ()
        redo = [threading.Event() for _ in sources]
        avbrutet = threading.Event()
        utfall: dict[str, object] = {}
        fardiga: queue.SimpleQueue[tuple[int, Path] | None] = queue.SimpleQueue()

        vakt = Vakt()  # wakes the pool's threads when a source is written
        tagna = [0]  # sources a pool thread has taken
        tagna_las = threading.Lock()

        def vanta(i: int) -> None:
            redo[i].wait()
            if avbrutet.is_set():
                raise RuntimeError("avbrutet")

        def tagen(_i: int) -> None:  # a worker starts converting it (its copy may be made before)
            with tagna_las:
                tagna[0] += 1

        def matad() -> bool:
            """The engine has written documents waiting that no worker has taken yet: the caller's
            work on finished ones can go first without leaving an endpoint idle."""
            return sum(e.is_set() for e in redo) - tagna[0] >= KO_FORE_EFTER

        def konvertera() -> None:
            try:
                utfall["pdf"] = _convert(s, sources, outdir, alt, titlar or {}, progress, vanta=(vanta, tagen),
                                         fardig=(lambda i, pdf: fardiga.put((i, pdf))) if efter else None,
                                         ar_redo=lambda i: redo[i].is_set(), prioritet=prioritet, vakt=vakt)
            except BaseException as exc:  # handed to the calling thread
                utfall["fel"] = exc
            finally:
                fardiga.put(None)  # no more documents

        uppskjutna: list[tuple[int, Path | None]] = []  # converted, efter not run yet (in order)

        def hinna_ikapp() -> None:
            """efter() for the documents converted so far, without waiting for more, while the
            engine is fed: with too few written documents waiting, gora writes the next first (a
            remote server that idles while this process reads a finished PDF is lost time). One
            the caller calls bradskande goes first anyway."""
            if efter is None:
                return
            while True:
                try:
                    item = fardiga.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    fardiga.put(None)  # keep the end mark for the final wait
                    break
                uppskjutna.append(item)
            k = 0
            while k < len(uppskjutna):
                i = uppskjutna[k][0]
                if matad() or (bradskande is not None and bradskande(i)):
                    hantera(*uppskjutna.pop(k))
                    k = 0  # what it did may make others urgent, or feed the engine
                else:
                    k += 1

        hanterade = [0]

        def hantera(i: int, pdf: Path | None) -> None:
            hanterade[0] += 1
            if pdf is not None:
                efter(i, pdf)
            elif misslyckad is not None:
                misslyckad(i)

        def klar(i: int | None) -> None:
            if i is not None:
                redo[i].set()
                vakt.vacka()
            hinna_ikapp()

        _install_handlers()  # signal handlers can only be set in the main thread
        t = threading.Thread(target=konvertera, daemon=True, name="konvertera")
        t.start()
        try:
            gora(klar)
            if efter is None:
                for e in redo:  # a source gora did not mark is reported as missing, not waited for
                    e.set()
            while efter is not None:
                # A source still unmarked waits for efter to mark it; once every marked one is
                # handled, nothing can: it is reported as missing.
                if hanterade[0] == sum(e.is_set() for e in redo):
                    for e in redo:
                        e.set()
                if uppskjutna:
                    hantera(*uppskjutna.pop(0))
                    continue
                item = fardiga.get()
                if item is None:
                    break
                hantera(*item)
        except BaseException:
            avbrutet.set()
            for e in redo:
                e.set()
            t.join()
            raise
        t.join()
        if "fel" in utfall:
            raise utfall["fel"]  # type: ignore[misc]
        return utfall["pdf"]  # type: ignore[return-value]


def _target(src: Path, outdir: Path | None) -> Path:
    return (outdir or src.parent) / f"{src.stem}.pdf"


def _convert(s: Session, sources: list[Path], outdir: Path | None, alt: Alternativ,
             titlar: Mapping[Path, str], progress: Callable[[int, int, str], None] | None = None,
             vanta: tuple[Callable[[int], None], Callable[[int], None]] | None = None,
             fardig: Callable[[int, Path | None], None] | None = None,
             ar_redo: Callable[[int], bool] | None = None,
             prioritet: Callable[[int], int] | None = None, vakt: Vakt | None = None) -> list[Path]:
    """fardig(i, pdf) is called (from a pool thread) as soon as sources[i]'s converted PDF is in
    place (not for a document taken from the content cache), fardig(i, None) when it failed.
    ar_redo(i) says whether a source gora writes (vanta) is written yet. vanta is (wait(i): until
    sources[i] is written, taken(i): a worker starts converting it); vakt is woken as each is written."""
    fel: list[tuple[Path, str]] = []
    jobs: list[tuple[Uppdrag, str, Path]] = []
    total, done = len(sources), [0]
    lock = threading.Lock()

    def one_done(name: str) -> None:
        if progress is not None:
            with lock:
                done[0] += 1
                progress(done[0], total, name)

    with private_dir("rapportgen-konv-") as tmp:
        for i, src in enumerate(sources):
            if vanta is not None:
                jobs.append(_lazy_job(s, i, src, tmp, alt, titlar, vanta, outdir, ar_redo, prioritet))
                continue
            if not src.is_file():
                fel.append((src, "filen finns inte"))
                one_done(src.name)
                continue
            if src.suffix.lower() in (".docx", ".xlsx"):
                try:
                    from ..granser import check_zip  # pydantic: not for the background server's start

                    check_zip(src)  # before anything below unpacks it (hash, title, prepare)
                except InputError as exc:
                    fel.append((src, exc.detalj))
                    one_done(src.name)
                    continue
            title = titlar.get(src) or existing_title(src) or default_title(src)
            key = s.cache.key(src, alt.key(), title)
            hit = s.cache.get(key, src)
            if hit is not None:
                copy_atomic(hit, _target(src, outdir))
                one_done(_target(src, outdir).name)
                continue
            work = tmp / f"{i:04d}"
            work.mkdir()
            copy = work / f"{src.stem}{src.suffix.lower()}"

            def forbered(src=src, copy=copy, title=title) -> Path:
                found = Externt()
                out = prepare(src, copy, title, found)
                if found:
                    s.varna(src, f"{found.beskrivning()} togs bort före konverteringen; "
                                 "LibreOffice hämtar inget utifrån")
                return out

            job = Uppdrag(kalla=src, utdata=work / f"{src.stem}.pdf", filter_options=alt.filter_options(),
                          forbered=forbered)
            jobs.append((job, key, _target(src, outdir)))
        if jobs:
            if not shutil.which("soffice") and not shutil.which("libreoffice") and not s.installningar.bara_fjarr:
                find_soffice()  # raises the install hint
            # A job's folder is named after its source's place in sources.
            index = {id(job): (i, int(job.utdata.parent.name)) for i, (job, _k, _t) in enumerate(jobs)}
            placerade: set[int] = set()

            def placera(job: Uppdrag, key: str, target: Path) -> None:
                if key:
                    s.cache.put(key, job.utdata)
                copy_atomic(job.utdata, target)

            def job_klar(job: Uppdrag) -> None:
                one_done(job.utdata.name)
                if fardig is None:
                    return
                i, source_index = index[id(job)]
                if not job.klar or not _looks_like_pdf(job.utdata):
                    fardig(source_index, None)
                    return
                try:
                    placera(*jobs[i])
                except OSError:
                    fardig(source_index, None)
                    return  # tried again (and reported) below, in the calling thread
                placerade.add(i)
                fardig(source_index, jobs[i][2])

            s.pool.run([j for j, _k, _t in jobs], klar=job_klar, vakt=vakt)
            for i, (job, key, target) in enumerate(jobs):
                if i in placerade:
                    continue
                if job.klar and _looks_like_pdf(job.utdata):
                    placera(job, key, target)
                else:
                    fel.append((job.kalla, job.fel or "LibreOffice kunde inte konvertera filen till PDF"))
    if fel:
        order = {src: i for i, src in enumerate(sources)}
        fel.sort(key=lambda f: order.get(f[0], 0))
        raise ConversionErrors(fel)
    return [_target(src, outdir) for src in sources]


def _lazy_job(s: Session, i: int, src: Path, tmp: Path, alt: Alternativ, titlar: Mapping[Path, str],
              vanta: tuple[Callable[[int], None], Callable[[int], None]], outdir: Path | None,
              ar_redo: Callable[[int], bool] | None = None,
              prioritet: Callable[[int], int] | None = None) -> tuple[Uppdrag, str, Path]:
    """A job whose source is still being written: the pool thread waits for it, then checks and
    prepares it as convert_many does up front."""
    work = tmp / f"{i:04d}"
    work.mkdir()
    copy = work / f"{src.stem}{src.suffix.lower()}"

    def forbered() -> Path:
        logga("väntar", src.name)
        vanta[0](i)
        if not src.is_file():
            raise InputError("filen finns inte", fil=src)
        if src.suffix.lower() in (".docx", ".xlsx"):
            from ..granser import check_zip

            check_zip(src)
        title = titlar.get(src) or existing_title(src) or default_title(src)
        found = Externt()
        out = prepare(src, copy, title, found)
        if found:
            s.varna(src, f"{found.beskrivning()} togs bort före konverteringen; LibreOffice hämtar inget utifrån")
        return out

    job = Uppdrag(kalla=src, utdata=work / f"{src.stem}.pdf", filter_options=alt.filter_options(), forbered=forbered,
                  redo=(lambda: ar_redo(i)) if ar_redo else None, tagen=lambda: vanta[1](i),
                  prioritet=(lambda: prioritet(i)) if prioritet else None)
    return job, "", _target(src, outdir)


def _looks_like_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False
