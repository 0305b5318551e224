"""Command line interface: a thin layer over the library."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__
from .build import build_tjansteskrivelser, profile_for

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

profil_option = click.option(
    "--profil", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Organisationsprofil (standard: rapportgen.yaml i arbetsmappen eller intill indata).",
)
mallar_option = click.option(
    "--mallar", type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Mapp med egna Word-mallar som går före de inbyggda.",
)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="rapportgen",
                      message="%(prog)s version %(version)s")
def cli() -> None:
    """rapportgen – dokument för nämndens sammanträden.

    Fyller Word-mallar med data från Markdown, YAML och Excel, gör PDF med
    LibreOffice och sätter ihop sammanträdeshandlingar.
    """


@cli.command("tjansteskrivelse")
@click.argument("indata", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="Mapp där .docx och .pdf skrivs.")
@click.option("--ingen-pdf", is_flag=True, help="Skriv bara .docx, ingen PDF.")
@profil_option
@mallar_option
def tjansteskrivelse_cmd(indata, utmapp, ingen_pdf, profil, mallar):
    """Skapa tjänsteskrivelser från Markdown-filer med YAML-huvud.

    Varje INDATA-fil blir en .docx och en .pdf med samma namn i utmappen.
    """
    if not indata:
        raise click.UsageError("ange minst en indatafil (.md)")
    prof = profile_for(indata, profil)
    result = build_tjansteskrivelser(list(indata), utmapp, prof, pdf=not ingen_pdf, mallar=mallar)
    for path in result.docx + result.pdf:
        click.echo(f"skrev {path}")


def main() -> None:  # pragma: no cover - console entry
    cli()
