"""`rapportgen tjansteskrivelse`: tjänsteskrivelser from Markdown files or a batch sheet."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (arbetare_option, echo_findings, framsteg, ingen_pdf_option, konvertering, mallar_option,
                      profil_option, sammanfattning, utmapp_option)


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
    import time

    from .. import doctypes
    from ..config import profile_for

    t0 = time.monotonic()
    if batch is not None:
        if indata:
            raise click.UsageError("ange antingen indatafiler eller --batch, inte båda")
        prof = profile_for([batch], profil)
        with konvertering(prof, arbetare):
            _run_batch(batch, utmapp, not ingen_pdf, tvinga, prof, mallar, t0)
        return
    if not indata:
        raise click.UsageError("ange minst en indatafil (.md) eller --batch ARK")
    prof = profile_for(indata, profil)
    with konvertering(prof, arbetare), framsteg("Tjänsteskrivelser") as progress:
        result = doctypes.get("tjansteskrivelse").build(list(indata), utmapp, prof, pdf=not ingen_pdf,
                                                        mallar=mallar, tvinga=tvinga, progress=progress)
    echo_findings(result.findings)
    sammanfattning(result.docx + result.pdf, t0, utmapp)


def _run_batch(sheet: Path, utmapp: Path, pdf: bool, tvinga: bool, prof, mallar, t0: float) -> None:
    from ..doctypes.tjansteskrivelse import build_batch

    with framsteg("Tjänsteskrivelser") as progress:
        result = build_batch(sheet, utmapp, prof, pdf=pdf, mallar=mallar, tvinga=tvinga, progress=progress)
    echo_findings(result.findings)
    for rad, message in result.fel:
        click.echo(f"Fel: {message}", err=True)
    ok = len(result.docx)
    sammanfattning(result.docx + result.pdf, t0, utmapp)
    click.echo(f"{ok} av {result.antal} tjänsteskrivelser klara i {utmapp}"
               + (f"; {len(result.fel)} rader med fel" if result.fel else ""))
    if result.fel:
        raise SystemExit(1)
