"""`rapportgen handling`: kallelse and sammanträdeshandling from one or more manifests."""

from __future__ import annotations

from pathlib import Path

import click

from .options import arbetare_option, konvertering, mallar_option, profil_option


def _manifests(paths: tuple[Path, ...]) -> list[Path]:
    """Manifest files from the arguments; a folder means every manifest (.yaml/.yml) in it."""
    from ..config import PROFILE_NAMES

    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            inside = sorted(x for x in p.iterdir()
                            if x.suffix.lower() in (".yaml", ".yml") and x.name not in PROFILE_NAMES)
            if not inside:
                raise click.UsageError(f"mappen {p} innehåller inga manifest (.yaml)")
            found.extend(inside)
        elif not p.exists():
            raise click.UsageError(f"filen {p} finns inte")
        else:
            found.append(p)
    return found


def _batch_outdirs(manifests: list[Path], utmapp: Path) -> list[Path]:
    if len(manifests) == 1:
        return [utmapp]
    stems = [m.stem for m in manifests]
    return [utmapp / (m.stem if stems.count(m.stem) == 1 else f"{m.parent.name}-{m.stem}") for m in manifests]


@click.command("handling")
@click.argument("manifest", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path),
              default=Path("outputs/handling"), show_default=True,
              help="Mapp för kallelse, handling.pdf och manifest.json (en undermapp per manifest vid flera).")
@click.option("--publicering", is_flag=True,
              help="Webbversion: utan sekretessärenden och -bilagor, personnummer maskerade.")
@click.option("--pdfa", is_flag=True, help="Arkivversion (PDF/A).")
@click.option("--tvinga", is_flag=True, help="Bygg trots fel i kontrollen (felen skrivs ut).")
@profil_option
@mallar_option
@arbetare_option
def handling_cmd(manifest, utmapp, publicering, pdfa, tvinga, profil, mallar, arbetare):
    """Skapa kallelse och sammanträdeshandling från ett eller flera manifest.

    MANIFEST är en YAML-fil som beskriver sammanträdet, eller en mapp med sådana.
    Kontrollerna (som `rapportgen check`) körs först; fel stoppar bygget.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    from ..assemble.bygg import build_handling
    from ..config import profile_for
    from ..exceptions import Abort, RapportgenError

    manifests = _manifests(manifest)
    outdirs = _batch_outdirs(manifests, utmapp)
    console = Console(stderr=True)
    results, failures = [], []
    with konvertering(profile_for(manifests[:1], profil), arbetare), \
            Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                     console=console, transient=True) as progress:
        task = progress.add_task("sammanträdeshandlingar", total=len(manifests))
        for m, out in zip(manifests, outdirs):
            def step(msg: str, m=m) -> None:
                progress.update(task, description=f"{m.name}: {msg}")
            try:
                prof = profile_for([m], profil)
                results.append(build_handling(m, out, prof, publicering=publicering, pdfa=pdfa,
                                              mallar=mallar, progress=step, tvinga=tvinga))
            except RapportgenError as exc:
                failures.append(exc)
            progress.advance(task)
    for r in results:
        for f in r.varningar:
            click.echo(f.format(), err=True)
        for mask in r.maskeringar:
            click.echo(f"maskerat: {mask.format()}", err=True)
        for path in (r.kallelse_docx, r.kallelse_pdf, r.handling, r.manifest_json):
            click.echo(f"skrev {path}")
        click.echo(f"{r.handling.name}: {r.sidor} sidor, {len(r.delar) - 1} delar")
    for exc in failures:
        exc.show()
    if failures:
        raise Abort(f"{len(failures)} av {len(manifests)} handlingar kunde inte byggas")
