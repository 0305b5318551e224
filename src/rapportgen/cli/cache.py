"""`rapportgen cache status|rensa`: the PDF cache and the parse cache of inputs (only Click is
imported until a command runs)."""

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
    kastas och görs om. Inlästa Excelfiler sparas i läscachen,
    $XDG_CACHE_HOME/rapportgen/indata; status och rensa gäller båda.
    """


@cache_group.command("status")
def cache_status_cmd():
    """Visa var cachen ligger, hur många PDF:er den har och hur stor den är."""
    from ..convert.cache import Cache

    from ..inputs.lascache import Lascache

    c = Cache()
    click.echo(f"Cache: {c.folder}")
    click.echo(f"{len(c.entries())} PDF:er, {_storlek(c.size())}")
    las = Lascache()
    poster = las.entries()
    click.echo(f"Läscache: {las.folder}")
    click.echo(f"{len(poster)} inlästa filer, {_storlek(sum(p.stat().st_size for p in poster if p.is_file()))}")


@cache_group.command("rensa")
def cache_rensa_cmd():
    """Töm cachen (nästa bygge konverterar allt på nytt)."""
    from ..convert.cache import Cache

    from ..inputs.lascache import Lascache

    c = Cache()
    n = c.clear()
    click.echo(f"Cachen tömd: {n} PDF:er borttagna ur {c.folder}")
    las = Lascache()
    m = las.clear()
    click.echo(f"Läscachen tömd: {m} inlästa filer borttagna ur {las.folder}")
