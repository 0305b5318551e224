"""`rapportgen revisionssvar`: replies to revisionsrapporter and their tjänsteskrivelser."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (arbetare_option, echo_findings, framsteg, ingen_pdf_option, konvertering, mallar_option,
                      profil_option, sammanfattning, utmapp_option)


@click.command("revisionssvar")
@click.argument("indata", nargs=-1, type=click.Path(path_type=Path))
@utmapp_option
@ingen_pdf_option
@click.option("--tvinga", is_flag=True, help="Skriv dokumenten trots fel i kontrollen.")
@profil_option
@mallar_option
@arbetare_option
def revisionssvar_cmd(indata, utmapp, ingen_pdf, tvinga, profil, mallar, arbetare):
    """Skapa svar på revisionsrapporter och deras tjänsteskrivelser.

    Varje INDATA-fil (YAML eller Markdown) ger två dokument: svaret (<namn>.docx) och
    tjänsteskrivelsen som för ärendet till nämnden (<namn>-tjansteskrivelse.docx), med PDF.
    Kontrollen stoppar om en rekommendation till nämnden saknar svar eller om svaret är
    daterat efter revisionens sista svarsdag.
    """
    import time

    from .. import doctypes
    from ..config import profile_for

    t0 = time.monotonic()

    if not indata:
        raise click.UsageError("ange minst en indatafil (.yaml eller .md)")
    prof = profile_for(indata, profil)
    with konvertering(prof, arbetare), framsteg("Revisionssvar") as progress:
        result = doctypes.get("revisionssvar").build(list(indata), utmapp, prof, pdf=not ingen_pdf,
                                                     mallar=mallar, tvinga=tvinga, progress=progress)
    echo_findings(result.findings)
    sammanfattning(result.docx + result.pdf, t0, utmapp)
