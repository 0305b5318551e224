"""Builder of templates/uppdragslista.docx (A4 landscape)."""

from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_ORIENT
from docxbuild import WD_ALIGN_PARAGRAPH, Cm, Pt, base_document, para
from tpl_revisionssvar import cant_split, header_block, repeat_header, set_widths, shade

COLUMNS = (
    ("Uppdrags­givare", "r.uppdragsgivare", 2.0),
    ("Uppdrag/Yttrande", "r.uppdrag", 8.6),
    ("§ nr", "r.paragraf", 1.3),
    ("Besluts­datum", "r.beslutsdatum|datum_iso", 2.1),
    ("Diarienr", "r.diarienr", 2.2),
    ("Ansvarig", "r.ansvarig", 2.6),
    ("Klart senast", "r.klart_senast", 1.9),
    ("Status", "r.status", 1.7),
    ("Noteringar", "r.noteringar", 4.3),
)


def build_uppdragslista(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Uppdragslista"
    doc.core_properties.language = "sv-SE"
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21)
    sec.left_margin = sec.right_margin = Cm(1.5)
    sec.top_margin = sec.bottom_margin = Cm(1.5)
    header_block(doc, "Uppdragslista", [("Diarienummer", "{{ dnr }}"),
                                        ("Redovisning t o m", "{{ per|datum_iso }}")], width_cm=26.7)
    footer = sec.footer
    footer.paragraphs[0].text = "{{ kommun }} · {{ forvaltning }}"
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_paragraph("{{ titel }}", style="Heading 1")
    para(doc, "{{ namnd }}s uppdragsbeslut samt ärenden för yttrande, redovisning t o m "
              "{{ per|datum_lang }}. Nytt: {{ antal['Nytt'] }} · Pågår: {{ antal['Pågår'] }} · "
              "Pausad: {{ antal['Pausad'] }} · Avslutas: {{ antal['Avslutas'] }}.", style="Body Text")

    table = doc.add_table(rows=4, cols=len(COLUMNS))
    table.style = doc.styles["Rapportgen tabell"]
    set_widths(table, [Cm(w) for _l, _v, w in COLUMNS])
    for cell, (label, _v, _w) in zip(table.rows[0].cells, COLUMNS):
        r = cell.paragraphs[0].add_run(label)
        r.bold = True
        r.font.size = Pt(9)
        shade(cell)
    repeat_header(table.rows[0])
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for r in rader %}")
    for cell, (_l, var, _w) in zip(table.rows[2].cells, COLUMNS):
        r = cell.paragraphs[0].add_run(f"{{{{ {var} }}}}" if "datum" not in var
                                       else "{% if r.beslutsdatum %}{{ r.beslutsdatum|datum_iso }}{% endif %}")
        r.font.size = Pt(9)
    cant_split(table.rows[2])
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    doc.save(path)


BUILDERS = {"uppdragslista": build_uppdragslista}
