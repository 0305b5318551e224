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


# Rules of lagen (1989:253) om allmänna helgdagar as they stand since 2005 (nationaldagen became
# a helgdag, annandag pingst stopped being one). Earlier years come from the holidays package.
EGNA_REGLER_FRAN = 2005


def _pask(ar: int) -> dt.date:
    """Easter Sunday (Gregorian calendar; anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = ar % 19, ar // 100, ar % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(ar, month, day + 1)


def _lordag_mellan(ar: int, manad: int, fran: int, till: int) -> dt.date:
    """The Saturday between two days of a month (both included)."""
    return next(dt.date(ar, manad, d) for d in range(fran, till + 1) if dt.date(ar, manad, d).weekday() == 5)


@lru_cache(maxsize=64)
def helgdagar(ar: int) -> dict[dt.date, str]:
    """Swedish public holidays of a year, plus midsommarafton, julafton and nyårsafton."""
    if ar < EGNA_REGLER_FRAN:
        return _helgdagar_paketet(ar)
    pask = _pask(ar)
    midsommardagen = _lordag_mellan(ar, 6, 20, 26)
    dagar = [
        (dt.date(ar, 1, 1), "Nyårsdagen"),
        (dt.date(ar, 1, 6), "Trettondedag jul"),
        (pask - dt.timedelta(days=2), "Långfredagen"),
        (pask, "Påskdagen"),
        (pask + dt.timedelta(days=1), "Annandag påsk"),
        (dt.date(ar, 5, 1), "Första maj"),
        (pask + dt.timedelta(days=39), "Kristi himmelsfärdsdag"),
        (dt.date(ar, 6, 6), "Nationaldagen"),
        (pask + dt.timedelta(days=49), "Pingstdagen"),
        (midsommardagen - dt.timedelta(days=1), "Midsommarafton"),
        (midsommardagen, "Midsommardagen"),
        (_lordag_mellan(ar, 10, 31, 31) if dt.date(ar, 10, 31).weekday() == 5
         else _lordag_mellan(ar, 11, 1, 6), "Alla helgons dag"),
        (dt.date(ar, 12, 24), "Julafton"),
        (dt.date(ar, 12, 25), "Juldagen"),
        (dt.date(ar, 12, 26), "Annandag jul"),
        (dt.date(ar, 12, 31), "Nyårsafton"),
    ]
    out: dict[dt.date, str] = {}
    for dag, namn in dagar:  # two on one day (första maj and Kristi himmelsfärd 2008): both names
        out[dag] = f"{out[dag]}; {namn}" if dag in out else namn
    return dict(sorted(out.items()))


def _helgdagar_paketet(ar: int) -> dict[dt.date, str]:
    """Years before 2005, from the holidays package (imported only then: it is slow to import)."""
    # The country's class itself: holidays.country_holidays("SE") imports all 250 countries first.
    from holidays.countries.sweden import Sweden

    days = Sweden(years=ar, language="sv", include_sundays=False)
    out = {d: str(n) for d, n in days.items()}
    # Midsommarafton is the Friday before midsommardagen (Saturday 20-26 June).
    midsommardagen = _lordag_mellan(ar, 6, 20, 26)
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
