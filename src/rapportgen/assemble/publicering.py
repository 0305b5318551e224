"""The publication build's clean-up of each part, and its report.

Every place a PDF can carry text besides the page is scanned for personnummer:
document info, XMP, embedded files, JavaScript, form fields, annotations,
bookmarks and the structure tree's alternative texts. The clean-up removes
what a published document must not carry (embedded files, JavaScript, comments
and other annotations except links, form fields holding a personnummer),
flattens the other form fields and masks what can be masked. Every change is
a Post for the report (publicering.json / publicering.txt beside the PDF).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..fileio import write_text_atomic
from . import personnummer, sidtext
from .taggat import walk_structure

MAX_EMBEDDED = 20 * 1024 * 1024  # bytes of an embedded file read for the scan


@dataclass
class Post:
    """One line of the publication report."""

    sida: int | None  # 1-based page of the published PDF; None: the part as a whole
    del_: str  # the part (its file)
    plats: str  # where: 'formulärfält "Namn"', 'anteckning (Text)', 'XMP', ...
    atgard: str  # 'maskerat', 'borttaget', 'plattat', 'granska manuellt'
    personnummer: list[str] = field(default_factory=list)  # hints with validity, never the number

    def format(self) -> str:
        where = f"sida {self.sida}" if self.sida else "hela delen"
        pn = f"; {len(self.personnummer)} personnummer: {', '.join(self.personnummer)}" if self.personnummer else ""
        return f"{where}, {self.del_}: {self.plats}: {self.atgard}{pn}"


def _stream_bytes(obj: pikepdf.Stream) -> bytes:
    """A stream's data, decoded up to MAX_EMBEDDED bytes (a compression bomb is not expanded)."""
    filters = obj.get("/Filter")
    filters = [filters] if isinstance(filters, Name) else list(filters or [])
    raw = obj.read_raw_bytes()
    if not filters:
        return raw[:MAX_EMBEDDED]
    if filters == [Name.FlateDecode] and "/DecodeParms" not in obj:
        try:
            return zlib.decompressobj().decompress(raw, MAX_EMBEDDED)
        except zlib.error:
            return b""
    if len(raw) > MAX_EMBEDDED // 20:
        return b""  # an unusual filter on a large stream: not expanded, the file is removed anyway
    return obj.read_bytes()[:MAX_EMBEDDED]


def _text(obj) -> str:
    try:
        if isinstance(obj, pikepdf.Stream):
            data = _stream_bytes(obj)
            if data[:2] in (b"\xfe\xff", b"\xff\xfe"):
                return data.decode("utf-16", errors="replace")
            return data.decode("utf-8", errors="replace")
        if isinstance(obj, (String, Name)):
            return str(obj)
        if isinstance(obj, Array):
            return " ".join(_text(x) for x in obj)
        if isinstance(obj, Dictionary):
            return " ".join(_text(v) for k, v in obj.items() if k not in ("/Parent", "/P", "/Kids", "/Pg"))
    except (pikepdf.PdfError, ValueError):
        return ""
    return ""


def _hits(*texts: str) -> list[str]:
    """describe() of each distinct number in texts (a field's value and its appearance count once)."""
    numbers = dict.fromkeys(x for t in texts for x in personnummer.find(t))
    return [personnummer.describe(x) for x in numbers]


def _js(action) -> str | None:
    """The JavaScript text of an action (and its /Next chain), or None."""
    out = []
    seen = set()
    while isinstance(action, Dictionary) and id(action) not in seen:
        seen.add(id(action))
        if action.get("/S") == Name.JavaScript:
            out.append(_text(action.get("/JS")))
        nxt = action.get("/Next")
        action = nxt[0] if isinstance(nxt, Array) and len(nxt) else nxt
    return " ".join(out) if out else None


def _field_name(annot: Dictionary) -> str:
    parts = []
    node, depth = annot, 0
    while isinstance(node, Dictionary) and depth < 32:
        if "/T" in node:
            parts.append(str(node.T))
        node = node.get("/Parent")
        depth += 1
    return ".".join(reversed(parts)) or "(namnlöst)"


def _field_texts(annot: Dictionary) -> list[str]:
    texts = []
    node, depth = annot, 0
    while isinstance(node, Dictionary) and depth < 32:
        for key in ("/V", "/DV", "/TU", "/TM", "/Opt", "/T", "/Contents"):
            if key in node:
                texts.append(_text(node[key]))
        node = node.get("/Parent")
        depth += 1
    ap = annot.get("/AP")
    if isinstance(ap, Dictionary):
        for state in ap.values():
            streams = [state] if isinstance(state, pikepdf.Stream) else \
                list(state.values()) if isinstance(state, Dictionary) else []
            texts.extend(_text(s) for s in streams if isinstance(s, pikepdf.Stream))
    return texts


def _has_images(resources, seen: set) -> bool:
    if not isinstance(resources, Dictionary):
        return False
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, Dictionary):
        return False
    for _n, xo in xobjects.items():
        if xo.is_indirect:
            if xo.objgen in seen:
                continue
            seen.add(xo.objgen)
        if xo.get("/Subtype") == Name.Image:
            return True
        if xo.get("/Subtype") == Name.Form and _has_images(xo.get("/Resources"), seen):
            return True
    return False


def rensa(src: pikepdf.Pdf, del_: str, first: int, *, extern: bool = True) -> list[Post]:
    """Clean one part (an open pikepdf.Pdf) for publication; first is its first page index in the package.

    Images are listed for manual review in external parts (a generated part's images are its
    template's logo and charts drawn from numbers), and their page text is redacted (sidtext.maskera;
    generated parts are masked in their sources).
    """
    posts: list[Post] = []
    root = src.Root

    # Document info and XMP are not carried into the package (it gets its own); report what they held.
    info_hits = _hits(*(str(v) for v in src.docinfo.values() if isinstance(v, String)))
    if info_hits:
        posts.append(Post(None, del_, "dokumentinformation", "borttaget (skrivs om)", info_hits))
    meta = root.get("/Metadata")
    if isinstance(meta, pikepdf.Stream):
        xmp_hits = _hits(_text(meta))
        if xmp_hits:
            posts.append(Post(None, del_, "XMP-metadata", "borttaget (skrivs om)", xmp_hits))

    # Embedded files and document JavaScript are removed.
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        if "/EmbeddedFiles" in names:
            for name, spec in pikepdf.NameTree(names.EmbeddedFiles).items():
                texts = [str(name), _text(spec.get("/Desc", String(""))), _text(spec.get("/UF", String("")))]
                ef = spec.get("/EF") if isinstance(spec, Dictionary) else None
                if isinstance(ef, Dictionary):
                    texts.extend(_text(s) for s in ef.values())
                posts.append(Post(None, del_, f"inbäddad fil '{personnummer.mask_text(str(name))[0]}'",
                                  "borttaget", _hits(*texts)))
            del names["/EmbeddedFiles"]
        if "/JavaScript" in names:
            for name, action in pikepdf.NameTree(names.JavaScript).items():
                posts.append(Post(None, del_, f"JavaScript '{personnummer.mask_text(str(name))[0]}'",
                                  "borttaget", _hits(_js(action) or "")))
            del names["/JavaScript"]
    for key in ("/OpenAction", "/AA"):
        if key in root:
            js = _js(root[key]) if key == "/OpenAction" else _text(root[key])
            if key == "/AA" or js is not None:
                posts.append(Post(None, del_, "JavaScript (dokumentets åtgärder)", "borttaget", _hits(js or "")))
                del root[key]

    # Bookmarks are not copied as they are: the package imports their titles masked.
    if "/Outlines" in root:
        with src.open_outline() as ol:
            stack = list(ol.root)
            while stack:
                item = stack.pop()
                found = _hits(item.title or "")
                if found:
                    posts.append(Post(None, del_, "bokmärke", "maskerat", found))
                stack.extend(item.children)

    # Pages: annotations, form fields, page actions, images.
    flatten_any = False
    for i, page in enumerate(src.pages):
        sida = first + i + 1
        pobj = page.obj
        if "/AA" in pobj:
            posts.append(Post(sida, del_, "sidans åtgärder (JavaScript)", "borttaget", _hits(_text(pobj.AA))))
            del pobj["/AA"]
        if "/Metadata" in pobj:
            del pobj["/Metadata"]
        keep = Array()
        for annot in pobj.get("/Annots", Array()):
            sub = str(annot.get("/Subtype", "")).lstrip("/")
            if sub == "Link":
                action = annot.get("/A")
                uri = _text(action.get("/URI", String(""))) if isinstance(action, Dictionary) else ""
                js = _js(action)
                bad = isinstance(action, Dictionary) and action.get("/S") in (Name.Launch, Name.ImportData,
                                                                              Name.SubmitForm)
                if js is not None or bad or personnummer.find(uri):
                    posts.append(Post(sida, del_, "länk", "borttaget", _hits(uri, js or "")))
                    continue
                if "/AA" in annot:
                    del annot["/AA"]
                contents = str(annot.get("/Contents", ""))
                masked, found = personnummer.mask_text(contents)
                if found:
                    annot.Contents = String(masked)
                    posts.append(Post(sida, del_, "länkens beskrivning", "maskerat",
                                      [personnummer.describe(x) for x in found]))
                keep.append(annot)
            elif sub == "Widget":
                name = personnummer.mask_text(_field_name(annot))[0]
                found = _hits(*_field_texts(annot))
                if found:
                    posts.append(Post(sida, del_, f"formulärfält '{name}'", "borttaget", found))
                    continue
                if "/AA" in annot:
                    del annot["/AA"]
                keep.append(annot)
                flatten_any = True
                posts.append(Post(sida, del_, f"formulärfält '{name}'", "plattat (inte längre ifyllbart)"))
            elif sub == "Popup":
                continue
            else:
                texts = [_text(annot.get(k, String(""))) for k in ("/Contents", "/T", "/Subj", "/RC")]
                if sub == "FileAttachment" and isinstance(annot.get("/FS"), Dictionary):
                    ef = annot.FS.get("/EF")
                    if isinstance(ef, Dictionary):
                        texts.extend(_text(s) for s in ef.values())
                posts.append(Post(sida, del_, f"anteckning ({sub or 'okänd'})", "borttaget", _hits(*texts)))
        if "/Annots" in pobj:
            pobj.Annots = keep
        if extern and _has_images(pobj.get("/Resources"), set()):
            posts.append(Post(sida, del_, "bild", "granska manuellt: text i bilder kan inte maskeras"))

    # The structure tree's texts (alternative text, actual text, titles).
    for elem in walk_structure(src):
        for key in ("/Alt", "/ActualText", "/T", "/E"):
            if key in elem and isinstance(elem[key], String):
                masked, found = personnummer.mask_text(str(elem[key]))
                if found:
                    elem[key] = String(masked)
                    pg = elem.get("/Pg")
                    sida = None
                    if pg is not None:
                        try:
                            sida = first + src.pages.index(pikepdf.Page(pg)) + 1
                        except ValueError:
                            sida = None
                    posts.append(Post(sida, del_, f"strukturträdets text ({key.lstrip('/')})", "maskerat",
                                      [personnummer.describe(x) for x in found]))

    if flatten_any:
        _flatten_widgets(src)
    if "/AcroForm" in root:
        del root["/AcroForm"]
    if extern:
        # The page text (and the flattened fields): the digits are removed from the content streams.
        for index, sida in sorted(sidtext.maskera(src).items()):
            if sida.nummer:
                posts.append(Post(first + index + 1, del_, f"sidtext ({len(sida.nummer)} nummer)",
                                  "maskerat (siffrorna borttagna ur sidans text och övertäckta)",
                                  [personnummer.describe(x) for x in sida.nummer]))
    return posts


def _flatten_widgets(src: pikepdf.Pdf) -> None:
    """Draw the remaining form fields into the page (links are set aside meanwhile) and drop them."""
    try:
        src.generate_appearance_streams()
    except pikepdf.PdfError:
        pass  # fields without a way to draw them keep the appearance they have
    links: list[list] = []
    for page in src.pages:
        annots = page.obj.get("/Annots", Array())
        links.append([a for a in annots if a.get("/Subtype") == Name.Link])
        page.obj.Annots = Array([a for a in annots if a.get("/Subtype") != Name.Link])
    src.flatten_annotations("all")
    for page, kept in zip(src.pages, links):
        rest = [a for a in page.obj.get("/Annots", Array()) if a.get("/Subtype") != Name.Widget]
        page.obj.Annots = Array(rest + kept)


def skanna_utdata(path: Path) -> list[str]:
    """Personnummer left anywhere in a finished PDF besides the page content (the final check)."""
    left: list[str] = []

    def walk(value, where: str, depth: int) -> None:
        if depth > 12:
            return
        if isinstance(value, String):
            if personnummer.find(str(value)):
                left.append(where)
        elif isinstance(value, Array):
            for x in value:
                if not getattr(x, "is_indirect", True):
                    walk(x, where, depth + 1)
        elif isinstance(value, Dictionary):
            for k, v in value.items():
                if not getattr(v, "is_indirect", True):
                    walk(v, f"{where} {k}", depth + 1)

    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                if obj.get("/Type") == Name.Metadata and personnummer.find(_text(obj)):
                    left.append("XMP-metadata")
                walk(obj.stream_dict, f"objekt {obj.objgen[0]}", 0)
            elif isinstance(obj, (Dictionary, Array, String)):
                walk(obj, f"objekt {obj.objgen[0]}", 0)
        names = pdf.Root.get("/Names")
        if isinstance(names, Dictionary) and any(k in names for k in ("/EmbeddedFiles", "/JavaScript")):
            left.append("inbäddade filer eller JavaScript")
    return left


def skriv_rapport(path_json: Path, path_txt: Path, titel: str, posts: list[Post], maskeringar: list,
                  ej_tillgangliga: list[str]) -> None:
    data = {
        "titel": titel,
        "poster": [{"sida": p.sida, "del": p.del_, "plats": p.plats, "åtgärd": p.atgard,
                    "personnummer": p.personnummer} for p in posts],
        "maskerat_i_källor": [{"fil": m.fil, "plats": m.plats, "antal": m.antal, "nummer": list(m.nummer)}
                              for m in maskeringar],
        "ej_tillgängliga_delar": ej_tillgangliga,
    }
    write_text_atomic(path_json, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    lines = [f"Publiceringsrapport: {titel}", ""]
    granska = [p for p in posts if p.atgard.startswith("granska")]
    andrat = [p for p in posts if not p.atgard.startswith("granska")]
    lines.append(f"Maskerat eller borttaget ({len(andrat)}):")
    lines.extend(f"  {p.format()}" for p in sorted(andrat, key=lambda p: (p.sida or 0, p.del_)))
    lines.append("")
    lines.append(f"Maskerat i källtexterna ({len(maskeringar)}):")
    lines.extend(f"  {m.format()}" for m in maskeringar)
    lines.append("")
    lines.append(f"Att granska manuellt ({len(granska)}):")
    lines.extend(f"  {p.format()}" for p in sorted(granska, key=lambda p: (p.sida or 0, p.del_)))
    lines.append("")
    lines.append(f"Inte tillgängliga (saknar taggar) ({len(ej_tillgangliga)}):")
    lines.extend(f"  {x}" for x in ej_tillgangliga)
    write_text_atomic(path_txt, "\n".join(lines) + "\n")


def as_dict(p: Post) -> dict:
    return asdict(p)
