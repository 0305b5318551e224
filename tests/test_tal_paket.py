"""Numbers you can trust across a package (issue 15): Excel bilagor in the cross-document
comparison of figures, and periods compared across the whole package."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from .conftest import EXAMPLES
from .handling_helpers import write_manifest
from rapportgen.checks import Severity, errors, run_checks
from rapportgen.config import load_profile
from rapportgen.doctypes import load_handling

PROFIL = EXAMPLES / "rapportgen.yaml"

MARKDOWN = """\
---
typ: dokument
titel: Ekonomisk uppföljning augusti
---

| Socialnämnden (tkr) | Budget period | Utfall period |
|---|--:|--:|
| Intäkter | 56 950 | 58 710 |
| Kostnader | -392 928 | -423 216 |
| Nettokostnader | -335 978 | -364 506 |
"""


def _ark(path: Path, titel: str, summa_etikett: str, utfall: list[float], summa: float | None = None,
         namn: tuple[str, str] = ("Äldreomsorg", "Individ- och familjeomsorg")) -> Path:
    """A sheet as ekonomisystem exports look: a title row, an empty row, the header, the rows, a sum row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sammanställning"
    ws.append([titel])
    ws.append([])
    ws.append(["Verksamhet", "Budget period", "Utfall period"])
    budget = [-200_000, -135_978] if "tkr" in titel else [-200_000_000, -135_978_000]
    for rad, b, u in zip(namn, budget, utfall):
        ws.append([rad, b, u])
    ws.append([summa_etikett, sum(budget), sum(utfall) if summa is None else summa])
    wb.save(path)
    return path


def _paket(tmp_path: Path, synonymer: str = "", **kw) -> Path:
    folder = tmp_path / "m"
    folder.mkdir(parents=True)
    (folder / "uppfoljning.md").write_text(MARKDOWN, encoding="utf-8")
    _ark(folder / "sammanstallning.xlsx", **kw)
    profil = PROFIL.read_text(encoding="utf-8") + (f"kontroller:\n  synonymer:\n{synonymer}" if synonymer else "")
    (tmp_path / "rapportgen.yaml").write_text(profil, encoding="utf-8")
    return write_manifest(folder, """\
  - punkt: 1
    ärendemening: Ekonomisk uppföljning
    bilagor:
      - {etikett: Ekonomisk uppföljning augusti, fil: uppfoljning.md}
      - {etikett: Sammanställning per verksamhet, fil: sammanstallning.xlsx}
""")


def _fynd(manifest: Path, kod: str):
    profil = load_profile(manifest.parent.parent / "rapportgen.yaml")
    return [f for f in run_checks(load_handling(manifest, profil), profil) if f.kod == kod]


SYNONYM = "    Nettokostnader: [Summa SOCN]\n"


def test_an_excel_bilaga_and_a_markdown_bilaga_differ_under_synonym_labels(tmp_path):
    manifest = _paket(tmp_path, synonymer=SYNONYM, titel="Sammanställning augusti 2023 (kr)",
                      summa_etikett="Summa SOCN", utfall=[-220_000_000, -144_406_000])
    found = errors(_fynd(manifest, "samma_tal"))
    assert len(found) == 1
    f = found[0]
    # Both files, the sheet and cell, the line, both row labels and the column.
    assert f.dokument.endswith("sammanstallning.xlsx") and f.plats == "blad Sammanställning, cell C6"
    assert "'Summa SOCN', Utfall period" in f.meddelande and "'Nettokostnader', Utfall period" in f.meddelande
    assert "uppfoljning.md (rad 10, kolumn 'Utfall period')" in f.meddelande
    # Compared in kronor: the sheet's kr against the text's tkr.
    assert f.forvantat == "-364\u00a0506\u00a0000\u00a0kr" and f.funnet == "-364\u00a0406\u00a0000\u00a0kr"
    # Without the synonym the labels are different figures.
    other = _paket(tmp_path / "utan", titel="Sammanställning augusti 2023 (kr)", summa_etikett="Summa SOCN",
                   utfall=[-220_000_000, -144_406_000])
    assert errors(_fynd(other, "samma_tal")) == []


@pytest.mark.parametrize("titel, utfall, fel", [
    # Whole kronor against whole tkr: the tkr figure was rounded, so ±1 tkr.
    ("Sammanställning (kr)", [-220_000_000, -144_506_400], False),
    ("Sammanställning (kr)", [-220_000_000, -144_507_600], True),
    # A sheet in tkr is scaled to kronor before it is compared.
    ("Sammanställning (tkr)", [-220_000, -144_506], False),
    ("Sammanställning (tkr)", [-220_000, -144_406], True),
])
def test_excel_figures_are_compared_in_kronor_with_the_rounding_step(tmp_path, titel, utfall, fel):
    manifest = _paket(tmp_path, synonymer=SYNONYM, titel=titel, summa_etikett="Summa SOCN", utfall=utfall)
    found = errors(_fynd(manifest, "samma_tal"))
    assert len(found) == (1 if fel else 0)


def test_a_sheet_without_a_unit_is_not_compared_with_amounts(tmp_path):
    manifest = _paket(tmp_path, synonymer=SYNONYM, titel="Sammanställning augusti",
                      summa_etikett="Summa SOCN", utfall=[-220_000_000, -144_406_000])
    assert errors(_fynd(manifest, "samma_tal")) == []


def test_close_labels_in_an_excel_bilaga_get_a_did_you_mean(tmp_path):
    manifest = _paket(tmp_path, titel="Sammanställning (kr)", summa_etikett="Nettokostnad",
                      utfall=[-220_000_000, -144_406_000])
    found = _fynd(manifest, "samma_tal")
    # One per column both tables have.
    assert [f.severity for f in found] == [Severity.VARNING, Severity.VARNING]
    assert all("menade du 'Nettokostnader'" in f.meddelande and f.dokument.endswith("sammanstallning.xlsx")
               for f in found)
    assert [f.plats for f in found] == ["blad Sammanställning, cell B6", "blad Sammanställning, cell C6"]


def test_the_sum_row_of_an_excel_bilaga_is_verified_not_compared_as_data(tmp_path):
    manifest = _paket(tmp_path, synonymer=SYNONYM, titel="Sammanställning (kr)", summa_etikett="Summa SOCN",
                      utfall=[-220_000_000, -144_506_000], summa=-354_506_000)
    found = errors(_fynd(manifest, "summarad"))
    assert [(Path(f.dokument).name, f.plats) for f in found] == [("sammanstallning.xlsx", "blad Sammanställning, cell C6")]
    assert found[0].forvantat == "-364\u00a0506\u00a0000\u00a0kr"
    ok = _paket(tmp_path / "ok", synonymer=SYNONYM, titel="Sammanställning (kr)", summa_etikett="Summa SOCN",
                utfall=[-220_000_000, -144_506_000])
    assert _fynd(ok, "summarad") == [] and errors(_fynd(ok, "samma_tal")) == []


def test_bare_summa_rows_of_two_sheets_are_not_the_same_figure(tmp_path):
    # Every export has a 'Summa' row; two sheets' bare sums are sums of different things.
    folder = tmp_path / "m"
    folder.mkdir()
    _ark(folder / "drift.xlsx", titel="Drift (kr)", summa_etikett="Summa", utfall=[-220_000_000, -144_506_000])
    _ark(folder / "inv.xlsx", titel="Investeringar (kr)", summa_etikett="Summa", utfall=[-2_000_000, -1_000_000],
         namn=("Ombyggnad Solgården", "Larm"))
    shutil.copyfile(PROFIL, tmp_path / "rapportgen.yaml")
    manifest = write_manifest(folder, """\
  - punkt: 1
    ärendemening: Ekonomisk uppföljning
    bilagor:
      - {etikett: Drift, fil: drift.xlsx}
      - {etikett: Investeringar, fil: inv.xlsx}
""")
    assert _fynd(manifest, "samma_tal") == []
    # The same rows under their own labels are compared.
    for name in ("drift.xlsx", "inv.xlsx"):
        _ark(folder / name, titel="(kr)", summa_etikett="Summa", utfall=[-220_000_000, -1_000_000 if name == "inv.xlsx" else -144_506_000])
    assert [f.plats for f in errors(_fynd(manifest, "samma_tal"))] == ["blad Sammanställning, cell C5"]


# --- periods across the package ---------------------------------------------------------------

MOTE = Path("sammantrade-2023-09-19") / "sammantrade.yaml"
PERIODRAPPORT = "periodrapport-2023-08.xlsx"


def _mote(tmp_path: Path, arende: str, titel: str | None = None) -> Path:
    """The example meeting with one more ärende before 'sa'; titel rewrites the title of a copy of
    the periodrapport, bilagor/annan.xlsx (in the file's XML: openpyxl would drop the computed values)."""
    for name in ("sammantrade-2023-09-19", "delarsrapport", "tjansteskrivelser", "revision"):
        shutil.copytree(EXAMPLES / name, tmp_path / name)
    shutil.copyfile(PROFIL, tmp_path / "rapportgen.yaml")
    bilagor = tmp_path / "sammantrade-2023-09-19" / "bilagor"
    if titel is not None:
        with zipfile.ZipFile(bilagor / PERIODRAPPORT) as zin:
            parts = {i: zin.read(i.filename) for i in zin.infolist()}
        with zipfile.ZipFile(bilagor / "annan.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
            for info, data in parts.items():
                zout.writestr(info, data.replace(b"Periodrapport per 2023 08", titel.encode()))
    manifest = tmp_path / MOTE
    text = manifest.read_text(encoding="utf-8")
    assert "  - punkt: sa\n" in text
    manifest.write_text(text.replace("  - punkt: sa\n", arende + "\n  - punkt: sa\n"), encoding="utf-8")
    return manifest


EKONOMI_ARENDE = """\
  - punkt: 16
    dnr: SN/2023:1
    ärendemening: {mening}
    bilagor:
      - etikett: {etikett}
        fil: bilagor/annan.xlsx
"""


def test_a_july_periodrapport_in_another_arende_of_an_august_package(tmp_path):
    manifest = _mote(tmp_path, EKONOMI_ARENDE.format(mening="Ekonomisk uppföljning", etikett="Periodrapport"),
                     titel="Periodrapport per 2023 07")
    found = _fynd(manifest, "period")
    assert len(found) == 1
    f = found[0]
    assert f.severity is Severity.FEL
    assert f.dokument.endswith("annan.xlsx") and f.plats == "blad Periodrapport 2023 08, cell A1"
    # Names both parts: this sheet and the ärende that states the package's period.
    assert "ärende 16, bilagan 'Periodrapport'" in f.meddelande and "ärende 8" in f.meddelande
    assert "08-delarsrapport.md" in f.meddelande and "ekonomisk uppföljning" in f.meddelande
    assert (f.forvantat, f.funnet) == ("augusti 2023", "juli 2023")


def test_the_sheet_title_names_the_kind_of_report(tmp_path):
    # Neither the ärende nor the label says what the sheet is; its title does.
    manifest = _mote(tmp_path, EKONOMI_ARENDE.format(mening="Information", etikett="Sammanställning"),
                     titel="Periodrapport per 2023 07")
    found = _fynd(manifest, "period")
    assert [(f.severity, Path(f.dokument).name, f.plats) for f in found] == [
        (Severity.FEL, "annan.xlsx", "blad Periodrapport 2023 08, cell A1")]


def test_an_arende_about_another_month_is_a_warning_naming_both(tmp_path):
    manifest = _mote(tmp_path, EKONOMI_ARENDE.format(mening="Ekonomisk månadsrapport per juli 2023",
                                                     etikett="Periodrapport per 2023 07"),
                     titel="Periodrapport per 2023 07")
    found = _fynd(manifest, "period")
    # The ärende's own parts agree with it; the ärende as a whole is about July.
    assert [(f.severity, f.dokument) for f in found] == [(Severity.VARNING, str(manifest))]
    assert found[0].plats.startswith("rad ") and "ärende 16 avser juli 2023" in found[0].meddelande
    assert "ärende 8 avser augusti 2023" in found[0].meddelande


@pytest.mark.parametrize("mening, etikett, titel", [
    # Another kind of report about another month: September's intern kontroll beside August's economy.
    ("Intern kontroll 2023 – uppföljning", "Uppföljning intern kontroll", "Intern kontroll per 2023 09"),
    # Another year's report of the same kind is a comparison, not this package's period.
    ("Ekonomisk uppföljning", "Periodrapport 2022", "Periodrapport per 2022 12"),
    # A part of no known kind is compared only within its ärende.
    ("Information", "Sammanställning", "Sammanställning per 2023 07"),
])
def test_legitimately_different_periods_pass(tmp_path, mening, etikett, titel):
    manifest = _mote(tmp_path, EKONOMI_ARENDE.format(mening=mening, etikett=etikett), titel=titel)
    assert _fynd(manifest, "period") == []


def test_the_example_package_stays_clean():
    profil = load_profile(PROFIL)
    found = run_checks(load_handling(EXAMPLES / MOTE, profil), profil)
    assert errors(found) == []
    assert [f for f in found if f.kod in ("period", "samma_tal", "tabell", "summarad")] == []


@settings(max_examples=25, deadline=None)
@given(titlar=st.integers(0, 3), rows=st.lists(st.tuples(st.integers(-10**8, 10**8), st.integers(-10**8, 10**8)),
                                              min_size=1, max_size=6),
       enhet=st.sampled_from(["kr", "tkr"]), fel=st.integers(-3, 3))
def test_excel_bilaga_model_property(titlar, rows, enhet, fel):
    """Any number of title rows above the header: the header is found, values are held in kronor,
    and the sum row is verified (an error exactly when it is off by more than the rounding step)."""
    import tempfile

    from rapportgen.checks.base import Kontrollkontext
    from rapportgen.checks.tabell import bilaga_som_tabell, verifiera
    from rapportgen.config import Profil
    from rapportgen.inputs.excel import load_sheets

    with tempfile.TemporaryDirectory() as tmp:
        wb = Workbook()
        ws = wb.active
        for n in range(titlar):
            ws.append([f"Rubrik {n + 1} ({enhet})"])
        ws.append(["Verksamhet", "Budget", "Utfall"])
        for n, (b, u) in enumerate(rows):
            ws.append([f"Rad {n + 1}", b, u])
        ws.append(["Summa", sum(b for b, _ in rows), sum(u for _, u in rows) + fel])
        wb.save(Path(tmp) / "ark.xlsx")
        (t,) = [bilaga_som_tabell(s) for s in load_sheets(Path(tmp) / "ark.xlsx")]
        assert t.kolumner == ["Budget", "Utfall"] and [r.etikett for r in t.rader][-1] == "Summa"
        assert t.enhet == (enhet if titlar else None) and len(t.titlar) == titlar
        faktor = 1000 if t.enhet == "tkr" else 1
        assert [r.celler[0].varde for r in t.rader[:-1]] == [b * faktor for b, _ in rows]
        found = list(verifiera(t, Kontrollkontext(Profil())))
        # Whole numbers were rounded to their unit: ±1 in the last digit.
        assert len(found) == (1 if abs(fel) > 1 else 0)
