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

    # Organ / sammankallande, ledamöter / ersättare.
    top = doc.add_table(rows=2, cols=2)
    no_borders(top)
    for col in top.columns:
        col.width = Cm(8)
    for row in top.rows:
        row.cells[0].width, row.cells[1].width = Cm(8), Cm(8)
    _label(top.cell(0, 0), "Organ")
    _cell_text(top.cell(0, 0), "{{ namnd }}")
    _label(top.cell(0, 1), "Sammankallande")
    _cell_text(top.cell(0, 1), "{{ sammankallande.namn }}, {{ sammankallande.roll }}")
    _label(top.cell(1, 0), "Ledamöter")
    _lines(top.cell(1, 0), "ledamoter")
    _label(top.cell(1, 1), "Ersättare")
    _lines(top.cell(1, 1), "ersattare")
    para(doc, "", space_after=6)

    # Tid / plats / vid förhinder.
    tid = doc.add_table(rows=1, cols=3)
    no_borders(tid)
    for col in tid.columns:
        col.width = Cm(5.33)
    for cell in tid.rows[0].cells:
        cell.width = Cm(5.33)
    _label(tid.cell(0, 0), "Tid")
    _cell_text(tid.cell(0, 0), "Datum {{ datum|datum_iso }}")
    _cell_text(tid.cell(0, 0), "Klockan {{ klockan }}")
    _cell_text(tid.cell(0, 0), "{% if tidsatgang %}Ber. tidsåtgång {{ tidsatgang }}{% endif %}")
    _label(tid.cell(0, 1), "Plats")
    _cell_text(tid.cell(0, 1), "Lokal {{ lokal }}")
    _cell_text(tid.cell(0, 1), "Ort {{ ort }}")
    _label(tid.cell(0, 2), "Vid förhinder")
    _cell_text(tid.cell(0, 2), "Meddela {{ vid_forhinder.namn }}")
    _cell_text(tid.cell(0, 2), "{% if vid_forhinder.telefon %}Telefon {{ vid_forhinder.telefon }}{% endif %}")
    _cell_text(tid.cell(0, 2), "{% if vid_forhinder.epost %}{{ vid_forhinder.epost }}{% endif %}")

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
