"""Diarienummer from the profile's pattern, decision references, delegation numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapportgen.exceptions import InputError
from rapportgen.identifiers import Beslutsreferens, Delegationsnummer, Dnr, DnrMonster, monster_for
from rapportgen.config import Profil

TIMRA = DnrMonster("{organ}/{år}:{löpnummer}")
HARRYDA = DnrMonster("{år}{organ}{löpnummer}[ {klass}]")


def test_timra_dnr():
    dnr = TIMRA.parse("SN/2023:197")
    assert (dnr.organ, dnr.ar, dnr.lopnummer, dnr.klass) == ("SN", 2023, "197", None)
    assert TIMRA.format(dnr) == "SN/2023:197"
    assert TIMRA.exempel == "SN/2023:197"
    for bad in ("SN 2023:197", "SN/23:197", "SN/2023-197", "2023SOCN60", "SN/2023:", "sn/2023:1"):
        assert not TIMRA.is_valid(bad), bad
    with pytest.raises(ValueError, match="följer inte mönstret"):
        TIMRA.parse("SN 2023/51")


def test_harryda_dnr_with_and_without_filing_class():
    dnr = HARRYDA.parse("2023SOCN60 042")
    assert (dnr.ar, dnr.organ, dnr.lopnummer, dnr.klass) == (2023, "SOCN", "60", "042")
    assert HARRYDA.format(dnr) == "2023SOCN60 042"
    assert HARRYDA.parse("2023SOCN60").klass is None
    assert HARRYDA.format(Dnr("SOCN", 2023, "60")) == "2023SOCN60"
    strict = DnrMonster("{år}{organ}{löpnummer} {klass}")
    assert strict.is_valid("2023SOCN60 042") and not strict.is_valid("2023SOCN60")
    assert not HARRYDA.is_valid("SN/2023:197")


def test_width_ascii_names_and_finding_in_text():
    padded = DnrMonster("{organ}-{ar}-{lopnummer:4}")
    assert padded.format(Dnr("KS", 2023, "7")) == "KS-2023-0007"
    assert padded.is_valid("KS-2023-0007") and not padded.is_valid("KS-2023-7")
    found = TIMRA.find_all("Ärendet (SN/2023:197) ersätter SN/2022:5 och KS/2021:13.")
    assert [str(d) for d in found] == ["SN/2023:197", "SN/2022:5", "KS/2021:13"]


def test_bad_patterns_are_located_in_the_profile():
    for bad in ("{organ}/{year}:{löpnummer}", "{organ}/{år}", "{organ}[/{år}:{löpnummer}", "{år}{år}{löpnummer}"):
        with pytest.raises(ValueError):
            DnrMonster(bad)
    profil = Profil(dnr_mönster="{organ}/{årtal}:{löpnummer}")
    with pytest.raises(InputError) as exc:
        monster_for(profil)
    assert "dnr_mönster" in exc.value.format_message() and "{årtal}" in exc.value.format_message()


organ = st.from_regex(r"[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,5}", fullmatch=True)
digits = st.from_regex(r"[0-9]{1,5}", fullmatch=True)


@given(organ, st.integers(1900, 2099), digits, st.one_of(st.none(), digits))
def test_dnr_round_trip(org, year, serial, klass):
    for monster in (TIMRA, HARRYDA, DnrMonster("{organ} {år}/{löpnummer}[-{klass}]")):
        dnr = Dnr(org, year, serial, klass if "klass" in monster.monster else None)
        text = monster.format(dnr)
        back = monster.parse(text)
        assert (back.organ, back.ar, back.lopnummer, back.klass) == (dnr.organ, dnr.ar, dnr.lopnummer, dnr.klass)
        assert monster.format(back) == text
        assert [str(d) for d in monster.find_all(f"Se {text}, tack.")] == [text]


def test_decision_references():
    ref = Beslutsreferens.parse("SN 2023-03-15 § 42, Intern kontrollplan 2023.")
    assert (ref.organ, ref.datum, ref.paragraf, ref.titel) == ("SN", dt.date(2023, 3, 15), 42,
                                                              "Intern kontrollplan 2023.")
    assert str(Beslutsreferens.parse("KF 2022-06-13 § 107")) == "KF 2022-06-13 § 107"
    assert str(Beslutsreferens.parse("SN/2022-02-15 § 10")) == "SN/2022-02-15 § 10"
    assert Beslutsreferens.parse("Rev. 2023-01-10 §3").organ == "Rev."
    for bad in ("SN 2023-13-15 § 42", "SN 15 mars 2023 § 42", "§ 42"):
        with pytest.raises(ValueError):
            Beslutsreferens.parse(bad)
    assert [str(r) for r in Beslutsreferens.find_all("enligt SN 2023-03-15 § 42 och KS 2023-04-01 § 9")] \
        == ["SN 2023-03-15 § 42", "KS 2023-04-01 § 9"]


@given(organ, st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)), st.integers(1, 999),
       st.sampled_from([" ", "/"]))
def test_decision_reference_round_trip(org, datum, paragraf, sep):
    ref = Beslutsreferens(org, datum, paragraf, None, sep)
    assert Beslutsreferens.parse(str(ref)) == ref


def test_delegation_numbers():
    d = Delegationsnummer.parse("SN DEL/2023 § 24")
    assert (d.organ, d.ar, d.nummer) == ("SN", 2023, 24)
    assert str(d) == "SN DEL/2023 § 24"
    with pytest.raises(ValueError):
        Delegationsnummer.parse("SN 2023 § 24")
