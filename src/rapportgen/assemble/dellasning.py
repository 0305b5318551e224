"""Reading one part's PDF for the package with pikepdf alone (bygg._las_del): opening it with
the user's words for what is wrong, and its own outline (bookmarks).

pypdf read the outline before; it parsed every part a second time. The outline is read here as
pypdf read it: items by /First and /Next, each one's page from its /Dest (or a /GoTo action's
/D), directly or through a named destination (the catalog's /Dests, else the /Names /Dests name
tree); an item without a page it can find points at the part's first page.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..exceptions import InputError

MAX_BOKMARKEN = 100_000  # outline items in one part (pypdf's limit)
MAX_DJUP = 100  # nesting levels of the outline


def oppna(path: Path, losenord: str | None = None, *, manifest: Path | None = None, plats: str | None = None,
          skrivbar: bool = False) -> pikepdf.Pdf:
    """A part's PDF opened with pikepdf. When it cannot be opened (damaged, encrypted, no pages),
    the error is worded as the package's other readers word it (pdf.open_pdf), never a traceback."""
    from .pdf import open_pdf

    try:
        pdf = pikepdf.open(path, password=losenord or "", allow_overwriting_input=skrivbar)
    except Exception as exc:  # noqa: BLE001 - the reason in the user's words, below
        open_pdf(path, losenord, manifest=manifest, plats=plats)  # raises InputError when pypdf fails too
        where = f"{plats}, " if plats and manifest else ""
        raise InputError(f"{where}'{path.name}' är ingen läsbar PDF (skadad fil: {exc})",
                         fil=manifest or path) from None
    if len(pdf.pages) == 0:
        pdf.close()
        open_pdf(path, losenord, manifest=manifest, plats=plats)
        where = f"{plats}, " if plats and manifest else ""
        raise InputError(f"{where}'{path.name}' har inga sidor", fil=manifest or path)
    return pdf


def bokmarken(pdf: pikepdf.Pdf, *, manifest: Path | None = None,
              plats: str | None = None) -> list[tuple[str, int, list]]:
    """The part's outline as (title, page index in the part, children). An error names the PDF,
    and the manifest and its line when given (the user's PDF)."""
    where = f"{plats}, " if plats and manifest else ""
    fil = manifest or Path(pdf.filename)
    outlines = pdf.Root.get("/Outlines")
    if not isinstance(outlines, Dictionary) or not isinstance(outlines.get("/First"), Dictionary):
        return []
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    count = [0]
    named: list = []  # [lookup] once a named destination is met

    def lookup(key: str):
        if not named:
            named.append(_named_destinations(pdf))
        return named[0](key)

    def page_of(node: Dictionary) -> int:
        dest = None
        action = node.get("/A")
        if action is not None:  # an action decides, even when it is no GoTo (as pypdf)
            if isinstance(action, Dictionary) and action.get("/S") == Name.GoTo:
                dest = action.get("/D")
        else:
            dest = node.get("/Dest")
            if isinstance(dest, Dictionary):
                dest = dest.get("/D")
        if isinstance(dest, (Name, String)):
            dest = lookup(str(dest))
        if not isinstance(dest, Array) or len(dest) < 2:
            return 0
        target = dest[0]
        if isinstance(target, Dictionary) and target.is_indirect:
            return pages.get(target.objgen, 0)
        if isinstance(target, int) and 0 <= target < len(pages):
            return target  # a page number where a page belongs (written so by some tools)
        return 0

    def walk(node, depth: int, visited: set) -> list[tuple[str, int, list]]:
        if depth > MAX_DJUP:
            raise InputError(f"{where}'{Path(pdf.filename).name}' har bokmärken i fler än {MAX_DJUP} nivåer",
                             fil=fil)
        out: list[tuple[str, int, list]] = []
        while isinstance(node, Dictionary):
            key = node.objgen if node.is_indirect else id(node)
            if key in visited:
                break  # a cycle
            visited.add(key)
            count[0] += 1
            if count[0] > MAX_BOKMARKEN:
                raise InputError(f"{where}'{Path(pdf.filename).name}' har fler än {MAX_BOKMARKEN} bokmärken",
                                 fil=fil)
            title = node.get("/Title")
            out.append((str(title) if isinstance(title, String) else "", page_of(node), []))
            first = node.get("/First")
            if first is not None:
                out[-1][2].extend(walk(first, depth + 1, set(visited)))
            node = node.get("/Next")
        return out

    return walk(outlines.First, 0, set())


def _named_destinations(pdf: pikepdf.Pdf):
    """name -> destination array: the catalog's /Dests dictionary (keys '/name'), else the
    /Names /Dests name tree (keys 'name'); a value may be a dictionary with /D."""
    root = pdf.Root
    tree = None
    if "/Dests" in root:
        dests = root.Dests
        if not isinstance(dests, Dictionary):
            return lambda _key: None

        def get(key: str):
            return dests.get(key) if key.startswith("/") else None
    else:
        names = root.get("/Names")
        obj = names.get("/Dests") if isinstance(names, Dictionary) else None
        if not isinstance(obj, Dictionary):
            return lambda _key: None
        try:
            tree = pikepdf.NameTree(obj)
        except (pikepdf.PdfError, TypeError, ValueError):
            return lambda _key: None

        def get(key: str):
            try:
                return tree.get(key)
            except (pikepdf.PdfError, TypeError, ValueError, KeyError):
                return None

    def value(key: str):
        v = get(key)
        if isinstance(v, Dictionary):
            v = v.get("/D")
        return v

    return value


# --- the whole read, also in a process of its own --------------------------------------

def las_pdf(path: Path, losenord: str | None, *, extern: bool, generated: bool, manifest: Path | None,
            plats: str | None, forbered: bool, forberedd: Path | None) -> dict:
    """What bygg._las_del reads from a part's file; also run in a process of its own
    (bygg._Forlasning, through las_i_processen: this module imports little). forbered: a converted
    part's fonts go to their stable codes in place; forberedd: where an external PDF's copy with
    its fonts on stable codes goes (then data["_forberedd"] is True)."""
    from . import pdfua as pdfua_mod, typsnitt
    from .pdf import text_i_bandet

    data: dict = {"krymp": [], "bokmarken": []}
    with oppna(path, losenord, manifest=manifest, plats=plats, skrivbar=not extern) as pdf:
        data["sidor"] = len(pdf.pages)
        data["bokmarken"] = bokmarken(pdf, manifest=manifest, plats=plats)
        if generated:
            data["krymp"] = [i for i, page in enumerate(pdf.pages) if text_i_bandet(page)]
        # A part's fonts go to their stable codes once, here (and in the cache with it): a converted
        # part in place (one with a table of contents only when numbered from its package page: else
        # the copy numbered so replaces it, prepared in _toc_klar), an external PDF (not encrypted) in a copy,
        # never the user's file.
        if not extern:
            if forbered and typsnitt.forbered(pdf):
                pdf.save(path)
        elif forberedd is not None and not losenord and not pdf.is_encrypted and typsnitt.forbered(pdf):
            forberedd.parent.mkdir(exist_ok=True)
            pdf.save(forberedd)
            data["_forberedd"] = True
        data["pdfua"] = pdfua_mod.sidfynd(pdf)
        data["struktur"] = pdfua_mod.strukturfynd(pdf)
    return data


def las_i_processen(args: tuple) -> dict | None:
    """las_pdf on (path, password, keywords) in the reading process; None when it fails (the build
    reads the part again itself, and reports the error in its own words)."""
    try:
        return las_pdf(*args[:2], **args[2])
    except Exception:  # noqa: BLE001 - see above
        return None
