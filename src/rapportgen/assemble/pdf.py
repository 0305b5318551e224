"""PDF helpers for the package: open (with password), page geometry, stamp and placeholder pages.

The stamp lives in a band at the visual bottom of each page. The page's own
content (and its annotations, links and form fields) is shrunk slightly
towards the top to free that band (taggat.Sammanfogning.stampla), so the stamp
never covers content. Rotation and orientation are kept as they are.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

from ..exceptions import InputError

BAND = 20.0  # pt freed at the bottom of each stamped page
STAMP_SIZE = 7.5
Matrix = tuple[float, float, float, float, float, float]

_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
_BOLD_CANDIDATES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)
_fonts: tuple[str, str] | None = None


def fonts() -> tuple[str, str]:
    """(regular, bold) font names; embedded TrueType when available (needed for PDF/A)."""
    global _fonts
    if _fonts is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        regular = next((p for p in _FONT_CANDIDATES if p.is_file()), None)
        bold = next((p for p in _BOLD_CANDIDATES if p.is_file()), None)
        if regular and bold:
            pdfmetrics.registerFont(TTFont("RgSans", str(regular)))
            pdfmetrics.registerFont(TTFont("RgSans-Bold", str(bold)))
            _fonts = ("RgSans", "RgSans-Bold")
        else:
            _fonts = ("Helvetica", "Helvetica-Bold")
    return _fonts


# --- opening ---------------------------------------------------------------

def open_pdf(path: Path, losenord: str | None = None, *, manifest: Path | None = None,
             plats: str | None = None) -> PdfReader:
    """Open a PDF for reading, decrypting it with the password; clear errors, never a traceback."""
    fil = manifest or path
    where = f"{plats}, " if plats and manifest else ""
    name = path.name
    try:
        reader = PdfReader(str(path), strict=False)
    except FileNotFoundError:
        raise InputError(f"{where}filen '{name}' finns inte", fil=fil) from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{where}'{name}' är ingen läsbar PDF (skadad fil: {exc})", fil=fil) from None
    if reader.is_encrypted:
        try:
            ok = reader.decrypt(losenord or "")
        except (RuntimeError, PyPdfError) as exc:  # unsupported crypt filters raise RuntimeError subclasses
            raise InputError(f"{where}'{name}' är krypterad på ett sätt som inte stöds ({exc})", fil=fil) from None
        if not ok:
            if losenord:
                raise InputError(f"{where}'{name}' är krypterad och lösenordet stämmer inte", fil=fil) from None
            raise InputError(
                f"{where}'{name}' är lösenordsskyddad; ange 'lösenord:' för bilagan i manifestet "
                "eller lägg in en olåst version", fil=fil) from None
    try:
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - touch every page tree entry
    except FileNotDecryptedError:
        raise InputError(f"{where}'{name}' är lösenordsskyddad; ange 'lösenord:' för bilagan", fil=fil) from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{where}'{name}' är en skadad PDF ({exc})", fil=fil) from None
    if pages == 0:
        raise InputError(f"{where}'{name}' har inga sidor", fil=fil)
    return reader


def pdf_text(reader: PdfReader) -> list[str]:
    out = []
    for page in reader.pages:
        try:
            out.append(page.extract_text() or "")
        except Exception:  # text extraction is best effort on foreign PDFs
            out.append("")
    return out


# --- geometry --------------------------------------------------------------

def mul(first: Matrix, then: Matrix) -> Matrix:
    """The transformation that applies first, then then."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = then
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass(frozen=True)
class Geometri:
    """A page as the reader sees it: visual width/height and visual -> user space."""

    bredd: float
    hojd: float
    rotation: int
    till_anvandare: Matrix  # visual (origin bottom-left of what is shown) -> page user space

    @property
    def liggande(self) -> bool:
        return self.bredd > self.hojd


def geometri(page: PageObject) -> Geometri:
    box = page.cropbox
    return geometri_av(float(box.left), float(box.bottom), float(box.right), float(box.top),
                       page.get("/Rotate", 0) or 0)


def geometri_av(ax: float, ay: float, bx: float, by: float, rotate: int) -> Geometri:
    """A page's shown size and visual -> user matrix, from its crop box corners and /Rotate."""
    x0, y0, x1, y1 = min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
    w, h = x1 - x0, y1 - y0
    r = int(rotate) % 360
    if r == 90:  # shown turned clockwise: visual (u, v) -> user x = x1 - v, y = y0 + u
        return Geometri(h, w, r, (0.0, 1.0, -1.0, 0.0, x1, y0))
    if r == 180:
        return Geometri(w, h, r, (-1.0, 0.0, 0.0, -1.0, x1, y1))
    if r == 270:
        return Geometri(h, w, r, (0.0, -1.0, 1.0, 0.0, x0, y1))
    return Geometri(w, h, 0, (1.0, 0.0, 0.0, 1.0, x0, y0))


_SHOW = {"Tj", "TJ", "'", '"'}
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_OPS = "q Q cm BT Tm Td TD TL T* ' \" Tj TJ Do"  # the operators that move or show text


def text_i_bandet(page, band: float = BAND) -> bool:
    """Whether an unrotated pikepdf page shows text with its baseline in the bottom stamp band (then it
    must be shrunk), read from its content stream parsed by qpdf (no text decoding). Text in form XObjects counts;
    a page that cannot be parsed, or is rotated, is shrunk to be safe."""
    import pikepdf

    if int(page.obj.get("/Rotate", 0) or 0) % 360:
        return True
    box = [float(v) for v in page.cropbox]
    bottom = min(box[1], box[3])
    try:
        return _text_below(pikepdf, page, page.obj.get("/Resources"), _IDENTITY, bottom + band + 2, 0)
    except Exception:  # an unparsable page: shrink to be safe
        return True


def _text_below(pikepdf, target, resources, ctm: Matrix, limit: float, depth: int) -> bool:
    if depth > 8:
        return True
    stack: list[Matrix] = []
    tm = lm = _IDENTITY
    leading = 0.0
    for operands, op in pikepdf.parse_content_stream(target, _OPS):
        o = str(op)
        if o == "q":
            stack.append(ctm)
        elif o == "Q":
            ctm = stack.pop() if stack else ctm
        elif o == "cm":
            ctm = mul(tuple(float(v) for v in operands), ctm)
        elif o == "BT":
            tm = lm = _IDENTITY
        elif o == "Tm":
            tm = lm = tuple(float(v) for v in operands)
        elif o in ("Td", "TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if o == "TD":
                leading = -ty
            tm = lm = mul((1.0, 0.0, 0.0, 1.0, tx, ty), lm)
        elif o == "TL":
            leading = float(operands[0])
        elif o == "T*" or o in ("'", '"'):
            tm = lm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), lm)
        if o in _SHOW:
            shown = operands[-1]
            empty = (len(bytes(shown)) == 0 if isinstance(shown, pikepdf.String) else
                     all(isinstance(x, pikepdf.String) and len(bytes(x)) == 0 for x in shown)
                     if isinstance(shown, pikepdf.Array) else False)
            if not empty and mul(tm, ctm)[5] < limit:
                return True
        elif o == "Do" and resources is not None:
            xobj = resources.get("/XObject", {}).get(str(operands[0]))
            if xobj is not None and xobj.get("/Subtype") == pikepdf.Name.Form:
                m = tuple(float(v) for v in xobj.get("/Matrix", _IDENTITY))
                if _text_below(pikepdf, xobj, xobj.get("/Resources", resources), mul(m, ctm), limit, depth + 1):
                    return True
    return False


def shrink_matrix(g: Geometri, band: float = BAND) -> Matrix:
    """User-space transform that scales the shown page about its top centre, freeing a bottom band."""
    s = (g.hojd - band) / g.hojd
    visual = (s, 0.0, 0.0, s, (1 - s) * g.bredd / 2, band)
    to_user = g.till_anvandare
    return mul(mul(invert(to_user), visual), to_user)


# --- stamps and placeholder pages -------------------------------------------

@dataclass(frozen=True)
class Stampel:
    vanster: str  # 'Socialnämnden 2023-09-19 · Ärende 8 · Bilaga 2'
    hoger: str  # 'Sida 12 av 80'


def _fit(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase import pdfmetrics

    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def stamp_pdf(pages: list[tuple[Geometri, Stampel]]) -> bytes:
    """One stamp page per package page, each the page's visual size; drawn in the bottom band.

    Kept in the PDF cache (stamplar/) by everything the pages depend on: the stamps and page
    sizes, rapportgen's code, reportlab's version and the stamp fonts' files. A rebuilt package
    whose page count and texts are unchanged needs the same pages again. An entry is checked by
    its own digest; a broken one is drawn again."""
    import reportlab

    from ..convert.cache import STAMPLAR, kept_bytes, kodversion

    filer = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in (*_FONT_CANDIDATES, *_BOLD_CANDIDATES)
             if p.is_file()]
    key = hashlib.sha256(repr((kodversion(), reportlab.Version, filer, pages)).encode()).hexdigest()
    return kept_bytes(STAMPLAR, f"{key}.pdf", lambda: _stamp_pdf(pages))


def _stamp_pdf(pages: list[tuple[Geometri, Stampel]]) -> bytes:
    from reportlab import rl_config

    regular, bold = fonts()
    buf = io.BytesIO()
    # Deflate only: the stamps are copied into the package, which is saved compressed anyway;
    # reportlab's ASCII85 layer on top only costs time.
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        _stamp_pages(buf, pages, regular, bold)
    finally:
        rl_config.useA85 = a85
    return buf.getvalue()


def _stamp_pages(buf: io.BytesIO, pages: list[tuple[Geometri, Stampel]], regular: str, bold: str) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(buf, pageCompression=1, initialFontName=regular, initialFontSize=STAMP_SIZE)
    for g, st in pages:
        c.setPageSize((g.bredd, g.hojd))
        margin = min(36.0, g.bredd * 0.06)
        y = BAND / 2 - STAMP_SIZE / 3
        c.setStrokeColorRGB(0.6, 0.6, 0.6)
        c.setLineWidth(0.4)
        c.line(margin, BAND - 3, g.bredd - margin, BAND - 3)
        c.setFillColorRGB(0.25, 0.25, 0.25)
        right_w = pdfmetrics.stringWidth(st.hoger, bold, STAMP_SIZE)
        c.setFont(bold, STAMP_SIZE)
        c.drawRightString(g.bredd - margin, y, st.hoger)
        c.setFont(regular, STAMP_SIZE)
        c.drawString(margin, y, _fit(st.vanster, regular, STAMP_SIZE, g.bredd - 2 * margin - right_w - 12))
        c.showPage()
    c.save()


def placeholder_pdf(rubrik: str, rader: list[str], skal: str) -> bytes:
    """An A4 page saying what was left out of the published package and why (tagged, sv-SE)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    regular, bold = fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, initialFontName=regular, pageCompression=1)
    c.setTitle(rubrik)
    w, h = A4
    tags: list[str] = []

    def tagged(tag: str, draw) -> None:
        c._code.append(f"/{tag} <</MCID {len(tags)}>> BDC")  # marked content for the structure tree
        draw()
        c._code.append("EMC")
        tags.append(tag)

    c.setFont(bold, 18)
    tagged("H1", lambda: c.drawString(72, h - 120, "Handlingen är utelämnad"))
    c.setFont(bold, 12)
    y = h - 160
    tagged("H2", lambda: c.drawString(72, y, _fit(rubrik, bold, 12, w - 144)))
    c.setFont(regular, 11)
    for rad in rader:
        y -= 18
        tagged("P", lambda y=y, rad=rad: c.drawString(72, y, _fit(rad, regular, 11, w - 144)))
    y -= 30
    c.setFont(bold, 11)
    tagged("H2", lambda y=y: c.drawString(72, y, "Skäl"))
    c.setFont(regular, 11)
    for line in _wrap(skal, regular, 11, w - 144):
        y -= 16
        tagged("P", lambda y=y, line=line: c.drawString(72, y, line))
    y -= 30
    c.setFont(regular, 9)
    c.setFillColorRGB(0.35, 0.35, 0.35)
    for line in _wrap("Den här sidan ersätter handlingen i den publicerade versionen. Handlingen finns i "
                      "den fullständiga sammanträdeshandlingen hos nämndens sekreterare.", regular, 9, w - 144):
        tagged("P", lambda y=y, line=line: c.drawString(72, y, line))
        y -= 12
    c.showPage()
    c.save()
    return _tag_single_page(buf.getvalue(), tags)


def _tag_single_page(data: bytes, tags: list[str]) -> bytes:
    """Give a one-page PDF whose content carries MCIDs 0..n-1 its structure tree (one element each)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.open(io.BytesIO(data))
    page = pdf.pages[0].obj
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
    elems = Array()
    for mcid, tag in enumerate(tags):
        e = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + tag), P=doc, Pg=page, K=mcid))
        doc.K.append(e)
        elems.append(e)
    root.K = doc
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, elems])))
    root.ParentTreeNextKey = 1
    page.StructParents = 0
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String("sv-SE")
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return out.getvalue()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase import pdfmetrics

    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines
