"""Period consistency: every part of a document or package about the same month.

Helpers for any check (the package builder compares appendix titles with the item):

    from rapportgen.checks.period import period_mentions, reference_period, period_findings
    mentions = period_mentions([("beslutsunderlag[3]", "Sammanställning anställningar 2023 09"), ...])
    ref = reference_period(mentions)                    # the period most parts name
    yield from period_findings(str(doc.fil), mentions, ref)

A period is compared by its closing month (and year when both sides name one):
`jan-aug`, `januari–augusti 2023`, `per 2023 08` and `t.o.m. augusti` all close in August.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..format import Period, PeriodTraff, find_periods, format_period
from ..model.tjansteskrivelse import TjansteskrivelseDoc
from ..model.finding import Finding, Severity
from .base import check
from .text import block_texts, body_plats


@dataclass(frozen=True)
class Periodomnamnande:
    """A period named somewhere: where, the expression, and the period."""

    plats: str | None
    traff: PeriodTraff
    severity: Severity = Severity.FEL  # how serious a mismatch here is


def period_mentions(texts: Iterable[tuple[str | None, str]],
                    severity: Severity = Severity.FEL) -> list[Periodomnamnande]:
    """Every period expression in (plats, text) pairs."""
    return [Periodomnamnande(plats, hit, severity) for plats, text in texts for hit in find_periods(text)]


def reference_period(mentions: Iterable[Periodomnamnande]) -> Period | None:
    """The closing month (with year when known) named most often; ties go to the first named."""
    mentions = list(mentions)
    if not mentions:
        return None
    counts = Counter(m.traff.period.slut for m in mentions)
    best = max(counts.values())
    for m in mentions:
        if counts[m.traff.period.slut] == best:
            month = m.traff.period.slut
            years = [x.traff.period.ar for x in mentions if x.traff.period.slut == month and x.traff.period.ar]
            return Period(years[0] if years else None, 1, month)
    return None


def describe(period: Period) -> str:
    """'augusti 2023' or 'augusti'."""
    text = format_period(Period(period.ar, period.slut, period.slut), "lang")
    return f"{text} {period.ar}" if period.ar else text


def period_findings(dokument: str, mentions: Iterable[Periodomnamnande], forvantad: Period | None,
                    kod: str = "period", kalla: str = "dokumentets period") -> Iterator[Finding]:
    """A finding for every mention whose closing month differs from forvantad."""
    if forvantad is None:
        return
    for m in mentions:
        if not m.traff.period.samma_slut(forvantad):
            yield Finding(
                m.severity, kod, dokument,
                f"'{m.traff.text}' avser en annan period än {kalla} ({describe(forvantad)})",
                plats=m.plats, forvantat=describe(forvantad), funnet=m.traff.text)


@check(TjansteskrivelseDoc, "period")
def period_consistency(doc: TjansteskrivelseDoc) -> Iterator[Finding]:
    """Rubrik, beslutsunderlag och brödtext avser samma period (samma slutmånad)."""
    f = doc.falt
    title = period_mentions([("fält 'titel'", f.titel)])
    parts = period_mentions((f"fält 'beslutsunderlag[{i}]'", text)
                            for i, text in enumerate(f.beslutsunderlag, start=1))
    # Prose may legitimately look back ("resultat t.o.m. juli"): a mismatch there is a warning.
    body = period_mentions(((body_plats(doc, line), text)
                            for blocks in doc.avsnitt.values() for line, text in block_texts(blocks)),
                           Severity.VARNING)
    if title:
        ref, kalla = reference_period(title), "rubrikens period"
        yield from period_findings(str(doc.fil), title[1:], ref, kalla=kalla)
    else:
        ref, kalla = reference_period(parts), "beslutsunderlagets period"
    yield from period_findings(str(doc.fil), parts + body, ref, kalla=kalla)
