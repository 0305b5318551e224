"""Checks on a revisionssvar: every recommendation to the nämnd answered, and in time."""

from __future__ import annotations

from typing import Iterator

from ..model.revision import RevisionssvarDoc
from ..model.finding import Finding, Severity
from .base import check
from .text import find_placeholders


def _plats(doc: RevisionssvarDoc, *loc) -> str:
    line = doc.rad(*loc)
    field = ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in loc)
    return f"rad {line} ({field})" if line else field


def _alias(doc: RevisionssvarDoc, swedish: str, ascii_: str) -> str:
    data = doc.located.data if isinstance(doc.located.data, dict) else {}
    return ascii_ if ascii_ in data and swedish not in data else swedish


@check(RevisionssvarDoc, "revision_svar_saknas")
def reply_missing(doc: RevisionssvarDoc) -> Iterator[Finding]:
    f = doc.falt
    omr_key = _alias(doc, "områden", "omraden")
    for oi, omrade in enumerate(f.omraden):
        for ri, rek in enumerate(omrade.rekommendationer):
            if rek.galler(f.namnd) and rek.svar is None:
                yield Finding(
                    Severity.FEL, "revision_svar_saknas", str(doc.fil),
                    f"rekommendationen riktar sig till {f.namnd.lower()} men har inget svar: "
                    f"'{rek.text}'; lägg till 'svar:' med ställning och text",
                    plats=_plats(doc, omr_key, oi, "rekommendationer", ri))
            elif rek.svar is not None and not rek.galler(f.namnd):
                yield Finding(
                    Severity.VARNING, "revision_svar_annan_adressat", str(doc.fil),
                    f"svaret gäller en rekommendation till {', '.join(rek.adressat)} och tas inte med i svaret",
                    plats=_plats(doc, omr_key, oi, "rekommendationer", ri, "svar"))


@check(RevisionssvarDoc, "revision_sent_svar")
def reply_late(doc: RevisionssvarDoc) -> Iterator[Finding]:
    f = doc.falt
    if f.datum > f.rapport.svar_senast:
        dagar = (f.datum - f.rapport.svar_senast).days
        yield Finding(
            Severity.FEL, "revision_sent_svar", str(doc.fil),
            f"svaret är daterat {dagar} dag{'ar' if dagar != 1 else ''} efter revisionens sista svarsdag",
            plats=_plats(doc, "datum"), forvantat=f"senast {f.rapport.svar_senast.isoformat()}",
            funnet=f.datum.isoformat())


@check(RevisionssvarDoc, "revision_inga_rekommendationer")
def nothing_to_answer(doc: RevisionssvarDoc) -> Iterator[Finding]:
    if not doc.falt.egna():
        yield Finding(
            Severity.FEL, "revision_inga_rekommendationer", str(doc.fil),
            f"ingen rekommendation riktar sig till {doc.falt.namnd.lower()}; kontrollera 'adressat'",
            plats=_plats(doc, _alias(doc, "områden", "omraden")))


@check(RevisionssvarDoc, "platshallare")
def placeholders_left(doc: RevisionssvarDoc, ktx) -> Iterator[Finding]:
    from .base import iter_texts
    from .text import profile_hints

    extra = profile_hints(ktx)
    for path, text in iter_texts(doc.falt.model_dump(by_alias=True, mode="json")):
        for hit in find_placeholders(text, extra):
            yield Finding(Severity.FEL, "platshallare", str(doc.fil),
                          f"platshållare kvar i texten: '{hit}'", plats=f"fält '{path}'")
