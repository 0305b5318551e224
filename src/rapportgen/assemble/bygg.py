"""Build a sammanträdeshandling: manifest -> kallelse (.docx/.pdf), handling.pdf and manifest.json.

Steps: load and check the manifest (errors stop here, nothing is written);
render every generated document; convert all of them in one convert_many()
call; count pages; render the kallelse again with the page where each ärende
starts; assemble with pypdf (bookmarks, stamps, page labels, metadata);
write everything atomically.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pikepdf
from pydantic import BaseModel
from pypdf import PdfReader

from .. import doctypes
from .._version import __version__
from ..checks import Finding, Severity, raise_on_errors, run_checks
from ..config import Profil
from ..convert import ConversionErrors, convert_many, convert_while, forvarm, session
from ..convert.stadning import private_dir
from ..convert.tidslinje import logga
from ..doctypes import kallelse, load_handling
from ..exceptions import InputError
from ..fileio import _umask, atomic_path, sha256_file, write_text_atomic
from ..model.sammantrade import Del, Handling
from . import dellasning, paketdocx, pdfua as pdfua_mod, personnummer, typsnitt
from .pdf import Stampel, mul, open_pdf, pdf_text, placeholder_pdf, text_i_bandet
from .taggat import Komponent, Sammanfogning, spara

Progress = Callable[[str], None]
Dokumentframsteg = Callable[[int, int, str], None]
MAX_KALLELSE_PASSES = 3


@dataclass
class DelResultat:
    """One part of the finished package (for manifest.json and tests)."""

    roll: str  # 'kallelse', 'tjänsteskrivelse', 'bilaga', 'utelämnad'
    etikett: str
    forsta_sida: int  # 1-based, inclusive
    sista_sida: int
    arende: str | None = None
    bilaga: int | None = None
    kalla: str | None = None
    typ: str | None = None
    sha256: str | None = None
    sekretess: bool = False
    kallfiler: list[str] = field(default_factory=list)  # files a generated part was made from, besides kalla

    @property
    def sidor(self) -> int:
        return self.sista_sida - self.forsta_sida + 1


@dataclass
class HandlingResultat:
    handling: Path
    kallelse_docx: Path
    kallelse_pdf: Path
    manifest_json: Path
    sidor: int
    delar: list[DelResultat] = field(default_factory=list)
    arende_sida: dict[str, int] = field(default_factory=dict)  # punkt -> first page
    maskeringar: list[personnummer.Maskering] = field(default_factory=list)
    varningar: list[Finding] = field(default_factory=list)
    delar_bytes: int = 0  # the parts' PDFs (kallelse, converted and external parts) together, in bytes
    ej_tillgangliga: list[str] = field(default_factory=list)  # parts without tags (not accessible)
    rapport: Path | None = None  # publicering.json (publication build)
    poster: list = field(default_factory=list)  # the publication report's lines
    per_arende: Path | None = None  # publicering/ (one PDF per ärende and index.html)
    pdfua_problem: list[str] = field(default_factory=list)  # machine PDF/UA-1 checks of handling.pdf


def variant_suffix(publicering: bool, pdfa: bool) -> str:
    return ("-publicering" if publicering else "") + ("-pdfa" if pdfa else "")


def _convert(sources: list[Path], outdir: Path, pdfa: bool, dokument: Dokumentframsteg | None = None) -> list[Path]:
    """All conversions go through convert_many, in one call per pass, on the build's one pool.

    For --pdfa the engine is asked for PDF/A (and tagged PDF) whatever the profile says.
    dokument(done, total, name) is called as each document is converted.
    """
    if pdfa:
        from ..convert.options import Alternativ

        return convert_many(sources, outdir, alternativ=Alternativ(pdfa=True, tagged=True), progress=dokument)
    return convert_many(sources, outdir, progress=dokument)


def _named_after_parts(exc: ConversionErrors, plans: list, h: Handling) -> ConversionErrors:
    """Conversion errors name the user's file and its place in the package, not a temp copy."""
    parts = {p.kalla_for_konvertering: p.delar[0] for p in plans if p.kalla_for_konvertering}
    fel = []
    for src, message in exc.fel:
        d = parts.get(src)
        if d is None:
            fel.append((src, message))
        else:
            fel.append((Path(_rel(d.fil, h.mapp)), f"{d.stampel} '{d.etikett}': {message}"))
    return ConversionErrors(fel)


_KALLFILER: dict[tuple[str, int, int], list[Path]] = {}


def _kallfiler(source: Path) -> list[Path]:
    """Files a YAML input names (Excel sheets, goals, Markdown texts), resolved beside it
    (remembered for the process by path, size and time)."""
    if source.suffix.lower() not in (".yaml", ".yml"):
        return []
    try:
        st = source.stat()
    except OSError:
        return []
    k = (str(source.resolve()), st.st_size, st.st_mtime_ns)
    if k not in _KALLFILER:
        _KALLFILER[k] = _las_kallfiler(source)
    return list(_KALLFILER[k])


def _las_kallfiler(source: Path) -> list[Path]:
    from ..checks import iter_texts
    from ..inputs.yamlsrc import load_yaml_file

    try:
        data = load_yaml_file(source).data
    except InputError:
        return []
    found: list[Path] = []
    for _path, text in iter_texts(data):
        if len(text) > 255 or "\n" in text or not re.search(r"\.[A-Za-z0-9]{2,5}$", text):
            continue
        candidate = (source.parent / text).resolve()
        if candidate.is_file() and candidate != source.resolve() and candidate not in found:
            found.append(candidate)
    return found


def _sha256_med_kallor(source: Path, typ: str | None, kallor: list[Path] | None = None) -> str:
    """sha256 of an input; for a generated part, of the input and every file it names."""
    if kallor is None:
        kallor = _kallfiler(source) if typ else []
    if not kallor:
        return sha256_file(source)
    h = hashlib.sha256()
    for f in [source, *kallor]:
        h.update(f"{f.name}\0{sha256_file(f)}\n".encode())
    return h.hexdigest()


def _rel(path: Path, base: Path) -> str:
    """path relative to base ('../revision/svar.yaml'), for reports and manifest.json."""
    return os.path.relpath(path.resolve(), base.resolve())


@dataclass
class _Plan:
    """How one part becomes PDF pages."""

    delar: list[Del]  # the manifest parts it stands for (several for a withheld ärende)
    roll: str
    pdf: Path | None = None  # ready or converted PDF
    losenord: str | None = None
    kalla_for_konvertering: Path | None = None  # to convert (rendered by rendera first, if set)
    rendera: Callable[[], None] | None = None
    nyckel: str | None = None  # the part's key on its inputs (Delcache); None: not cached
    docx: Path | None = None  # a generated part's rendered .docx (kept for the package-page TOC)
    sidor: int = 0
    krymp: set[int] = field(default_factory=set)  # pages (0-based, in the part) whose text reaches the band
    bokmarken: list = field(default_factory=list)  # the part's own outline: (title, page in the part, children)
    har_toc: bool = False
    numrerad: int | None = None  # the package page its pages are numbered from (a part with a TOC)
    forberedd: Path | None = None  # where an external PDF's copy with its fonts on stable codes goes
    pdfua: list | None = None  # pdfua.sidfynd of its PDF: the package's check does not parse its pages again
    struktur: list | None = None  # pdfua.strukturfynd of its PDF: nor walk its structure tree again
    _reader: PdfReader | None = None

    @property
    def reader(self) -> PdfReader:
        """The part's PDF through pypdf (publication and PDF/A checks only)."""
        if self._reader is None:
            self._reader = open_pdf(self.pdf, self.losenord)
        return self._reader


def _kod(*delar: object) -> str:
    h = hashlib.sha256()
    for x in delar:
        h.update(str(x).encode() + b"\0")
    return h.hexdigest()


def _las_del(plan: _Plan, h: Handling) -> dict:
    """What the package needs from a part's PDF: page count, pages with text in the stamp band
    (a generated part's; an external part's pages are all shrunk) and its own bookmarks. The part
    is opened once, with pikepdf (the user's PDF with clear errors)."""
    path, losenord, kw = _las_argument(plan, h)
    data = dellasning.las_pdf(path, losenord, **kw)
    if data.pop("_forberedd", False):
        plan.pdf = plan.forberedd
    return data


def _las_argument(plan: _Plan, h: Handling) -> tuple:
    """dellasning.las_pdf's arguments for the part (picklable, for the reading process too)."""
    d = plan.delar[0]
    extern = plan.kalla_for_konvertering is None
    return (plan.pdf, plan.losenord, {
        "extern": extern, "generated": d.typ is not None, "manifest": h.fil if extern and d.extern else None,
        "plats": d.manifest_plats, "forbered": not extern and (not plan.har_toc or bool(plan.numrerad)),
        "forberedd": plan.forberedd})


# External PDFs of at least this many pages (not in the cache) are read in a process of their own
# while this one renders: reading a page (its text for the accessibility check, its fonts) costs
# milliseconds, starting a Python process with the package costs about a second of CPU.
FORLASNING_MIN_SIDOR = 100


class _Forlasning:
    """The external PDFs not in the cache, read in one process of its own from the start of the
    build, while this process loads and renders (when they are many pages: see
    FORLASNING_MIN_SIDOR); the converted parts then go there too, as each is converted. A part is
    taken from it when the build reaches it (klara: those read by now)."""

    def __init__(self, plans: list[_Plan], h: Handling):
        self.h = h
        self.futures: dict[int, object] = {}
        self.pool = None
        externa = [p for p in plans if p.kalla_for_konvertering is None and not p.sidor and p.pdf is not None
                   and p.roll != "utelämnad"]
        sidor = 0
        for p in externa:
            try:
                with pikepdf.open(p.pdf, password=p.losenord or "") as pdf:
                    sidor += len(pdf.pages)
            except Exception:  # noqa: BLE001 - reported when the part is read
                pass
        if sidor < FORLASNING_MIN_SIDOR:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn: a fresh interpreter (this process has threads; a fork would copy their locks).
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        for p in externa:
            self.skicka(p)

    @property
    def aktiv(self) -> bool:
        return self.pool is not None

    def skicka(self, plan: _Plan) -> None:
        """Read the part there, as _las_del would here."""
        self.futures[id(plan)] = self.pool.submit(dellasning.las_i_processen, _las_argument(plan, self.h))

    def vantar(self, plan: _Plan) -> bool:
        return id(plan) in self.futures

    def klara(self, plans: list[_Plan]) -> list[_Plan]:
        """The parts read there by now, not yet taken."""
        return [p for p in plans if id(p) in self.futures and self.futures[id(p)].done()]

    def hamta_har(self, plan: _Plan) -> None:
        """Take the part back to be read in this process, unless it is being read there now."""
        fut = self.futures.get(id(plan))
        if fut is not None and fut.cancel():
            del self.futures[id(plan)]

    def hamta(self, plan: _Plan) -> dict | None:
        """The part's data read there, or None (not read there, or it failed: read it here)."""
        fut = self.futures.pop(id(plan), None)
        if fut is None:
            return None
        try:
            data = fut.result()
        except Exception:  # noqa: BLE001 - the process died: this process reads the part
            return None
        if data is not None and data.pop("_forberedd", False):
            plan.pdf = plan.forberedd
        return data

    def __enter__(self) -> "_Forlasning":
        return self

    def __exit__(self, *exc) -> None:
        self.stang()

    def stang(self) -> None:
        if self.pool is not None:
            for fut in self.futures.values():
                fut.cancel()
            self.pool.shutdown(wait=True)
            self.pool = None


def _anvand(plan: _Plan, data: dict) -> None:
    plan.sidor = int(data["sidor"])
    plan.krymp = set(data.get("krymp", []))
    plan.bokmarken = _tuples(data.get("bokmarken", []))
    plan.har_toc = bool(data.get("har_toc"))
    plan.numrerad = data.get("numrerad")
    plan.pdfua = data.get("pdfua")
    plan.struktur = data.get("struktur")


def _tuples(tree: list) -> list:
    return [(str(t), int(p), _tuples(c)) for t, p, c in tree]


def build_handling(
    manifest: str | Path, outdir: str | Path, profil: Profil | None = None, *,
    publicering: bool = False, pdfa: bool = False, mallar: Path | None = None,
    progress: Progress | None = None, tvinga: bool = False, dokument: Dokumentframsteg | None = None,
) -> HandlingResultat:
    """Build the package; progress(message) at each stage, dokument(done, total, name) per converted part."""
    manifest, outdir = Path(manifest), Path(outdir)
    profil = profil or Profil()
    say = progress or (lambda _msg: None)
    say("läser manifestet")
    logga("bygge", manifest.name)
    # LibreOffice starts while the manifest is read and checked: the background pool (vila > 0),
    # or this build's own instances when the cache is empty (the build will convert).
    forvarm(om_kall=True)
    h = load_handling(manifest, profil)
    logga("inläst")
    findings = run_checks(h, profil)
    logga("kontrollerat")
    raise_on_errors(findings, tvinga)
    varningar = [f for f in findings if f.severity is not Severity.INFO] if tvinga else \
        [f for f in findings if f.severity is Severity.VARNING]
    sfx = variant_suffix(publicering, pdfa)
    falt = h.falt
    maskeringar: list[personnummer.Maskering] = []
    if publicering:
        falt, n = personnummer.mask_object(falt)
        if n:
            maskeringar.append(personnummer.Maskering(_rel(h.fil, Path.cwd()), None, n))
        # Bookmarks, stamps and placeholder pages are made from the parts: give them the masked texts.
        for d in h.delar:
            d.arende = falt.arenden[d.arende_nr]
            d.etikett = personnummer.mask_text(d.etikett)[0]

    with private_dir("rapportgen-handling-") as tmp, session(profil.konvertering) as s, \
            contextlib.ExitStack() as stack:
        from ..convert.options import Alternativ

        alt = Alternativ(pdfa=True, tagged=True) if pdfa else s.alternativ()
        grund = _grund(profil, mallar, alt, publicering, pdfa)
        delcache = s.delcache
        plans = _plan_parts(h, tmp, profil, mallar, publicering, maskeringar, say, delcache, grund)
        forlasning = stack.enter_context(_Forlasning(plans, h))

        say("konverterar till PDF")
        # The kallelse is keyed on the (masked) manifest; its draft only gives its page count.
        kgrund = _nyckel_for(_kallelsegrund(grund[0], profil, mallar), "kallelse", falt)
        utkast_nyckel = kgrund and _kod(kgrund, "utkast")
        utkast = delcache.get(utkast_nyckel, "kallelsen") if utkast_nyckel else None
        kallelse_docx = tmp / f"kallelse-utkast{sfx}.docx"
        utkast_sidor = {i: 999 for i, a in enumerate(h.arenden) if h.delar_for(i)}
        klara = [p for p in plans if p.kalla_for_konvertering and p.rendera is None]
        senare = [p for p in plans if p.kalla_for_konvertering and p.rendera is not None]
        # Ready files first (the pool starts on them), then the kallelse draft and each rendered part.
        sources = [p.kalla_for_konvertering for p in klara] + ([] if utkast else [kallelse_docx]) + \
                  [p.kalla_for_konvertering for p in senare]
        # LibreOffice starts while the documents are rendered (the kallelse follows them). With
        # every part in the cache none is started ahead: the kallelse's final pass may be cached too.
        if sources:
            s.forvarm(lokala=len(sources) + 1)
        # A part with a table of contents is held back until the parts before it (and the kallelse
        # draft) have their page counts: it is then numbered from its package page and converted
        # once, while LibreOffice converts the rest, instead of again after all of them.
        k_utkast: list[int] = [int(utkast[1]["sidor"])] if utkast else []
        utkast_index = None if utkast else len(klara)
        hallna: dict[int, int] = {}  # id(plan) -> its index in sources, while held back
        klar_fn: list[Callable[[int | None], None]] = []
        slapper = [False]
        # While a part with a table of contents waits for its page count, the documents before it
        # (and the kallelse draft) go to LibreOffice first: the last one, the largest, after them.
        plats = {id(p): k for k, p in enumerate(plans)}
        kalla_plan = klara + ([] if utkast else [None]) + senare
        grans = [-1]  # the place of the last part with a TOC not yet counted; -1: none
        forfogning = None if publicering or pdfa else _Forfogning(h, False)

        def ny_grans() -> None:
            grans[0] = max((plats[id(p)] for p in senare if p.har_toc and not p.sidor), default=-1)

        def prioritet(i: int) -> int:
            p = kalla_plan[i]
            return int(grans[0] >= 0 and (p is None or plats[id(p)] <= grans[0]))

        def slapp(alla: bool = False) -> None:
            """Number and hand over each held part whose first package page is known (alla: every
            held part, numbered or not: a document failed and the build will stop)."""
            if not hallna or slapper[0] or not klar_fn:
                return
            slapper[0] = True
            try:
                while hallna:
                    page: int | None = k_utkast[0] + 1 if k_utkast else None
                    nasta = None
                    for plan in plans:
                        if id(plan) in hallna:
                            nasta = plan
                            break
                        if not plan.sidor:
                            page = None
                            if not alla:
                                break
                        elif page is not None:
                            page += plan.sidor
                    if nasta is None or (page is None and not alla):
                        return
                    if page is not None:
                        paketdocx.forsta_sidnummer(nasta.docx, page)
                        nasta.numrerad = page
                    klar_fn[0](hallna.pop(id(nasta)))  # may read more parts: count again
            finally:
                slapper[0] = False

        def gora(klar: Callable[[int | None], None]) -> None:
            klar_fn.append(klar)
            for j in range(len(klara)):
                klar(j)
            j = len(klara)
            if not utkast:
                logga("renderar", kallelse_docx.name)
                kallelse.render(falt, kallelse_docx, profil, mallar, utkast_sidor)
                logga("renderad", kallelse_docx.name)
                klar(j)
                j += 1
            for plan in senare:
                say(f"renderar {plan.delar[0].fil.name}")
                logga("renderar", plan.kalla_for_konvertering.name)
                plan.rendera()
                logga("renderad", plan.kalla_for_konvertering.name)
                if forlasning.aktiv:
                    lasta()
                if plan.har_toc:
                    hallna[id(plan)] = j
                    ny_grans()
                    for fore in plans[:plans.index(plan)]:  # external PDFs before it: read them now
                        if not fore.sidor and fore.kalla_for_konvertering is None:
                            _las_och_spara(fore)
                    slapp()
                    klar(None)  # the parts before it converted by now: read at once (bradskande)
                else:
                    klar(j)
                j += 1
            # The external PDFs are read while LibreOffice converts the last documents (and each
            # document converted meanwhile is read between them).
            for plan in plans:
                if not plan.sidor and plan.kalla_for_konvertering is None:
                    _las_och_spara(plan)
                    klar(None)
            slapp()
            if forfogning is not None:  # the parts already final are joined while LibreOffice converts
                forfogning.klara(plans)

        def _las_och_spara(plan: _Plan) -> None:
            logga("läser", plan.pdf.name)
            data = forlasning.hamta(plan)
            if data is None:
                data = _las_del(plan, h)
            logga("läst", plan.pdf.name)
            data["har_toc"] = plan.har_toc
            data["numrerad"] = plan.numrerad
            _anvand(plan, data)
            if plan.nyckel:
                # An external PDF: its data, and its copy when its fonts were re-encoded.
                files = {"pdf": plan.pdf} if plan.kalla_for_konvertering or plan.pdf != plan.delar[0].fil else {}
                if plan.har_toc and plan.docx is not None:
                    files["docx"] = plan.docx
                delcache.put(plan.nyckel, data, files)

        def plan_for(i: int) -> _Plan | None:
            """The part sources[i] is (None: the kallelse draft)."""
            return klara[i] if i < len(klara) else \
                senare[i - (len(sources) - len(senare))] if i >= len(sources) - len(senare) else None

        def bradskande(i: int) -> bool:
            """Is its page count awaited by a part held back for its page numbers (a part before it,
            or the kallelse draft)? Then it is read at once, before the next document is rendered."""
            if not hallna:
                return False
            plan = plan_for(i)
            return i == utkast_index if plan is None else plats[id(plan)] < min(plats[k] for k in hallna)

        def efter(i: int, pdf: Path) -> None:
            """A part converted: read (and prepare) it while LibreOffice converts the next (in the
            reading process, when there is one and no held part waits for it: this process goes on
            rendering)."""
            plan = plan_for(i)
            if plan is not None and not plan.sidor and not forlasning.vantar(plan):
                plan.pdf = pdf
                if forlasning.aktiv and not bradskande(i):
                    forlasning.skicka(plan)
                else:
                    _las_och_spara(plan)
            elif i == utkast_index:
                k_utkast.append(_sidantal(pdf))
            lasta()

        def lasta() -> None:
            """The parts read by now: taken in, and what waited for them goes ahead. A part held
            back for its page number waits for the parts before it (as when they are read here)."""
            for plan in forlasning.klara(plans):
                _las_och_spara(plan)
            if hallna:
                forsta = min(plats[k] for k in hallna)
                for plan in plans[:forsta]:
                    if forlasning.vantar(plan):
                        forlasning.hamta_har(plan)  # not queued behind others there: read here
                        _las_och_spara(plan)
            ny_grans()
            slapp()
            if forfogning is not None:
                forfogning.klara(plans)

        try:
            converted = convert_while(sources, tmp / "pdf", gora, alternativ=alt, progress=dokument, efter=efter,
                                      misslyckad=lambda _i: slapp(alla=True), prioritet=prioritet,
                                      bradskande=bradskande)
        except ConversionErrors as exc:
            raise _named_after_parts(exc, plans, h) from None
        for plan, pdf in zip(klara, converted):
            plan.pdf = pdf
        for plan, pdf in zip(senare, converted[len(converted) - len(senare):]):
            plan.pdf = pdf
        if utkast:
            k_pages = int(utkast[1]["sidor"])
        else:
            k_pages = k_utkast[0] if k_utkast else _sidantal(converted[len(klara)])
            if utkast_nyckel:
                delcache.put(utkast_nyckel, {"sidor": k_pages})
        for plan in plans:
            if not plan.sidor:  # not from the cache, not a placeholder page, not read above
                _las_och_spara(plan)
        if publicering:
            _refuse_personnummer(h, plans)
        if pdfa:
            from . import pdfa as pdfa_mod

            pdfa_mod.check_parts([(p.delar[0], p.reader) for p in plans if p.roll != "utelämnad"], h.fil)

        # Kallelse, second pass: the page where each ärende starts. The tables of contents numbered
        # from their package page are converted with it (they follow the draft's page count; when the
        # kallelse's own count changes, they are made again).
        final_docx = tmp / f"kallelse{sfx}.docx"
        kallelse_pdf = tmp / "kallelse" / f"kallelse{sfx}.pdf"
        toc_k: int | None = None
        for _ in range(MAX_KALLELSE_PASSES):
            starts = _start_pages(h, plans, k_pages)
            toc = _toc_plan(plans, k_pages, tmp, h, delcache) if toc_k is None else []
            toc_k = k_pages if toc_k is None else toc_k
            nyckel = kgrund and _kod(kgrund, "sidor", sorted(starts.items()))
            hit = delcache.get(nyckel, "kallelsen") if nyckel else None
            sources = [numbered for _plan, numbered, _k in toc]
            if hit is not None:
                kallelse_pdf.parent.mkdir(exist_ok=True)
                shutil.copyfile(hit[0]["docx"], final_docx)
                shutil.copyfile(hit[0]["pdf"], kallelse_pdf)
            else:
                say("skriver kallelsen med sidhänvisningar")
                logga("renderar", final_docx.name)
                kallelse.render(falt, final_docx, profil, mallar, starts)
                logga("renderad", final_docx.name)
                sources.insert(0, final_docx)
            if toc:
                say("fyller innehållsförteckningar med handlingens sidnummer")
            try:
                converted = _convert(sources, tmp / "kallelse", pdfa) if sources else []
            except ConversionErrors as exc:
                raise _named_after_parts(exc, plans, h) from None
            _toc_klar(toc, converted[len(converted) - len(toc):], delcache)
            if hit is not None:
                n = int(hit[1]["sidor"])
                rader = {int(i): (int(p), float(x), float(y)) for i, p, x, y in hit[1]["rader"]}
            else:
                kallelse_pdf = converted[0]
                n = _sidantal(kallelse_pdf)
                rader = _arendelista_rader(kallelse_pdf, falt.arenden, starts)
                if nyckel:
                    delcache.put(nyckel, {"sidor": n, "rader": [[i, *r] for i, r in sorted(rader.items())]},
                                 {"docx": final_docx, "pdf": kallelse_pdf})
            if n == k_pages:
                break
            k_pages = n
        else:
            raise InputError("kallelsens sidantal ändras när sidnumren fylls i; korta ärendemeningarna",
                             fil=h.fil)
        if toc_k != k_pages:
            toc = _toc_plan(plans, k_pages, tmp, h, delcache)
            if toc:
                try:
                    converted = _convert([numbered for _plan, numbered, _k in toc], tmp / "paketsidor-pdf", pdfa)
                except ConversionErrors as exc:
                    raise _named_after_parts(exc, plans, h) from None
                _toc_klar(toc, converted, delcache)

        say("sätter ihop handlingen")
        logga("sätter ihop")
        posts: list = []  # publicering.Post: what the publication build removed or masked

        def rensa(src, del_, first, extern, posts=posts):
            from . import publicering as publicering_mod

            posts.extend(publicering_mod.rensa(src, del_, first, extern=extern))

        sam, delar, sources = _assemble(h, falt, plans, kallelse_pdf, rader, profil, publicering, pdfa, starts,
                                        rensa if publicering else None, varningar, forfogning)
        delar_bytes = kallelse_pdf.stat().st_size + sum(p.pdf.stat().st_size for p in plans)
        ej_tillgangliga = [k.kalla or k.titel for k in sam.komponenter if not k.taggad]
        varningar.extend(
            Finding(Severity.VARNING, "ej-tillganglig", k.kalla or k.titel,
                    f"'{k.titel}' saknar taggar (strukturträd) och är inte tillgänglig för skärmläsare; "
                    "be avsändaren om en tillgänglig version", plats=f"sidorna {k.forsta + 1}-{k.sista + 1}")
            for k in sam.komponenter if not k.taggad)
        if pdfa:
            from . import pdfa as pdfa_mod

            pdfa_mod.finish(sam.pdf)

        outdir.mkdir(parents=True, exist_ok=True)
        out_pdf = outdir / f"handling{sfx}.pdf"
        logga("sparar")
        with atomic_path(out_pdf) as tmp_pdf:
            spara(sam.pdf, tmp_pdf, rensa_resurser=publicering)
            if publicering:
                posts.extend(_final_publication_check(
                    tmp_pdf, delar, h, {p.sida for p in posts if p.plats.startswith("sidtext")}))
        logga("sparad")
        for src in sources:
            src.close()
        if publicering:
            say("skriver en PDF per ärende")
            publicering_dir = _publicera_per_arende(h, falt, plans, profil, outdir, pdfa)
        out_kdocx = outdir / f"kallelse{sfx}.docx"
        out_kpdf = outdir / f"kallelse{sfx}.pdf"
        for src, dst in ((final_docx, out_kdocx), (kallelse_pdf, out_kpdf)):
            with atomic_path(dst) as t:
                shutil.copyfile(src, t)

    starts_by_punkt = {h.arenden[i].punkt: s for i, s in starts.items()}
    result = HandlingResultat(out_pdf, out_kdocx, out_kpdf, outdir / f"manifest{sfx}.json",
                              sum(d.sidor for d in delar), delar, starts_by_punkt, maskeringar, varningar,
                              delar_bytes, ej_tillgangliga)
    # The pages copied unchanged from a part are checked with what was found when it was read (a
    # publication build rewrites the parts' content, and is checked in full).
    kanda = {} if publicering else {
        d.forsta_sida - 1 + i: entry for plan, d in zip(plans, delar[1:])
        if plan.pdfua is not None and len(plan.pdfua) == d.sidor for i, entry in enumerate(plan.pdfua)}
    # Likewise each part's structure tree, checked when the part was read.
    kanda_delar = None if publicering else (len(delar), {
        i: (plan.struktur, d.forsta_sida - 1) for i, (plan, d) in enumerate(zip(plans, delar[1:]), start=1)
        if plan.struktur is not None and plan.pdfua is not None and len(plan.pdfua) == d.sidor})
    logga("pdfua")
    result.pdfua_problem = [p.format() for p in pdfua_mod.kontrollera(out_pdf, kanda, kanda_delar)]
    logga("pdfua klar")
    _write_manifest_json(result, h, falt, publicering, pdfa)
    if publicering:
        from . import publicering as publicering_mod

        stem = "publicering" + ("-pdfa" if pdfa else "")
        result.rapport = outdir / f"{stem}.json"
        publicering_mod.skriv_rapport(result.rapport, outdir / f"{stem}.txt", falt.dokumenttitel(), posts,
                                      maskeringar, ej_tillgangliga)
        result.poster = posts
        result.per_arende = publicering_dir
    logga("klar")
    say("klar")
    return result


class _IngenNyckel(Exception):
    """The value holds something whose content cannot be keyed safely: the part is not cached."""


_ENKLA = (bool, int, float, str, decimal.Decimal, dt.date, dt.time, enum.Enum)
_ENKLA_TYPER = frozenset({type(None), bool, int, float, str, decimal.Decimal, dt.date, dt.datetime, dt.time})
_TYPNAMN: dict[type, bytes] = {}


def _kanon(obj: object, h: "hashlib._Hash", depth: int = 0) -> None:
    """Feed a canonical form of a loaded document (or profile, or manifest) into h: what a
    template is rendered from. A file it names counts with its bytes (an image, a register)."""
    if depth > 200:
        raise _IngenNyckel("för djup")
    t = type(obj)
    namn = _TYPNAMN.get(t)
    if namn is None:
        namn = _TYPNAMN[t] = f"<{t.__module__}.{t.__qualname__}>".encode()
    h.update(namn)
    if t in _ENKLA_TYPER or obj is None or isinstance(obj, _ENKLA):
        h.update(repr(obj).encode() + b"\0")
    elif t is dict or isinstance(obj, dict):
        for k, v in sorted(obj.items(), key=lambda kv: repr(kv[0])):
            _kanon(k, h, depth + 1)
            _kanon(v, h, depth + 1)
    elif t is list or t is tuple or isinstance(obj, (list, tuple)):
        for v in obj:
            _kanon(v, h, depth + 1)
        h.update(b"]")
    elif isinstance(obj, BaseModel):
        for name in sorted(t.model_fields):
            h.update(name.encode() + b"=")
            _kanon(getattr(obj, name), h, depth + 1)
    elif isinstance(obj, bytes):
        h.update(hashlib.sha256(obj).digest())
    elif isinstance(obj, Path):
        h.update(str(obj).encode() + b"\0")
        if obj.is_file():
            h.update(_filkod(obj).encode())
    elif isinstance(obj, (set, frozenset)):
        for v in sorted(obj, key=repr):
            _kanon(v, h, depth + 1)
        h.update(b"}")
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            h.update(f.name.encode() + b"=")
            _kanon(getattr(obj, f.name), h, depth + 1)
    elif t.__module__.startswith("rapportgen.") and hasattr(obj, "__dict__"):
        _kanon(vars(obj), h, depth + 1)
    else:
        raise _IngenNyckel(f"{t.__module__}.{t.__qualname__}")


_FILKOD: dict[tuple[str, int, int], str] = {}


def _filkod(path: Path) -> str:
    """sha256 of a file, remembered for the process by path, size and time."""
    st = path.stat()
    k = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if k not in _FILKOD:
        _FILKOD[k] = sha256_file(path)
    return _FILKOD[k]


def _nyckel_for(*delar: object) -> str | None:
    """A part's key on its inputs, or None when one of them cannot be keyed."""
    h = hashlib.sha256()
    try:
        for x in delar:
            _kanon(x, h)
    except (_IngenNyckel, OSError):
        return None
    return h.hexdigest()


def _grund(profil: Profil, mallar: Path | None, alt, publicering: bool, pdfa: bool) -> tuple[str, str]:
    """What the parts' keys share: (for every part) rapportgen's code, LibreOffice and the build's
    options; (for what rapportgen renders) also the profile and every template it could pick, the
    user's folders included."""
    from ..convert.cache import kodversion
    from ..render.templates import candidate_folders

    mallfiler = []
    for folder, _kalla in candidate_folders(mallar=mallar, profil_mallar=profil.mallar):
        if folder.is_dir():
            mallfiler += [(str(f), _filkod(f)) for f in sorted(folder.glob("*.docx"))]
    bas = _nyckel_for(kodversion(), alt.key(), publicering, pdfa) or "ingen"
    return bas, _nyckel_for(bas, profil, mallfiler) or "ingen"


def _kallelsegrund(bas: str, profil: Profil, mallar: Path | None) -> str | None:
    """The kallelse's share of its key: the profile and the one template it is rendered from."""
    from ..render.templates import resolve_template

    mall = resolve_template(kallelse.TYP, mallar=mallar, profil_mallar=profil.mallar).path
    return _nyckel_for(bas, profil, str(mall), _filkod(mall))


def _hamta(plan: _Plan, hit: tuple[dict[str, Path], dict], tmp: Path, stem: str) -> None:
    """Use a part from the cache: copies of its files in the build's folder, and its data."""
    files, data = hit
    (tmp / "delar").mkdir(exist_ok=True)
    plan.pdf = tmp / "delar" / f"{stem}.pdf"
    shutil.copyfile(files["pdf"], plan.pdf)
    if "docx" in files:
        plan.docx = tmp / "delar" / f"{stem}.docx"
        shutil.copyfile(files["docx"], plan.docx)
    _anvand(plan, data)


def _plan_parts(h: Handling, tmp: Path, profil: Profil, mallar: Path | None, publicering: bool,
                maskeringar: list[personnummer.Maskering], say: Progress, delcache=None,
                grund: tuple[str, str] = ("", "")) -> list[_Plan]:
    """Each part's plan: from the cache when its inputs are unchanged, else what to render and convert."""
    from ..convert.cache import Delcache

    delcache = delcache or Delcache(enabled=False)
    plans: list[_Plan] = []
    withheld_arenden: set[int] = set()
    for i, d in enumerate(h.delar):
        if publicering and d.sekretess:
            if d.arende.sekretess:
                if d.arende_nr in withheld_arenden:
                    plans[-1].delar.append(d)
                    continue
                withheld_arenden.add(d.arende_nr)
            plans.append(_Plan([d], "utelämnad"))
            continue
        roll = "tjänsteskrivelse" if d.bilaga_nr is None else "bilaga"
        stem = f"{i + 1:02d}-{d.fil.stem}"
        namn = _rel(d.fil, h.mapp)
        if d.typ is not None:
            doc = d.doc
            if publicering:
                doc, n = personnummer.mask_object(doc)
                if n:
                    lines = personnummer.lines_with_personnummer(d.fil)
                    rel = _rel(d.fil, Path.cwd())
                    if lines:
                        maskeringar.extend(personnummer.Maskering(rel, f"rad {ln}", c, ds) for ln, c, ds in lines)
                    else:
                        maskeringar.append(personnummer.Maskering(rel, None, n))
            kallor = [(f.name, _filkod(f)) for f in _kallfiler(d.fil)]
            plan = _Plan([d], roll, nyckel=_nyckel_for(grund[1], "del", d.typ, d.fil.name, _filkod(d.fil), kallor, doc))
            hit = delcache.get(plan.nyckel, namn) if plan.nyckel else None
            if hit is not None:
                _hamta(plan, hit, tmp, stem)
            else:
                out = tmp / f"{stem}.docx"

                def rendera(doc=doc, typ=d.typ, out=out, plan=plan) -> None:
                    doctypes.get(typ).render(doc, out, profil, mallar)
                    paketdocx.utan_sidnummer(out)  # the package stamp carries the page number
                    plan.har_toc = paketdocx.har_innehallsforteckning(out)

                plan.kalla_for_konvertering = plan.docx = out
                plan.rendera = rendera
            plans.append(plan)
        elif d.fil.suffix.lower() == ".pdf":
            plan = _Plan([d], roll, pdf=d.fil, losenord=d.losenord, forberedd=tmp / "delar" / f"{stem}.pdf",
                         nyckel=_nyckel_for(grund[0], "pdf", _filkod(d.fil), d.losenord or ""))
            hit = delcache.get(plan.nyckel, namn) if plan.nyckel else None
            if hit is not None:
                if "pdf" in hit[0]:  # the copy with its fonts on stable codes
                    _hamta(plan, hit, tmp, stem)
                else:
                    _anvand(plan, hit[1])
            plans.append(plan)
        else:
            copy = tmp / f"{stem}{d.fil.suffix.lower()}"
            plan = _Plan([d], roll, nyckel=_nyckel_for(grund[0], "extern", copy.name, _filkod(d.fil)))
            hit = delcache.get(plan.nyckel, namn) if plan.nyckel else None
            if hit is not None:
                _hamta(plan, hit, tmp, stem)
            else:
                shutil.copyfile(d.fil, copy)
                plan.kalla_for_konvertering = copy
            plans.append(plan)
    for n, plan in enumerate(p for p in plans if p.roll == "utelämnad"):
        first = plan.delar[0]
        a = first.arende
        if a.sekretess:
            rubrik = f"Ärende {a.punkt}: {a.arendemening}"
            rader = [f"Utelämnat: {x.etikett}" for x in plan.delar]
        else:
            rubrik = f"{first.stampel}: {first.etikett}"
            rader = [f"Ärende {a.punkt}: {a.arendemening}"]
        data = placeholder_pdf(rubrik, rader, first.sekretess_skal)
        plan.pdf = tmp / f"utelamnad-{n}.pdf"
        plan.pdf.write_bytes(data)
        with pikepdf.open(plan.pdf) as pdf:
            plan.sidor = len(pdf.pages)
    return plans


def _refuse_personnummer(h: Handling, plans: list[_Plan]) -> None:
    """Stop the publication build where a personnummer in the page text cannot be masked.

    An external PDF's page text is redacted in its content stream (sidtext.maskera) unless the page's
    text is in a font that cannot be decoded reliably (Type3, a composite font without ToUnicode); a
    generated document's text was masked in its source, so a number there is a bug.
    """
    from . import sidtext

    problems = []
    for plan in plans:
        if plan.roll == "utelämnad":
            continue
        d = plan.delar[0]
        hit_pages = {}
        for page_no, text in enumerate(pdf_text(plan.reader), start=1):
            hits = personnummer.find(text)
            if hits:
                hit_pages[page_no] = hits
        if not hit_pages:
            continue
        bad_fonts: dict[int, list[str]] = {}
        if d.extern:
            with pikepdf.open(plan.pdf, password=plan.losenord or "") as trial:
                bad_fonts = {i + 1: s.okanda_typsnitt for i, s in sidtext.maskera(trial).items()}
        for page_no, hits in hit_pages.items():
            if d.extern and not bad_fonts.get(page_no):
                continue  # masked in the content stream by publicering.rensa
            why = (f"texten står i typsnitt som inte kan avkodas ({', '.join(bad_fonts[page_no])})"
                   if d.extern else "genererat dokument (maskeringen missade)")
            problems.append(f"{_rel(d.fil, h.mapp)}, sida {page_no}: {len(hits)} personnummer "
                            f"({', '.join(personnummer.hint(x) for x in hits)}); {why}")
    if problems:
        raise InputError(
            "publiceringsversionen stoppad: personnummer i handlingar som inte kan maskeras; "
            "markera dem som sekretess eller lägg in en avidentifierad version:\n  " + "\n  ".join(problems),
            fil=h.fil)


def _final_publication_check(pdf: Path, delar: list[DelResultat], h: Handling, reported: set[int] = frozenset()) -> list:
    """The published PDF, read back: no personnummer anywhere; the masked ones listed per page
    (except the pages in reported, whose page text the clean-up has listed already)."""
    from . import publicering as publicering_mod

    left = publicering_mod.skanna_utdata(pdf)
    posts = []
    reader = PdfReader(str(pdf))
    for i, text in enumerate(pdf_text(reader), start=1):
        del_ = next((d for d in delar if d.forsta_sida <= i <= d.sista_sida), None)
        namn = (del_.kalla or del_.etikett) if del_ else ""
        if personnummer.find(text):
            left.append(f"sida {i} ({namn})")
        n = personnummer.find_masked(text)
        if n and i not in reported:
            posts.append(publicering_mod.Post(i, namn, f"sidtext ({n} nummer)", "maskerat"))
    if left:
        raise InputError("publiceringsversionen stoppad: personnummer finns kvar i " + ", ".join(left), fil=h.fil)
    return posts


def _toc_plan(plans: list[_Plan], k_pages: int, tmp: Path, h: Handling, delcache=None) -> list:
    """Generated documents with a table of contents are converted again numbered from their package
    page: the copies to convert, as (plan, numbered .docx, key). A copy already in the cache (by the
    part's key and that page) is used at once."""
    todo: list[tuple[_Plan, Path, str | None]] = []
    page = k_pages + 1
    for plan in plans:
        if plan.har_toc and plan.docx is not None and plan.delar[0].typ and plan.numrerad != page:
            nyckel = _kod(plan.nyckel, "sida", page) if plan.nyckel else None
            hit = delcache.get(nyckel, _rel(plan.delar[0].fil, h.mapp)) if nyckel and delcache else None
            if hit is not None:
                if int(hit[1]["sidor"]) == plan.sidor:
                    (tmp / "paketsidor-pdf").mkdir(exist_ok=True)
                    plan.pdf = tmp / "paketsidor-pdf" / f"{plan.docx.stem}-{page}.pdf"
                    shutil.copyfile(hit[0]["pdf"], plan.pdf)
                    plan.pdfua = hit[1].get("pdfua")
                    plan.struktur = hit[1].get("struktur")
            else:
                numbered = tmp / f"paketsidor-{page}" / plan.docx.name
                numbered.parent.mkdir(exist_ok=True)
                shutil.copyfile(plan.docx, numbered)
                paketdocx.forsta_sidnummer(numbered, page)
                todo.append((plan, numbered, nyckel))
        page += plan.sidor
    return todo


def _toc_klar(todo: list, converted: list[Path], delcache=None) -> None:
    for (plan, _docx, nyckel), pdf in zip(todo, converted):
        with pikepdf.open(pdf, allow_overwriting_input=True) as p:
            n = len(p.pages)
            if typsnitt.forbered(p):
                p.save(pdf)
            fynd = pdfua_mod.sidfynd(p)
            struktur = pdfua_mod.strukturfynd(p)
        if nyckel and delcache:
            delcache.put(nyckel, {"sidor": n, "pdfua": fynd, "struktur": struktur}, {"pdf": pdf})
        if n != plan.sidor:  # the numbers changed the layout: keep the first version
            continue
        plan.pdf = pdf
        plan.pdfua = fynd
        plan.struktur = struktur


def _sidantal(pdf: Path) -> int:
    with pikepdf.open(pdf) as p:
        return len(p.pages)


def _start_pages(h: Handling, plans: list[_Plan], k_pages: int) -> dict[int, int]:
    starts: dict[int, int] = {}
    page = k_pages + 1
    for plan in plans:
        starts.setdefault(plan.delar[0].arende_nr, page)
        page += plan.sidor
    return starts


def _flytta(tree: list, offset: int) -> list:
    """A part's outline (pages in the part) moved to the package's pages."""
    return [(t, offset + p, _flytta(c, offset)) for t, p, c in tree]


def _outline_items(tree: list[tuple[str, int, list]]) -> list[pikepdf.OutlineItem]:
    items = []
    for title, page, children in tree:
        item = pikepdf.OutlineItem(title, page)
        if children:
            item.children.extend(_outline_items(children))
            item.is_closed = True
        items.append(item)
    return items


def _arendelista_rader(kallelse_pdf: Path, arenden: list, starts: dict[int, int]) -> dict[int, tuple[int, float, float]]:
    """Where each ärende with pages has its row in the kallelse's ärendelista: idx -> (page, x, y)."""
    reader = PdfReader(str(kallelse_pdf))
    lines: list[tuple[int, float, float, str]] = []  # page, y, x of first fragment, text
    for pno, page in enumerate(reader.pages):
        frags: dict[int, list[tuple[float, str]]] = {}

        def visit(text, cm, tm, _font, _size, frags=frags):
            if not text.strip():
                return
            m = mul(tuple(tm), tuple(cm))
            frags.setdefault(round(m[5]), []).append((m[4], text))

        page.extract_text(visitor_text=visit)
        for y, parts in frags.items():
            parts.sort()
            lines.append((pno, float(y), parts[0][0], " ".join(t.strip() for _x, t in parts)))
    norm = lambda t: re.sub(r"\s+", "", t)  # noqa: E731
    found: dict[int, tuple[int, float, float]] = {}
    for i, a in enumerate(arenden):  # every row, so a row's link can reach down to the next row
        head = norm(a.arendemening)[:18]
        for pno, y, x, text in lines:
            t = norm(text)
            if head and head in t and (a.dnr is None or norm(a.dnr) in t or t.startswith(norm(str(a.punkt)))):
                found[i] = (pno, x, y)
                break
    return found


def _titel_och_stampel(plan: _Plan) -> tuple[str, str]:
    """A part's bookmark title and its stamp text."""
    d = plan.delar[0]
    a = d.arende
    if plan.roll == "utelämnad":
        title = ("Utelämnad (sekretess)" if a.sekretess else
                 f"Bilaga {d.bilaga_nr}: {d.etikett} (utelämnad, sekretess)" if d.bilaga_nr else
                 f"{d.etikett} (utelämnad, sekretess)")
        return title, (f"Ärende {a.punkt} · utelämnad" if a.sekretess else d.stampel)
    return ("Tjänsteskrivelse" if d.bilaga_nr is None else f"Bilaga {d.bilaga_nr}: {d.etikett}"), d.stampel


def _filnamn(a) -> str:
    """'05-SN-2023-197' (punkt and dnr) for an ärende's published PDF."""
    base = f"{int(a.punkt):02d}" if str(a.punkt).isdigit() else re.sub(r"[^\w-]+", "-", str(a.punkt))
    tail = a.dnr or a.arendemening[:40]
    tail = re.sub(r"[^\w]+", "-", tail, flags=re.UNICODE).strip("-")
    return f"{base}-{tail}" if tail else base


def _publicera_per_arende(h: Handling, falt, plans: list[_Plan], profil: Profil, outdir: Path, pdfa: bool) -> Path:
    """publicering/: one tagged PDF per ärende (tjänsteskrivelse + bilagor) and an accessible index.html."""
    from html import escape

    from . import pdfa as pdfa_mod, publicering as publicering_mod

    datum = falt.datum.isoformat()
    folder = outdir / "publicering"
    tmp = Path(tempfile.mkdtemp(prefix=".publicering-", dir=outdir))
    os.chmod(tmp, 0o777 & ~_umask())
    rows = []
    try:
        for nr, a in enumerate(falt.arenden):  # the masked texts in a publication build
            mine = [p for p in plans if p.delar[0].arende_nr == nr]
            if not mine:
                continue
            sam = Sammanfogning()
            sources = []
            outline: list[pikepdf.OutlineItem] = []
            stamps: list[tuple[int, str]] = []
            krymp: set[int] = set()
            for plan in mine:
                title, stamp_text = _titel_och_stampel(plan)
                src = pikepdf.open(plan.pdf, password=plan.losenord or "")
                sources.append(src)
                if plan.roll != "utelämnad":
                    publicering_mod.rensa(src, _rel(plan.delar[0].fil, h.mapp), len(sam.pdf.pages),
                                          extern=plan.delar[0].typ is None)
                komp = sam.lagg_till(src, title, formular=False)
                outline.append(pikepdf.OutlineItem(title, komp.forsta, structure_element=komp.element))
                stamps.extend((i, stamp_text) for i in range(komp.forsta, komp.sista + 1))
                d = plan.delar[0]
                krymp.update(i for i in range(komp.forsta, komp.sista + 1)
                             if plan.roll == "utelämnad" or d.typ is None
                             or i - komp.forsta in plan.krymp)
            total = len(sam.pdf.pages)
            sam.stampla([(i, Stampel(f"{falt.namnd} {datum} · {t}", f"Sida {i + 1} av {total}")) for i, t in stamps],
                        krymp=krymp)
            with sam.pdf.open_outline() as ol:
                ol.root.extend(outline)
            titel = f"Ärende {a.punkt}: {a.arendemening}"
            sam.avsluta(titel, forfattare=f"{profil.kommun}, {falt.namnd}",
                        amne=f"{falt.namnd} {datum}" + (f", dnr {a.dnr}" if a.dnr else ""),
                        nyckelord=f"{falt.namnd}; {datum}; {a.dnr or ''}", skapare=f"rapportgen {__version__}",
                        pdfa=pdfa)
            sam.pdf.Root.PageMode = pikepdf.Name.UseOutlines
            if pdfa:
                pdfa_mod.finish(sam.pdf)
            name = _filnamn(a) + ".pdf"
            spara(sam.pdf, tmp / name)
            for src in sources:
                src.close()
            _final_publication_check(tmp / name, [], h)
            rows.append((a, name, total, (tmp / name).stat().st_size))
        titel = f"{falt.dokumenttitel()}: handlingar per ärende"
        items = "\n".join(
            f'      <li><a href="{escape(name)}">Ärende {escape(str(a.punkt))}: {escape(a.arendemening)}</a>'
            f'{" (dnr " + escape(a.dnr) + ")" if a.dnr else ""}, PDF, {pages} {"sida" if pages == 1 else "sidor"}, '
            f'{max(1, round(size / 1024))} kB</li>'
            for a, name, pages, size in rows)
        html = f"""<!DOCTYPE html>
<html lang="sv">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(titel)}</title>
</head>
<body>
  <main>
    <h1>{escape(titel)}</h1>
    <p>{escape(falt.namnd)} sammanträder {escape(datum)}. Varje ärende finns som en egen PDF med tjänsteskrivelse
      och bilagor. Handlingar som omfattas av sekretess är utelämnade.</p>
    <ul>
{items}
    </ul>
  </main>
</body>
</html>
"""
        (tmp / "index.html").write_text(html, encoding="utf-8")
        old = outdir / ".publicering-gammal"
        if folder.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


class _Forfogning:
    """The package's parts joined as each becomes final, in any order (Sammanfogning.ordna puts them
    in the package's order at the end): while LibreOffice converts a changed part, the unchanged
    ones are joined meanwhile. A publication build joins them in order at the end (its cleaning
    reports package pages as it goes)."""

    def __init__(self, h: Handling, publicering: bool, rensa: Callable | None = None):
        self.h = h
        self.publicering = publicering
        self.rensa = rensa
        self.sam = Sammanfogning()
        self.komp: dict[int, Komponent] = {}
        self.kallor: list[pikepdf.Pdf] = []  # kept open until the package is saved

    def kallelse(self, kallelse_pdf: Path) -> Komponent:
        ksrc = pikepdf.open(kallelse_pdf)
        self.kallor.append(ksrc)
        if self.rensa is not None:
            self.rensa(ksrc, self.h.fil.name, len(self.sam.sidor), False)
        return self.sam.lagg_till(ksrc, "Kallelse och ärendelista", self.h.fil.name)

    def del_(self, plan: _Plan) -> Komponent:
        komp = self.komp.get(id(plan))
        if komp is None:
            d = plan.delar[0]
            src = pikepdf.open(plan.pdf, password=plan.losenord or "")
            self.kallor.append(src)
            title, _stamp = _titel_och_stampel(plan)
            if self.rensa is not None and plan.roll != "utelämnad":
                self.rensa(src, _rel(d.fil, self.h.mapp), len(self.sam.sidor), d.typ is None)
            komp = self.komp[id(plan)] = self.sam.lagg_till(
                src, f"Ärende {d.arende.punkt}: {title}", "" if plan.roll == "utelämnad" else _rel(d.fil, self.h.mapp),
                formular=not self.publicering)
        return komp

    def klara(self, plans: list[_Plan]) -> None:
        """Join every part whose PDF is final now: read, and without a table of contents (that
        one may be numbered again once the kallelse's page count is known)."""
        for plan in plans:
            if id(plan) not in self.komp and plan.sidor and not plan.har_toc and plan.pdf is not None:
                self.del_(plan)


def _assemble(h: Handling, falt, plans: list[_Plan], kallelse_pdf: Path, rows: dict, profil: Profil,
              publicering: bool, pdfa: bool, starts: dict[int, int],
              rensa: Callable | None = None, storlek: list | None = None,
              fore: _Forfogning | None = None) -> tuple[Sammanfogning, list[DelResultat], list]:
    storlek = storlek if storlek is not None else []
    fog = fore if fore is not None else _Forfogning(h, publicering, rensa)
    sam = fog.sam
    kkomp = fog.kallelse(kallelse_pdf) if fore is None else None
    for plan in plans:
        fog.del_(plan)
    if kkomp is None:
        kkomp = fog.kallelse(kallelse_pdf)
    sam.ordna([kkomp] + [fog.komp[id(plan)] for plan in plans])
    k_pages = kkomp.sista + 1
    delar = [DelResultat("kallelse", "Kallelse och ärendelista", 1, k_pages, kalla=h.fil.name, typ="kallelse",
                         sha256=sha256_file(h.fil))]
    outline: list[pikepdf.OutlineItem] = [
        pikepdf.OutlineItem("Kallelse och ärendelista", 0, structure_element=kkomp.element)]
    # (page index, stamp text): every page, the kallelse's too, for continuous page numbers.
    stamped: list[tuple[int, str]] = [(i, "Kallelse och ärendelista") for i in range(k_pages)]
    krymp: set[int] = {i for i in range(k_pages) if text_i_bandet(sam.sidor[i])}
    parents: dict[int, pikepdf.OutlineItem] = {}
    arende_of_page: dict[int, str] = {}
    datum = falt.datum.isoformat()
    for plan in plans:
        d = plan.delar[0]
        a = d.arende
        title, stamp_text = _titel_och_stampel(plan)
        komp = fog.komp[id(plan)]
        first, last = komp.forsta, komp.sista
        if d.typ is None and plan.roll != "utelämnad":
            for idx, why in sam.normalisera_a4(komp):
                storlek.append(Finding(Severity.VARNING, "sidstorlek", _rel(d.fil, h.mapp),
                                       f"sidan är inte A4: {why}", plats=f"sida {idx - first + 1} (handlingens sida {idx + 1})"))
        if d.arende_nr not in parents:
            parents[d.arende_nr] = pikepdf.OutlineItem(a.rubrik(), first)
            parents[d.arende_nr].is_closed = True
            outline.append(parents[d.arende_nr])
        child = pikepdf.OutlineItem(title, first, structure_element=komp.element)
        # A bilaga's own bookmarks (an external PDF's, a generated report's headings) go under it, folded.
        if plan.roll != "utelämnad" and d.bilaga_nr is not None and plan.bokmarken:
            tree = _flytta(plan.bokmarken, first)
            if publicering:
                tree = _masked_outline(tree)
            child.children.extend(_outline_items(tree))
            child.is_closed = True
        parents[d.arende_nr].children.append(child)
        for idx in range(first, last + 1):
            stamped.append((idx, stamp_text))
            # A generated page whose template leaves the stamp band free is not scaled.
            if plan.roll == "utelämnad" or d.typ is None or idx - first in plan.krymp:
                krymp.add(idx)
            arende_of_page[idx] = str(a.punkt)
        etikett = "Hela ärendet" if plan.roll == "utelämnad" and a.sekretess else d.etikett
        utelamnad = plan.roll == "utelämnad"
        kallor = [] if utelamnad or not d.typ else _kallfiler(d.fil)
        delar.append(DelResultat(
            plan.roll, etikett, first + 1, last + 1, arende=a.punkt, bilaga=d.bilaga_nr,
            kalla=None if utelamnad else _rel(d.fil, h.mapp),
            typ=d.typ or (None if utelamnad else "extern"),
            sha256=None if utelamnad else _sha256_med_kallor(d.fil, d.typ, kallor),
            sekretess=d.sekretess, kallfiler=[_rel(f, h.mapp) for f in kallor]))

    logga("delar ihop")
    # Ärendelista rows link to their ärende; each stamp's "Ärende N" links back to the list.
    lista_sida = min((p for p, _x, _y in rows.values()), default=0)
    for i, (pno, x, y) in rows.items():
        if i not in starts:
            continue
        a = falt.arenden[i]
        w = float(sam.sidor[pno].cropbox[2])
        # The whole row (a long ärendemening wraps): down to just above the next row on the page.
        below = [ry for j, (rp, _rx, ry) in rows.items() if rp == pno and ry < y - 1]
        bottom = max(below) + 10 if below and max(below) + 10 < y - 3 else y - 3
        rect = pikepdf.Array([round(x - 2, 2), round(bottom, 2), round(w - x + 2, 2), round(y + 10, 2)])
        sam.lank(pno, rect, starts[i] - 1, f"Gå till ärende {a.punkt}: {a.arendemening}", kkomp)
    total = len(sam.pdf.pages)
    logga("stämplar")
    sam.stampla(
        [(idx, Stampel(f"{falt.namnd} {datum} · {text}", f"Sida {idx + 1} av {total}")) for idx, text in stamped],
        krymp=krymp,
        lankar={idx: (lista_sida, f"Till ärendelistan (från ärende {punkt})") for idx, punkt in arende_of_page.items()})

    logga("stämplat")
    with sam.pdf.open_outline() as ol:
        ol.root.extend(outline)
    titel = falt.dokumenttitel() + (" (publiceringsversion)" if publicering else "")
    sam.avsluta(
        titel, forfattare=f"{profil.kommun}, {falt.namnd}", amne=f"Kallelse och handlingar, {falt.namnd} {datum}",
        nyckelord=f"{falt.namnd}; {datum}; sammanträdeshandling", skapare=f"rapportgen {__version__}",
        extra_info={"/Namnd": falt.namnd, "/Sammantradesdatum": datum}, pdfa=pdfa)
    sam.pdf.Root.PageMode = pikepdf.Name.UseOutlines
    logga("avslutat")
    return sam, delar, fog.kallor


def _masked_outline(tree):
    return [(personnummer.mask_text(t)[0], p, _masked_outline(c)) for t, p, c in tree]


def _write_manifest_json(result: HandlingResultat, h: Handling, falt, publicering: bool, pdfa: bool) -> None:
    data = {
        "nämnd": falt.namnd,
        "datum": falt.datum.isoformat(),
        "titel": falt.dokumenttitel(),
        "variant": {"publicering": publicering, "pdfa": pdfa},
        "skapad": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "rapportgen": __version__,
        "manifest": {"fil": h.fil.name, "sha256": sha256_file(h.fil)},
        "fil": result.handling.name,
        "sha256": sha256_file(result.handling),
        "sidor": result.sidor,
        "ärenden": [{"punkt": a.punkt, "dnr": a.dnr, "ärendemening": a.arendemening,
                     "sida": result.arende_sida.get(a.punkt)} for a in falt.arenden],
        "delar": [{
            "roll": d.roll, "ärende": d.arende, "bilaga": d.bilaga, "etikett": d.etikett,
            "källa": d.kalla, "typ": d.typ, "sha256": d.sha256, "sekretess": d.sekretess,
            **({"källfiler": d.kallfiler} if d.kallfiler else {}),
            "sidor": [d.forsta_sida, d.sista_sida],
        } for d in result.delar],
        "ej_tillgängliga_delar": result.ej_tillgangliga,
        "tillgänglighet": {
            "kontrollerat": list(pdfua_mod.KONTROLLER),
            "inte_kontrollerat": pdfua_mod.INTE_KONTROLLERAT,
            "problem": result.pdfua_problem,
        },
        "delar_bytes": result.delar_bytes,
        "maskerade_personnummer": [{"fil": m.fil, "plats": m.plats, "antal": m.antal, "nummer": list(m.nummer)}
                                   for m in result.maskeringar],
    }
    write_text_atomic(result.manifest_json, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
