"""`rapportgen init`: a working folder with a profile, templates and example inputs."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("mapp", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--tvinga", is_flag=True, help="Skriv över filer som redan finns.")
def init_cmd(mapp, tvinga):
    """Skapa en arbetsmapp: profil, kopior av mallarna, exempelindata och LÄSMIG.

    Filer som redan finns lämnas orörda (utom med --tvinga).
    """
    from ..commands.init import skapa_arbetsmapp

    result = skapa_arbetsmapp(mapp, tvinga=tvinga)
    for path in result.skrivna:
        click.echo(f"skrev {path}")
    for path in result.hoppade_over:
        click.echo(f"finns redan, orörd: {path}", err=True)
    click.echo(f"Klart. Fyll i {mapp / 'rapportgen.yaml'} och läs {mapp / 'LÄSMIG.md'}.")
