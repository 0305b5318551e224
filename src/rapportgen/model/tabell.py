"""One table model for every table rapportgen reads or writes: Excel sheets, Markdown tables in
texts, generated tables.

A table is a label column and value columns. The model knows its sum rows (by label: Summa,
Totalt, Total, S:a, Netto..., a capitalised label over a group, an unlabelled last row), its
sum columns (Summa, Totalt, Total) and its difference columns (Avvikelse, Differens,
'Utfall − Budget'); checks.tabell verifies them. Values are held in kronor when the unit is
known (else in the table's own unit) with the display step they were rounded to, so the
rounding tolerance applies only to values that were rounded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

# Row labels that make a row a sum of the rows above it.
SUMMA_ETIKETT = re.compile(
    r"^(?:(?:summa|s:a|totalt)(?:\s.*)?|total|netto(?:kostnad(?:er)?|resultat|intäkter)?(?:\s.*)?)$",
    re.IGNORECASE)
# Column headings of a sum column (the sum of the value columns before it).
SUMMA_KOLUMN = re.compile(r"^(?:summa|s:a|totalt?|total)(?:\s|$)", re.IGNORECASE)
# Column headings of a difference column.
DIFFERENS_KOLUMN = re.compile(r"avvikelse|differens|skillnad", re.IGNORECASE)
_MINUS = r"\s[-\u2212\u2013]\s"
_A_KANDIDAT = re.compile(r"utfall|prognos|bokslut", re.IGNORECASE)
_B_KANDIDAT = re.compile(r"budget", re.IGNORECASE)


def norm(text: str) -> str:
    """A label or heading as compared: NFC, casefolded, no unit or sign marks, single spaces."""
    text = unicodedata.normalize("NFC", text).casefold().replace("*", "")
    text = re.sub(r"\((?:-|\+|[−–])\)|\((?:kr|tkr|mnkr)\)", "", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.split()).strip(" :")


def _kolumn_som_heter(names: list[str], name: str, utom: int) -> int | None:
    """The column named name, or the only one whose name begins with it ('utfall' -> 'utfall 2024')."""
    if name in names and names.index(name) != utom:
        return names.index(name)
    found = [i for i, n in enumerate(names) if i != utom and n.startswith(name + " ")]
    return found[0] if len(found) == 1 else None


_FYLLORD = {"mot", "och", "i", "för", "av", "-", "−", "(-)"}


def _kvalificerare(rubrik: str) -> list[str]:
    """The words of a difference column's heading besides the difference itself:
    'Avvikelse period' -> ['period'], 'Prognosavvikelse' -> ['prognos']."""
    out = []
    for word in rubrik.split():
        word = re.sub(r"avvikelse|differens|skillnad", "", word)
        if word and word not in _FYLLORD:
            out.append(word)
    return out


def ar_summaetikett(etikett: str) -> bool:
    """'Summa', 'SUMMA', 'Totalt investeringar', 'S:a', 'Netto', 'Nettokostnader (-)' ..."""
    return bool(SUMMA_ETIKETT.match(norm(etikett)))


def ar_versaletikett(etikett: str) -> bool:
    """A label in capitals ('ÄLDREOMSORG'), at least five letters: a group's heading."""
    letters = [c for c in etikett if c.isalpha()]
    return len(letters) >= 5 and all(c.isupper() for c in letters)


@dataclass
class Tabellcell:
    """One value: as written, the number (kronor when the unit is known), the display step it
    was rounded to (0 when not rounded) and where it is."""

    text: str
    varde: Decimal | None
    steg: Decimal = Decimal(0)
    plats: str | None = None


@dataclass
class Tabellrad:
    """One row of a table: its label, one cell per value column, and where it is."""

    etikett: str
    celler: list[Tabellcell]  # one per value column
    plats: str | None = None

    @property
    def tom(self) -> bool:
        return all(c.varde is None for c in self.celler)


@dataclass(frozen=True)
class Differens:
    """Column kolumn = a - b (indexes into the value columns)."""

    kolumn: int
    a: int
    b: int


@dataclass
class Tabellmodell:
    """A table with a label column and value columns.

    fil: the file; namn: where in it ('blad Investeringar', 'tabell på rad 12');
    enhet: 'kr', 'tkr', 'mnkr' when the values are amounts in kronor, else None.
    """

    fil: str
    namn: str
    etikettkolumn: str
    kolumner: list[str]
    rader: list[Tabellrad] = field(default_factory=list)
    enhet: str | None = None
    # Text above the table (a sheet's title rows: 'Periodrapport per 2023 08 (kr)'): (text, plats).
    titlar: list[tuple[str, str | None]] = field(default_factory=list)

    # --- rows -------------------------------------------------------------------------------

    def summarader(self) -> list[int]:
        """Indexes of the sum rows: by label, and an unlabelled last row with values."""
        out = [i for i, r in enumerate(self.rader) if ar_summaetikett(r.etikett) and not r.tom]
        if self.rader and len(self.rader) > 2:
            last = len(self.rader) - 1
            if not self.rader[last].etikett.strip() and not self.rader[last].tom and last not in out:
                out.append(last)
        return out

    def datarader(self) -> list[Tabellrad]:
        """The rows that are data (not sums): what a document's figures are made of."""
        summor = set(self.summarader())
        return [r for i, r in enumerate(self.rader) if i not in summor]

    def grupper(self) -> list[tuple[int, list[int]]]:
        """(heading row, its rows) for each capitalised label heading a group of rows below it."""
        summor = set(self.summarader())
        out = []
        for i, r in enumerate(self.rader):
            if i in summor or r.tom or not ar_versaletikett(r.etikett):
                continue
            members = []
            for j in range(i + 1, len(self.rader)):
                other = self.rader[j]
                if j in summor or ar_versaletikett(other.etikett):
                    break
                if norm(other.etikett).startswith("varav"):
                    continue
                members.append(j)
            if members:
                out.append((i, members))
        return out

    def delar_for_summa(self, index: int) -> tuple[list[int], list[int]]:
        """The rows a sum row adds up: (since the previous sum row, all data rows above).

        The first is what a subtotal sums; the second what a grand total after subtotals sums.
        Group headings' members and 'varav' rows are not counted twice.
        """
        summor = set(self.summarader())
        in_group = {m for _, members in self.grupper() for m in members}
        above = [j for j in range(index) if j not in summor and not self.rader[j].tom
                 and not norm(self.rader[j].etikett).startswith("varav")]
        alla = [j for j in above if j not in in_group]
        previous = max((s for s in summor if s < index), default=-1)
        sedan = [j for j in alla if j > previous]
        return sedan, alla

    # --- columns ----------------------------------------------------------------------------

    def summakolumner(self) -> list[tuple[int, list[int]]]:
        """(sum column, the columns it sums): the value columns before it that are neither
        differences nor sums."""
        diff = {d.kolumn for d in self.differenskolumner()}
        out = []
        for k, rubrik in enumerate(self.kolumner):
            if SUMMA_KOLUMN.match(norm(rubrik)):
                parts = [j for j in range(k) if j not in diff and not SUMMA_KOLUMN.match(norm(self.kolumner[j]))]
                if len(parts) >= 2:
                    out.append((k, parts))
        return out

    def differenskolumner(self) -> list[Differens]:
        """Difference columns and their terms: 'A − B' spelt out in the heading, or the nearest
        Utfall/Prognos column (a) and Budget column (b) to the left of an Avvikelse column."""
        names = [norm(k) for k in self.kolumner]
        out = []
        for k, rubrik in enumerate(names):
            explicit = re.split(_MINUS, " " + self.kolumner[k].strip() + " ", maxsplit=1)
            if len(explicit) == 2:
                a_i = _kolumn_som_heter(names, norm(explicit[0]), k)
                b_i = _kolumn_som_heter(names, norm(explicit[1]), k)
                if a_i is not None and b_i is not None:
                    out.append(Differens(k, a_i, b_i))
                    continue
            if not DIFFERENS_KOLUMN.search(rubrik):
                continue
            left = [j for j in range(k - 1, -1, -1) if not DIFFERENS_KOLUMN.search(names[j])]
            a = next((j for j in left if _A_KANDIDAT.search(names[j]) and not _B_KANDIDAT.search(names[j])), None)
            b = next((j for j in left if _B_KANDIDAT.search(names[j])), None)
            if a is None or b is None:
                continue
            # 'Avvikelse period' is Utfall period - Budget period; 'Avvikelse innevarande månad'
            # names neither neighbour, so it is a figure of its own, not verified.
            terms = names[a] + " " + names[b]
            if all(w in terms for w in _kvalificerare(rubrik)):
                out.append(Differens(k, a, b))
        return out

    def kolumn(self, rubrik: str) -> int | None:
        key = norm(rubrik)
        return next((i for i, k in enumerate(self.kolumner) if norm(k) == key), None)


# --- building the model -------------------------------------------------------------------

_ENHET = re.compile(r"\((kr|tkr|mnkr)\)|\b(tkr|mnkr)\b", re.IGNORECASE)
_FAKTOR = {"kr": Decimal(1), "tkr": Decimal(1000), "mnkr": Decimal(1_000_000)}


def enhet_i(texts: list[str]) -> str | None:
    """The unit a table's headings name: '(tkr)', 'mnkr' ...; None when none does."""
    for text in texts:
        m = _ENHET.search(text)
        if m:
            return (m.group(1) or m.group(2)).lower()
    return None


def tal_i_text(text: str) -> tuple[Decimal, int] | None:
    """The number a table cell shows and its decimals ('-20 288' -> (-20288, 0)); None for text,
    percentages and empty cells."""
    from ..format import parse_tal

    clean = text.replace("*", "").replace("\u00a0", " ").strip()
    if not clean or "%" in clean or not re.search(r"\d", clean):
        return None
    if re.fullmatch(r"(?:19|20)\d\d", clean):  # a year is a label, not an amount
        return None
    try:
        value = parse_tal(clean)
    except ValueError:
        return None
    exponent = value.as_tuple().exponent
    return value, (max(0, -exponent) if isinstance(exponent, int) else 0)


def fran_text(fil: str, namn: str, huvud: list[str], rader: list[tuple[str | None, list[str]]],
              enhet: str | None = None) -> Tabellmodell:
    """A table written as text (a Markdown table): headings and (plats, cells) rows. Every value
    was rounded to the decimals it shows."""
    enhet = enhet or enhet_i(huvud)
    faktor = _FAKTOR.get(enhet or "", Decimal(1))
    model = Tabellmodell(fil, namn, huvud[0] if huvud else "", list(huvud[1:]), enhet=enhet)
    for plats, cells in rader:
        if not cells:
            continue
        values = []
        for k, rubrik in enumerate(model.kolumner, start=1):
            text = cells[k] if k < len(cells) else ""
            parsed = tal_i_text(text)
            where = f"{plats}, kolumn '{rubrik}'" if plats else f"kolumn '{rubrik}'"
            if parsed is None:
                values.append(Tabellcell(text, None, Decimal(0), where))
            else:
                value, decimals = parsed
                values.append(Tabellcell(text, value * faktor, faktor * Decimal(10) ** -decimals, where))
        model.rader.append(Tabellrad(cells[0].replace("*", "").strip(), values, plats))
    return model


def fran_block(fil: str, tabell, radforskjutning: int = 0, plats=None) -> Tabellmodell:
    """A Markdown table (model.block.Tabell) as a table model; rows are located by line.

    plats(line) gives where a line is (default 'rad N')."""
    from .block import runs_text

    def where(line: int) -> str:
        return plats(line) if plats else f"rad {line}"

    huvud = [runs_text(c).strip() for c in tabell.huvud]
    rader = [(where(tabell.rad + 2 + i + radforskjutning), [runs_text(c).strip() for c in rad])
             for i, rad in enumerate(tabell.rader)]
    return fran_text(fil, f"tabellen på {where(tabell.rad + radforskjutning)}", huvud, rader)


def fran_belopp(fil: str, namn: str, etikettkolumn: str, kolumner: list[str],
                rader: list[tuple[str, dict, dict, str | None]], enhet: str = "kr") -> Tabellmodell:
    """A sheet already read into kronor: (label, values per column, plats per column, row plats).
    A value's step is the last decimal it was stored with, in the sheet's unit."""
    faktor = _FAKTOR.get(enhet, Decimal(1))
    model = Tabellmodell(fil, namn, etikettkolumn, list(kolumner), enhet=enhet)
    for etikett, varden, platser, radplats in rader:
        cells = []
        for k in kolumner:
            value = varden.get(k)
            steg = Decimal(0)
            if value is not None:
                in_unit = (value / faktor).normalize()
                exponent = in_unit.as_tuple().exponent
                steg = faktor * Decimal(10) ** (exponent if isinstance(exponent, int) and exponent < 0 else 0)
            cells.append(Tabellcell("" if value is None else str(value), value, steg,
                                    platser.get(k) or radplats))
        model.rader.append(Tabellrad(etikett, cells, radplats))
    return model
