"""`rapportgen delarsrapport` and `rapportgen verksamhetsplan`: the two big reports."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (arbetare_option, echo_findings, ingen_pdf_option, konvertering, mallar_option,
                      profil_option, sammanfattning, utmapp_option)


def _rapport_command(typ: str, hjalp: str):
    @click.command(typ, help=hjalp)
    @click.argument("indata", metavar="MAPP_ELLER_MANIFEST", type=click.Path(path_type=Path))
    @utmapp_option
    @ingen_pdf_option
    @click.option("--tvinga", is_flag=True, help="Skriv rapporten trots fel i kontrollen.")
    @profil_option
    @mallar_option
    @arbetare_option
    def command(indata, utmapp, ingen_pdf, tvinga, profil, mallar, arbetare):
        import time

        from .. import doctypes
        from ..config import profile_for

        t0 = time.monotonic()
        prof = profile_for([indata], profil)
        with konvertering(prof, arbetare):
            result = doctypes.get(typ).build([indata], utmapp, prof, pdf=not ingen_pdf, mallar=mallar,
                                             tvinga=tvinga)
        echo_findings(result.findings)
        sammanfattning(result.docx + result.pdf, t0, utmapp)

    return command


delarsrapport_cmd = _rapport_command("delarsrapport", """Skapa delårsrapporten från en mapp med manifest.

MAPP_ELLER_MANIFEST är mappen med delarsrapport.yaml eller manifestet självt. Manifestet
pekar ut ekonomiarket (Excel), målfilen, nyckeltalen och de återkommande texterna.
Rapporten blir en .docx och en .pdf i utmappen.""")

verksamhetsplan_cmd = _rapport_command("verksamhetsplan", """Skapa verksamhetsplan och budget från en mapp med manifest.

MAPP_ELLER_MANIFEST är mappen med verksamhetsplan.yaml eller manifestet självt. Manifestet
pekar ut budgetarket (Excel), målfilen, nyckeltalen och de återkommande texterna.
Planen blir en .docx och en .pdf i utmappen.""")
