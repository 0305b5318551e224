"""Options and helpers every verb shares."""

from __future__ import annotations

from pathlib import Path

import click

profil_option = click.option(
    "--profil", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Organisationsprofil (standard: rapportgen.yaml i arbetsmappen eller intill indata).",
)
mallar_option = click.option(
    "--mallar", type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Mapp med egna Word-mallar som går före de inbyggda.",
)

utmapp_option = click.option(
    "-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
    show_default=True, help="Mapp där .docx och .pdf skrivs.",
)
ingen_pdf_option = click.option("--ingen-pdf", is_flag=True, help="Skriv bara .docx, ingen PDF.")

arbetare_option = click.option(
    "--arbetare", type=click.IntRange(min=1), metavar="N",
    help="Antal LibreOffice-instanser som konverterar samtidigt (standard: antal kärnor).",
)


def konvertering(prof, arbetare):
    """One conversion pool for the whole command."""
    from ..convert import session

    return session(prof.konvertering, arbetare=arbetare)


def echo_findings(findings) -> None:
    """Warnings (and errors let through by --tvinga) on stderr."""
    for f in findings:
        click.echo(f"Varning: {f.format()}" if f.severity.value == "fel" else f.format(), err=True)


def datum(ctx, param, value):
    """Click callback: an ISO date."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' är inte ett datum; skriv ÅÅÅÅ-MM-DD") from None


def register_path(register: Path | None, near: Path | None = None) -> Path | None:
    """The revision register: as given, else revisionsregister.* in the working folder or beside near."""
    from ..inputs.revisionsregister import find_register

    if register is not None:
        return register
    for folder in [Path.cwd()] + ([near.parent] if near else []):
        found = find_register(folder)
        if found:
            return found
    return None
