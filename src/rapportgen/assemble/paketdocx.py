"""A generated document as a part of the package: its .docx adjusted before conversion.

In the package the stamp carries the page number, so a document's own page
number fields (PAGE, NUMPAGES, SECTIONPAGES in headers and footers, with the
'Sida', '(', ')' and 'av' around them) are removed; the rest of the header and
footer stays. A document with a table of contents gets the package page where
it starts as its first page number, so the converter fills the contents with
package page numbers. Works on any template (the organisation's own too).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from lxml import etree

from ..render.zippaket import ZipSkrivare, raa_medlem

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
PAGE_FIELDS = re.compile(r"^\s*(PAGE|NUMPAGES|SECTIONPAGES)\b", re.IGNORECASE)
LEFTOVER = re.compile(r"^\s*(Sida|Page|av|of|\(|\)|/|–|-|\s)*\s*$", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _strip_page_fields(root) -> int:
    """Remove page number fields from every paragraph of a header/footer part; how many."""
    removed = 0
    for p in root.iter(_w("p")):
        touched = False
        for fld in list(p.iter(_w("fldSimple"))):
            if PAGE_FIELDS.match(fld.get(_w("instr"), "")):
                fld.getparent().remove(fld)
                removed += 1
                touched = True
        # Complex fields: begin ... instrText ... separate ... result ... end, in runs.
        runs = [r for r in p.iter(_w("r"))]
        i = 0
        while i < len(runs):
            fc = runs[i].find(_w("fldChar"))
            if fc is not None and fc.get(_w("fldCharType")) == "begin":
                j, depth, instr = i + 1, 1, ""
                while j < len(runs) and depth:
                    c = runs[j].find(_w("fldChar"))
                    if c is not None and c.get(_w("fldCharType")) == "begin":
                        depth += 1
                    elif c is not None and c.get(_w("fldCharType")) == "end":
                        depth -= 1
                    it = runs[j].find(_w("instrText"))
                    if it is not None and depth == 1:
                        instr += it.text or ""
                    j += 1
                if PAGE_FIELDS.match(instr):
                    for r in runs[i:j]:
                        if r.getparent() is not None:
                            r.getparent().remove(r)
                    removed += 1
                    touched = True
                i = j
            else:
                i += 1
        if touched:
            texts = [t for t in p.iter(_w("t"))]
            if LEFTOVER.match("".join(t.text or "" for t in texts)):
                for t in texts:
                    t.text = ""
            else:  # only the words that belonged to the number go: 'Sida ' at the end of a run
                for t in texts:
                    if t.text and re.search(r"(Sida|Page)\s*$", t.text):
                        t.text = re.sub(r"\s*(Sida|Page)\s*$", "", t.text)
                    elif t.text and LEFTOVER.match(t.text):
                        t.text = ""
    return removed


def _rewrite(path: Path, change, wanted=lambda _name: True) -> bool:
    """Apply change(name, root) -> bool to the document's XML parts that wanted(name) names; rewrite
    the file only if one changed (the other parts are not parsed)."""
    nya: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as zin:
        for item in zin.infolist():
            name = item.filename
            if name.startswith("word/") and name.endswith(".xml") and wanted(name):
                root = etree.fromstring(zin.read(name), _PARSER)
                if change(name, root):
                    nya[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if not nya:
            return False
        tmp = path.with_suffix(".tmp.docx")
        # The unchanged members are copied as they are stored, compressed, with their CRC.
        with open(path, "rb") as raw, ZipSkrivare(tmp) as zout:
            for item in zin.infolist():
                packed = None if item.filename in nya else raa_medlem(raw, item)
                if packed is not None:
                    zout.write_raw(item.filename, packed, item.CRC, item.file_size, item.compress_type)
                else:
                    zout.write(item.filename, nya[item.filename] if item.filename in nya else zin.read(item.filename))
    shutil.move(tmp, path)
    return True


def _sidhuvud_eller_sidfot(name: str) -> bool:
    part = name.rsplit("/", 1)[-1]
    return part.startswith("header") or part.startswith("footer")


def utan_sidnummer(path: Path) -> bool:
    """Remove the document's own page numbers (headers and footers); True if any were there."""
    def change(name, root) -> bool:
        return _strip_page_fields(root) > 0

    return _rewrite(path, change, _sidhuvud_eller_sidfot)


def har_innehallsforteckning(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"), _PARSER)
    texts = [t.text or "" for t in root.iter(_w("instrText"))]
    texts += [f.get(_w("instr"), "") for f in root.iter(_w("fldSimple"))]
    return any(re.match(r"^\s*TOC\b", t) for t in texts)


def forsta_sidnummer(path: Path, start: int) -> None:
    """Number the document's pages from start (its first page in the package)."""
    def change(name, root) -> bool:
        if name != "word/document.xml":
            return False
        sect = next(root.iter(_w("sectPr")), None)
        if sect is None:
            body = root.find(_w("body"))
            sect = etree.SubElement(body, _w("sectPr"))
        pg = sect.find(_w("pgNumType"))
        if pg is None:
            pg = etree.Element(_w("pgNumType"))
            # pgNumType comes after the page size, margins, paper source, borders and line numbering.
            anchor = None
            for tag in ("lnNumType", "pgBorders", "paperSrc", "pgMar", "pgSz", "type", "endnotePr", "footnotePr"):
                anchor = sect.find(_w(tag))
                if anchor is not None:
                    break
            refs = sect.findall(_w("headerReference")) + sect.findall(_w("footerReference"))
            if anchor is not None:
                anchor.addnext(pg)
            elif refs:
                refs[-1].addnext(pg)
            else:
                sect.insert(0, pg)
        pg.set(_w("start"), str(start))
        return True

    _rewrite(path, change, lambda name: name == "word/document.xml")
