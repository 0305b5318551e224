"""Tagged merge with pikepdf: every part's structure tree under one Document root.

The approach follows PDFBox's PDFMergerUtility: each source's ParentTree keys
are shifted by the keys already used, and every /StructParents (pages, form
XObjects) and /StructParent (annotations) on the copied objects is shifted the
same way; role maps, class maps and IDs are merged (a conflicting custom role
is resolved to its standard type in that part, a clashing ID is renamed).
Each source's top-level element becomes a /Part titled after the part.
Stamps are drawn as pagination artifacts, links are tagged as /Link with an
OBJR. A part without a structure tree is kept as it is and reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from .typsnitt import _fonter, dela_typsnitt
from .pdf import Geometri, Matrix, geometri_av, Stampel, apply, fonts, mul, invert, shrink_matrix, stamp_pdf

LANG = "sv-SE"
A4_PT = (595.276, 841.89)
MIN_SKALA = 0.9  # a foreign page's text is never scaled below this to fit A4
STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody",
    "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference",
    "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure",
    "Formula", "Form",
}


def _geometri(page: pikepdf.Page) -> Geometri:
    box = [float(v) for v in page.cropbox]
    return geometri_av(*box, page.obj.get("/Rotate", 0) or 0)


def _cm(m: Matrix) -> bytes:
    return (" ".join(f"{v:.5f}" for v in m) + " cm").encode()


def _rect(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> Array:
    pts = [apply(m, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return Array([round(min(xs), 3), round(min(ys), 3), round(max(xs), 3), round(max(ys), 3)])


def _transform_annotations(page: pikepdf.Page, m: Matrix) -> None:
    for annot in page.obj.get("/Annots", Array()):
        rect = annot.get("/Rect")
        if rect is not None and len(rect) == 4:
            annot.Rect = _rect(m, *(float(v) for v in rect))
        for key in ("/QuadPoints", "/L", "/Vertices", "/CL"):
            arr = annot.get(key)
            if isinstance(arr, Array):
                vals = [float(v) for v in arr]
                out = []
                for i in range(0, len(vals) - 1, 2):
                    out.extend(round(v, 3) for v in apply(m, vals[i], vals[i + 1]))
                annot[key] = Array(out)


@dataclass
class Komponent:
    """One merged part: its pages in the output and its /Part element."""

    titel: str
    forsta: int  # 0-based, inclusive
    sista: int
    taggad: bool
    element: Dictionary
    kalla: str = ""
    # What the part brings to the package's maps, merged in the package's order (see _kartor):
    rollkarta: dict[str, str] = field(default_factory=dict)  # its custom roles
    klasskarta: list[tuple[str, pikepdf.Object]] = field(default_factory=list)
    id_poster: list[tuple[bytes, pikepdf.Object]] = field(default_factory=list)


@dataclass
class Sammanfogning:
    """An output PDF being built from tagged parts."""

    pdf: Pdf = field(default_factory=Pdf.new)
    komponenter: list[Komponent] = field(default_factory=list)
    # The output's pages in order: indexing pikepdf's page list is linear in the page count.
    sidor: list[pikepdf.Page] = field(default_factory=list)

    def __post_init__(self) -> None:
        pdf = self.pdf
        self.tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array()))
        self.document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.tree_root,
                                                     K=Array(), Lang=String(LANG)))
        self.tree_root.K.append(self.document)
        self.nums: dict[int, pikepdf.Object] = {}
        self.next_key = 0
        self.rolemap: dict[str, str] = {}
        self.classmap: dict[str, pikepdf.Object] = {}
        self.ids: dict[bytes, pikepdf.Object] = {}

    # --- adding parts --------------------------------------------------------

    def lagg_till(self, src: Pdf, titel: str, kalla: str = "", *, formular: bool = True) -> Komponent:
        """Append all pages of src (an open pikepdf.Pdf) with its structure tree (and forms unless formular=False).

        Parts may come in any order (each as it is ready): ordna() puts them in the package's order,
        and the role and class maps and IDs are merged in that order, so the result does not depend
        on which part came first."""
        out = self.pdf
        first = len(self.sidor)
        sroot = src.Root.get("/StructTreeRoot")
        kids = _kids(sroot.get("/K")) if sroot is not None else []
        taggad = bool(kids)
        part_src = None
        entries: list[tuple[int, pikepdf.Object]] = []
        id_entries: list[tuple[bytes, pikepdf.Object]] = []
        offset = self.next_key
        rollkarta: dict[str, str] = {}
        klasskarta: list[tuple[str, pikepdf.Object]] = []
        if taggad:
            rollkarta = _resolve_standard_roles(sroot, kids)
            if len(kids) == 1 and kids[0].get("/S") == Name.Document:
                part_src = kids[0]
                part_src.S = Name.Part
            else:
                part_src = src.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, K=Array(kids)))
                for k in kids:
                    k.P = part_src
            if "/P" in part_src:
                del part_src["/P"]
            part_src.T = String(titel)
            if "/ParentTree" in sroot:
                for key, value in pikepdf.NumberTree(sroot.ParentTree).items():
                    if not value.is_indirect:
                        value = src.make_indirect(value)
                    entries.append((int(key), value))
            if "/IDTree" in sroot:
                for key, value in pikepdf.NameTree(sroot.IDTree).items():
                    id_entries.append((bytes(key, "utf-8") if isinstance(key, str) else bytes(key), value))
            cm = sroot.get("/ClassMap")
            if isinstance(cm, Dictionary):
                for k, v in cm.items():
                    klasskarta.append((k, out.copy_foreign(src.make_indirect(v)) if not v.is_indirect
                                       else out.copy_foreign(v)))
        out.add_pages_from(src, forms="preserve" if formular else "strip", outlines="ignore")
        self.sidor.extend(out.pages[first:])
        last = len(self.sidor) - 1
        if taggad:
            part = out.copy_foreign(part_src)
            for key, value in entries:
                self.nums[key + offset] = out.copy_foreign(value)
            keys = [k for k, _ in entries]
            nxt = int(sroot.get("/ParentTreeNextKey", 0))
            self.next_key = offset + max([nxt] + [k + 1 for k in keys])
            self._shift_struct_parents(range(first, last + 1), offset)
            id_poster = [(key, out.copy_foreign(value)) for key, value in id_entries]
        else:
            id_poster = []
            part = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, K=Array(), T=String(titel)))
            for i in range(first, last + 1):  # a foreign page's keys would point into nothing here
                page = self.sidor[i].obj
                if "/StructParents" in page:
                    del page["/StructParents"]
        part.P = self.document
        self.document.K.append(part)
        for i in range(first, last + 1):
            self.sidor[i].obj.Tabs = Name.S
        komp = Komponent(titel, first, last, taggad, part, kalla, rollkarta, klasskarta, id_poster)
        self.komponenter.append(komp)
        return komp

    def ordna(self, ordning: list[Komponent]) -> None:
        """Put the components in this order: their pages (the same page objects), their /Part
        elements under the Document, and the component list."""
        if len(ordning) == len(self.komponenter) and all(a is b for a, b in zip(ordning, self.komponenter)):
            return
        sidor: list[pikepdf.Page] = []
        for k in ordning:
            block = self.sidor[k.forsta:k.sista + 1]
            k.forsta = len(sidor)
            sidor.extend(block)
            k.sista = len(sidor) - 1
        pages = self.pdf.pages
        del pages[:]
        for page in sidor:
            pages.append(page)
        self.sidor = list(pages)
        self.komponenter = list(ordning)
        self.document.K = Array([k.element for k in ordning])

    def _kartor(self) -> None:
        """The package's role and class maps and IDs, from the parts in their order: a custom role
        another part before it maps otherwise is resolved to its standard type in that part, the
        first class map entry of a name is kept, a clashing ID is renamed after its part."""
        self.rolemap, self.classmap, self.ids = {}, {}, {}
        for n, komp in enumerate(self.komponenter):
            conflicts = {}
            for name, target in komp.rollkarta.items():
                if name in self.rolemap and self.rolemap[name] != target:
                    conflicts[name] = target
                else:
                    self.rolemap[name] = target
            if conflicts:
                for elem in _walk(_kids(komp.element.get("/K"))):
                    s = elem.get("/S")
                    if s is not None and str(s).lstrip("/") in conflicts:
                        elem.S = Name("/" + conflicts[str(s).lstrip("/")])
            for k, v in komp.klasskarta:
                self.classmap.setdefault(k, v)
            for key, elem in komp.id_poster:
                if key in self.ids:
                    key = f"d{n}-".encode() + key
                    elem.ID = String(key)
                self.ids[key] = elem

    def _shift_struct_parents(self, pages: range, offset: int) -> None:
        if offset == 0:
            return
        seen: set[tuple[int, int]] = set()
        for i in pages:
            page = self.sidor[i]
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", Array()):
                if "/StructParent" in annot and annot.objgen not in seen:
                    seen.add(annot.objgen)
                    annot.StructParent = int(annot.StructParent) + offset
            _shift_xobjects(page.obj.get("/Resources"), offset, seen)

    # --- page size ------------------------------------------------------------------

    def normalisera_a4(self, komp: Komponent, min_skala: float = MIN_SKALA) -> list[tuple[int, str]]:
        """Bring the part's pages to A4 (portrait or landscape as they are), scaled by at least min_skala.

        Returns (page index, reason) for pages kept as they are: rotated pages and pages that would
        need their text scaled below min_skala.
        """
        kept: list[tuple[int, str]] = []
        for idx in range(komp.forsta, komp.sista + 1):
            page = self.sidor[idx]
            g = _geometri(page)
            target = A4_PT if g.hojd >= g.bredd else (A4_PT[1], A4_PT[0])
            if abs(g.bredd - target[0]) < 1.5 and abs(g.hojd - target[1]) < 1.5:
                continue
            size = f"{g.bredd / 72 * 25.4:.0f} × {g.hojd / 72 * 25.4:.0f} mm"
            if g.rotation:
                kept.append((idx, f"sidan är roterad ({size}); behålls i sin storlek"))
                continue
            s = min(target[0] / g.bredd, target[1] / g.hojd, 1.0)
            if s < min_skala:
                kept.append((idx, f"{size} skulle skalas till {s:.0%}; behålls i sin storlek"))
                continue
            x0, y0 = g.till_anvandare[4], g.till_anvandare[5]
            m = (s, 0.0, 0.0, s, (target[0] - s * g.bredd) / 2 - s * x0, (target[1] - s * g.hojd) / 2 - s * y0)
            page.contents_add(b"q " + _cm(m) + b"\n", prepend=True)
            page.contents_add(b"\nQ\n")
            _transform_annotations(page, m)
            page.obj.MediaBox = Array([0, 0, round(target[0], 3), round(target[1], 3)])
            for box in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
                if box in page.obj:
                    del page.obj[box]
        return kept

    # --- links -----------------------------------------------------------------

    def lank(self, page_index: int, rect: Array, target_page: int, text: str, komp: Komponent) -> None:
        """A tagged link annotation on page_index to target_page."""
        out = self.pdf
        page = self.sidor[page_index]
        key = self.next_key
        self.next_key += 1
        link_elem = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=komp.element, K=Array(),
                                                 Alt=String(text)))
        annot = out.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=rect, Border=Array([0, 0, 0]), F=4,
            Contents=String(text), StructParent=key, P=page.obj,
            Dest=Array([self.sidor[target_page].obj, Name.Fit])))
        link_elem.K.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=page.obj))
        komp.element.K.append(link_elem)
        self.nums[key] = link_elem
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(annot)

    # --- finishing ----------------------------------------------------------------

    def stampla(self, stamps: list[tuple[int, Stampel]], krymp: bool | set[int] = True,
                lankar: dict[int, tuple[int, str]] | None = None) -> None:
        """Draw the stamp band on each listed page as a pagination artifact.

        krymp shrinks the page's content (and annotations) to free the band: every page (True),
        or the pages whose indexes are in the set (the others keep their size: their layout
        leaves the band free).
        lankar: page index -> (target page, text) for a link over the stamp's left text.
        """
        out = self.pdf
        geoms = [_geometri(self.sidor[i]) for i, _ in stamps]
        stamp_src = Pdf.open(io.BytesIO(stamp_pdf(list(zip(geoms, (s for _, s in stamps))))))
        regular, _bold = fonts()
        from reportlab.pdfbase import pdfmetrics

        for (idx, st), g, spage in zip(stamps, geoms, stamp_src.pages):
            page = self.sidor[idx]
            xobj = out.copy_foreign(spage.as_form_xobject())
            name = page.add_resource(xobj, Name.XObject, prefix="RgStp")
            pre = b"q\n"
            if krymp is True or (not isinstance(krymp, bool) and idx in krymp):
                m = shrink_matrix(g)
                pre = b"q " + _cm(m) + b"\n"
                _transform_annotations(page, m)
            page.contents_add(pre, prepend=True)
            page.contents_add(b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q "
                              + _cm(g.till_anvandare) + b" " + bytes(name) + b" Do Q EMC\n")
            if lankar and idx in lankar:
                target, text = lankar[idx]
                margin = min(36.0, g.bredd * 0.06)
                width = pdfmetrics.stringWidth(st.vanster, regular, 7.5)
                komp = self.komponent_for(idx)
                self.lank(idx, _rect(g.till_anvandare, margin, 2, margin + min(width, g.bredd / 2), 16),
                          target, text, komp)

    def komponent_for(self, page_index: int) -> Komponent:
        return next(k for k in self.komponenter if k.forsta <= page_index <= k.sista)

    def avsluta(self, titel: str, *, forfattare: str = "", amne: str = "", nyckelord: str = "",
                skapare: str = "", extra_info: dict[str, str] | None = None,
                pdfa: bool = False) -> Pdf:
        out = self.pdf
        root = self.tree_root
        self._kartor()
        nums = Array()
        for key in sorted(self.nums):
            nums.append(key)
            nums.append(self.nums[key])
        root.ParentTree = out.make_indirect(Dictionary(Nums=nums))
        root.ParentTreeNextKey = self.next_key
        if self.rolemap:
            root.RoleMap = Dictionary({"/" + k: Name("/" + v) for k, v in self.rolemap.items()})
        if self.classmap:
            root.ClassMap = Dictionary(self.classmap)
        if self.ids:
            names = Array()
            for key in sorted(self.ids):
                names.append(String(key))
                names.append(self.ids[key])
            root.IDTree = out.make_indirect(Dictionary(Names=names))
        out.Root.StructTreeRoot = root
        out.Root.MarkInfo = Dictionary(Marked=True)
        out.Root.Lang = String(LANG)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
        info = {"/Title": titel, "/Author": forfattare, "/Subject": amne, "/Keywords": nyckelord,
                "/Creator": skapare, "/Producer": f"pikepdf {pikepdf.__version__}"}
        info.update(extra_info or {})
        out.docinfo = out.make_indirect(Dictionary({k: String(v) for k, v in info.items() if v}))
        # PDF/UA is claimed only when every part carries tags (the machine checks still apply).
        pdfua = all(k.taggad for k in self.komponenter)
        _write_xmp(out, titel, forfattare, amne, nyckelord, skapare, pdfa, pdfua)
        dela_typsnitt(out)
        _dedupe_fonts(out)
        return out


def _resolve_standard_roles(sroot: Dictionary, kids: list) -> dict[str, str]:
    """A part's role map: its remapped standard types are resolved in the part now (they are never
    carried over); its custom roles are returned, for the package's map (Sammanfogning._kartor)."""
    rm = sroot.get("/RoleMap")
    if not isinstance(rm, Dictionary):
        return {}
    custom: dict[str, str] = {}
    standard: dict[str, str] = {}
    for k, v in rm.items():
        name, target = k.lstrip("/"), str(v).lstrip("/")
        if name == target:
            continue  # identity maps are not carried over
        if name in STANDARD_TYPES:
            standard[name] = target
        else:
            custom[name] = target
    if standard:
        for elem in _walk(kids):
            s = elem.get("/S")
            if s is not None and str(s).lstrip("/") in standard:
                elem.S = Name("/" + standard[str(s).lstrip("/")])
    return custom


def _kids(k) -> list:
    if k is None:
        return []
    if isinstance(k, Array):
        return [x for x in k if isinstance(x, Dictionary)]
    if isinstance(k, Dictionary):
        return [k]
    return []


def _walk(kids: list):
    seen: set = set()
    stack = list(kids)
    while stack:
        e = stack.pop()
        if not isinstance(e, Dictionary):
            continue
        key = e.objgen if e.is_indirect else id(e)
        if key in seen:
            continue
        seen.add(key)
        if e.get("/Type") in (Name.MCR, Name.OBJR):
            continue
        yield e
        stack.extend(_kids(e.get("/K")))


def walk_structure(pdf: Pdf):
    root = pdf.Root.get("/StructTreeRoot")
    return _walk(_kids(root.get("/K"))) if root is not None else iter(())


def _shift_xobjects(resources, offset: int, seen: set) -> None:
    if not isinstance(resources, Dictionary):
        return
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, Dictionary):
        return
    for _name, xo in xobjects.items():
        if not xo.is_indirect or xo.objgen in seen:
            continue
        seen.add(xo.objgen)
        if xo.get("/Subtype") != Name.Form:
            continue
        if "/StructParents" in xo:
            xo.StructParents = int(xo.StructParents) + offset
        if "/StructParent" in xo:
            xo.StructParent = int(xo.StructParent) + offset
        _shift_xobjects(xo.get("/Resources"), offset, seen)


def _write_xmp(out: Pdf, titel: str, forfattare: str, amne: str, nyckelord: str, skapare: str,
               pdfa: bool, pdfua: bool) -> None:
    if "/Metadata" in out.Root:
        del out.Root["/Metadata"]
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = titel
        if forfattare:
            meta["dc:creator"] = [forfattare]
        if amne:
            meta["dc:description"] = amne
        meta["dc:language"] = {LANG}
        if nyckelord:
            meta["pdf:Keywords"] = nyckelord
        meta["pdf:Producer"] = f"pikepdf {pikepdf.__version__}"
        meta["xmp:CreatorTool"] = skapare or "rapportgen"
        meta["xmp:CreateDate"] = now
        meta["xmp:ModifyDate"] = now
        if pdfua:
            meta["pdfuaid:part"] = "1"
        if pdfa:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"


def _beskrivningar(out: Pdf):
    """The font descriptors of the fonts the pages draw with (a composite font's through its
    descendant), each once: cheaper than looking at every object of a large package."""
    seen: set = set()
    for font in _fonter(out):
        kids = font.get("/DescendantFonts")
        for f in [font, *(kids if isinstance(kids, Array) else [])]:
            desc = f.get("/FontDescriptor") if isinstance(f, Dictionary) else None
            if isinstance(desc, Dictionary) and desc.is_indirect and desc.objgen not in seen:
                seen.add(desc.objgen)
                yield desc


def _dedupe_fonts(out: Pdf) -> int:
    """Point every font descriptor at one copy of each identical embedded font program."""
    seen: dict[str, pikepdf.Object] = {}
    replaced = 0
    for obj in _beskrivningar(out):
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            stream = obj.get(key)
            if not isinstance(stream, pikepdf.Stream):
                continue
            digest = hashlib.sha256(key.encode() + stream.read_raw_bytes()
                                    + repr(sorted((k, str(v)) for k, v in stream.items() if k != "/Length"))
                                    .encode()).hexdigest()
            if digest in seen and seen[digest].objgen != stream.objgen:
                obj[key] = seen[digest]
                replaced += 1
            else:
                seen.setdefault(digest, stream)
    return replaced


def spara(pdf: Pdf, path: Path, *, rensa_resurser: bool = True) -> None:
    """Save compressed, with object streams and without unreferenced objects. Streams already
    deflated (LibreOffice's, most external PDFs') are kept as they are: deflating them again
    doubles the time of saving a large package for a few bytes.

    rensa_resurser drops what a page's resources name but its content no longer uses. A
    publication needs it (what the cleaning cut out of the content must leave the file); whole
    parts joined as they are gain nothing from it: it unshares shared resource dictionaries,
    which makes the file larger and doubles the time of saving a large package."""
    if rensa_resurser:
        pdf.remove_unreferenced_resources()
    pdf.save(path, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             stream_decode_level=pikepdf.StreamDecodeLevel.generalized, recompress_flate=False,
             fix_metadata_version=False)
