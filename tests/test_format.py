"""Swedish formatting: amounts, percent, dates, months, periods, and their Jinja filters."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapportgen.format import (
    FILTER_DOCS, MANADER, MANADER_KORT, MINUS, NBSP, Formatter, Period, find_periods, format_period,
    parse_belopp, parse_datum_lang, parse_manad, parse_period, parse_procent, parse_tal,
)
from rapportgen.config import Formatinstallningar, Profil
from rapportgen.render.environment import make_environment

F = Formatter()


def test_thousands_are_grouped_with_nbsp_and_decimal_comma():
    assert F.tal(-392928) == f"-392{NBSP}928"
    assert F.tal(1234567.891, 2) == f"1{NBSP}234{NBSP}567,89"
    assert F.tal(9.25, 1) == "9,3"  # half away from zero, not banker's rounding
    assert F.tal(-0.4) == "0"  # no "-0"


def test_amounts_in_units_are_rounded_once_from_kronor():
    assert F.tkr(-392_928_400) == f"-392{NBSP}928"
    assert F.mnkr(-28_527_000) == "-28,5"
    assert F.belopp(-28_527_000, "mnkr") == f"-28,5{NBSP}mnkr"
    assert F.belopp(-40_886_000, "mnkr") == f"-40,9{NBSP}mnkr"
    assert F.belopp(1_760_600, "tkr") == f"1{NBSP}761{NBSP}tkr"
    assert F.belopp(1234.5, "kr", 2) == f"1{NBSP}234,50{NBSP}kr"
    # Rounding twice (kronor -> 2 450 tkr -> 2,5 mnkr) would be wrong: 2 449 600 kr is 2,4 mnkr.
    assert F.mnkr(2_449_600) == "2,4"
    assert F.belopp(None) == "" and F.tkr("") == ""


def test_minus_sign_comes_from_the_profile():
    profil = Profil(format=Formatinstallningar(minustecken=MINUS))
    f = Formatter.from_profil(profil)
    assert f.belopp(-28_527_000, "mnkr") == f"{MINUS}28,5{NBSP}mnkr"
    assert "-" not in f.tkr(-3_191_000)
    with pytest.raises(ValueError):
        Formatter("–")


def test_percent_spacing_is_a_setting():
    assert F.procent(0.74) == f"74{NBSP}%"
    assert Formatter(procent_mellanslag=False).procent(0.74) == "74%"
    assert F.procentenheter(9.2, 1) == f"9,2{NBSP}%"
    assert F.procent(0.0925, 1) == f"9,3{NBSP}%"


def test_dates_iso_and_long():
    d = dt.date(2023, 3, 8)
    assert F.datum_iso(d) == "2023-03-08"
    assert F.datum_lang(d) == "8 mars 2023"
    assert F.datum_lang("2023-09-19") == "19 september 2023"
    assert F.datum_iso(dt.datetime(2023, 9, 19, 13, 0)) == "2023-09-19"


def test_months_and_periods():
    assert MANADER[0] == "januari" and MANADER[7] == "augusti"
    assert MANADER_KORT == ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt",
                            "nov", "dec"]
    assert F.manad(8) == "augusti" and F.manad(dt.date(2023, 8, 31), True) == "aug"
    end = dt.date(2023, 8, 31)
    assert F.period(end) == "januari\u2013augusti"
    assert F.period_kort(end) == "jan-aug"
    assert F.tom(end) == "t.o.m. augusti"
    assert F.period(end, "nummer") == "2023 08"
    assert F.period(8, start=8) == "augusti"
    assert F.period("jan-aug 2023", "lang") == "januari\u2013augusti"


def test_period_expressions_are_found_in_text():
    text = ("Periodrapport per 2023 08, resultat t.o.m. juli, Resultaträkning jan-aug (tkr), "
            "för perioden januari – augusti, beslut 2023-08-15, plan 2022–2024, budget 2023 12 000 tkr")
    found = [(h.text, h.period.slut) for h in find_periods(text)]
    assert found == [("2023 08", 8), ("t.o.m. juli", 7), ("jan-aug", 8), ("januari – augusti", 8)]


def test_every_filter_is_documented_and_works_in_a_template():
    filters = F.filters()
    assert set(filters) == set(FILTER_DOCS)
    env = make_environment(Formatter(MINUS, False))
    out = env.from_string(
        "{{ x|belopp('mnkr') }}|{{ x|tkr }}|{{ s|procent }}|{{ d|datum_lang }}|{{ d|period }}|"
        "{{ d|period_kort }}|{{ d|tom }}|{{ 3|manad }}"
    ).render(x=-28_527_000, s=0.74, d=dt.date(2023, 8, 31))
    assert out == (f"{MINUS}28,5{NBSP}mnkr|{MINUS}28{NBSP}527|74%|31 augusti 2023|januari\u2013augusti|"
                   "jan-aug|t.o.m. augusti|mars")


def test_parsers_accept_the_written_forms():
    assert parse_tal(f"{MINUS}28,5") == Decimal("-28.5")
    assert parse_tal("-392 928") == Decimal(-392928)
    assert parse_tal("1234.5") == Decimal("1234.5")
    assert parse_belopp(f"-28,5{NBSP}mnkr") == Decimal(-28_500_000)
    assert parse_procent("74 %") == Decimal("0.74")
    assert parse_manad("Aug.") == 8 and parse_manad("sept") == 9 and parse_manad("Anna") is None
    assert parse_datum_lang("den 8 mars 2023") == dt.date(2023, 3, 8)
    with pytest.raises(ValueError):
        parse_tal("12 34")


# Round trips -----------------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=3,
                      allow_nan=False, allow_infinity=False)
minus = st.sampled_from(["-", MINUS])


@given(amounts, st.integers(0, 3), minus)
def test_number_round_trip(value, decimals, sign):
    f = Formatter(sign)
    text = f.tal(value, decimals)
    assert " " not in text  # only non-breaking spaces
    expected = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert parse_tal(text) == expected


@given(amounts, st.sampled_from(["kr", "tkr", "mnkr"]), st.integers(0, 2), minus)
def test_amount_round_trip_rounds_once(value_kr, enhet, decimals, sign):
    text = Formatter(sign).belopp(value_kr, enhet, decimals)
    factor = {"kr": 1, "tkr": 1000, "mnkr": 1_000_000}[enhet]
    shown = (value_kr / factor).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert parse_belopp(text) == shown * factor
    assert text.endswith(f"{NBSP}{enhet}")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_date_round_trip(d):
    assert parse_datum_lang(F.datum_lang(d)) == d
    assert dt.date.fromisoformat(F.datum_iso(d)) == d


@st.composite
def periods(draw):
    start = draw(st.integers(1, 12))
    slut = draw(st.integers(start, 12))
    return Period(draw(st.one_of(st.none(), st.integers(2000, 2099))), start, slut)


@given(periods())
def test_period_round_trip(p):
    for stil in ("lang", "kort"):
        back = parse_period(format_period(p, stil))
        assert (back.start, back.slut) == (p.start, p.slut)
    assert parse_period(format_period(p, "tom")).slut == p.slut
    if p.ar:
        back = parse_period(format_period(p, "nummer"))
        assert (back.ar, back.slut) == (p.ar, p.slut)
        assert parse_period(f"{format_period(p, 'kort')} {p.ar}").ar == p.ar
