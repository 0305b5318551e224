"""Makes Norrvik's budget.xlsx (four sheets, amounts in tkr). Run: python make_xlsx.py

Norrvik (made up) writes net costs and costs as negative amounts, income as positive ones.
Each sheet has its own sum rows, which rapportgen verifies against the detail rows.
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
AR = ["Bokslut 2021", "Budget 2022", "Budget 2023", "Plan 2024", "Plan 2025"]

# Driftbudget, netto per verksamhet (tkr), one value per year column.
DRIFT = [
    ("Vård och omsorg", [-268412, -274900, -286300, -291100, -296400]),
    ("Individ- och familjeomsorg", [-98734, -101200, -104800, -106300, -107900]),
    ("Funktionsstöd", [-112508, -115600, -121400, -123900, -126500]),
    ("Arbetsmarknad och integration", [-21377, -22100, -22900, -23300, -23700]),
    ("Ledning och administration", [-18931, -19400, -19800, -20100, -20400]),
]
INTAKTER = [
    ("Taxor och avgifter", [31212, 32100, 33400, 34000, 34700]),
    ("Hyror och arrenden", [18455, 18900, 19300, 19700, 20100]),
    ("Bidrag", [64780, 61500, 58900, 57200, 56400]),
    ("Försäljning av verksamhet", [12331, 12600, 12900, 13200, 13500]),
]
KOSTNADER = [
    ("Lönekostnader", [-402117, -411700, -428600, -437200, -445900]),
    ("Lokalkostnader", [-41230, -42100, -43300, -44100, -45000]),
    ("Köp av verksamhet", [-98415, -100500, -104300, -106400, -108500]),
]
# Övriga kostnader: what makes the resultatbudget's Nettokostnad equal the driftbudget's Summa.
KOSTNADER.append(("Övriga kostnader", [
    sum(v[i] for _n, v in DRIFT) - sum(v[i] for _n, v in INTAKTER + KOSTNADER) for i in range(len(AR))]))
INV_AR = [str(a) for a in range(2023, 2030)]
# Investment projects: proj nr, name, SB (signing officer), (inkomst, utgift) 2023-2027 in tkr.
PROJEKT = [
    ("41010", "Trygghetslarm, digitala", "HS", [(0, -1200), (0, -400), (0, -400), (0, -400), (0, -400)]),
    ("41022", "Särskilt boende Solgläntan, inventarier", "HS", [(0, -2500), (0, -1800), (0, 0), (0, 0), (0, 0)]),
    ("41035", "Välfärdsteknik", "AL", [(600, -1500), (400, -1500), (0, -1000), (0, -1000), (0, -1000)]),
    ("42001", "Gruppbostad Björken", "AL", [(1500, -9000), (2500, -14000), (0, -3000), (0, 0), (0, 0)]),
    ("43012", "Verksamhetssystem IFO", "KM", [(0, -800), (0, -800), (0, -300), (0, 0), (0, 0)]),
]
SUMMARY_INKOMST = [2100, 2900, 0, 0, 0, 0, 0]


def bold(ws, row: int) -> None:
    for c in ws[row]:
        c.font = Font(bold=True)


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Driftbudget"
    ws.append(["Driftbudget socialnämnden, netto per verksamhet (tkr)"])
    ws.append([])
    ws.append(["Verksamhet", *AR])
    bold(ws, 3)
    for namn, values in DRIFT:
        ws.append([namn, *values])
    ws.append(["Summa", *[sum(v[i] for _n, v in DRIFT) for i in range(len(AR))]])

    ws = wb.create_sheet("Resultatbudget")
    ws.append(["Resultatbudget socialnämnden (tkr)"])
    ws.append([])
    ws.append(["Post", *AR])
    bold(ws, 3)
    ws.append(["Intäkter"])
    for namn, values in INTAKTER:
        ws.append([namn, *values])
    ws.append(["Summa intäkter", *[sum(v[i] for _n, v in INTAKTER) for i in range(len(AR))]])
    ws.append(["Kostnader"])
    for namn, values in KOSTNADER:
        ws.append([namn, *values])
    ws.append(["Summa kostnader", *[sum(v[i] for _n, v in KOSTNADER) for i in range(len(AR))]])
    ws.append(["Nettokostnad", *[sum(v[i] for _n, v in INTAKTER + KOSTNADER) for i in range(len(AR))]])

    # Investment summary: Inkomst and Utgift over seven years; Nettokostnad is computed.
    utgift = [sum(p[3][i][1] for p in PROJEKT) if i < 5 else -1500 for i in range(7)]
    ws = wb.create_sheet("Investeringar")
    ws.append(["Investeringsbudget socialnämnden 2023-2029 (tkr)"])
    ws.append([])
    ws.append(["Slag", *INV_AR])
    bold(ws, 3)
    ws.append(["Inkomst", *SUMMARY_INKOMST])
    ws.append(["Utgift", *utgift])

    ws = wb.create_sheet("Investeringsbilaga")
    ws.append(["Bilaga: investeringar per projekt 2023-2027 (tkr)"])
    ws.append([])
    header = ["Proj nr", "Projekt", "SB"]
    for a in INV_AR[:5]:
        header += [f"Inkomst {a}", f"Utgift {a}"]
    header.append("Projektbudget totalt")
    ws.append(header)
    bold(ws, 3)
    for nr, namn, sb, pairs in PROJEKT:
        flat = [x for pair in pairs for x in pair]
        ws.append([nr, namn, sb, *flat, sum(flat)])
    total = [sum(x for p in PROJEKT for x in [p[3][i // 2][i % 2]]) for i in range(10)]
    ws.append(["", "Summa", "", *total, sum(total)])
    wb.save(HERE / "budget.xlsx")


if __name__ == "__main__":
    main()
