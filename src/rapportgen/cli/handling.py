"""`rapportgen handling`: kallelse and sammanträdeshandling from one or more manifests."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (arbetare_option, framsteg, ingen_pdf_option, konvertering, mallar_option, profil_option,
                      sammanfattning, utmapp)


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
@utmapp("Mapp för kallelse, handling.pdf och manifest.json (en undermapp per manifest vid flera).")
@ingen_pdf_option
@click.option("--publicering", is_flag=True,
              help="Webbversion: utan sekretessärenden och -bilagor, personnummer maskerade.")
@click.option("--pdfa", is_flag=True, help="Arkivversion (PDF/A).")
@click.option("--tvinga", is_flag=True, help="Bygg trots fel i kontrollen (felen skrivs ut).")
@profil_option
@mallar_option
@arbetare_option
def handling_cmd(manifest, utmapp, ingen_pdf, publicering, pdfa, tvinga, profil, mallar, arbetare):
    """Skapa kallelse och sammanträdeshandling från ett eller flera manifest.

    MANIFEST är en YAML-fil som beskriver sammanträdet, eller en mapp med sådana.
    Kontrollerna (som `rapportgen kontrollera`) körs först; fel stoppar bygget.
    Med --ingen-pdf skrivs bara kallelsen och de dokument rapportgen gör som .docx.
    """
    import time

    from ..convert.tidslinje import logga

    logga("kommando")
    from ..config import profile_for
    from ..convert import forvarm
    from ..exceptions import Abort, RapportgenError

    if ingen_pdf and (publicering or pdfa):
        raise click.UsageError("--ingen-pdf går inte ihop med --publicering eller --pdfa (de gäller PDF-filen)")
    t0 = time.monotonic()
    manifests = _manifests(manifest)
    outdirs = _batch_outdirs(manifests, utmapp)
    results, failures = [], []
    with konvertering(profile_for(manifests[:1], profil), arbetare), framsteg("Sammanträdeshandlingar") as progress:
        if not ingen_pdf:
            forvarm(om_kall=True)  # LibreOffice starts while the build's code is loaded
        from ..commands.build import build_handling

        for m, out in zip(manifests, outdirs):
            try:
                prof = profile_for([m], profil)
                results.append(build_handling(m, out, prof, pdf=not ingen_pdf, publicering=publicering,
                                              pdfa=pdfa, mallar=mallar, tvinga=tvinga, progress=progress))
            except RapportgenError as exc:
                failures.append(exc)
    filer: list[Path] = []
    for r in results:
        for f in r.findings:
            click.echo(f.format(), err=True)
        for h in r.handlingar:
            for mask in h.maskeringar:
                click.echo(f"maskerat: {mask.format()}", err=True)
        filer += r.filer
        for h in r.handlingar:
            click.echo(f"{h.handling.name}: {h.sidor} sidor, {len(h.delar) - 1} delar")
    for exc in failures:
        exc.show()
    antal = f"; {len(results)} av {len(manifests)} handlingar byggda" if len(manifests) > 1 else ""
    sammanfattning(filer, t0, utmapp, antal)
    if failures:
        raise Abort(f"{len(failures)} av {len(manifests)} handlingar kunde inte byggas")
