"""The machine-checkable part of PDF/UA-1 (ISO 14289-1), for tests and the package report.

Checked: a structure tree (StructTreeRoot, MarkInfo /Marked true); /Lang in the
catalog; a title in XMP (dc:title) with DisplayDocTitle; every piece of page
content (text, paths, images, shadings) inside marked content that is either
tagged (an MCID the ParentTree knows) or an /Artifact; annotations other than
popups tagged; links with /Contents; figures with /Alt or /ActualText; tables
with at least one TH; headings H1-H6 without a skipped level. Not checked (needs a
person or a full validator such as veraPDF): reading order, whether alt texts
and headings are meaningful, colour contrast, fonts' Unicode maps, table
header scope, the nesting rules between structure types.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from .taggat import STANDARD_TYPES, _kids

PAINT_OPS = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "BI", "INLINE IMAGE"}
# The only operators _content_problems looks at; pikepdf drops the rest while parsing (inline
# images are asked for as BI ID EI and come back as one INLINE IMAGE instruction).
CHECKED_OPS = " ".join(sorted((PAINT_OPS - {"INLINE IMAGE"}) | {"BDC", "BMC", "EMC", "Do", "ID", "EI"}))

KONTROLLER = (
    "strukturträd (StructTreeRoot) och MarkInfo /Marked",
    "dokumentspråk (/Lang)",
    "titel i XMP (dc:title) och DisplayDocTitle",
    "allt sidinnehåll taggat eller markerat som artefakt",
    "anteckningar och länkar taggade, länkar med /Contents",
    "figurer med alternativtext (/Alt)",
    "tabeller med rubrikceller (TH)",
    "rubriknivåer utan hopp (H1-H6)",
)

INTE_KONTROLLERAT = ("läsordning, om alternativtexter och rubriker är meningsfulla, färgkontrast, typsnittens "
                     "Unicode-tabeller, tabellrubrikernas räckvidd (Scope) och strukturtypernas inbördes regler; "
                     "kräver en människa eller en fullständig validerare (veraPDF)")


@dataclass(frozen=True)
class Problem:
    regel: str
    sida: int | None  # 1-based, None for the whole document
    text: str

    def format(self) -> str:
        return f"{'sida ' + str(self.sida) if self.sida else 'dokumentet'}: {self.regel}: {self.text}"


def _standard(elem: Dictionary, rolemap: dict[str, str]) -> str:
    s = str(elem.get("/S", "")).lstrip("/")
    seen = set()
    while s not in STANDARD_TYPES and s in rolemap and s not in seen:
        seen.add(s)
        s = rolemap[s]
    return s


def _content_problems(ops, resources, pno: int, valid_mcids: set[int] | None, used: set[int], seen_forms: set,
                      in_marked: bool = False, mcids: list[int] | None = None) -> list[str]:
    """Untagged content in one content stream (recursing into forms drawn outside marked content).
    With valid_mcids None, every MCID met is appended to mcids instead of being checked."""
    problems: list[str] = []
    stack: list[str] = []  # 'tag' (MCID), 'artifact', or 'other'
    ok = lambda: in_marked or any(x in ("tag", "artifact") for x in stack)  # noqa: E731
    xobjects = resources.get("/XObject", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    for ins in ops:
        op = str(ins.operator)  # operands only read where needed: unpacking each one costs more
        if op in ("BDC", "BMC"):
            operands = ins.operands
            tag = str(operands[0]) if operands else ""
            if tag == "/Artifact":
                stack.append("artifact")
            elif op == "BDC" and len(operands) > 1:
                props = operands[1]
                if isinstance(props, Name) and isinstance(resources, Dictionary):
                    props = resources.get("/Properties", Dictionary()).get(str(props), Dictionary())
                mcid = props.get("/MCID") if isinstance(props, Dictionary) else None
                if mcid is not None:
                    mcid = int(mcid)
                    used.add(mcid)
                    if valid_mcids is None:
                        mcids.append(mcid)
                    elif mcid not in valid_mcids:
                        problems.append(_saknas(mcid))
                    stack.append("tag")
                else:
                    stack.append("other")
            else:
                stack.append("other")
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op == "Do" and len(ins.operands):
            xo = xobjects.get(str(ins.operands[0])) if isinstance(xobjects, Dictionary) else None
            if xo is None:
                continue
            if xo.get("/Subtype") == Name.Form:
                if ok():
                    continue
                if xo.objgen in seen_forms:
                    continue
                seen_forms.add(xo.objgen)
                sub = pikepdf.parse_content_stream(xo, CHECKED_OPS)
                problems.extend(_content_problems(sub, xo.get("/Resources", resources), pno, valid_mcids,
                                                  used, seen_forms, mcids=mcids))
            elif not ok():
                problems.append("bild utanför taggat innehåll")
        elif op in PAINT_OPS and not ok():
            problems.append(f"innehåll ({op}) varken taggat eller artefakt")
    return problems


def _saknas(mcid: int) -> str:
    return f"MCID {mcid} saknas i ParentTree"


def sidfynd(pdf: pikepdf.Pdf) -> list[list] | None:
    """What the content check finds on each page of a part, apart from the structure tree: per page
    [problems, MCIDs met (each time met)]. A package's check uses it for the pages it copied
    unchanged (kontrollera's kanda), so that a rebuild does not parse an unchanged part's pages
    again; the MCIDs are still checked against the package's own ParentTree. None when a page
    cannot be parsed (the package's check then reports it)."""
    out = []
    for page in pdf.pages:
        mcids: list[int] = []
        try:
            ops = pikepdf.parse_content_stream(page, CHECKED_OPS)
            found = _content_problems(ops, page.obj.get("/Resources", Dictionary()), 0, None, set(), set(),
                                      mcids=mcids)
        except pikepdf.PdfError:
            return None
        out.append([found, mcids])
    return out


def kontrollera(path: Path | str, kanda: dict[int, list] | None = None,
                kanda_delar: tuple[int, dict[int, tuple[list, int]]] | None = None) -> list[Problem]:
    """PDF/UA-1 problems found by machine in the PDF at path (empty: no problem found).

    kanda: page index -> sidfynd's entry for a page whose content was copied from a part
    unchanged but for the package's own additions (a transformation around it, the stamp as an
    artifact after it); its content stream is not parsed again.
    kanda_delar: (how many parts the package's Document has, {part index -> (strukturfynd of the
    part, its first page index)}): those parts' structure trees are not walked again. Used only
    when the tree is one Document with that many parts."""
    problems: list[Problem] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        sroot = root.get("/StructTreeRoot")
        if sroot is None:
            problems.append(Problem("strukturträd", None, "StructTreeRoot saknas (otaggad PDF)"))
        mark = root.get("/MarkInfo")
        if not (isinstance(mark, Dictionary) and bool(mark.get("/Marked", False))):
            problems.append(Problem("MarkInfo", None, "/Marked är inte true"))
        if not str(root.get("/Lang", "")).strip():
            problems.append(Problem("språk", None, "/Lang saknas i katalogen"))
        vp = root.get("/ViewerPreferences")
        if not (isinstance(vp, Dictionary) and bool(vp.get("/DisplayDocTitle", False))):
            problems.append(Problem("titel", None, "DisplayDocTitle är inte true"))
        try:
            title = pdf.open_metadata().get("dc:title")
        except Exception:  # unreadable XMP counts as missing
            title = None
        if not title:
            problems.append(Problem("titel", None, "dc:title saknas i XMP"))
        if sroot is None:
            return problems
        rolemap = {k.lstrip("/"): str(v).lstrip("/") for k, v in sroot.get("/RoleMap", Dictionary()).items()}
        parent_tree = pikepdf.NumberTree(sroot.ParentTree) if "/ParentTree" in sroot else None
        for pno, page in enumerate(pdf.pages, start=1):
            valid: set[int] = set()
            sp = page.obj.get("/StructParents")
            if sp is not None and parent_tree is not None and int(sp) in parent_tree:
                arr = parent_tree[int(sp)]
                if isinstance(arr, Array):
                    valid = {i for i, e in enumerate(arr) if isinstance(e, Dictionary)}
            known = kanda.get(pno - 1) if kanda else None
            if known is not None:
                found = list(known[0]) + [_saknas(m) for m in known[1] if m not in valid]
            else:
                try:
                    ops = pikepdf.parse_content_stream(page, CHECKED_OPS)
                except pikepdf.PdfError as exc:
                    problems.append(Problem("innehåll", pno, f"sidans innehåll kan inte läsas ({exc})"))
                    continue
                found = _content_problems(ops, page.obj.get("/Resources", Dictionary()), pno, valid, set(), set())
            for text in sorted(set(found)):
                problems.append(Problem("otaggat innehåll", pno, f"{text} ({found.count(text)} st.)"))
            for annot in page.obj.get("/Annots", Array()):
                sub = str(annot.get("/Subtype", ""))
                if sub == "/Popup" or int(annot.get("/F", 0)) & 2:
                    continue
                if "/StructParent" not in annot or parent_tree is None or int(annot.StructParent) not in parent_tree:
                    problems.append(Problem("anteckning", pno, f"{sub.lstrip('/')}-anteckning utan tagg"))
                if sub == "/Link" and not str(annot.get("/Contents", "")).strip():
                    problems.append(Problem("länk", pno, "länk utan /Contents"))
        # The parts whose own tree was checked when they were read: their findings, moved to their pages.
        kids = _kids(sroot.get("/K"))
        stopp: dict = {}
        if kanda_delar and len(kids) == 1 and isinstance(kids[0], Dictionary):
            delar = _kids(kids[0].get("/K"))
            if len(delar) == kanda_delar[0]:
                stopp = {e.objgen: kanda_delar[1][i] for i, e in enumerate(delar)
                         if i in kanda_delar[1] and isinstance(e, Dictionary) and e.is_indirect}
        problems.extend(_strukturproblem(pdf, kids, rolemap, stopp))
    return problems


def _strukturproblem(pdf: pikepdf.Pdf, kids: list, rolemap: dict[str, str], stopp: dict) -> list[Problem]:
    """Figures without alt text, tables without TH, skipped heading levels. stopp: a part's element
    (objgen) -> (its findings from strukturfynd, its first page index): not walked again."""
    problems: list[Problem] = []
    previous = 0
    for elem in _walk_ordered(kids, stopp):
        s = _standard(elem, rolemap)
        # The page is looked up only for a problem (finding it is linear in the page count).
        if s == "Figure" and not (str(elem.get("/Alt", "")).strip() or str(elem.get("/ActualText", "")).strip()):
            problems.append(Problem("figur", _page_no(pdf, elem), "figur utan alternativtext"))
        elif s == "Table" and not any(_standard(e, rolemap) == "TH" for e in _walk_ordered(_kids(elem.get("/K")))):
            problems.append(Problem("tabell", _page_no(pdf, elem), "tabell utan rubrikceller (TH)"))
        elif len(s) == 2 and s[0] == "H" and s[1].isdigit():
            level = int(s[1])
            if level > previous + 1:
                problems.append(Problem("rubriknivå", _page_no(pdf, elem),
                                        f"H{level} efter H{previous} (nivå hoppas över)"))
            previous = level
        elif s == "Part":
            previous = 0  # each part of a package starts its own heading outline
        known = stopp.get(elem.objgen) if stopp and elem.is_indirect else None
        if known is not None:
            fynd, first = known
            problems.extend(Problem(regel, None if sida is None else sida + first, text) for regel, sida, text in fynd)
    return problems


def strukturfynd(pdf: pikepdf.Pdf) -> list[list]:
    """What the structure check finds in a part's own tree, as [rule, page in the part (1-based) or
    None, text]. Joined into a package the part's tree becomes one Part with the same elements and
    standard types (taggat keeps them when role maps conflict), so kontrollera's kanda_delar can
    use this instead of walking the part again."""
    sroot = pdf.Root.get("/StructTreeRoot")
    if not isinstance(sroot, Dictionary):
        return []
    rolemap = {k.lstrip("/"): str(v).lstrip("/") for k, v in sroot.get("/RoleMap", Dictionary()).items()}
    return [[p.regel, p.sida, p.text] for p in _strukturproblem(pdf, _kids(sroot.get("/K")), rolemap, {})]


def _walk_ordered(kids: list, stopp: dict | None = None):
    """Structure elements depth first, in document (reading) order; an element whose objgen is in
    stopp is given but not entered."""
    seen: set = set()
    stack = list(reversed(kids))
    while stack:
        e = stack.pop()
        if not isinstance(e, Dictionary) or e.get("/Type") in (Name.MCR, Name.OBJR):
            continue
        key = e.objgen if e.is_indirect else id(e)
        if key in seen:
            continue
        seen.add(key)
        yield e
        if stopp and key in stopp:
            continue
        stack.extend(reversed(_kids(e.get("/K"))))


def _page_no(pdf: pikepdf.Pdf, elem: Dictionary) -> int | None:
    pg = elem.get("/Pg")
    if pg is None:
        return None
    try:
        return pdf.pages.index(pikepdf.Page(pg)) + 1
    except (ValueError, pikepdf.PdfError):
        return None
