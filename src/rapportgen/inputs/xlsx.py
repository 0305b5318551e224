"""Read the cells of an .xlsx workbook with the standard library (zipfile and expat), without openpyxl.

    bok = Xlsxbok(Path("budget.xlsx"))      # the package, the workbook's sheet list and styles
    bok.namn                                # ['Drift', 'Investering']
    for rad in bok.rader("Drift"):          # rows as openpyxl's read-only iter_rows() gives them
        for varde, talformat, formel in rad: ...
    bok.close()

What comes out equals openpyxl's `load_workbook(read_only=True, data_only=True)`: each cell's value
(str, int, float, bool, datetime, date, time, timedelta or None) and number format, with the same
padding of missing rows and cells; `formel` is the cell's formula as openpyxl gives it as
text (None for none, and for an array or data-table formula; formeltext() for a shared one).
tests/test_xlsx_lasare.py holds the two equal on the example workbooks, a LibreOffice-written
one, hand-written XML and generated workbooks. Importing openpyxl (and numpy, which it imports)
costs a quarter of a second and its objects more per cell; checking a meeting reads several
workbooks, so the input readers use this one.

A file openpyxl cannot read is an Xlsxfel here (the caller names the file); a DTD or entity
declaration in a part is refused. Sizes are the caller's to limit (granser.check_zip first, then
rows and cells while the rows are read: rader() is lazy).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from pyexpat import ExpatError, ParserCreate

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.%s.main+xml"
_WORKBOOK_MACRO = "application/vnd.ms-excel.%s.macroEnabled.main+xml"
# openpyxl's order: templates first.
WORKBOOK_TYPES = (_WORKBOOK_MACRO % "template", _WORKBOOK % "template", _WORKBOOK_MACRO % "sheet", _WORKBOOK % "sheet")
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STYLES = "xl/styles.xml"  # where openpyxl looks for the stylesheet, whatever the relationships say

# The number formats Excel numbers itself (openpyxl.styles.numbers.BUILTIN_FORMATS; a test holds them equal).
BUILTIN_FORMATS = {
    0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00', 5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: '0%', 10: '0.00%', 11: '0.00E+00', 12: '# ?/?', 13: '# ??/??', 14: 'mm-dd-yy', 15: 'd-mmm-yy',
    16: 'd-mmm', 17: 'mmm-yy', 18: 'h:mm AM/PM', 19: 'h:mm:ss AM/PM', 20: 'h:mm', 21: 'h:mm:ss',
    22: 'm/d/yy h:mm', 37: '#,##0_);(#,##0)', 38: '#,##0_);[Red](#,##0)', 39: '#,##0.00_);(#,##0.00)',
    40: '#,##0.00_);[Red](#,##0.00)', 41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)', 45: 'mm:ss', 46: '[h]:mm:ss',
    47: 'mmss.0', 48: '##0.0E+0', 49: '@',
}
_BUILTIN_MAX = 164  # custom formats are numbered from here
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r'\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?', re.I)
_RANGE = re.compile(r"^[$]?([A-Za-z]{1,3})?[$]?(\d+)?(:[$]?([A-Za-z]{1,3})?[$]?(\d+)?)?$")
_ISO = re.compile(r'''
(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?
(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?''', re.VERBOSE)
_ISO_DURATION = re.compile(r'PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?')
WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
MAC_EPOCH = dt.datetime(1904, 1, 1)
_MAX_COLUMN = 18278  # ZZZ, the widest column name openpyxl accepts

# value, number format (None for a cell not in the file), formula (None, '=SUM(A1:A3)' or a Delad)
Cell = tuple[Any, "str | None", Any]
EMPTY: Cell = (None, None, None)


@dataclass(frozen=True)
class Delad:
    """A cell's share of a shared formula: the first cell's formula, moved to this cell (formeltext)."""

    formel: str
    fran: str | None
    till: str | None


def formeltext(formel: str | Delad) -> str:
    """A cell's formula as openpyxl gives it ('=SUM(B2:B4)'); a shared one moved to its cell."""
    if isinstance(formel, str):
        return formel
    # Only for a message about a formula without a value: openpyxl's translator, imported then.
    from openpyxl.formula.translate import Translator

    return Translator(formel.formel, formel.fran).translate_formula(formel.till)


class Xlsxfel(Exception):
    """The workbook cannot be read; the message says why (in Swedish), the caller names the file."""


def is_date_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    return _DATE.search(_STRIP.sub("", fmt.split(";")[0])) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    return fmt is not None and _TIMEDELTA.search(fmt.split(";")[0]) is not None


def column_index(col: str) -> int:
    """'A' -> 1, 'ab' -> 28; up to ZZZ."""
    if not 1 <= len(col) <= 3 or not col.isascii() or not col.isalpha():
        raise ValueError(f"{col} is not a valid column name")
    n = 0
    for ch in col.upper():
        n = n * 26 + ord(ch) - 64
    return n


def range_boundaries(ref: str) -> tuple[int | None, int | None, int | None, int | None]:
    """'A1:F20' -> (1, 1, 6, 20), as openpyxl.utils.cell.range_boundaries."""
    m = _RANGE.match(ref)
    if not m:
        raise ValueError(f"{ref} is not a valid coordinate or range")
    min_col, min_row, sep, max_col, max_row = m.groups()
    if sep:
        cols, rows = (min_col, max_col), (min_row, max_row)
        if not (all(cols + rows) or all(cols) and not any(rows) or all(rows) and not any(cols)):
            raise ValueError(f"{ref} is not a valid coordinate or range")
    c1 = column_index(min_col) if min_col is not None else None
    r1 = int(min_row) if min_row is not None else None
    c2 = column_index(max_col) if max_col is not None else c1
    r2 = int(max_row) if max_row is not None else r1
    return c1, r1, c2, r2


def _coordinate(ref: str) -> tuple[int, int]:
    # openpyxl.utils.cell.coordinate_to_tuple: letters up to the first digit, then the row.
    idx = 0
    for idx, ch in enumerate(ref):
        if ch in "0123456789":
            break
    return int(ref[idx:]), column_index(ref[:idx])


def from_excel(value: float | int, epoch: dt.datetime, timedelta: bool = False) -> Any:
    """An Excel serial number as a date, time or duration (openpyxl.utils.datetime.from_excel)."""
    if timedelta:
        td = dt.timedelta(days=value)
        if td.microseconds:
            td = dt.timedelta(seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3))
        return td
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return dt.time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + dt.timedelta(days=day) + diff


def from_iso8601(text: str) -> Any:
    """A cell of type d (openpyxl.utils.datetime.from_ISO8601)."""
    if not text:
        return None
    match = _ISO.match(text)
    if match and any(match.groups()):
        parts: dict[str, Any] = match.groupdict(0)
        for key in ("year", "month", "day", "hour", "minute", "second"):
            if parts[key]:
                parts[key] = int(parts[key])
        if parts["microsecond"]:
            parts["microsecond"] = int(float(parts["microsecond"]) * 1_000_000)
        if not parts["date"]:
            return dt.time(parts["hour"], parts["minute"], parts["second"], parts["microsecond"])
        if not parts["time"]:
            return dt.date(parts["year"], parts["month"], parts["day"])
        del parts["time"], parts["date"]
        return dt.datetime(**parts)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        parts = match.groupdict(0)
        for key, val in parts.items():
            if val:
                parts[key] = float(val)
        return dt.timedelta(**{k: v for k, v in parts.items() if k in ("hours", "minutes", "seconds")})
    raise ValueError(f"Invalid datetime value {text}")


class _El:
    """A parsed element: tag ('{ns}name'), attributes, children and its text before the first child."""

    __slots__ = ("tag", "attrib", "children", "text")

    def __init__(self, tag: str, attrib: dict[str, str]):
        self.tag, self.attrib, self.children, self.text = tag, attrib, [], None

    @property
    def local(self) -> str:
        return self.tag.rpartition("}")[2]

    def find(self, tag: str) -> _El | None:
        return next((c for c in self.children if c.tag == tag), None)


_TAGGAR: dict[str, str] = {}  # expat's names as tags (a file repeats a few names many times)


def _tag(name: str) -> str:
    # expat with namespace_separator "}" gives "uri}name"; ElementTree's form is "{uri}name".
    tag = _TAGGAR.get(name)
    if tag is None:
        tag = "{" + name if "}" in name else name
        if len(_TAGGAR) < 10_000:  # bounded: a hostile file may invent names without end
            _TAGGAR[name] = tag
    return tag


def _attrib(attrs: dict[str, str]) -> dict[str, str]:
    for k in attrs:
        if "}" in k:
            return {_tag(k): v for k, v in attrs.items()}
    return attrs


def _parser(start: Any, end: Any, data: Any) -> Any:
    p = ParserCreate(namespace_separator="}")
    p.buffer_text = True
    p.ordered_attributes = False

    def refuse(*_args: Any) -> None:
        raise Xlsxfel("delen har en DTD eller entitetsdeklaration, vilket en Excel-fil aldrig har")

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, data
    return p


class _Builder:
    """Builds _El trees: the whole part, or (within=tag) each element of that tag, handed to done()."""

    def __init__(self, within: str | None = None, done: Any = None):
        self.within, self.done = within, done
        self.stack: list[_El] = []
        self.root: _El | None = None
        self.chars: list[str] | None = None  # the text of stack[-1] until its first child

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _tag(name)
        if self.stack:
            self._text()
            el = _El(tag, _attrib(attrs))
            self.stack[-1].children.append(el)
        elif self.within is None or tag == self.within:
            el = _El(tag, _attrib(attrs))
        else:
            return
        self.stack.append(el)
        self.chars = []

    def _text(self) -> None:
        if self.chars is not None:
            if self.chars:
                self.stack[-1].text = "".join(self.chars)
            self.chars = None

    def end(self, name: str) -> None:
        if not self.stack:
            return
        self._text()
        el = self.stack.pop()
        if not self.stack:
            if self.done is not None:
                self.done(el)
            else:
                self.root = el

    def data(self, text: str) -> None:
        if self.chars is not None:
            self.chars.append(text)


def _content(node: _El) -> str:
    """A string item's text without its formatting (openpyxl.cell.text.Text.content)."""
    plain = None
    runs = []
    for child in node.children:
        local = child.local
        if local == "t":
            plain = child.text
        elif local == "r":
            t = None
            for c in child.children:
                if c.local == "t":
                    t = c.text
            runs.append(t)
    return "".join([*([plain] if plain is not None else []), *(t for t in runs if t is not None)])


class Xlsxbok:
    """An .xlsx package opened for reading its sheets (see the module's docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._strings: list[str] | None = None  # the shared strings, read with the first sheet
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise Xlsxfel(f"filen kan inte läsas som Excel-fil (.xlsx): {exc}") from None
        try:
            self._open()
        except BaseException:
            self._zip.close()
            raise

    @property
    def kalkylblad(self) -> list[str]:
        """The worksheets' names (without chart sheets: openpyxl's wb.worksheets)."""
        return [n for n in self.namn if self._blad[n] is not None]

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Xlsxbok:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- the package -----------------------------------------------------------------------------

    def _tree(self, part: str) -> _El:
        b = _Builder()
        self._parse(part, b.start, b.end, b.data)
        if b.root is None:
            raise Xlsxfel(f"delen {part} är tom")
        return b.root

    def _parse(self, part: str, start: Any, end: Any, data: Any) -> None:
        """Parse a part, all at once."""
        for _ in self._parse_lazily(part, start, end, data):
            pass

    def _parse_lazily(self, part: str, start: Any, end: Any, data: Any) -> Iterator[None]:
        """Parse a part in pieces, yielding after each (the handlers collect what it held)."""
        p = _parser(start, end, data)
        try:
            with self._zip.open(part) as fh:
                while chunk := fh.read(1 << 16):
                    p.Parse(chunk, False)
                    yield
                p.Parse(b"", True)
            yield
        except ExpatError as exc:
            raise Xlsxfel(f"filen kan inte läsas som Excel-fil (.xlsx): delen {part} är inte giltig XML ({exc})") \
                from None
        except KeyError:
            raise Xlsxfel(f"filen kan inte läsas som Excel-fil (.xlsx): delen {part} saknas") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zipfile.LargeZipFile) as exc:
            if isinstance(exc, Xlsxfel):
                raise
            raise Xlsxfel(f"filen kan inte läsas som Excel-fil (.xlsx): delen {part}: {exc}") from None

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id -> (absolute target in the package, type)."""
        folder, name = posixpath.split(part)
        rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
        out: dict[str, tuple[str, str]] = {}
        parent = posixpath.split(posixpath.dirname(rels_path))[0]
        for r in self._tree(rels_path).children:
            if r.local != "Relationship":
                continue
            target, rid = r.attrib.get("Target"), r.attrib.get("Id")
            if target is None or not rid:
                continue
            if r.attrib.get("TargetMode") != "External":
                target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(parent, target))
            out[rid] = (target, r.attrib.get("Type", ""))
        return out

    def _open(self) -> None:
        names = set(self._zip.namelist())
        types = self._tree("[Content_Types].xml")
        overrides = [(c.attrib.get("PartName", ""), c.attrib.get("ContentType")) for c in types.children
                     if c.local == "Override"]
        defaults = {c.attrib.get("ContentType") for c in types.children if c.local == "Default"}
        part = next((name for ct in WORKBOOK_TYPES for name, t in overrides if t == ct), None)
        if part is None:
            if not defaults & set(WORKBOOK_TYPES):
                raise Xlsxfel("filen kan inte läsas som Excel-fil (.xlsx): den har ingen arbetsbok")
            part = "/xl/workbook.xml"
        self._shared = next((name[1:] for name, t in overrides if t == SHARED_STRINGS), None)
        workbook = self._tree(part[1:])
        self.epoch = WINDOWS_EPOCH
        sheets: list[_El] = []
        for child in workbook.children:
            if child.local == "workbookPr":
                d1904 = child.attrib.get("date1904")
                if d1904 is not None and d1904 not in ("false", "f", "0"):
                    self.epoch = MAC_EPOCH
            elif child.local == "sheets":
                sheets = [s for s in child.children if s.local == "sheet"]
        rels = self._rels(part[1:]) if any(s.attrib.get(f"{{{_R}}}id") for s in sheets) else {}
        self.namn: list[str] = []
        self._blad: dict[str, str | None] = {}  # name -> the sheet's part (None: a chart sheet)
        for s in sheets:
            rid = s.attrib.get(f"{{{_R}}}id")
            if not rid:
                continue  # openpyxl drops it too (with a warning)
            if rid not in rels:
                raise Xlsxfel(f"filen kan inte läsas som Excel-fil (.xlsx): bladet {s.attrib.get('name')} "
                              "saknar sin del")
            target, typ = rels[rid]
            if target not in names:
                continue
            name = s.attrib.get("name")
            if name is None:
                raise Xlsxfel("filen kan inte läsas som Excel-fil (.xlsx): ett blad saknar namn")
            self.namn.append(name)
            self._blad[name] = None if "chartsheet" in typ else target
        self._styles()

    def _styles(self) -> None:
        """Each cell style's number format, and which are dates or durations (openpyxl's stylesheet)."""
        self._formats: list[str | None] = ["General"]  # by style index; None: openpyxl fails on it
        self._dates: set[int] = set()
        self._timedeltas: set[int] = set()
        if STYLES not in self._zip.namelist():
            return
        sheet = self._tree(STYLES)
        custom: dict[int, str] = {}
        xfs: list[_El] = []
        for child in sheet.children:
            if child.local == "numFmts":
                for n in child.children:
                    if n.local == "numFmt":
                        custom[self._int(n.attrib.get("numFmtId"))] = n.attrib.get("formatCode", "")
            elif child.local == "cellXfs":
                xfs = [x for x in child.children if x.local == "xf"]
        if not xfs:
            return
        used: list[str] = []  # openpyxl's numbering of custom formats (164 + position, in order of use)
        ids: list[int] = []
        for idx, xf in enumerate(xfs):
            fid = self._int(xf.attrib.get("numFmtId", "0"))
            ids.append(fid)
            fmt = custom[fid] if fid in custom else BUILTIN_FORMATS.get(fid)
            if fid in custom and fmt not in used and fmt not in BUILTIN_FORMATS.values():
                used.append(fmt)
            if is_date_format(fmt):
                self._dates.add(idx)
            if is_timedelta_format(fmt):
                self._timedeltas.add(idx)
        formats: list[str | None] = []
        for fid in ids:
            if fid in custom:
                formats.append(custom[fid])
            elif fid < _BUILTIN_MAX:
                formats.append(BUILTIN_FORMATS.get(fid, "General"))
            else:  # an undefined id: openpyxl takes the format at that place of its list, if any
                formats.append(used[fid - _BUILTIN_MAX] if fid - _BUILTIN_MAX < len(used) else None)
        self._formats = formats

    @staticmethod
    def _int(text: str | None) -> int:
        try:
            return int(text)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise Xlsxfel(f"filen kan inte läsas som Excel-fil (.xlsx): formatmallarna har talet {text!r}") from None

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            strings: list[str] = []
            if self._shared is not None:
                b = _Builder(within=f"{{{NS}}}si", done=lambda el: strings.append(_content(el).replace("x005F_", "")))
                self._parse(self._shared, b.start, b.end, b.data)
            self._strings = strings
        return self._strings

    # --- a sheet ---------------------------------------------------------------------------------

    def rader(self, name: str) -> Iterator[tuple[Cell, ...]]:
        """The sheet's rows from row 1 (missing rows and cells filled in, as openpyxl's read-only
        iter_rows()): each cell (value, number format, formula). Lazy: read as iterated."""
        part = self._blad[name]
        if part is None:
            return  # a chart sheet holds no cells
        strings = self._shared_strings()
        dim: list[tuple | None] = [None]  # the <dimension> before the cells, if any
        rows: list[tuple[int, list[dict]]] = []
        state: dict[str, Any] = {"row": 0, "col": 0, "data": False, "delade": {}}
        row_tag, dim_tag, data_tag = f"{{{NS}}}row", f"{{{NS}}}dimension", f"{{{NS}}}sheetData"

        def done(el: _El) -> None:
            rows.append(self._row(el, state, strings))

        b = _Builder(within=row_tag, done=done)

        def start(n: str, attrs: dict[str, str]) -> None:
            if not b.stack:
                tag = _tag(n)
                if tag == dim_tag and not state["data"] and dim[0] is None:
                    ref = attrs.get("ref")
                    try:
                        dim[0] = range_boundaries(ref) if ref is not None else (None,) * 4
                    except ValueError as exc:
                        raise Xlsxfel(f"filen kan inte läsas som Excel-fil (.xlsx): bladet {name}: {exc}") from None
                elif tag == data_tag:
                    state["data"] = True
            b.start(n, attrs)

        parsing = self._parse_lazily(part, start, b.end, b.data)
        max_col = max_row = None
        counter, idx = 1, 1
        empty: tuple[Cell, ...] = ()
        started = False
        for _ in parsing:
            if not started:
                if not rows and not state["data"]:
                    continue  # the dimension may come yet
                started = True
                if dim[0] is not None:
                    max_col, max_row = dim[0][2], dim[0][3]
                empty = (EMPTY,) * max_col if max_col is not None else ()
            for idx, cells in rows:
                if max_row is not None and idx > max_row:
                    parsing.close()
                    for _ in range(counter, max_row + 1):
                        yield empty
                    return
                for _ in range(counter, idx):
                    counter += 1
                    yield empty
                if counter <= idx:
                    counter += 1
                    yield self._fill(cells, max_col)
            rows.clear()

    @staticmethod
    def _fill(cells: list[dict], max_col: int | None) -> tuple[Cell, ...]:
        if not cells and not max_col:
            return ()
        width = max_col or cells[-1]["column"]
        out = [EMPTY] * width
        for c in cells:
            col = c["column"]
            if 1 <= col <= width:
                out[col - 1] = c["cell"]
        return tuple(out)

    def _row(self, el: _El, state: dict, strings: list[str]) -> tuple[int, list[dict]]:
        r = el.attrib.get("r")
        try:
            if r is not None:
                try:
                    state["row"] = int(r)
                except ValueError:
                    val = float(r)
                    if not val.is_integer():
                        raise ValueError(f"{r} is not a valid row number") from None
                    state["row"] = int(val)
            else:
                state["row"] += 1
            state["col"] = 0
            return state["row"], [self._cell(c, state, strings) for c in el.children]
        except (ValueError, IndexError, OverflowError) as exc:
            raise Xlsxfel(f"filen kan inte läsas som Excel-fil (.xlsx): rad {state['row']}: {exc}") from None

    def _cell(self, el: _El, state: dict, strings: list[str]) -> dict:
        a = el.attrib
        data_type = a.get("t", "n")
        style: Any = a.get("s", 0)
        if style:
            style = int(style)
        value: Any
        if data_type == "inlineStr":
            value = None
        else:
            v = el.find(f"{{{NS}}}v")
            value = (v.text if v is not None else None) or None
        ref = a.get("r")
        if ref:
            row, column = _coordinate(ref)
            state["col"] = column
        else:
            state["col"] += 1
            row, column = state["row"], state["col"]
        if value is not None:
            if data_type == "n":
                value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                if style in self._dates:
                    try:
                        value = from_excel(value, self.epoch, timedelta=style in self._timedeltas)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"  # openpyxl: "treated as an error"
            elif data_type == "s":
                value = strings[int(value)]
            elif data_type == "b":
                value = bool(int(value))
            elif data_type == "d":
                value = from_iso8601(value)
        elif data_type == "inlineStr":
            node = el.find(f"{{{NS}}}is")
            if node is not None:
                value = _content(node)
        f = el.find(f"{{{NS}}}f")
        formel: str | Delad | None = None
        if f is not None and f.attrib.get("t") not in ("array", "dataTable"):
            formel = "=" + (f.text or "")
            if f.attrib.get("t") == "shared":
                si = f.attrib.get("si")
                if si in state["delade"]:
                    formel = Delad(*state["delade"][si], ref)
                elif formel != "=":
                    state["delade"][si] = (formel, ref)
        if isinstance(style, int) and 0 <= style < len(self._formats) and self._formats[style] is not None:
            fmt = self._formats[style]
        else:
            raise IndexError(f"cellen {ref or ''} har formatmallen {style!r}, som inte finns")
        if column > _MAX_COLUMN:
            raise ValueError(f"kolumnen {column} finns inte")
        return {"column": column, "row": row, "cell": (value, fmt, formel)}
