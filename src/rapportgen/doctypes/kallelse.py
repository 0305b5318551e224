"""Sammanträde: the meeting manifest and its kallelse with ärendelista (templates/kallelse.docx).

The manifest's input is loaded by assemble.manifest (it holds documents of the other types,
so the registry hands it the registry); the whole package is built by assemble.bygg.
The checks that open the bilagor's files are this type's own (below); the others are in
checks/sammantrade.py.
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

from ..assemble.manifest import is_manifest, load_handling
from ..checks import Finding, Severity, check
from ..checks import sammantrade as sammantrade_checks
from ..config import Profil
from ..exceptions import InputError
from ..model.sammantrade import Handling, Sammantrade
from .base import EXEMPEL, DocType

TYP = "kallelse"
KONTEXT = "rapportgen.doctypes.kontext.kallelse"  # the template context (imported when first used)


def render(falt: Sammantrade, out: Path, profil: Profil, mallar: Path | None = None,
           sidor: dict[int, int] | None = None) -> Path:
    from ..render.docx import render_typ
    from .kontext.kallelse import kontext

    k = kontext(falt, profil, sidor)
    return render_typ(TYP, out, lambda _tpl: k.model_dump(mode="python"), profil, mallar)


def _render_handling(doc: Handling, out: Path, profil: Profil | None = None, mallar: Path | None = None) -> Path:
    """DocType render: the kallelse of a loaded manifest, without page references."""
    return render(doc.falt, Path(out), profil or Profil(), mallar)


def _context(doc: Handling, _tpl: Any, profil: Profil) -> dict[str, Any]:
    from .kontext.kallelse import kontext

    return kontext(doc.falt, profil).model_dump(mode="python")


def load(path: Path, profil: Profil | None = None, typer: Any = None) -> Handling:
    """The manifest with its documents; typer is the registry (doctypes.TYPER) that loads them."""
    if typer is None:
        raise TypeError("ett sammanträdesmanifest läses med registret: doctypes.get('kallelse').load(...)")
    return _uppdragslistor_med_register(load_handling(path, profil, typer))


def _uppdragslistor_med_register(h: Handling) -> Handling:
    """An uppdragslista in the package is built with the revision register, as the stand-alone
    `rapportgen uppdragslista` builds it: the register beside the sheet, else beside the manifest."""
    from ..checks.base import ar_typ

    if not any(ar_typ(d.doc, "rapportgen.model.uppdragslista.UppdragslistaDoc") for d in h.delar):
        return h
    from ..inputs.revisionsregister import find_register, load_register
    from ..model.uppdragslista import UppdragslistaDoc
    from .uppdragslista import med_register

    for d in h.delar:
        if isinstance(d.doc, UppdragslistaDoc):
            path = find_register(d.fil.parent) or find_register(h.mapp)
            if path is not None:
                d.doc = med_register(d.doc, load_register(path))
    return h


def _rel(h: Handling, d) -> str:
    try:
        return str(d.fil.relative_to(h.mapp.resolve()))
    except ValueError:
        return str(d.fil)


# --- this type's own checks: they open the bilagor's files -------------------------------------


@check(Handling, "pdf")
def pdf_readable(h: Handling) -> Iterator[Finding]:
    """Externa PDF-filer går att öppna (inte skadade, rätt lösenord för krypterade)."""
    for d in h.delar:
        if d.extern and d.fil.suffix.lower() == ".pdf" and d.fil.is_file():
            import pikepdf  # only with a PDF to open
            try:  # qpdf opens a sound PDF without reading every page
                with pikepdf.open(d.fil, password=d.losenord or "") as pdf:
                    if len(pdf.pages) > 0:
                        continue
            except Exception:  # noqa: BLE001 - pypdf below says what is wrong, in the user's words
                pass
            from ..assemble.pdf import open_pdf  # the build's reader words the error

            try:
                open_pdf(d.fil, d.losenord)
            except InputError as exc:
                yield Finding(Severity.FEL, "pdf", str(h.fil), exc.detalj, plats=d.manifest_plats)


@check(Handling, "office")
def office_readable(h: Handling) -> Iterator[Finding]:
    """Externa Word- och Excelfiler är hela (en .docx/.xlsx är ett zip-paket) och inom gränserna."""
    from ..granser import check_zip

    for d in h.delar:
        if d.extern and d.fil.suffix.lower() in (".docx", ".xlsx") and d.fil.is_file():
            try:
                check_zip(d.fil)  # the build's limits, before testzip() unpacks a bomb
            except InputError as exc:
                yield Finding(Severity.FEL, "office", str(h.fil), f"'{_rel(h, d)}': {exc.detalj}",
                              plats=d.manifest_plats)
                continue
            ok = zipfile.is_zipfile(d.fil)
            if ok:
                try:
                    with zipfile.ZipFile(d.fil) as z:
                        ok = "[Content_Types].xml" in z.namelist() and z.testzip() is None
                except (zipfile.BadZipFile, OSError):
                    ok = False
            if not ok:
                slag = "Word" if d.fil.suffix.lower() == ".docx" else "Excel"
                yield Finding(Severity.FEL, "office", str(h.fil),
                              f"'{_rel(h, d)}' ({d.stampel}) är skadad eller inte en {slag}-fil",
                              plats=d.manifest_plats)


# The meeting manifest is the input of the kallelse; `rapportgen check` finds manifests this way.
DOKUMENTTYP = DocType(
    name=TYP, label="Sammanträde (kallelse)", model=Handling, context_model=f"{KONTEXT}:Kontext", load=load,
    context=_context, render=_render_handling, checks=(sammantrade_checks,), sammansatt=True,
    suffixes=(".yaml", ".yml"), kanner_igen=is_manifest,
    description="Sammanträdesmanifest: kallelse med ärendelista; `rapportgen handling` gör hela handlingen",
    exempel=EXEMPEL / "sammantrade.yaml",
)


@sammantrade_checks.tabellasare
def excel_tabeller(d) -> list:
    """The sheets of an external Excel bilaga as table models (title rows, unit, sum rows), for the
    package's checks of figures and periods; a file that cannot be read gives none (office_readable
    reports it)."""
    if not (d.extern and d.fil.suffix.lower() in (".xlsx", ".xlsm") and d.fil.is_file()):
        return []
    stat = d.fil.stat()
    return _excel_tabeller(str(d.fil.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _excel_tabeller(path: str, _mtime: int, _size: int) -> list:
    # Keyed on the file's time and size: the figure and the period checks read a bilaga once.
    from ..checks.tabell import bilaga_som_tabell
    from ..inputs.excel import load_sheets

    try:
        return [bilaga_som_tabell(t) for t in load_sheets(path)]
    except InputError:
        return []


def __getattr__(name: str) -> Any:
    # The template context lives in doctypes/kontext/kallelse.py (imported when first used).
    if name in {'kontext', 'Sammankallande', 'Kontext', 'ArendeRad', 'Kontaktperson'}:
        from ..checks import importera

        return getattr(importera(KONTEXT), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
