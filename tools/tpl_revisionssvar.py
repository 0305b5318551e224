"""Builder of templates/revisionssvar.docx."""

from __future__ import annotations

from pathlib import Path

from docx.oxml.ns import qn
from rapportgen.render.ooxml import cant_split, repeat_header, shade  # noqa: F401 (re-exported)
from docxbuild import (
    WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, Cm, Pt, add_field, base_document, no_borders, para,
)


def set_widths(table, widths) -> None:
    """Fixed column widths that both Word and LibreOffice respect (grid and cells)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(w.twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w


def header_block(doc, doktyp: str, rows: list[tuple[str, str]], width_cm: float = 16) -> None:
    """Header: kommun and nämnd left; document type, page, date and dnr right."""
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0]
    table = header.add_table(rows=1, cols=2, width=Cm(width_cm))
    no_borders(table)
    left, right = table.rows[0].cells
    set_widths(table, (Cm(width_cm - 7), Cm(7)))
    r = left.paragraphs[0].add_run("{{ kommun }}")
    r.bold = True
    r.font.size = Pt(13)
    para(left, "{{ namnd }}", style="Header")
    p = right.paragraphs[0]
    r = p.add_run(doktyp.upper())
    r.bold = True
    r.font.size = Pt(11)
    p2 = para(right, "Sida ", style="Header")
    add_field(p2, "PAGE")
    p2.add_run(" (")
    add_field(p2, "NUMPAGES")
    p2.add_run(")")
    for label, value in rows:
        para(right, f"{label}: {value}", style="Header")
    hp._p.addprevious(table._tbl)
    hp.paragraph_format.space_after = Pt(6)


def build_revisionssvar(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Revisionssvar"
    doc.core_properties.language = "sv-SE"
    header_block(doc, "Revisionssvar", [("Datum", "{{ datum|datum_iso }}"), ("Diarienummer", "{{ rapport.dnr }}")])
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = (
        "{{ kommun }} · {{ forvaltning }}{% if profil.adress %} · {{ profil.adress }}{% endif %}"
        "{% if profil.webbplats %} · {{ profil.webbplats }}{% endif %}")
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_paragraph("{{ titel }}", style="Heading 1")

    doc.add_paragraph("Bakgrund", style="Heading 2")
    para(doc, "{{ rapport.revisionsbyra }} har på uppdrag av kommunens revisorer tagit fram rapporten "
              "”{{ rapport.titel }}”, daterad {{ rapport.datum|datum_lang }}. "
              "Följande rekommendationer riktar sig till {{ namnd|lower }}:", style="Body Text")
    para(doc, "{%p for omrade in omraden %}")
    p = para(doc, "{{ omrade.namn }}:", style="Body Text", bold=True, space_after=3)
    p.paragraph_format.keep_with_next = True
    para(doc, "{%p for rek in omrade.rekommendationer %}")
    para(doc, "{{ rek.text }}{% if rek.referens %}, {{ rek.referens }}{% endif %}", style="List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endfor %}")
    p = para(doc, "Mot den bakgrunden lämnar {{ namnd|lower }} sina synpunkter på rapportens slutsatser.",
             style="Body Text")
    p.paragraph_format.space_before = Pt(6)

    doc.add_paragraph("{{ namnd_genitiv }} synpunkter", style="Heading 2")
    para(doc, "{%p for s in synpunkter %}")
    h = doc.add_paragraph("{{ s.nummer }}\t{{ s.rubrik }}", style="Heading 3")
    h.paragraph_format.left_indent = Cm(0.75)
    h.paragraph_format.first_line_indent = Cm(-0.75)
    h.paragraph_format.tab_stops.add_tab_stop(Cm(0.75), WD_TAB_ALIGNMENT.LEFT)
    p = para(doc, "{{ s.stallning_mening }}", style="Body Text")
    p.runs[0].italic = True
    para(doc, "{%p for stycke in s.stycken %}")
    para(doc, "{{ stycke }}", style="Body Text")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if s.atgarder %}")
    table = doc.add_table(rows=4, cols=3)
    table.style = doc.styles["Rapportgen tabell"]
    set_widths(table, (Cm(8.5), Cm(4.5), Cm(3)))
    for cell, label in zip(table.rows[0].cells, ("Åtgärd", "Ansvarig", "Klart senast")):
        cell.paragraphs[0].add_run(label).bold = True
        shade(cell)
    repeat_header(table.rows[0])
    cant_split(table.rows[2])
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for a in s.atgarder %}")
    for cell, var in zip(table.rows[2].cells, ("a.atgard", "a.ansvarig", "a.klart_senast")):
        cell.paragraphs[0].add_run(f"{{{{ {var} }}}}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    para(doc, "", space_after=6)
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")

    para(doc, "{%p for stycke in fristaende_stycken %}")
    para(doc, "{{ stycke }}", style="Body Text")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if fritext %}")
    para(doc, "{{p fritext }}")
    para(doc, "{%p endif %}")

    p = para(doc, "{{ ort }} {{ datum|datum_iso }}", style="Normal")
    p.paragraph_format.space_before = Pt(24)
    p.paragraph_format.keep_with_next = True
    para(doc, "{%p for person in underskrifter %}")
    p = para(doc, "{{ person.namn }}", style="Underskrift")
    p.paragraph_format.keep_with_next = True
    p = para(doc, "{{ person.titel or '' }}", style="Normal")
    p.paragraph_format.keep_with_next = True  # several signatures stay on one page
    para(doc, "{%p endfor %}")
    doc.save(path)


BUILDERS = {"revisionssvar": build_revisionssvar}
