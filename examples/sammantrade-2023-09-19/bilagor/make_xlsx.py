"""Makes the example's Excel bilagor (periodrapport, volymrapport). Run: python make_xlsx.py"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent

# Driftredovisning per verksamhet, kronor (periodrapport per 2023 08).
RADER = [
    ("Ledning och stöd", 18_412_000, 17_905_000, 27_618_000, 26_950_000),
    ("Individ- och familjeomsorg", 61_230_000, 66_884_000, 91_845_000, 99_320_000),
    ("Stöd och omsorg", 98_716_000, 104_102_000, 148_074_000, 155_410_000),
    ("Äldreomsorg och HSL", 157_620_000, 175_615_000, 241_092_000, 267_835_000),
]


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
    for name, bp, up, bh, pr in RADER:
        r = ws.max_row + 1
        ws.append([name, -bp, -up, f"=C{r}-B{r}", -bh, -pr, f"=F{r}-E{r}"])
    last = ws.max_row
    ws.append(["Summa nettokostnader"] + [f"=SUM({c}4:{c}{last})" for c in "BCDEFG"])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for row in ws.iter_rows(min_row=4, min_col=2):
        for c in row:
            c.number_format = "#,##0;-#,##0"
    ws.column_dimensions["A"].width = 28
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 14
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
