"""The verbs after the meeting: protokoll, utdrag and anslagsbevis (thin clients of commands.protokoll)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import arbetare_option, echo_findings, ingen_pdf_option, konvertering, mallar_option, profil_option

_utmapp = click.option("-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path),
                       default=Path("outputs/protokoll"), show_default=True, help="Mapp där .docx och .pdf skrivs.")
_tvinga = click.option("--tvinga", is_flag=True, help="Skriv dokumenten trots fel i kontrollen.")
_manifest = click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))


def _run(manifest: Path, profil: Path | None, arbetare: int | None, build):
    """Load the protokoll, build on one conversion pool, show the findings; (protokoll, result)."""
    from ..commands.protokoll import ladda
    from ..config import profile_for

    prof = profile_for([manifest], profil)
    prot = ladda(manifest, prof)
    with konvertering(prof, arbetare):
        result = build(prot, prof)
    echo_findings(result.findings)
    return prot, result


def _skrev(result) -> None:
    for path in result.docx + result.pdf:
        click.echo(f"skrev {path}")


@click.command("protokoll")
@_manifest
@_utmapp
@ingen_pdf_option
@click.option("--publicering", is_flag=True,
              help="Webbversion: personnummer maskerade, sekretessparagrafer visar bara §, rubrik och sekretessgrund.")
@_tvinga
@profil_option
@mallar_option
@arbetare_option
def protokoll_cmd(manifest, utmapp, ingen_pdf, publicering, tvinga, profil, mallar, arbetare):
    """Skapa sammanträdesprotokollet (protokoll.docx och .pdf) från manifestet.

    MANIFEST är sammanträdets manifest med dess protokollsdel (`protokoll:`). Protokollet får
    en försättssida med närvaro, justering och anslag, och sedan en § per ärende i
    ärendelistans ordning. Kontrollerna körs först; fel stoppar (slutkod 2).
    """
    from ..commands.protokoll import bygg_protokoll
    from ..doctypes.protokoll import maskerad

    prot, result = _run(manifest, profil, arbetare, lambda prot, prof: bygg_protokoll(
        prot, utmapp, prof, mallar=mallar, pdf=not ingen_pdf, tvinga=tvinga, publicering=publicering))
    if publicering:
        antal = maskerad(prot)[1]
        if antal:
            click.echo(f"maskerat: {antal} personnummer", err=True)
    _skrev(result)


@click.command("utdrag")
@_manifest
@click.option("--paragraf", type=click.IntRange(min=1), metavar="NR", help="Bara utdraget för § NR.")
@_utmapp
@ingen_pdf_option
@_tvinga
@profil_option
@mallar_option
@arbetare_option
def utdrag_cmd(manifest, paragraf, utmapp, ingen_pdf, tvinga, profil, mallar, arbetare):
    """Skapa protokollsutdrag: ett per paragraf, eller det som --paragraf anger.

    Varje utdrag (protokollsutdrag-NR.docx och .pdf) har paragrafen och dess mottagare
    under "Protokollsutdrag till"; mottagarna skrivs också ut här.
    """
    from ..commands.protokoll import bygg_utdrag
    from ..doctypes.protokoll import utdrag_paragrafer

    prot, result = _run(manifest, profil, arbetare, lambda prot, prof: bygg_utdrag(
        prot, utmapp, prof, paragraf=paragraf, mallar=mallar, pdf=not ingen_pdf, tvinga=tvinga))
    for p in utdrag_paragrafer(prot, paragraf):
        mottagare = ", ".join(p.protokollsutdrag_till) or "(inga mottagare angivna)"
        click.echo(f"§ {p.nummer}: {mottagare}")
    _skrev(result)


@click.command("anslagsbevis")
@_manifest
@_utmapp
@ingen_pdf_option
@_tvinga
@profil_option
@mallar_option
@arbetare_option
def anslagsbevis_cmd(manifest, utmapp, ingen_pdf, tvinga, profil, mallar, arbetare):
    """Skapa anslagsbeviset: justering, uppsättning och nedtagning på anslagstavlan.

    Dagen då anslaget sätts upp räknas från justeringen enligt profilens `anslag:`
    (helger och helgdagar flyttas till nästa vardag); det tas ned tre veckor senare
    (kommunallagen 13 kap. 5 §).
    """
    from ..commands.protokoll import bygg_anslagsbevis

    prot, result = _run(manifest, profil, arbetare, lambda prot, prof: bygg_anslagsbevis(
        prot, utmapp, prof, mallar=mallar, pdf=not ingen_pdf, tvinga=tvinga))
    a = prot.anslag
    click.echo(f"justeras {a.justering.isoformat()}, anslås {a.uppsatt.isoformat()}, "
               f"tas ned {a.nedtagning.isoformat()}")
    _skrev(result)
