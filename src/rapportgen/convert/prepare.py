"""Prepare a document for conversion, on a temporary copy (never the input).

DOCX/XLSX: the core properties get the document title and the language
sv-SE (LibreOffice writes them into the PDF metadata); DOCX also gets sv-SE
as the default text language, and its styles.xml keeps only the styles the
document can use (see _anvanda). XLSX sheets without their own print setup
are fitted to the page width, in landscape when the used range is wide.
"""

from __future__ import annotations

import html
import re
import shutil
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..render.zippaket import Innehallsminne, ZipSkrivare, packas_upp_exakt, raa_medlem
from .options import SPRAK

NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
}
W = "{%s}" % NS["w"]
S = "{%s}" % NS["s"]
# Children of <worksheet> that come after <pageSetup> in the schema.
AFTER_PAGESETUP = {
    "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
    "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst",
}
# Used width (in Excel character units) above which a sheet is printed in landscape;
# about what fits across an A4 portrait page with default margins.
LANDSCAPE_WIDTH = 90.0
DEFAULT_COL_WIDTH = 9.14


def default_title(path: Path) -> str:
    stem = re.sub(r"^\d+[-_ ]+", "", path.stem)
    text = re.sub(r"[-_]+", " ", stem).strip() or path.stem
    return text[:1].upper() + text[1:]


def existing_title(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as zf:
            root = etree.fromstring(zf.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile, OSError, etree.XMLSyntaxError):
        return None
    el = root.find("dc:title", NS)
    return el.text.strip() if el is not None and el.text and el.text.strip() else None


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))


def _dump(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core(data: bytes, title: str | None) -> bytes:
    root = _xml(data)
    for tag, value in (("title", title), ("language", SPRAK)):
        if value is None:
            continue
        el = root.find(f"dc:{tag}", NS)
        if el is None:
            el = etree.SubElement(root, f"{{{NS['dc']}}}{tag}")
        el.text = value
    return _dump(root)


def _child(parent: etree._Element, ns: str, tag: str, first: bool = False) -> etree._Element:
    """parent's child element tag, created (as the first or last child) when missing."""
    el = parent.find(f"{ns}{tag}")
    if el is None:
        el = etree.Element(f"{ns}{tag}")
        if first:
            parent.insert(0, el)
        else:
            parent.append(el)
    return el


def _styles(data: bytes, behall: frozenset[str] | None = None) -> bytes:
    """sv-SE as the default language; with behall, only the styles of those ids (and those
    without an id) are kept."""
    root = _xml(data)
    defaults = _child(root, W, "docDefaults", first=True)
    rpr = _child(_child(defaults, W, "rPrDefault", first=True), W, "rPr")
    _child(rpr, W, "lang").set(W + "val", SPRAK)
    if behall is not None:
        for style in root.findall(W + "style"):
            if style.get(W + "styleId") is not None and style.get(W + "styleId") not in behall:
                root.remove(style)
    return _dump(root)


# --- unused styles ----------------------------------------------------------------------------
# LibreOffice reads a document's whole styles.xml and makes every style in it, used or not: the
# 168 styles (350 kB) of python-docx's default template cost 40 % of converting a one-page
# tjänsteskrivelse. Only the styles a document uses can change its PDF. The copy keeps those, what
# they build on (basedOn, next, link), each type's default, and the styles LibreOffice gives
# the entries of a table of contents or an index it updates.

_ALLTID = re.compile(r"(toc|index|table of figures|table of authorities|caption|toc heading|index heading)"
                     r"( ?\d+)?", re.I)
# Every val attribute, whatever its prefix, in any part: a style id among them is kept. Taking
# values that are not style references keeps a style too many, never one too few.
_VAL = re.compile(rb"""\s(?:[\w.-]+:)?val\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class _Stilar:
    """What the kept set is made from: each style's id, the ids it needs, and the ids always kept."""

    def __init__(self, data: bytes):
        root = _xml(data)
        self.beror: dict[str, set[str]] = {}
        self.alltid: set[str] = set()
        for style in root.iter(W + "style"):
            sid = style.get(W + "styleId")
            if sid is None:
                continue
            deps = self.beror.setdefault(sid, set())
            for tag in ("basedOn", "next", "link"):
                el = style.find(W + tag)
                if el is not None and el.get(W + "val"):
                    deps.add(el.get(W + "val"))
            name = style.find(W + "name")
            if style.get(W + "default") in ("1", "true", "on") or \
                    (name is not None and _ALLTID.fullmatch((name.get(W + "val") or "").strip())):
                self.alltid.add(sid)

    def behall(self, anvanda: set[str]) -> frozenset[str]:
        kept = set()
        todo = [sid for sid in (anvanda & self.beror.keys()) | self.alltid]
        while todo:
            sid = todo.pop()
            if sid not in kept:
                kept.add(sid)
                todo.extend(self.beror.get(sid, ()))
        return frozenset(kept)


_STILAR = Innehallsminne(16)


def _anvanda(zin: zipfile.ZipFile, cleaned: dict[str, bytes]) -> set[str]:
    """Every val attribute's value in the package's XML parts other than its styles."""
    found: set[str] = set()
    for info in zin.infolist():
        name = info.filename
        if not name.lower().endswith(".xml") or name in ("word/styles.xml", "word/stylesWithEffects.xml"):
            continue
        data = cleaned.get(name)
        if data is None:
            data = zin.read(name)
        for m in _VAL.finditer(data):
            value = (m.group(1) if m.group(1) is not None else m.group(2)).decode("utf-8", "replace")
            found.add(html.unescape(value) if "&" in value else value)
    return found


def _col_index(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]*", ref.upper()).group(0):
        n = n * 26 + ord(ch) - 64
    return n


def used_width(root: etree._Element) -> float:
    """Width of the used columns in Excel character units."""
    dim = root.find("s:dimension", NS)
    last = 0
    if dim is not None and dim.get("ref"):
        last = _col_index(dim.get("ref").split(":")[-1])
    if not last:
        for c in root.iterfind(".//s:sheetData/s:row/s:c", NS):
            last = max(last, _col_index(c.get("r", "")))
    widths: dict[int, float] = {}
    cols = root.find("s:cols", NS)
    if cols is not None:
        for col in cols.findall("s:col", NS):
            lo, hi = int(col.get("min", "1")), int(col.get("max", "1"))
            for i in range(lo, min(hi, last) + 1):
                hidden = col.get("hidden") in ("1", "true")
                widths[i] = 0.0 if hidden else float(col.get("width", DEFAULT_COL_WIDTH))
    return sum(widths.get(i, DEFAULT_COL_WIDTH) for i in range(1, last + 1))


def _sheet(data: bytes) -> bytes:
    root = _xml(data)
    setup_pr = _child(_child(root, S, "sheetPr", first=True), S, "pageSetUpPr")
    if setup_pr.get("fitToPage") in (None, "0", "false"):
        setup_pr.set("fitToPage", "1")
    setup = root.find("s:pageSetup", NS)
    if setup is None:
        setup = etree.Element(S + "pageSetup")
        setup.set("paperSize", "9")  # A4
        for i, child in enumerate(root):
            if isinstance(child.tag, str) and etree.QName(child).localname in AFTER_PAGESETUP:
                root.insert(i, setup)
                break
        else:
            root.append(setup)
    setup.attrib.pop("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", None)
    if setup.get("fitToWidth") is None:
        setup.set("fitToWidth", "1")
    if setup.get("fitToHeight") is None:
        setup.set("fitToHeight", "0")
    if setup.get("orientation") in (None, "default"):
        setup.set("orientation", "landscape" if used_width(root) > LANDSCAPE_WIDTH else "portrait")
    return _dump(root)


# --- no outbound fetches ------------------------------------------------------------------------
# LibreOffice fetches what a document links to while it loads it: linked images, linked OLE
# objects, an attached template, external workbooks, INCLUDEPICTURE/INCLUDETEXT fields. A bilaga
# from outside must not make the server send requests (SSRF), so all of it is removed here.

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Field instructions that read a file or a URL when the field is updated.
FETCHING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE", "DDEAUTO", "IMPORT",
                   "HYPERLINK_IMPORT", "DATABASE", "RD"}


class Externt:
    """What was removed from one document: external targets and fetching fields."""

    def __init__(self) -> None:
        self.mal: list[str] = []
        self.falt: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.mal or self.falt)

    def beskrivning(self) -> str:
        parts = []
        if self.mal:
            shown = ", ".join(sorted(set(self.mal))[:3]) + (" ..." if len(set(self.mal)) > 3 else "")
            parts.append(f"{len(self.mal)} externa länkar ({shown})")
        if self.falt:
            parts.append(f"{len(self.falt)} fält som hämtar innehåll ({', '.join(sorted(set(self.falt)))})")
        return " och ".join(parts)


def _rels(data: bytes, found: Externt) -> tuple[bytes, set[str]]:
    """Drop external relationships other than plain hyperlinks; return the dropped ids."""
    root = _xml(data)
    dropped = set()
    for rel in list(root):
        if rel.get("TargetMode") == "External" and not (rel.get("Type") or "").endswith("/hyperlink"):
            dropped.add(rel.get("Id"))
            found.mal.append(rel.get("Target") or "?")
            root.remove(rel)
    return (_dump(root) if dropped else data), dropped


def _field_word(instr: str) -> str:
    return instr.strip().split(" ", 1)[0].upper().lstrip("\\") if instr.strip() else ""


def _part(data: bytes, dropped: set[str], found: Externt) -> bytes:
    """Remove references to dropped relationships and fetching fields from one XML part."""
    root = _xml(data)
    changed = False
    if dropped:
        for el in root.iter():
            for attr in list(el.attrib):
                if attr.startswith("{%s}" % R_NS) and el.attrib[attr] in dropped:
                    del el.attrib[attr]
                    changed = True
    # Simple fields: keep the shown result, drop the field.
    for fld in list(root.iter(W + "fldSimple")):
        word = _field_word(fld.get(W + "instr", ""))
        if word in FETCHING_FIELDS:
            found.falt.append(word)
            parent = fld.getparent()
            i = parent.index(fld)
            for child in list(fld):
                parent.insert(i, child)
                i += 1
            parent.remove(fld)
            changed = True
    # Complex fields: begin ... instrText ... separate ... result ... end, possibly nested.
    stack: list[list] = []
    doomed: list[etree._Element] = []
    for el in root.iter(W + "fldChar", W + "instrText"):
        if el.tag == W + "instrText":
            if stack:
                stack[-1][1].append(el)
                stack[-1][2] += el.text or ""
            continue
        kind = el.get(W + "fldCharType")
        if kind == "begin":
            stack.append([[el], [], ""])
        elif kind == "separate" and stack:
            stack[-1][0].append(el)
        elif kind == "end" and stack:
            marks, instrs, instr = stack.pop()
            word = _field_word(instr)
            if word in FETCHING_FIELDS:
                found.falt.append(word)
                doomed += marks + [el] + instrs
    for el in doomed:
        el.getparent().remove(el)
        changed = True
    return _dump(root) if changed else data


# --- comments ----------------------------------------------------------------------------------
# Writer builds a sidebar window for every comment while it loads a document. Loaded through the
# UNO bridge (the pool), the load runs on a bridge thread rather than LibreOffice's main thread
# (where `soffice --convert-to` loads), and LibreOffice 7.4 crashes or gives up on documents with
# comments (python-docx's comments-rich-para.docx). Comments never reach the PDF (the export's
# ExportNotes is off), so the copy loses its comment anchors and the PDF is unchanged.

COMMENT_TAGS = {W + "commentRangeStart", W + "commentRangeEnd", W + "commentReference"}


def _drop_comments(data: bytes) -> bytes:
    if b"comment" not in data:
        return data
    root = _xml(data)
    doomed = [el for el in root.iter(*COMMENT_TAGS)]
    if not doomed:
        return data
    for el in doomed:
        parent = el.getparent()
        parent.remove(el)
        # A run that only carried the reference (and its formatting) goes too.
        if parent.tag == W + "r" and all(c.tag == W + "rPr" for c in parent):
            parent.getparent().remove(parent)
    return _dump(root)


def remove_external(zin: zipfile.ZipFile, found: Externt) -> dict[str, bytes]:
    """New contents of the parts that change when everything fetching is removed."""
    out: dict[str, bytes] = {}
    dropped_by_part: dict[str, set[str]] = {}
    names = zin.namelist()
    for name in names:
        if name.endswith(".rels"):
            try:
                data, dropped = _rels(zin.read(name), found)
            except etree.XMLSyntaxError:
                continue
            if dropped:
                out[name] = data
                folder, _, rels = name.rpartition("_rels/")
                dropped_by_part[folder + rels[:-len(".rels")]] = dropped
    for name in names:
        if not name.endswith(".xml") or name.endswith(".rels"):
            continue
        try:
            data = zin.read(name)
            if b"instr" not in data and name not in dropped_by_part:
                continue
            new = _part(data, dropped_by_part.get(name, set()), found)
        except etree.XMLSyntaxError:
            continue
        if new is not data:
            out[name] = new
    return out


# styles.xml is the same in every document rendered from one template: its prepared form is
# remembered by content rather than parsed and written again for each.
_STYLES = Innehallsminne(16)


def _styles_kopia(data: bytes, anvanda: set[str]) -> bytes:
    behall = _STILAR.hamta(data, _Stilar).behall(anvanda)
    key = data + b"\0" + "\0".join(sorted(behall)).encode()
    return _STYLES.hamta(key, lambda _key: _styles(data, behall))


_STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def prepare(source: Path, target: Path, title: str | None, externt: Externt | None = None) -> Path:
    """Write the prepared copy of source to target (same suffix) and return it.

    What would make LibreOffice fetch from outside is removed and listed in externt. A part that
    stays as it was keeps its compressed bytes (when they unpack to exactly what the zip's
    directory says); the parts that change are deflated anew at zipfile's level, remembered by
    content (render.zippaket), so a conversion server receives a copy of the source's size.
    (Deflating faster saves little: parsing and writing a sheet costs ten times its deflating.)
    """
    suffix = source.suffix.lower()
    found = externt if externt is not None else Externt()
    if suffix not in (".docx", ".xlsx"):
        shutil.copyfile(source, target)
        return target
    try:
        zin = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        # LibreOffice would guess the format from the content (plain text, HTML, RTF, an old .doc)
        # and convert it unsanitised, links to other servers included: refuse it instead.
        from ..exceptions import ConversionError

        slag = "ett Word-dokument (.docx)" if suffix == ".docx" else "en Excel-arbetsbok (.xlsx)"
        raise ConversionError(f"filen är inte {slag}: den är inget Office Open XML-paket "
                              f"(kanske en annan filtyp med fel filändelse)", fil=source) from None
    try:
        with zin, open(source, "rb") as raw, ZipSkrivare(target) as zout:
            infos = zin.infolist()
            if len({info.filename for info in infos}) != len(infos):
                # Two parts of one name: a reader may take either, so neither copy is trusted.
                raise ValueError("två delar med samma namn")
            cleaned = remove_external(zin, found)
            anvanda = _anvanda(zin, cleaned) if suffix == ".docx" else set()
            for info in infos:
                name = info.filename
                data = cleaned.get(name)
                transform = None
                if name == "docProps/core.xml":
                    transform = lambda d: _core(d, title)  # noqa: E731
                elif suffix == ".docx" and name == "word/styles.xml":
                    transform = lambda d: _styles_kopia(d, anvanda)  # noqa: E731
                elif suffix == ".docx" and _STORY.fullmatch(name):
                    transform = _drop_comments
                elif suffix == ".xlsx" and _SHEET.fullmatch(name):
                    transform = _sheet
                if transform is not None:
                    original = data if data is not None else zin.read(name)
                    try:
                        new = transform(original)
                    except etree.XMLSyntaxError:
                        new = original  # leave a part we cannot read as it is
                    if data is not None or new is not original:
                        data = new
                if data is not None:
                    zout.write(name, data)
                    continue
                packed = raa_medlem(raw, info)
                if packed is not None and packas_upp_exakt(packed, info):
                    zout.write_raw(name, packed, info.CRC, info.file_size, info.compress_type)
                else:
                    # Read as zipfile reads it (a bad CRC is an error; a stream longer than the
                    # directory says is cut), and written anew.
                    zout.write(name, zin.read(name))
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError, zlib.error):
        # Never hand LibreOffice an unsanitised document: refuse it instead.
        from ..exceptions import ConversionError

        raise ConversionError("filen är skadad och kan inte förberedas för konvertering", fil=source) from None
    return target
