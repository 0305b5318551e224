"""Excel and CSV tables: sheets, header rows, kr/tkr, text cells, located errors."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from rapportgen.exceptions import InputError
from rapportgen.inputs.excel import Tabellkalla, load_sheets, load_source, load_table

from .conftest import xlsx_fil


DRIFT = [
    ["Resultaträkning jan-aug (tkr)"],
    [],
    ["Verksamhet", "Budget period", "Utfall period", "Kommentar"],
    ["INTÄKTER", 56950, 58710, "68/30"],
    ["KOSTNADER (-)", -392928, "-423 216", "stängd"],
    ["NETTOKOSTNADER (-)", -335978, -364506, "41+29"],
    ["Tomt, streck och noll", None, "-", 0],
]


@pytest.fixture
def budget(tmp_path) -> Path:
    return xlsx_fil(tmp_path / "budget.xlsx", {"Översikt": [["x"]], "Drift": DRIFT})


def test_sheet_header_row_and_tkr_to_kronor(budget):
    t = load_table(budget, blad="Drift", rubrikrad=3, enhet="tkr")
    assert t.kolumner == ["Verksamhet", "Budget period", "Utfall period", "Kommentar"]
    assert [r.nummer for r in t.rader] == [4, 5, 6, 7]
    intakter, kostnader, netto, tomt = t.rader
    assert intakter.belopp("Budget period") == Decimal(56_950_000)
    assert kostnader.belopp("Utfall period") == Decimal(-423_216_000)  # text with a space, read as number
    assert netto.tal("Budget period") == Decimal(-335978)  # as written, no unit conversion
    # Text stays text; empty, '-' and 0 are different things.
    assert [r.text("Kommentar") for r in t.rader] == ["68/30", "stängd", "41+29", "0"]
    assert tomt.cell("Budget period").tom and tomt.text("Utfall period") == "-"
    assert tomt.belopp("Budget period") is None and tomt.belopp("Utfall period") is None
    assert tomt.belopp("Kommentar") == Decimal(0)
    same = load_table(budget, blad=2, rubrikrad=3, enhet="kr")
    assert same.rader[0].belopp("Budget period") == Decimal(56950)
    frame = t.to_dataframe()
    assert frame.loc[4, "Kommentar"] == "68/30" and list(frame.index) == [4, 5, 6, 7]


def test_errors_name_file_sheet_and_cell(budget):
    t = load_table(budget, blad="Drift", rubrikrad=3, enhet="tkr")
    with pytest.raises(InputError) as exc:
        t.rader[0].belopp("Kommentar")
    assert exc.value.format_message() == f"{budget}, blad Drift, cell D4: ska vara ett tal, men är texten '68/30'"
    with pytest.raises(InputError, match="cell D4"):
        load_table(budget, blad="Drift", rubrikrad=3, enhet="tkr", kolumntyper={"Kommentar": "belopp"})
    with pytest.raises(InputError, match=r"blad Invest: bladet finns inte; blad i filen: Översikt, Drift"):
        load_table(budget, blad="Invest", enhet="tkr")
    with pytest.raises(InputError, match="blad nummer 3 finns inte"):
        load_table(budget, blad=3, enhet="tkr")
    with pytest.raises(InputError, match="rubrikraden 40 finns inte"):
        load_table(budget, blad="Drift", rubrikrad=40, enhet="tkr")
    with pytest.raises(InputError, match="kolumnen 'Prognos' saknas"):
        t.kolumn("Prognos")
    with pytest.raises(InputError, match="filen finns inte"):
        load_table(budget.with_name("saknas.xlsx"), enhet="kr")
    bad = budget.with_name("trasig.xlsx")
    bad.write_text("inte en zip")
    with pytest.raises(InputError, match="kan inte läsas som Excel-fil"):
        load_table(bad, enhet="kr")


def test_formula_without_cached_value_is_located(tmp_path):
    path = xlsx_fil(tmp_path / "f.xlsx", {"Drift": [["A", "B"], [1, "=A2*2"]]})
    with pytest.raises(InputError) as exc:
        load_table(path, enhet="kr")
    assert "blad Drift, cell B2" in exc.value.format_message() and "=A2*2" in exc.value.format_message()


def test_duplicate_headers_and_dates(tmp_path):
    path = xlsx_fil(tmp_path / "d.xlsx", {"Blad1": [["Datum", "Datum"], [dt.date(2023, 9, 19), 1]]})
    with pytest.raises(InputError, match="cell B1: kolumnrubriken 'Datum' förekommer två gånger"):
        load_table(path, enhet="kr")
    path = xlsx_fil(tmp_path / "e.xlsx", {"Blad1": [["Datum", "Text"], [dt.datetime(2023, 9, 19), "2023-09-20"],
                                                 [None, "okt"]]})
    t = load_table(path, enhet="kr")
    assert t.rader[0].datum("Datum") == dt.date(2023, 9, 19)
    assert t.rader[0].datum("Text") == dt.date(2023, 9, 20)
    with pytest.raises(InputError, match="cell B3: ska vara ett datum"):
        t.rader[1].datum("Text")


def test_csv_semicolon_and_cp1252(tmp_path):
    path = tmp_path / "drift.csv"
    path.write_bytes("Verksamhet;Belopp\nHemtjänst;-1 234,5\nÄldreomsorg;\"7\"\n".encode("cp1252"))
    t = load_table(path, enhet="tkr")
    assert [(r.text("Verksamhet"), r.belopp("Belopp")) for r in t.rader] == [
        ("Hemtjänst", Decimal(-1_234_500)), ("Äldreomsorg", Decimal(7000))]
    with pytest.raises(InputError, match=r"drift.csv, cell A2: ska vara ett tal"):
        t.rader[0].belopp("Verksamhet")
    with pytest.raises(InputError, match="har inga blad"):
        load_table(path, blad="Drift", enhet="kr")


class Investering(BaseModel):
    projekt: str
    budget: Decimal
    klart: dt.date | None = None


def test_rows_as_models_with_located_errors(tmp_path):
    path = xlsx_fil(tmp_path / "inv.xlsx", {"Investering": [
        ["Projekt", "Budget helår", "Klart"], ["Inventarier", 3681, "2023-12-31"], ["Bilar", "XX", None]]})
    t = load_table(path, enhet="tkr")
    falt = {"projekt": "Projekt", "budget": "Budget helår", "klart": "Klart"}
    with pytest.raises(InputError, match=r"blad Investering, cell B3: ska vara ett tal, men är texten 'XX'"):
        t.modeller(Investering, falt, belopp=["Budget helår"])
    t.rader.pop()
    (inv,) = t.modeller(Investering, falt, belopp=["Budget helår"])
    assert inv == Investering(projekt="Inventarier", budget=Decimal(3_681_000), klart=dt.date(2023, 12, 31))
    path2 = xlsx_fil(tmp_path / "inv2.xlsx", {"Investering": [["Projekt", "Budget helår", "Klart"], ["X", 1, "snart"]]})
    with pytest.raises(InputError, match=r"cell C2: fältet 'klart'"):
        load_table(path2, enhet="kr").modeller(Investering, falt, belopp=["Budget helår"])


def test_source_from_yaml_and_all_sheets(budget):
    kalla = Tabellkalla.model_validate({"fil": budget.name, "blad": "Drift", "rubrikrad": 3, "enhet": "tkr"})
    t = load_source(kalla, budget.parent)
    assert t.rader[0].belopp("Budget period") == Decimal(56_950_000)
    sheets = load_sheets(budget)
    assert [(s.blad, s.rubrikrad) for s in sheets] == [("Översikt", 1), ("Drift", 1)]


# Hypothesis: any text survives, any amount comes back in kronor -------------------------

# Text openpyxl can store: XML-valid characters, no formula-like start.
xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from(list("<>&\"'åäöÅÄÖ;,\t\n")),
    min_size=1, max_size=40,
).filter(lambda s: s.strip() and not s.startswith("="))
amount = st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
rows = st.lists(st.tuples(xml_text, amount), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, enhet=st.sampled_from(["kr", "tkr"]))
def test_xlsx_round_trip(tmp_path, rows, enhet):
    path = xlsx_fil(tmp_path / "h.xlsx", {"Blad åäö <&>": [["Text", "Belopp"], *[[t, float(a)] for t, a in rows]]})
    t = load_table(path, blad="Blad åäö <&>", enhet=enhet)
    factor = 1000 if enhet == "tkr" else 1
    assert [r.text("Text") for r in t.rader] == [text for text, _ in rows]
    assert [r.belopp("Belopp") for r in t.rader] == [Decimal(str(float(a))) * factor for _, a in rows]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, sep=st.sampled_from([";", ",", "\t"]))
def test_csv_round_trip(tmp_path, rows, sep):
    path = tmp_path / "h.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=sep, quoting=csv.QUOTE_ALL)
        w.writerow(["Text", "Belopp"])
        for text, a in rows:
            w.writerow([text, f"{a:f}".replace(".", ",")])
    t = load_table(path, enhet="kr")
    assert [r.text("Text") for r in t.rader] == [text.replace("\r\n", "\n").replace("\r", "\n") for text, _ in rows]
    assert [r.belopp("Belopp") for r in t.rader] == [a for _, a in rows]
