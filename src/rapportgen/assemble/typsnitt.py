"""One embedded copy of each typeface in the package, instead of one subset per part.

Every generated part embeds its own subset of the body font (Carlito and its
bold and italic), each with its own character codes (LibreOffice numbers the
glyphs 0, 1, 2 ... in the order they are first used). Here all subsets of a
typeface are replaced by one: the system's font, subset to every character the
parts use, with one code per character; the text in the pages is re-encoded
to the new codes. A subset is only joined when it is the system's font (same
revision and units, same advance widths) and its ToUnicode map says what each
code is; anything else (other fonts, external parts' fonts, more than 256
characters) is left as it is.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
MAX_FONT_FILES = 5000
TEXT_OPS = {"Tj", "TJ", "'", '"'}


class _Skip(Exception):
    """This typeface cannot be joined safely."""


def _tyst() -> None:
    """fontTools' notes on LibreOffice's subsets (an old 'created' date, a table it does not subset)
    are not the user's concern."""
    import logging

    logging.getLogger("fontTools").setLevel(logging.ERROR)


@lru_cache(maxsize=1)
def _system_fonts() -> dict[str, Path]:
    """PostScript name -> font file, for the TrueType fonts installed on this machine."""
    from fontTools.ttLib import TTFont, TTLibError

    import json

    from ..convert.cache import TYPSNITT, cache_dir
    from ..fileio import write_text_atomic

    found: dict[str, Path] = {}
    files = []
    for d in FONT_DIRS:
        if d.is_dir():
            files.extend(p for p in d.rglob("*") if p.suffix.lower() == ".ttf")
    files = sorted(files)[:MAX_FONT_FILES]
    # The names read last time, while the installed files are the same (path, size, time).
    listing = hashlib.sha256("\n".join(f"{p}\0{p.stat().st_size}\0{p.stat().st_mtime_ns}" for p in files)
                             .encode()).hexdigest()
    memo = cache_dir() / TYPSNITT / "system.json"
    try:
        saved = json.loads(memo.read_text(encoding="utf-8"))
        if saved.get("filer") == listing:
            return {name: Path(p) for name, p in saved["namn"].items()}
    except (OSError, ValueError, AttributeError, KeyError):
        pass
    for path in files:
        try:
            with TTFont(path, lazy=True) as f:
                name = f["name"].getDebugName(6)
        except (TTLibError, OSError, KeyError, AssertionError):
            continue
        if name:
            found.setdefault(name, path)
    try:
        write_text_atomic(memo, json.dumps({"filer": listing, "namn": {k: str(v) for k, v in found.items()}}))
    except OSError:
        pass
    return found


def _to_unicode(cmap_stream) -> dict[int, str]:
    """code -> text from a simple font's ToUnicode CMap (bfchar and bfrange)."""
    text = cmap_stream.read_bytes().decode("latin-1")
    out: dict[int, str] = {}

    def u(hexs: str) -> str:
        return bytes.fromhex(hexs).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = u(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for i, dst in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    out[lo_i + i] = u(dst)
            else:
                start = u(rest[1:-1])
                if len(start) != 1:
                    raise _Skip
                for i in range(hi_i - lo_i + 1):
                    out[lo_i + i] = chr(ord(start) + i)
    return out


def _fonter(pdf: pikepdf.Pdf):
    """The fonts the pages draw with (their resources, the forms they draw, their annotations'
    appearances), each once: walking them is much cheaper than every object of a large package."""
    seen: set = set()

    def visit(resources, depth: int):
        if not isinstance(resources, Dictionary) or depth > 8:
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        fonts = resources.get("/Font")
        if isinstance(fonts, Dictionary):
            for f in fonts.values():
                if isinstance(f, Dictionary) and f.is_indirect and f.objgen not in seen:
                    seen.add(f.objgen)
                    yield f
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, Dictionary):
            for xo in xobjects.values():
                if isinstance(xo, pikepdf.Stream) and xo.objgen not in seen and xo.get("/Subtype") == Name.Form:
                    seen.add(xo.objgen)
                    yield from visit(xo.get("/Resources"), depth + 1)

    for page in pdf.pages:
        yield from visit(page.obj.get("/Resources"), 0)
        for annot in page.obj.get("/Annots", Array()):
            ap = annot.get("/AP") if isinstance(annot, Dictionary) else None
            for stream in (ap.values() if isinstance(ap, Dictionary) else []):
                if isinstance(stream, pikepdf.Stream) and stream.objgen not in seen:
                    seen.add(stream.objgen)
                    yield from visit(stream.get("/Resources"), 1)


def _candidates(pdf: pikepdf.Pdf) -> dict[str, list[Dictionary]]:
    groups: dict[str, list[Dictionary]] = defaultdict(list)
    for obj in _fonter(pdf):
        if obj.get("/Type") != Name.Font:
            continue
        if obj.get("/Subtype") != Name.TrueType or "/Encoding" in obj or "/ToUnicode" not in obj:
            continue
        base = str(obj.get("/BaseFont", ""))
        desc = obj.get("/FontDescriptor")
        if "+" not in base or not isinstance(desc, Dictionary) or "/FontFile2" not in desc:
            continue
        if not isinstance(obj.get("/Widths"), Array) or "/FirstChar" not in obj:
            continue
        groups[base.lstrip("/").split("+", 1)[1]].append(obj)
    return groups


@lru_cache(maxsize=16)
def _full_font(path: Path, size: int, mtime: int):
    """A system font's units, revision, glyph finder and advance widths (read once per process)."""
    upm, rev, cmap, ligatures, hmtx = _font_metrics(path, size, mtime)
    return upm, rev, _glyph_finder(cmap, ligatures), hmtx


def _full(path: Path):
    st = path.stat()
    return _full_font(path, st.st_size, st.st_mtime_ns)


METRICS_VERSION = "1"  # bump when _read_metrics gives other data


def _metrics_entry(path: Path, size: int, mtime: int) -> Path:
    from ..convert.cache import TYPSNITT, cache_dir

    key = hashlib.sha256(f"{METRICS_VERSION}\0{path.resolve()}\0{size}\0{mtime}".encode()).hexdigest()
    return cache_dir() / TYPSNITT / f"{key}.json"


def forladda() -> int:
    """Load the metrics of the installed fonts that are already in the cache (the warm process does
    this once, before it forks a worker per command); how many fonts' metrics were loaded."""
    n = 0
    for path in sorted(set(_system_fonts().values())):
        try:
            st = path.stat()
        except OSError:
            continue
        if _metrics_entry(path, st.st_size, st.st_mtime_ns).is_file():
            _full_font(path, st.st_size, st.st_mtime_ns)
            n += 1
    return n


def _font_metrics(path: Path, size: int, mtime: int):
    """_read_metrics, kept in the PDF cache (typsnitt/) by the font file's path, size and time:
    parsing a full font with fontTools costs more than the rest of joining a package's fonts. An
    entry is checked by its own digest; a broken one is read again from the font."""
    import json

    from ..fileio import write_bytes_atomic

    entry = _metrics_entry(path, size, mtime)
    try:
        data = entry.read_bytes()
        if len(data) > 32 and hashlib.sha256(data[32:]).digest() == data[:32]:
            m = json.loads(data[32:])
            return (m["upm"], m["rev"], {int(k): v for k, v in m["cmap"].items()},
                    {tuple(x[:-1]): x[-1] for x in m["lig"]}, m["hmtx"])
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        pass
    upm, rev, cmap, ligatures, hmtx = _read_metrics(path)
    text = json.dumps({"upm": upm, "rev": rev, "cmap": cmap, "lig": [[*k, v] for k, v in ligatures.items()],
                       "hmtx": hmtx}).encode()
    try:
        write_bytes_atomic(entry, hashlib.sha256(text).digest() + text)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return upm, rev, cmap, ligatures, hmtx


def _read_metrics(path: Path):
    """units per em, revision, cmap (code point -> glyph), ligatures (glyphs -> glyph), advance widths."""
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    hmtx = {g: font["hmtx"][g][0] for g in font.getGlyphOrder()}
    best = dict(font.getBestCmap() or {})
    ligatures: dict[tuple, str] = {}
    if "GSUB" in font:
        for lookup in font["GSUB"].table.LookupList.Lookup:
            for st in lookup.SubTable:
                if st.LookupType == 7:
                    st = st.ExtSubTable
                if getattr(st, "LookupType", None) == 4:
                    for first, ligs in st.ligatures.items():
                        for lig in ligs:
                            ligatures.setdefault((first, *lig.Component), lig.LigGlyph)
    return font["head"].unitsPerEm, float(font["head"].fontRevision), best, ligatures, hmtx


def _glyph_finder(best: dict[int, str], ligatures: dict[tuple, str]):
    """text -> glyph name in the full font: a character by its cmap, a ligature ('fi', 'tt') by GSUB."""

    def find(text: str) -> str | None:
        if len(text) == 1:
            return best.get(ord(text))
        parts = tuple(best.get(ord(c)) for c in text)
        return None if None in parts else ligatures.get(parts)

    return find


def _cmap_font(full_path: Path, kod: dict[int, str]) -> bytes:
    """_subset_font, kept in the PDF cache (typsnitt/) by the font file and the codes' glyphs: a
    rebuilt package usually needs the same subset again. An entry is checked by its own digest."""
    from ..convert.cache import TYPSNITT, kept_bytes

    st = full_path.stat()
    key = hashlib.sha256(f"{SUBSET_VERSION}\0{full_path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0"
                         f"{chr(0).join(f'{c}={g}' for c, g in sorted(kod.items()))}".encode()).hexdigest()
    return kept_bytes(TYPSNITT, f"{key}.ttf", lambda: _subset_font(full_path, kod))


SUBSET_VERSION = "2"  # bump when _subset_font makes other bytes


def _subset_font(full_path: Path, kod: dict[int, str]) -> bytes:
    """The system font subset to the glyphs of kod (code -> glyph), with a symbolic cmap of those codes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    _tyst()
    font = TTFont(full_path)
    for tag in ("GSUB", "GPOS", "GDEF", "kern", "morx", "JSTF"):
        if tag in font:
            del font[tag]  # not needed in a PDF; removed before the subsetter decompiles them
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "morx", "JSTF"]
    sub = subset.Subsetter(options)
    sub.populate(glyphs=sorted(set(kod.values())))
    sub.subset(font)
    mac = CmapSubtable.newSubtable(4)
    mac.platformID, mac.platEncID, mac.language = 1, 0, 0
    mac.cmap = dict(sorted(kod.items()))
    win = CmapSubtable.newSubtable(4)
    win.platformID, win.platEncID, win.language = 3, 0, 0
    win.cmap = {0xF000 + c: g for c, g in sorted(kod.items())}
    font["cmap"].tables = [mac, win]
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def _cmap_stream(chars: dict[int, str]) -> bytes:
    """A ToUnicode CMap: code -> character."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<00> <FF>", "endcodespacerange"]
    items = sorted(chars.items())
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{code:02X}> <{c.encode('utf-16-be').hex().upper()}>" for code, c in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _translation(codes: dict[int, int]) -> tuple[bytes, bytes]:
    """A font's old -> new codes as a bytes.translate table, and the old codes it knows."""
    table = bytearray(range(256))
    known = bytearray()
    for old, new in codes.items():
        if 0 <= old < 256:
            table[old] = new
            known.append(old)
    return bytes(table), bytes(known)


def _recode(ops, resources, mapping: dict[tuple, tuple[bytes, bytes]], seen: set,
            writes: list) -> tuple[list, bool]:
    """Content stream operations with the strings of the joined fonts re-encoded (mapping: font
    object -> _translation of its codes); the forms it draws go through _recode_stream."""
    fonts = resources.get("/Font", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    xobjects = resources.get("/XObject", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    current: tuple[bytes, bytes] | None = None
    font_set = False
    stack: list[tuple] = []
    changed = False
    out = []

    def recode_string(s):
        data = bytes(s)
        table, known = current
        if data.translate(None, known):
            raise _Skip  # a code the font's ToUnicode map does not name
        return String(data.translate(table))

    # The instructions are kept as parsed and only the re-encoded ones replaced: unpacking every
    # instruction into Python tuples costs several times more than the rest of the work.
    for ins in ops:
        op = str(ins.operator)
        if op == "q":
            stack.append((current, font_set))
        elif op == "Q" and stack:
            current, font_set = stack.pop()
        elif op == "Tf" and len(ins.operands) >= 2:
            # With more operands than an operator takes, the last ones count (as in PDF viewers).
            f = fonts.get(str(ins.operands[-2])) if isinstance(fonts, Dictionary) else None
            current = mapping.get(f.objgen) if f is not None and f.is_indirect else None
            font_set = True
        elif op in TEXT_OPS:
            if not font_set:
                raise _Skip  # text in a form drawn with the caller's font
            if current is not None:
                operands = list(ins.operands)
                if op == "TJ" and operands and isinstance(operands[-1], Array):
                    operands[-1] = Array([recode_string(x) if isinstance(x, String) else x for x in operands[-1]])
                elif op != "TJ" and operands and isinstance(operands[-1], String):
                    operands[-1] = recode_string(operands[-1])
                else:
                    raise _Skip  # a text operator without its string
                ins = pikepdf.ContentStreamInstruction(operands, ins.operator)
                changed = True
        elif op == "Do" and len(ins.operands) and isinstance(xobjects, Dictionary):
            _recode_form(xobjects.get(str(ins.operands[-1])), resources, mapping, seen, writes)
        out.append(ins)
    return out, changed


def _recode_form(xo, resources, mapping: dict, seen: set, writes: list) -> None:
    """A form drawn by Do, re-encoded once (with the caller's resources when it has none)."""
    if xo is not None and xo.get("/Subtype") == Name.Form and xo.objgen not in seen:
        seen.add(xo.objgen)
        _recode_stream(xo, xo.get("/Resources", resources), mapping, seen, writes)


# --- the content as LibreOffice writes it, re-encoded on its bytes ----------------------------
# Parsing every instruction of a page and writing it out again costs several times more than the
# re-encoding itself. A stream made only of numbers, names, hex strings, arrays, dictionaries and
# operators (no literal strings, comments or inline images: LibreOffice's pages) is re-encoded on
# its bytes instead: a regular expression finds the few operators that matter (q, Q, Tf, Do and the
# text-showing ones, each with its operands) and only the hex strings shown in a joined font are
# rewritten. Any other stream, or one where such an operator is not in the expected form, is parsed.
_WS = rb"[\t\n\r\x0c ]"
_REG = rb"[^\t\n\r\x0c ()<>\[\]{}/%\x00-\x08\x0b\x0e-\x1f\x7f-\xff]"  # a regular character (printable ASCII)
_HEX_BODY = rb"<[0-9A-Fa-f\t\n\r\x0c ]*+>"
_HEX = rb"(?<!<)" + _HEX_BODY  # a hex string, not the second '<' of a dictionary's '<<'
_NUM = rb"[0-9.+-]++"
_PLAIN = re.compile(rb"(?:" + _WS + rb"++|" + _HEX_BODY + rb"|<<|>>|\[|\]|/" + _REG + rb"*+|" + _REG + rb"++)*+")
_NB = rb"[^\t\n\r\x0c \[\]<>]"  # before an operator: not a regular character, not the '/' of a name
_E = rb"(?![^\t\n\r\x0c \[\]<>/])"  # after an operator
_TF = rb"/(?P<tf>" + _REG + rb"*+)" + _WS + rb"++" + _NUM + _WS + rb"++Tf" + _E
_DO = rb"/(?P<do>" + _REG + rb"*+)" + _WS + rb"++Do" + _E
_ARRAY = rb"\[(?:" + _WS + rb"++|" + _HEX + rb"|" + _NUM + rb")*+\]"
_EVENTS = re.compile(  # its groups are numbered as _recode_bytes reads them
    rb"(?P<g>[qQ])(?<!" + _NB + rb"[qQ])" + _E
    + rb"|" + _TF + rb"|" + _DO
    + rb"|(?P<s>" + _ARRAY + rb"|" + _HEX + rb")" + _WS + rb"*+(?:TJ|Tj|')" + _E
    # any other of those operators (with other operands), the '"' operator, an inline image
    + rb"|(?P<x>(?:T[fjJ]|Do|BI|ID|EI)(?<!" + _NB + rb"(?:T[fjJ]|Do|BI|ID|EI))|['\"](?<!" + _NB + rb"['\"]))" + _E)
_HEXSTR = re.compile(_HEX)
_HEXPAIRS = re.compile(rb"<((?:[0-9A-Fa-f]{2})*+)>")  # a hex string without spaces, of whole bytes
_HEX_WS = b"\t\n\r\x0c <>"


class _NotPlain(Exception):
    """The stream is not in the plain form: parse it."""


def _recode_bytes(data: bytes, resources, mapping: dict, seen: set, writes: list) -> bytes | None:
    """_recode on a plain stream's bytes: the new bytes, or None when nothing was re-encoded."""
    if not _PLAIN.fullmatch(data):
        raise _NotPlain
    fonts = resources.get("/Font", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    xobjects = resources.get("/XObject", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    current: tuple[bytes, bytes] | None = None
    font_set = False
    stack: list[tuple] = []
    out: list[bytes] = []
    last = 0

    def recode_hex(m) -> bytes:
        raw = m.group().translate(None, _HEX_WS)
        s = bytes.fromhex((raw + b"0" if len(raw) % 2 else raw).decode("ascii"))
        table, known = current
        if s.translate(None, known):
            raise _Skip  # a code the font's ToUnicode map does not name
        return b"<" + s.translate(table).hex().encode("ascii") + b">"

    def recode_shown(shown: bytes) -> bytes:
        """The hex strings of one text operator's operands re-encoded, all at once."""
        pieces = _HEXPAIRS.split(shown)
        if shown.count(b"<") != len(pieces) // 2:  # a string with spaces or an odd digit: one by one
            return _HEXSTR.sub(recode_hex, shown)
        s = bytes.fromhex(b"".join(pieces[1::2]).decode("ascii"))
        table, known = current
        if s.translate(None, known):
            raise _Skip  # a code the font's ToUnicode map does not name
        new = s.translate(table).hex().encode("ascii")
        k = 0
        for i in range(1, len(pieces), 2):
            n = len(pieces[i])
            pieces[i] = b"<" + new[k:k + n] + b">"
            k += n
        return b"".join(pieces)

    by_name: dict[bytes, tuple[bytes, bytes] | None] = {}  # a font resource's name -> its translation
    for m in _EVENTS.finditer(data):
        kind = m.lastindex  # 1 q/Q, 2 Tf, 3 Do, 4 a text operator, 5 anything else
        if kind == 1:
            if data[m.start()] == 0x71:  # q
                stack.append((current, font_set))
            elif stack:
                current, font_set = stack.pop()
        elif kind == 2:
            name = m.group(2)
            if name not in by_name:
                if b"#" in name:
                    raise _NotPlain  # an escaped name
                f = fonts.get("/" + name.decode("ascii")) if isinstance(fonts, Dictionary) else None
                by_name[name] = mapping.get(f.objgen) if f is not None and f.is_indirect else None
            current = by_name[name]
            font_set = True
        elif kind == 3:
            name = m.group(3)
            if b"#" in name:
                raise _NotPlain
            if isinstance(xobjects, Dictionary):
                _recode_form(xobjects.get("/" + name.decode("ascii")), resources, mapping, seen, writes)
        elif kind == 4:
            if not font_set:
                raise _Skip  # text in a form drawn with the caller's font
            if current is not None:
                start, end = m.span(4)
                out.append(data[last:start])
                out.append(recode_shown(data[start:end]))
                last = end
        else:
            raise _NotPlain
    if not out:
        return None
    out.append(data[last:])
    return b"".join(out)


def _content_bytes(obj, page: bool) -> bytes | None:
    """A page's content (its streams joined as qpdf joins them) or a form's, decoded; None when
    it is not made of streams."""
    contents = obj.get("/Contents") if page else obj
    if isinstance(contents, pikepdf.Stream):
        return contents.read_bytes()
    if isinstance(contents, Array) and all(isinstance(s, pikepdf.Stream) for s in contents):
        return b"\n".join(s.read_bytes() for s in contents)
    return None


def _recode_stream(obj, resources, mapping: dict, seen: set, writes: list, page: bool = False) -> None:
    """Re-encode one page's (page: obj is its dictionary) or form's content and the forms it draws;
    each changed one goes to writes as (object, new bytes, page)."""
    data = _content_bytes(obj, page)
    try:
        if data is None:
            raise _NotPlain
        new = _recode_bytes(data, resources, mapping, seen, writes)
    except _NotPlain:
        ops, changed = _recode(pikepdf.parse_content_stream(pikepdf.Page(obj) if page else obj), resources,
                               mapping, seen, writes)
        new = pikepdf.unparse_content_stream(ops) if changed else None
    if new is not None:
        writes.append((obj, new, page))


def _reaches(resources, mapping: dict, memo: dict, depth: int) -> bool:
    """Whether a joined font is among the fonts of resources or of the forms it draws."""
    if not isinstance(resources, Dictionary) or depth > 8:
        return depth > 8
    key = resources.objgen if resources.is_indirect else None
    if key is not None and key in memo:
        return memo[key]
    found = False
    fonts = resources.get("/Font")
    if isinstance(fonts, Dictionary):
        found = any(f.is_indirect and f.objgen in mapping for f in fonts.values())
    xobjects = resources.get("/XObject")
    if not found and isinstance(xobjects, Dictionary):
        for xo in xobjects.values():
            if isinstance(xo, pikepdf.Stream) and xo.get("/Subtype") == Name.Form:
                if _reaches(xo.get("/Resources"), mapping, memo, depth + 1):
                    found = True
                    break
    if key is not None:
        memo[key] = found
    return found


# --- stable codes ----------------------------------------------------------------------------
# Every joined font uses the same code for a character, whichever part it is in: the character's
# Windows-1252 code when it has one; the ligatures LibreOffice draws (fi, ti, tt ...) and a few
# signs of Swedish figures (−, ≤, ≥, →) a fixed one among the codes Windows-1252 leaves free; any
# other character one of the remaining free codes, picked from the character itself. A part can
# then be re-encoded once, when it is converted (forbered), and its streams stay valid in every
# package it is joined into: the package's join only draws the fonts again and re-encodes the few
# parts whose codes differ (an unprepared part, a clash among the rare other characters).
FRIA = tuple(range(1, 0x20)) + (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D)
_FRIA = frozenset(FRIA)
FASTA = {ch: FRIA[i] for i, ch in enumerate((
    "fi", "fl", "ff", "ffi", "ffl", "ft", "tt", "ti", "tf", "tti", "ttf", "fft", "fb", "fh", "fj", "fk",
    "\u2212", "\u2264", "\u2265", "\u2192"))}
_ROREDE = tuple(c for c in FRIA if c not in FASTA.values())  # for the other characters


def _kanonisk(ch: str) -> int | None:
    """A character's stable code: its Windows-1252 byte (printable ones only)."""
    if len(ch) != 1:
        return None
    try:
        b = ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return None
    return b if b >= 0x20 and b != 0x7F else None


def _forsta_fria(ch: str) -> int:
    """Where a character without a fixed code starts looking among the remaining free codes."""
    return hashlib.sha256(ch.encode("utf-8")).digest()[0] % len(_ROREDE)


def _tilldela(fonts: list[dict[int, str]]) -> dict[str, int] | None:
    """The stable code of every character the fonts (code -> character) use; None when the
    characters outside Windows-1252 do not fit in its free codes."""
    target: dict[str, int] = {}
    extra: set[str] = set()
    for codes in fonts:
        for ch in codes.values():
            k = _kanonisk(ch)
            if k is None:
                extra.add(ch)
            else:
                target[ch] = k
    if not extra:
        return target
    used: set[int] = set()
    for ch in extra:
        if ch in FASTA:
            target[ch] = FASTA[ch]
            used.add(FASTA[ch])
    # A font already on stable codes keeps its own choice for the other characters (first font first).
    for codes in fonts:
        if all(_kanonisk(ch) in (None, code) and FASTA.get(ch, code) == code for code, ch in codes.items()):
            for code, ch in sorted(codes.items()):
                if ch in extra and ch not in target and code in _FRIA and code not in used:
                    target[ch] = code
                    used.add(code)
    for ch in sorted(extra - target.keys()):
        start = _forsta_fria(ch)
        order = _ROREDE[start:] + _ROREDE[:start] + tuple(FASTA.values())
        code = next((c for c in order if c not in used), None)
        if code is None:
            return None
        target[ch] = code
        used.add(code)
    return target


def _granska(f: Dictionary, upm: int, rev: float, find, hmtx: dict) -> dict[int, str | None] | None:
    """A subset's codes (code -> character; None for a .notdef code) when it is the system's font
    (same units and revision, same advance widths) and its ToUnicode map names every code it draws."""
    from fontTools.ttLib import TTFont, TTLibError

    _tyst()
    try:
        program = f.FontDescriptor.FontFile2.read_bytes()
        head = _head(program)
        if head is None:  # not a plain TrueType program: fontTools reads it
            sub = TTFont(io.BytesIO(program), lazy=True)
            head = sub["head"].unitsPerEm, sub["head"].fontRevision
        if head[0] != upm or abs(head[1] - rev) > 1e-6:
            return None
        codes = _to_unicode(f.ToUnicode)
        first, widths = int(f.FirstChar), [float(w) for w in f.Widths]
    except (TTLibError, pikepdf.PdfError, KeyError, AssertionError, ValueError, TypeError, _Skip):
        return None
    out: dict[int, str | None] = {}
    for code in range(first, first + len(widths)):
        ch = codes.get(code)
        if ch is None and widths[code - first] == 0:
            out[code] = None  # .notdef (code 0 in LibreOffice's subsets, unused codes in a prepared part)
            continue
        glyph = find(ch) if ch else None
        if glyph is None or abs(hmtx[glyph] * 1000 / upm - widths[code - first]) > 1:
            return None
        out[code] = ch
    return out


def _granskade(pdf: pikepdf.Pdf) -> dict[str, list[tuple[Dictionary, dict[int, str | None]]]]:
    """The joinable subsets of each typeface in pdf, with their codes."""
    system = _system_fonts()
    out: dict[str, list] = {}
    for family, fonts in _candidates(pdf).items():
        if family not in system:
            continue
        upm, rev, find, hmtx = _full(system[family])
        ok = [(f, codes) for f in fonts if (codes := _granska(f, upm, rev, find, hmtx)) is not None]
        if ok:
            out[family] = ok
    return out


def _omkodning(codes: dict[int, str | None], target: dict[str, int]) -> dict[int, int] | None:
    """A font's old -> stable codes, or None when it is on them already."""
    if all(ch is None or target[ch] == c for c, ch in codes.items()):
        return None
    return {c: (0 if ch is None else target[ch]) for c, ch in codes.items()}


def _omkoda(pdf: pikepdf.Pdf, mapping: dict[tuple, dict[int, int]]) -> bool:
    """Re-encode the text drawn in the fonts of mapping (font object -> old -> new codes) on every
    page, form and annotation appearance; False (and nothing changed) when some text cannot be."""
    tables = {k: _translation(v) for k, v in mapping.items()}
    writes: list = []
    try:
        seen: set = set()
        memo: dict = {}
        for page in pdf.pages:
            if not _reaches(page.obj.get("/Resources"), tables, memo, 0):
                continue  # no re-encoded font on this page (an external or prepared part's): nothing to do
            _recode_stream(page.obj, page.obj.get("/Resources", Dictionary()), tables, seen, writes, page=True)
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", Array()):
                ap = annot.get("/AP")
                for stream in (ap.values() if isinstance(ap, Dictionary) else []):
                    if isinstance(stream, pikepdf.Stream) and stream.objgen not in seen and \
                            _reaches(stream.get("/Resources"), tables, memo, 0):
                        seen.add(stream.objgen)
                        _recode_stream(stream, stream.get("/Resources", Dictionary()), tables, seen, writes)
    except (_Skip, pikepdf.PdfError):
        return False
    for obj, data, page in writes:
        if page:
            obj.Contents = pdf.make_stream(data)
        else:
            obj.write(data)
    return True


def dela_typsnitt(pdf: pikepdf.Pdf) -> int:
    """Join the subsets of each typeface into one embedded font; how many font programs were dropped.

    The joined font draws each character at its stable code: a part prepared when it was converted
    (forbered) is on those codes already and is not parsed again; the others are re-encoded here.
    """
    system = _system_fonts()
    plan: dict[str, tuple[list, dict[str, int]]] = {}
    for family, fonts in _granskade(pdf).items():
        if len(fonts) < 2:
            continue
        target = _tilldela([{c: ch for c, ch in codes.items() if ch is not None} for _f, codes in fonts])
        if target is not None:
            plan[family] = (fonts, target)
    if not plan:
        return 0
    mapping = {f.objgen: m for fonts, target in plan.values() for f, codes in fonts
               if (m := _omkodning(codes, target)) is not None}
    if mapping and not _omkoda(pdf, mapping):
        return 0

    dropped = 0
    for family, (fonts, target) in plan.items():
        upm, _rev, find, hmtx = _full(system[family])
        kod = {code: find(ch) for ch, code in target.items()}
        chars = {code: ch for ch, code in target.items()}
        last = max(chars)
        data = _cmap_font(system[family], kod)
        tag = "".join(chr(ord("A") + b % 26) for b in hashlib.sha256(
            repr(sorted(chars.items())).encode() + family.encode()).digest()[:6])
        fontfile = pikepdf.Stream(pdf, data)
        fontfile.Length1 = len(data)
        desc = pdf.make_indirect(Dictionary(fonts[0][0].FontDescriptor))
        desc.FontName = Name(f"/{tag}+{family}")
        desc.FontFile2 = pdf.make_indirect(fontfile)
        desc.Flags = (int(desc.get("/Flags", 4)) | 4) & ~32  # symbolic: the font's own cmap decides
        widths = pdf.make_indirect(Array([round(hmtx[kod[c]] * 1000 / upm) if c in kod else 0
                                          for c in range(last + 1)]))
        to_unicode = pdf.make_indirect(pdf.make_stream(_cmap_stream(chars)))
        for f, _codes in fonts:
            f.BaseFont = Name(f"/{tag}+{family}")
            f.FontDescriptor = desc
            f.FirstChar, f.LastChar, f.Widths = 0, last, widths
            f.ToUnicode = to_unicode
        dropped += len(fonts) - 1
    return dropped


# --- a TrueType program's tables, read and patched on its bytes ------------------------------
# Opening a subset with fontTools and saving it again costs more than all the rest of preparing a
# part's fonts; LibreOffice's subsets have one format 0 cmap (code -> glyph, one byte each), which
# is moved to the stable codes in place (its table and the font's checksums written again).

def _tables(data: bytes) -> dict[bytes, tuple[int, int, int]] | None:
    """tag -> (its directory entry, offset, length) of a TrueType font program; None when the
    data is not one (or a table lies outside it)."""
    if len(data) < 12 or data[:4] not in (b"\x00\x01\x00\x00", b"true"):
        return None
    n = struct.unpack_from(">H", data, 4)[0]
    if 12 + 16 * n > len(data):
        return None
    out = {}
    for i in range(n):
        tag, _sum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if offset + length > len(data):
            return None
        out[tag] = (12 + 16 * i, offset, length)
    return out


def _head(data: bytes) -> tuple[int, float] | None:
    """A TrueType program's units per em and revision (as fontTools reads them), from its bytes."""
    tables = _tables(data)
    if tables is None or b"head" not in tables or tables[b"head"][2] < 54:
        return None
    offset = tables[b"head"][1]
    return struct.unpack_from(">H", data, offset + 18)[0], struct.unpack_from(">i", data, offset + 4)[0] / 65536


def _checksum(data: bytes | bytearray) -> int:
    padded = bytes(data) + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _ny_kodning_format0(data: bytes, codes: dict[int, str | None], target: dict[str, int]) -> bytes | None:
    """_ny_kodning for a program whose cmap has only format 0 subtables, on its bytes; None for
    any other program."""
    tables = _tables(data)
    if tables is None or b"cmap" not in tables or b"head" not in tables or tables[b"head"][2] < 54:
        return None
    entry, cmap, length = tables[b"cmap"]
    if length < 4:
        return None
    n = struct.unpack_from(">H", data, cmap + 2)[0]
    if 4 + 8 * n > length or n == 0:
        return None
    out = bytearray(data)
    for i in range(n):
        sub = cmap + struct.unpack_from(">I", data, cmap + 4 + 8 * i + 4)[0]
        if sub + 262 > cmap + length or struct.unpack_from(">HH", data, sub) != (0, 262):
            return None  # not format 0
        glyphs = data[sub + 6:sub + 262]
        new = bytearray(256)
        for c, ch in codes.items():
            if ch is None:
                continue
            if not 0 <= c < 256:
                raise _Skip  # a code the subset's cmap does not draw
            new[target[ch]] = glyphs[c]
        out[sub + 6:sub + 262] = new
    struct.pack_into(">I", out, entry + 4, _checksum(out[cmap:cmap + length]))
    head = tables[b"head"][1]
    struct.pack_into(">I", out, head + 8, 0)
    struct.pack_into(">I", out, head + 8, (0xB1B0AFBA - _checksum(out)) & 0xFFFFFFFF)
    return bytes(out)


def _ny_kodning(font: Dictionary, codes: dict[int, str | None], target: dict[str, int]) -> bytes:
    """The subset's own font program with its cmap moved to the stable codes (the glyphs stay)."""
    from fontTools.ttLib import TTFont

    program = font.FontDescriptor.FontFile2.read_bytes()
    patched = _ny_kodning_format0(program, codes, target)
    if patched is not None:
        return patched
    tt = TTFont(io.BytesIO(program), recalcBBoxes=False, recalcTimestamp=False)
    tables = tt["cmap"].tables
    if not tables:
        raise _Skip
    for sub in tables:
        base = 0xF000 if (sub.platformID, sub.platEncID) == (3, 0) and min(sub.cmap, default=0xF000) >= 0xF000 else 0
        new = {}
        for c, ch in codes.items():
            if ch is None:
                continue
            glyph = sub.cmap.get(base + c)
            if glyph is None:
                raise _Skip  # a code the subset's cmap does not draw
            new[base + target[ch]] = glyph
        if sub.format == 0 or sub.format == 4 or sub.format == 6 or sub.format == 12:
            sub.cmap = new
        else:
            raise _Skip
    buf = io.BytesIO()
    tt.save(buf)
    return buf.getvalue()


def forbered(pdf: pikepdf.Pdf) -> bool:
    """Move a converted part's joinable subsets to the stable codes, each with its own font program
    (its cmap re-pointed): done once per part, as soon as it is converted, so that joining the
    package's fonts does not parse its pages again. Whether anything changed; a part that cannot be
    re-encoded safely is left as it is (the package's join then handles it as before)."""
    from fontTools.ttLib import TTLibError

    changes = []
    for _family, fonts in _granskade(pdf).items():
        target = _tilldela([{c: ch for c, ch in codes.items() if ch is not None} for _f, codes in fonts])
        if target is None:
            continue
        for f, codes in fonts:
            m = _omkodning(codes, target)
            if m is None:
                continue
            try:
                data = _ny_kodning(f, codes, target)
            except (_Skip, TTLibError, pikepdf.PdfError, KeyError, AssertionError, ValueError, TypeError):
                continue
            changes.append((f, codes, target, m, data))
    if not changes or not _omkoda(pdf, {f.objgen: m for f, _c, _t, m, _d in changes}):
        return False
    for f, codes, target, _m, data in changes:
        first = int(f.FirstChar)
        old_widths = list(f.Widths)
        widths: dict[int, object] = {target[ch]: old_widths[c - first] for c, ch in codes.items() if ch is not None}
        last = max(widths)
        fontfile = pikepdf.Stream(pdf, data)
        fontfile.Length1 = len(data)
        desc = pdf.make_indirect(Dictionary(f.FontDescriptor))
        desc.FontFile2 = pdf.make_indirect(fontfile)
        desc.Flags = (int(desc.get("/Flags", 4)) | 4) & ~32  # symbolic: the font's own cmap decides
        f.FontDescriptor = desc
        f.FirstChar, f.LastChar = 0, last
        f.Widths = Array([widths.get(c, 0) for c in range(last + 1)])
        f.ToUnicode = pdf.make_stream(_cmap_stream({target[ch]: ch for ch in codes.values() if ch is not None}))
    return True
