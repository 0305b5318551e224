"""Anslag dates: when a justerat protokoll goes up on the anslagstavla and when it comes down.

Kommunallagen (2017:725): the justering is announced on the anslagstavla at the latest two days
after justering (8 kap. 12 §); the time to appeal is three weeks from the day of the
announcement (13 kap. 5 §), and the anslag stays up until then. A period whose last day is a
Saturday, Sunday, helgdag, midsommarafton, julafton or nyårsafton ends on the next vardag
(lagen (1930:173) om beräkning av lagstadgad tid). The profile's `anslag:` settings decide how many
days after justering the anslag goes up, whether only vardagar count, and extra closed days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from .model.protokoll import Anslagsdatum

TRE_VECKOR = dt.timedelta(weeks=3)
# Days that lagen om beräkning av lagstadgad tid treats like a helgdag.
_AFTNAR = ("midsommarafton", "julafton", "nyårsafton")


@lru_cache(maxsize=64)
def helgdagar(ar: int) -> dict[dt.date, str]:
    """Swedish public holidays of a year, plus midsommarafton, julafton and nyårsafton."""
    # The country's class itself: holidays.country_holidays("SE") imports all 250 countries first.
    from holidays.countries.sweden import Sweden

    days = Sweden(years=ar, language="sv", include_sundays=False)
    out = {d: str(n) for d, n in days.items()}
    # Midsommarafton is the Friday before midsommardagen (Saturday 20-26 June).
    midsommardagen = next(dt.date(ar, 6, d) for d in range(20, 27) if dt.date(ar, 6, d).weekday() == 5)
    out.setdefault(midsommardagen - dt.timedelta(days=1), "Midsommarafton")
    out.setdefault(dt.date(ar, 12, 24), "Julafton")
    out.setdefault(dt.date(ar, 12, 31), "Nyårsafton")
    return out


def ar_vardag(dag: dt.date, lediga: frozenset[dt.date] = frozenset()) -> bool:
    return dag.weekday() < 5 and dag not in helgdagar(dag.year) and dag not in lediga


def nasta_vardag(dag: dt.date, lediga: frozenset[dt.date] = frozenset()) -> dt.date:
    """dag itself when it is a vardag, else the next vardag."""
    while not ar_vardag(dag, lediga):
        dag += dt.timedelta(days=1)
    return dag


def varfor_inte_vardag(dag: dt.date, lediga: frozenset[dt.date] = frozenset()) -> str | None:
    """'lördag', 'söndag', the holiday's name or 'ledig dag enligt profilen'; None for a vardag."""
    if dag.weekday() == 5:
        return "lördag"
    if dag.weekday() == 6:
        return "söndag"
    if dag in helgdagar(dag.year):
        return helgdagar(dag.year)[dag].lower()
    if dag in lediga:
        return "ledig dag enligt profilen"
    return None


def anslagsdatum(justering: dt.date, *, dagar_efter_justering: int = 1, bara_vardagar: bool = True,
                 lediga: frozenset[dt.date] = frozenset(), uppsatt: dt.date | None = None) -> Anslagsdatum:
    """The anslag's dates from the justering day (and an uppsatt day given in the input)."""
    flytta = (lambda d: nasta_vardag(d, lediga)) if bara_vardagar else (lambda d: d)
    # The law's last day: two days after justering; a last day that is not a vardag moves on.
    senast = nasta_vardag(justering + dt.timedelta(days=2), lediga)
    if uppsatt is None:
        uppsatt = flytta(justering + dt.timedelta(days=dagar_efter_justering))
    nedtagning = nasta_vardag(uppsatt + TRE_VECKOR, lediga)
    return Anslagsdatum(justering=justering, uppsatt=uppsatt, senast_uppsatt=senast, nedtagning=nedtagning)
