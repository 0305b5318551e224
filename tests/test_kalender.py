"""Swedish helgdagar computed by rapportgen.kalender, checked against the holidays package."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from rapportgen import kalender


def _paketets(ar: int) -> dict[dt.date, str]:
    from holidays.countries.sweden import Sweden

    out = {d: str(n) for d, n in Sweden(years=ar, language="sv", include_sundays=False).items()}
    midsommardagen = next(dt.date(ar, 6, d) for d in range(20, 27) if dt.date(ar, 6, d).weekday() == 5)
    out.setdefault(midsommardagen - dt.timedelta(days=1), "Midsommarafton")
    out.setdefault(dt.date(ar, 12, 24), "Julafton")
    out.setdefault(dt.date(ar, 12, 31), "Nyårsafton")
    return out


@pytest.mark.parametrize("ar", range(2000, 2101))
def test_helgdagar_equal_the_holidays_package(ar):
    # Days and names, also where two fall on one day (2008: första maj = Kristi himmelsfärd;
    # 2049: nationaldagen = pingstdagen) and before 2005 (annandag pingst, no nationaldag).
    assert kalender.helgdagar(ar) == _paketets(ar)


def test_known_days():
    h = kalender.helgdagar(2024)
    assert h[dt.date(2024, 3, 29)] == "Långfredagen"
    assert h[dt.date(2024, 5, 9)] == "Kristi himmelsfärdsdag"
    assert h[dt.date(2024, 6, 21)] == "Midsommarafton"
    assert h[dt.date(2024, 11, 2)] == "Alla helgons dag"
    assert kalender.helgdagar(2008)[dt.date(2008, 5, 1)] == "Första maj; Kristi himmelsfärdsdag"
    assert kalender.varfor_inte_vardag(dt.date(2024, 6, 6)) == "nationaldagen"


def test_years_from_2005_do_not_import_the_package():
    # A fresh interpreter: in this one a test above has imported the package already.
    # 2031-04-14 is annandag påsk.
    code = ("import sys, datetime as dt; from rapportgen import kalender; "
            "assert not kalender.ar_vardag(dt.date(2031, 4, 14)); kalender.helgdagar(2005); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"
    out = subprocess.run([sys.executable, "-c", code.replace("2005", "2004")], capture_output=True, text=True,
                         check=True, timeout=120)
    assert "holidays" in out.stdout  # the harness sees the import when it happens
