"""Build orchestration: load every input, check, render, convert.

All inputs are loaded and validated before anything is written, so a bad
input stops the build with nothing half-made on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import tjansteskrivelse
from .checks import Finding, raise_on_errors, run_checks
from .convert import convert_many
from .profil import Profil, find_profile, load_profile


@dataclass
class BuildResult:
    docx: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what the checks found (also when forced)


def profile_for(inputs: Iterable[Path], explicit: Path | None = None) -> Profil:
    """The explicit profile, else rapportgen.yaml in the working directory, else beside the inputs."""
    if explicit is not None:
        return load_profile(explicit)
    found = find_profile(Path.cwd())
    if found is None:
        for inp in inputs:
            for folder in Path(inp).resolve().parents:
                found = find_profile(folder)
                if found:
                    break
            if found:
                break
    return load_profile(found) if found else Profil()


def build_tjansteskrivelser(
    inputs: list[Path], outdir: Path, profil: Profil, *, pdf: bool = True, mallar: Path | None = None,
    tvinga: bool = False, progress: Callable[[str], None] | None = None,
) -> BuildResult:
    docs = [tjansteskrivelse.load(p, profil) for p in inputs]
    findings = [f for doc in docs for f in run_checks(doc, profil)]
    raise_on_errors(findings, tvinga)
    result = BuildResult(findings=findings)
    for doc in docs:
        out = outdir / f"{doc.stem}.docx"
        tjansteskrivelse.render(doc, out, profil, mallar)
        result.docx.append(out)
        if progress:
            progress(doc.stem)
    if pdf:
        titlar = {out: doc.falt.titel for out, doc in zip(result.docx, docs)}
        result.pdf = convert_many(result.docx, titlar=titlar, installningar=profil.konvertering)
    return result


@dataclass
class BatchResult(BuildResult):
    fel: list[tuple[int, str]] = field(default_factory=list)  # (row, message)
    antal: int = 0


def _slug(text: str) -> str:
    import re
    import unicodedata

    dashed = re.sub(r"[^\w]+", "-", text)
    ascii_text = unicodedata.normalize("NFKD", dashed).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:80] or "arende"


def build_batch(
    sheet: Path, outdir: Path, profil: Profil, *, pdf: bool = True, mallar: Path | None = None,
    tvinga: bool = False, progress: Callable[[int, str], None] | None = None,
) -> BatchResult:
    """One tjänsteskrivelse per row. A bad row is reported and skipped; the others are made."""
    from .exceptions import RapportgenError
    from .inputs.batch import load_batch, resolve_body
    from .inputs.markdown import MarkdownDoc, parse_body
    from .inputs.yamlsrc import Located, validate
    from .model.tjansteskrivelse import Tjansteskrivelse

    rows = load_batch(sheet)
    result = BatchResult(antal=len(rows))
    used: set[str] = set()
    for row in rows:
        where = f"rad {row.rad}"
        try:
            text, body_source = resolve_body(row, sheet)
            located = Located(data=row.data, fil=sheet,
                              platser={k: f"{where}, cell {v}" for k, v in row.celler.items()},
                              standardplats=where)
            falt = validate(Tjansteskrivelse, located, tjansteskrivelse.apply_profile(row.data, profil))
            try:
                md = MarkdownDoc(body_source, located, parse_body(text, body_source))
                sections = tjansteskrivelse.split_sections(md)
            except RapportgenError as exc:
                if body_source != sheet:
                    raise
                inner = f" ({exc.plats.replace('rad', 'textrad')})" if exc.plats else ""
                raise type(exc)(exc.detalj, fil=sheet,
                                plats=f"{where}, cell {row.celler['brödtext']}{inner}") from None
            doc = tjansteskrivelse.TjansteskrivelseDoc(sheet, falt, sections, md)
            raise_on_errors([f for f in run_checks(doc, profil)], tvinga)
            stem = row.filnamn or _slug(f"{doc.falt.dnr} {doc.falt.titel}")
            base, n = stem, 2
            while stem in used:
                stem, n = f"{base}-{n}", n + 1
            used.add(stem)
            out = outdir / f"{stem}.docx"
            tjansteskrivelse.render(doc, out, profil, mallar)
            result.docx.append(out)
            if progress:
                progress(row.rad, stem)
        except RapportgenError as exc:
            message = exc.format_message()
            if exc.fil is None:
                message = f"{sheet}, {where}: {message}"
            result.fel.append((row.rad, message))
            if progress:
                progress(row.rad, "")
    if pdf and result.docx:
        result.pdf = convert_many(result.docx, installningar=profil.konvertering)
    return result
