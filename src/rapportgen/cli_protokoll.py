"""CLI verbs after the meeting: protokoll, utdrag and anslagsbevis (thin clients of rapportgen.protokoll)."""

from __future__ import annotations

from pathlib import Path

import click

from .build import profile_for

_utmapp = click.option("-o", "--utmapp", type=click.Path(file_okay=False, path_type=Path),
                       default=Path("outputs/protokoll"), show_default=True, help="Mapp där .docx och .pdf skrivs.")
_ingen_pdf = click.option("--ingen-pdf", is_flag=True, help="Skriv bara .docx, ingen PDF.")
_tvinga = click.option("--tvinga", is_flag=True, help="Skriv dokumenten trots fel i kontrollen.")
_profil = click.option("--profil", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       help="Organisationsprofil (standard: rapportgen.yaml i arbetsmappen eller intill indata).")
_mallar = click.option("--mallar", type=click.Path(exists=True, file_okay=False, path_type=Path),
                       help="Mapp med egna Word-mallar som går före de inbyggda.")
_arbetare = click.option("--arbetare", type=click.IntRange(min=1), metavar="N",
                         help="Antal LibreOffice-instanser som konverterar samtidigt (standard: antal kärnor).")
_manifest = click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))


def _run(manifest: Path, profil, arbetare, build):
    from .convert import session

    prof = profile_for([manifest], profil)
    with session(prof.konvertering, arbetare=arbetare):
        result = build(prof)
    for f in result.findings:
        click.echo(f"Varning: {f.format()}" if f.severity.value == "fel" else f.format(), err=True)
    return result


@click.command("protokoll")
@_manifest
@_utmapp
@_ingen_pdf
@click.option("--publicering", is_flag=True,
              help="Webbversion: personnummer maskerade, sekretessparagrafer visar bara §, rubrik och sekretessgrund.")
@_tvinga
@_profil
@_mallar
@_arbetare
def protokoll_cmd(manifest, utmapp, ingen_pdf, publicering, tvinga, profil, mallar, arbetare):
    """Skapa sammanträdesprotokollet (protokoll.docx och .pdf) från manifestet.

    MANIFEST är sammanträdets manifest med dess protokollsdel (`protokoll:`). Protokollet får
    en försättssida med närvaro, justering och anslag, och sedan en § per ärende i
    ärendelistans ordning. Kontrollerna körs först; fel stoppar (slutkod 2).
    """
    from .protokoll import bygg_protokoll

    result = _run(manifest, profil, arbetare, lambda prof: bygg_protokoll(
        manifest, utmapp, prof, mallar=mallar, pdf=not ingen_pdf, tvinga=tvinga, publicering=publicering))
    if result.maskerade:
        click.echo(f"maskerat: {result.maskerade} personnummer", err=True)
    for path in result.docx + result.pdf:
        click.echo(f"skrev {path}")


@click.command("utdrag")
@_manifest
@click.option("--paragraf", type=click.IntRange(min=1), metavar="NR", help="Bara utdraget för § NR.")
@_utmapp
@_ingen_pdf
@_tvinga
@_profil
@_mallar
@_arbetare
def utdrag_cmd(manifest, paragraf, utmapp, ingen_pdf, tvinga, profil, mallar, arbetare):
    """Skapa protokollsutdrag: ett per paragraf, eller det som --paragraf anger.

    Varje utdrag (protokollsutdrag-NR.docx och .pdf) har paragrafen och dess mottagare
    under "Protokollsutdrag till"; mottagarna skrivs också ut här.
    """
    from .protokoll import bygg_utdrag

    result = _run(manifest, profil, arbetare, lambda prof: bygg_utdrag(
        manifest, utmapp, prof, paragraf=paragraf, mallar=mallar, pdf=not ingen_pdf, tvinga=tvinga))
    for nummer, mottagare in result.mottagare.items():
        click.echo(f"§ {nummer}: {', '.join(mottagare) if mottagare else '(inga mottagare angivna)'}")
    for path in result.docx + result.pdf:
        click.echo(f"skrev {path}")


@click.command("anslagsbevis")
@_manifest
@_utmapp
@_ingen_pdf
@_tvinga
@_profil
@_mallar
@_arbetare
def anslagsbevis_cmd(manifest, utmapp, ingen_pdf, tvinga, profil, mallar, arbetare):
    """Skapa anslagsbeviset: justering, uppsättning och nedtagning på anslagstavlan.

    Dagen då anslaget sätts upp räknas från justeringen enligt profilens `anslag:`
    (helgdagar och helger flyttas till nästa vardag); det tas ned tre veckor senare
    (kommunallagen 13 kap. 5 §).
    """
    from .protokoll import bygg_anslagsbevis

    result = _run(manifest, profil, arbetare, lambda prof: bygg_anslagsbevis(
        manifest, utmapp, prof, mallar=mallar, pdf=not ingen_pdf, tvinga=tvinga))
    a = result.anslag
    click.echo(f"justeras {a.justering.isoformat()}, anslås {a.uppsatt.isoformat()}, "
               f"tas ned {a.nedtagning.isoformat()}")
    for path in result.docx + result.pdf:
        click.echo(f"skrev {path}")


KOMMANDON = (protokoll_cmd, utdrag_cmd, anslagsbevis_cmd)
