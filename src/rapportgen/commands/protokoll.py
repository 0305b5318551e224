"""The library side of the verbs after the meeting: protokoll, utdrag and anslagsbevis.

    from rapportgen.commands.protokoll import ladda, bygg_protokoll
    prot = ladda("sammantrade.yaml", profil)          # the manifest with its protokoll part
    r = bygg_protokoll(prot, "ut", profil, publicering=True)   # -> Resultat

Each build runs the protokoll's checks first (errors stop it; nothing is written), then
renders and converts. A loaded protokoll can be used for several builds.
"""

from __future__ import annotations

from pathlib import Path

from ..checks import raise_on_errors, run_checks
from ..config import Profil
from ..doctypes.base import Utdata, sidantal
from ..doctypes.protokoll import utdata_anslagsbevis, utdata_protokoll, utdata_utdrag
from ..model.protokoll import Protokoll
from ..model.resultat import Resultat


def ladda(manifest: str | Path, profil: Profil) -> Protokoll:
    """The manifest with its protokoll part, loaded and resolved (not yet checked)."""
    from .. import doctypes

    return doctypes.get("protokoll").load(Path(manifest), profil)


def _bygg(prot: Protokoll, delar: list[Utdata], utmapp: str | Path, profil: Profil, *, mallar: Path | None,
          pdf: bool, tvinga: bool) -> Resultat:
    findings = run_checks(prot, profil)
    raise_on_errors(findings, tvinga)
    result = Resultat(findings=findings, antal=1)
    for u in delar:
        out = Path(utmapp) / f"{u.stem}.docx"
        u.render(u.doc, out, profil, mallar)
        result.docx.append(out)
    if pdf and result.docx:
        from ..convert import convert_many

        titlar = {out: u.titel for out, u in zip(result.docx, delar) if u.titel}
        result.pdf = convert_many(result.docx, titlar=titlar, installningar=profil.konvertering)
        result.sidor = sidantal(result.pdf)
    return result


def bygg_protokoll(prot: Protokoll, utmapp: str | Path, profil: Profil, *, mallar: Path | None = None,
                   pdf: bool = True, tvinga: bool = False, publicering: bool = False) -> Resultat:
    """protokoll.docx/.pdf, or protokoll-publicering.* for the publication variant."""
    return _bygg(prot, utdata_protokoll(prot, profil, publicering), utmapp, profil, mallar=mallar, pdf=pdf,
                 tvinga=tvinga)


def bygg_utdrag(prot: Protokoll, utmapp: str | Path, profil: Profil, *, paragraf: int | None = None,
                mallar: Path | None = None, pdf: bool = True, tvinga: bool = False) -> Resultat:
    """protokollsutdrag-<§>.docx/.pdf: one per paragraph, or the one asked for."""
    return _bygg(prot, utdata_utdrag(prot, profil, paragraf), utmapp, profil, mallar=mallar, pdf=pdf,
                 tvinga=tvinga)


def bygg_anslagsbevis(prot: Protokoll, utmapp: str | Path, profil: Profil, *, mallar: Path | None = None,
                      pdf: bool = True, tvinga: bool = False) -> Resultat:
    """anslagsbevis.docx/.pdf."""
    return _bygg(prot, utdata_anslagsbevis(prot, profil), utmapp, profil, mallar=mallar, pdf=pdf, tvinga=tvinga)
