"""Prepare a document for conversion, on a temporary copy (never the input).

DOCX/XLSX: the core properties get the document title and the language
sv-SE (LibreOffice writes them into the PDF metadata); DOCX also gets sv-SE
as the default text language. XLSX sheets without their own print setup
are fitted to the page width, in landscape when the used range is wide.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from lxml import etree

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


def _styles(data: bytes) -> bytes:
    root = _xml(data)
    defaults = _child(root, W, "docDefaults", first=True)
    rpr = _child(_child(defaults, W, "rPrDefault", first=True), W, "rPr")
    _child(rpr, W, "lang").set(W + "val", SPRAK)
    return _dump(root)


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


def prepare(source: Path, target: Path, title: str | None) -> Path:
    """Write the prepared copy of source to target (same suffix) and return it."""
    suffix = source.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        shutil.copyfile(source, target)
        return target
    try:
        zin = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        shutil.copyfile(source, target)  # let LibreOffice give its verdict
        return target
    try:
        with zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                name = info.filename
                try:
                    if name == "docProps/core.xml":
                        data = _core(data, title)
                    elif suffix == ".docx" and name == "word/styles.xml":
                        data = _styles(data)
                    elif suffix == ".xlsx" and re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
                        data = _sheet(data)
                except etree.XMLSyntaxError:
                    pass  # leave a part we cannot read as it is
                zout.writestr(info, data)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError):
        shutil.copyfile(source, target)
    return target
