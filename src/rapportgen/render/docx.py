"""Render a docxtpl template to a .docx file, atomically."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import jinja2
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from ..exceptions import TemplateError
from ..fileio import atomic_path
from ..format import Formatter
from .analys import stoppa_vid_fel, var_ar
from .environment import make_environment
from .oppna import open_template  # noqa: F401  (part of this module's API)
from .templates import resolve_template

if TYPE_CHECKING:
    from ..config import Profil


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
) -> Path:
    """Render template with the context built by build_context(tpl) and write out atomically.

    build_context receives the template so it can create subdocuments in it.
    """
    # The analysis `rapportgen mallar kontrollera` runs: a tag docxtpl would drop or a syntax
    # error stops the render, naming the paragraph or cell, before anything is written.
    stoppa_vid_fel(template)
    tpl = open_template(template)
    context = build_context(tpl)
    env = make_environment(formatter)
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
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
    with atomic_path(out) as tmp:
        tpl.save(str(tmp))
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
    return render_docx(template, Path(out), build_context, Formatter.from_profil(profil), forfattare)
