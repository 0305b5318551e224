"""The check engine and each shared check: one input that trips it, one that passes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from rapportgen.doctypes import tjansteskrivelse
from rapportgen.checks import (
    Finding, Kontrollkontext, Severity, check, group_by_document, raise_on_errors, registered, run_checks,
)
from rapportgen.checks.numeric import (
    Tolerans, jamfor, kontrollera_differens, kontrollera_samma, kontrollera_summa,
)
from rapportgen.checks.period import period_findings, period_mentions, reference_period
from rapportgen.checks.text import empty_section_findings, find_placeholders, has_content
from rapportgen.exceptions import CheckFailed
from rapportgen.format import Period
from rapportgen.inputs.excel import load_table
from rapportgen.config import Formatinstallningar, Profil

PROFIL = Profil(kommun="Timrå kommun", förvaltning="Socialförvaltningen", nämnd="Socialnämnden",
                underskrifter=[{"namn": "Johan Vikström", "titel": "Tf förvaltningschef"}])
HARRYDA = PROFIL.model_copy(update={"dnr_monster": "{år}{organ}{löpnummer}[ {klass}]"})

FRONT = {
    "handläggare": "Anna Lund",
    "datum": "2023-09-11",
    "dnr": "SN/2023:1",
    "titel": "Delårsrapport per augusti 2023",
    "förslag_till_beslut": "Godkänna delårsrapporten.",
}
BODY = "# Ärendet\n\nFörvaltningen redovisar resultatet för januari–augusti.\n"


def _doc(tmp_path: Path, body: str = BODY, profil: Profil = PROFIL, **front) -> tjansteskrivelse.TjansteskrivelseDoc:
    import yaml

    data = {**FRONT, **front}
    data = {k: v for k, v in data.items() if v is not None}
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n\n" + body
    path = tmp_path / "arende.md"
    path.write_text(text, encoding="utf-8")
    return tjansteskrivelse.load(path, profil)


def _kods(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.kod, f.severity.value) for f in findings]


def test_clean_document_passes_every_check(tmp_path):
    assert run_checks(_doc(tmp_path), PROFIL) == []


# Placeholders ---------------------------------------------------------------------------

def test_placeholder_patterns():
    assert find_placeholders("en negativ budgetavvikelse på -XX mnkr.") == ["-XX mnkr"]
    assert find_placeholders("Skriv text här") == ["Skriv text här"]
    assert find_placeholders("Ange investering per rad") == ["Ange investering per rad"]
    assert find_placeholders("Beslut fattas [...] och [namn].") == ["[...]", "[namn]"]
    assert find_placeholders("Klicka eller tryck här för att ange text.") == ["Klicka eller tryck här för att ange text."]
    for clean in ("XXL-storlek och Xavier", "Vi ange inte orsaken", "Resultat -28,5 mnkr", "[1]", "[x] klart", "SN/2023:197"):
        assert find_placeholders(clean) == [], clean


def test_placeholder_check_trips_in_body_and_fields(tmp_path):
    doc = _doc(tmp_path, BODY + "\nPrognosen visar en avvikelse på -XX mnkr.\n",
               beslutsunderlag=["Delårsrapport 2023", "[titel]"])
    found = [f for f in run_checks(doc, PROFIL) if f.kod == "platshallare"]
    assert [(f.plats, f.funnet) for f in found] == [
        ("rad 9 (fält 'beslutsunderlag[2]')", "[titel]"), ("rad 16", "-XX mnkr")]
    assert all(f.severity is Severity.FEL for f in found)


def test_placeholder_check_on_excel_cells(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Investering"
    for row in (["Investeringar, tkr", "Budget 2022"], ["Ange investering per rad"], ["Inventarier", 4000]):
        ws.append(row)
    wb.save(tmp_path / "inv.xlsx")
    found = run_checks(load_table(tmp_path / "inv.xlsx", enhet="tkr"), PROFIL)
    assert [(f.kod, f.plats, f.funnet) for f in found] == [
        ("platshallare", "blad Investering, cell A2", "Ange investering per rad")]
    ws["A2"] = "Lokaler"
    wb.save(tmp_path / "inv.xlsx")
    assert run_checks(load_table(tmp_path / "inv.xlsx", enhet="tkr"), PROFIL) == []


# Empty required sections ----------------------------------------------------------------

def test_required_section_with_only_placeholders_trips(tmp_path):
    doc = _doc(tmp_path, "# Ärendet\n\nSkriv text här\n\n# Miljö\n\nIngen påverkan.\n")
    found = [f for f in run_checks(doc, PROFIL) if f.kod == "tomt_avsnitt"]
    assert len(found) == 1 and found[0].plats == "rad 11"
    assert "'Ärendet' innehåller bara platshållare" in found[0].meddelande
    assert not [f for f in run_checks(_doc(tmp_path), PROFIL) if f.kod == "tomt_avsnitt"]


def test_empty_section_helper():
    found = list(empty_section_findings("plan.yaml", {"Driftbudget": "  ", "Omvärld": "Text.", "Mål": None},
                                        ["Driftbudget", "Omvärld", "Mål"], {"Mål": "rad 3"}))
    assert [(f.plats, f.meddelande) for f in found] == [
        ("avsnitt Driftbudget", "det obligatoriska avsnittet 'Driftbudget' är tomt"),
        ("rad 3", "det obligatoriska avsnittet 'Mål' saknas")]
    assert has_content("Ja.") and not has_content("XX ...") and not has_content(None)


# Period consistency ---------------------------------------------------------------------

def test_period_check_trips_on_a_part_from_another_month(tmp_path):
    doc = _doc(tmp_path, BODY + "\nResultat t.o.m. juli på -23,3 mnkr.\n",
               beslutsunderlag=["Periodrapport per 2023 08", "Sammanställning anställningar 2023 09"])
    found = [f for f in run_checks(doc, PROFIL) if f.kod == "period"]
    assert [(f.severity.value, f.plats, f.funnet, f.forvantat) for f in found] == [
        ("fel", "fält 'beslutsunderlag[2]'", "2023 09", "augusti 2023"),
        ("varning", "rad 16", "t.o.m. juli", "augusti 2023")]


def test_period_check_passes_when_every_part_closes_in_the_same_month(tmp_path):
    doc = _doc(tmp_path, BODY + "\n| Resultaträkning jan-aug (tkr) | Utfall |\n|---|--:|\n| Netto | 1 |\n",
               titel="Ekonomisk delårsrapport",
               beslutsunderlag=["Periodrapport per 2023 08", "Volymrapport 2023 08", "Delårsrapport 2023"])
    assert [f for f in run_checks(doc, PROFIL) if f.kod == "period"] == []


def test_period_helpers_take_the_most_named_month():
    mentions = period_mentions([("a", "Periodrapport 2023 08"), ("b", "jan-aug"), ("c", "per 2023 09")])
    ref = reference_period(mentions)
    assert ref == Period(2023, 1, 8)
    found = list(period_findings("paket", mentions, ref))
    assert [(f.plats, f.funnet) for f in found] == [("c", "2023 09")]
    assert reference_period([]) is None


# Dnr and decision references -----------------------------------------------------------

def test_dnr_check_trips_on_a_dnr_outside_the_pattern(tmp_path):
    found = [f for f in run_checks(_doc(tmp_path, dnr="SN 2023/51"), PROFIL) if f.kod == "dnr"]
    assert [(f.severity.value, f.plats, f.forvantat, f.funnet) for f in found] == [
        ("fel", "rad 4 (fält 'dnr')", "t.ex. SN/2023:197", "SN 2023/51")]


def test_dnr_pattern_comes_from_the_profile(tmp_path):
    assert [f.kod for f in run_checks(_doc(tmp_path, dnr="2023SOCN60 042"), HARRYDA)] == []
    assert [f.kod for f in run_checks(_doc(tmp_path, dnr="SN/2023:1"), HARRYDA)] == ["dnr"]
    assert [f.kod for f in run_checks(_doc(tmp_path, dnr="2023SOCN60 042"), PROFIL)] == ["dnr"]


def test_dnr_from_a_later_year_trips(tmp_path):
    (f,) = run_checks(_doc(tmp_path, dnr="SN/2024:3"), PROFIL)
    assert f.kod == "dnr" and "år 2024" in f.meddelande


def test_decision_reference_check(tmp_path):
    found = run_checks(_doc(tmp_path, tidigare_behandling=[
        "SN 2023-03-15 § 42, Intern kontrollplan.", "Socialnämnden i mars", "SN 2023-10-01 § 5"]), PROFIL)
    assert [(f.kod, f.severity.value, f.plats) for f in found] == [
        ("beslutsreferens", "fel", "rad 10 (fält 'tidigare_behandling[3]')"),
        ("beslutsreferens", "varning", "rad 9 (fält 'tidigare_behandling[2]')")]
    assert run_checks(_doc(tmp_path, tidigare_behandling=["SN/2022-02-15 § 10"]), PROFIL) == []


# Rounding tolerance ---------------------------------------------------------------------

def test_sum_within_rounding_tolerance_passes_and_beyond_trips():
    # 004: Avvikelse period -29 464 - (-26 274) printed as -3 191: within ±1 tkr from the raw values.
    assert kontrollera_differens(-29_464_400, -26_273_600, -3_190_800, dokument="d", kod="avvikelse",
                                 vad="Avvikelse") is None
    # Seed table 000: NETTO = INTÄKTER + KOSTNADER holds exactly.
    assert kontrollera_summa([82_978_000, -548_272_000], -465_294_000, dokument="d", kod="netto",
                             vad="NETTOKOSTNADER", delar_text="INTÄKTER + KOSTNADER") is None
    f = kontrollera_summa([82_978_000, -548_272_000], -465_282_000, dokument="d", kod="netto",
                          vad="NETTOKOSTNADER", delar_text="INTÄKTER + KOSTNADER", plats="blad Drift, cell B7")
    assert f is not None and f.severity is Severity.FEL and f.plats == "blad Drift, cell B7"
    assert (f.forvantat, f.funnet) == ("-465\u00a0294\u00a0tkr", "-465\u00a0282\u00a0tkr")
    assert "skillnaden är 12\u00a0tkr" in f.meddelande and "±1\u00a0tkr" in f.meddelande
    assert kontrollera_summa([None, 1], 5, dokument="d", kod="k", vad="v") is None


def test_tolerance_comes_from_the_profile():
    wide = Kontrollkontext(Profil(format=Formatinstallningar(avrundningstolerans_tkr=15)))
    assert wide.tolerans == Tolerans(Decimal(15000))
    assert jamfor(-465_294_000, -465_282_000, dokument="d", kod="k", vad="v", ktx=wide) is None
    strict = Kontrollkontext(Profil(format=Formatinstallningar(avrundningstolerans_tkr=0.5)))
    f = jamfor(1000, 2000, dokument="d", kod="k", vad="v", ktx=strict)
    assert f is not None and "±0,5\u00a0tkr" in f.meddelande
    assert Tolerans.from_tkr(1).inom(0, 1000) and not Tolerans.from_tkr(1).inom(0, 1000.01)


def test_the_same_figure_in_two_places():
    # 004: the investment budget given as 3 681 in one appendix and 0 in another.
    found = kontrollera_samma([("Delårsrapport, Investeringar", 3_681_000), ("Periodrapport", 0),
                               ("Kommunchefens redovisning", 3_681_400)],
                              dokument="paket", kod="samma_siffra", vad="Investeringsbudget helår")
    assert [(f.plats, f.funnet) for f in found] == [("Periodrapport", "0\u00a0tkr")]


# Engine --------------------------------------------------------------------------------

class _Thing:
    pass


def test_checks_may_take_the_context_and_findings_group_by_document():
    @check(_Thing, "test_kontext")
    def with_context(obj, ktx):
        yield Finding(Severity.VARNING, "test_kontext", "b.md", ktx.formatter.belopp(-1000, "tkr"))

    @check(_Thing, "test_utan")
    def without(obj):
        yield Finding(Severity.FEL, "test_utan", "a.md", "fel", plats="rad 1", forvantat="1", funnet="2")

    findings = run_checks(_Thing(), Profil(format=Formatinstallningar(minustecken="−")))
    assert [f.kod for f in findings] == ["test_utan", "test_kontext"]  # errors first
    assert findings[1].meddelande == "−1\u00a0tkr"
    assert list(group_by_document(findings)) == ["a.md", "b.md"]
    assert findings[0].format() == "FEL: a.md, rad 1: fel (förväntat 1, fann 2)"
    assert {k.kod for k in registered(_Thing)} == {"test_kontext", "test_utan"}
    with pytest.raises(CheckFailed, match="kontrollen hittade 1 fel"):
        raise_on_errors(findings)
    raise_on_errors(findings, tvinga=True)
