"""Excel (.xlsx) and CSV tables with located cells.

    from rapportgen.inputs.excel import load_table
    tabell = load_table("budget.xlsx", blad="Drift", rubrikrad=3, enhet="tkr")
    for rad in tabell.rader:
        netto_kr = rad.belopp("Budget 2023")   # kronor, whatever the file's unit
        namn = rad.text("Verksamhet")         # text cells stay text: '68/30', 'stängd'

The input declares whether its amounts are in kr or tkr; amounts come out in
kronor so every later stage computes in kronor and rounds only for display.
Every error names the file, sheet and cell: `budget.xlsx, blad Drift, cell D14`.
A YAML input can embed a `Tabellkalla` (fil, blad, rubrikrad, enhet) to point at a table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, TypeVar

from babel.numbers import format_decimal

from ..granser import aktiva, check_file_size, check_zip
from pydantic import BaseModel, Field, ValidationError

from ..exceptions import InputError
from ..format import LOCALE, parse_tal
from ..model.common import Strict
from .text import clean_text
from .xlsx import Xlsxbok, Xlsxfel, formeltext
from .yamlsrc import translate_error

if TYPE_CHECKING:
    import pandas as pd

M = TypeVar("M", bound=BaseModel)
Enhet = Literal["kr", "tkr"]
Kolumntyp = Literal["text", "belopp", "tal", "datum"]
FAKTOR = {"kr": Decimal(1), "tkr": Decimal(1000)}
# Cells that mean "no value" in an amount column.
TOMMA = {"", "-", "\u2013", "\u2212"}
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")

Varde = str | Decimal | dt.date | None


class Tabellkalla(Strict):
    """Where a table comes from; embed this in a YAML input."""

    fil: Path = Field(description="Excel- eller CSV-fil, relativt indatafilen")
    blad: str | int | None = Field(None, description="Bladets namn eller nummer (1 = första); standard första bladet")
    rubrikrad: int = Field(1, ge=1, description="Raden med kolumnrubriker (1 = första raden)")
    enhet: Enhet = Field(description="Enhet för beloppen i filen: kr eller tkr")


@dataclass(frozen=True)
class Cellplats:
    """Where a cell is: file, sheet (Excel only) and cell address."""

    fil: Path
    blad: str | None
    cell: str  # "D14"
    kolumn: str | None = None  # the column's header

    @property
    def plats(self) -> str:
        return ", ".join(p for p in (f"blad {self.blad}" if self.blad else None, f"cell {self.cell}") if p)

    def __str__(self) -> str:
        return f"{self.fil}, {self.plats}"

    def fel(self, message: str) -> InputError:
        """An InputError located at this cell."""
        return InputError(message, fil=self.fil, plats=self.plats)


@dataclass
class Cell:
    """One cell of a sheet: its value as stored, where it is, and its number format."""

    varde: Varde  # as stored: text, number (Decimal), date, or None when empty
    plats: Cellplats
    format: str | None = None  # the Excel number format ('0%', '#,##0'), when read from .xlsx

    @property
    def tom(self) -> bool:
        return self.varde is None or (isinstance(self.varde, str) and not self.varde.strip())

    @property
    def text(self) -> str:
        """The cell as text: text as written, numbers with decimal comma, dates ISO."""
        v = self.varde
        if v is None:
            return ""
        if isinstance(v, Decimal):
            return format_decimal(v, format="0.##########", locale=LOCALE).replace("\u2212", "-")
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    def tal(self) -> Decimal | None:
        """The number in the cell (Swedish text like '-1 234,5' accepted); None when empty or '-'."""
        v = self.varde
        if isinstance(v, Decimal):
            return v
        if v is None or (isinstance(v, str) and v.strip() in TOMMA):
            return None
        if isinstance(v, dt.date):
            raise self.plats.fel(f"ska vara ett tal, men är ett datum ({v.isoformat()})")
        try:
            return parse_tal(v)
        except ValueError:
            raise self.plats.fel(f"ska vara ett tal, men är texten '{v}'") from None

    def datum(self) -> dt.date | None:
        v = self.varde
        if isinstance(v, dt.date):
            return v
        if self.tom:
            return None
        try:
            return dt.date.fromisoformat(str(v).strip())
        except ValueError:
            raise self.plats.fel(f"ska vara ett datum (ÅÅÅÅ-MM-DD), men är '{self.text}'") from None


@dataclass
class Rad:
    """One data row. Columns are addressed by their header text."""

    nummer: int  # row number in the sheet (Excel) or line (CSV), 1-based
    celler: dict[str, Cell]
    enhet: Enhet
    fil: Path
    blad: str | None = None

    def cell(self, kolumn: str) -> Cell:
        try:
            return self.celler[kolumn]
        except KeyError:
            known = ", ".join(f"'{k}'" for k in self.celler)
            where = f"blad {self.blad}, rad {self.nummer}" if self.blad else f"rad {self.nummer}"
            raise InputError(f"kolumnen '{kolumn}' saknas; kolumner: {known}", fil=self.fil,
                             plats=where) from None

    def text(self, kolumn: str) -> str:
        return self.cell(kolumn).text

    def tal(self, kolumn: str) -> Decimal | None:
        """A number as written in the file, without unit conversion."""
        return self.cell(kolumn).tal()

    def belopp(self, kolumn: str) -> Decimal | None:
        """An amount in kronor: the file's value times 1000 when the file is in tkr."""
        value = self.cell(kolumn).tal()
        return None if value is None else value * FAKTOR[self.enhet]

    def datum(self, kolumn: str) -> dt.date | None:
        return self.cell(kolumn).datum()

    @property
    def tom(self) -> bool:
        return all(c.tom for c in self.celler.values())


@dataclass
class Tabell:
    """A typed table read from one sheet or CSV file."""

    fil: Path
    blad: str | None
    enhet: Enhet
    rubrikrad: int
    kolumner: list[str]
    rader: list[Rad] = field(default_factory=list)
    rubriker: list[Cell] = field(default_factory=list)  # the header cells, as written
    # Text above the header row (the export's title, 'Periodrapport per 2023 08'), with its place.
    titlar: list[tuple[str, str]] = field(default_factory=list)

    def kolumn(self, namn: str) -> list[Cell]:
        if namn not in self.kolumner:
            known = ", ".join(f"'{k}'" for k in self.kolumner)
            where = f"blad {self.blad}, rad {self.rubrikrad}" if self.blad else f"rad {self.rubrikrad}"
            raise InputError(f"kolumnen '{namn}' saknas; kolumner: {known}", fil=self.fil, plats=where)
        return [r.celler[namn] for r in self.rader]

    def to_dataframe(self) -> pd.DataFrame:
        """The raw cell values (text stays text, numbers as written in the file's unit)."""
        import pandas as pd  # only here: importing it costs half a second

        return pd.DataFrame([[r.celler[k].varde for k in self.kolumner] for r in self.rader],
                            columns=self.kolumner, index=[r.nummer for r in self.rader], dtype=object)

    def modeller(self, model: type[M], falt: Mapping[str, str] | None = None,
                 belopp: Iterable[str] = ()) -> list[M]:
        """Validate every row as a pydantic model; an error names the cell.

        falt maps a model field (its alias as users write it) to a column header; by
        default a column feeds the field of the same name. Columns in belopp are passed
        as kronor (converted from tkr when needed); other cells as text, numbers or dates.
        """
        mapping = dict(falt) if falt is not None else {k: k for k in self.kolumner}
        amount_cols = set(belopp)
        for col in list(mapping.values()) + list(amount_cols):
            if col not in self.kolumner:
                self.kolumn(col)  # raises the located error
        out = []
        for rad in self.rader:
            data: dict[str, Any] = {}
            for name, col in mapping.items():
                cell = rad.celler[col]
                if cell.tom:
                    continue
                if col in amount_cols:
                    data[name] = rad.belopp(col)
                elif isinstance(cell.varde, Decimal):
                    data[name] = int(cell.varde) if cell.varde == cell.varde.to_integral_value() else cell.varde
                else:
                    data[name] = cell.varde
            try:
                out.append(model.model_validate(data))
            except ValidationError as exc:
                err = exc.errors()[0]
                first = err["loc"][0] if err["loc"] else None
                col = mapping.get(str(first)) if first is not None else None
                if col is None:  # field given by ASCII name or alias: find its column
                    for fname, finfo in model.model_fields.items():
                        if first in (fname, finfo.alias):
                            col = mapping.get(finfo.alias or fname) or mapping.get(fname)
                message = translate_error(err, model)
                if col is not None:
                    raise rad.celler[col].plats.fel(message) from None
                where = f"blad {self.blad}, rad {rad.nummer}" if self.blad else f"rad {rad.nummer}"
                raise InputError(message, fil=self.fil, plats=where) from None
        return out


def load_table(path: str | Path, *, blad: str | int | None = None, rubrikrad: int = 1,
               enhet: Enhet, kolumntyper: Mapping[str, Kolumntyp] | None = None) -> Tabell:
    """Read one sheet of an .xlsx file, or a CSV file, into a Tabell.

    blad: sheet name or 1-based number (Excel only); rubrikrad: the header row (1-based);
    enhet: the unit of the file's amounts; kolumntyper: columns whose every cell is checked
    on load ('belopp', 'tal', 'datum' or 'text'), so a bad cell fails early with its address.
    """
    path = Path(path)
    if enhet not in FAKTOR:
        raise InputError(f"okänd enhet '{enhet}'; ange kr eller tkr", fil=path)
    if rubrikrad < 1:
        raise InputError("rubrikraden ska vara 1 eller större", fil=path)
    if not path.is_file():
        raise InputError("filen finns inte" if not path.exists() else "är en mapp, inte en fil", fil=path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        sheet_name, grid, formats = _read_xlsx(path, blad)
    elif suffix in CSV_SUFFIXES:
        if blad is not None:
            raise InputError("en CSV-fil har inga blad; ta bort 'blad'", fil=path)
        sheet_name, grid, formats = None, _read_csv(path), None
    else:
        raise InputError(f"okänd tabellfil '{path.suffix}'; använd .xlsx eller .csv", fil=path)
    tabell = _table(path, sheet_name, grid, rubrikrad, enhet, formats)
    for col, typ in (kolumntyper or {}).items():
        cells = tabell.kolumn(col)
        for cell in cells:
            if typ in ("belopp", "tal"):
                cell.tal()
            elif typ == "datum":
                cell.datum()
    return tabell


def load_sheets(path: str | Path, enhet: Enhet = "kr") -> list[Tabell]:
    """Every sheet of an .xlsx file (or the CSV file), each with its first non-empty row as header.

    For scanning a file whose layout is not declared (rapportgen check budget.xlsx).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("filen finns inte" if not path.exists() else "är en mapp, inte en fil", fil=path)
    if path.suffix.lower() in CSV_SUFFIXES:
        sheets: list[tuple[str | None, list[list[Varde]], list[list[str | None]] | None]] = [
            (None, _read_csv(path), None)]
    elif path.suffix.lower() in EXCEL_SUFFIXES:
        names = _arbetsbok(path).namn
        sheets = [_read_xlsx(path, name) for name in names]
    else:
        raise InputError(f"okänd tabellfil '{path.suffix}'; använd .xlsx eller .csv", fil=path)
    out = []
    for name, grid, formats in sheets:
        first = next((i for i, row in enumerate(grid) if any(v not in (None, "") for v in row)), None)
        if first is not None:
            out.append(_table(path, name, grid, first + 1, enhet, formats))
    return out


def load_source(kalla: Tabellkalla, base_dir: str | Path = ".",
                kolumntyper: Mapping[str, Kolumntyp] | None = None) -> Tabell:
    """Load the table a Tabellkalla points at (a relative fil is resolved against base_dir)."""
    fil = kalla.fil if kalla.fil.is_absolute() else Path(base_dir) / kalla.fil
    return load_table(fil, blad=kalla.blad, rubrikrad=kalla.rubrikrad, enhet=kalla.enhet,
                      kolumntyper=kolumntyper)


def _cell_value(value: Any) -> Varde:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    return clean_text(str(value))


def kolumnbokstav(n: int) -> str:
    """Excel's column letters: 1 -> A, 27 -> AA."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def load_workbook(path: str | Path, **kwargs: Any) -> Any:
    """openpyxl.load_workbook, imported on first use (the tables read with inputs.xlsx instead)."""
    import openpyxl

    return openpyxl.load_workbook(path, **kwargs)


# Workbooks read in this process, by file (path, mtime, size, inode) and limits: one command
# opens a workbook once however many tables and checks use its sheets. A changed file has a new
# key. Bounded by the cells held, oldest out first.
Blad = tuple[list[list[Varde]], list[list[str | None]]]


@dataclass
class _Arbetsbok:
    """A workbook's sheet names and the sheets read from it so far."""

    namn: list[str]
    blad: dict[str, Blad | InputError] = field(default_factory=dict)  # read so far (or its error)

    @property
    def celler(self) -> int:
        return sum(len(r) for b in self.blad.values() if not isinstance(b, InputError) for r in b[0])


_LASTA: OrderedDict[tuple, _Arbetsbok] = OrderedDict()
_LASTA_MAX_CELLER = 1_000_000
_FORLADDA_CELLER = 200_000  # other sheets are read along with the wanted one up to this many cells


def _filnyckel(path: Path) -> tuple:
    st = path.stat()
    return (str(path.resolve()), st.st_mtime_ns, st.st_size, st.st_ino)


def _arbetsbok(path: Path, onskat: str | int | None = None) -> _Arbetsbok:
    """The workbook's sheets, read once per file version (see _LASTA); onskat is read if not yet."""
    g = aktiva()
    try:
        nyckel: tuple | None = (_filnyckel(path), g.ark_rader, g.ark_celler)
    except OSError:
        nyckel = None  # the reader below says what is wrong with the file
    bok = _LASTA.get(nyckel) if nyckel else None
    if bok is not None and (onskat is None or _bladnamn(bok.namn, onskat, path) in bok.blad):
        _LASTA.move_to_end(nyckel)
        return bok
    bok = _read_workbook(path, onskat, bok)
    if nyckel is not None:
        _LASTA[nyckel] = bok
        _LASTA.move_to_end(nyckel)
        while len(_LASTA) > 1 and sum(b.celler for b in _LASTA.values()) > _LASTA_MAX_CELLER:
            _LASTA.popitem(last=False)
    return bok


def _bladnamn(names: list[str], blad: str | int | None, path: Path) -> str:
    if blad is None:
        return names[0]
    if isinstance(blad, int):
        if not 1 <= blad <= len(names):
            raise InputError(f"blad nummer {blad} finns inte; filen har {len(names)} blad: "
                             + ", ".join(names), fil=path)
        return names[blad - 1]
    if blad not in names:
        raise InputError("bladet finns inte; blad i filen: " + ", ".join(names), fil=path, plats=f"blad {blad}")
    return blad


def sheet_values(path: str | Path, blad: str | int | None = None) -> list[list[Varde]]:
    """A sheet's cell values as read for tables (the first sheet by default), from the same
    once-per-file reading as load_table and load_sheets; for recognizing a file's kind."""
    return _read_xlsx(Path(path), blad)[1]


def _read_xlsx(path: Path, blad: str | int | None
               ) -> tuple[str, list[list[Varde]], list[list[str | None]]]:
    """The sheet's name, its values, and each cell's number format."""
    bok = _arbetsbok(path, blad)
    name = _bladnamn(bok.namn, blad, path)
    last = bok.blad[name]
    if isinstance(last, InputError):
        raise InputError(last.detalj, fil=last.fil, plats=last.plats)
    grid, formats = last
    return name, [list(r) for r in grid], [list(r) for r in formats]  # callers own their rows


def _read_workbook(path: Path, onskat: str | int | None, bok: _Arbetsbok | None) -> _Arbetsbok:
    """The workbook's sheets from the persistent parse cache (inputs.lascache) when it holds the
    wanted one for this content and these limits, else read (_las_xlsx, inputs.xlsx) and
    stored there. bok: what an earlier reading of the same file version holds."""
    from .lascache import Lascache

    cache = Lascache()
    try:
        key: str | None = _lasnyckel(path)
    except OSError:
        key = None  # the reader below says what is wrong with the file
    if bok is None and key is not None:
        bok = _fran_cache(cache.get(key, namn=path), path)
        if bok is not None and (onskat is None or _bladnamn(bok.namn, onskat, path) in bok.blad):
            return bok
    before = set(bok.blad) if bok is not None else set()
    bok = _las_xlsx(path, onskat, bok)
    if key is not None and set(bok.blad) != before:
        cache.put(key, _till_cache(bok))
    return bok


# The persistent parse cache's entry for a workbook: its sheet names and each sheet read (values
# and number formats, or the error it gave). Values: str and None as JSON, numbers ["n", "1.5"]
# (Decimal as text: exact), dates ["d", "2023-08-31"]. A new layout or reader is a new key.
LASARE = "xlsx-expat"


_XLSX_KALLA = Path(__file__).with_name("xlsx.py")


def _lasnyckel(path: Path) -> str:
    from ..fileio import sha256_file
    from .lascache import kodversion, nyckel

    g = aktiva()
    return nyckel(sha256_file(path), lasare=LASARE, version=kodversion(__file__, _XLSX_KALLA, paket=()),
                  alternativ=(g.ark_rader, g.ark_celler, g.zip_mb, g.zip_kvot, g.zip_delar))


def _kodat(v: Varde) -> Any:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, Decimal):
        return ["n", str(v)]
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return ["d", v.isoformat()]
    raise TypeError(f"okänt cellvärde {type(v).__name__}")


def _avkodat(v: Any) -> Varde:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, list) and len(v) == 2 and isinstance(v[1], str):
        if v[0] == "n":
            return Decimal(v[1])
        if v[0] == "d":
            return dt.date.fromisoformat(v[1])
    raise ValueError(f"okänt cellvärde i läscachen: {v!r}")


def _till_cache(bok: _Arbetsbok) -> dict:
    blad: dict[str, Any] = {}
    for name, b in bok.blad.items():
        if isinstance(b, InputError):
            blad[name] = {"fel": b.detalj, "plats": b.plats}
        else:
            blad[name] = {"varden": [[_kodat(v) for v in row] for row in b[0]], "format": b[1]}
    return {"namn": bok.namn, "blad": blad}


def _fran_cache(data: dict | None, path: Path) -> _Arbetsbok | None:
    """The cached workbook, or None when there is none or it does not have the expected form
    (then it is read again; a sound entry of another form cannot come from this reader)."""
    if data is None:
        return None
    try:
        namn = data["namn"]
        if not (isinstance(namn, list) and namn and all(isinstance(n, str) for n in namn)):
            raise ValueError("bladnamnen")
        bok = _Arbetsbok(list(namn))
        for name, b in data["blad"].items():
            if name not in namn:
                raise ValueError(f"bladet {name}")
            if "fel" in b:
                bok.blad[name] = InputError(str(b["fel"]), fil=path, plats=b["plats"])
                continue
            grid = [[_avkodat(v) for v in row] for row in b["varden"]]
            formats = [[f if f is None or isinstance(f, str) else str(f) for f in row] for row in b["format"]]
            if len(formats) != len(grid) or any(len(f) != len(r) for f, r in zip(formats, grid)):
                raise ValueError("formaten")
            bok.blad[name] = (grid, formats)
        return bok
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        import logging

        logging.getLogger("rapportgen").warning(
            "en post i läscachen för %s har fel form och filen läses om (%s)", path, exc)
        return None


def _las_xlsx(path: Path, onskat: str | int | None, bok: _Arbetsbok | None) -> _Arbetsbok:
    """Open the workbook once (inputs.xlsx: values, number formats and formulas in one reading)
    and read the wanted sheet, then the others while they hold few cells together
    (_FORLADDA_CELLER, at most granser.ark_celler) and none failed; a sheet left out is read
    when asked for. bok: what an earlier reading of the same file version holds."""
    check_zip(path)
    g = aktiva()
    try:
        xb = Xlsxbok(path)
    except Xlsxfel as exc:
        raise InputError(str(exc), fil=path) from None
    with xb:
        bok = bok or _Arbetsbok(list(xb.namn))
        if not bok.namn:
            raise InputError("filen kan inte läsas som Excel-fil (.xlsx): den har inga blad", fil=path)
        forst = _bladnamn(bok.namn, onskat, path) if onskat is not None else bok.namn[0]
        for name in [forst, *(n for n in bok.namn if n != forst)]:
            if name in bok.blad:
                continue
            if name != forst and (bok.celler >= min(g.ark_celler, _FORLADDA_CELLER)
                                  or any(isinstance(b, InputError) for b in bok.blad.values())):
                break
            try:
                bok.blad[name] = _read_sheet(path, name, xb)
            except InputError as exc:
                bok.blad[name] = exc
        return bok


def _read_sheet(path: Path, name: str, xb: Xlsxbok) -> Blad:
    g = aktiva()
    grid: list[list[Varde]] = []
    formats: list[list[str | None]] = []
    cells = 0
    try:
        for r, row in enumerate(xb.rader(name), start=1):
            cells += len(row)
            if r > g.ark_rader or cells > g.ark_celler:
                raise InputError(
                    f"bladet har fler än {g.ark_rader} rader eller {g.ark_celler} celler; gränsen skyddar "
                    "mot för stora ark (granser.ark_rader, granser.ark_celler i profilen)",
                    fil=path, plats=f"blad {name}, rad {r}")
            values = []
            for c, (value, _fmt, formel) in enumerate(row, start=1):
                if value is None and formel is not None:
                    raise InputError(
                        f"cellen har formeln {formeltext(formel)} men inget beräknat värde; öppna filen i "
                        "Excel eller LibreOffice och spara den igen", fil=path,
                        plats=f"blad {name}, cell {kolumnbokstav(c)}{r}")
                values.append(_cell_value(value))
            grid.append(values)
            formats.append([cell[1] for cell in row])
    except Xlsxfel as exc:
        raise InputError(str(exc), fil=path, plats=f"blad {name}") from None
    return grid, formats


def _read_csv(path: Path) -> list[list[Varde]]:
    check_file_size(path, max_mb=aktiva().ark_celler * 64 / (1024 * 1024), what="CSV-filen")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel's "CSV (semikolonavgränsad)" on Swedish Windows
    text = clean_text(text)
    if not text.strip():
        return []
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ";"
    # The csv module (not pandas) parses, so ragged rows and quoted line breaks are kept as written.
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"'))
    except csv.Error as exc:
        raise InputError(f"CSV-filen kan inte läsas: {exc}", fil=path) from None
    return [[v if v != "" else None for v in row] for row in rows]


def _table(path: Path, blad: str | None, grid: list[list[Varde]], rubrikrad: int, enhet: Enhet,
           formats: list[list[str | None]] | None = None) -> Tabell:
    sheet = f"blad {blad}, " if blad else ""
    if len(grid) < rubrikrad:
        raise InputError(f"rubrikraden {rubrikrad} finns inte; {'bladet' if blad else 'filen'} har "
                         f"{len(grid)} rader", fil=path, plats=f"{sheet}rad {rubrikrad}".strip(", "))
    header_row = grid[rubrikrad - 1]
    width = max((len(r) for r in grid[rubrikrad - 1:]), default=0)
    # Drop trailing columns that are empty everywhere.
    while width and all(len(r) < width or r[width - 1] in (None, "") for r in grid[rubrikrad - 1:]):
        width -= 1
    headers: list[str] = []
    header_cells: list[Cell] = []
    for c in range(width):
        value = header_row[c] if c < len(header_row) else None
        letter = kolumnbokstav(c + 1)
        header_cell = Cell(value, Cellplats(path, blad, f"{letter}{rubrikrad}"))
        header_cells.append(header_cell)
        name = header_cell.text.strip() or letter
        name = " ".join(name.split())
        if name in headers:
            raise InputError(f"kolumnrubriken '{name}' förekommer två gånger", fil=path,
                             plats=f"{sheet}cell {letter}{rubrikrad}")
        headers.append(name)
    if not headers:
        raise InputError("rubrikraden är tom", fil=path, plats=f"{sheet}rad {rubrikrad}")
    rader = []
    for r in range(rubrikrad, len(grid)):
        row = grid[r]
        row_formats = formats[r] if formats and r < len(formats) else []
        celler = {}
        for c, name in enumerate(headers):
            value = row[c] if c < len(row) else None
            celler[name] = Cell(value, Cellplats(path, blad, f"{kolumnbokstav(c + 1)}{r + 1}", name),
                                row_formats[c] if c < len(row_formats) else None)
        rad = Rad(r + 1, celler, enhet, path, blad)
        if not rad.tom:
            rader.append(rad)
    titlar = []
    for r in range(rubrikrad - 1):
        for c, value in enumerate(grid[r]):
            if isinstance(value, str) and value.strip():
                titlar.append((value.strip(), Cellplats(path, blad, f"{kolumnbokstav(c + 1)}{r + 1}").plats))
    return Tabell(path, blad, enhet, rubrikrad, headers, rader, header_cells, titlar)


def table_from_rows(fil: str | Path, namn: str, rader: list[list[Any]], enhet: Enhet) -> Tabell:
    """A table written inline (e.g. in YAML): the first row is the header. Errors name
    `fil, blad <namn>, cell D4` as if the rows were a sheet."""
    grid = [[_cell_value(v) for v in row] for row in rader]
    return _table(Path(fil), namn, grid, 1, enhet)
