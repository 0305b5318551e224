"""Style lookups of one document while its context is built, memoised.

python-docx resolves a style name with an XPath over styles.xml and, on every assignment,
scans all styles for the type's default (to write no w:pStyle for it). A report assigns
styles to hundreds of paragraphs; here each name and each default is looked up once per
document. The results are exactly python-docx's: the same style, the same id or None for
the default, the same KeyError and ValueError.
"""

from __future__ import annotations

from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.styles.style import BaseStyle


class Stilar:
    def __init__(self, document: Any):
        self.document = document
        self.styles = document.styles
        self._namn: dict[str, BaseStyle] = {}
        self._standard: dict[WD_STYLE_TYPE, BaseStyle | None] = {}

    def __getitem__(self, name: str) -> BaseStyle:
        """document.styles[name]; KeyError when the document has no such style."""
        style = self._namn.get(name)
        if style is None:
            style = self._namn[name] = self.styles[name]
        return style

    def id(self, style_or_name: BaseStyle | str | None, typ: WD_STYLE_TYPE) -> str | None:
        """As python-docx's part.get_style_id: None for no style or the type's default style."""
        if style_or_name is None:
            return None
        style = style_or_name if isinstance(style_or_name, BaseStyle) else self[style_or_name]
        if style.type != typ:
            raise ValueError("assigned style is type %s, need type %s" % (style.type, typ))
        if typ not in self._standard:
            self._standard[typ] = self.styles.default(typ)
        return None if style == self._standard[typ] else style.style_id

    def stycke(self, container: Any, text: str = "", style: BaseStyle | str | None = None):
        """container.add_paragraph(text, style), with the style looked up here."""
        p = container.add_paragraph(text)
        if style is not None:
            p._p.style = self.id(style, WD_STYLE_TYPE.PARAGRAPH)
        return p

    def tabellstil(self, table: Any, style: BaseStyle | str | None) -> None:
        """table.style = style, with the style looked up here."""
        table._tbl.tblStyle_val = self.id(style, WD_STYLE_TYPE.TABLE)


def stilar(tpl: Any) -> Stilar:
    """The memoised lookups of the template's current document (new when it is reopened)."""
    docx = tpl.get_docx()
    cached = tpl.__dict__.get("_rg_stilar")
    if cached is None or cached.document is not docx:
        cached = Stilar(docx)
        tpl.__dict__["_rg_stilar"] = cached
    return cached
