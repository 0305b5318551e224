"""Issue 19: inputs.xlsx reads workbooks as openpyxl does, without importing openpyxl.

The table readers (inputs.excel, inputs.revisionsregister) read .xlsx files with inputs.xlsx
(zipfile and expat) instead of openpyxl, which costs a quarter of a second to import (numpy with
it) and more per cell. These tests hold the two readers equal: every sheet's names, every cell's
value and number format, the padding of missing rows and cells, and which cells hold a formula,
on the example workbooks, workbooks written by LibreOffice, hand-written XML in the forms other
writers use, and generated workbooks (hypothesis). A hostile part is refused, not expanded.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import numbers as opx_numbers

from rapportgen.exceptions import InputError
from rapportgen.inputs import excel, revisionsregister, xlsx

from .conftest import EXAMPLES

# openpyxl warns of a date cell out of range (it gives '#VALUE!', as inputs.xlsx does).
pytestmark = pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = sorted({*EXAMPLES.rglob("*.xlsx"), *(ROOT / "src" / "rapportgen" / "exempel").rglob("*.xlsx")})


def _openpyxl(path: Path) -> dict:
    """Every sheet as openpyxl's read-only, data-only load gives it: (value, number format) per
    cell, and per cell its formula as text from the formula load (None: none, or not text)."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    fb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        out = {}
        for name in wb.sheetnames:
            rows = [[(c.value, getattr(c, "number_format", None)) for c in row] for row in wb[name].iter_rows()]
            frows = [[v if isinstance(v, str) and v.startswith("=") and c[0] is None else None
                      for v, c in zip(frow, row)]
                     for frow, row in zip(fb[name].iter_rows(values_only=True), rows)]
            out[name] = (rows, frows)
        return out
    finally:
        wb.close()
        fb.close()


def _egen(path: Path) -> dict:
    with xlsx.Xlsxbok(path) as bok:
        out = {}
        for name in bok.namn:
            rows = list(bok.rader(name))
            out[name] = ([[(v, f) for v, f, _ in row] for row in rows],
                         [[xlsx.formeltext(fo) if fo is not None and v is None else None for v, _, fo in row]
                          for row in rows])
        return out


def _same(path: Path) -> None:
    a, b = _openpyxl(path), _egen(path)
    assert list(a) == list(b)
    for name in a:
        assert b[name][0] == a[name][0], (path.name, name)
        assert b[name][1] == a[name][1], (path.name, name)
        # The types too (1 and 1.0 and True are equal in Python, not in a table).
        assert [[type(v) for v, _ in r] for r in b[name][0]] == [[type(v) for v, _ in r] for r in a[name][0]]


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_workbook_reads_as_openpyxl_reads_it(path):
    _same(path)


def test_there_are_example_workbooks_with_dates_formats_and_several_sheets():
    # The comparison above covers what the readers meet: several sheets, dates, number formats.
    seen = {"blad": 0, "datum": 0, "format": 0}
    for path in WORKBOOKS:
        sheets = _egen(path)
        seen["blad"] = max(seen["blad"], len(sheets))
        for rows, _ in sheets.values():
            for v, f in (c for r in rows for c in r):
                seen["datum"] += isinstance(v, dt.datetime)
                seen["format"] += f not in (None, "General")
    assert len(WORKBOOKS) >= 8 and seen["blad"] >= 3 and seen["datum"] and seen["format"]


def test_the_builtin_formats_and_date_formats_are_openpyxls():
    assert xlsx.BUILTIN_FORMATS == opx_numbers.BUILTIN_FORMATS
    formats = [*opx_numbers.BUILTIN_FORMATS.values(), "yyyy-mm-dd", '"dag "0', "[$-41D]d mmmm yyyy", "[h]:mm:ss",
               "[mm]:ss", "0.0 \\d", "_d0", "[Red]0", '#,##0 "kr";-#,##0 "kr"', "[ss].00", "General;yyyy", ""]
    for f in formats:
        assert xlsx.is_date_format(f) == opx_numbers.is_date_format(f), f
        assert xlsx.is_timedelta_format(f) == opx_numbers.is_timedelta_format(f), f


@given(st.text(alphabet='dmyhsDMYHS0#,.;:"[]$-_\\ @%EAPabcr', max_size=16))
@settings(max_examples=300, deadline=None)
def test_date_format_recognition_equals_openpyxls(fmt):
    assert xlsx.is_date_format(fmt) == opx_numbers.is_date_format(fmt)
    assert xlsx.is_timedelta_format(fmt) == opx_numbers.is_timedelta_format(fmt)


# --- generated workbooks ---------------------------------------------------------------------------

# Text as people and exports write it: XML-special characters, Swedish letters, spaces at the ends,
# line breaks, and what openpyxl escapes (_x005F_).
TEXT = st.lists(st.sampled_from(list("aåäöÅ <>&\"'=;-–−,.0123456789\n\t_x5F\u00a0") + ["_x005F_", " kr"]),
               max_size=12).map("".join)
VALUE = st.one_of(
    st.none(), TEXT, st.integers(-10**12, 10**12), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e15, max_value=1e15),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.times().map(lambda t: t.replace(microsecond=0)),
    st.sampled_from(["=SUM(B1:B2)", "=A1*2", '="x"&"y"']),
)
FORMAT = st.sampled_from([None, "General", "0", "#,##0", "0.00%", "yyyy-mm-dd", "d mmm yyyy", "[h]:mm", "h:mm",
                          '#,##0 "tkr"', "@", "mm-dd-yy", "0.0E+00", '[$-41D]mmmm yyyy'])
SHEET = st.lists(st.lists(st.tuples(VALUE, FORMAT), max_size=6), max_size=8)
NAME = st.text(alphabet=st.sampled_from(list("Blad åäö&<>'1-")), min_size=1, max_size=10).filter(
    lambda n: n.strip() and not n.startswith("'") and not n.endswith("'"))


def _write(path: Path, sheets: dict, epoch1904: bool, gaps: bool) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if epoch1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, (value, fmt) in enumerate(row, start=1):
                if value is None and fmt is None:
                    continue
                # With gaps, rows and columns are left out between the written ones.
                cell = ws.cell(row=r * 2 if gaps else r, column=c * 2 - 1 if gaps else c, value=value)
                if fmt:
                    cell.number_format = fmt
    wb.save(path)


@given(sheets=st.dictionaries(NAME, SHEET, min_size=1, max_size=3), epoch1904=st.booleans(), gaps=st.booleans())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
def test_generated_workbooks_read_as_openpyxl_reads_them(tmp_path, sheets, epoch1904, gaps):
    path = tmp_path / "gen.xlsx"
    _write(path, sheets, epoch1904, gaps)
    _same(path)


# --- XML as other writers write it -----------------------------------------------------------------

def _replace(src: Path, dst: Path, parts: dict[str, bytes]) -> Path:
    """A copy of a workbook with some parts replaced (or added)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in parts:
                zout.writestr(info, zin.read(info.filename))
        for name, data in parts.items():
            zout.writestr(name, data)
    return dst


def _base(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Blad1"
    ws = wb.active
    ws["A1"] = "x"
    ws["B1"] = dt.datetime(2023, 8, 31)
    ws["B1"].number_format = "yyyy-mm-dd"
    ws["C1"] = 1.5
    ws["C1"].number_format = '#,##0.0 "kr"'
    path = tmp_path / "bas.xlsx"
    wb.save(path)
    return path


SHEET_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{}</worksheet>')

VARIANTS = {
    # Excel's own: a dimension, shared strings, cached formula values, shared formulas.
    "excel": '<dimension ref="A1:D4"/><sheetData>'
             '<row r="1" spans="1:4"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
             '<row r="2"><c r="A2"><v>10</v></c><c r="B2"><f>A2*2</f><v>20</v></c>'
             '<c r="C2" s="1"><v>45169</v></c><c r="D2" t="b"><v>1</v></c></row>'
             '<row r="3"><c r="A3"><v>1.25E3</v></c><c r="B3"><f t="shared" ref="B3:B4" si="0">A3+1</f></c></row>'
             '<row r="4"><c r="A4" t="e"><v>#N/A</v></c><c r="B4"><f t="shared" si="0"/></c>'
             '<c r="C4"><f t="array" ref="C4">SUM(A2:A3)</f></c></row>'
             '</sheetData>',
    # No dimension, no cell or row numbers (some exporters), inline strings, ISO dates.
    "numberless": '<sheetData><row><c t="inlineStr"><is><t>Namn</t></is></c><c t="inlineStr"><is><r><t>Bel</t></r>'
                  '<r><rPr><b/></rPr><t>opp</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c></row>'
                  '<row><c t="str"><v>a &amp; b</v></c><c><v>7</v></c><c t="d"><v>2023-08-31</v></c>'
                  '<c t="d"><v>2023-08-31T12:30:00</v></c></row><row/><row><c><v>-0.5</v></c></row></sheetData>',
    # A dimension smaller than the cells, gaps, rows out of order, an array formula, an empty value.
    "ragged": '<dimension ref="B2:C3"/><sheetData><row r="2"><c r="B2"><v>1</v></c><c r="E2"><v>5</v></c></row>'
              '<row r="5"><c r="A5"><v>3</v></c></row><row r="4"><c r="A4"><v>4</v></c></row>'
              '<row r="6"><c r="A6"><f t="array" ref="A6">SUM(A1:A5)</f></c><c r="B6" t="str"><f>"x"</f><v></v></c>'
              '</row></sheetData>',
    "columns": '<dimension ref="A1:C2"/><sheetData><row r="1"><c r="a1"><v>1</v></c><c r="C1" s="1"><v>0.5</v></c>'
               '</row><row r="2.0"><c r="b2"><v>2</v></c></row></sheetData>',
    "empty": "<sheetData/>",
    "only_dimension": '<dimension ref="A1:C3"/><sheetData/>',
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_sheet_xml_as_other_writers_write_it(tmp_path, variant):
    base = _base(tmp_path)
    with zipfile.ZipFile(base) as z:
        styles = z.read("xl/styles.xml")
    strings = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
               '2006/main" count="2" uniqueCount="2"><si><t xml:space="preserve"> Verksamhet </t></si>'
               '<si><r><t>Bud</t></r><r><rPr><i/></rPr><t>get_x005F_x000D_</t></r></si></sst>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application'
             '/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
             '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.sharedStrings+xml"/></Types>')
    path = _replace(base, tmp_path / f"{variant}.xlsx", {
        "xl/worksheets/sheet1.xml": SHEET_XML.format(VARIANTS[variant]).encode(),
        "xl/sharedStrings.xml": strings.encode(), "[Content_Types].xml": types.encode(), "xl/styles.xml": styles})
    _same(path)


def test_a_workbook_written_by_libreoffice_reads_as_openpyxl_reads_it(tmp_path):
    # LibreOffice writes shared strings, its own styles and the formulas' computed values.
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice saknas"
    src = tmp_path / "in.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Drift"
    ws.append(["Verksamhet", "Budget", "Utfall", "Datum", "Andel"])
    for i in range(1, 30):
        ws.append([f"Enhet {i} <&>", i * 1000, i * -12.5, dt.date(2023, 1 + i % 12, 1 + i % 28), i / 100])
        ws.cell(row=i + 1, column=4).number_format = "yyyy-mm-dd"
        ws.cell(row=i + 1, column=5).number_format = "0.0%"
    ws.append(["Summa", "=SUM(B2:B30)", "=SUM(C2:C30)", None, "=AVERAGE(E2:E30)"])
    wb.create_sheet("Tom")
    wb.save(src)
    out = tmp_path / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src)], check=True, capture_output=True,
                   timeout=240)
    path = out / "in.xlsx"
    with zipfile.ZipFile(path) as z:
        assert b"LibreOffice" in z.read("docProps/app.xml")  # a workbook of another writer
    _same(path)
    t = excel.load_table(path, blad="Drift", enhet="kr")
    assert t.rader[-1].belopp("Budget") == Decimal(sum(i * 1000 for i in range(1, 30)))  # the computed value


# --- what the table readers make of it ----------------------------------------------------------------

def test_a_shared_formula_without_a_value_is_named_as_openpyxl_translates_it(tmp_path):
    base = _base(tmp_path)
    path = _replace(base, tmp_path / "delad.xlsx", {"xl/worksheets/sheet1.xml": SHEET_XML.format(
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Namn</t></is></c><c r="B1" t="inlineStr"><is><t>Summa'
        '</t></is></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">A2+A$1</f>'
        '<v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c><c r="B3"><f t="shared" si="0"/></c></row></sheetData>'
    ).encode()})
    with pytest.raises(InputError) as exc:
        excel.load_table(path, enhet="kr")
    assert "formeln =A3+A$1 men inget beräknat värde" in exc.value.detalj
    assert exc.value.plats == "blad Blad1, cell B3"


def test_the_register_reader_reads_what_openpyxl_read(tmp_path):
    # revisionsregister's sheets (values only, worksheets only) as the openpyxl reading made them.
    src = EXAMPLES / "revision" / "uppdragslista.xlsx"
    wb = openpyxl.load_workbook(src, read_only=True, data_only=True)
    expected = []
    for ws in wb.worksheets:
        rows = [(i, [revisionsregister._cell_value(v) for v in row])
                for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
        rows = [(i, v) for i, v in rows if any(x is not None for x in v)]
        expected.append((ws.title, rows, max((len(v) for _, v in rows), default=0)))
    wb.close()
    assert revisionsregister._las_xlsx(src) == expected and expected[0][1]


@pytest.mark.parametrize("hostile", [
    # An entity (the start of a billion laughs), an external DTD, a part cut off.
    '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>' + SHEET_XML.format(
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row></sheetData>').split("?>", 1)[1],
    '<!DOCTYPE w SYSTEM "http://example.invalid/x.dtd">' + SHEET_XML.format("<sheetData/>").split("?>", 1)[1],
    SHEET_XML.format('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>oavslutad'),
])
def test_a_hostile_or_broken_part_is_an_input_error_naming_the_file(tmp_path, hostile):
    path = _replace(_base(tmp_path), tmp_path / "fientlig.xlsx", {"xl/worksheets/sheet1.xml": hostile.encode()})
    with pytest.raises(InputError) as exc:
        excel.load_table(path, enhet="kr")
    assert exc.value.fil == str(path)
    assert "DTD" in exc.value.detalj if "DOCTYPE" in hostile else "inte giltig XML" in exc.value.detalj


@pytest.mark.parametrize("skada", ["inte_zip", "utan_arbetsbok", "utan_blad", "cellformat_saknas", "felaktig_cell"])
def test_a_broken_workbook_is_an_input_error_not_a_crash(tmp_path, skada):
    base = _base(tmp_path)
    path = tmp_path / f"{skada}.xlsx"
    if skada == "inte_zip":
        path.write_bytes(b"PK\x03\x04 inte en zip")
    elif skada == "utan_arbetsbok":
        _replace(base, path, {"[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                                                      b'content-types"/>'})
    elif skada == "utan_blad":
        with zipfile.ZipFile(base) as z:
            wbxml = z.read("xl/workbook.xml")
        start, end = wbxml.index(b"<sheets>"), wbxml.index(b"</sheets>") + len(b"</sheets>")
        _replace(base, path, {"xl/workbook.xml": wbxml[:start] + b"<sheets/>" + wbxml[end:]})
    elif skada == "cellformat_saknas":
        _replace(base, path, {"xl/worksheets/sheet1.xml": SHEET_XML.format(
            '<sheetData><row r="1"><c r="A1" s="99"><v>1</v></c></row></sheetData>').encode()})
    else:
        _replace(base, path, {"xl/worksheets/sheet1.xml": SHEET_XML.format(
            '<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>').encode()})
    with pytest.raises(InputError) as exc:
        excel.load_sheets(path)
    assert exc.value.fil == str(path) and "Excel-fil" in exc.value.detalj


def test_rows_are_read_lazily_so_the_row_limit_stops_a_huge_sheet_early(tmp_path):
    # A sheet claiming a million rows (one cell each) stops at the limit, long before the end.
    from rapportgen import granser

    base = _base(tmp_path)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 200_001))
    path = _replace(base, tmp_path / "stor.xlsx", {"xl/worksheets/sheet1.xml": SHEET_XML.format(
        f'<dimension ref="A1:A200000"/><sheetData>{rows}</sheetData>').encode()})
    seen = []
    with xlsx.Xlsxbok(path) as bok:
        for i, _row in enumerate(bok.rader("Blad1")):
            seen.append(i)
            if i == 10:
                break
    assert len(seen) == 11
    granser.anvand(granser.Granser(ark_rader=1000))
    try:
        with pytest.raises(InputError, match="fler än 1000 rader") as exc:
            excel.load_table(path, enhet="kr")
        assert exc.value.plats == "blad Blad1, rad 1001"
    finally:
        granser.anvand(None)
        excel._LASTA.clear()


def test_reading_a_meeting_does_not_write_into_its_workbooks(tmp_path):
    # Never modify an input: the bytes of every workbook are as before a reading.
    src = EXAMPLES / "delarsrapport" / "ekonomi.xlsx"
    path = tmp_path / "ekonomi.xlsx"
    shutil.copy(src, path)
    before = path.read_bytes()
    excel._LASTA.clear()
    assert excel.load_sheets(path)
    assert path.read_bytes() == before
