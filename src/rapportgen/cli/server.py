"""`rapportgen server start|stop|status|kor`: the background pool, and the conversion service for others.

Only Click is imported here; the conversion package loads when a command runs, so
`rapportgen --help` and shell completion stay light.
"""

from __future__ import annotations

import click

from .svenska import svensk_grupp


@click.group("server", cls=svensk_grupp())
def server_group():
    """LibreOffice i bakgrunden, så att ombyggen slipper starttiden.

    Medan servern är igång konverterar alla kommandon på dess instanser, och
    byggkommandona körs i dess varma process (RAPPORTGEN_VARM=0 stänger av det).
    Den stoppar sig själv efter --vila sekunder utan bygge.
    """


@server_group.command("start")
@click.option("--arbetare", type=click.IntRange(min=1), metavar="N",
              help="Antal LibreOffice-instanser (standard: antal kärnor).")
@click.option("--vila", type=click.FloatRange(min=0), default=1800, show_default=True, metavar="SEK",
              help="Stoppa efter så många sekunder utan bygge (0: kör tills `rapportgen server stop`).")
def start_cmd(arbetare, vila):
    """Starta LibreOffice-instanserna och den varma processen i bakgrunden."""
    from ..convert import bakgrund

    already = bakgrund.status()
    st = already or bakgrund.start(arbetare, vila)
    click.echo(("Servern körde redan" if already else "Servern startad")
               + f": {len(st['instanser'])} instanser, process {st['pid']}")


@server_group.command("stop")
def stop_cmd():
    """Stoppa bakgrundsservern, dess LibreOffice-processer och den varma processen."""
    from ..convert import bakgrund

    click.echo("Servern stoppad" if bakgrund.stop() else "Ingen server körs")


@server_group.command("status")
def status_cmd():
    """Visa om bakgrundsservern och dess varma process körs."""
    from ..convert import bakgrund
    from ..convert.server import responds

    st = bakgrund.status()
    if st is None:
        click.echo("Ingen server körs")
        return
    vila = f"stoppar efter {st['vila']:g} s utan bygge" if st["vila"] else "körs tills den stoppas"
    click.echo(f"Servern körs: process {st['pid']}, {vila}")
    for n, inst in enumerate(st["instanser"], 1):
        svar = "svarar" if responds(inst["sokvag"]) else "svarar inte"
        click.echo(f"  instans {n} ({inst['sokvag']}): {svar}")
    warm = bakgrund.varm_status()
    if warm is None:
        click.echo("  varm process: körs inte (byggen startar en egen Python)")
    else:
        from ..varm.gemensamt import fingeravtryck

        aktuell = "" if warm.get("fingeravtryck") == fingeravtryck() else "; koden har ändrats, den startas om"
        click.echo(f"  varm process: process {warm['pid']}, {warm['moduler']} moduler inlästa{aktuell}")


@server_group.command("kor")
@click.option("--lyssna", default="127.0.0.1", show_default=True, metavar="ADRESS",
              help="Adressen som servern tar emot anrop på (0.0.0.0: alla nätverk).")
@click.option("--port", type=click.IntRange(1, 65535), default=2003, show_default=True)
@click.option("--arbetare", type=click.IntRange(min=1), metavar="N",
              help="Antal LibreOffice-instanser som konverterar samtidigt (standard: en per kärna som "
                   "servern får köra på, t.ex. med taskset).")
@click.option("--certifikat", type=click.Path(exists=True, dir_okay=False), metavar="FIL",
              help="TLS-certifikat (PEM) för https; annars http (sätt en omvänd proxy framför).")
@click.option("--nyckel", type=click.Path(exists=True, dir_okay=False), metavar="FIL",
              help="Certifikatets privata nyckel (PEM).")
@click.option("--profil", type=click.Path(exists=True, dir_okay=False), metavar="FIL",
              help="Profil med 'token:' under 'konvertering:' (standard: rapportgen.yaml i arbetsmappen).")
def kor_cmd(lyssna, port, arbetare, certifikat, nyckel, profil):
    """Kör en konverteringsserver i förgrunden, åt andra datorer.

    Servern tar emot dokumentets innehåll (aldrig en sökväg) och svarar med PDF:en.
    Varje anrop kräver token: miljövariabeln RAPPORTGEN_SERVER_TOKEN eller 'token:'
    under 'konvertering:' i profilen (aldrig på kommandoraden, där ps visar den).
    Andra datorer använder den med `servrar: ["värd:port"]` (eller "https://värd:port")
    och samma token. Stoppas med Ctrl-C; LibreOffice stoppas med den.
    """
    import signal
    import ssl

    from ..exceptions import ConversionError, InputError
    from ..config import load_profile
    from ..convert import natverk
    from ..convert.tjanst import Tjanst

    import os

    if arbetare is None:
        arbetare = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    prof = load_profile(profil)
    token = natverk.token_fran(prof.konvertering)
    if token and not os.environ.get(natverk.TOKEN_ENV) and prof.source is not None \
            and prof.source.stat().st_mode & 0o077:
        click.echo(f"Varning: {prof.source}: profilen har token men kan läsas av andra; "
                   f"gör den läsbar bara för dig (chmod 600)", err=True)
    if bool(certifikat) != bool(nyckel):
        raise InputError("--certifikat och --nyckel anges tillsammans")
    ctx = None
    if certifikat:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            ctx.load_cert_chain(certifikat, nyckel)
        except (ssl.SSLError, OSError) as exc:
            raise InputError(f"certifikatet eller nyckeln kan inte läsas: {exc}", fil=certifikat) from None
    granser = getattr(prof, "granser", None)
    tjanst = Tjanst(lyssna, port, token, arbetare=arbetare, tidsgrans=prof.konvertering.tidsgrans,
                            granser=granser, ssl_context=ctx)

    def stop(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        tjanst.start_instances()
        if not any(ep.started for p in tjanst._alla for ep in p.endpoints):
            raise ConversionError("LibreOffice startade inte")
        schema = "https" if ctx else "http"
        click.echo(f"Konverteringsservern tar emot anrop på {schema}://{lyssna}:{port} ({arbetare} "
                   "dokument åt gången); stoppa med Ctrl-C", err=True)
        tjanst.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        click.echo("Stoppad", err=True)
    finally:
        tjanst.server_close()
