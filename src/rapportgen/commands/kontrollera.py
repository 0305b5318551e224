"""Run every applicable check on input files: the library behind `rapportgen check`.

    from rapportgen.commands.kontrollera import kontrollera
    rapport = kontrollera([Path("arenden/")], profil)
    rapport.exit_code   # 0 clean, 1 an error was found, 2 an input could not be read

Each file is dispatched by its document type (doctypes.for_path: suffix and
recognizer). Excel and CSV files without a document type are scanned as tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .. import doctypes
from ..checks import run_checks, sort_findings
from ..config import PROFILE_NAMES, Profil
from ..exceptions import InputError
from ..model.kontroll import Dokumentresultat, Kontrollrapport

TABLE_SUFFIXES = (".xlsx", ".xlsm", ".csv")  # inputs.excel.EXCEL_SUFFIXES and CSV


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
            if typ is None and getattr(getattr(doc, "falt", None), "protokoll", None) is not None:
                # A meeting manifest with its protokoll part: the protokoll's checks too.
                from ..doctypes.protokoll import from_handling

                result.findings = sort_findings([*result.findings, *run_checks(from_handling(doc, profil), profil)])
            return result
        if path.suffix.lower() in TABLE_SUFFIXES:
            from ..inputs.excel import load_sheets

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
    rapport = Kontrollrapport([check_file(p, profil, typ) for p in files])
    # The profile in use is an input too: example values from `rapportgen init` are flagged.
    profilfynd = run_checks(profil, profil)
    if profilfynd:
        rapport.dokument.insert(0, Dokumentresultat(profil.source or Path("rapportgen.yaml"), "Profil", profilfynd))
    return rapport


def check(source: str | Path | Iterable[str | Path], *, profil: Profil | str | Path | None = None,
          typ: str | None = None) -> Kontrollrapport:
    """Check inputs without writing any document: rapportgen.check("arenden/") -> Kontrollrapport.
    (What was read from a workbook is kept in the user's parse cache, inputs.lascache.)

    source is a file, a folder (searched for inputs) or a list of them; profil a Profil, a
    path to rapportgen.yaml, or None to find it as the CLI does.
    """
    from ..config import load_profile, profile_for

    paths = [Path(source)] if isinstance(source, (str, Path)) else [Path(s) for s in source]
    files = expand(paths)
    if isinstance(profil, Profil):
        prof = profil
    elif profil is not None:
        prof = load_profile(Path(profil))
    else:
        prof = profile_for(files)
    return kontrollera(files, prof, typ)
