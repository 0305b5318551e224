"""Shared python-docx helpers for building the shipped Word templates."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: F401 - re-exported for builders
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT  # noqa: F401
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "rapportgen" / "templates"  # package data
FONT = "Calibri"
DARK = RGBColor(0x1F, 0x2A, 0x44)


def set_font(style_or_run, name=FONT, size=None, bold=None, color=None, italic=None):
    font = style_or_run.font
    font.name = name
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), name)
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color


def base_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)
    styles = doc.styles
    set_font(styles["Normal"], size=11)
    styles["Normal"].paragraph_format.space_after = Pt(0)
    body = styles["Body Text"]
    set_font(body, size=11)
    body.paragraph_format.space_after = Pt(8)
    body.paragraph_format.line_spacing = 1.1
    for level, size in ((1, 16), (2, 12.5), (3, 11.5), (4, 11)):
        st = styles[f"Heading {level}"]
        set_font(st, size=size, bold=True, color=DARK, italic=False)
        st.paragraph_format.space_before = Pt(14 if level <= 2 else 10)
        st.paragraph_format.space_after = Pt(4)
        st.paragraph_format.keep_with_next = True
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2"):
        set_font(styles[name], size=11)
        styles[name].paragraph_format.space_after = Pt(3)
    styles["Header"].font.size = Pt(9)
    styles["Footer"].font.size = Pt(8)
    set_font(styles["Header"], size=9)
    set_font(styles["Footer"], size=8, color=RGBColor(0x55, 0x55, 0x55))
    compact = styles.add_style("Kompakt", WD_STYLE_TYPE.PARAGRAPH)
    compact.base_style = styles["Normal"]
    compact.paragraph_format.space_after = Pt(2)
    point = styles.add_style("Beslutspunkt", WD_STYLE_TYPE.PARAGRAPH)
    point.base_style = styles["Body Text"]
    point.paragraph_format.left_indent = Cm(0.75)
    point.paragraph_format.first_line_indent = Cm(-0.75)
    point.paragraph_format.space_after = Pt(4)
    point.paragraph_format.tab_stops.add_tab_stop(Cm(0.75))
    sign = styles.add_style("Underskrift", WD_STYLE_TYPE.PARAGRAPH)
    sign.base_style = styles["Normal"]
    sign.paragraph_format.space_before = Pt(18)
    sign.paragraph_format.keep_together = True  # name and title (one paragraph) never split
    sign.paragraph_format.keep_with_next = True  # several signatures stay on one page
    table = styles.add_style("Rapportgen tabell", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    set_font(table, size=10)
    return doc


def add_field(paragraph, instr: str) -> None:
    """A Word field (PAGE, NUMPAGES) that LibreOffice and Word both update."""
    run = paragraph.add_run()
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    inner = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    inner.append(t)
    fld.append(inner)
    run._r.addnext(fld)


def para(container, text="", style=None, bold=None, size=None, align=None, space_after=None):
    p = container.add_paragraph(style=style)
    if text:
        r = p.add_run(text)
        r.bold = bold
        if size:
            r.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def letterhead(doc: Document, doktyp: str, rows: list[tuple[str, ...]], handlaggare: bool = False) -> None:
    """Header: kommun and förvaltning left; document type, page, date and dnr right."""
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0]
    table = header.add_table(rows=1, cols=2, width=Cm(16))
    no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(9), Cm(7)
    p = left.paragraphs[0]
    r = p.add_run("{{ kommun }}")
    r.bold = True
    r.font.size = Pt(13)
    para(left, "{{ forvaltning }}", style="Header")
    if handlaggare:  # shown when the profile's letterhead has it and the input names one
        para(left, "{%p if brevhuvud.handlaggare %}", style="Header")
    para(left, "Handläggare: {{ handlaggare.namn }}{% if handlaggare.titel %}, {{ handlaggare.titel }}{% endif %}",
         style="Header")
    para(left, "{% if handlaggare.telefon %}Tel. {{ handlaggare.telefon }}{% endif %}"
               "{% if handlaggare.telefon and handlaggare.epost %} · {% endif %}"
               "{% if handlaggare.epost %}{{ handlaggare.epost }}{% endif %}", style="Header")
    if handlaggare:
        para(left, "{%p endif %}", style="Header")
    p = right.paragraphs[0]
    r = p.add_run(doktyp.upper())
    r.bold = True
    r.font.size = Pt(11)
    p.add_run("\t")
    p.paragraph_format.tab_stops.add_tab_stop(Cm(6.8), WD_TAB_ALIGNMENT.RIGHT)
    p2 = para(right, "Sida ", style="Header")
    add_field(p2, "PAGE")
    p2.add_run(" (")
    add_field(p2, "NUMPAGES")
    p2.add_run(")")
    for label, value, *condition in rows:  # (label, value[, condition for the row])
        if condition:
            para(right, f"{{%p if {condition[0]} %}}", style="Header")
        para(right, f"{label}: {value}", style="Header")
        if condition:
            para(right, "{%p endif %}", style="Header")
    # Move the table before the header's empty first paragraph, then keep a spacer.
    hp._p.addprevious(table._tbl)
    hp.paragraph_format.space_after = Pt(6)


def section(doc: Document, key: str, heading: str) -> None:
    para(doc, f"{{%p if avsnitt.{key} %}}")
    doc.add_paragraph(heading, style="Heading 2")
    para(doc, f"{{{{p avsnitt.{key} }}}}")
    para(doc, "{%p endif %}")


def line_list(doc: Document, var: str, heading: str, keep_with_next: bool = False) -> None:
    """A heading and one line per item; keep_with_next holds the lines to what follows (a signature)."""
    para(doc, f"{{%p if {var} %}}")
    doc.add_paragraph(heading, style="Heading 2")
    para(doc, f"{{%p for rad in {var} %}}")
    row = para(doc, "{{ rad }}", style="Kompakt")
    row.paragraph_format.keep_with_next = keep_with_next or None
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")




def beslutspunkter(doc: Document) -> None:
    """The decision formula (if the profile has one), then one point as a paragraph, several as
    a numbered list, or unnumbered paragraphs when the profile says so."""
    para(doc, "{%p if beslutsformulering %}")
    para(doc, "{{ beslutsformulering }}", style="Body Text", space_after=4)
    para(doc, "{%p endif %}")
    para(doc, "{%p if forslag_till_beslut|length > 1 and beslut_numrerade %}")
    para(doc, "{%p for punkt in forslag_till_beslut %}")
    para(doc, "{{ loop.index }}.\t{{ punkt }}", style="Beslutspunkt")
    para(doc, "{%p endfor %}")
    para(doc, "{%p else %}")
    para(doc, "{%p for punkt in forslag_till_beslut %}")
    para(doc, "{{ punkt }}", style="Body Text")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
