"""`rapportgen serve [MAPP]`: the web page for the secretary, on this computer only by default."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("serve")
@click.argument("mapp", required=False, default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--vard", "--host", "vard", default="127.0.0.1", show_default=True,
              help="Adressen servern lyssnar på. Låt den vara 127.0.0.1 (bara den här datorn); "
                   "se README för delad användning bakom kommunens proxy.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Porten.")
@click.option("--ingen-webblasare", is_flag=True, help="Öppna inte webbläsaren.")
def serve_cmd(mapp: Path, vard: str, port: int, ingen_webblasare: bool) -> None:
    """Starta webbsidan för sammanträden, tjänsteskrivelser och revisionsregistret.

    MAPP är arbetsmappen (den som `rapportgen init` skapar); standard är den aktuella mappen.
    Sidan läser och skriver bara filer i MAPP. Avsluta med Ctrl-C.
    """
    import threading
    import webbrowser

    import uvicorn

    from .app import create_app

    app = create_app(mapp, host=vard)
    url_host = f"[{vard}]" if ":" in vard else vard
    url = f"http://{url_host}:{port}/"
    if vard not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Obs: servern lyssnar på {vard} och kan nås från andra datorer. "
                   "Den har ingen inloggning; lägg den bakom en proxy med autentisering.", err=True)
    click.echo(f"rapportgen serve: {mapp.resolve()} på {url} (avsluta med Ctrl-C)")
    config = uvicorn.Config(app, host=vard, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if not ingen_webblasare:
        def open_when_ready() -> None:
            import time

            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                time.sleep(0.1)
        threading.Thread(target=open_when_ready, daemon=True).start()
    server.run()
