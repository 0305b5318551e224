"""The register of revisionsrapporter (YAML or Excel), and reading Excel sheets with located cells.

The register is YAML (`sammanträden:` and `rapporter:`) or Excel (a sheet of
reports with a header row, optionally a sheet `Sammanträden` with one date per row).

    reg = load_register("revisionsregister.yaml")

The status of the deadlines is in commands/revision.py.
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..exceptions import InputError
from ..model.revision import Register, Registerpost, clean_data
from .text import clean_text
from .yamlsrc import load_yaml_file, translate_error, validate

REGISTER_NAMES = ("revisionsregister.yaml", "revisionsregister.yml", "revisionsregister.xlsx")

# Excel header (normalised) -> field of Registerpost.
REGISTER_KOLUMNER = {
    "titel": "titel", "rapport": "titel", "revisionsrapport": "titel",
    "dnr": "dnr", "diarienr": "dnr", "diarienummer": "dnr",
    "revisionsbyrå": "revisionsbyrå", "byrå": "revisionsbyrå",
    "inkom": "inkom", "datuminkom": "inkom", "inkommen": "inkom",
    "svarsenast": "svar_senast", "sistasvarsdag": "svar_senast",
    "status": "status",
    "svar": "svar", "svarsfil": "svar", "svar(fil)": "svar",
    "sammanträde": "sammanträde", "beslutas": "sammanträde",
    "ansvarig": "ansvarig", "noteringar": "noteringar",
}


def normalise_header(text: Any) -> str:
    text = unicodedata.normalize("NFC", str(text or ""))
    return "".join(ch for ch in text.casefold() if not ch.isspace() and ch not in "-_.:")


# --- Excel ------------------------------------------------------------------------


@dataclass
class Ark:
    """The rows of one sheet with their Excel row numbers and column letters."""

    fil: Path
    namn: str
    rader: list[tuple[int, list[Any]]]
    bokstaver: list[str]

    def cell(self, rad: int, kol: int) -> str:
        return f"blad '{self.namn}', cell {self.bokstaver[kol]}{rad}"


def _cell_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = clean_text(value).strip()
        return value or None
    return value


def read_workbook(path: str | Path) -> dict[str, Ark]:
    """All sheets of an .xlsx file (values, not formulas), from the persistent parse cache
    (inputs.lascache) when it holds this content, else read (inputs.xlsx) and stored there."""
    from .excel import kolumnbokstav
    from .lascache import Lascache

    path = Path(path)
    if not path.is_file():
        raise InputError("filen finns inte", fil=path)
    cache = Lascache()
    key = _lasnyckel(path)
    blad = _fran_cache(cache.get(key, namn=path), path)
    if blad is None:
        blad = _las_xlsx(path)
        cache.put(key, {"blad": [{"namn": n, "rader": [[nr, [_kodat(v) for v in values]] for nr, values in rows],
                                  "bredd": width} for n, rows, width in blad]})
    return {n: Ark(path, n, rows, [kolumnbokstav(c + 1) for c in range(max(width, 1))]) for n, rows, width in blad}


Lasta = list[tuple[str, list[tuple[int, list[Any]]], int]]  # (sheet, its non-empty rows, width)
LASARE = "xlsx-register-expat"


def _las_xlsx(path: Path) -> Lasta:
    from ..granser import check_zip
    from .xlsx import Xlsxbok, Xlsxfel

    check_zip(path)  # before a bomb is unpacked
    sheets: Lasta = []
    try:
        with Xlsxbok(path) as wb:
            for name in wb.kalkylblad:
                rows = []
                width = 0
                for i, row in enumerate(wb.rader(name), start=1):
                    values = [_cell_value(v) for v, _fmt, _formel in row]
                    if any(v is not None for v in values):
                        rows.append((i, values))
                        width = max(width, len(values))
                sheets.append((name, rows, width))
    except Xlsxfel as exc:  # zip or xml errors: not an Excel file
        raise InputError(str(exc).replace("Excel-fil (.xlsx)", "Excel-arbetsbok (.xlsx)"), fil=path) from None
    return sheets


def _lasnyckel(path: Path) -> str:
    """The parse cache's key: the file's content, this reader's code (and the workbook reader's), limits."""
    from ..fileio import sha256_file
    from ..granser import aktiva
    from . import excel
    from .lascache import kodversion, nyckel

    g = aktiva()
    return nyckel(sha256_file(path), lasare=LASARE, version=kodversion(__file__, excel.__file__, excel._XLSX_KALLA, paket=()),
                  alternativ=(g.zip_mb, g.zip_kvot, g.zip_delar))


# Cell values in the cache: str, int, float, bool and None as JSON; dates and times tagged.
_TAGGAR: dict[str, Any] = {"d": dt.date.fromisoformat, "dt": dt.datetime.fromisoformat, "t": dt.time.fromisoformat,
                           "td": lambda s: dt.timedelta(seconds=float(s))}


def _kodat(v: Any) -> Any:
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, dt.datetime):
        return ["dt", v.isoformat()]
    if isinstance(v, dt.date):
        return ["d", v.isoformat()]
    if isinstance(v, dt.time):
        return ["t", v.isoformat()]
    if isinstance(v, dt.timedelta):
        return ["td", repr(v.total_seconds())]
    return str(v)


def _avkodat(v: Any) -> Any:
    if isinstance(v, list):
        if len(v) == 2 and v[0] in _TAGGAR and isinstance(v[1], str):
            return _TAGGAR[v[0]](v[1])
        raise ValueError(f"okänt cellvärde i läscachen: {v!r}")
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    raise ValueError(f"okänt cellvärde i läscachen: {v!r}")


def _fran_cache(data: dict | None, path: Path) -> Lasta | None:
    if data is None:
        return None
    try:
        out: Lasta = []
        for b in data["blad"]:
            rows = [(int(nr), [_avkodat(v) for v in values]) for nr, values in b["rader"]]
            out.append((str(b["namn"]), rows, int(b["bredd"])))
        return out
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        import logging

        logging.getLogger("rapportgen").warning(
            "en post i läscachen för %s har fel form och filen läses om (%s)", path, exc)
        return None


def find_header(ark: Ark, wanted: str) -> int:
    """Index in ark.rader of the header row: the first row with a cell named wanted."""
    for idx, (_nr, values) in enumerate(ark.rader):
        if any(normalise_header(v) == wanted for v in values):
            return idx
    raise InputError(f"hittar ingen rubrikrad med kolumnen '{wanted.capitalize()}'", fil=ark.fil,
                     plats=f"blad '{ark.namn}'")


def rows_as_dicts(ark: Ark, header_idx: int, kolumner: dict[str, str]) -> list[tuple[int, dict[str, Any], dict[str, int]]]:
    """(excel row, field -> value, field -> column index) for every row below the header."""
    _nr, header = ark.rader[header_idx]
    cols: dict[int, str] = {}
    for ci, name in enumerate(header):
        key = kolumner.get(normalise_header(name))
        if key is not None:
            cols[ci] = key
        elif name is not None:
            known = ", ".join(sorted({k for k in kolumner.values()}))
            raise InputError(f"okänd kolumn '{name}'; kända kolumner: {known}", fil=ark.fil,
                             plats=ark.cell(_nr, ci))
    out = []
    for nr, values in ark.rader[header_idx + 1:]:
        data = {cols[ci]: v for ci, v in enumerate(values) if ci in cols and v is not None}
        if not data:
            continue
        if all(normalise_header(v) in kolumner for v in values if v is not None):
            continue  # a repeated header row
        out.append((nr, data, {key: ci for ci, key in cols.items()}))
    return out


def validate_row(model: type[BaseModel], ark: Ark, nr: int, data: dict[str, Any], where: dict[str, int]):
    """Validate one sheet row; an error names file, sheet and cell."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        ci = where.get(key)
        if ci is None:  # a field given by its Swedish alias
            for field_name, f in model.model_fields.items():
                if key in (field_name, f.alias):
                    ci = where.get(f.alias or field_name, where.get(field_name))
        plats = ark.cell(nr, ci) if ci is not None else f"blad '{ark.namn}', rad {nr}"
        raise InputError(translate_error(err, model), fil=ark.fil, plats=plats) from None


# --- the register -----------------------------------------------------------------


def find_register(folder: str | Path = ".") -> Path | None:
    for name in REGISTER_NAMES:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def load_register(path: str | Path) -> Register:
    """Read the register from YAML or Excel."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise InputError("filen finns inte", fil=path)
        located = load_yaml_file(path)
        if not isinstance(located.data, dict):
            raise InputError("registret ska ha fälten 'rapporter:' (och gärna 'sammanträden:')", fil=path)
        located.data = clean_data(located.data)
        reg = validate(Register, located)
    elif suffix == ".xlsx":
        reg = _load_register_excel(path)
    else:
        raise InputError(f"okänd filtyp '{path.suffix}'; registret är YAML (.yaml) eller Excel (.xlsx)", fil=path)
    return reg


def _load_register_excel(path: Path) -> Register:
    sheets = read_workbook(path)
    meetings: list[dt.date] = []
    report_sheet = None
    for name, ark in sheets.items():
        if normalise_header(name) == "sammanträden":
            for nr, values in ark.rader:
                value = values[0]
                if isinstance(value, dt.date):
                    meetings.append(value)
                elif value is not None and normalise_header(value) not in ("sammanträde", "sammanträden", "datum"):
                    try:
                        meetings.append(dt.date.fromisoformat(str(value)))
                    except ValueError:
                        raise InputError(f"'{value}' är inte ett datum; skriv ÅÅÅÅ-MM-DD", fil=path,
                                         plats=ark.cell(nr, 0)) from None
        elif report_sheet is None:
            report_sheet = ark
    if report_sheet is None:
        raise InputError("arbetsboken saknar ett blad med revisionsrapporter", fil=path)
    header = find_header(report_sheet, "titel")
    posts = [validate_row(Registerpost, report_sheet, nr, data, where)
             for nr, data, where in rows_as_dicts(report_sheet, header, REGISTER_KOLUMNER)]
    return Register(sammantraden=meetings, rapporter=posts)
