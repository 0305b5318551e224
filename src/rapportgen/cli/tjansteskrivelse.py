"""`rapportgen tjansteskrivelse`: tjänsteskrivelser from Markdown files or a batch sheet."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (arbetare_option, echo_findings, ingen_pdf_option, konvertering, mallar_option,
                      profil_option, utmapp_option)


@click.command("tjansteskrivelse")
@click.argument("indata", nargs=-1, type=click.Path(path_type=Path))
@utmapp_option
@ingen_pdf_option
@click.option("--batch", "batch", type=click.Path(dir_okay=False, path_type=Path),
              help="Excel- eller CSV-ark med ett ärende per rad.")
@click.option("--tvinga", is_flag=True, help="Skriv dokumenten trots fel i kontrollen.")
@profil_option
@mallar_option
@arbetare_option
def tjansteskrivelse_cmd(indata, utmapp, ingen_pdf, batch, tvinga, profil, mallar, arbetare):
    """Skapa tjänsteskrivelser från Markdown-filer med YAML-huvud.

    Varje INDATA-fil blir en .docx och en .pdf med samma namn i utmappen.
    Med --batch blir varje rad i arket en tjänsteskrivelse.
    """
    from .. import doctypes
    from ..config import profile_for

    if batch is not None:
        if indata:
            raise click.UsageError("ange antingen indatafiler eller --batch, inte båda")
        prof = profile_for([batch], profil)
        with konvertering(prof, arbetare):
            _run_batch(batch, utmapp, not ingen_pdf, tvinga, prof, mallar)
        return
    if not indata:
        raise click.UsageError("ange minst en indatafil (.md) eller --batch ARK")
    prof = profile_for(indata, profil)
    with konvertering(prof, arbetare):
        result = doctypes.get("tjansteskrivelse").build(list(indata), utmapp, prof, pdf=not ingen_pdf,
                                                        mallar=mallar, tvinga=tvinga)
    echo_findings(result.findings)
    for path in result.docx + result.pdf:
        click.echo(f"skrev {path}")


def _run_batch(sheet: Path, utmapp: Path, pdf: bool, tvinga: bool, prof, mallar) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..doctypes.tjansteskrivelse import build_batch
    from ..inputs.batch import load_batch

    total = len(load_batch(sheet))
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("Tjänsteskrivelser", total=total)
        result = build_batch(sheet, utmapp, prof, pdf=pdf, mallar=mallar, tvinga=tvinga,
                             progress=lambda done, _total, _namn: bar.update(task, completed=done))
    for rad, message in result.fel:
        click.echo(f"Fel: {message}", err=True)
    ok = len(result.docx)
    click.echo(f"{ok} av {result.antal} tjänsteskrivelser klara i {utmapp}"
               + (f"; {len(result.fel)} rader med fel" if result.fel else ""))
    if result.fel:
        raise SystemExit(1)
