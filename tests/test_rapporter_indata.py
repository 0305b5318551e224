"""Report inputs: located errors, the economy checks, and XML-special text (no PDF needed)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from .conftest import EXAMPLES
from .test_rapporter import kopiera_exempel
from rapportgen.checks import errors, run_checks
from rapportgen.exceptions import InputError
from rapportgen.format import Formatter
from rapportgen.model.ekonomi import INTAKTER, KOSTNADER, NETTO
from rapportgen.doctypes.rapport import load, render

DELAR = EXAMPLES / "delarsrapport"


@pytest.fixture
def kopia(tmp_path) -> Path:
    return kopiera_exempel(tmp_path)


def test_folder_and_manifest_give_the_same_report():
    a, b = load(DELAR), load(DELAR / "delarsrapport.yaml")
    assert a.drift.indata == b.drift.indata
    assert [v.namn for v in a.drift.verksamheter] == [v.namn for v in b.drift.verksamheter]


def test_amounts_are_kronor_and_rounded_only_for_display():
    doc = load(DELAR)
    d = doc.drift
    hemtjanst = next(v for v in d.verksamheter if v.namn == "Äldreomsorg - Hemtjänst")
    avv = d.varde(hemtjanst, NETTO, "Avvikelse period")
    assert avv == hemtjanst.netto("Utfall period") - hemtjanst.netto("Budget period")
    assert avv != avv.quantize(Decimal(1000))  # öre and kronor are kept
    assert Formatter().mnkr(avv) == "-8,3"


def test_summary_agrees_with_the_tjansteskrivelse_of_the_same_arende():
    """The tjänsteskrivelse of ärende 8 quotes the summary table: the same figures, within rounding."""
    from rapportgen.checks.numeric import kontrollera_samma
    from rapportgen.format import parse_tal

    doc = load(DELAR)
    d = doc.drift
    md = (EXAMPLES / "tjansteskrivelser" / "08-delarsrapport.md").read_text(encoding="utf-8")
    rows = {cells[0].strip("* ").upper(): [parse_tal(c.strip("* ")) * 1000 for c in cells[1:]]
            for line in md.splitlines() if line.startswith("| ") and "(tkr)" not in line
            for cells in [[c.strip() for c in line.strip("|").split("|")]]}
    names = ["Budget period", "Utfall period", "Avvikelse period", "Budget helår", "Årsprognos",
             "Årsprognos budgetavvikelse"]
    for rad, quoted in ((INTAKTER, rows["INTÄKTER"]), (KOSTNADER, rows["KOSTNADER (-)"]),
                        (NETTO, rows["NETTOKOSTNADER (-)"])):
        for kolumn, value in zip(names, quoted):
            ours = d.varde(d.verksamheter, rad, kolumn)
            assert kontrollera_samma([("delårsrapporten", ours), ("tjänsteskrivelsen", value)],
                                     dokument="ärende 8", kod="samma", vad=f"{rad} {kolumn}") == []


def test_tkr_input_gives_the_same_kronor(kopia):
    wb = load_workbook(kopia / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    for row in ws.iter_rows(min_row=4, min_col=3):
        for cell in row:
            if isinstance(cell.value, (int, float)):
                cell.value = cell.value / 1000
    wb.save(kopia / "ekonomi.xlsx")
    manifest = kopia / "delarsrapport.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("blad: Driftredovisning\n  rubrikrad: 3\n  enhet: kr",
                                     "blad: Driftredovisning\n  rubrikrad: 3\n  enhet: tkr"), encoding="utf-8")
    a, b = load(DELAR), load(kopia)
    assert b.drift.enhet == "tkr"
    for k in a.drift.indata:
        x = a.drift.varde(a.drift.verksamheter, NETTO, k)
        y = b.drift.varde(b.drift.verksamheter, NETTO, k)
        assert abs(x - y) < Decimal("0.01") * 40


def test_verksamhet_outside_the_areas_is_located(kopia):
    manifest = kopia / "delarsrapport.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("      - Politisk verksamhet\n", ""),
                        encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(kopia)
    msg = exc.value.format_message()
    assert "ekonomi.xlsx, blad Driftredovisning, cell A" in msg
    assert "'Politisk verksamhet' hör inte till något område" in msg


def test_unknown_row_type_and_missing_manifest(kopia, tmp_path):
    wb = load_workbook(kopia / "ekonomi.xlsx")
    wb["Driftredovisning"]["B5"] = "Bidrag"
    wb.save(kopia / "ekonomi.xlsx")
    with pytest.raises(InputError, match="cell B5: raden 'Bidrag' för Hälso- och sjukvård finns inte i "
                                         "tabelldefinitionen 'timra_driftredovisning'; rader där: INTÄKTER"):
        load(kopia)
    with pytest.raises(InputError, match="mappen saknar manifest"):
        load(tmp_path)


def test_bad_goal_status_names_the_line(kopia):
    mal = kopia / "mal.yaml"
    mal.write_text(mal.read_text(encoding="utf-8").replace("status: höger", "status: snett", 1), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(kopia)
    msg = exc.value.format_message()
    assert "mal.yaml, rad" in msg and "snett" in msg


def test_prose_in_comments_is_checked_against_the_table(kopia):
    text = kopia / "texter" / "ekonomi.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n## Äldreomsorg - Särskilt boende\n\n"
                    "Äldreomsorg - Särskilt boende redovisar ett underskott på -5,0 mnkr.\n", encoding="utf-8")
    found = errors(run_checks(load(kopia)))
    assert [f.kod for f in found] == ["prosa_mot_tabell"]
    assert found[0].forvantat == "-10,6\u00a0mnkr" and found[0].funnet == "-5,0\u00a0mnkr"
    line = text.read_text(encoding="utf-8").splitlines().index(
        "Äldreomsorg - Särskilt boende redovisar ett underskott på -5,0 mnkr.") + 1
    assert found[0].dokument.endswith("ekonomi.md") and found[0].plats == f"rad {line}"
    assert "texter/ekonomi.md" in found[0].meddelande and "±50\u00a0tkr" in found[0].meddelande


def test_check_cli_names_the_markdown_file_and_applied_tolerance(kopia, runner):
    from rapportgen.cli import cli

    text = kopia / "texter" / "ekonomi.md"
    lines = text.read_text(encoding="utf-8").splitlines()
    assert lines[6] == "## Äldreomsorg - Hemtjänst"
    lines[8] = "Äldreomsorg - Hemtjänst redovisar ett underskott på -5,0 mnkr."
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = runner.invoke(cli, ["check", str(kopia / "delarsrapport.yaml"), "--format", "plain"])
    assert res.exit_code == 1
    line = next(x for x in res.output.splitlines() if "prosa_mot_tabell" in x)
    assert "rad 9: Texten i texter/ekonomi.md om Äldreomsorg - Hemtjänst" in line
    assert "±50\u00a0tkr" in line and "±1\u00a0tkr" not in line
    # Within half the shown decimal (0,05 mnkr) is not a finding: the table says -8,3 mnkr.
    lines[8] = "Äldreomsorg - Hemtjänst redovisar ett underskott på -8,3 mnkr."
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert errors(run_checks(load(kopia))) == []


def test_placeholders_in_reused_texts(kopia):
    text = kopia / "texter" / "strategier.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n## Nytt\n\nSkriv text här\n", encoding="utf-8")
    found = errors(run_checks(load(kopia)))
    assert [f.kod for f in found] == ["platshallare"]
    assert found[0].dokument.endswith("strategier.md")


_names = st.text(alphabet=st.sampled_from(list("abcÅÄÖ <>&\"'-/")), min_size=3, max_size=20).filter(
    lambda s: s.strip() and s.strip() == " ".join(s.split()) and not s.strip().startswith(("-", "'", '"')))


# Each example renders a whole delårsrapport (about two seconds). The explicit example holds every
# character of the alphabet, XML's five specials among them, in one name, so every run covers them
# all; the three drawn examples add other mixes and placements (leading, trailing, repeated).
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(namn="Å <b>&c \"Ä\" 'Ö'</b> - a/b")
@given(namn=_names)
def test_xml_special_names_reach_the_document(tmp_path, namn):
    base = tmp_path / f"d{abs(hash(namn))}"
    if base.exists():
        shutil.rmtree(base)
    src = kopiera_exempel(base)
    wb = load_workbook(src / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    for row in range(4, ws.max_row + 1):
        if ws.cell(row, 1).value == "Politisk verksamhet":
            ws.cell(row, 1).value = namn
    wb.save(src / "ekonomi.xlsx")
    manifest = src / "delarsrapport.yaml"
    quoted = '"' + namn.replace("\\", "\\\\").replace('"', '\\"') + '"'
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "      - Politisk verksamhet\n", f"      - {quoted}\n"), encoding="utf-8")
    text = src / "texter" / "ekonomi.md"
    text.write_text(text.read_text(encoding="utf-8").replace("## Socialnämnden\n", "## Socialnämnden\n\n"
                    "Kommentar <b>&amp; \"citat\"</b>\n"), encoding="utf-8")
    doc = load(src)
    out = render(doc, src / "ut.docx")
    word = Document(str(out))
    cells = {c.text for t in word.tables for r in t.rows for c in r.cells}
    assert namn.strip() in cells
    assert any("&amp;" in p.text or "<b>" in p.text for p in word.paragraphs)


def test_nyckeltal_sheet_without_nyckeltal_file_is_located(kopia):
    manifest = kopia / "delarsrapport.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("nyckeltal:\n  fil: nyckeltal.xlsx\n", ""),
                        encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(kopia)
    msg = exc.value.format_message()
    assert "mal.yaml, rad 4" in msg and "saknar 'nyckeltal'" in msg


def test_missing_nyckeltal_sheet_names_the_file(kopia):
    mal = kopia / "mal.yaml"
    mal.write_text(mal.read_text(encoding="utf-8").replace("nyckeltal: Tillväxt", "nyckeltal: Tillvaxt"),
                   encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(kopia)
    assert "nyckeltal.xlsx, blad Tillvaxt: bladet finns inte" in exc.value.format_message()


@pytest.mark.parametrize("typ", ["delarsrapport", "verksamhetsplan"])
def test_shipped_exempel_is_self_contained(typ, tmp_path, runner):
    """The package's exempel (for init and template checks) holds everything in one manifest."""
    from rapportgen import doctypes
    from rapportgen.cli import cli

    t = doctypes.get(typ)
    assert t.exempel is not None and t.exempel.is_file()
    alone = tmp_path / f"{typ}.yaml"
    shutil.copyfile(t.exempel, alone)
    assert doctypes.for_path(alone).name == typ
    assert errors(run_checks(t.load(alone, None))) == []
    res = runner.invoke(cli, [typ, str(alone), "-o", str(tmp_path / "ut"), "--ingen-pdf"])
    assert res.exit_code == 0, res.output
    word = Document(str(tmp_path / "ut" / f"{typ}.docx"))
    assert "Nämndens uppdrag" in [p.text for p in word.paragraphs]


def test_inline_text_keeps_the_manifest_line_numbers(tmp_path):
    from rapportgen import doctypes

    manifest = tmp_path / "delarsrapport.yaml"
    text = doctypes.get("delarsrapport").exempel.read_text(encoding="utf-8")
    manifest.write_text(text.replace("Välfärdsteknik ska frigöra tid", "Skriv text här. Välfärdsteknik ska frigöra tid"),
                        encoding="utf-8")
    found = errors(run_checks(load(manifest)))
    line = next(i for i, row in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1) if "Skriv text här" in row)
    assert [(f.kod, f.dokument, f.plats) for f in found] == [("platshallare", str(manifest), f"rad {line}")]


def test_table_needs_either_file_or_rows(tmp_path):
    from rapportgen import doctypes

    manifest = tmp_path / "delarsrapport.yaml"
    text = doctypes.get("delarsrapport").exempel.read_text(encoding="utf-8")
    manifest.write_text(text.replace("ekonomi:\n  enhet: kr\n", "ekonomi:\n  enhet: kr\n  fil: drift.xlsx\n", 1),
                        encoding="utf-8")
    with pytest.raises(InputError, match="ange antingen 'fil'"):
        load(manifest)


def _blank_utfall(src: Path, cell: str = "D5") -> None:
    """Blank an Utfall period cell (D5: Hälso- och sjukvård, Kostnader)."""
    wb = load_workbook(src / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    assert ws["D3"].value == "Utfall period" and ws["A4"].value == "Hälso- och sjukvård"
    ws[cell] = None
    wb.save(src / "ekonomi.xlsx")


def test_missing_period_result_gives_correct_swedish(kopia):
    from rapportgen.doctypes.rapport import prosa

    _blank_utfall(kopia)
    doc = load(kopia)
    fmt = Formatter()
    first = prosa.delar_sammanfattning(doc, fmt)[0]
    assert first == "För perioden januari–augusti saknas utfall för socialnämnden."
    omrade = prosa.delar_omrade(doc, fmt, "Äldreomsorgen och hälso- och sjukvård")
    assert omrade.startswith("För perioden januari–augusti saknas utfall för verksamhetsområde "
                             "Äldreomsorgen och hälso- och sjukvård. ")
    assert "för perioden för perioden" not in omrade
    v = doc.drift.verksamheter[0]
    assert prosa.delar_verksamhet(doc, fmt, v)[0] == "Hälso- och sjukvård saknar utfall för perioden"
    # The other areas keep their sentence.
    assert "redovisar ett" in prosa.delar_omrade(doc, fmt, "Stöd och omsorg")


def test_blank_amount_in_a_required_column_is_a_located_error(kopia):
    _blank_utfall(kopia)
    found = errors(run_checks(load(kopia)))
    assert [f.kod for f in found] == ["tomt_belopp"]
    f = found[0]
    assert f.dokument.endswith("ekonomi.xlsx") and f.plats == "blad Driftredovisning, cell D5"
    assert "Hälso- och sjukvård" in f.meddelande and "Utfall period" in f.meddelande


def test_blank_optional_month_column_is_accepted(kopia):
    wb = load_workbook(kopia / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    assert ws["G3"].value == "Avvikelse innevarande månad"
    ws["G5"] = None
    wb.save(kopia / "ekonomi.xlsx")
    assert errors(run_checks(load(kopia))) == []


def test_blank_investment_amount_is_a_located_error(kopia):
    wb = load_workbook(kopia / "ekonomi.xlsx")
    ws = wb["Investeringar"]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value == "Årsprognos")
    ws.cell(4, col).value = None
    wb.save(kopia / "ekonomi.xlsx")
    found = errors(run_checks(load(kopia)))
    assert [f.kod for f in found] == ["tomt_belopp"]
    assert found[0].plats == f"blad Investeringar, cell {ws.cell(4, col).coordinate}"


def test_nyckeltal_percent_cells_keep_their_number_format(kopia):
    wb = load_workbook(kopia / "nyckeltal.xlsx")
    ws = wb["Medarbetare"]
    assert ws["A4"].value == "Andel heltidsanställda av månadsavlönade"
    ws["D4"] = 0.74
    ws["D4"].number_format = "0%"
    ws["C4"] = 0.7351
    ws["C4"].number_format = "0.0%"
    ws["D2"] = 9.25
    ws["D2"].number_format = "0.0"
    ws["C3"] = 1234.5
    ws["C3"].number_format = "#,##0"
    wb.save(kopia / "nyckeltal.xlsx")
    doc = load(kopia)
    mb = next(m for m in doc.malbilder if m.nyckeltal == "Medarbetare")
    header, rows = doc.nyckeltal[mb.namn]
    assert rows[2][2:4] == ["73,5\u00a0%", "74\u00a0%"]
    assert rows[0][3] == "9,3" and rows[1][2] == "1\u00a0235"
    assert rows[0][2] == "7,5"  # text stays as written
