"""Makes this example's Excel files, as the ekonomisystem exports them. Run: python make_xlsx.py

Amounts are in kronor with öre, derived from the delårsrapport jan-aug 2023 of the seeds (tkr),
so that rounding to tkr and mnkr matters.
"""

import random
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent

# Verksamhet: (intäkter, kostnader), each Budget period, Utfall period, Budget helår, Årsprognos (tkr).
DRIFT = [
    ("Hälso- och sjukvård", (2134, 2774, 3201, 6220), (-28408, -32239, -42538, -47634)),
    ("Bistånds- och avgiftshandläggare samt övrigt stöd", (2101, 2252, 3151, 3479), (-14620, -14643, -21923, -22942)),
    ("Äldreomsorg - Hemtjänst", (7805, 9025, 11708, 15196), (-64122, -73602, -95204, -108644)),
    ("Äldreomsorg - Särskilt boende", (19433, 20256, 29150, 31552), (-101245, -112675, -151021, -168140)),
    ("Äldreomsorg - Korttids, Daglig vht och Medicinskt färdig beh.", (628, 500, 942, 728), (-10154, -11543, -15136, -17027)),
    ("LSS/SFB Personlig assistans", (4302, 4688, 6452, 6796), (-16274, -14544, -24098, -22580)),
    ("Övriga verksamheter LSS", (3972, 3411, 5957, 4930), (-39067, -41132, -58248, -63017)),
    ("Individ- och familjeomsorg", (16093, 15567, 23839, 23620), (-111003, -115088, -165961, -172781)),
    ("Ledning och stöd", (482, 235, 723, -72), (-6488, -5843, -17306, -16374)),
    ("Politisk verksamhet", (0, 1, 0, 0), (-1546, -1907, -2318, -2826)),
]
# Personalkostnader as a share of kostnader (a 'varav' row).
PERSONAL = {"Äldreomsorg - Hemtjänst": 0.86, "Äldreomsorg - Särskilt boende": 0.82, "Hälso- och sjukvård": 0.78}
# The nämnd totals per column in kronor: they print as the seed's figures (INTÄKTER 56 950,
# KOSTNADER -392 928, NETTOKOSTNADER -335 978, Avvikelse period -28 527, ...), the same figures
# the tjänsteskrivelse of ärende 8 quotes.
TOTAL_INTAKTER = ("56949600.00", "58710400.00", "85124120.50", "92450240.75")
TOTAL_KOSTNADER = ("-392928050.00", "-423216000.00", "-593753310.25", "-641965180.40")
# The verksamhet that takes up the difference between the rows and the totals.
UTJAMNING = "Individ- och familjeomsorg"
KOLUMNER = ["Budget period", "Utfall period", "Budget helår", "Årsprognos", "Avvikelse innevarande månad"]


def kr(tkr: int, rng: random.Random) -> Decimal:
    if tkr == 0:
        return Decimal(0)
    return Decimal(tkr * 1000) + Decimal(rng.randint(-49_999, 49_999)) / 100


def drift_rows():
    rng = random.Random(2023)
    rows = []
    for namn, intakter, kostnader in DRIFT:
        i = [kr(v, rng) for v in intakter]
        k = [kr(v, rng) for v in kostnader]
        rows.append([namn, i, k])
    # One verksamhet takes up the öre and kronor so the nämnd totals are exactly the targets.
    target = next(r for r in rows if r[0] == UTJAMNING)
    for c in range(4):
        for slot, totals in ((1, TOTAL_INTAKTER), (2, TOTAL_KOSTNADER)):
            target[slot][c] += Decimal(totals[c]) - sum(r[slot][c] for r in rows)
    return rows


def ekonomi(path: Path) -> None:
    rng = random.Random(8)
    wb = Workbook()
    ws = wb.active
    ws.title = "Driftredovisning"
    ws.append(["Resultaträkning per verksamhet, socialnämnden, period 2023 01-08 (kr)"])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append(["Verksamhet", "Radtyp", *KOLUMNER])
    for c in ws[3]:
        c.font = Font(bold=True)
    for namn, i, k in drift_rows():
        month_i = Decimal(rng.randint(-90_000_00, 90_000_00)) / 100
        month_k = Decimal(rng.randint(-900_000_00, 400_000_00)) / 100
        ws.append([namn, "Intäkter", *[float(v) for v in i], float(month_i)])
        ws.append([None, "Kostnader", *[float(v) for v in k], float(month_k)])
        if namn in PERSONAL:
            share = Decimal(str(PERSONAL[namn]))
            ws.append([None, "Varav personalkostnader", *[float((v * share).quantize(Decimal("0.01"))) for v in k],
                       float((month_k * share).quantize(Decimal("0.01")))])
    ws.column_dimensions["A"].width = 52
    for col in "CDEFG":
        ws.column_dimensions[col].width = 18
    inv = wb.create_sheet("Investeringar")
    inv.append(["Investeringar socialnämnden 2023 (kr)"])
    inv.append([])
    inv.append(["Projekt", "Budget helår", "Utfall period", "Årsprognos"])
    inv.append(["Inventarier Soc", 2_180_500.00, 684_213.40, 2_180_500.00])
    inv.append(["Välfärdsteknik och trygghetslarm", 1_000_000.00, 312_650.75, 1_000_000.00])
    inv.append(["Arbetsmiljöåtgärder särskilt boende", 500_400.00, 122_340.10, 500_400.00])
    inv.column_dimensions["A"].width = 40
    wb.save(path)


def nyckeltal(path: Path) -> None:
    wb = Workbook()
    sheets = {
        "Trygghet": [
            ["Mått", "2020", "2021", "2022", "2023", "Trend", "Följs upp"],
            ["Aktualiseringar barn och unga 0-18 år, antal", "612", "655", "701", "", "", "Delår och helår"],
            ["Brukarbedömning hemtjänst, bemötande, andel (%)", "94 %", "95 %", "93 %", "", "", "Årsrapport"],
            ["Brukarbedömning särskilt boende, trygghet, andel (%)", "88 %", "86 %", "89 %", "", "", "Årsrapport"],
            ["Väntetid till särskilt boende, dagar", "41", "52", "68/30", "", "", "Delår och helår"],
            ["Antal besök IOP äldres ensamhet", "stängd", "212", "41+29", "Resultat under 2023", "", "Helår"],
        ],
        "Tillväxt": [
            ["Mått", "2020", "2021", "2022", "2023", "Trend", "Följs upp"],
            ["Hushåll med försörjningsstöd, antal per månad", "431", "412", "398", "405", "", "Månadsvis"],
            ["Personer i arbetsmarknadsinsats, antal", "118", "126", "131", "", "", "Delår och helår"],
            ["Andel som går till arbete eller studier efter insats", "38 %", "41 %", "44 %", "", "", "Helår"],
        ],
        "Medarbetare": [
            ["Mått", "2020", "2021", "2022", "2023", "Trend", "Följs upp"],
            ["Sjukfrånvaro, socialtjänsten (%)", "", "7,5", "9,2", "", "", "Fyramånader, delår och helår"],
            ["Medarbetarengagemang (HME), totalindex", "", "79,8", "81,3", "", "", "Årsrapport"],
            ["Andel heltidsanställda av månadsavlönade", "", "74 %", "74 %", "", "", "Årsrapport"],
            ["Andel arbetad tid som utförs av timavlönade", "", "14 %", "12 %", "", "", "Årsrapport"],
        ],
    }
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = name
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                # Shares are numbers formatted as percent, as the statistics exports have them.
                if isinstance(cell.value, str) and cell.value.endswith(" %"):
                    cell.value = int(cell.value[:-2]) / 100
                    cell.number_format = "0%"
        ws.column_dimensions["A"].width = 50
    wb.save(path)


if __name__ == "__main__":
    ekonomi(HERE / "ekonomi.xlsx")
    nyckeltal(HERE / "nyckeltal.xlsx")
