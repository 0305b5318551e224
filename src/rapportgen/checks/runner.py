"""Run every applicable check on input files: the library behind `rapportgen check`.

    from rapportgen.checks.runner import kontrollera
    rapport = kontrollera([Path("arenden/")], profil)
    rapport.exit_code   # 0 clean, 1 an error was found, 2 an input could not be read

Each file is dispatched by its document type (doctypes.for_path: suffix and
recognizer). Excel and CSV files without a document type are scanned as tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .. import doctypes
from ..exceptions import InputError
from ..inputs.excel import EXCEL_SUFFIXES, load_sheets
from ..profil import PROFILE_NAMES, Profil
from . import Finding, Severity, run_checks, sort_findings

TABLE_SUFFIXES = EXCEL_SUFFIXES + (".csv",)


@dataclass
class Dokumentresultat:
    fil: Path
    typ: str | None  # Swedish label of the document type, or "Tabell"
    findings: list[Finding] = field(default_factory=list)
    indatafel: InputError | None = None  # the input could not be loaded

    @property
    def antal_fel(self) -> int:
        return sum(f.severity is Severity.FEL for f in self.findings)


@dataclass
class Kontrollrapport:
    dokument: list[Dokumentresultat] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for d in self.dokument for f in d.findings]

    @property
    def antal_fel(self) -> int:
        return sum(f.severity is Severity.FEL for f in self.findings)

    @property
    def antal_varningar(self) -> int:
        return sum(f.severity is Severity.VARNING for f in self.findings)

    @property
    def antal_indatafel(self) -> int:
        return sum(d.indatafel is not None for d in self.dokument)

    @property
    def exit_code(self) -> int:
        if self.antal_indatafel:
            return 2
        return 1 if self.antal_fel else 0


def _checkable(path: Path) -> bool:
    """Whether a file found in a folder is an input (named files are always checked)."""
    if path.name in PROFILE_NAMES or path.name.startswith((".", "~$")) or path.stem.upper() == "README":
        return False
    if path.suffix.lower() == ".md":
        # Markdown inputs open with front matter; other notes in the folder are not inputs.
        with path.open("rb") as fh:
            if not fh.read(8).removeprefix(b"\xef\xbb\xbf").startswith(b"---"):
                return False
    return doctypes.for_path(path) is not None or path.suffix.lower() in TABLE_SUFFIXES


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files to check: named files as given, folders searched recursively for known inputs."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out.extend(p for p in sorted(path.rglob("*")) if p.is_file() and _checkable(p)
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def check_file(path: Path, profil: Profil, typ: str | None = None) -> Dokumentresultat:
    """Load one file as its document type and run its checks; input errors are recorded."""
    try:
        if not path.exists():
            raise InputError("filen finns inte", fil=path)
        doctype = doctypes.get(typ) if typ else doctypes.for_path(path)
        if doctype is not None:
            result = Dokumentresultat(path, doctype.label)
            doc = doctype.load(path, profil)
            result.findings = run_checks(doc, profil)
            return result
        if path.suffix.lower() in TABLE_SUFFIXES:
            result = Dokumentresultat(path, "Tabell")
            result.findings = sort_findings(f for t in load_sheets(path) for f in run_checks(t, profil))
            return result
        known = sorted({s for t in doctypes.all_types() for s in t.suffixes} | set(TABLE_SUFFIXES))
        raise InputError(f"okänd filtyp '{path.suffix}'; rapportgen kontrollerar " + ", ".join(known),
                         fil=path)
    except InputError as exc:
        return Dokumentresultat(path, None, indatafel=exc)


def kontrollera(paths: Iterable[Path], profil: Profil | None = None, typ: str | None = None) -> Kontrollrapport:
    """Check every file (folders searched), one result per document."""
    profil = profil or Profil()
    files = expand(paths)
    if not files:
        raise InputError("hittade inga filer att kontrollera")
    return Kontrollrapport([check_file(p, profil, typ) for p in files])
