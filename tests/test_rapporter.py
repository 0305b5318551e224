"""Delårsrapport and verksamhetsplan: built from examples/ with real LibreOffice, read back from PDF/DOCX."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from .conftest import EXAMPLES, pdf_page_text, pdf_text, squash
from rapportgen import doctypes
from rapportgen.checks import errors, run_checks
from rapportgen.cli import cli
from rapportgen.format import Formatter
from rapportgen.model.ekonomi import KOSTNADER, NETTO
from rapportgen.config import load_profile
from rapportgen.doctypes.rapport import load

DELAR = EXAMPLES / "delarsrapport"
PLAN = EXAMPLES / "verksamhetsplan"
PROFIL = EXAMPLES / "rapportgen.yaml"
FMT = Formatter.from_profil(load_profile(PROFIL))


def kopiera_exempel(tmp_path: Path) -> Path:
    """A copy of the delårsrapport example, with the sammanträde's volymrapport it points at."""
    dst = tmp_path / "exempel" / "delarsrapport"
    shutil.copytree(DELAR, dst)
    bilagor = tmp_path / "exempel" / "sammantrade-2023-09-19" / "bilagor"
    bilagor.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EXAMPLES / "sammantrade-2023-09-19" / "bilagor" / "volymrapport-2023-08.xlsx",
                    bilagor / "volymrapport-2023-08.xlsx")
    return dst


def _build(runner, typ: str, src: Path, out: Path, *extra: str):
    res = runner.invoke(cli, [typ, str(src), "-o", str(out), "--profil", str(PROFIL), *extra])
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def delar(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("delar")
    _build(CliRunner(), "delarsrapport", DELAR, out)
    pdf = out / "delarsrapport.pdf"
    return pdf, pdf_text(pdf, layout=True), load(DELAR, load_profile(PROFIL))


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("plan")
    _build(CliRunner(), "verksamhetsplan", PLAN / "verksamhetsplan.yaml", out)
    pdf = out / "verksamhetsplan.pdf"
    return pdf, pdf_text(pdf, layout=True), load(PLAN, load_profile(PROFIL))


def _lines(text: str) -> list[str]:
    return [squash(line) for line in text.splitlines() if line.strip()]


def test_total_table_has_expected_formatted_values(delar):
    _pdf, text, _doc = delar
    lines = _lines(text)
    assert "NETTOKOSTNADER (-) -335 978 -364 506 -28 527 -508 629 -549 515 -40 886 -3 873" in lines
    assert "INTÄKTER 56 950 58 710 1 761 85 124 92 450 7 326 37" in lines
    # Varav rows are printed, numbers right-aligned in their own columns.
    assert any(line.startswith("Varav personalkostnader -55 145 -63 297 -8 152") for line in lines)


def test_sum_rows_equal_computed_sums(delar):
    _pdf, text, doc = delar
    d = doc.drift
    lines = _lines(text)
    for kolumn in ("Budget period", "Utfall period", "Budget helår", "Årsprognos"):
        raw = sum((v.netto(kolumn) for v in d.verksamheter), Decimal(0))
        assert d.varde(d.verksamheter, NETTO, kolumn) == raw
    total_row = next(line for line in lines if line.startswith("NETTOKOSTNADER (-) -335 978"))
    expected = " ".join(FMT.tkr(d.varde(d.verksamheter, NETTO, k.namn)) for k in d.kolumner)
    assert total_row == f"NETTOKOSTNADER (-) {expected}".replace("\u00a0", " ")
    inv = doc.investeringar
    summa = " ".join(FMT.tkr(sum((p.varden[k] for p in inv.projekt), Decimal(0))) for k in inv.indata)
    assert any(line.startswith(f"SUMMA {summa}".replace("\u00a0", " ")) for line in lines)
    assert "SUMMA 3 681 1 119 3 681 0" in lines
    # The engine's own checks find nothing wrong in the example.
    assert errors(run_checks(doc, load_profile(PROFIL))) == []


def test_mnkr_sentences_match_the_table(delar):
    _pdf, text, doc = delar
    flat = squash(text)
    assert "För perioden januari–augusti redovisar socialnämnden ett underskott på -28,5 mnkr." in flat
    assert "Prognosen för helår visar på en negativ budgetavvikelse på -40,9 mnkr." in flat
    assert "Äldreomsorg - Hemtjänst redovisar ett underskott på -8,3 mnkr" in flat
    # Every 'X redovisar ett underskott/överskott på N mnkr' equals X's printed Avvikelse period.
    lines = _lines(text)
    checked = 0
    for v in doc.drift.verksamheter:
        m = re.search(re.escape(v.namn) + r" redovisar ett (?:under|över)skott på (-?[\d ]+,\d) mnkr", flat)
        if not m:
            continue
        said = Decimal(m.group(1).replace(" ", "").replace(",", "."))
        tkr = FMT.tkr(doc.drift.varde(v, NETTO, "Avvikelse period")).replace("\u00a0", " ")
        assert any(tkr in line and line.startswith("NETTOKOSTNADER") for line in lines)
        assert abs(said * 1000 - Decimal(tkr.replace(" ", ""))) <= 50
        checked += 1
    assert checked >= 8


def test_toc_lists_goal_sections_and_bookmarks_follow_headings(delar):
    pdf, text, doc = delar
    toc = squash(text.split("Innehållsförteckning", 1)[1].split("Nämndens ordförande", 1)[0])
    for mb in doc.malbilder:
        assert mb.rubrik in toc
        for mal in mb.mal:
            assert mal.rubrik in toc
    assert toc.index("Bidrag till mål och uppdrag") < toc.index("Ekonomi") < toc.index("Strategier för måluppfyllelse")
    reader = PdfReader(str(pdf))

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    outline = list(titles(reader.outline))
    assert "Ekonomi" in outline and "Driftredovisning med prognos" in outline
    assert doc.malbilder[0].mal[0].rubrik in outline

    # The conversion updates the TOC field: each entry's page number is the page its heading is on.
    pages = [page.extract_text() or "" for page in reader.pages]
    toc_page = next(i for i, t in enumerate(pages) if "Innehållsförteckning" in t)
    for heading in ("Driftredovisning med prognos", "Strategier för måluppfyllelse", doc.malbilder[-1].rubrik):
        m = re.search(re.escape(heading) + r"\s*\.{3,}\s*(\d+)", pages[toc_page])
        assert m, heading
        page = int(m.group(1))
        assert heading in squash(pages[page - 1]), (heading, page)


def test_landscape_driftredovisning_chart_and_repeated_header(delar):
    pdf, text, _doc = delar
    reader = PdfReader(str(pdf))
    pages = text.split("\f")
    drift = [i for i, p in enumerate(pages) if "Resultat per verksamhet jan-aug (tkr)" in p]
    assert len(drift) >= 2  # the header row is repeated on the next page
    for i in drift:
        box = reader.pages[i].mediabox
        assert box.width > box.height
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        for i in drift:  # the wide table stays inside the right margin (2,5 cm = 71 pt)
            page = doc.pages[i]
            assert max(w["x1"] for w in page.extract_words()) <= page.width - 65
    first = reader.pages[0].mediabox
    assert first.width < first.height
    chart = next(i for i, p in enumerate(pages) if "Diagram: nettokostnad per verksamhet" in p)
    # The chart is vector graphics: its labels are text on the page, not an image.
    assert len(reader.pages[chart].images) == 0 and "Nettokostnad, mnkr" in pages[chart]
    assert "↑ Bidrar till målet" in text and "→ Bidrar delvis/osäkert" in text


def _docx_parts(path: Path) -> tuple[list[str], list[str]]:
    doc = Document(str(path))
    cells = [f"{ti}:{ri}:{ci}={c.text}" for ti, t in enumerate(doc.tables) for ri, r in enumerate(t.rows)
             for ci, c in enumerate(r.cells)]
    # The word joiner that keeps a minus sign with its figure is invisible: compare without it.
    return [p.text.replace("\u2060", "") for p in doc.paragraphs], [c.replace("\u2060", "") for c in cells]


def test_one_changed_cell_changes_exactly_its_figures(tmp_path, runner):
    src = kopiera_exempel(tmp_path)
    before = tmp_path / "fore"
    _build(runner, "delarsrapport", src, before, "--ingen-pdf")
    wb = load_workbook(src / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Äldreomsorg - Hemtjänst")
    assert ws.cell(row + 1, 2).value == "Kostnader" and ws.cell(3, 4).value == "Utfall period"
    ws.cell(row + 1, 4).value -= 1_000_000
    wb.save(src / "ekonomi.xlsx")
    after = tmp_path / "efter"
    _build(runner, "delarsrapport", src, after, "--ingen-pdf")
    p1, c1 = _docx_parts(before / "delarsrapport.docx")
    p2, c2 = _docx_parts(after / "delarsrapport.docx")
    changed_cells = [(a, b) for a, b in zip(c1, c2) if a != b]
    # Total table and Hemtjänst's group: KOSTNADER and NETTO, Utfall and Avvikelse period.
    assert len(c1) == len(c2) and len(changed_cells) == 8, changed_cells
    assert ("-423\u00a0216", "-424\u00a0216") in [(a.split("=")[1], b.split("=")[1]) for a, b in changed_cells]
    changed_text = [(a, b) for a, b in zip(p1, p2) if a != b]
    assert len(changed_text) == 3, changed_text
    joined = " ".join(b for _a, b in changed_text)
    assert "underskott på -29,5\u00a0mnkr" in joined
    assert "Äldreomsorg - Hemtjänst redovisar ett underskott på -9,3\u00a0mnkr" in joined
    assert "Äldreomsorgen och hälso- och sjukvård redovisar ett underskott på -24,4\u00a0mnkr" in joined


def test_bad_cell_names_file_sheet_and_cell(tmp_path, runner):
    src = kopiera_exempel(tmp_path)
    wb = load_workbook(src / "ekonomi.xlsx")
    wb["Driftredovisning"]["E5"] = "okänt"
    wb.save(src / "ekonomi.xlsx")
    res = runner.invoke(cli, ["delarsrapport", str(src), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 2
    assert "ekonomi.xlsx, blad Driftredovisning, cell E5" in res.output
    assert "ska vara ett tal" in res.output
    assert not (tmp_path / "ut" / "delarsrapport.docx").exists()


def test_netto_row_in_input_is_checked(tmp_path):
    src = kopiera_exempel(tmp_path)
    wb = load_workbook(src / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    ws.insert_rows(6)
    ws["B6"] = "Nettokostnader"
    ws["C6"] = ws["C4"].value + ws["C5"].value + 5000
    wb.save(src / "ekonomi.xlsx")
    found = run_checks(load(src))
    assert [f.kod for f in errors(found)] == ["netto"]
    assert errors(found)[0].plats == "blad Driftredovisning, cell C6"


def test_manifest_is_recognized_as_its_doctype():
    assert doctypes.for_path(DELAR / "delarsrapport.yaml").name == "delarsrapport"
    assert doctypes.for_path(PLAN / "verksamhetsplan.yaml").name == "verksamhetsplan"
    assert doctypes.for_path(DELAR / "mal.yaml") is None or doctypes.for_path(DELAR / "mal.yaml").name not in (
        "delarsrapport", "verksamhetsplan")


def test_verksamhetsplan(plan):
    pdf, text, doc = plan
    d = doc.drift
    lines = _lines(text)
    netto = " ".join(FMT.tkr(d.varde(d.verksamheter, NETTO, k)) for k in d.indata).replace("\u00a0", " ")
    assert f"NETTOKOSTNADER (-) {netto}" in lines
    kost = " ".join(FMT.tkr(d.varde(d.verksamheter, KOSTNADER, k)) for k in d.indata).replace("\u00a0", " ")
    assert f"KOSTNADER (-) {kost}" in lines
    budget = FMT.belopp(d.varde(d.verksamheter, NETTO, "Budget 2024"), "mnkr", 1).replace("\u00a0", " ")
    assert f"Socialnämndens budget för 2024 innebär nettokostnader på {budget}" in squash(text)
    inv = doc.investeringar
    total = FMT.tkr(inv.varde(inv.projekt, "Total")).replace("\u00a0", " ")
    assert any(line.startswith("SUMMA 5 250 5 900 9 150") and line.endswith(total) for line in lines)
    assert total == "20 300"
    toc = squash(text.split("Innehållsförteckning", 1)[1].split("Nämndens ordförande", 1)[0])
    assert "Uppdrag: Det goda åldrandet samt god och nära vård" in toc and "Driftbudget" in toc
    # Six columns or fewer stay on portrait pages.
    assert all(p.mediabox.width < p.mediabox.height for p in PdfReader(str(pdf)).pages)


def test_tables_right_align_numbers_and_repeat_their_header(plan):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    pdf, _text, _doc = plan
    word = Document(str(pdf.with_suffix(".docx")))
    drift = [t for t in word.tables if t.rows[0].cells[0].text.startswith(("Resultaträkning", "Budget per"))]
    assert len(drift) == 2
    for table in drift:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in table.rows[1:]:
            for cell in row.cells[1:]:
                if cell.text:
                    assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # The first group is the nämnd total, then one group per verksamhet.
    assert drift[0].rows[1].cells[0].text == "SOCIALNÄMNDEN"
    assert drift[1].rows[1].cells[0].text == "Hälso- och sjukvård"


def test_wrong_report_type_is_refused(runner, tmp_path):
    res = runner.invoke(cli, ["delarsrapport", str(PLAN / "verksamhetsplan.yaml"), "-o", str(tmp_path)])
    assert res.exit_code == 2
    assert "manifestet är för 'verksamhetsplan', inte 'delarsrapport'" in res.output
    res = runner.invoke(cli, ["delarsrapport", str(PLAN), "-o", str(tmp_path)])
    assert res.exit_code == 2 and "mappen saknar manifest; lägg delarsrapport.yaml i mappen" in res.output
    assert list(tmp_path.iterdir()) == []


def test_delarsrapport_is_a_bilaga_of_the_sammantrade(exempelhandling):
    """The example meeting takes the real delårsrapport (its manifest) as bilaga 1 of ärende 8."""
    from .handling_helpers import page_text

    result = exempelhandling  # build_handling of examples/sammantrade-2023-09-19 (conftest)
    part = next(d for d in result.delar if d.arende == "8" and d.bilaga == 1)
    assert part.typ == "delarsrapport" and part.sidor >= 8
    pages = [page_text(result.handling, p) for p in range(part.forsta_sida, part.sista_sida + 1)]
    joined = "\n".join(pages)
    assert "Delårsrapport 2023" in pages[0]
    assert "Ärende 8 · Bilaga 1" in squash(pages[1])
    layout = "".join(pdf_page_text(result.handling, p, layout=True)
                     for p in range(part.forsta_sida, part.sista_sida + 1))
    assert "NETTOKOSTNADER (-) -335 978 -364 506 -28 527 -508 629 -549 515 -40 886" in " ".join(_lines(layout))
    assert "redovisar socialnämnden ett underskott på -28,5 mnkr" in squash(joined)
    reader = PdfReader(str(result.handling))
    wide = [p for p in range(part.forsta_sida, part.sista_sida + 1)
            if reader.pages[p - 1].mediabox.width > reader.pages[p - 1].mediabox.height]
    assert wide and all("Resultat per verksamhet" in page_text(result.handling, p) for p in wide)


def test_check_errors_stop_the_report_unless_forced(tmp_path, runner):
    src = kopiera_exempel(tmp_path)
    text = src / "texter" / "ekonomi.md"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "## LSS/SFB Personlig assistans\n\n",
        "## LSS/SFB Personlig assistans\n\nLSS/SFB Personlig assistans redovisar ett överskott på 4,0 mnkr.\n\n"),
        encoding="utf-8")
    res = runner.invoke(cli, ["delarsrapport", str(src), "-o", str(tmp_path / "ut"), "--ingen-pdf"])
    assert res.exit_code == 2
    assert "texter/ekonomi.md, rad" in res.output
    assert "Texten i texter/ekonomi.md om LSS/SFB Personlig assistans anger en annan avvikelse än tabellen" in res.output
    assert "±50\u00a0tkr" in res.output and "±1\u00a0tkr" not in res.output
    assert not (tmp_path / "ut").exists()
    res = runner.invoke(cli, ["delarsrapport", str(src), "-o", str(tmp_path / "ut"), "--ingen-pdf", "--tvinga"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "ut" / "delarsrapport.docx").is_file()


def test_blank_amount_stops_build_and_check_unless_forced(tmp_path, runner):
    src = kopiera_exempel(tmp_path)
    wb = load_workbook(src / "ekonomi.xlsx")
    wb["Driftredovisning"]["D5"] = None
    wb.save(src / "ekonomi.xlsx")
    res = runner.invoke(cli, ["delarsrapport", str(src), "-o", str(tmp_path / "ut"), "--ingen-pdf"])
    assert res.exit_code == 2
    assert "ekonomi.xlsx, blad Driftredovisning, cell D5" in res.output
    assert not (tmp_path / "ut").exists()
    res = runner.invoke(cli, ["check", str(src / "delarsrapport.yaml"), "--profil", str(PROFIL)])
    assert res.exit_code != 0 and "cell D5" in res.output
    res = runner.invoke(cli, ["delarsrapport", str(src), "-o", str(tmp_path / "ut"), "--tvinga"])
    assert res.exit_code == 0, res.output
    text = squash(pdf_text(tmp_path / "ut" / "delarsrapport.pdf"))
    assert "För perioden januari–augusti saknas utfall för socialnämnden." in text
    assert "saknar utfall för perioden för perioden" not in text


def test_nyckeltal_percent_cells_print_as_percent(delar):
    _pdf, text, _doc = delar
    lines = _lines(text)
    row = next(line for line in lines if line.startswith("Andel heltidsanställda av månadsavlönade"))
    assert row.endswith("74 % 74 % Årsrapport"), row
    assert "0,74" not in text


def test_nyckeltal_heading_belongs_to_its_malbild_in_the_bookmarks(delar):
    pdf, _text, doc = delar
    reader = PdfReader(str(pdf))

    def children(items, parent=None):
        """(parent title, [child titles]) for every level of the outline."""
        last = None
        kids = []
        for item in items:
            if isinstance(item, list):
                yield from children(item, last)
            else:
                kids.append(item.title)
                last = item.title
        yield parent, kids

    tree = dict(children(reader.outline))
    with_nyckeltal = [mb for mb in doc.malbilder if mb.namn in doc.nyckeltal]
    assert with_nyckeltal
    for mb in with_nyckeltal:
        kids = tree[mb.rubrik]
        assert "Nyckeltal" in kids and kids[-1] == "Nyckeltal", kids
        assert all(mal.rubrik in kids for mal in mb.mal)
    for mal in (m for mb in doc.malbilder for m in mb.mal):
        assert "Nyckeltal" not in tree.get(mal.rubrik, [])


@pytest.mark.parametrize("which", ["delar", "plan"])
def test_word_updates_the_toc_when_the_docx_opens(which, request):
    import zipfile

    pdf = request.getfixturevalue(which)[0]
    with zipfile.ZipFile(pdf.with_suffix(".docx")) as z:
        settings = z.read("word/settings.xml").decode("utf-8")
    assert '<w:updateFields w:val="true"/>' in settings
    # Schema order: updateFields comes before compat.
    assert settings.index("<w:updateFields") < settings.index("<w:compat")


def test_page_number_sits_at_the_right_margin_on_landscape_pages_too(delar):
    import pdfplumber

    pdf, _text, _doc = delar
    seen = set()
    with pdfplumber.open(str(pdf)) as doc:
        for page in doc.pages[1:]:  # the cover has no footer
            words = page.extract_words()
            i = max(i for i, w in enumerate(words) if w["text"] == "Sida")
            number = words[i + 1]
            assert number["text"] == str(page.page_number)
            # Right margin 2,5 cm = 71 pt: the page number ends at it, portrait and landscape alike.
            assert abs(number["x1"] - (page.width - 71)) < 6, (page.page_number, number["x1"], page.width)
            seen.add(page.width > page.height)
    assert seen == {True, False}


def test_budget_chart_shares_its_page_with_the_area_comments(delar):
    pdf, text, doc = delar
    pages = [squash(p) for p in text.split("\f")]
    chart = next(i for i, p in enumerate(pages) if "Diagram: nettokostnad per verksamhet" in p)
    drift = [i for i, p in enumerate(pages) if "Resultat per verksamhet jan-aug (tkr)" in p]
    assert chart == drift[-1] + 1  # right after the landscape driftredovisning
    first_area = doc.drift.omraden()[0]
    assert f"Verksamhetsområde {first_area} redovisar" in pages[chart]
    assert PdfReader(str(pdf)).pages[chart].mediabox.width < PdfReader(str(pdf)).pages[chart].mediabox.height


@pytest.mark.parametrize("which", ["delar", "plan"])
def test_cross_references_in_the_texts_name_sections_of_the_report(which, request):
    pdf, text, _doc = request.getfixturevalue(which)
    outline = []

    def titles(items):
        for item in items:
            if isinstance(item, list):
                titles(item)
            else:
                outline.append(item.title)

    titles(PdfReader(str(pdf)).outline)
    refs = re.findall(r"\(se ([^)]+)\)", squash(text))
    for ref in refs:
        assert ref in outline, (ref, outline)
