"""A large kommun's budget meeting, made from nothing: the `big_*` workload of `make bench`.

    python bench/stor_sammantrade.py UTMAPP [--frö N]

writes UTMAPP/sammantrade.yaml and everything it names:

- 40 ärenden: procedural points, 25 with a tjänsteskrivelse (Markdown with front matter,
  Swedish sections, some with tables) and information points without documents;
- a verksamhetsplan and a delårsrapport: the inputs of examples/verksamhetsplan and
  examples/delarsrapport copied, their texts lengthened, their Excel files made by the
  examples' own make_xlsx.py functions (openpyxl);
- 10 Excel bilagor (openpyxl), three free documents (`typ: dokument`);
- external PDFs made with reportlab (embedded TrueType font, tables, bookmarks, some
  landscape pages): together at least 400 pages, three of them over 100 pages.

Everything is deterministic for a given seed (no dates, ids or random state from the clock),
and nothing is downloaded. Build it with
`rapportgen handling UTMAPP/sammantrade.yaml --profil UTMAPP/rapportgen.yaml -o /tmp/x`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import shutil
import sys
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MOTESDATUM = dt.date(2023, 11, 21)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# --- Swedish text material -----------------------------------------------------------------------

MENINGAR = [
    "Förvaltningen har under perioden fortsatt arbetet med att anpassa verksamheten till den ekonomiska ramen.",
    "Kostnaderna för köpta platser har ökat mer än vad som förutsågs i budgeten.",
    "Rekryteringsläget är fortsatt ansträngt inom legitimerade yrken, särskilt sjuksköterskor och socionomer.",
    "Nämnden har gett förvaltningen i uppdrag att redovisa åtgärder för en budget i balans.",
    "Arbetet sker i nära samverkan med regionen, skolan och civilsamhällets organisationer.",
    "Antalet ansökningar om försörjningsstöd har varit stabilt jämfört med föregående år.",
    "Digitala arbetssätt har införts inom hemtjänsten och frigör tid för möten med brukarna.",
    "Brukarundersökningen visar att de flesta är nöjda med bemötandet men vill ha färre personal att möta.",
    "En handlingsplan med tydliga mål och uppföljning per månad har tagits fram.",
    "Förändringen väntas ge full effekt först under nästa budgetår.",
    "Lokalbehovet ses över tillsammans med samhällsbyggnadsförvaltningen inför planperioden.",
    "Insatserna har följts upp enligt nämndens plan för intern kontroll.",
    "Medarbetarnas sjukfrånvaro har minskat något men ligger fortfarande över kommunens mål.",
    "Statsbidragen för äldreomsorgen har använts till kompetensutveckling och bemanning.",
    "Samverkansgruppen har informerats och getts möjlighet att lämna synpunkter.",
    "Förslaget har riskbedömts enligt arbetsmiljöförordningen och bedöms inte medföra ökade risker.",
    "Ärendet har stämts av med kommunens ekonomiavdelning och kommunjuristen.",
    "Verksamheten bedrivs inom befintlig budgetram och kräver inga tillkommande medel.",
    "Volymerna inom särskilt boende har ökat under hösten och kön har vuxit.",
    "Barnrättsperspektivet har beaktats och barnets bästa har vägts in i bedömningen.",
    "En ny rutin för avvikelsehantering har införts på samtliga enheter.",
    "Kostnaden per brukare ligger under genomsnittet för jämförbara kommuner.",
    "Uppföljningen visar att målen för året nås delvis, och att arbetet behöver fortsätta.",
    "Förvaltningen föreslår att arbetet återrapporteras till nämnden inom sex månader.",
    "Taxorna räknas upp med prisbasbeloppets förändring enligt kommunfullmäktiges riktlinjer.",
    "Ett nytt avtal om matdistribution har upphandlats och börjar gälla vid årsskiftet.",
    "Den demografiska utvecklingen innebär fler invånare över 80 år under hela planperioden.",
    "Förebyggande insatser för barn och unga prioriteras i budgeten för kommande år.",
    "Införandet av heltid som norm har påbörjats inom vård och omsorg.",
    "Resultatet redovisas per verksamhet i bilagan till ärendet.",
]

AMNEN = [
    ("Budget 2024 och plan 2025–2026 för socialnämnden", "ekonomi"),
    ("Internbudget 2024 för äldreomsorgen", "ekonomi"),
    ("Internbudget 2024 för individ- och familjeomsorgen", "ekonomi"),
    ("Investeringsbudget 2024–2026", "ekonomi"),
    ("Taxor och avgifter inom socialtjänsten 2024", "taxa"),
    ("Avgift för trygghetslarm 2024", "taxa"),
    ("Riktlinjer för försörjningsstöd 2024", "riktlinje"),
    ("Riktlinjer för biståndsbedömning inom äldreomsorgen", "riktlinje"),
    ("Lokalförsörjningsplan för socialförvaltningen", "lokal"),
    ("Ombyggnad av vård- och omsorgsboendet Solbacken", "lokal"),
    ("Plan för heltid som norm inom vård och omsorg", "personal"),
    ("Kompetensförsörjningsplan för socialförvaltningen", "personal"),
    ("Handlingsplan för budget i balans 2024", "ekonomi"),
    ("Statsbidrag för en äldreomsorg med hög kvalitet 2024", "ekonomi"),
    ("Plan för intern kontroll 2024", "kontroll"),
    ("Uppföljning av avtal med privata utförare inom hemtjänsten", "kontroll"),
    ("Sammanträdesplan för socialnämnden 2024", "formalia"),
    ("Delegationsordning för socialnämnden, revidering", "formalia"),
    ("Yttrande över motion om fler platser på korttidsboende", "yttrande"),
    ("Yttrande över medborgarförslag om träffpunkt för seniorer", "yttrande"),
    ("Överenskommelse med regionen om barn och unga med psykisk ohälsa", "samverkan"),
    ("Läkemedelsrobotar i hemtjänsten, utvärdering", "digital"),
]

PERSONER = [
    ("Anna Lund", "Controller"), ("Marie Backlund", "Verksamhetschef ÄO"),
    ("Erik Sandström", "Verksamhetschef IFO"), ("Sara Nordin", "Utredare"),
    ("Johan Vikström", "Tf förvaltningschef"), ("Lena Berg", "Nämndsekreterare"),
    ("Karin Öberg", "Verksamhetschef SO"), ("Peter Holm", "Ekonomichef"),
]

VERKSAMHETER = ["Hemtjänst", "Särskilt boende", "Korttidsboende", "Hälso- och sjukvård", "Personlig assistans",
                "Gruppbostäder LSS", "Daglig verksamhet", "Barn och familj", "Vuxen och missbruk",
                "Försörjningsstöd", "Arbetsmarknadsenheten", "Socialpsykiatri", "Ledning och stöd"]


def stycke(rng: random.Random, n: int) -> str:
    return " ".join(rng.sample(MENINGAR, n))


def kr(v: float) -> str:
    """Swedish thousands (space) for Markdown tables."""
    return f"{v:,.0f}".replace(",", " ").replace("-", "-")


# --- external PDFs (reportlab) -----------------------------------------------------------------


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVu", "DejaVu-Bold"


def extern_pdf(path: Path, titel: str, sidor: int, rng: random.Random, liggande_var: int = 0) -> int:
    """A report as another tool writes it: title page, chapters with bookmarks, text and tables.

    Exactly `sidor` pages: the story is laid out one page per chapter section with PageBreaks.
    Every `liggande_var`-th page (if > 0) is landscape A4 with a wide table. Returns the page count.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate,
                                    Paragraph, Spacer, Table, TableStyle)

    from reportlab import rl_config

    rl_config.useA85 = 0  # binary Flate streams, as Word, Acrobat and most report tools write them
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=14, spaceAfter=6)
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=16, leading=20, spaceAfter=10)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=16, spaceAfter=6)
    title = ParagraphStyle("title", fontName=bold, fontSize=24, leading=30, spaceAfter=20)

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):
            if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
                key = f"k{id(flowable)}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0 if flowable.style.name == "h1"
                                          else 1)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8)
        w, _h = canvas._pagesize
        canvas.drawString(20 * mm, 12 * mm, titel)
        canvas.drawRightString(w - 20 * mm, 12 * mm, f"Sida {doc.page}")
        canvas.setStrokeColor(colors.HexColor("#1f4e79"))
        canvas.line(20 * mm, 16 * mm, w - 20 * mm, 16 * mm)
        canvas.restoreState()

    doc = Doc(str(path), pagesize=A4, title=titel, author="Revisionsbyrån Norr AB", invariant=1,
              leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=25 * mm)
    pw, ph = A4
    doc.addPageTemplates([
        PageTemplate("staende", [Frame(20 * mm, 25 * mm, pw - 40 * mm, ph - 45 * mm)], onPage=footer,
                     pagesize=A4),
        PageTemplate("liggande", [Frame(20 * mm, 25 * mm, ph - 40 * mm, pw - 45 * mm)], onPage=footer,
                     pagesize=landscape(A4)),
    ])
    story: list = [Spacer(1, 60 * mm), Paragraph(titel, title),
                   Paragraph("Granskningsrapport · Norrviks kommun", body)]
    kapitel = 0
    for page in range(2, sidor + 1):
        landscape_page = liggande_var and page % liggande_var == 0
        story.append(NextPageTemplate("liggande" if landscape_page else "staende"))
        story.append(PageBreak())
        if landscape_page:
            story.append(Paragraph(f"Tabell {page}: kostnader per verksamhet och månad (tkr)", h2))
            head = ["Verksamhet"] + ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt"]
            rows = [head] + [[v] + [kr(rng.uniform(800, 9000)) for _ in range(10)] for v in VERKSAMHETER]
            t = Table(rows, repeatRows=1)
            t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), regular, 8), ("FONT", (0, 0), (-1, 0), bold, 8),
                                   ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7f0")),
                                   ("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
            story.append(t)
            continue
        if page % 12 == 2:
            kapitel += 1
            story.append(Paragraph(f"{kapitel}. {rng.choice(AMNEN)[0]}", h1))
        story.append(Paragraph(f"{kapitel}.{page % 12 or 12} {rng.choice(VERKSAMHETER)}", h2))
        for _ in range(4):
            story.append(Paragraph(stycke(rng, 5), body))
        if page % 3 == 0:
            rows = [["Verksamhet", "Budget", "Utfall", "Avvikelse"]]
            for v in rng.sample(VERKSAMHETER, 6):
                b = rng.uniform(5000, 90000)
                u = b * rng.uniform(0.9, 1.12)
                rows.append([v, kr(b), kr(u), kr(b - u)])
            t = Table(rows)
            t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), regular, 9), ("FONT", (0, 0), (-1, 0), bold, 9),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                                   ("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
            story.append(t)
        else:
            story.append(Paragraph(stycke(rng, 5), body))
            story.append(Paragraph(stycke(rng, 4), body))
    doc.build(story)
    from pypdf import PdfReader

    n = len(PdfReader(str(path)).pages)
    if n != sidor:
        raise SystemExit(f"{path.name}: {n} sidor, väntade {sidor}")
    return n


# --- Excel bilagor -------------------------------------------------------------------------------


def _a4(ws, liggande: bool) -> None:
    ws.page_setup.orientation = "landscape" if liggande else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def excel_bilaga(path: Path, titel: str, rng: random.Random, rader: int, kolumner: list[str],
                 liggande: bool) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = titel[:31].replace(":", "")
    ws.append([titel])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(["Verksamhet / post"] + kolumner)
    for c in ws[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True)
    for i in range(rader):
        namn = f"{VERKSAMHETER[i % len(VERKSAMHETER)]}, {['personal', 'lokaler', 'köpta platser', 'övrigt'][i // len(VERKSAMHETER) % 4]}"
        base = rng.uniform(200_000, 40_000_000)
        ws.append([namn] + [round(base * rng.uniform(0.92, 1.1), 2) for _ in kolumner])
    last = ws.max_row
    letters = [ws.cell(row=3, column=c + 2).column_letter for c in range(len(kolumner))]
    ws.append(["Summa"] + [f"=SUM({col}4:{col}{last})" for col in letters])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for row in ws.iter_rows(min_row=4, min_col=2):
        for c in row:
            c.number_format = "#,##0;-#,##0"
    ws.column_dimensions["A"].width = 44
    for col in letters:
        ws.column_dimensions[col].width = 15
    _a4(ws, liggande)
    wb.save(path)


def fixa_xlsx(path: Path) -> None:
    """Same bytes on every run: openpyxl stamps the clock into docProps and the zip entries."""
    import re
    import zipfile

    stamp = "2023-10-02T08:00:00Z"
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            z.writestr(zipfile.ZipInfo(name, date_time=(2023, 10, 2, 8, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(path)


# --- the two reports, from the examples ----------------------------------------------------------


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(f"exempel_{path.parent.name}_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _lengthen(folder: Path, rng: random.Random) -> None:
    """Scale a report's free texts: more paragraphs in ansvarsområden and strategier."""
    for name in ("ansvarsomraden.md", "strategier.md"):
        f = folder / "texter" / name
        extra = "\n".join(f"\n{stycke(rng, 5)}" for _ in range(6))
        f.write_text(f.read_text(encoding="utf-8").rstrip() + "\n" + extra + "\n", encoding="utf-8")


def rapporter(out: Path, rng: random.Random) -> None:
    bil = _module(EXAMPLES / "sammantrade-2023-09-19" / "bilagor" / "make_xlsx.py")
    d = out / "delarsrapport"
    shutil.copytree(EXAMPLES / "delarsrapport", d, ignore=shutil.ignore_patterns("*.xlsx", "make_xlsx.py"))
    mod = _module(EXAMPLES / "delarsrapport" / "make_xlsx.py")
    mod.ekonomi(d / "ekonomi.xlsx")
    mod.nyckeltal(d / "nyckeltal.xlsx")
    bil.volymrapport(d / "volymrapport-2023-08.xlsx")
    manifest = (d / "delarsrapport.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace("../sammantrade-2023-09-19/bilagor/volymrapport-2023-08.xlsx",
                                "volymrapport-2023-08.xlsx")
    (d / "delarsrapport.yaml").write_text(manifest, encoding="utf-8")
    _lengthen(d, rng)

    v = out / "verksamhetsplan"
    shutil.copytree(EXAMPLES / "verksamhetsplan", v, ignore=shutil.ignore_patterns("*.xlsx", "make_xlsx.py"))
    mod = _module(EXAMPLES / "verksamhetsplan" / "make_xlsx.py")
    mod.HERE = v  # its main() writes budget.xlsx and nyckeltal.xlsx beside itself
    mod.main()
    _lengthen(v, rng)


# --- tjänsteskrivelser ---------------------------------------------------------------------------


def front_matter(data: dict) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100) + "---\n"


def brukare(verksamhet: str) -> tuple[int, int]:
    """One verksamhet's brukare 2022 and 2023, the same in every tjänsteskrivelse (the package's
    cross-document figure check compares them)."""
    r = random.Random(f"brukare {verksamhet}")
    a = r.randint(40, 900)
    return a, a + r.randint(-40, 60)


def tjansteskrivelse(rng: random.Random, titel: str, dnr: str, datum: dt.date, beslutsunderlag: list[str],
                     tabell: bool, forslag: str | list[str] | None = None) -> str:
    namn, roll = rng.choice(PERSONER)
    anv = namn.lower().replace(" ", ".").replace("ö", "o").replace("å", "a").replace("ä", "a")
    fm = {
        "handläggare": {"namn": namn, "titel": roll, "telefon": f"060-16 3{rng.randint(0, 9)} {rng.randint(10, 99)}",
                        "e-post": f"{anv}@timra.se"},
        "datum": datum,
        "dnr": dnr,
        "titel": titel,
        "förslag_till_beslut": forslag or f"Godkänna förvaltningens redovisning av {titel[0].lower() + titel[1:]}.",
    }
    forra = datum - dt.timedelta(days=rng.randint(40, 200))
    fm["tidigare_behandling"] = [f"SN {forra.isoformat()} § {rng.randint(10, 140)}, {rng.choice(AMNEN)[0]}."]
    if beslutsunderlag:
        fm["beslutsunderlag"] = beslutsunderlag
    fm["protokollsutdrag_till"] = ["Förvaltningschef", roll]
    body = [f"# Sammanfattning\n\n{stycke(rng, 3)}\n",
            f"# Ärendet\n\n{stycke(rng, 5)}\n\n{stycke(rng, 4)}\n"]
    if tabell:
        rows = ["| Verksamhet | Antal brukare 2022 | Antal brukare 2023 | Förändring |", "|---|--:|--:|--:|"]
        for v in rng.sample(VERKSAMHETER, 6):
            a, b = brukare(v)
            rows.append(f"| {v} | {kr(a)} | {kr(b)} | {kr(b - a)} |")
        body.append("Antal brukare per verksamhet:\n\n" + "\n".join(rows) + "\n")
    body.append(f"## Förvaltningens bedömning\n\n{stycke(rng, 4)}\n\n- {rng.choice(MENINGAR)}\n"
                f"- {rng.choice(MENINGAR)}\n- {rng.choice(MENINGAR)}\n")
    body.append(f"# Ekonomiska konsekvenser\n\n{stycke(rng, 2)}\n")
    return front_matter(fm) + "\n" + "\n".join(body)


def fritt_dokument(rng: random.Random, titel: str, dnr: str, datum: dt.date) -> str:
    fm = {"typ": "dokument", "titel": titel, "undertitel": "Socialförvaltningen", "datum": datum, "dnr": dnr}
    parts = []
    for rubrik in ("Bakgrund", "Genomförande", "Resultat", "Fortsatt arbete"):
        parts.append(f"# {rubrik}\n\n{stycke(rng, 5)}\n\n{stycke(rng, 4)}\n")
    parts.append("| Åtgärd | Ansvarig | Klar |\n|---|---|---|\n" + "\n".join(
        f"| {rng.choice(MENINGAR)[:60].rstrip(' ,.')} | {rng.choice(PERSONER)[1]} | {rng.choice(['Ja', 'Nej', 'Pågår'])} |"
        for _ in range(8)) + "\n")
    return front_matter(fm) + "\n" + "\n".join(parts)


# --- the meeting ---------------------------------------------------------------------------------


def generate(out: Path, seed: int = 19) -> dict:
    """Write the meeting into `out` (emptied first). Returns counts for the caller."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for sub in ("tjansteskrivelser", "bilagor"):
        (out / sub).mkdir(parents=True)
    shutil.copyfile(EXAMPLES / "rapportgen.yaml", out / "rapportgen.yaml")
    rapporter(out, rng)

    # External PDFs: three over 100 pages, the rest 8-30 pages.
    pdf_sizes = [124, 112, 106, 30, 26, 22, 20, 18, 16, 14, 12, 10, 9, 8]
    pdfs: list[tuple[str, str]] = []  # (file, etikett)
    extern_sidor = 0
    for n, sidor in enumerate(pdf_sizes):
        amne = AMNEN[n % len(AMNEN)][0]
        etikett = (f"Granskningsrapport: {amne}" if sidor > 100 else f"Underlag {n + 1}: {amne}")
        fil = f"bilagor/extern-{n + 1:02d}.pdf"
        extern_sidor += extern_pdf(out / fil, etikett, sidor, rng, liggande_var=9 if sidor > 100 else 0)
        pdfs.append((fil, etikett))

    # Excel bilagor: ten sheets, some wide (landscape).
    ar = ["Budget 2023", "Utfall 2023", "Budget 2024", "Plan 2025", "Plan 2026"]
    manader = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    xlsx_spec = [
        ("Periodrapport per 2023 08", ["Budget period", "Utfall period", "Budget helår", "Årsprognos"], 40, False),
        ("Volymrapport 2023 08", None, 0, True),  # the example's own volymrapport (below)
        ("Driftbudget 2024 per verksamhet", ar, 52, True),
        ("Investeringsbudget 2024–2026", ar[2:], 30, False),
        ("Taxor och avgifter 2024", ["Taxa 2023", "Taxa 2024"], 45, False),
        ("Personalbudget 2024, årsarbetare", ar, 39, True),
        ("Lokalkostnader 2024", ["Hyra 2023", "Hyra 2024", "Förändring"], 26, False),
        ("Statsbidrag 2023–2024", ["Beviljat 2023", "Använt 2023", "Ansökt 2024"], 20, False),
        ("Köpta platser per månad 2023", manader, 39, True),
        ("Internbudget IFO 2024", ar, 33, True),
    ]
    xlsx: list[tuple[str, str]] = []
    for n, (titel, kol, rader, liggande) in enumerate(xlsx_spec):
        fil = f"bilagor/tabell-{n + 1:02d}.xlsx"
        if kol is None:
            _module(EXAMPLES / "sammantrade-2023-09-19" / "bilagor" / "make_xlsx.py").volymrapport(out / fil)
        else:
            excel_bilaga(out / fil, titel, rng, rader, kol, liggande)
        xlsx.append((fil, titel))

    dokument: list[tuple[str, str]] = []
    for n, titel in enumerate(["Redovisning av åtgärder för budget i balans", "Uppföljning av avtal med privata utförare",
                               "Kartläggning av lokalbehov 2024–2030"]):
        fil = f"bilagor/dokument-{n + 1}.md"
        dokument.append((fil, titel))

    arenden: list[dict] = [{"punkt": p, "ärendemening": m} for p, m in
                           enumerate(["Sammanträdet öppnas", "Anteckna närvarande", "Utse justerare",
                                      "Fastställa ärendelista"], start=1)]
    punkt = 5
    # The delårsrapport's ärende: its tjänsteskrivelse is the example's (its table matches the report).
    ts = out / "tjansteskrivelser" / f"{punkt:02d}-delarsrapport.md"
    src = (EXAMPLES / "tjansteskrivelser" / "08-delarsrapport.md").read_text(encoding="utf-8")
    ts.write_text(src, encoding="utf-8")
    arenden.append({"punkt": punkt, "dnr": "SN/2023:1",
                    "ärendemening": "Ekonomisk delårsrapport med prognos och måluppföljning",
                    "tjänsteskrivelse": f"tjansteskrivelser/{ts.name}",
                    "bilagor": [
                        {"etikett": "Delårsrapport 2023 Socialnämnden", "fil": "delarsrapport/delarsrapport.yaml"},
                        {"etikett": "Redovisning kommunchef – åtgärder för att nå budget 2023",
                         "fil": dokument[0][0]},
                        {"etikett": "Periodrapport per 2023 08", "fil": xlsx[0][0]},
                        {"etikett": "Volymrapport 2023 08", "fil": xlsx[1][0]},
                    ]})
    (out / dokument[0][0]).write_text(fritt_dokument(rng, "Redovisning kommunchef – åtgärder för att nå budget 2023",
                                                     "SN/2023:1", dt.date(2023, 9, 8)), encoding="utf-8")
    bilage_ko = [("pdf", p) for p in pdfs] + [("xlsx", x) for x in xlsx[2:]] + [("md", d) for d in dokument[1:]]
    rng.shuffle(bilage_ko)

    # The verksamhetsplan's ärende.
    punkt += 1
    ts = out / "tjansteskrivelser" / f"{punkt:02d}-verksamhetsplan.md"
    vp_bilagor = [("Verksamhetsplan och budget 2024–2026 Socialnämnden", "verksamhetsplan/verksamhetsplan.yaml")]
    vp_bilagor += [(x[1], x[0]) for x in (xlsx[2], xlsx[3])]
    bilage_ko = [b for b in bilage_ko if b[1] not in (xlsx[2], xlsx[3])]
    ts.write_text(tjansteskrivelse(rng, "Verksamhetsplan och budget 2024–2026", "SN/2023:150",
                                   dt.date(2023, 11, 14), [e for e, _f in vp_bilagor], tabell=False,
                                   forslag=["Fastställa verksamhetsplan och budget 2024–2026 för socialnämnden.",
                                            "Överlämna verksamhetsplanen till kommunstyrelsen för kännedom."]),
                  encoding="utf-8")
    arenden.append({"punkt": punkt, "dnr": "SN/2023:150", "ärendemening": "Verksamhetsplan och budget 2024–2026",
                    "tjänsteskrivelse": f"tjansteskrivelser/{ts.name}",
                    "bilagor": [{"etikett": e, "fil": f} for e, f in vp_bilagor]})

    # 23 more tjänsteskrivelser; the remaining bilagor spread over them at random.
    spread: dict[int, list] = {}
    for b in bilage_ko:
        spread.setdefault(rng.randrange(23), []).append(b)
    lopnr = 200
    amnen = [a for a in AMNEN if not a[0].startswith("Budget 2024")]
    for i in range(23):
        punkt += 1
        lopnr += rng.randint(1, 9)
        titel = amnen[i % len(amnen)][0] + ("" if i < len(amnen) else ", uppföljning")
        dnr = f"SN/2023:{lopnr}"
        datum = MOTESDATUM - dt.timedelta(days=rng.randint(7, 30))
        mine = spread.get(i, [])
        bilagor = []
        for kind, (fil, etikett) in mine:
            if kind == "md":
                (out / fil).write_text(fritt_dokument(rng, etikett, dnr, datum), encoding="utf-8")
            bilagor.append({"etikett": etikett, "fil": fil})
        ts = out / "tjansteskrivelser" / f"{punkt:02d}-arende-{lopnr}.md"
        ts.write_text(tjansteskrivelse(rng, titel, dnr, datum, [b["etikett"] for b in bilagor],
                                       tabell=i % 3 == 0), encoding="utf-8")
        a = {"punkt": punkt, "dnr": dnr, "ärendemening": titel, "tjänsteskrivelse": f"tjansteskrivelser/{ts.name}"}
        if bilagor:
            a["bilagor"] = bilagor
        arenden.append(a)

    for mening in ["Förvaltningschefens information", "Information om läget i äldreomsorgen",
                   "Information om arbetsmiljön inom individ- och familjeomsorgen", "Redovisning av inkomna synpunkter",
                   "Rapport från kommunala pensionärsrådet", "Rapport från rådet för funktionshinderfrågor",
                   "Kurser och konferenser", "Ordförandens information", "Övriga frågor",
                   "Sammanträdet avslutas", "Nästa sammanträde"]:
        punkt += 1
        arenden.append({"punkt": punkt, "ärendemening": mening})

    manifest = {
        "nämnd": "Socialnämnden", "datum": MOTESDATUM, "klockan": "08:30", "lokal": "Stora sessionssalen",
        "ort": "Timrå", "tidsåtgång": "Heldag",
        "sammankallande": {"namn": "Johanna Bergsten", "roll": "ordförande"},
        "ledamöter": ["Johanna Bergsten (S)", "Håkan Svensson (M)", "Lars Kempe (S)", "Line Essman (S)",
                      "Christer Andersson (S)", "Markus Sjöström (M)", "Maritza Villanueva Contreras (V)",
                      "Lotta Borg (T)", "Marianne Larsson (SD)", "Mats Wallin (SD)", "Anita Hellstrand (C)"],
        "ersättare": ["Pirjo Jonsson (S)", "Krister Jonsson (M)", "Markus Eriksson (S)", "Lena Hallin (S)",
                      "Hans Hillgren (S)", "Anna Svensson (M)", "Bodil Mattsson (V)", "Angela Bodin (T)",
                      "Anna Jansson (SD)", "Pär Karlstedt (SD)", "Anastasie Mukabera (KD)"],
        "vid_förhinder": {"namn": "Christina Hjalte", "telefon": "060-16 32 99",
                          "e-post": "christina.hjalte@timra.se"},
        "ärenden": arenden,
    }
    for x in sorted(out.rglob("*.xlsx")):
        fixa_xlsx(x)
    head = ("# Budgetsammanträde för en stor nämnd, genererat av bench/stor_sammantrade.py (mäts av make bench).\n")
    (out / "sammantrade.yaml").write_text(head + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False,
                                                                width=110), encoding="utf-8")
    counts = {
        "arenden": len(arenden),
        "tjansteskrivelser": sum(1 for a in arenden if "tjänsteskrivelse" in a),
        "xlsx_bilagor": sum(1 for a in arenden for b in a.get("bilagor", []) if b["fil"].endswith(".xlsx")),
        "externa_pdf": len(pdfs),
        "externa_pdf_sidor": extern_sidor,
    }
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description="Generera ett stort budgetsammanträde för make bench.")
    ap.add_argument("utmapp", type=Path)
    ap.add_argument("--frö", dest="seed", type=int, default=19)
    args = ap.parse_args()
    counts = generate(args.utmapp, args.seed)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"bygg: rapportgen handling {args.utmapp / 'sammantrade.yaml'} --profil {args.utmapp / 'rapportgen.yaml'}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
