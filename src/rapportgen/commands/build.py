"""The library side of every build verb: rapportgen.build(source, outdir, ...) -> Resultat.

    import rapportgen
    r = rapportgen.build("arenden/kopiering.md", "ut")                       # a tjänsteskrivelse
    r = rapportgen.build("examples/delarsrapport", "ut")                     # a report folder
    r = rapportgen.build("arenden.xlsx", "ut", batch=True)                   # one per row
    r = rapportgen.build("sammantrade.yaml", "ut", publicering=True)         # the meeting package
    r.docx, r.pdf, r.findings, r.sidor

Every build loads and checks all its inputs before it writes anything, and returns one
Resultat. The CLI's verbs are thin clients of this function.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from ..config import Profil, load_profile, profile_for
from ..doctypes.base import Progress
from ..exceptions import InputError
from ..model.resultat import Resultat

BATCH_SUFFIXES = (".xlsx", ".xlsm", ".csv")
STANDARD_UTMAPP = Path("outputs")


def _profil(profil: Profil | str | Path | None, inputs: list[Path]) -> Profil:
    if isinstance(profil, Profil):
        return profil
    if profil is not None:
        return load_profile(Path(profil))
    return profile_for(inputs)


def _sources(source: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(source, (str, Path)):
        return [Path(source)]
    return [Path(s) for s in source]


def build(
    source: str | Path | Iterable[str | Path], outdir: str | Path = STANDARD_UTMAPP, *,
    typ: str | None = None, profil: Profil | str | Path | None = None, pdf: bool = True,
    mallar: str | Path | None = None, tvinga: bool = False, progress: Progress | None = None,
    batch: bool = False, arbetare: int | None = None,
    publicering: bool = False, pdfa: bool = False,
    register: Any = None, per: dt.date | None = None,
) -> Resultat:
    """Build documents from one or more inputs and return what was written and found.

    source: an input file, a report folder, a batch sheet (batch=True, or an .xlsx/.csv no
    document type recognizes), a meeting manifest, or a list of these. typ forces the
    document type. profil: a Profil, a path to rapportgen.yaml, or None to find it as the
    CLI does. progress(done, total, name) is called as documents are finished.
    Meeting manifests take publicering and pdfa; the uppdragslista takes register (a
    model.revision.Register or a path) and per.
    """
    from .. import doctypes
    from ..convert import session

    sources = _sources(source)
    if not sources:
        raise InputError("ange minst en indatafil")
    outdir = Path(outdir)
    mallar = Path(mallar) if mallar is not None else None
    prof = _profil(profil, sources)
    groups: dict[str, list[Path]] = {}
    for src in sources:
        if not src.exists():
            raise InputError("filen finns inte", fil=src)
        if src.is_dir() and not typ and doctypes.for_path(src) is None:
            # A folder of inputs (not a report folder): every input in it, by its own type.
            from .kontrollera import expand

            found = [p for p in expand([src]) if doctypes.for_path(p) is not None]
            if not found:
                raise InputError("mappen innehåller inga indatafiler", fil=src)
            for p in found:
                groups.setdefault(_typ_for(p, None, False), []).append(p)
            continue
        groups.setdefault(_typ_for(src, typ, batch), []).append(src)
    result = Resultat()
    with session(prof.konvertering, arbetare=arbetare):
        for name, inputs in groups.items():
            if name == "batch":
                from ..doctypes.tjansteskrivelse import build_batch

                for sheet in inputs:
                    result.utoka(build_batch(sheet, outdir, prof, pdf=pdf, mallar=mallar, tvinga=tvinga,
                                             progress=progress))
            elif name == "kallelse":
                for manifest in inputs:
                    out = outdir if len(inputs) == 1 else outdir / manifest.stem
                    result.utoka(build_handling(manifest, out, prof if profil is not None else None, pdf=pdf,
                                                publicering=publicering, pdfa=pdfa, mallar=mallar,
                                                tvinga=tvinga, progress=progress))
            else:
                t = doctypes.get(name)
                opts: dict[str, Any] = {}
                if name == "uppdragslista":
                    opts = {"register": _register(register, inputs[0]), "per": per}
                result.utoka(t.build(inputs, outdir, prof, pdf=pdf, mallar=mallar, tvinga=tvinga,
                                     progress=progress, **opts))
    return result


def _typ_for(src: Path, typ: str | None, batch: bool) -> str:
    from .. import doctypes

    if batch:
        return "batch"
    if typ:
        return doctypes.get(typ).name
    found = doctypes.for_path(src)
    if found is not None:
        return found.name
    if src.suffix.lower() in BATCH_SUFFIXES:
        return "batch"
    raise InputError(f"kan inte avgöra dokumenttypen för '{src.name}'; ange typ", fil=src)


def _register(register: Any, near: Path) -> Any:
    """The revision register: as given, loaded from a path, or found beside the sheet."""
    from ..inputs.revisionsregister import find_register, load_register

    if register is None:
        for folder in (Path.cwd(), near.parent):
            found = find_register(folder)
            if found:
                return load_register(found)
        return None
    if isinstance(register, (str, Path)):
        return load_register(Path(register))
    return register


def build_handling(manifest: Path, outdir: Path, profil: Profil | None = None, *, pdf: bool = True,
                   publicering: bool = False, pdfa: bool = False, mallar: Path | None = None, tvinga: bool = False,
                   progress: Progress | None = None) -> Resultat:
    """The meeting package of one manifest, as a Resultat (assemble.bygg does the work).

    pdf=False writes only the .docx files: the kallelse (without page references) and each
    document rapportgen makes for the package, after the same checks.
    """
    manifest, outdir = Path(manifest), Path(outdir)
    prof = profil or profile_for([manifest])
    if not pdf:
        return _handling_docx(manifest, outdir, prof, mallar=mallar, tvinga=tvinga, progress=progress)
    from ..assemble.bygg import build_handling as bygg_handling

    # Documents converted out of the total; the stage messages only change the text beside it.
    state = [0, 0]

    def say(message: str) -> None:
        if progress:
            progress(state[0], state[1], f"{manifest.name}: {message}")

    def dokument(done: int, total: int, name: str) -> None:
        state[:] = [done, total]
        if progress:
            progress(done, total, f"{manifest.name}: {name}")

    h = bygg_handling(manifest, outdir, prof, publicering=publicering, pdfa=pdfa, mallar=mallar,
                      progress=say, tvinga=tvinga, dokument=dokument)
    pdfs = [h.kallelse_pdf, h.handling]
    # The page counts are known from the build: the finished package is not opened again.
    return Resultat(docx=[h.kallelse_docx], pdf=pdfs, andra=[h.manifest_json], findings=list(h.varningar),
                    sidor={h.kallelse_pdf: h.delar[0].sidor, h.handling: h.sidor}, antal=1, handlingar=[h])


def _handling_docx(manifest: Path, outdir: Path, profil: Profil, *, mallar: Path | None, tvinga: bool,
                   progress: Progress | None) -> Resultat:
    """The package's .docx files without PDF: the kallelse and every generated part (01-namn.docx ...)."""
    from .. import doctypes
    from ..checks import Severity, raise_on_errors, run_checks
    from ..doctypes import kallelse

    h = doctypes.load_handling(manifest, profil)
    findings = run_checks(h, profil)
    raise_on_errors(findings, tvinga)
    result = Resultat(findings=[f for f in findings if f.severity is not Severity.INFO], antal=1)
    delar = [(i, d) for i, d in enumerate(h.delar) if d.typ is not None and d.doc is not None]
    total = len(delar) + 1
    out = kallelse.render(h.falt, outdir / "kallelse.docx", profil, mallar)
    result.docx.append(out)
    if progress:
        progress(1, total, out.name)
    for n, (i, d) in enumerate(delar, start=2):
        out = doctypes.get(d.typ).render(d.doc, outdir / f"{i + 1:02d}-{d.fil.stem}.docx", profil, mallar)
        result.docx.append(out)
        if progress:
            progress(n, total, out.name)
    return result
