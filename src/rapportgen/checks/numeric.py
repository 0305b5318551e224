"""Shared helpers for checks on figures: sums and differences within a rounding tolerance.

Use these from any document's checks (driftredovisning, investeringar, packages):

    from rapportgen.checks.numeric import kontrollera_summa, kontrollera_differens

    @check(Driftredovisning, "netto")
    def netto(doc, ktx):
        for rad in doc.verksamheter:
            f = kontrollera_summa(
                [rad.intakter, rad.kostnader], rad.netto, ktx=ktx, dokument=str(doc.fil),
                plats=rad.plats, kod="netto", vad=f"NETTOKOSTNADER för {rad.namn}",
                delar_text="INTÄKTER + KOSTNADER")
            if f:
                yield f

Contract:
- Pass the raw values in kronor, exactly as loaded (the Excel loader gives kronor for
  files in kr and in tkr). Never pass values that were rounded for display, and never
  recompute a total from rounded figures: the tolerance is there because the source
  tables were computed in kronor and rounded afterwards (004: -29 464 - (-26 274) is
  printed as -3 191).
- The tolerance is ±1 tkr unless the profile sets format.avrundningstolerans_tkr.
- None means "no value": a sum with a missing part or total is not checked (returns None).
- Each helper returns one Finding or None; expected and found are formatted in the
  chosen unit (tkr by default) with the profile's minus sign.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Sequence

from ..format import Formatter, as_decimal
from ..model.finding import Finding, Severity
from .base import STANDARD_TOLERANS, STANDARD_TOLERANS_TKR, Kontrollkontext, Tal, Tolerans  # noqa: F401



def _setup(ktx: Kontrollkontext | None, tolerans: Tolerans | None,
           formatter: Formatter | None) -> tuple[Tolerans, Formatter]:
    tol = tolerans or (ktx.tolerans if ktx else STANDARD_TOLERANS)
    fmt = formatter or (ktx.formatter if ktx else Formatter())
    return tol, fmt


def jamfor(forvantat_kr: Tal | None, funnet_kr: Tal | None, *, dokument: str, kod: str, vad: str,
           plats: str | None = None, ktx: Kontrollkontext | None = None,
           tolerans: Tolerans | None = None, formatter: Formatter | None = None,
           enhet: str = "tkr", severity: Severity = Severity.FEL) -> Finding | None:
    """A finding when found differs from expected by more than the tolerance.

    vad says what should hold, e.g. 'NETTOKOSTNADER ska vara INTÄKTER + KOSTNADER'.
    """
    if forvantat_kr is None or funnet_kr is None:
        return None
    tol, fmt = _setup(ktx, tolerans, formatter)
    if tol.inom(forvantat_kr, funnet_kr):
        return None
    skillnad = as_decimal(funnet_kr) - as_decimal(forvantat_kr)
    decimals = 0 if enhet != "mnkr" else 1
    message = (f"{vad}: skillnaden är {fmt.belopp(skillnad, enhet, decimals)}, mer än "
               f"avrundningstoleransen ±{fmt.belopp(tol.kr, 'tkr', _decimals(tol.tkr))}")
    return Finding(severity, kod, dokument, message, plats=plats,
                   forvantat=fmt.belopp(forvantat_kr, enhet, decimals),
                   funnet=fmt.belopp(funnet_kr, enhet, decimals))


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def summa(delar: Sequence[Tal | None]) -> Decimal | None:
    """The exact sum of the parts in kronor; None if any part is missing."""
    if any(d is None for d in delar):
        return None
    return sum((as_decimal(d) for d in delar), Decimal(0))


def kontrollera_summa(delar: Sequence[Tal | None], total: Tal | None, *, dokument: str, kod: str,
                      vad: str, delar_text: str = "summan av delarna", plats: str | None = None,
                      **kw: Any) -> Finding | None:
    """total should equal the sum of delar (e.g. NETTO = INTÄKTER + KOSTNADER)."""
    return jamfor(summa(delar), total, dokument=dokument, kod=kod,
                  vad=f"{vad} ska vara {delar_text}", plats=plats, **kw)


def kontrollera_differens(a: Tal | None, b: Tal | None, differens: Tal | None, *, dokument: str,
                          kod: str, vad: str, ab_text: str = "a - b", plats: str | None = None,
                          **kw: Any) -> Finding | None:
    """differens should equal a - b (e.g. Avvikelse = Utfall - Budget)."""
    expected = None if a is None or b is None else as_decimal(a) - as_decimal(b)
    return jamfor(expected, differens, dokument=dokument, kod=kod, vad=f"{vad} ska vara {ab_text}",
                  plats=plats, **kw)


def kontrollera_samma(varden: Sequence[tuple[str, Tal | None]], *, dokument: str, kod: str, vad: str,
                      **kw: Any) -> list[Finding]:
    """The same figure given in several places ((plats, value) pairs) must agree within tolerance.

    The first place with a value is the reference; every other place that differs yields a
    finding located there (e.g. the investment budget as 3 681 in one appendix and 0 in another).
    """
    given = [(p, v) for p, v in varden if v is not None]
    if not given:
        return []
    ref_plats, ref = given[0]
    out = []
    for plats, value in given[1:]:
        f = jamfor(ref, value, dokument=dokument, kod=kod, plats=plats,
                   vad=f"{vad} skiljer sig från {ref_plats}", **kw)
        if f:
            out.append(f)
    return out
