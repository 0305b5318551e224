"""Builder of templates/kallelse.docx: header block and ärendelista."""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.shared import Inches
from rapportgen.render.ooxml import repeat_header, shade
from docxbuild import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, Cm, Pt, RGBColor, base_document, no_borders, para

GREY = RGBColor(0x55, 0x55, 0x55)


def _label(cell, text: str) -> None:
    p = cell.paragraphs[0]
    r = p.add_run(text)
    r.bold = True
    r.font.size = Pt(9)
    r.font.color.rgb = GREY


def _lines(cell, var: str) -> None:
    para(cell, f"{{%p for rad in {var} %}}", style="Kompakt")
    p = para(cell, "{{ rad }}", style="Kompakt", size=10)
    p.paragraph_format.space_after = Pt(0)
    para(cell, "{%p endfor %}", style="Kompakt")


def _cell_text(cell, text: str, bold=None) -> None:
    p = para(cell, text, style="Kompakt", bold=bold)
    p.paragraph_format.space_after = Pt(2)


def build_kallelse(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Kallelse"
    doc.core_properties.language = "sv-SE"
    header = doc.sections[0].header
    hp = header.paragraphs[0]
    r = hp.add_run("{{ kommun }}")
    r.bold = True
    r.font.size = Pt(13)
    hp.add_run("\tKALLELSE").bold = True
    tabs = hp.paragraph_format.tab_stops
    for inherited in (Inches(3.25), Inches(6.5)):  # the Header style's centre and right tabs
        tabs.add_tab_stop(inherited, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT)
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = "{{ namnd }} · {{ datum|datum_iso }}"
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_paragraph("Kallelse {{ namnd }} {{ datum|datum_iso }}", style="Heading 1")

    # Organ / sammankallande, ledamöter / ersättare, tid / plats: small tables whose first row holds the
    # labels, marked as a header row so that the tagged PDF has TH cells (PDF/UA: a table has headers).
    def header_table(labels: tuple[str, ...], width):
        t = doc.add_table(rows=2, cols=len(labels))
        no_borders(t)
        for col in t.columns:
            col.width = width
        for row in t.rows:
            for cell in row.cells:
                cell.width = width
        for cell, text in zip(t.rows[0].cells, labels):
            _label(cell, text)
        repeat_header(t.rows[0])
        for r in t.rows:
            r._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        return t

    top = header_table(("Organ", "Sammankallande"), Cm(8))
    _cell_text(top.cell(1, 0), "{{ namnd }}")
    _cell_text(top.cell(1, 1), "{{ sammankallande.namn }}, {{ sammankallande.roll }}")
    members = header_table(("Ledamöter", "Ersättare"), Cm(8))
    _lines(members.cell(1, 0), "ledamoter")
    _lines(members.cell(1, 1), "ersattare")
    para(doc, "", space_after=6)

    tid = header_table(("Tid", "Plats", "Vid förhinder"), Cm(5.33))
    _cell_text(tid.cell(1, 0), "Datum {{ datum|datum_iso }}")
    _cell_text(tid.cell(1, 0), "Klockan {{ klockan }}")
    _cell_text(tid.cell(1, 0), "{% if tidsatgang %}Ber. tidsåtgång {{ tidsatgang }}{% endif %}")
    _cell_text(tid.cell(1, 1), "Lokal {{ lokal }}")
    _cell_text(tid.cell(1, 1), "Ort {{ ort }}")
    _cell_text(tid.cell(1, 2), "Meddela {{ vid_forhinder.namn }}")
    _cell_text(tid.cell(1, 2), "{% if vid_forhinder.telefon %}Telefon {{ vid_forhinder.telefon }}{% endif %}")
    _cell_text(tid.cell(1, 2), "{% if vid_forhinder.epost %}{{ vid_forhinder.epost }}{% endif %}")
    for t in (top, members, tid):  # a new cell's empty first paragraph would stand above its text
        for cell in t.rows[1].cells:
            first = cell.paragraphs[0]
            if not first.text and len(cell.paragraphs) > 1:
                first._p.getparent().remove(first._p)

    doc.add_paragraph("Ärendelista", style="Heading 2")
    p = para(doc, "{% if sidhanvisning %}Sida: sidan i sammanträdeshandlingen där ärendets handlingar "
                  "börjar.{% endif %}", style="Normal", space_after=4)
    p.runs[0].font.size = Pt(8)
    p.runs[0].font.color.rgb = GREY
    table = doc.add_table(rows=3, cols=4)
    table.style = doc.styles["Rapportgen tabell"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    widths = (Cm(1.4), Cm(3.0), Cm(10.3), Cm(1.3))
    for col, w in zip(table.columns, widths):
        col.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w
    for cell, text in zip(table.rows[0].cells, ("Punkt", "Ärende", "Ärendemening", "Sida")):
        cell.paragraphs[0].add_run(text).bold = True
        shade(cell, "E7EBF2")
    repeat_header(table.rows[0])
    table.cell(1, 0).paragraphs[0].text = "{%tr for a in arenden %}"
    cells = table.rows[2].cells
    cells[0].paragraphs[0].text = "{{ a.punkt }}"
    cells[1].paragraphs[0].text = "{{ a.dnr or '' }}"
    cells[2].paragraphs[0].text = "{{ a.arendemening }}"
    cells[3].paragraphs[0].text = "{{ a.sida or '' }}"
    cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    row = table.add_row()
    row.cells[0].paragraphs[0].text = "{%tr endfor %}"
    for r in table.rows:
        r._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    doc.save(path)


BUILDERS = {"kallelse": build_kallelse}
