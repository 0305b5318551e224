"""A document type, declared in one place, and the build every type shares.

Each module in doctypes/ declares one DocType: how its input is loaded (load), the
document it loads into (model, in model/), what its template sees (context_model and the
context builder), which checks run on it (checks: the check modules that register checks
for the model), and how it is rendered and built. The registry (doctypes/__init__.py)
lists the modules; a type module never imports the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from pydantic import BaseModel

from ..checks import Kontroll, raise_on_errors, registered, run_checks
from ..config import Profil
from ..model.resultat import Resultat

EXEMPEL = Path(__file__).resolve().parents[1] / "exempel"

# (done, total, name): documents finished out of the total, and the one just finished.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Utdata:
    """One document a build writes: its file stem, how it is rendered, and the loaded document."""

    stem: str
    render: Callable[..., Path]  # (doc, out_docx, profil, mallar) -> out_docx
    doc: Any
    titel: str | None = None  # the PDF's title; None: from the document


class _Kontextmodell:
    """DocType.context_model: the class, or its name ("module:Klass") imported when first asked
    for, so loading and checking documents does not define every type's template context models."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.falt = "_" + name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            raise AttributeError(self.falt)  # a required field: no default
        value = obj.__dict__[self.falt]
        if isinstance(value, str):
            from ..checks import importera

            modul, _, namn = value.partition(":")
            value = getattr(importera(modul), namn)
            obj.__dict__[self.falt] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.falt] = value


@dataclass(frozen=True)
class DocType:
    """A document type: how its input is loaded, checked, rendered and built (see the module doc)."""

    name: str  # template file stem and CLI name, ASCII: "tjansteskrivelse"
    label: str  # Swedish display name: "Tjänsteskrivelse"
    # What a template of this type sees: the class, or "module:Klass" (imported when first used).
    context_model: type[BaseModel] = _Kontextmodell()  # type: ignore[assignment]
    load: Callable[..., Any]  # (input path, profil) -> validated document
    render: Callable[..., Path]  # (doc, out_docx, profil, mallar) -> out_docx
    model: type = object  # the loaded document (a dataclass in model/)
    context: Callable[..., dict[str, Any]] | None = None  # (doc, template, profil) -> the template's variables
    checks: tuple[ModuleType, ...] = ()  # check modules; importing them registers checks for model
    suffixes: tuple[str, ...] = (".md",)
    description: str = ""
    # A small, complete example input shipped with the package (for init and template checks).
    exempel: Path | None = None
    # Optional: the example fitted to a profile ((profil) -> loaded document), so a template check
    # under the user's profile (own sections, optional fields) gets data that fits it.
    exempel_for: Callable[[Profil], Any] | None = None
    # Optional: does this file hold this type? Decides between types that share a suffix
    # (used by `rapportgen check`); a type without it is the fallback for its suffixes.
    kanner_igen: Callable[[Path], bool] | None = None
    # The documents a build writes for one loaded input; default: the document itself.
    utdata: Callable[[Any, Profil], list[Utdata]] | None = None
    # Build options applied to a loaded document (e.g. the uppdragslista's register and date).
    forbered: Callable[..., Any] | None = None
    # A type that holds other documents (the meeting manifest) is loaded with the registry.
    sammansatt: bool = False

    def med(self, **andringar: Any) -> "DocType":
        """dataclasses.replace, leaving a context model not yet imported unimported."""
        andringar.setdefault("context_model", self.__dict__["_context_model"])
        return replace(self, **andringar)

    @property
    def kontroller(self) -> list[Kontroll]:
        """The checks that run on this type's documents."""
        return registered(self.model)

    def delar(self, doc: Any, profil: Profil) -> list[Utdata]:
        if self.utdata is not None:
            return self.utdata(doc, profil)
        return [Utdata(doc.stem, self.render, doc, _titel(doc))]

    def build(self, inputs: list[Path], outdir: Path, profil: Profil | None = None, *, pdf: bool = True,
              mallar: Path | None = None, tvinga: bool = False, progress: Progress | None = None,
              **opts: Any) -> Resultat:
        """Load every input, run the checks, then render (and convert) each document.

        All inputs are loaded and checked before anything is written, so a bad input stops
        the build with nothing half-made on disk.
        """
        profil = profil or Profil()
        docs = [self.load(Path(p), profil) for p in inputs]
        if self.forbered is not None:
            docs = [self.forbered(d, profil, **opts) for d in docs]
        elif opts:
            raise TypeError(f"{self.name}: okända inställningar {', '.join(sorted(opts))}")
        delar = [u for d in docs for u in self.delar(d, profil)]
        # A document written as several outputs (a protokoll's utdrag) is checked once.
        checked = list({id(u.doc): u.doc for u in delar}.values())
        findings = [f for d in checked for f in run_checks(d, profil)]
        raise_on_errors(findings, tvinga)
        result = Resultat(findings=findings, antal=len(docs))
        total = len(delar)
        for i, u in enumerate(delar, start=1):
            out = Path(outdir) / f"{u.stem}.docx"
            u.render(u.doc, out, profil, mallar)
            result.docx.append(out)
            if progress and not pdf:
                progress(i, total, out.name)
        if pdf and result.docx:
            titlar = {out: u.titel for out, u in zip(result.docx, delar) if u.titel}
            result.pdf = konvertera(result.docx, profil, titlar=titlar, progress=progress)
            result.sidor = sidantal(result.pdf)
        return result


def _titel(doc: Any) -> str | None:
    falt = getattr(doc, "falt", None)
    titel = getattr(falt, "titel", None)
    return titel if isinstance(titel, str) else None


def konvertera(docx: list[Path], profil: Profil, *, titlar: dict[Path, str] | None = None,
               progress: Progress | None = None) -> list[Path]:
    """Convert to PDF on the session's pool; progress(done, total, name) as each document is done."""
    from ..convert import convert_many

    if progress is not None and docx:
        progress(0, len(docx), "")
    return convert_many(docx, titlar=titlar, installningar=profil.konvertering, progress=progress)


def sidantal(pdfs: list[Path]) -> dict[Path, int]:
    """The page count of each PDF."""
    import pikepdf

    out = {}
    for p in pdfs:
        with pikepdf.open(p) as pdf:
            out[p] = len(pdf.pages)
    return out
