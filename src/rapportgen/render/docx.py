"""Render a docxtpl template to a .docx file, atomically."""

from __future__ import annotations

import copy
import io
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import jinja2
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from ..exceptions import TemplateError
from ..fileio import write_bytes_atomic
from ..format import Formatter
from ..granser import aktiva
from .analys import stoppa_vid_fel, var_ar
from .environment import RenderLimit, guard, make_environment
from .oppna import open_template, slapp_dokument  # noqa: F401  (open_template: part of this module's API)
from .templates import SHIPPED, resolve_template

if TYPE_CHECKING:
    from ..config import Profil

log = logging.getLogger("rapportgen")

# Styles the renderer uses for Markdown text and generated tables (render/blocks.py, the report
# tables). A user's Word template rarely defines all of them; missing ones come from the shipped
# template at render. "Rapportgen tabell" is optional (Table Grid is its fallback).
NEEDED_STYLES = ("Normal", "Body Text", *(f"Heading {n}" for n in range(1, 7)),
                 "List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2",
                 "List Number 3", "Table Grid")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _style_by_name(styles_el, name: str):
    """A style element by its name (python-docx's lookup: built-in names, case as Word writes them)."""
    from docx.styles import BabelFish

    internal = BabelFish.ui2internal(name)
    for st in styles_el.iterchildren(qn("w:style")):
        n = st.find(qn("w:name"))
        if n is not None and n.get(qn("w:val")) in (name, internal, internal.lower()):
            return st
    return None


def missing_styles(document) -> list[str]:
    """The renderer's styles that this document does not define."""
    styles_el = document.styles.element
    return [name for name in NEEDED_STYLES if _style_by_name(styles_el, name) is None]


def _numbering(document):
    """The document's numbering part, created empty when the template has none."""
    from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.oxml import parse_xml
    from docx.parts.numbering import NumberingPart

    part = document.part
    try:
        return part.part_related_by(RT.NUMBERING).element
    except KeyError:
        element = parse_xml(f'<w:numbering xmlns:w="{_W}"/>')
        numbering = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, part.package)
        part.relate_to(numbering, RT.NUMBERING)
        return numbering.element


def _copy_numbering(style, source, target_doc) -> None:
    """Give a copied list style its own numbering definition in the target document."""
    num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is None:
        return
    src_numbering = source.part.numbering_part.element
    num = src_numbering.num_having_numId(int(num_id.get(qn("w:val"))))
    abstract_id = num.abstractNumId.val
    abstract = next(a for a in src_numbering.iterchildren(qn("w:abstractNum"))
                    if int(a.get(qn("w:abstractNumId"))) == abstract_id)
    numbering = _numbering(target_doc)
    used = [int(a.get(qn("w:abstractNumId"))) for a in numbering.iterchildren(qn("w:abstractNum"))]
    new_abstract = copy.deepcopy(abstract)
    new_abstract.set(qn("w:abstractNumId"), str(max(used, default=-1) + 1))
    for child in new_abstract.iterchildren(qn("w:nsid"), qn("w:numStyleLink"), qn("w:styleLink")):
        new_abstract.remove(child)
    first_num = next(numbering.iterchildren(qn("w:num")), None)
    if first_num is not None:
        first_num.addprevious(new_abstract)  # every abstractNum comes before the nums
    else:
        numbering.append(new_abstract)
    new_num = numbering.add_num(int(new_abstract.get(qn("w:abstractNumId"))))
    num_id.set(qn("w:val"), str(new_num.numId))


_MISSING: dict[tuple[str, int, int], tuple[str, ...]] = {}


def _missing_in_template(template: Path, document) -> list[str]:
    """missing_styles of a template just opened, remembered per file version (path, mtime, size)."""
    try:
        st = template.stat()
        key = (str(template.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        return missing_styles(document)
    if key not in _MISSING:
        _MISSING[key] = tuple(missing_styles(document))
    return list(_MISSING[key])


def add_missing_styles(document, source_path: Path, missing: list[str] | None = None) -> list[str]:
    """Copy the renderer's styles the document lacks from source_path (a shipped template).

    Base styles they depend on come along; list styles get their own numbering. Returns the
    names added. missing: the names missing_styles(document) gives, when known."""
    missing = missing_styles(document) if missing is None else missing
    if not missing:
        return []
    from .oppna import dokument

    source = dokument(source_path)  # the shipped template, parsed once per process
    src_el, dst_el = source.styles.element, document.styles.element
    ids = {st.get(qn("w:styleId")) for st in dst_el.iterchildren(qn("w:style"))}
    added: list[str] = []

    def add(st) -> None:
        based = st.find(qn("w:basedOn"))
        if based is not None:
            base_id = based.get(qn("w:val"))
            if base_id not in ids:
                base = next((x for x in src_el.iterchildren(qn("w:style"))
                             if x.get(qn("w:styleId")) == base_id), None)
                if base is not None:
                    add(base)
        new = copy.deepcopy(st)
        if new.get(qn("w:styleId")) in ids:  # the id is taken by a style of another name
            new.set(qn("w:styleId"), new.get(qn("w:styleId")) + "Rapportgen")
        for link in new.iterchildren(qn("w:link")):
            new.remove(link)  # a linked character style is not copied
        _copy_numbering(new, source, document)
        dst_el.append(new)
        ids.add(new.get(qn("w:styleId")))

    for name in missing:
        st = _style_by_name(src_el, name)
        if st is None:
            continue
        add(st)
        added.append(name)
    return added


def style_source(typ: str | None) -> Path:
    """The shipped template whose styles fill a user's template's gaps."""
    own = SHIPPED / f"{typ}.docx" if typ else None
    return own if own is not None and own.is_file() else SHIPPED / "dokument.docx"


# A minus sign before a figure ("-28,5 mnkr", "(plan 2025: -71,5 mnkr)"): LibreOffice may
# break the line after a hyphen-minus. A WORD JOINER keeps sign and figure together; it is
# invisible and does not reach the PDF's text layer.
_MINUS_FORE_TAL = re.compile(r"(^|[\s(\u00a0\u202f])([-\u2212])(?=\d)")
WORD_JOINER = "\u2060"


def bind_minus_signs(document) -> None:
    """Glue every leading minus sign to its figure, in the body, headers and footers."""
    parts = [document.part, *(rel.target_part for rel in document.part.rels.values()
                               if rel.reltype.endswith(("/header", "/footer")))]
    for part in parts:
        for t in part.element.iter(qn("w:t")):
            if t.text and ("-" in t.text or "\u2212" in t.text):
                t.text = _MINUS_FORE_TAL.sub(lambda m: m.group(1) + m.group(2) + WORD_JOINER, t.text)


def render_docx(
    template: Path,
    out: Path,
    build_context: Callable[[DocxTemplate], dict[str, Any]],
    formatter: Formatter | None = None,
    forfattare: str | None = None,
    typ: str | None = None,
) -> Path:
    """Render template with the context built by build_context(tpl) and write out atomically.

    build_context receives the template so it can create subdocuments in it. Styles the
    renderer needs and the template lacks are added from the shipped template, with a note.
    """
    tpl = open_template(template)
    # The analysis `rapportgen mallar kontrollera` runs: a tag docxtpl would drop or a syntax
    # error stops the render, naming the paragraph or cell, before anything is written.
    stoppa_vid_fel(template, tpl)
    added = add_missing_styles(tpl.docx, style_source(typ), _missing_in_template(Path(template), tpl.docx))
    if added:
        log.warning("Obs: %s saknar formatmallarna %s; de hämtades från rapportgens inbyggda mall "
                    "(lägg till dem i mallen för att styra utseendet själv)",
                    template, ", ".join(f"'{n}'" for n in added))
    context = build_context(tpl)
    env = make_environment(formatter)
    g = aktiva()
    try:
        with guard(g.mall_sekunder, g.mall_mb):
            tpl.render(context, jinja_env=env, autoescape=True)
    except RenderLimit as exc:
        raise TemplateError(f"mallen kunde inte fyllas i: den {exc} (granser.mall_sekunder och "
                            "granser.mall_mb i profilen); har mallen en loop utan slut?", fil=template) from None
    except (OverflowError, MemoryError) as exc:
        raise TemplateError(f"mallen kunde inte fyllas i: {exc or 'för stort'}", fil=template) from None
    except jinja2.UndefinedError as exc:
        plats = var_ar(template, exc.message or "")
        raise TemplateError(f"mallen använder en variabel som data saknar: {exc.message}", fil=template,
                            plats=plats) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"syntaxfel i mallen: {exc.message}", fil=template, plats=f"rad {exc.lineno} i mallens XML") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"mallen försöker göra något otillåtet: {exc}", fil=template) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"mallen kunde inte fyllas i: {exc}", fil=template) from None
    bind_minus_signs(tpl.docx)
    if forfattare:  # the template's own author (often "python-docx" or a template maker) is not the sender
        tpl.docx.core_properties.author = forfattare
        tpl.docx.core_properties.last_modified_by = forfattare
    # Saved whole in memory first: the file gets its name only when complete (no temp file a
    # SIGKILL could leave behind).
    buf = io.BytesIO()
    tpl.save(buf)
    slapp_dokument(tpl.docx)
    write_bytes_atomic(out, buf.getvalue())
    return out


def render_typ(
    typ: str,
    out: str | Path,
    build_context: Callable[[DocxTemplate], dict[str, Any]],
    profil: "Profil",
    mallar: Path | None = None,
) -> Path:
    """Render a document type's template (looked up for this profile) to out, atomically."""
    template = resolve_template(typ, mallar=mallar, profil_mallar=profil.mallar).path
    forfattare = ", ".join(x for x in (profil.forvaltning, profil.kommun) if x)
    return render_docx(template, Path(out), build_context, Formatter.from_profil(profil), forfattare, typ)
