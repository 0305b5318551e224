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


def _candidates(pdf: pikepdf.Pdf) -> dict[str, list[Dictionary]]:
    groups: dict[str, list[Dictionary]] = defaultdict(list)
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
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


def _font_metrics(path: Path, size: int, mtime: int):
    """_read_metrics, kept in the PDF cache (typsnitt/) by the font file's path, size and time:
    parsing a full font with fontTools costs more than the rest of joining a package's fonts. An
    entry is checked by its own digest; a broken one is read again from the font."""
    import json

    from ..convert.cache import TYPSNITT, cache_dir
    from ..fileio import write_bytes_atomic

    key = hashlib.sha256(f"{METRICS_VERSION}\0{path.resolve()}\0{size}\0{mtime}".encode()).hexdigest()
    entry = cache_dir() / TYPSNITT / f"{key}.json"
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


def _cmap_font(full_path: Path, glyphs: list[str]) -> bytes:
    """_subset_font, kept in the PDF cache (typsnitt/) by the font file and the glyphs: a rebuilt
    package usually needs the same subset again. An entry is checked by its own digest."""
    from ..convert.cache import TYPSNITT, cache_dir
    from ..fileio import write_bytes_atomic

    st = full_path.stat()
    key = hashlib.sha256(f"{SUBSET_VERSION}\0{full_path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0"
                         f"{chr(0).join(glyphs)}".encode()).hexdigest()
    entry = cache_dir() / TYPSNITT / f"{key}.ttf"
    try:
        data = entry.read_bytes()
        if len(data) > 32 and hashlib.sha256(data[32:]).digest() == data[:32]:
            return data[32:]
    except OSError:
        pass
    data = _subset_font(full_path, glyphs)
    try:
        write_bytes_atomic(entry, hashlib.sha256(data).digest() + data)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return data


SUBSET_VERSION = "1"  # bump when _subset_font makes other bytes


def _subset_font(full_path: Path, glyphs: list[str]) -> bytes:
    """The system font subset to glyphs, with a symbolic cmap: code i + 1 -> glyphs[i]."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

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
    sub.populate(glyphs=glyphs)
    sub.subset(font)
    mac = CmapSubtable.newSubtable(4)
    mac.platformID, mac.platEncID, mac.language = 1, 0, 0
    mac.cmap = {i + 1: g for i, g in enumerate(glyphs)}
    win = CmapSubtable.newSubtable(4)
    win.platformID, win.platEncID, win.language = 3, 0, 0
    win.cmap = {0xF001 + i: g for i, g in enumerate(glyphs)}
    font["cmap"].tables = [mac, win]
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def _cmap_stream(chars: list[str]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<00> <FF>", "endcodespacerange"]
    for start in range(0, len(chars), 100):
        chunk = chars[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{start + i + 1:02X}> <{c.encode('utf-16-be').hex().upper()}>" for i, c in enumerate(chunk))
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
            forms_changed: list) -> tuple[list, bool]:
    """Content stream operations with the strings of the joined fonts re-encoded (mapping: font
    object -> _translation of its codes)."""
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
        elif op == "Tf" and len(ins.operands):
            f = fonts.get(str(ins.operands[0])) if isinstance(fonts, Dictionary) else None
            current = mapping.get(f.objgen) if f is not None and f.is_indirect else None
            font_set = True
        elif op in TEXT_OPS:
            if not font_set:
                raise _Skip  # text in a form drawn with the caller's font
            if current is not None:
                operands = list(ins.operands)
                if op == "TJ":
                    operands[0] = Array([recode_string(x) if isinstance(x, String) else x for x in operands[0]])
                else:
                    operands[-1] = recode_string(operands[-1])
                ins = pikepdf.ContentStreamInstruction(operands, ins.operator)
                changed = True
        elif op == "Do" and len(ins.operands) and isinstance(xobjects, Dictionary):
            xo = xobjects.get(str(ins.operands[0]))
            if xo is not None and xo.get("/Subtype") == Name.Form and xo.objgen not in seen:
                seen.add(xo.objgen)
                sub_ops, sub_changed = _recode(pikepdf.parse_content_stream(xo), xo.get("/Resources", resources),
                                               mapping, seen, forms_changed)
                if sub_changed:
                    forms_changed.append((xo, sub_ops))
        out.append(ins)
    return out, changed


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


def dela_typsnitt(pdf: pikepdf.Pdf) -> int:
    """Join the subsets of each typeface into one embedded font; how many font programs were dropped."""
    from fontTools.ttLib import TTFont, TTLibError

    system = _system_fonts()
    plan: dict[str, tuple[list[Dictionary], list[str], dict[tuple, dict[int, int]]]] = {}
    for family, fonts in _candidates(pdf).items():
        if len(fonts) < 2 or family not in system:
            continue
        upm, rev, find, hmtx = _full(system[family])
        chars: list[str] = []
        index: dict[str, int] = {}  # character -> its new code
        mapping: dict[tuple, dict[int, int]] = {}
        joined = []
        for f in fonts:
            try:
                sub = TTFont(io.BytesIO(f.FontDescriptor.FontFile2.read_bytes()), lazy=True)
                if sub["head"].unitsPerEm != upm or abs(sub["head"].fontRevision - rev) > 1e-6:
                    continue
                codes = _to_unicode(f.ToUnicode)
            except (TTLibError, pikepdf.PdfError, KeyError, AssertionError, ValueError, _Skip):
                continue
            first, widths = int(f.FirstChar), list(f.Widths)
            ok = True
            for code in range(first, first + len(widths)):
                ch = codes.get(code)
                if ch is None and float(widths[code - first]) == 0:
                    continue  # .notdef (code 0 in LibreOffice's subsets)
                glyph = find(ch) if ch else None
                if glyph is None:
                    ok = False
                    break
                if abs(hmtx[glyph] * 1000 / upm - float(widths[code - first])) > 1:
                    ok = False
                    break
            if not ok:
                continue
            for code in range(first, first + len(widths)):
                if code in codes and codes[code] not in index:
                    chars.append(codes[code])
                    index[codes[code]] = len(chars)
            joined.append(f)
            # New codes: 0 is .notdef, character i of chars is code i + 1.
            mapping[f.objgen] = {c: (index[codes[c]] if c in codes else 0)
                                 for c in range(first, first + len(widths))}
        if len(joined) >= 2 and len(chars) <= 255:
            plan[family] = (joined, chars, mapping)
    if not plan:
        return 0

    # Re-encode every page's text first; only when all of it works are the fonts replaced.
    mapping = {k: _translation(v) for _j, _c, m in plan.values() for k, v in m.items()}
    rewrites = []
    forms: list = []
    try:
        seen: set = set()
        memo: dict = {}
        for page in pdf.pages:
            if not _reaches(page.obj.get("/Resources"), mapping, memo, 0):
                continue  # no joined font on this page (an external part's): nothing to re-encode
            ops, changed = _recode(pikepdf.parse_content_stream(page), page.obj.get("/Resources", Dictionary()),
                                   mapping, seen, forms)
            if changed:
                rewrites.append((page, ops))
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", Array()):
                ap = annot.get("/AP")
                for stream in (ap.values() if isinstance(ap, Dictionary) else []):
                    if isinstance(stream, pikepdf.Stream) and stream.objgen not in seen:
                        seen.add(stream.objgen)
                        ops, changed = _recode(pikepdf.parse_content_stream(stream),
                                               stream.get("/Resources", Dictionary()), mapping, seen, forms)
                        if changed:
                            forms.append((stream, ops))
    except (_Skip, pikepdf.PdfError):
        return 0
    for page, ops in rewrites:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
    for xo, ops in forms:
        xo.write(pikepdf.unparse_content_stream(ops))

    dropped = 0
    for family, (joined, chars, _m) in plan.items():
        upm, _rev, find, hmtx = _full(system[family])
        glyphs = [find(c) for c in chars]
        data = _cmap_font(system[family], glyphs)
        tag = "".join(chr(ord("A") + b % 26) for b in hashlib.sha256("".join(chars).encode() + family.encode()).digest()[:6])
        fontfile = pikepdf.Stream(pdf, data)
        fontfile.Length1 = len(data)
        desc = pdf.make_indirect(Dictionary(joined[0].FontDescriptor))
        desc.FontName = Name(f"/{tag}+{family}")
        desc.FontFile2 = pdf.make_indirect(fontfile)
        desc.Flags = (int(desc.get("/Flags", 4)) | 4) & ~32  # symbolic: the font's own cmap decides
        widths = pdf.make_indirect(Array([0] + [round(hmtx[g] * 1000 / upm) for g in glyphs]))
        to_unicode = pdf.make_indirect(pdf.make_stream(_cmap_stream(chars)))
        for f in joined:
            f.BaseFont = Name(f"/{tag}+{family}")
            f.FontDescriptor = desc
            f.FirstChar, f.LastChar, f.Widths = 0, len(chars), widths
            f.ToUnicode = to_unicode
        dropped += len(joined) - 1
    return dropped
