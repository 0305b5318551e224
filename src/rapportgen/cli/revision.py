"""`rapportgen revision status`: the revision register's reply deadlines."""

from __future__ import annotations

from pathlib import Path

import click

from .options import datum, profil_option, register_path
from .svenska import svensk_grupp


@click.group("revision", cls=svensk_grupp())
def revision_group():
    """Revisionsregistret: inkomna revisionsrapporter och deras svarsdagar."""


@revision_group.command("status")
@click.option("--register", "register", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Registret (YAML eller Excel); standard: revisionsregister.yaml/.xlsx i arbetsmappen.")
@click.option("--per", callback=datum, metavar="DATUM",
              help="Dagen som dagar kvar räknas från (ÅÅÅÅ-MM-DD); standard: i dag.")
@profil_option
def revision_status_cmd(register, per, profil):
    """Visa öppna revisionsrapporter sorterade efter svarsdag.

    Visar dagar kvar och markerar rapporter som redan är försenade och rapporter vars
    svarsdag infaller före nästa sammanträde som kan besluta om svaret. Sammanträdesdagar
    hämtas från profilen (`sammanträden:`) och från registret.
    Slutkod 0: inget att åtgärda, 1: minst en rapport är försenad eller missar sitt sammanträde.
    """
    import datetime as dt

    from ..commands.revision import compare_reply, format_status, load_register, meetings_for, status
    from ..config import profile_for
    from ..exceptions import InputError

    path = register_path(register)
    if path is None:
        raise InputError("inget revisionsregister hittades; ange --register FIL "
                         "eller lägg revisionsregister.yaml i arbetsmappen")
    prof = profile_for([path], profil)
    reg = load_register(path)
    per = per or dt.date.today()
    rows = status(reg, per, prof.sammantraden, bas=path.parent)
    for rad in rows:
        compare_reply(rad, prof)
    click.echo(format_status(rows, per, len(meetings_for(reg, prof.sammantraden))))
    # Exit 1 when a reply is late or will miss its meeting, so a cron job can alert on it.
    if any(r.sen or r.missar_sammantrade for r in rows):
        click.get_current_context().exit(1)
