"""Options and helpers every verb shares."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

profil_option = click.option(
    "--profil", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Organisationsprofil (standard: rapportgen.yaml i arbetsmappen eller intill indata).",
)
mallar_option = click.option(
    "--mallar", type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Mapp med egna Word-mallar som går före de inbyggda.",
)

# One default output folder for every command that writes documents.
STANDARD_UTMAPP = Path("outputs")


def utmapp(help: str = "Mapp där .docx och .pdf skrivs."):
    return click.option("-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path),
                        default=STANDARD_UTMAPP, show_default=True, help=help)


utmapp_option = utmapp()
ingen_pdf_option = click.option("--ingen-pdf", is_flag=True, help="Skriv bara .docx, ingen PDF.")

arbetare_option = click.option(
    "--arbetare", type=click.IntRange(min=1), metavar="N",
    help="Antal LibreOffice-instanser som konverterar samtidigt (standard: antal kärnor).",
)


def konvertering(prof, arbetare):
    """One conversion pool for the whole command."""
    from ..convert import session

    return session(prof.konvertering, arbetare=arbetare)


def echo_findings(findings) -> None:
    """Warnings (and errors let through by --tvinga) on stderr."""
    for f in findings:
        click.echo(f"Varning: {f.format()}" if f.severity.value == "fel" else f.format(), err=True)


def datum(ctx, param, value):
    """Click callback: an ISO date."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' är inte ett datum; skriv ÅÅÅÅ-MM-DD") from None


def register_path(register: Path | None, near: Path | None = None) -> Path | None:
    """The revision register: as given, else revisionsregister.* in the working folder or beside near."""
    from ..inputs.revisionsregister import find_register

    if register is not None:
        return register
    for folder in [Path.cwd()] + ([near.parent] if near else []):
        found = find_register(folder)
        if found:
            return found
    return None


@contextmanager
def framsteg(beskrivning: str):
    """A progress bar on stderr in a terminal: yields the callback progress(done, total, name), else None."""
    import sys

    if not sys.stderr.isatty():  # nobody watches: no callback, so the build converts in one go
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[namn]}"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(beskrivning, total=None, namn="")

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, namn=name)

        yield progress


def sammanfattning(filer: list[Path], t0: float, utmapp: Path | None = None, extra: str = "") -> None:
    """The end of a build: what was written (one line per file) and how long it took."""
    import time

    for path in filer:
        click.echo(f"skrev {path}")
    sekunder = time.monotonic() - t0
    tid = f"{sekunder:.1f}".replace(".", ",")
    antal = {s: sum(p.suffix == s for p in filer) for s in (".docx", ".pdf")}
    delar = [f"{n} {s}" for s, n in antal.items() if n]
    andra = len(filer) - sum(antal.values())
    if andra:
        delar.append(f"{andra} andra filer")
    var = f" i {utmapp}" if utmapp is not None else ""
    click.echo(f"Klart på {tid} s: {', '.join(delar) or 'inga filer'}{var}{extra}.")
