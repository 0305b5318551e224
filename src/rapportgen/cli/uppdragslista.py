"""`rapportgen uppdragslista`: the nämnd's assignments from an Excel sheet, with the register's reports."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (arbetare_option, datum, echo_findings, ingen_pdf_option, konvertering, mallar_option,
                      profil_option, register_path, sammanfattning, utmapp_option)


@click.command("uppdragslista")
@click.argument("ark", type=click.Path(path_type=Path))
@click.option("--register", "register", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Revisionsregister vars rapporter tas med (standard: revisionsregister.* i "
                   "arbetsmappen eller intill arket).")
@click.option("--per", callback=datum, metavar="DATUM",
              help="Redovisning t o m (ÅÅÅÅ-MM-DD); standard: värdet i arket, annars i dag.")
@utmapp_option
@ingen_pdf_option
@profil_option
@mallar_option
@arbetare_option
def uppdragslista_cmd(ark, register, per, utmapp, ingen_pdf, profil, mallar, arbetare):
    """Skapa uppdragslistan (uppdrag och yttranden) från ett Excel-ark.

    Rapporterna i revisionsregistret läggs till som rader från Rev.
    """
    import time

    from .. import doctypes
    from ..config import profile_for
    from ..inputs.revisionsregister import load_register

    t0 = time.monotonic()
    prof = profile_for([ark], profil)
    path = register_path(register, ark)
    reg = load_register(path) if path else None
    with konvertering(prof, arbetare):
        result = doctypes.get("uppdragslista").build([ark], utmapp, prof, register=reg, per=per,
                                                     pdf=not ingen_pdf, mallar=mallar)
    echo_findings(result.findings)
    sammanfattning(result.docx + result.pdf, t0, utmapp)
