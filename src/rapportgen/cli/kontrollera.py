"""`rapportgen kontrollera` (alias `check`): check inputs without making any documents."""

from __future__ import annotations

from pathlib import Path

import click

from .options import profil_option


@click.command("kontrollera")
@click.argument("sokvagar", metavar="SÖKVÄG...", nargs=-1, type=click.Path(path_type=Path))
@profil_option
@click.option("--typ", help="Dokumenttyp för alla filer (standard: efter filen, t.ex. tjansteskrivelse).")
@click.option("--format", "utformat", type=click.Choice(["auto", "rich", "text", "plain"]), default="auto",
              show_default=True, help="Utskrift: tabeller (rich), ren text, eller rich i terminal.")
def kontrollera_cmd(sokvagar, profil, typ, utformat):
    """Kontrollera indata utan att göra några dokument.

    Kör alla kontroller som gäller för varje fil (mappar gås igenom): platshållare,
    tomma avsnitt, diarienummer, perioder, summor med mera. Fynden skrivs per dokument.
    Slutkod 0: inga fel, 1: minst ett fel, 2: en fil kunde inte läsas.
    """
    import gc
    import sys

    if not sokvagar:
        raise click.UsageError("ange minst en fil eller mapp att kontrollera")
    # A check is one short process. The cyclic garbage collector's passes over the objects its
    # imports make (model classes, schemas, checks) cost a tenth of its time and free next to
    # nothing; reference counting frees the rest. Off while the command runs; after it, what the
    # command made is frozen (left out of later passes and of the pass at exit) and it is on again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        from ..checks.report import format_plain, print_rich
        from ..commands.kontrollera import expand, kontrollera
        from ..config import profile_for

        files = expand(sokvagar)
        prof = profile_for(files, profil)
        rapport = kontrollera(files, prof, typ)
        rich = utformat == "rich" or (utformat == "auto" and sys.stdout.isatty())
        if rich:
            print_rich(rapport)
        else:
            click.echo(format_plain(rapport))
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
    click.get_current_context().exit(rapport.exit_code)
