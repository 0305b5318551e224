"""Issue 19: `rapportgen kontrollera` imports only what its checks need, and reads each sheet once.

The check runs as its own process on the example meeting (a delårsrapport with Excel tables,
Excel and PDF bilagor, a protokoll with anslag dates) and reports which modules it loaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest

from rapportgen.exceptions import InputError
from rapportgen.inputs import excel, xlsx

from .conftest import EXAMPLES

MEETING = EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml"

# Never needed to check a meeting: rendering, PDF writing and conversion, charts, and the slow
# imports the checks avoid (pandas, holidays via the anslag dates; openpyxl and numpy: inputs.xlsx
# reads the workbooks).
NOT_IMPORTED = (
    "pandas", "holidays", "reportlab", "matplotlib", "unoserver", "docxtpl", "docx", "jinja2",
    "rapportgen.convert", "rapportgen.assemble.bygg", "rapportgen.assemble.taggat",
    "rapportgen.assemble.pdfa", "rapportgen.assemble.pdfua", "rapportgen.assemble.publicering",
    "rapportgen.render.blocks", "rapportgen.web", "openpyxl", "numpy",
)

_HARNESS = """
import json, sys
from rapportgen.cli import main
sys.argv = ["rapportgen", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print("\\nRAPPORT " + json.dumps({"kod": code, "moduler": sorted(sys.modules)}))
"""


def _kontrollera(tmp_path, *args: str) -> dict:
    # Its own caches: an empty parse cache, so the workbooks are read (with openpyxl) as on first use.
    env = {**os.environ, "RAPPORTGEN_CACHE": str(tmp_path / "cache"), "RAPPORTGEN_SERVER_DIR": str(tmp_path / "srv"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    proc = subprocess.run([sys.executable, "-c", _HARNESS, "kontrollera", *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    line = [x for x in proc.stdout.splitlines() if x.startswith("RAPPORT ")]
    assert line, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {**json.loads(line[-1][len("RAPPORT "):]), "utdata": proc.stdout}


def _loaded(moduler: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in moduler)


def test_kontrollera_the_meeting_imports_no_heavy_module(tmp_path):
    r = _kontrollera(tmp_path, str(MEETING), "--profil", str(EXAMPLES / "rapportgen.yaml"), "--format", "text")
    assert r["kod"] in (0, 1), r["utdata"][-2000:]
    assert "Totalt: 0 fel" in r["utdata"]  # it did check the whole meeting
    # It did read what the checks need: the Excel tables, the PDF bilagor, the protokoll.
    for needed in ("rapportgen.inputs.xlsx", "pikepdf", "rapportgen.checks.protokoll", "rapportgen.kalender"):
        assert _loaded(r["moduler"], needed), needed
    assert [m for m in NOT_IMPORTED if _loaded(r["moduler"], m)] == []


def test_the_harness_sees_a_heavy_import(tmp_path):
    # The same run with reportlab imported first (as a library user's program might): it is reported.
    env = {**os.environ, "RAPPORTGEN_CACHE": str(tmp_path / "cache"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    proc = subprocess.run([sys.executable, "-c", "import reportlab.pdfgen.canvas\n" + _HARNESS, "kontrollera", str(MEETING),
                           "--format", "text"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    moduler = json.loads([x for x in proc.stdout.splitlines() if x.startswith("RAPPORT ")][-1][8:])["moduler"]
    assert _loaded(moduler, "reportlab") and _loaded(moduler, "rapportgen.inputs.xlsx")


def test_each_sheet_is_read_once_until_the_file_changes(tmp_path, monkeypatch):
    src = EXAMPLES / "delarsrapport" / "nyckeltal.xlsx"
    path = tmp_path / "nyckeltal.xlsx"
    shutil.copy(src, path)
    opened: list[str] = []
    real = xlsx.Xlsxbok.__init__
    monkeypatch.setattr(xlsx.Xlsxbok, "__init__", lambda self, p: opened.append(str(p)) or real(self, p))
    names = openpyxl.load_workbook(path, read_only=True).sheetnames

    first = excel.load_table(path, blad=names[0], enhet="kr")
    assert len(opened) == 1  # values, formats and formulas in one reading
    again = excel.load_table(path, blad=names[0], enhet="kr")
    by_number = excel.load_table(path, blad=1, enhet="kr")
    other = excel.load_table(path, blad=names[-1], enhet="kr")
    assert len(excel.load_sheets(path)) == len(names) == 3
    assert len(opened) == 1  # one opening for every sheet and every caller
    assert other.blad == names[-1] and other.rader
    assert [r.nummer for r in again.rader] == [r.nummer for r in first.rader]
    assert [c.varde for c in by_number.rader[0].celler.values()] == [c.varde for c in first.rader[0].celler.values()]

    # A caller changing its rows does not change what the next caller gets.
    first.rader.clear()
    assert excel.load_table(path, blad=names[0], enhet="kr").rader

    # The file changes (new content, new mtime): read again, with the new value.
    wb = openpyxl.load_workbook(path)
    ws = wb[names[0]]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float)))
    cell.value = 123456789
    wb.save(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    before = len(opened)
    changed = excel.load_table(path, blad=names[0], enhet="kr")
    assert len(opened) == before + 1
    assert any(c.varde == 123456789 for r in changed.rader for c in r.celler.values())


def test_a_sheet_over_the_limits_fails_alone_and_every_time(tmp_path, monkeypatch):
    from rapportgen import granser

    path = tmp_path / "tva.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Stor"
    for r in range(10):
        wb.active.append([f"r{r}", r])
    liten = wb.create_sheet("Liten")
    for r in range(3):
        liten.append(["Namn", "Belopp"] if r == 0 else [f"n{r}", r * 100])
    wb.save(path)
    opened: list[str] = []
    real = xlsx.Xlsxbok.__init__
    monkeypatch.setattr(xlsx.Xlsxbok, "__init__", lambda self, p: opened.append(str(p)) or real(self, p))
    granser.anvand(granser.Granser(ark_rader=5))
    try:
        for _ in range(2):  # the second time from what the first reading kept
            with pytest.raises(InputError, match="fler än 5 rader") as exc:
                excel.load_table(path, blad="Stor", enhet="kr")
            assert exc.value.plats == "blad Stor, rad 6"
        # The sheet after the failed one was not read along with it, but is read when asked for.
        t = excel.load_table(path, blad="Liten", enhet="kr")
        assert [c.varde for c in t.rader[-1].celler.values()] == ["n2", Decimal(200)]
        assert len(opened) == 2  # the failed sheet's reading, then the small one's
        with pytest.raises(InputError, match="fler än 5 rader"):
            excel.load_sheets(path)
        assert len(opened) == 2
    finally:
        granser.anvand(None)
    # Other limits are another reading: with the defaults the big sheet is fine.
    assert len(excel.load_table(path, blad="Stor", rubrikrad=1, enhet="kr").rader) == 9


def test_a_formula_without_a_value_is_found_in_the_one_reading(tmp_path, monkeypatch):
    # A formula without a computed value is found; each file is opened once.
    opened: list[str] = []
    real = xlsx.Xlsxbok.__init__
    monkeypatch.setattr(xlsx.Xlsxbok, "__init__", lambda self, p: opened.append(str(p)) or real(self, p))
    wb = openpyxl.Workbook()
    wb.active.append(["Namn", "Belopp"])
    wb.active.append(["a", 1])
    wb.save(tmp_path / "tal.xlsx")
    wb.active.append(["Summa", "=SUM(B2:B2)"])
    wb.save(tmp_path / "formel.xlsx")
    assert excel.load_table(tmp_path / "tal.xlsx", enhet="kr").rader[0].belopp("Belopp") == 1
    assert len(opened) == 1
    with pytest.raises(InputError, match="formeln =SUM") as exc:
        excel.load_table(tmp_path / "formel.xlsx", enhet="kr")
    assert exc.value.plats == "cell B3" or exc.value.plats.endswith("cell B3")
    assert len(opened) == 2
