"""Small WordprocessingML helpers python-docx has no API for (shading, table row flags).

Used by the renderer and by the template builders in tools/.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def shade(cell, fill: str = "E4E8F0") -> None:
    """Background colour of a table cell (hex RGB)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _row_flag(row, tag: str) -> None:
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def cant_split(row) -> None:
    """The row is never split across pages."""
    _row_flag(row, "w:cantSplit")


def repeat_header(row) -> None:
    """The row repeats at the top of every page the table runs onto."""
    _row_flag(row, "w:tblHeader")
