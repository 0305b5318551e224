"""Makes this example's Excel files (budget 2024, plan 2025-2026). Run: python make_xlsx.py

Amounts in kronor with öre, built from the Driftbudget of the seeds (000) scaled to 2022-2026.
"""

import random
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent

# Verksamhet, område, (intäkter, kostnader) budget 2022 in tkr (seed 000).
DRIFT = [
    ("Hälso- och sjukvård", "ÄO/HSL", 2295, -39415),
    ("Bistånds- och avgiftshandläggare samt övrigt stöd", "ÄO/HSL", 1973, -18285),
    ("Äldreomsorg - Hemtjänst", "ÄO/HSL", 10219, -85141),
    ("Äldreomsorg - Särskilt boende", "ÄO/HSL", 29211, -142498),
    ("Äldreomsorg - Korttids, Daglig vht och Medicinskt färdig beh.", "ÄO/HSL", 942, -14515),
    ("LSS/SFB Personlig assistans", "SO", 5913, -24917),
    ("Övriga verksamheter LSS", "SO", 7857, -52672),
    ("Socialpsykiatri", "IFO", 2262, -16014),
    ("Individ- och familjeomsorg", "IFO", 8885, -104007),
    ("EKB", "IFO", 1238, -1931),
    ("Arbetsmarknadsenheten", "IFO", 11473, -29715),
    ("Ledning och stöd", "Ledning", 710, -16798),
    ("Politisk verksamhet", "Ledning", 0, -2364),
]
# Growth from budget 2022 per column (intäkter, kostnader).
KOLUMNER = [("Bokslut 2022", 1.012, 1.038), ("Budget 2024", 1.06, 1.092), ("Plan 2025", 1.081, 1.113),
            ("Plan 2026", 1.103, 1.135)]


def main() -> None:
    rng = random.Random(2024)
    wb = Workbook()
    ws = wb.active
    ws.title = "Driftbudget"
    ws.append(["Driftbudget socialnämnden 2024-2026 (kr)"])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append(["Verksamhet", "Radtyp", *[k for k, _i, _c in KOLUMNER]])
    for c in ws[3]:
        c.font = Font(bold=True)
    for namn, _omr, intakter, kostnader in DRIFT:
        def amounts(base: int, which: int) -> list[float]:
            if base == 0:
                return [0.0] * len(KOLUMNER)
            return [float(Decimal(round(base * 1000 * g[which])) + Decimal(rng.randint(-49_999, 49_999)) / 100)
                    for g in [(i, c) for _k, i, c in KOLUMNER]]
        ws.append([namn, "Intäkter", *amounts(intakter, 0)])
        ws.append([None, "Kostnader", *amounts(kostnader, 1)])
    ws.column_dimensions["A"].width = 52
    inv = wb.create_sheet("Investeringar")
    inv.append(["Investeringsbudget socialnämnden 2024-2026 (kr)"])
    inv.append([])
    inv.append(["Projekt", "Budget 2024", "Plan 2025", "Plan 2026"])
    inv.append(["Inventarier", 4_000_000, 5_000_000, 5_000_000])
    inv.append(["Välfärdsteknik", 1_250_000, 900_000, 750_000])
    inv.append(["Äldreomsorgscenter, inredning", 0, 0, 3_400_000])
    wb.save(HERE / "budget.xlsx")

    wb = Workbook()
    sheets = {
        "Trygghet": [
            ["Mått", "2021", "2022", "2023", "Målvärde 2024", "Följs upp"],
            ["Aktualiseringar barn och unga 0-18 år, antal", "655", "701", "", "", "Delår och helår"],
            ["Brukarbedömning hemtjänst, bemötande, andel (%)", "95 %", "93 %", "", "95 %", "Årsrapport"],
            ["Brukarundersökning LSS", "-", "0", "", "Resultat under 2024", "Årsrapport"],
        ],
        "Medarbetare": [
            ["Mått", "2021", "2022", "2023", "Målvärde 2024", "Följs upp"],
            ["Sjukfrånvaro, socialtjänsten (%)", "7,5", "9,2", "", "8,0", "Delår och helår"],
            ["Andel heltidsanställda av månadsavlönade", "74 %", "74 %", "", "80 %", "Årsrapport"],
        ],
    }
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = name
        for row in rows:
            ws.append(row)
    wb.save(HERE / "nyckeltal.xlsx")


if __name__ == "__main__":
    main()
