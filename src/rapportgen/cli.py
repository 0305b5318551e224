"""Command line interface: a thin layer over the library."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__, cli_svenska
from .build import build_batch, build_tjansteskrivelser, profile_for

cli_svenska.installera()  # before any option is declared: Path types name themselves at creation

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

profil_option = click.option(
    "--profil", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Organisationsprofil (standard: rapportgen.yaml i arbetsmappen eller intill indata).",
)
mallar_option = click.option(
    "--mallar", type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Mapp med egna Word-mallar som går före de inbyggda.",
)

utmapp_option = click.option(
    "-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
    show_default=True, help="Mapp där .docx och .pdf skrivs.",
)
ingen_pdf_option = click.option("--ingen-pdf", is_flag=True, help="Skriv bara .docx, ingen PDF.")

arbetare_option = click.option(
    "--arbetare", type=click.IntRange(min=1), metavar="N",
    help="Antal LibreOffice-instanser som konverterar samtidigt (standard: antal kärnor).",
)


def _konvertering(prof, arbetare):
    """One conversion pool for the whole command."""
    from .convert import session

    return session(prof.konvertering, arbetare=arbetare)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="rapportgen", help="Visa versionen och avsluta.",
                      message="%(prog)s version %(version)s")
def cli() -> None:
    """rapportgen – dokument för nämndens sammanträden.

    Fyller Word-mallar med data från Markdown, YAML och Excel, gör PDF med
    LibreOffice och sätter ihop sammanträdeshandlingar.
    """


@cli.command("tjansteskrivelse")
@click.argument("indata", nargs=-1, type=click.Path(path_type=Path))
@utmapp_option
@ingen_pdf_option
@click.option("--batch", "batch", type=click.Path(dir_okay=False, path_type=Path),
              help="Excel- eller CSV-ark med ett ärende per rad.")
@click.option("--tvinga", is_flag=True, help="Skriv dokumenten trots fel i kontrollen.")
@profil_option
@mallar_option
@arbetare_option
def tjansteskrivelse_cmd(indata, utmapp, ingen_pdf, batch, tvinga, profil, mallar, arbetare):
    """Skapa tjänsteskrivelser från Markdown-filer med YAML-huvud.

    Varje INDATA-fil blir en .docx och en .pdf med samma namn i utmappen.
    Med --batch blir varje rad i arket en tjänsteskrivelse.
    """
    if batch is not None:
        if indata:
            raise click.UsageError("ange antingen indatafiler eller --batch, inte båda")
        prof = profile_for([batch], profil)
        with _konvertering(prof, arbetare):
            _run_batch(batch, utmapp, not ingen_pdf, tvinga, prof, mallar)
        return
    if not indata:
        raise click.UsageError("ange minst en indatafil (.md) eller --batch ARK")
    prof = profile_for(indata, profil)
    with _konvertering(prof, arbetare):
        result = build_tjansteskrivelser(list(indata), utmapp, prof, pdf=not ingen_pdf, mallar=mallar,
                                         tvinga=tvinga)
    _echo_findings(result.findings)
    for path in result.docx + result.pdf:
        click.echo(f"skrev {path}")


def _echo_findings(findings) -> None:
    """Warnings (and errors let through by --tvinga) on stderr."""
    for f in findings:
        click.echo(f"Varning: {f.format()}" if f.severity.value == "fel" else f.format(), err=True)


@cli.command("check")
@click.argument("sokvagar", metavar="SÖKVÄG...", nargs=-1, type=click.Path(path_type=Path))
@profil_option
@click.option("--typ", help="Dokumenttyp för alla filer (standard: efter filen, t.ex. tjansteskrivelse).")
@click.option("--format", "utformat", type=click.Choice(["auto", "rich", "text", "plain"]), default="auto",
              show_default=True, help="Utskrift: tabeller (rich), ren text, eller rich i terminal.")
def check_cmd(sokvagar, profil, typ, utformat):
    """Kontrollera indata utan att göra några dokument.

    Kör alla kontroller som gäller för varje fil (mappar gås igenom): platshållare,
    tomma avsnitt, diarienummer, perioder, summor med mera. Fynden skrivs per dokument.
    Slutkod 0: inga fel, 1: minst ett fel, 2: en fil kunde inte läsas.
    """
    import sys

    from .checks.report import format_plain, print_rich
    from .checks.runner import expand, kontrollera

    if not sokvagar:
        raise click.UsageError("ange minst en fil eller mapp att kontrollera")
    files = expand(sokvagar)
    prof = profile_for(files, profil)
    rapport = kontrollera(files, prof, typ)
    rich = utformat == "rich" or (utformat == "auto" and sys.stdout.isatty())
    if rich:
        print_rich(rapport)
    else:
        click.echo(format_plain(rapport))
    click.get_current_context().exit(rapport.exit_code)


def _run_batch(sheet: Path, utmapp: Path, pdf: bool, tvinga: bool, prof, mallar) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .inputs.batch import load_batch

    total = len(load_batch(sheet))
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("Tjänsteskrivelser", total=total)
        result = build_batch(sheet, utmapp, prof, pdf=pdf, mallar=mallar, tvinga=tvinga,
                             progress=lambda rad, namn: bar.advance(task))
    for rad, message in result.fel:
        click.echo(f"Fel: {message}", err=True)
    ok = len(result.docx)
    click.echo(f"{ok} av {result.antal} tjänsteskrivelser klara i {utmapp}"
               + (f"; {len(result.fel)} rader med fel" if result.fel else ""))
    if result.fel:
        raise SystemExit(1)


# --- sammanträdeshandling (kallelse + handling.pdf) and preflight check ------

def _manifests(paths: tuple[Path, ...]) -> list[Path]:
    """Manifest files from the arguments; a folder means every manifest (.yaml/.yml) in it."""
    from .profil import PROFILE_NAMES

    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            inside = sorted(x for x in p.iterdir()
                            if x.suffix.lower() in (".yaml", ".yml") and x.name not in PROFILE_NAMES)
            if not inside:
                raise click.UsageError(f"mappen {p} innehåller inga manifest (.yaml)")
            found.extend(inside)
        elif not p.exists():
            raise click.UsageError(f"filen {p} finns inte")
        else:
            found.append(p)
    return found


def _batch_outdirs(manifests: list[Path], utmapp: Path) -> list[Path]:
    if len(manifests) == 1:
        return [utmapp]
    stems = [m.stem for m in manifests]
    return [utmapp / (m.stem if stems.count(m.stem) == 1 else f"{m.parent.name}-{m.stem}") for m in manifests]


@cli.command("handling")
@click.argument("manifest", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path),
              default=Path("outputs/handling"), show_default=True,
              help="Mapp för kallelse, handling.pdf och manifest.json (en undermapp per manifest vid flera).")
@click.option("--publicering", is_flag=True,
              help="Webbversion: utan sekretessärenden och -bilagor, personnummer maskerade.")
@click.option("--pdfa", is_flag=True, help="Arkivversion (PDF/A).")
@click.option("--tvinga", is_flag=True, help="Bygg trots fel i kontrollen (felen skrivs ut).")
@profil_option
@mallar_option
@arbetare_option
def handling_cmd(manifest, utmapp, publicering, pdfa, tvinga, profil, mallar, arbetare):
    """Skapa kallelse och sammanträdeshandling från ett eller flera manifest.

    MANIFEST är en YAML-fil som beskriver sammanträdet, eller en mapp med sådana.
    Kontrollerna (som `rapportgen check`) körs först; fel stoppar bygget.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    from .assemble import build_handling
    from .exceptions import Abort, RapportgenError

    manifests = _manifests(manifest)
    outdirs = _batch_outdirs(manifests, utmapp)
    console = Console(stderr=True)
    results, failures = [], []
    with _konvertering(profile_for(manifests[:1], profil), arbetare), \
            Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                     console=console, transient=True) as progress:
        task = progress.add_task("sammanträdeshandlingar", total=len(manifests))
        for m, out in zip(manifests, outdirs):
            def step(msg: str, m=m) -> None:
                progress.update(task, description=f"{m.name}: {msg}")
            try:
                prof = profile_for([m], profil)
                results.append(build_handling(m, out, prof, publicering=publicering, pdfa=pdfa,
                                              mallar=mallar, progress=step, tvinga=tvinga))
            except RapportgenError as exc:
                failures.append(exc)
            progress.advance(task)
    for r in results:
        for f in r.varningar:
            click.echo(f.format(), err=True)
        for mask in r.maskeringar:
            click.echo(f"maskerat: {mask.format()}", err=True)
        for path in (r.kallelse_docx, r.kallelse_pdf, r.handling, r.manifest_json):
            click.echo(f"skrev {path}")
        click.echo(f"{r.handling.name}: {r.sidor} sidor, {len(r.delar) - 1} delar")
    for exc in failures:
        exc.show()
    if failures:
        raise Abort(f"{len(failures)} av {len(manifests)} handlingar kunde inte byggas")


def main() -> None:
    """Console entry: as cli(), but Ctrl-C ends with the shell's code for an interrupt (130)."""
    import sys

    try:
        rv = cli.main(prog_name="rapportgen", standalone_mode=False)
    except click.exceptions.Abort as exc:
        click.echo(cli_svenska.TEXTER["Aborted!"], err=True)
        sys.exit(130 if isinstance(exc.__cause__, KeyboardInterrupt) else 1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(rv if isinstance(rv, int) else 0)


# --- revisionssvar, revisionsregister och uppdragslista -------------------------------------


def _datum(ctx, param, value):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' är inte ett datum; skriv ÅÅÅÅ-MM-DD") from None


def _register_path(register: Path | None, near: Path | None = None) -> Path | None:
    from .revisionsregister import find_register

    if register is not None:
        return register
    for folder in [Path.cwd()] + ([near.parent] if near else []):
        found = find_register(folder)
        if found:
            return found
    return None


@cli.command("revisionssvar")
@click.argument("indata", nargs=-1, type=click.Path(path_type=Path))
@utmapp_option
@ingen_pdf_option
@click.option("--tvinga", is_flag=True, help="Skriv dokumenten trots fel i kontrollen.")
@profil_option
@mallar_option
@arbetare_option
def revisionssvar_cmd(indata, utmapp, ingen_pdf, tvinga, profil, mallar, arbetare):
    """Skapa svar på revisionsrapporter och deras tjänsteskrivelser.

    Varje INDATA-fil (YAML eller Markdown) ger två dokument: svaret (<namn>.docx) och
    tjänsteskrivelsen som för ärendet till nämnden (<namn>-tjansteskrivelse.docx), med PDF.
    Kontrollen stoppar om en rekommendation till nämnden saknar svar eller om svaret är
    daterat efter revisionens sista svarsdag.
    """
    from .revisionssvar import build

    if not indata:
        raise click.UsageError("ange minst en indatafil (.yaml eller .md)")
    prof = profile_for(indata, profil)
    with _konvertering(prof, arbetare):
        result = build(list(indata), utmapp, prof, pdf=not ingen_pdf, mallar=mallar, tvinga=tvinga)
    for path in result.docx + result.pdf:
        click.echo(f"skrev {path}")


@cli.group("revision")
def revision_group():
    """Revisionsregistret: inkomna revisionsrapporter och deras svarsdagar."""


@revision_group.command("status")
@click.option("--register", "register", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Registret (YAML eller Excel); standard: revisionsregister.yaml/.xlsx i arbetsmappen.")
@click.option("--per", callback=_datum, metavar="DATUM",
              help="Dagen som dagar kvar räknas från (ÅÅÅÅ-MM-DD); standard: i dag.")
@profil_option
def revision_status_cmd(register, per, profil):
    """Visa öppna revisionsrapporter sorterade efter svarsdag.

    Visar dagar kvar och markerar rapporter som redan är försenade och rapporter vars
    svarsdag infaller före nästa sammanträde som kan besluta om svaret. Sammanträdesdagar
    hämtas från profilen (`sammanträden:`) och från registret.
    """
    import datetime as dt

    from .exceptions import InputError
    from .revisionsregister import compare_reply, format_status, load_register, meetings_for, status

    path = _register_path(register)
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


@cli.command("uppdragslista")
@click.argument("ark", type=click.Path(path_type=Path))
@click.option("--register", "register", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Revisionsregister vars rapporter tas med (standard: revisionsregister.* i "
                   "arbetsmappen eller intill arket).")
@click.option("--per", callback=_datum, metavar="DATUM",
              help="Redovisning t o m (ÅÅÅÅ-MM-DD); standard: värdet i arket, annars i dag.")
@utmapp_option
@ingen_pdf_option
@profil_option
@mallar_option
@arbetare_option
def uppdragslista_cmd(ark, register, per, utmapp, ingen_pdf, profil, mallar, arbetare):
    """Skapa uppdragslistan (uppdrag och yttranden) från ett Excel-ark.

    Rapporterna i revisionsregistret läggs till som rader från Rev.
    """
    from .revisionsregister import load_register
    from .uppdragslista import build

    prof = profile_for([ark], profil)
    path = _register_path(register, ark)
    reg = load_register(path) if path else None
    with _konvertering(prof, arbetare):
        written = build(ark, utmapp, prof, register=reg, per=per, pdf=not ingen_pdf, mallar=mallar)
    for out in written:
        click.echo(f"skrev {out}")


def _rapport_command(typ: str, hjalp: str):
    @cli.command(typ, help=hjalp)
    @click.argument("indata", metavar="MAPP_ELLER_MANIFEST", type=click.Path(path_type=Path))
    @utmapp_option
    @ingen_pdf_option
    @click.option("--tvinga", is_flag=True, help="Skriv rapporten trots fel i kontrollen.")
    @profil_option
    @mallar_option
    @arbetare_option
    def command(indata, utmapp, ingen_pdf, tvinga, profil, mallar, arbetare):
        from .rapporter import build as build_rapport

        prof = profile_for([indata], profil)
        with _konvertering(prof, arbetare):
            written, findings = build_rapport(indata, utmapp, prof, typ=typ, pdf=not ingen_pdf, mallar=mallar,
                                              tvinga=tvinga)
        _echo_findings(findings)
        for path in written:
            click.echo(f"skrev {path}")

    return command


delarsrapport_cmd = _rapport_command("delarsrapport", """Skapa delårsrapporten från en mapp med manifest.

MAPP_ELLER_MANIFEST är mappen med delarsrapport.yaml eller manifestet självt. Manifestet
pekar ut ekonomiarket (Excel), målfilen, nyckeltalen och de återkommande texterna.
Rapporten blir en .docx och en .pdf i utmappen.""")

verksamhetsplan_cmd = _rapport_command("verksamhetsplan", """Skapa verksamhetsplan och budget från en mapp med manifest.

MAPP_ELLER_MANIFEST är mappen med verksamhetsplan.yaml eller manifestet självt. Manifestet
pekar ut budgetarket (Excel), målfilen, nyckeltalen och de återkommande texterna.
Planen blir en .docx och en .pdf i utmappen.""")

# --- egna mallar och arbetsmapp ------------------------------------------------------------


@cli.group("mallar")
def mallar_group():
    """Egna Word-mallar: vilken mall som används, vilka variabler den får använda, kontroll."""


@mallar_group.command("lista")
@profil_option
@mallar_option
def mallar_lista_cmd(profil, mallar):
    """Visa varje dokumenttyp, mallen den använder och varifrån mallen kommer.

    Ordning: --mallar, profilens mallar:, mallar/ och templates/ i arbetsmappen, inbyggd mall.
    """
    from . import mallar as m

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
    from . import doctypes
    from . import mallar as m

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
    from . import mallar as m

    prof = profile_for(list(filer), profil)
    failed = 0
    for fil in filer:
        rapport = m.kontrollera(fil, typ, prof, utmapp)
        click.echo(m.format_kontroll(rapport))
        failed += not rapport.ok
    click.get_current_context().exit(1 if failed else 0)


@cli.command("init")
@click.argument("mapp", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--tvinga", is_flag=True, help="Skriv över filer som redan finns.")
def init_cmd(mapp, tvinga):
    """Skapa en arbetsmapp: profil, kopior av mallarna, exempelindata och LÄSMIG.

    Filer som redan finns lämnas orörda (utom med --tvinga).
    """
    from .mallar import skapa_arbetsmapp

    result = skapa_arbetsmapp(mapp, tvinga=tvinga)
    for path in result.skrivna:
        click.echo(f"skrev {path}")
    for path in result.hoppade_over:
        click.echo(f"finns redan, orörd: {path}", err=True)
    click.echo(f"Klart. Fyll i {mapp / 'rapportgen.yaml'} och läs {mapp / 'LÄSMIG.md'}.")


# --- konverteringsserver (bakgrundspool) ------------------------------------------------------
from .convert.kommando import server_group  # noqa: E402

cli.add_command(server_group)

# --- efter sammanträdet: protokoll, utdrag, anslagsbevis ---------------------------------------
from .cli_protokoll import KOMMANDON as _PROTOKOLL_KOMMANDON  # noqa: E402

for _cmd in _PROTOKOLL_KOMMANDON:
    cli.add_command(_cmd)

cli_svenska.metavariabler(cli)
