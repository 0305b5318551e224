"""The batch sheet: one tjänsteskrivelse per row of an .xlsx or .csv file."""

from __future__ import annotations

import csv
import io
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..exceptions import InputError
from .text import clean_text, read_text

# Column header (as users write it, case-insensitive) -> front matter field.
COLUMNS = {
    "dnr": "dnr",
    "diarienummer": "dnr",
    "titel": "titel",
    "ärendemening": "titel",
    "förslag": "förslag_till_beslut",
    "förslag till beslut": "förslag_till_beslut",
    "handläggare": "handläggare",
    "titel handläggare": "handläggare_titel",
    "handläggarens titel": "handläggare_titel",
    "datum": "datum",
    "brödtext": "brödtext",
    "text": "brödtext",
    "tidigare behandling": "tidigare_behandling",
    "beslutsunderlag": "beslutsunderlag",
    "protokollsutdrag till": "protokollsutdrag_till",
    "nämnd": "nämnd",
    "filnamn": "filnamn",
}
REQUIRED = ("dnr", "titel", "förslag_till_beslut", "handläggare", "datum", "brödtext")
LIST_FIELDS = ("förslag_till_beslut", "tidigare_behandling", "beslutsunderlag", "protokollsutdrag_till")


@dataclass
class BatchRow:
    """One row: its number in the sheet, front matter data, body text and cell references."""

    rad: int
    data: dict[str, Any]
    brodtext: str
    brodtext_fil: Path | None
    filnamn: str | None
    celler: dict[str, str]  # field -> cell reference, e.g. "E5"


def _norm(header: Any) -> str:
    return " ".join(str(header or "").replace("_", " ").split()).casefold()


def _read_rows(path: Path) -> list[list[Any]]:
    from ..granser import aktiva, check_file_size, check_zip

    limit = aktiva().batch_rader

    def too_many(n: int) -> InputError:
        return InputError(f"batchfilen har fler än {limit} rader; dela upp den eller höj gränsen "
                          "(granser.batch_rader i profilen)", fil=path, plats=f"rad {n}")

    if path.suffix.lower() == ".csv":
        check_file_size(path, max_mb=limit * 4096 / (1024 * 1024), what="batchfilen")
        text = read_text(path)
        header = text.split("\n", 1)[0]
        # Swedish Excel writes ';'; otherwise the most frequent of ';', ',' and tab.
        delimiter = max(";,\t", key=header.count)
        out = []
        for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            if n > limit + 1:
                raise too_many(n)
            out.append(row)
        return out
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("batchfilen ska vara .xlsx eller .csv", fil=path)
    if path.is_file():
        check_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError("filen finns inte", fil=path) from None
    except Exception as exc:  # zip or XML errors from a damaged workbook
        raise InputError(f"filen kan inte läsas som Excel-arbetsbok ({exc})", fil=path) from None
    try:
        ws = wb.worksheets[0]
        out = []
        for n, r in enumerate(ws.iter_rows(values_only=True), start=1):
            if n > limit + 1:
                raise too_many(n)
            out.append(list(r))
        return out
    finally:
        wb.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).strip()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def load_batch(path: str | Path) -> list[BatchRow]:
    """Read the batch sheet. Header problems are errors for the whole file."""
    path = Path(path)
    rows = _read_rows(path)
    if not rows:
        raise InputError("batchfilen är tom", fil=path)
    header = rows[0]
    columns: dict[int, str] = {}
    for ci, name in enumerate(header):
        if not _norm(name):
            continue
        field = COLUMNS.get(_norm(name))
        if field is None:
            known = ", ".join(sorted({k for k in COLUMNS}))
            raise InputError(f"okänd kolumn '{name}'; kända kolumner: {known}",
                             fil=path, plats=f"cell {get_column_letter(ci + 1)}1")
        columns[ci] = field
    missing = [f for f in REQUIRED if f not in columns.values()]
    if missing:
        raise InputError(f"kolumn saknas: {', '.join(missing)}", fil=path, plats="rad 1")
    out: list[BatchRow] = []
    for ri, row in enumerate(rows[1:], start=2):
        values = {columns[ci]: _cell_text(v) for ci, v in enumerate(row) if ci in columns}
        if not any(values.values()):
            continue  # blank row
        cells = {columns[ci]: f"{get_column_letter(ci + 1)}{ri}" for ci in columns}
        data: dict[str, Any] = {}
        for field, value in values.items():
            if field in ("brödtext", "filnamn", "handläggare_titel") or not value:
                continue
            data[field] = _lines(value) if field in LIST_FIELDS else value
        name = values.get("handläggare", "")
        if name:
            data["handläggare"] = {"namn": name}
            if values.get("handläggare_titel"):
                data["handläggare"]["titel"] = values["handläggare_titel"]
        out.append(BatchRow(ri, data, values.get("brödtext", ""), None, values.get("filnamn") or None, cells))
    return out


def resolve_body(row: BatchRow, sheet: Path) -> tuple[str, Path]:
    """The row's body text: the cell itself, or the Markdown file it points to."""
    text = row.brodtext.strip()
    if text.lower().endswith(".md") and "\n" not in text:
        body_path = (sheet.parent / text).resolve()
        if not body_path.is_file():
            raise InputError(f"brödtextfilen '{text}' finns inte", fil=sheet,
                             plats=f"rad {row.rad}, cell {row.celler['brödtext']}")
        from ..granser import check_file_size

        check_file_size(body_path, what="brödtextfilen")
        return read_text(body_path), body_path
    return text, sheet
