"""Makes the example's Excel bilagor (periodrapport, volymrapport). Run: python make_xlsx.py"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent

DELARSRAPPORT = HERE.parents[1] / "delarsrapport" / "delarsrapport.yaml"
KOLUMNER = ("Budget period", "Utfall period", "Budget helår", "Årsprognos")


def rader() -> list[tuple]:
    """Netto per område from the delårsrapport's own economy sheet, so both bilagor agree."""
    from rapportgen.model.ekonomi import NETTO
    from rapportgen.rapporter.rapport import load

    drift = load(DELARSRAPPORT).drift
    out = []
    for omrade in drift.omraden():
        group = drift.i_omrade(omrade)
        out.append((omrade, *(float(drift.varde(group, NETTO, k)) for k in KOLUMNER)))
    return out


def _landscape_a4(ws) -> None:
    """Print setup: A4 landscape, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def periodrapport(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Periodrapport 2023 08"
    ws.append(["Periodrapport per 2023 08, socialnämnden (kr)"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    head = ["Verksamhet", "Budget period", "Utfall period", "Avvikelse period", "Budget helår", "Årsprognos",
            "Prognosavvikelse"]
    ws.append(head)
    for c in ws[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True)
    for name, bp, up, bh, pr in rader():
        r = ws.max_row + 1
        ws.append([name, round(bp, 2), round(up, 2), f"=C{r}-B{r}", round(bh, 2), round(pr, 2), f"=F{r}-E{r}"])
    last = ws.max_row
    ws.append(["Summa nettokostnader"] + [f"=SUM({c}4:{c}{last})" for c in "BCDEFG"])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for row in ws.iter_rows(min_row=4, min_col=2):
        for c in row:
            c.number_format = "#,##0;-#,##0"
    ws.column_dimensions["A"].width = 38
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 17
    _landscape_a4(ws)
    wb.save(path)


VOLYMER = [
    ("Hemtjänst, beviljade timmar", [21840, 21410, 22015, 21980, 22310, 21760, 20950, 21480]),
    ("Särskilt boende, belagda platser", [208, 209, 207, 210, 211, 209, 208, 210]),
    ("Korttidsboende, vårddygn", [612, 580, 640, 598, 655, 702, 731, 688]),
    ("Placeringar barn och unga, dygn", [1240, 1118, 1302, 1255, 1290, 1199, 1320, 1284]),
    ("Försörjningsstöd, hushåll", [402, 398, 411, 405, 397, 389, 401, 408]),
]


def volymrapport(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Volymrapport 2023 08"
    ws.append(["Volymrapport 2023 08, socialnämnden"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    ws.append(["Mått"] + months)
    for c in ws[3]:
        c.font = Font(bold=True)
    for name, values in VOLYMER:
        ws.append([name] + values + [None] * (12 - len(values)))
    for row in ws.iter_rows(min_row=4, min_col=2):
        for c in row:
            c.number_format = "#,##0"
    ws.column_dimensions["A"].width = 34
    _landscape_a4(ws)
    wb.save(path)


def recalc(path: Path) -> None:
    """Save the file once through LibreOffice Calc, so formulas carry computed values as Excel's do."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profil", "--headless",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", tmp, str(path)],
                       check=True, capture_output=True, timeout=120)
        shutil.move(Path(tmp) / path.name, path)


if __name__ == "__main__":
    periodrapport(HERE / "periodrapport-2023-08.xlsx")
    recalc(HERE / "periodrapport-2023-08.xlsx")
    volymrapport(HERE / "volymrapport-2023-08.xlsx")
