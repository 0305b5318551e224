"""Checks on identifiers: the dnr against the profile's pattern, decision references.

Helpers for other checks:

    from rapportgen.checks.dnr import dnr_findings
    yield from dnr_findings(str(doc.fil), "SN/2023:197", ktx.dnr_monster, plats="cell B4")
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..identifiers import Beslutsreferens, DnrMonster
from ..model.tjansteskrivelse import TjansteskrivelseDoc
from ..model.finding import Finding, Severity
from .base import Kontrollkontext, check, falt_plats


def dnr_findings(dokument: str, dnr: str, monster: DnrMonster, *, plats: str | None = None,
                 datum: dt.date | None = None, kod: str = "dnr") -> Iterator[Finding]:
    """FEL when dnr does not follow the pattern, or its year lies after the document's date."""
    parsed = monster.match(dnr)
    if parsed is None:
        yield Finding(Severity.FEL, kod, dokument,
                      f"diarienumret följer inte organisationens mönster {monster.monster}",
                      plats=plats, forvantat=f"t.ex. {monster.exempel}", funnet=dnr)
        return
    if datum is not None and parsed.ar is not None and parsed.ar > datum.year:
        yield Finding(Severity.FEL, kod, dokument,
                      f"diarienumrets år {parsed.ar} ligger efter dokumentets datum {datum.isoformat()}",
                      plats=plats, forvantat=f"år {datum.year} eller tidigare", funnet=dnr)


def _line(doc: TjansteskrivelseDoc, *key) -> str:
    return falt_plats(doc.source.front if doc.source is not None else None, key)


@check(TjansteskrivelseDoc, "dnr")
def dnr_follows_pattern(doc: TjansteskrivelseDoc, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Diarienumret följer profilens dnr_mönster och är inte från ett senare år."""
    key = "dnr"
    yield from dnr_findings(str(doc.fil), doc.falt.dnr, ktx.dnr_monster, plats=_line(doc, key),
                            datum=doc.falt.datum)


@check(TjansteskrivelseDoc, "beslutsreferens")
def decision_references(doc: TjansteskrivelseDoc) -> Iterator[Finding]:
    """Tidigare behandling: varje rad börjar med en beslutsreferens som 'SN 2023-03-15 § 42'."""
    for i, text in enumerate(doc.falt.tidigare_behandling):
        key = "tidigare_behandling"
        plats = _line(doc, key, i)
        try:
            ref = Beslutsreferens.parse(text)
        except ValueError as exc:
            found = Beslutsreferens.find_all(text)
            if found:
                continue  # a reference inside a longer line is fine
            yield Finding(Severity.VARNING, "beslutsreferens", str(doc.fil), str(exc), plats=plats,
                          forvantat="t.ex. SN 2023-03-15 § 42, Titel.", funnet=text)
            continue
        if ref.datum > doc.falt.datum:
            yield Finding(Severity.FEL, "beslutsreferens", str(doc.fil),
                          "beslutet ligger efter tjänsteskrivelsens datum", plats=plats,
                          forvantat=f"senast {doc.falt.datum.isoformat()}", funnet=ref.datum.isoformat())
