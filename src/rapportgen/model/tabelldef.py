"""Economy tables declared as data: a table definition (rows, columns, title, unit, how the
sheet is read) and the table computed from a sheet by it.

A definition is written in YAML (the profile's `tabeller:` or a `tabeller.yaml` beside the
manifest) and validated here; inputs/tabelldef.py reads a sheet by it and this module computes
every sum row and computed column from the detail rows, in kronor:

    tabeller:
      resultatbudget:
        titel: Resultatbudget
        enhet: tkr
        kolumner: [{art: Budget, år: 2023}, {art: Budget, år: 2022}]
        rader:
          - grupp: Intäkter
            rader: [Taxor och avgifter, Hyror, Bidrag]
            summa: Summa intäkter
          - summa: Nettokostnad
            formel: "[Summa intäkter] + [Summa kostnader]"

Formulas are terms joined by + and -: `[Namn]` (a row or a column), `summa(Grupp)` (every
detail row of a group) or `summa(Art)` (every column of a kind, e.g. summa(Budget)).
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from .common import Strict, Text, TextList, ny_lista
from .tabell import norm

ARTER = ("Bokslut", "Budget", "Prognos", "Utfall", "Plan", "Inkomst", "Utgift")
Art = Literal["Bokslut", "Budget", "Prognos", "Utfall", "Plan", "Inkomst", "Utgift"]
Enhet = Literal["kr", "tkr", "mnkr"]
ENHETSTEXT = {"kr": "Belopp i kr", "tkr": "Belopp i tkr", "mnkr": "Belopp i mnkr"}

_TERM = re.compile(r"\s*([+-])?\s*(?:\[([^\[\]]+)\]|summa\(\s*([^()]+?)\s*\))\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """One term of a formula: [namn] or summa(namn), added or subtracted."""

    tecken: int  # +1 or -1
    namn: str
    summa: bool  # summa(namn): a group (rows) or a kind (columns)


def parse_formel(text: str) -> list[Term]:
    """'[Summa intäkter] + [Summa kostnader]' -> terms; a ValueError (Swedish) when malformed."""
    terms: list[Term] = []
    pos = 0
    text = text.strip()
    if not text:
        raise ValueError("formeln är tom")
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"formeln '{text}' kan inte läsas vid '{text[pos:pos + 20]}'; skriv termer "
                             "som [Namn] eller summa(Grupp) med + och - emellan")
        if terms and m.group(1) is None:
            raise ValueError(f"formeln '{text}' saknar + eller - före '{m.group(0).strip()}'")
        namn = (m.group(2) or m.group(3)).strip()
        terms.append(Term(-1 if m.group(1) == "-" else 1, namn, m.group(3) is not None))
        pos = m.end()
    return terms


def _formel(value: Any) -> Any:
    if isinstance(value, str):
        parse_formel(value)
    return value


Formel = Annotated[str, BeforeValidator(_formel)]


_RELATIVT = re.compile(r"^år(?:\s*([+-])\s*(\d{1,2}))?$")
_AR_I_TEXT = re.compile(r"\{år(?:\s*([+-])\s*(\d{1,2}))?\}")


def _relativt_ar(value: Any) -> Any:
    if isinstance(value, str):
        compact = value.replace(" ", "")
        if not _RELATIVT.match(compact):
            raise ValueError(f"är inte ett år ({value!r}); skriv t.ex. 2024, 'år' eller 'år-1'")
        return compact
    return value


RelativtAr = Annotated[str, BeforeValidator(_relativt_ar)]


def _ar_av(match: re.Match, ar: int) -> int:
    sign, n = match.group(1), match.group(2)
    return ar + (int(n) if sign == "+" else -int(n)) if n else ar


def med_ar(value: Any, ar: int) -> Any:
    """Every '{år-1}' in the strings of value (a definition as data) and every relative 'år'
    field resolved against the report's year."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("år", "ar") and isinstance(v, str) and _RELATIVT.match(v.replace(" ", "")):
                out[k] = _ar_av(_RELATIVT.match(v.replace(" ", "")), ar)  # type: ignore[arg-type]
            else:
                out[k] = med_ar(v, ar)
        return out
    if isinstance(value, list):
        return [med_ar(v, ar) for v in value]
    if isinstance(value, str):
        return _AR_I_TEXT.sub(lambda m: str(_ar_av(m, ar)), value)
    return value


def _rad_kortform(value: Any) -> Any:
    """A detail row written as its label only: '- Hyror'."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {"namn": str(value)}
    return value


class Varavrad(Strict):
    namn: Text = Field(description="Radens etikett, t.ex. 'Varav personalkostnader'; 'Varav *' tar varje rad "
                                   "som börjar med 'Varav ', med etiketten som i arket")
    synonymer: TextList = Field(default_factory=ny_lista, description="Andra etiketter raden kan ha i arket")
    valfri: bool = Field(False, description="Raden får saknas i arket (visas då inte)")


class Detaljrad(Strict):
    """A row read from the sheet, matched by its label (or a synonym)."""

    namn: Text = Field(description="Radens etikett i tabellen, t.ex. 'Taxor och avgifter'")
    synonymer: TextList = Field(default_factory=ny_lista, description="Andra etiketter raden kan ha i arket, t.ex. 'Avgifter'")
    valfri: bool = Field(False, description="Raden får saknas i arket (visas då inte)")
    varav: list[Annotated[Varavrad, BeforeValidator(_rad_kortform)]] = Field(
        default_factory=ny_lista, description="Varav-rader under raden (kursiva, ingår inte i summor)")


class Radpost(Strict):
    """One entry of a definition's rows: a group (grupp, rader, optional summa) or a sum row
    computed by a formula (summa, formel)."""

    grupp: Text | None = Field(None, description="Gruppens namn, t.ex. 'Intäkter' (refereras som summa(Intäkter))")
    rubrik: bool = Field(True, description="Grupp: visa gruppens namn som en rubrikrad")
    rader: list[Annotated[Detaljrad, BeforeValidator(_rad_kortform)]] | Literal["alla"] | None = Field(
        None, description="Grupp: raderna i ordning (etikett eller {namn, synonymer, valfri, varav}); eller "
                          "'alla': varje rad i arket som inte är en annan rad i definitionen, i arkets ordning")
    summa: Text | None = Field(None, description="Gruppens summarad (= summa(Grupp)), eller en summarads etikett, "
                                                 "t.ex. 'Nettokostnad'")
    formel: Formel | None = Field(None, description="Summarad: t.ex. '[Summa intäkter] + [Summa kostnader]' "
                                                    "eller 'summa(Intäkter)'")
    synonymer: TextList = Field(default_factory=ny_lista, description="Andra etiketter summaraden kan ha i arket")
    kostnader: bool = Field(False, description="Grupp: raderna är kostnader; de hålls negativa och skrivs i "
                                                "arket med tecknet som 'kostnader_i_arket' anger")

    @model_validator(mode="after")
    def _grupp_eller_summa(self) -> "Radpost":
        if self.grupp is not None:
            if self.rader is None:
                raise ValueError(f"gruppen '{self.grupp}' saknar 'rader' (en lista eller 'alla')")
            if self.formel is not None:
                raise ValueError("en grupp har ingen formel; dess summarad är summa(gruppen)")
        else:
            if self.summa is None or self.formel is None:
                raise ValueError("en rad i 'rader' är en grupp (grupp, rader, summa) eller en summarad "
                                 "(summa, formel)")
            if self.rader is not None or self.kostnader or not self.rubrik:
                raise ValueError("en summarad har bara summa, formel och synonymer")
        return self

    @property
    def ar_grupp(self) -> bool:
        return self.grupp is not None


# A column's role for prose, charts and checks (delårsrapport): which column is the budget, the
# outcome, the forecast and the deviations, e.g. Timrå's 'Budget helår' and 'Avvikelse period'.
KOLUMNROLLER = {
    "budget": "helårsbudgeten",
    "utfall": "utfallet för perioden",
    "avvikelse": "periodens avvikelse mot budget",
    "prognos": "årsprognosen",
    "prognosavvikelse": "årsprognosens avvikelse mot budget",
}
Kolumnroll = Literal["budget", "utfall", "avvikelse", "prognos", "prognosavvikelse"]


class Kolumndef(Strict):
    """A column: a year column (art + år), a text column (typ: text), the label column
    (typ: etikett) or a computed column (formel)."""

    namn: Text | None = Field(None, description="Rubriken i tabellen; för årskolumner standard 'Art År', t.ex. 'Budget 2023'")
    art: Art | None = Field(None, description="Årskolumnens art: " + ", ".join(ARTER))
    ar: Annotated[int, Field(ge=1900, le=2200)] | RelativtAr | None = Field(
        None, alias="år", description="Årskolumnens år, eller relativt rapportens år: 'år', 'år-1', 'år+2' "
                                      "(i namn, synonymer och formler skrivs det {år}, {år-1}, {år+2})")
    typ: Literal["belopp", "text", "etikett"] = Field(
        "belopp", description="belopp (standard), text (t.ex. Proj nr, SB) eller etikett (radernas etikett)")
    synonymer: TextList = Field(default_factory=ny_lista, description="Andra rubriker kolumnen kan ha i arket")
    valfri: bool = Field(False, description="Kolumnen får saknas i arket (visas då inte)")
    formel: Formel | None = Field(None, description="Beräknad kolumn, t.ex. '[Budget 2023] - [Budget 2022]' "
                                                    "eller 'summa(Inkomst) + summa(Utgift)'")
    fran: Literal["rubrikraden"] | None = Field(
        None, alias="från", description="'rubrikraden': arkets årskolumner, i arkets ordning, blir kolumner här; "
                                        "varje rubrik ska vara 'Art År' med en art ur 'arter', t.ex. 'Plan 2025'")
    arter: list[Art] = Field(default_factory=ny_lista, description="Med från: rubrikraden: de arter arkets "
                                                               "årskolumner får ha")
    roll: Kolumnroll | None = Field(None, description="Vad kolumnen är för den genererade texten, diagrammen och "
                                                      "kontrollerna: " + "; ".join(f"{k}: {v}" for k, v in KOLUMNROLLER.items()))

    @model_validator(mode="after")
    def _komplett(self) -> "Kolumndef":
        if self.fran is not None:
            if self.namn or self.art or self.ar or self.formel or self.typ != "belopp" or self.synonymer or self.roll:
                raise ValueError("en kolumn 'från: rubrikraden' har bara 'arter' (och 'valfri')")
            if not self.arter:
                raise ValueError("ange 'arter', t.ex. [Bokslut, Budget, Plan]")
            return self
        if self.arter:
            raise ValueError("'arter' hör till en kolumn 'från: rubrikraden'")
        if self.typ != "belopp" and (self.art or self.ar or self.formel or self.roll):
            raise ValueError(f"en {self.typ}kolumn har varken art, år, formel eller roll")
        if self.typ != "belopp" and not self.namn:
            raise ValueError(f"en {self.typ}kolumn behöver 'namn'")
        if self.typ == "belopp" and self.formel is None and (self.art is None or self.ar is None) and not self.namn:
            raise ValueError("ange 'art' och 'år' (t.ex. art: Budget, år: 2023), 'namn' eller 'formel'")
        if self.formel is not None and not self.namn:
            raise ValueError("en beräknad kolumn behöver 'namn', t.ex. 'Totalt'")
        if (self.art is None) != (self.ar is None) and self.formel is None:
            raise ValueError("ange både 'art' och 'år'")
        return self

    @property
    def rubrik(self) -> str:
        if self.fran is not None:
            return "(" + "/".join(self.arter) + " från rubrikraden)"
        if self.namn:
            return self.namn
        return f"{self.art} {{{self.ar}}}" if isinstance(self.ar, str) else f"{self.art} {self.ar}"

    @property
    def beraknad(self) -> bool:
        return self.formel is not None


_ARSRUBRIK = re.compile(r"^(\S+) (\d{4})$")


def arsrubrik(text: str, arter: list[str]) -> tuple[str, int] | None:
    """'Plan 2025' -> ('Plan', 2025) when the kind is one of arter."""
    m = _ARSRUBRIK.match(" ".join(str(text).split()))
    if m is None or m.group(1) not in arter:
        return None
    return m.group(1), int(m.group(2))


class Lasning(Strict):
    """How the table is read from a sheet (the manifest may override blad, rubrikrad, enhet)."""

    blad: str | int | None = Field(None, description="Bladets namn eller nummer")
    rubrikrad: int = Field(1, ge=1, description="Raden med kolumnrubriker")
    enhet: Literal["kr", "tkr"] = Field("kr", description="Beloppens enhet i arket: kr eller tkr")
    etikettkolumn: TextList = Field(default_factory=lambda: ["Rad"], description="Kolumnen med radernas etiketter, "
                                    "med synonymer i tur och ordning, t.ex. [Verksamhet, Projekt]")
    gruppkolumn: TextList = Field(default_factory=ny_lista, description="Ark i långt format: kolumnen med gruppens namn "
                                  "(t.ex. [Verksamhet]); raderna i 'rader' upprepas då per grupp, och en tom cell "
                                  "fortsätter gruppen ovanför")
    omarkt_summa: bool = Field(False, alias="omärkt_summa", description="Arkets sista rad får sakna etikett "
                               "om den har belopp: den är då tabellens sista summarad (kontrolleras)")
    kostnader_i_arket: Literal["negativa", "positiva"] | None = Field(
        None, description="Hur arket skriver kostnader (grupper med kostnader: true); standard profilens "
                          "kontroller.kostnader")


class Jamforelse(Strict):
    """A comparison the economy prose makes: column a against column b, on one row."""

    a: Text = Field(description="Kolumnen som jämförs, t.ex. 'Budget 2023'")
    b: Text = Field(description="Kolumnen den jämförs med, t.ex. 'Budget 2022'")
    rad: Text | None = Field(None, description="Raden (standard: tabellens sista summarad)")


class Bredd(Strict):
    """Fixed column widths (cm) instead of widths by content: the label column and the amount
    columns (a table with text columns besides the label has its widths by content)."""

    etikett_andel: float | None = Field(None, gt=0, lt=1, description="Etikettkolumnens andel av textbredden, "
                                        "t.ex. 0.28; beloppskolumnerna delar lika på resten")
    etikett_minst: float | None = Field(None, gt=0, description="Etikettkolumnens minsta bredd i cm")
    etikett_hogst: float | None = Field(None, gt=0, alias="etikett_högst",
                                        description="Etikettkolumnens största bredd i cm")
    belopp: float | None = Field(None, gt=0, description="Varje beloppskolumns bredd i cm; etikettkolumnen "
                                 "får resten (inom etikett_minst och etikett_högst)")

    @model_validator(mode="after")
    def _en_regel(self) -> "Bredd":
        if (self.etikett_andel is None) == (self.belopp is None):
            raise ValueError("ange antingen etikett_andel eller belopp")
        return self

    def etikett(self, bredd_cm: float, belopp: int) -> float:
        """The label column's width on a text width of bredd_cm with belopp amount columns."""
        w = bredd_cm * self.etikett_andel if self.etikett_andel is not None else bredd_cm - self.belopp * belopp
        if self.etikett_minst is not None:
            w = max(self.etikett_minst, w)
        if self.etikett_hogst is not None:
            w = min(self.etikett_hogst, w)
        return w


class Tabelldefinition(Strict):
    """One economy table."""

    titel: Text = Field(description="Tabellens rubrik, t.ex. 'Resultatbudget'")
    enhet: Enhet = Field("tkr", description="Visningsenhet: kr, tkr eller mnkr")
    enhetstext: str | None = Field(None, description="Text om enheten över tabellen (standard 'Belopp i tkr'; tom: ingen)")
    not_: str | None = Field(None, alias="not", description="Not under tabellen")
    etikettrubrik: str = Field("", description="Rubriken över etikettkolumnen (om kolumnerna inte har typ: etikett); "
                               "{titel}, {enhet} och {period} ersätts, t.ex. '{titel} ({enhet})' -> "
                               "'Investeringar (tkr)'")
    tabellstil: str | None = Field(None, description="Tabellformatet i mallen (Word); saknas det används det inbyggda")
    rubrikstil: str | None = Field(None, description="Formatet för tabellens rubrik (standard Heading 2)")
    liggande: bool | None = Field(None, description="Tabellen på en liggande sida (standard: från liggande_från "
                                  "kolumner)")
    liggande_fran: int = Field(9, ge=2, alias="liggande_från", description="Utan liggande: tabellen läggs på en "
                               "liggande sida från så många kolumner (etikettkolumnen medräknad)")
    storlek: float | None = Field(None, ge=5, le=14, description="Tabellens teckenstorlek i punkter "
                                  "(standard 8,5; 7,5 från 9 kolumner)")
    bredd: Bredd | None = Field(None, description="Fasta kolumnbredder i stället för bredder efter innehållet")
    visa: Literal["grupper", "totalt", "grupper och totalt", "totalt och grupper"] = Field(
        "grupper", description="Med läsning.gruppkolumn: ett block per grupp, bara totalen över grupperna, "
                               "båda i en tabell (totalen sist), eller totalen som en egen tabell före "
                               "grupperna")
    totalrubrik: str = Field("Totalt", description="Med läsning.gruppkolumn: rubriken över totalens block; "
                             "{nämnd} ersätts med nämndens namn, {NÄMND} med namnet i versaler")
    total_etikettrubrik: str | None = Field(None, description="Med visa: totalt och grupper: rubriken över "
                                            "etikettkolumnen i totalens tabell (som etikettrubrik; standard "
                                            "etikettrubrik)")
    skugga_summa: bool = Field(True, description="Tabellens sista summarad skuggas som grupprubrikerna "
                                                 "(false: bara fet)")
    kolumner: list[Kolumndef] = Field(min_length=1, description="Kolumnerna i ordning")
    rader: list[Radpost] = Field(min_length=1, description="Grupper (grupp, rader, summa) och summarader (summa, formel)")
    lasning: Lasning = Field(default_factory=Lasning, alias="läsning", description="Hur tabellen läses ur arket")
    jamforelse: list[Jamforelse] = Field(default_factory=ny_lista, alias="jämförelse",
                                         description="Jämförelser i ekonomitexten: kolumn a mot kolumn b")

    @model_validator(mode="after")
    def _bredd_utan_textkolumner(self) -> "Tabelldefinition":
        if self.bredd is not None and any(k.typ == "text" for k in self.kolumner):
            raise ValueError("'bredd' gäller tabeller utan textkolumner; ta bort 'bredd' (bredderna följer då innehållet)")
        return self

    def fyll(self, text: str, period: str = "", namnd: str = "") -> str:
        """A heading of the definition with its placeholders filled in."""
        return (text.replace("{titel}", self.titel).replace("{enhet}", self.enhet).replace("{period}", period)
                .replace("{nämnd}", namnd).replace("{NÄMND}", namnd.upper()))

    @field_validator("jamforelse", mode="before")
    @classmethod
    def _en_jamforelse(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    # names ----------------------------------------------------------------
    @property
    def beloppskolumner(self) -> list[Kolumndef]:
        return [k for k in self.kolumner if k.typ == "belopp"]

    @property
    def indatakolumner(self) -> list[Kolumndef]:
        return [k for k in self.kolumner if k.typ == "belopp" and not k.beraknad]

    @property
    def grupper(self) -> list[Radpost]:
        return [r for r in self.rader if r.ar_grupp]

    def radnamn(self) -> list[str]:
        """Every row a formula may name: detail rows, group sums and sum rows."""
        out: list[str] = []
        for post in self.rader:
            if post.ar_grupp:
                if post.rader != "alla":
                    out += [r.namn for r in post.rader]
                if post.summa:
                    out.append(post.summa)
            else:
                out.append(post.summa)
        return out

    def for_ar(self, ar: int) -> "Tabelldefinition":
        """The definition with relative years ('år-1', '{år-1}') resolved for a report of year ar."""
        data = self.model_dump(by_alias=True, exclude_defaults=False)
        return Tabelldefinition.model_validate(med_ar(data, ar))

    def kolumn(self, namn: str) -> Kolumndef:
        for k in self.kolumner:
            if k.rubrik == namn:
                return k
        raise KeyError(namn)


def formelfel(defn: Tabelldefinition) -> list[tuple[tuple, str]]:
    """Formula references that name nothing, a row formula naming a row below it, a column
    formula naming a later computed column: (location in the definition, Swedish message)."""
    out: list[tuple[tuple, str]] = []
    kolumner = [k.rubrik for k in defn.kolumner]
    # Columns named by the sheet's header row: a name such as 'Budget {år}' is known only then.
    fran_arter = [a for k in defn.kolumner if k.fran for a in k.arter]

    def fran_rubrik(name: str) -> bool:
        return bool(fran_arter) and arsrubrik(re.sub(r"\{år[^}]*\}", "2000", name), fran_arter) is not None
    for i, k in enumerate(defn.kolumner):
        if kolumner.count(k.rubrik) > 1 and kolumner.index(k.rubrik) != i:
            out.append((("kolumner", i), f"kolumnen '{k.rubrik}' finns två gånger"))
    if sum(1 for k in defn.kolumner if k.typ == "etikett") > 1:
        out.append((("kolumner",), "bara en kolumn kan ha typ: etikett"))
    for i, k in enumerate(defn.kolumner):
        if not k.formel:
            continue
        for t in parse_formel(k.formel):
            if t.summa:
                if t.namn not in ARTER:
                    out.append((("kolumner", i, "formel"), f"summa({t.namn}): okänd art; välj {', '.join(ARTER)}"))
                elif not any(x.art == t.namn or t.namn in x.arter for x in defn.kolumner):
                    out.append((("kolumner", i, "formel"), f"summa({t.namn}): tabellen har ingen kolumn med art {t.namn}"))
            else:
                j = kolumner.index(t.namn) if t.namn in kolumner else None
                if j is None and fran_rubrik(t.namn):
                    continue
                if j is None:
                    out.append((("kolumner", i, "formel"), f"kolumnen '{t.namn}' finns inte; kolumner: "
                                + ", ".join(kolumner)))
                elif defn.kolumner[j].typ != "belopp":
                    out.append((("kolumner", i, "formel"), f"kolumnen '{t.namn}' är ingen beloppskolumn"))
                elif j == i or (defn.kolumner[j].beraknad and j > i):
                    out.append((("kolumner", i, "formel"), f"kolumnen '{t.namn}' räknas ut efter '{k.rubrik}'"))
    seen: list[str] = []
    groups: list[str] = []
    all_names = defn.radnamn()
    alla = [i for i, p in enumerate(defn.rader) if p.rader == "alla"]
    if len(alla) > 1:
        out.append((("rader", alla[1], "rader"), "bara en grupp kan ha rader: alla (arkets övriga rader)"))
    for i, post in enumerate(defn.rader):
        if post.ar_grupp:
            names = ([] if post.rader == "alla" else [r.namn for r in post.rader]) + ([post.summa] if post.summa else [])
            labels = [norm(n) for n in seen]
            for j, n in enumerate(names):
                # Rows are matched by their normalised label, so 'ÖVRIGT' and 'Övrigt' are one row.
                if norm(n) in labels or norm(n) in [norm(x) for x in names[:j]]:
                    out.append((("rader", i), f"raden '{n}' finns två gånger"))
            seen += names
            if post.grupp in groups:
                out.append((("rader", i, "grupp"), f"gruppen '{post.grupp}' finns två gånger"))
            groups.append(post.grupp)
            continue
        for t in parse_formel(post.formel):
            if t.summa:
                if t.namn not in groups:
                    known = ", ".join(groups) or "inga"
                    what = "kommer efter raden" if any(g.grupp == t.namn for g in defn.grupper) else "finns inte"
                    out.append((("rader", i, "formel"), f"summa({t.namn}): gruppen {what}; grupper ovanför: {known}"))
            elif t.namn not in seen:
                what = "kommer efter raden" if t.namn in all_names else "finns inte"
                out.append((("rader", i, "formel"), f"raden '{t.namn}' {what}; rader ovanför: " + ", ".join(seen)))
        if post.summa in seen:
            out.append((("rader", i, "summa"), f"raden '{post.summa}' finns två gånger"))
        seen.append(post.summa)
    roller: list[str] = []
    for i, k in enumerate(defn.kolumner):
        if k.roll is not None and k.roll in roller:
            out.append((("kolumner", i, "roll"), f"rollen '{k.roll}' har redan en annan kolumn"))
        roller.append(k.roll)
    for i, j in enumerate(defn.jamforelse):
        for key in ("a", "b"):
            name = getattr(j, key)
            if fran_rubrik(name):
                continue
            if name not in kolumner or defn.kolumn(name).typ != "belopp":
                out.append((("jämförelse", i, key), f"kolumnen '{name}' finns inte bland beloppskolumnerna"))
        if j.rad is not None and j.rad not in all_names:
            out.append((("jämförelse", i, "rad"), f"raden '{j.rad}' finns inte i tabellen"))
    return out


# The computed table ---------------------------------------------------------------------------

Belopp = Decimal | None
Radtyp = Literal["grupp", "detalj", "varav", "summa"]


@dataclass
class Tabellrad:
    """One shown row: its label, kind and values in kronor (computed columns included)."""

    etikett: str
    typ: Radtyp
    varden: dict[str, Belopp] = field(default_factory=dict)
    texter: dict[str, str] = field(default_factory=dict)  # text columns
    platser: dict[str, str] = field(default_factory=dict)  # column -> 'blad X, cell D4'
    plats: str = ""  # where the row's label is
    grupp: str | None = None
    angiven: dict[str, Belopp] | None = None  # a sum row as the sheet gives it (verified)
    angivna_platser: dict[str, str] = field(default_factory=dict)
    formel: str = ""  # a sum row's formula, as shown in messages
    under: str | None = None  # a varav row: the row it belongs to
    block: str | None = None  # long sheets (läsning.gruppkolumn): the group the row belongs to


@dataclass
class Definierad:
    """A table read from a sheet by its definition, every value in kronor."""

    namn: str  # the definition's name
    definition: Tabelldefinition
    fil: str
    blad: str | None
    enhet_in: str  # the sheet's unit
    rader: list[Tabellrad]
    kostnader_i_arket: str = "negativa"
    saknade: set[str] = field(default_factory=set)  # optional columns the sheet lacks (not shown)

    def rad(self, etikett: str, block: str | None = None) -> Tabellrad:
        for r in self.rader:
            if r.etikett == etikett and r.typ != "grupp" and r.block == block:
                return r
        raise KeyError(etikett)

    @property
    def visade(self) -> list[Kolumndef]:
        return [k for k in self.definition.kolumner if k.rubrik not in self.saknade]

    @property
    def kolumner(self) -> list[str]:
        return [k.rubrik for k in self.visade]

    def varde(self, rad: str, kolumn: str) -> Belopp:
        return self.rad(rad).varden.get(kolumn)

    def sista_summa(self) -> Tabellrad:
        sums = [r for r in self.rader if r.typ == "summa"]
        return sums[-1] if sums else self.rader[-1]


def _add(a: Belopp, b: Belopp, sign: int = 1) -> Belopp:
    return None if a is None or b is None else a + sign * b


def berakna(defn: Tabelldefinition, rader: list[Tabellrad]) -> list[Tabellrad]:
    """Fill in the group sums, the sum rows and the computed columns. rader holds the group
    heading, detail and varav rows in order, with their input values; the returned list has the
    sum rows in place."""
    inputs = [k.rubrik for k in defn.indatakolumner]
    by_group: dict[str, list[Tabellrad]] = {}
    for r in rader:
        if r.typ == "detalj" and r.grupp is not None:
            by_group.setdefault(r.grupp, []).append(r)
    out: list[Tabellrad] = []
    named: dict[str, Tabellrad] = {}
    queue = list(rader)
    for post in defn.rader:
        if post.ar_grupp:
            while queue and (queue[0].grupp == post.grupp):
                r = queue.pop(0)
                out.append(r)
                if r.typ == "detalj":
                    named[r.etikett] = r
            if post.summa:
                members = by_group.get(post.grupp, [])
                values: dict[str, Belopp] = {}
                for k in inputs:
                    total: Belopp = Decimal(0)
                    for m in members:
                        total = _add(total, m.varden.get(k))
                    values[k] = total
                row = Tabellrad(post.summa, "summa", values, grupp=post.grupp, formel=f"summa({post.grupp})")
                out.append(row)
                named[post.summa] = row
            continue
        values = {}
        for k in inputs:
            total = Decimal(0)
            for t in parse_formel(post.formel):
                if t.summa:
                    part: Belopp = Decimal(0)
                    for m in by_group.get(t.namn, []):
                        part = _add(part, m.varden.get(k))
                else:
                    # An optional row the sheet lacks counts as nothing.
                    part = named[t.namn].varden.get(k) if t.namn in named else Decimal(0)
                total = _add(total, part, t.tecken)
            values[k] = total
        row = Tabellrad(post.summa, "summa", values, formel=post.formel)
        out.append(row)
        named[post.summa] = row
    for r in out:
        if r.typ == "grupp":
            continue
        for k in defn.beloppskolumner:
            if k.beraknad:
                r.varden[k.rubrik] = kolumnvarde(defn, r.varden, k)
    return out


def kolumnvarde(defn: Tabelldefinition, varden: dict[str, Belopp], k: Kolumndef) -> Belopp:
    """A computed column's value from the row's other values."""
    assert k.formel is not None
    total: Belopp = Decimal(0)
    for t in parse_formel(k.formel):
        if t.summa:
            part: Belopp = Decimal(0)
            for x in defn.kolumner:
                if x.art == t.namn and x.typ == "belopp":
                    part = _add(part, varden.get(x.rubrik))
        else:
            part = varden.get(t.namn)
        total = _add(total, part, t.tecken)
    return total


# Prose comparisons ----------------------------------------------------------------------------

# '..., vilket är 22,0 mnkr högre jämfört med budget 2022': the difference, its direction and the
# column compared with (as generated, and as people write it in the economy comments).
JAMFORELSE_MENING = re.compile(
    r"(?P<d>\d[\d \u00a0\u202f]*(?:,\d+)?)[ \u00a0]mnkr (?P<r>högre|lägre|mer|mindre) jämfört med "
    r"(?P<b>[^\s()]+ \d{4})", re.IGNORECASE)


def jamforelserad(t: Definierad, j: Jamforelse) -> Tabellrad:
    return t.rad(j.rad) if j.rad else t.sista_summa()


def jamforelse_skillnad(t: Definierad, j: Jamforelse) -> tuple[Belopp, Belopp, Belopp]:
    """(a, b, how much larger a is than b in size): costs may carry either sign, so 'higher'
    compares magnitudes."""
    rad = jamforelserad(t, j)
    a, b = rad.varden.get(j.a), rad.varden.get(j.b)
    if a is None or b is None:
        return a, b, None
    return a, b, abs(a) - abs(b)


def jamforelse_mening(t: Definierad, j: Jamforelse, fmt: Any) -> str:
    """'I resultatbudget är nettokostnad för budget 2023 -555,7 mnkr, vilket är 14,5 mnkr högre
    jämfört med budget 2022 (-541,2 mnkr).' Every figure from the kronor, rounded once."""
    rad = jamforelserad(t, j)
    a, b, d = jamforelse_skillnad(t, j)
    start = f"I {t.definition.titel.lower()} är {rad.etikett.lower()} för {j.a.lower()}"
    if a is None or b is None or d is None:
        missing = j.a if a is None else j.b
        return f"{start} inte jämförbart med {j.b.lower()}: beloppet för {missing.lower()} saknas."
    text = f"{start} {fmt.belopp(a, 'mnkr', 1)}"
    if fmt.mnkr(abs(d)) in ("0,0", "-0,0"):
        return text + f", oförändrat jämfört med {j.b.lower()}."
    riktning = "högre" if d > 0 else "lägre"
    return (text + f", vilket är {fmt.belopp(abs(d), 'mnkr', 1)} {riktning} jämfört med {j.b.lower()} "
            f"({fmt.belopp(b, 'mnkr', 1)}).")
