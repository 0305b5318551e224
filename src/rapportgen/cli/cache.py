"""`rapportgen cache status|rensa`: the PDF cache (only Click is imported until a command runs)."""

from __future__ import annotations

import click


def _storlek(n: int) -> str:
    for enhet, steg in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= steg:
            return f"{n / steg:.1f} {enhet}".replace(".", ",")
    return f"{n} byte"


@click.group("cache")
def cache_group():
    """PDF-cachen: konverterade dokument som återanvänds när inget har ändrats.

    Cachen ligger i $RAPPORTGEN_CACHE, annars $XDG_CACHE_HOME/rapportgen/pdf
    (~/.cache/rapportgen/pdf). Varje PDF kontrolleras innan den används; en skadad
    kastas och görs om.
    """


@cache_group.command("status")
def cache_status_cmd():
    """Visa var cachen ligger, hur många PDF:er den har och hur stor den är."""
    from ..convert.cache import Cache

    c = Cache()
    click.echo(f"Cache: {c.folder}")
    click.echo(f"{len(c.entries())} PDF:er, {_storlek(c.size())}")


@cache_group.command("rensa")
def cache_rensa_cmd():
    """Töm cachen (nästa bygge konverterar allt på nytt)."""
    from ..convert.cache import Cache

    c = Cache()
    n = c.clear()
    click.echo(f"Cachen tömd: {n} PDF:er borttagna ur {c.folder}")
