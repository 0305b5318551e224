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
        result.pdf = convert_many(result.docx)
    return result
