"""docs/tabelldefinitioner.md, generated from the table-definition model and worked examples.

    from rapportgen.commands import tabelldefinitioner
    text = tabelldefinitioner.markdown()   # `rapportgen mallar tabeller`

Every worked example is read and computed by the real loader, so the shown result tables are
what rapportgen prints for the example sheet.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from ..format import Formatter
from ..inputs.excel import table_from_rows
from ..inputs.tabelldef import las, validera_definitioner
from ..inputs.yamlsrc import parse_yaml
from ..model.rapport import Tabellval
from ..model.tabelldef import (ARTER, Bredd, Detaljrad, Jamforelse, Kolumndef, Lasning, Radpost, Tabelldefinition,
                               Varavrad, jamforelse_mening)
from .mallar import typnamn


@dataclass(frozen=True)
class Exempel:
    rubrik: str
    text: str  # what the example shows
    yaml: str  # one definition: `namn:` and its fields
    ark: list[list[Any]]  # the sheet: header row and data rows
    enhet: str = "tkr"  # the sheet's unit


EXEMPEL = [
    Exempel(
        "Driftbudget, bara netto",
        "En nettorad per verksamhet och en summarad. Fem årskolumner av olika art; arkets egen "
        "summarad kontrolleras mot verksamheterna. Jämförelsen ger texten under tabellen.",
        """\
        driftbudget:
          titel: Driftbudget
          enhet: tkr
          kolumner:
            - {art: Bokslut, år: 2021}
            - {art: Budget, år: 2022}
            - {art: Budget, år: 2023}
            - {art: Plan, år: 2024}
            - {art: Plan, år: 2025}
          rader:
            - grupp: Verksamheter
              rubrik: false
              rader:
                - Vård och omsorg
                - {namn: Individ- och familjeomsorg, synonymer: [IFO]}
                - Funktionsstöd
              summa: Summa
          läsning: {etikettkolumn: [Verksamhet], enhet: tkr}
          jämförelse: {a: Budget 2023, b: Budget 2022}
        """,
        [["Verksamhet", "Bokslut 2021", "Budget 2022", "Budget 2023", "Plan 2024", "Plan 2025"],
         ["Vård och omsorg", -268412, -274900, -286300, -291100, -296400],
         ["IFO", -98734, -101200, -104800, -106300, -107900],
         ["Funktionsstöd", -112508, -115600, -121400, -123900, -126500],
         ["Summa", -479654, -491700, -512500, -521300, -530800]],
    ),
    Exempel(
        "Driftbudget med intäkter och kostnader",
        "Varje verksamhet som en grupp med intäkter, kostnader och en varav-rad; nettot är en "
        "summarad med formel. Arket skriver kostnaderna som positiva belopp (kostnader: true och "
        "kostnader_i_arket: positiva); de visas negativa. En beräknad kolumn visar förändringen.",
        """\
        drift_brutto:
          titel: Driftbudget per verksamhet
          enhet: tkr
          kolumner:
            - {art: Budget, år: 2023}
            - {art: Budget, år: 2024}
            - {namn: Förändring, formel: "[Budget 2024] - [Budget 2023]"}
          rader:
            - grupp: Hemtjänst intäkter
              rubrik: false
              rader: [{namn: Intäkter hemtjänst, synonymer: [Intäkter]}]
            - grupp: Hemtjänst kostnader
              rubrik: false
              kostnader: true
              rader:
                - namn: Kostnader hemtjänst
                  varav: [Varav personalkostnader]
            - summa: Netto hemtjänst
              formel: "[Intäkter hemtjänst] + [Kostnader hemtjänst]"
          läsning:
            etikettkolumn: [Rad]
            enhet: tkr
            kostnader_i_arket: positiva
        """,
        [["Rad", "Budget 2023", "Budget 2024"],
         ["Intäkter", 7805, 8120],
         ["Kostnader hemtjänst", 64122, 66480],
         ["Varav personalkostnader", 52010, 54300]],
    ),
    Exempel(
        "Ekonomisystemets utdrag i långt format (Timrå)",
        "En rad per verksamhet och radtyp (`Verksamhet | Radtyp | belopp`); en tom verksamhetscell "
        "fortsätter verksamheten ovanför. Raderna i definitionen upprepas per verksamhet (läsning."
        "gruppkolumn), varav-raderna tas med som de heter (`Varav *`), och totalen över "
        "verksamheterna visas sist. Så läser rapportgens inbyggda Timrå-definitioner arket "
        "(`timra_driftbudget`, `timra_driftredovisning`); de visar dessutom totalen som en egen tabell "
        "först (`visa: totalt och grupper`, `totalrubrik: \"{NÄMND}\"`), med fasta kolumnbredder "
        "(`bredd`) och rubriker med `{period}` och `{enhet}`.",
        """\
        drift_lang:
          titel: Driftbudget
          enhet: tkr
          etikettrubrik: Budget per verksamhet (tkr)
          visa: grupper och totalt
          totalrubrik: Socialnämnden
          kolumner:
            - {art: Budget, år: 2024}
            - {art: Plan, år: 2025}
          rader:
            - {grupp: Intäkter, rubrik: false, rader: [{namn: INTÄKTER, synonymer: [Intäkter]}]}
            - grupp: Kostnader
              rubrik: false
              rader:
                - {namn: KOSTNADER (-), synonymer: [Kostnader], varav: [{namn: "Varav *", valfri: true}]}
            - {summa: NETTOKOSTNADER (-), formel: "[INTÄKTER] + [KOSTNADER (-)]", synonymer: [Nettokostnader]}
          läsning: {gruppkolumn: [Verksamhet], etikettkolumn: [Radtyp], enhet: tkr}
        """,
        [["Verksamhet", "Radtyp", "Budget 2024", "Plan 2025"],
         ["Hemtjänst", "Intäkter", 10830, 11050],
         [None, "Kostnader", -92974, -94800],
         [None, "Varav personalkostnader", -78100, -79600],
         ["Särskilt boende", "Intäkter", 30960, 31580],
         [None, "Kostnader", -155600, -158700]],
    ),
    Exempel(
        "Resultatbudget per slag",
        "Intäkter och kostnader uppdelade per slag, var för sig summerade, och nettokostnaden som "
        "formel över de två summaraderna. En valfri rad får saknas i arket.",
        """\
        resultatbudget:
          titel: Resultatbudget
          enhet: tkr
          kolumner:
            - {art: Budget, år: 2022}
            - {art: Budget, år: 2023}
          rader:
            - grupp: Intäkter
              rader:
                - Taxor och avgifter
                - {namn: Hyror och arrenden, synonymer: [Hyror]}
                - Bidrag
                - {namn: Försäljning av verksamhet, valfri: true}
              summa: Summa intäkter
            - grupp: Kostnader
              rader: [Lönekostnader, Lokalkostnader, Övriga kostnader]
              summa: Summa kostnader
            - summa: Nettokostnad
              formel: "[Summa intäkter] + [Summa kostnader]"
          läsning: {etikettkolumn: [Post], enhet: tkr}
          jämförelse: {a: Budget 2023, b: Budget 2022, rad: Nettokostnad}
        """,
        [["Post", "Budget 2022", "Budget 2023"],
         ["Taxor och avgifter", 32100, 33400],
         ["Hyror", 18900, 19300],
         ["Bidrag", 61500, 58900],
         ["Lönekostnader", -411700, -428600],
         ["Lokalkostnader", -42100, -43300],
         ["Övriga kostnader", -104000, -103500]],
    ),
    Exempel(
        "Investeringar: inkomst, utgift och nettokostnad",
        "Inkomst och utgift per år läggs aldrig ihop av sig själva; nettokostnaden är en "
        "summarad med formel. Arkets kolumnrubriker är bara årtal, som synonymer.",
        """\
        investeringar:
          titel: Investeringsbudget
          enhet: tkr
          kolumner:
            - {art: Budget, år: 2023, synonymer: ["2023"]}
            - {art: Plan, år: 2024, synonymer: ["2024"]}
            - {art: Plan, år: 2025, synonymer: ["2025"]}
          rader:
            - grupp: Investeringar
              rubrik: false
              rader: [Inkomst, Utgift]
            - summa: Nettokostnad
              formel: "[Inkomst] + [Utgift]"
          läsning: {etikettkolumn: [Slag], enhet: tkr}
        """,
        [["Slag", "2023", "2024", "2025"],
         ["Inkomst", 2100, 2900, 0],
         ["Utgift", -15000, -18500, -4700]],
    ),
    Exempel(
        "Investeringsbilaga per projekt",
        "Textkolumner (Proj nr, SB) före och efter etikettkolumnen, inkomst och utgift per år, och "
        "en totalkolumn med formel. rader: alla tar varje projekt i arket, i arkets ordning; "
        "arkets totalkolumn och summarad kontrolleras.",
        """\
        investeringsbilaga:
          titel: Investeringar per projekt
          enhet: tkr
          liggande: true
          kolumner:
            - {namn: Proj nr, typ: text}
            - {namn: Projekt, typ: etikett}
            - {namn: SB, typ: text}
            - {art: Inkomst, år: 2023}
            - {art: Utgift, år: 2023}
            - {art: Inkomst, år: 2024}
            - {art: Utgift, år: 2024}
            - {namn: Projektbudget totalt, formel: summa(Inkomst) + summa(Utgift)}
          rader:
            - {grupp: Projekt, rubrik: false, rader: alla, summa: Summa}
          läsning: {etikettkolumn: [Projekt], enhet: tkr}
        """,
        [["Proj nr", "Projekt", "SB", "Inkomst 2023", "Utgift 2023", "Inkomst 2024", "Utgift 2024",
          "Projektbudget totalt"],
         ["41035", "Välfärdsteknik", "AL", 600, -1500, 400, -1500, -2000],
         ["42001", "Gruppbostad Björken", "AL", 1500, -9000, 2500, -14000, -19000],
         [None, "Summa", None, 2100, -10500, 2900, -15500, -21000]],
    ),
]


def _default(f) -> str:
    if f.is_required():
        return "**krävs**"
    value = f.get_default(call_default_factory=True)
    if value is None or value == [] or value == {} or value is PydanticUndefined:
        return ""
    if isinstance(value, BaseModel):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return f"`{value}`"


def _fields(model: type[BaseModel]) -> list[str]:
    lines = ["| Fält | Typ | Standard | Beskrivning |", "|---|---|---|---|"]
    for name, f in model.model_fields.items():
        shown = f.alias or name
        desc = (f.description or "").replace("|", "\\|")
        lines.append(f"| `{shown}` | {typnamn(f.annotation)} | {_default(f)} | {desc} |")
    return lines


def _md_table(rows: list[list[str]]) -> list[str]:
    esc = [[c.replace("|", "\\|") for c in r] for r in rows]
    out = ["| " + " | ".join(esc[0]) + " |", "|" + "|".join("---" for _ in esc[0]) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in esc[1:]]
    return out


def _cell(v: Any) -> str:
    return "" if v is None else str(v)


def _resultat(ex: Exempel, fmt: Formatter) -> tuple[list[list[str]], list[str]]:
    """The example's table as rapportgen prints it, and its comparison sentences."""
    text = textwrap.dedent(ex.yaml)
    fil = Path("tabeller.yaml")
    located = parse_yaml(text, fil)
    defs = validera_definitioner(located.data, located)
    namn, defn = next(iter(defs.items()))
    t = las(defn, namn, table_from_rows(Path("ark.xlsx"), "Ark", ex.ark, ex.enhet),  # type: ignore[arg-type]
            defn.lasning.kostnader_i_arket or "negativa")
    kolumner = list(defn.kolumner)
    etikett_forst = not any(k.typ == "etikett" for k in kolumner)
    header = ([defn.fyll(defn.etikettrubrik)] if etikett_forst else []) + [
        k.rubrik for k in kolumner]
    rows = [header]
    for r in t.rader:
        row = [r.etikett] if etikett_forst else []
        for k in kolumner:
            if k.typ == "etikett":
                row.append(r.etikett)
            elif k.typ == "text":
                row.append(r.texter.get(k.rubrik, ""))
            elif r.typ == "grupp":
                row.append("")
            else:
                row.append(fmt.belopp(r.varden.get(k.rubrik), defn.enhet, med_enhet=False).replace("\u00a0", " "))
        if r.typ in ("grupp", "summa"):
            row = [f"**{c}**" if c else c for c in row]
        elif r.typ == "varav":
            row = [f"*{c}*" if c else c for c in row]
        rows.append(row)
    meningar = [jamforelse_mening(t, j, fmt).replace("\u00a0", " ") for j in defn.jamforelse]
    return rows, meningar


def markdown() -> str:
    fmt = Formatter()
    out = [
        "<!-- Genererad av `rapportgen mallar tabeller` ur tabelldefinitionernas datamodell. "
        "Ändra inte för hand. -->",
        "",
        "# Tabelldefinitioner",
        "",
        "En verksamhetsplan eller delårsrapport kan ha ekonomitabeller som beskrivs som data i stället "
        "för i rapportgens kod: vilka rader och kolumner tabellen har, hur summorna räknas, rubrik, "
        "enhet och not, och hur tabellen läses ur ett blad i Excel.",
        "",
        "Definitionerna står i profilen (`tabeller:` i rapportgen.yaml) eller i en fil `tabeller.yaml` "
        "bredvid manifestet (eller filen som manifestets `tabelldefinitioner:` anger); en definition i "
        "filen ersätter profilens med samma namn. Manifestet väljer tabellerna i ordning:",
        "",
        "```yaml",
        "tabeller:",
        "  - tabell: driftbudget        # definitionens namn",
        "    fil: budget.xlsx           # bladet, rubrikraden och enheten tas ur definitionens läsning",
        "  - tabell: resultatbudget",
        "    fil: budget.xlsx",
        "    blad: Resultat 2023        # ersätter definitionens blad",
        "```",
        "",
        "Varje rad i arket hittas på sin etikett (eller en synonym) och varje kolumn på sin rubrik "
        "(eller en synonym); versaler, blanksteg och enhetsmarkeringar som `(tkr)` spelar ingen roll. "
        "En rad eller kolumn som definitionen inte känner till, en rad som saknas och en formel som "
        "pekar på något som inte finns är fel som anger fil och rad eller cell. Alla summarader och "
        "beräknade kolumner räknas fram ur detaljraderna, i kronor; har arket egna summarader eller "
        "totalkolumner kontrolleras de (`rapportgen check`) och ett fel anger cellen.",
        "",
        "## År relativt rapporten",
        "",
        "En definition i profilen används år efter år. Skriv då årskolumnernas år relativt "
        "rapportens `år`: `{art: Budget, år: år-1}` är föregående års budget, och i namn, "
        "synonymer, formler och jämförelser skrivs samma år `{år-1}`, t.ex. `jämförelse: {a: "
        "\"Budget {år}\", b: \"Budget {år-1}\"}`.",
        "",
        "## Formler",
        "",
        "En formel är termer med `+` och `-` emellan:",
        "",
        "- `[Namn]` – en rad ovanför (i en summarad) eller en kolumn (i en beräknad kolumn);",
        "- `summa(Grupp)` – alla detaljrader i en grupp ovanför;",
        "- `summa(Art)` – alla kolumner av en art: " + ", ".join(f"`{a}`" for a in ARTER) + ".",
        "",
        "Ingenting summeras utan en formel: inkomster och utgifter läggs bara ihop om en formel säger "
        "det, och `summa(Budget)` tar bara budgetkolumnerna, aldrig bokslutsåren.",
        "",
        "## Utseende",
        "",
        "Tabellen får rubriken `titel` (formatet `rubrikstil`, standard Heading 2), enhetsraden "
        "(`enhetstext`, standard \"Belopp i tkr\"), och `not` under tabellen. `tabellstil` namnger ett "
        "tabellformat i Word-mallen; saknas formatet i mallen används rapportgens eget och en notis "
        "skrivs. Så ändrar man tabellernas utseende i Word, utan att röra definitionen.",
        "",
        "## Jämförelser i texten",
        "",
        "`jämförelse: {a: Budget 2023, b: Budget 2022}` ger en mening i ekonomiavsnittets "
        "sammanfattning, t.ex. \"… vilket är 20,8 mnkr högre jämfört med budget 2022\". `rapportgen "
        "check` kontrollerar samma sorts meningar i ekonomitexterna mot samma jämförelse.",
        "",
        "## Fälten",
        "",
    ]
    for title, model in (("Tabelldefinition", Tabelldefinition), ("Kolumn (`kolumner`)", Kolumndef),
                         ("Rad (`rader`)", Radpost), ("Detaljrad (`rader` i en grupp)", Detaljrad),
                         ("Varav-rad (`varav`)", Varavrad), ("Bredd (`bredd`)", Bredd), ("Läsning (`läsning`)", Lasning),
                         ("Jämförelse (`jämförelse`)", Jamforelse), ("Manifestets `tabeller`", Tabellval)):
        out += [f"### {title}", "", *_fields(model), ""]
    out += ["## Exempel", "", "Varje exempel läses och räknas av rapportgen när sidan genereras: "
            "resultattabellen är den som skrivs ut för exemplets ark.", ""]
    for ex in EXEMPEL:
        rows, meningar = _resultat(ex, fmt)
        out += [f"### {ex.rubrik}", "", ex.text, "", "```yaml", "tabeller:",
                *("  " + line if line else "" for line in textwrap.dedent(ex.yaml).rstrip().splitlines()),
                "```", "", f"Arket (belopp i {ex.enhet}):", "",
                *_md_table([[_cell(c) for c in r] for r in ex.ark]), "", "Tabellen i rapporten:", "",
                *_md_table(rows), ""]
        for m in meningar:
            out += [f"> {m}", ""]
    return "\n".join(out).rstrip() + "\n"
