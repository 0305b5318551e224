"""`rapportgen mallar`: users' own Word templates (list, variables, check)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import mallar_option, profil_option
from .svenska import svensk_grupp


@click.group("mallar", cls=svensk_grupp())
def mallar_group():
    """Egna Word-mallar: vilken mall som används, vilka variabler den får använda, kontroll."""


@mallar_group.command("lista")
@profil_option
@mallar_option
def mallar_lista_cmd(profil, mallar):
    """Visa varje dokumenttyp, mallen den använder och varifrån mallen kommer.

    Ordning: --mallar, profilens mallar:, mallar/ och templates/ i arbetsmappen, inbyggd mall.
    """
    from ..commands import mallar as m

    from ..config import profile_for

    prof = profile_for([], profil)
    for rad in m.lista(prof, mallar):
        if rad.mall is None:
            click.echo(f"{rad.typ.name:<18} (ingen mall hittades)")
        else:
            click.echo(f"{rad.typ.name:<18} {rad.mall.path}  [{rad.mall.beskrivning}]")


@mallar_group.command("variabler")
@click.argument("typ", required=False)
@click.option("--alla", is_flag=True, help="Alla dokumenttyper.")
@click.option("--markdown", is_flag=True, help="Som Markdown (referenssidan docs/mallvariabler.md).")
def mallar_variabler_cmd(typ, alla, markdown):
    """Lista variablerna och filtren som en mall av typen TYP får använda.

    Listan tas fram ur dokumenttypens datamodell och stämmer alltid med det som
    rapportgen skickar till mallen.
    """
    from .. import doctypes
    from ..commands import mallar as m

    if not typ and not alla:
        names = ", ".join(t.name for t in doctypes.all_types())
        raise click.UsageError(f"ange en dokumenttyp ({names}) eller --alla")
    types = doctypes.all_types() if alla else [doctypes.get(typ)]
    if markdown:
        click.echo(m.markdown_referens(types), nl=False)
    else:
        click.echo("\n".join(m.text_referens(t) for t in types), nl=False)


@mallar_group.command("kontrollera")
@click.argument("filer", metavar="FIL.docx...", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--typ", help="Dokumenttyp (standard: efter filnamnet, t.ex. tjansteskrivelse.docx).")
@click.option("-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path),
              help="Spara provrenderingen (.docx och .pdf) här.")
@profil_option
def mallar_kontrollera_cmd(filer, typ, utmapp, profil):
    """Kontrollera Word-mallar som docxtpl läser dem, och provrendera dem.

    Hittar syntaxfel, taggar som är delade över stycken, okända variabler och filter,
    och fyller sedan mallen med typens exempeldata, öppnar resultatet igen och gör PDF.
    Slutkod 0: alla mallar godkända, 1: minst en mall har fel.
    """
    from ..commands import mallar as m

    from ..config import profile_for

    prof = profile_for(list(filer), profil)
    failed = 0
    for fil in filer:
        rapport = m.kontrollera(fil, typ, prof, utmapp)
        click.echo(m.format_kontroll(rapport))
        failed += not rapport.ok
    click.get_current_context().exit(1 if failed else 0)


@mallar_group.command("tabeller")
def mallar_tabeller_cmd():
    """Visa referensen för tabelldefinitioner (ekonomitabeller som data), med exempel, som
    Markdown (referenssidan docs/tabelldefinitioner.md).

    Referensen tas fram ur definitionernas datamodell; exemplen räknas av rapportgen.
    """
    from ..commands import tabelldefinitioner

    click.echo(tabelldefinitioner.markdown(), nl=False)
