"""Redaction of personnummer in the page text of a PDF from another tool.

Each content stream (a page's, and the forms it draws) is parsed with pikepdf.
Every text-showing operator's string is decoded glyph by glyph through its
font (ToUnicode, or the simple font's encoding and /Differences), with each
glyph's position. Numbers are searched for in the page's text as a reader
sees it (across operators; a line break or a gap counts as a space). Each
digit of a match is replaced in the stream by the font's '*' (or 'X', else
removed), the advance kept with a TJ adjustment, so the digits can no longer
be extracted, and a black box (an artifact) is drawn over the number.

Fonts that cannot be decoded reliably (Type3, composite fonts without
ToUnicode or with a CMap other than Identity) are reported; the caller stops
the build if such a page holds a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, String
from reportlab.pdfbase import pdfmetrics

from . import personnummer

_STANDARD14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
               "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
               "Times-BoldItalic", "Symbol", "ZapfDingbats"}
_GLYPH_NAMES = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                "seven": "7", "eight": "8", "nine": "9", "space": " ", "hyphen": "-", "endash": "\u2013",
                "emdash": "\u2014", "plus": "+", "minus": "\u2212", "asterisk": "*", "nbspace": "\u00a0",
                "uni00A0": "\u00a0", "period": ".", "comma": ",", "slash": "/", "colon": ":"}
MAX_OPS = 2_000_000  # operators per content stream (a hostile file cannot make the pass run forever)


def _matmul(a, b):
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _hex(s: str) -> bytes:
    return bytes.fromhex(s if len(s) % 2 == 0 else s + "0")


def _parse_tounicode(data: bytes) -> dict[bytes, str]:
    """bfchar and bfrange entries of a ToUnicode CMap: code bytes -> text."""
    text = data.decode("latin-1")
    out: dict[bytes, str] = {}

    def uni(h: bytes) -> str:
        try:
            return h.decode("utf-16-be")
        except UnicodeDecodeError:
            return "\ufffd"

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[_hex(src)] = uni(_hex(dst))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
            blo, bhi = _hex(lo), _hex(hi)
            n_lo, n_hi, size = int.from_bytes(blo, "big"), int.from_bytes(bhi, "big"), len(blo)
            if n_hi - n_lo > 65535:
                continue
            if rest.startswith("["):
                for i, d in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    out[(n_lo + i).to_bytes(size, "big")] = uni(_hex(d))
            else:
                dst = _hex(rest[1:-1])
                base = int.from_bytes(dst, "big") if dst else 0
                for i in range(n_hi - n_lo + 1):
                    out[(n_lo + i).to_bytes(size, "big")] = uni((base + i).to_bytes(max(2, len(dst)), "big"))
    return out


@dataclass
class _Font:
    name: str
    two_byte: bool
    to_unicode: dict[bytes, str]
    widths: dict[int, float]
    default_width: float
    standard: str | None = None  # a standard-14 base font (widths from its metrics)
    decodable: bool = True
    reverse: dict[str, bytes] = field(default_factory=dict)

    def codes(self, data: bytes) -> list[bytes]:
        if self.two_byte:
            return [data[i:i + 2] for i in range(0, len(data) - 1, 2)]
        return [bytes([b]) for b in data]

    def text(self, code: bytes) -> str:
        if code in self.to_unicode:
            return self.to_unicode[code]
        return "" if self.two_byte else code.decode("cp1252", errors="replace")

    def width(self, code: bytes) -> float:
        c = int.from_bytes(code, "big")
        if c in self.widths:
            return self.widths[c]
        if self.standard:
            t = self.text(code)
            try:
                return pdfmetrics.stringWidth(t, self.standard, 1000) if t else self.default_width
            except (KeyError, UnicodeError, ValueError):
                return self.default_width
        return self.default_width

    def replacement(self, wo: float) -> bytes | None:
        """The code of '*' or 'X', whichever leaves the smaller gap after it (a gap reads as a space)."""
        best = None
        for ch in ("*", "X"):
            if ch in self.reverse:
                code = self.reverse[ch]
                gap = max(0.0, wo - self.width(code))
                if best is None or gap < best[0]:
                    best = (gap, code)
        return best[1] if best else None


def _load_font(font, key: str) -> _Font:
    sub = font.get("/Subtype")
    name = f"{str(font.get('/BaseFont', key)).lstrip('/')} ({str(sub).lstrip('/')})"
    tu = {}
    if isinstance(font.get("/ToUnicode"), pikepdf.Stream):
        try:
            tu = _parse_tounicode(font.ToUnicode.read_bytes()[:4_000_000])
        except pikepdf.PdfError:
            tu = {}
    if sub == Name.Type0:
        enc = font.get("/Encoding")
        desc = font.get("/DescendantFonts")
        desc = desc[0] if isinstance(desc, Array) and len(desc) else Dictionary()
        widths: dict[int, float] = {}
        w = desc.get("/W", Array())
        i = 0
        while i < len(w) and len(widths) < 200_000:
            first = int(w[i])
            if i + 1 < len(w) and isinstance(w[i + 1], Array):
                for j, x in enumerate(w[i + 1]):
                    widths[first + j] = float(x)
                i += 2
            elif i + 2 < len(w):
                last, x = int(w[i + 1]), float(w[i + 2])
                for c in range(first, min(last, first + 65535) + 1):
                    widths[c] = x
                i += 3
            else:
                break
        f = _Font(name, True, tu, widths, float(desc.get("/DW", 1000)))
        f.decodable = bool(tu) and enc in (Name("/Identity-H"), Name("/Identity-V"))
    else:
        tu = dict(tu)
        enc = font.get("/Encoding")
        if isinstance(enc, Dictionary) and isinstance(enc.get("/Differences"), Array):
            code = 0
            for item in enc.Differences:
                if isinstance(item, Name):
                    glyph = str(item).lstrip("/")
                    ch = _GLYPH_NAMES.get(glyph)
                    if ch is None and glyph.startswith("uni") and len(glyph) == 7:
                        try:
                            ch = chr(int(glyph[3:], 16))
                        except ValueError:
                            ch = None
                    if ch is None and len(glyph) == 1:
                        ch = glyph
                    tu.setdefault(bytes([code % 256]), ch if ch is not None else "\ufffd")
                    code += 1
                else:
                    code = int(item)
        widths = {}
        fc = int(font.get("/FirstChar", 0))
        for j, x in enumerate(font.get("/Widths", Array())):
            widths[fc + j] = float(x)
        fd = font.get("/FontDescriptor", Dictionary())
        base = str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]
        f = _Font(name, False, tu, widths, float(fd.get("/MissingWidth", 500)) or 500,
                  standard=base if base in _STANDARD14 and not widths else None)
        f.decodable = sub != Name.Type3
    # The code of '*' / 'X' in this font (used as the replacement glyph).
    if f.two_byte:
        for code, t in f.to_unicode.items():
            if t in ("*", "X") and t not in f.reverse:
                f.reverse[t] = code
    else:
        for c in range(256):
            t = f.text(bytes([c]))
            if t in ("*", "X") and t not in f.reverse and (c in f.widths or f.standard):
                f.reverse[t] = bytes([c])
    return f


@dataclass
class _Glyph:
    op: int  # index of the operator in the stream
    item: int  # index of the string in the TJ array (0 for Tj)
    code: bytes
    text: str
    box: tuple[float, float, float, float]  # in the stream's user space
    start: tuple[float, float]
    end: tuple[float, float]
    size: float


def _resources_of(page_obj) -> Dictionary:
    node, depth = page_obj, 0
    while isinstance(node, Dictionary) and depth < 32:
        if "/Resources" in node:
            return node.Resources
        node = node.get("/Parent")
        depth += 1
    return Dictionary()


def _redact_stream(pdf: pikepdf.Pdf, owner, resources, fonts_cache: dict, seen: set,
                   fonts_bad: set[str]) -> list[str]:
    """Redact one content stream (and the forms it draws); returns the numbers found, as written."""
    ops = pikepdf.parse_content_stream(owner)
    if len(ops) > MAX_OPS:
        fonts_bad.add("(innehållet är för stort för att granskas)")
        return []
    fontres = resources.get("/Font", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    xobjects = resources.get("/XObject", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    glyphs: list[_Glyph] = []
    found: list[str] = []
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = []
    tm = tlm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    font: _Font | None = None
    tfs = tc = tw = ts = 0.0
    th, tl = 1.0, 0.0
    new_ops: dict[int, list] = {}

    def show(idx: int, item: int, data: bytes) -> None:
        nonlocal tm
        if font is None:
            return
        if not font.decodable:
            fonts_bad.add(font.name)
        for code in font.codes(data):
            w0 = font.width(code) / 1000.0
            trm = _matmul(_matmul((tfs * th, 0, 0, tfs, 0, ts), tm), ctm)
            corners = [_apply(trm, x, y) for x in (0, w0) for y in (-0.25, 0.8)]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            size = abs(trm[3]) or abs(trm[0]) or 1.0
            start, end = _apply(trm, 0, 0), _apply(trm, w0, 0)
            glyphs.append(_Glyph(idx, item, code, font.text(code) if font.decodable else "\ufffd",
                                 (min(xs), min(ys), max(xs), max(ys)), start, end, size))
            tx = (w0 * tfs + tc + (tw if not font.two_byte and code == b" " else 0)) * th
            tm = _matmul((1, 0, 0, 1, tx, 0), tm)

    def next_line() -> None:
        nonlocal tm, tlm
        tlm = _matmul((1, 0, 0, 1, 0, -tl), tlm)
        tm = tlm

    for idx, (operands, operator) in enumerate(ops):
        op = str(operator)
        try:
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop() if stack else ctm
            elif op == "cm" and len(operands) == 6:
                ctm = _matmul(tuple(float(x) for x in operands), ctm)
            elif op == "BT":
                tm = tlm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            elif op == "Tf" and len(operands) == 2:
                key = str(operands[0])
                fobj = fontres.get(key) if isinstance(fontres, Dictionary) else None
                if isinstance(fobj, Dictionary):
                    cache_key = fobj.objgen if fobj.is_indirect and fobj.objgen != (0, 0) else id(fobj)
                    if cache_key not in fonts_cache:
                        fonts_cache[cache_key] = _load_font(fobj, key.lstrip('/'))
                    font = fonts_cache[cache_key]
                else:
                    font = None
                tfs = float(operands[1])
            elif op == "Tc":
                tc = float(operands[0])
            elif op == "Tw":
                tw = float(operands[0])
            elif op == "Tz":
                th = float(operands[0]) / 100.0
            elif op == "TL":
                tl = float(operands[0])
            elif op == "Ts":
                ts = float(operands[0])
            elif op in ("Td", "TD") and len(operands) == 2:
                tx, ty = float(operands[0]), float(operands[1])
                if op == "TD":
                    tl = -ty
                tlm = _matmul((1, 0, 0, 1, tx, ty), tlm)
                tm = tlm
            elif op == "Tm" and len(operands) == 6:
                tm = tlm = tuple(float(x) for x in operands)
            elif op == "T*":
                next_line()
            elif op == "Tj" and operands:
                show(idx, 0, bytes(operands[0]))
            elif op == "'" and operands:
                next_line()
                show(idx, 0, bytes(operands[0]))
            elif op == '"' and len(operands) == 3:
                tw, tc = float(operands[0]), float(operands[1])
                next_line()
                show(idx, 0, bytes(operands[2]))
            elif op == "TJ" and operands:
                for j, part in enumerate(operands[0]):
                    if isinstance(part, String):
                        show(idx, j, bytes(part))
                    else:
                        tm = _matmul((1, 0, 0, 1, -float(part) / 1000.0 * tfs * th, 0), tm)
            elif op == "Do" and operands and isinstance(xobjects, Dictionary):
                xo = xobjects.get(str(operands[0]))
                if isinstance(xo, pikepdf.Stream) and xo.get("/Subtype") == Name.Form and xo.objgen not in seen:
                    seen.add(xo.objgen)
                    found.extend(_redact_stream(pdf, xo, xo.get("/Resources", resources), fonts_cache, seen,
                                                fonts_bad))
        except (ValueError, TypeError, IndexError, pikepdf.PdfError):
            continue  # a malformed operator: the read-back of the finished PDF is the safety net

    # The text as a reader sees it, with a map from characters to glyphs.
    chars: list[str] = []
    owner_of: list[int | None] = []
    prev: _Glyph | None = None
    for gi, g in enumerate(glyphs):
        if prev is not None:
            dy = abs(g.start[1] - prev.end[1])
            dx = g.start[0] - prev.end[0]
            if dy > 0.5 * g.size:
                chars.append("\n")
                owner_of.append(None)
            elif dx > 0.2 * g.size or dx < -g.size:
                chars.append(" ")
                owner_of.append(None)
        for ch in g.text:
            chars.append(ch)
            owner_of.append(gi)
        prev = g
    text = "".join(chars)
    redact: set[int] = set()
    boxes: list[list[float]] = []
    for number, start, end in personnummer.spans(text):
        found.append(number)
        line_box: list[float] | None = None
        for pos in range(start, end):
            gi = owner_of[pos]
            if gi is None or not text[pos].isdigit():
                continue
            redact.add(gi)
            b = glyphs[gi].box
            if line_box is not None and abs(line_box[1] - b[1]) < 0.5 * glyphs[gi].size:
                line_box = [min(line_box[0], b[0]), min(line_box[1], b[1]), max(line_box[2], b[2]),
                            max(line_box[3], b[3])]
                boxes[-1] = line_box
            else:
                line_box = list(b)
                boxes.append(line_box)
    if not redact:
        return found

    # Rewrite the operators holding redacted glyphs as TJ arrays with the digits replaced.
    by_op: dict[int, list[int]] = {}
    for gi in sorted(redact):
        by_op.setdefault(glyphs[gi].op, []).append(gi)
    op_glyphs: dict[int, list[int]] = {}
    for gi, g in enumerate(glyphs):
        if g.op in by_op:
            op_glyphs.setdefault(g.op, []).append(gi)
    # The font and state at each operator are re-derived from the glyphs: replay to know the font per op.
    font_at: dict[int, tuple[_Font | None, float, float]] = {}
    cur_font, cur_tfs, cur_tc = None, 0.0, 0.0
    for idx, (operands, operator) in enumerate(ops):
        op = str(operator)
        if op == "Tf" and len(operands) == 2:
            fobj = fontres.get(str(operands[0])) if isinstance(fontres, Dictionary) else None
            if isinstance(fobj, Dictionary):
                cache_key = fobj.objgen if fobj.is_indirect and fobj.objgen != (0, 0) else id(fobj)
                cur_font = fonts_cache.get(cache_key)
            cur_tfs = float(operands[1])
        elif op == "Tc" and operands:
            cur_tc = float(operands[0])
        elif op == '"' and len(operands) == 3:
            cur_tc = float(operands[1])
        if idx in by_op:
            font_at[idx] = (cur_font, cur_tfs, cur_tc)
    for idx, gis in op_glyphs.items():
        operands, operator = ops[idx]
        op = str(operator)
        f, size, char_spacing = font_at[idx]
        if f is None:
            continue
        items = list(operands[0]) if op == "TJ" else [operands[-1]]
        new_items: list = []
        pos = 0
        for part in items:
            if not isinstance(part, String):
                new_items.append(part)
                continue
            buf = b""
            for code in f.codes(bytes(part)):
                gi = gis[pos]
                pos += 1
                if gi in redact:
                    wo = f.width(code)
                    rep = f.replacement(wo)
                    if rep is not None:
                        buf += rep
                        adjust = f.width(rep) - wo
                        if abs(adjust) > 1e-6:
                            new_items.append(String(buf))
                            new_items.append(adjust)
                            buf = b""
                    else:
                        if buf:
                            new_items.append(String(buf))
                            buf = b""
                        shift = wo + (char_spacing * 1000.0 / size if size else 0.0)
                        new_items.append(-shift)
                else:
                    buf += code
            if buf:
                new_items.append(String(buf))
        array = Array([x if isinstance(x, String) else float(x) for x in new_items])
        replacement = []
        if op == "'":
            replacement.append(([], Operator("T*")))
        elif op == '"':
            replacement += [([operands[0]], Operator("Tw")), ([operands[1]], Operator("Tc")), ([], Operator("T*"))]
        replacement.append(([array], Operator("TJ")))
        new_ops[idx] = replacement

    out = []
    for idx, (operands, operator) in enumerate(ops):
        if idx in new_ops:
            out.extend(new_ops[idx])
        else:
            out.append((operands, operator))
    body = pikepdf.unparse_content_stream(out)
    cover = b"\n/Artifact BMC q 0 g " + b" ".join(
        f"{b[0] - 0.5:.2f} {b[1]:.2f} {b[2] - b[0] + 1:.2f} {b[3] - b[1]:.2f} re".encode() for b in boxes) + b" f Q EMC\n"
    data = b"q\n" + body + b"\nQ" + cover
    if isinstance(owner, pikepdf.Page):
        owner.obj.Contents = pdf.make_stream(data)
    else:
        owner.write(data)
    return found


@dataclass
class Sida:
    nummer: list[str]  # numbers found and redacted, as written
    okanda_typsnitt: list[str]  # fonts of the page's text that could not be decoded


def maskera(pdf: pikepdf.Pdf) -> dict[int, Sida]:
    """Redact personnummer in every page's text. Returns {page index: Sida} for pages with numbers or
    with text in fonts that cannot be decoded (the caller decides whether such a page may pass)."""
    out: dict[int, Sida] = {}
    fonts_cache: dict = {}
    seen: set = set()
    for i, page in enumerate(pdf.pages):
        bad: set[str] = set()
        try:
            found = _redact_stream(pdf, page, _resources_of(page.obj), fonts_cache, seen, bad)
        except pikepdf.PdfError:
            found = []
            bad.add("(sidans innehåll kan inte läsas)")
        if found or bad:
            out[i] = Sida(found, sorted(bad))
    return out
