"""`rapportgen server start|stop|status`: the background pool of LibreOffice instances."""

from __future__ import annotations

import click


@click.group("server")
def server_group():
    """LibreOffice i bakgrunden, så att ombyggen slipper starttiden.

    Medan servern är igång konverterar alla kommandon på dess instanser.
    Den stoppar sig själv efter --vila sekunder utan bygge.
    """


@server_group.command("start")
@click.option("--arbetare", type=click.IntRange(min=1), metavar="N",
              help="Antal LibreOffice-instanser (standard: antal kärnor).")
@click.option("--vila", type=click.FloatRange(min=0), default=1800, show_default=True, metavar="SEK",
              help="Stoppa efter så många sekunder utan bygge (0: kör tills `rapportgen server stop`).")
def start_cmd(arbetare, vila):
    """Starta LibreOffice-instanserna i bakgrunden."""
    from . import bakgrund

    already = bakgrund.status()
    st = already or bakgrund.start(arbetare, vila)
    portar = ", ".join(str(i["port"]) for i in st["instanser"])
    click.echo(("Servern körde redan" if already else "Servern startad")
               + f": {len(st['instanser'])} instanser (portar {portar}), process {st['pid']}")


@server_group.command("stop")
def stop_cmd():
    """Stoppa bakgrundsservern och alla dess LibreOffice-processer."""
    from . import bakgrund

    click.echo("Servern stoppad" if bakgrund.stop() else "Ingen server körs")


@server_group.command("status")
def status_cmd():
    """Visa om bakgrundsservern körs."""
    from . import bakgrund
    from .server import responds

    st = bakgrund.status()
    if st is None:
        click.echo("Ingen server körs")
        return
    vila = f"stoppar efter {st['vila']:g} s utan bygge" if st["vila"] else "körs tills den stoppas"
    click.echo(f"Servern körs: process {st['pid']}, {vila}")
    for inst in st["instanser"]:
        svar = "svarar" if responds("127.0.0.1", inst["port"]) else "svarar inte"
        click.echo(f"  instans på port {inst['port']}: {svar}")


@server_group.command("kor")
@click.option("--lyssna", default="0.0.0.0", show_default=True, metavar="ADRESS",
              help="Adressen som servern tar emot anrop på.")
@click.option("--port", type=click.IntRange(1, 65535), default=2003, show_default=True)
def kor_cmd(lyssna, port):
    """Kör en konverteringsserver i förgrunden, åt andra datorer.

    Andra datorer använder den med `servrar: ["värd:port"]` under `konvertering:` i
    profilen. Stoppas med Ctrl-C; LibreOffice stoppas med den.
    """
    import time

    from ..exceptions import ConversionError
    from .server import Instance

    if not Instance.port_free(port):
        raise ConversionError(f"porten {port} är upptagen; välj en annan med --port")
    inst = Instance(port=port, interface=lyssna)
    try:
        inst.start()
        click.echo(f"Konverteringsservern tar emot anrop på {lyssna}:{port}; stoppa med Ctrl-C", err=True)
        while inst.proc is not None and inst.proc.poll() is None:
            time.sleep(0.5)
        raise ConversionError("LibreOffice avslutades")
    except KeyboardInterrupt:
        click.echo("Stoppad", err=True)
    finally:
        inst.kill()
