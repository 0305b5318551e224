"""Builders of templates/protokoll.docx, protokollsutdrag.docx and anslagsbevis.docx."""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from rapportgen.render.ooxml import repeat_header, shade
from docxbuild import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, Cm, Pt, RGBColor, add_field, base_document, no_borders, para

GREY = RGBColor(0x55, 0x55, 0x55)


def _label(cell, text: str) -> None:
    r = cell.paragraphs[0].add_run(text)
    r.bold = True
    r.font.size = Pt(9)
    r.font.color.rgb = GREY


def _drop_empty_first(table) -> None:
    """python-docx gives every cell an empty first paragraph; drop it where content was added after it."""
    for row in table.rows:
        for cell in row.cells:
            ps = cell.paragraphs
            if len(ps) > 1 and not ps[0].text:
                ps[0]._p.getparent().remove(ps[0]._p)


def _widths(table, widths) -> None:
    table.autofit = False
    for col, w in zip(table.columns, widths):
        col.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w


def _box(table) -> None:
    """Thin borders around every cell (signature and anslag boxes)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:color"), "888888")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _header(doc, utdrag: bool = False) -> None:
    """Organ left; SAMMANTRÄDESPROTOKOLL (or PROTOKOLLSUTDRAG), date and page right."""
    header = doc.sections[0].header
    hp = header.paragraphs[0]
    table = header.add_table(rows=1, cols=2, width=Cm(16))
    no_borders(table)
    left, right = table.rows[0].cells
    _widths(table, (Cm(9), Cm(7)))
    r = left.paragraphs[0].add_run("{{ kommun }}")
    r.bold = True
    r.font.size = Pt(13)
    para(left, "{{ namnd }}", style="Header")
    p = right.paragraphs[0]
    r = p.add_run("SAMMANTRÄDESPROTOKOLL")
    r.bold = True
    r.font.size = Pt(11)
    if utdrag:
        para(right, "Protokollsutdrag", style="Header")
    para(right, "Sammanträdesdatum {{ datum|datum_iso }}", style="Header")
    p2 = para(right, "Sida ", style="Header")
    add_field(p2, "PAGE")
    p2.add_run(" (")
    add_field(p2, "NUMPAGES")
    p2.add_run(")")
    hp._p.addprevious(table._tbl)
    hp.paragraph_format.space_after = Pt(6)


def _footer(doc, utdrag: bool = False) -> None:
    """'Signatur justerande' and 'Utdragsbestyrkande' boxes; 'Paragrafen är justerad' on an utdrag."""
    footer = doc.sections[0].footer
    fp = footer.paragraphs[0]
    table = footer.add_table(rows=1, cols=2, width=Cm(16))
    _box(table)
    _widths(table, (Cm(8), Cm(8)))
    for cell, text in zip(table.rows[0].cells, ("Signatur justerande", "Utdragsbestyrkande")):
        p = cell.paragraphs[0]
        r = p.add_run(text)
        r.font.size = Pt(7.5)
        r.font.color.rgb = GREY
        spacer = para(cell, "", style="Footer")
        spacer.paragraph_format.space_after = Pt(12)
    fp._p.addprevious(table._tbl)
    if utdrag:
        fp.text = ("{% if justerad %}Paragrafen är justerad {{ justeringsdatum|datum_iso }}."
                   "{% else %}Paragrafen är inte justerad.{% endif %}")
    fp.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _lines(cell, var: str, size: float = 10) -> None:
    para(cell, f"{{%p for rad in {var} %}}", style="Kompakt")
    p = para(cell, "{{ rad }}", style="Kompakt", size=size)
    p.paragraph_format.space_after = Pt(0)
    para(cell, "{%p endfor %}", style="Kompakt")


def _line_list(doc, var: str, heading: str, style: str = "Kompakt") -> None:
    para(doc, f"{{%p if {var} %}}")
    doc.add_paragraph(heading, style="Heading 3")
    para(doc, f"{{%p for rad in {var} %}}")
    para(doc, "{{ rad }}", style=style)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")


def _paragraf(doc, v: str = "p") -> None:
    """One §: number, dnr, title, then its parts; a reduced sekretess § shows only §, title and ground."""
    h = doc.add_paragraph(f"§ {{{{ {v}.nummer }}}}\t{{{{ {v}.rubrik }}}}", style="Heading 2")
    h.paragraph_format.tab_stops.add_tab_stop(Cm(2))
    h.paragraph_format.left_indent = Cm(2)
    h.paragraph_format.first_line_indent = Cm(-2)
    para(doc, f"{{%p if {v}.dnr %}}")
    para(doc, f"Dnr {{{{ {v}.dnr }}}}", style="Kompakt", size=10)
    para(doc, "{%p endif %}")
    para(doc, f"{{%p if {v}.sekretess %}}")
    p = para(doc, f"Sekretess: {{{{ {v}.sekretess_skal or '' }}}}", style="Body Text")
    p.runs[0].italic = True
    para(doc, "{%p endif %}")
    para(doc, f"{{%p if not {v}.reducerad %}}")
    para(doc, f"{{%p if {v}.text %}}")
    para(doc, f"{{{{ {v}.text }}}}", style="Body Text")
    para(doc, "{%p endif %}")
    para(doc, f"{{%p if {v}.beslut %}}")
    doc.add_paragraph("Beslut", style="Heading 3")
    para(doc, f"{{{{ {v}.beslutsformulering }}}}:", style="Body Text", space_after=4)
    para(doc, f"{{%p if {v}.beslut|length > 1 %}}")
    para(doc, f"{{%p for punkt in {v}.beslut %}}")
    para(doc, "{{ loop.index }}.\t{{ punkt }}", style="Beslutspunkt")
    para(doc, "{%p endfor %}")
    para(doc, "{%p else %}")
    para(doc, f"{{{{ {v}.beslut[0] }}}}", style="Body Text")
    para(doc, "{%p endif %}")
    para(doc, "{%p endif %}")
    para(doc, f"{{%p if {v}.sammanfattning %}}")
    doc.add_paragraph("Sammanfattning av ärendet", style="Heading 3")
    para(doc, f"{{{{p {v}.sammanfattning }}}}")
    para(doc, "{%p endif %}")
    para(doc, f"{{%p if {v}.jav %}}")
    doc.add_paragraph("Jäv", style="Heading 3")
    para(doc, f"{{%p for rad in {v}.jav %}}")
    para(doc, "{{ rad }}", style="Body Text")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, f"{{%p if {v}.beslutsgang %}}")
    doc.add_paragraph("Beslutsgång", style="Heading 3")
    para(doc, f"{{%p for rad in {v}.beslutsgang %}}")
    para(doc, "{{ rad }}", style="Body Text")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    # Omröstningslista
    para(doc, f"{{%p if {v}.omrostning %}}")
    para(doc, "Omröstningslista", style="Kompakt", bold=True)
    table = doc.add_table(rows=4, cols=4)
    table.style = doc.styles["Rapportgen tabell"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _widths(table, (Cm(8.5), Cm(1.6), Cm(1.6), Cm(1.9)))
    for cell, text in zip(table.rows[0].cells, ("Ledamot", "Ja", "Nej", "Avstår")):
        cell.paragraphs[0].add_run(text).bold = True
        shade(cell, "E7EBF2")
    repeat_header(table.rows[0])
    table.cell(1, 0).paragraphs[0].text = f"{{%tr for r in {v}.omrostning.rader %}}"
    cells = table.rows[2].cells
    for cell, text in zip(cells, ("{{ r.namn }}", "{{ r.ja }}", "{{ r.nej }}", "{{ r.avstar }}")):
        cell.paragraphs[0].text = text
    for cell in cells[1:]:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    table.cell(3, 0).paragraphs[0].text = "{%tr endfor %}"
    row = table.add_row()
    for cell, text in zip(row.cells, ("Summa", f"{{{{ {v}.omrostning.summa_ja }}}}",
                                      f"{{{{ {v}.omrostning.summa_nej }}}}", f"{{{{ {v}.omrostning.summa_avstar }}}}")):
        cell.paragraphs[0].add_run(text).bold = True
    for cell in row.cells[1:]:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, "", space_after=6)
    para(doc, "{%p endif %}")
    for var, heading in (("reservationer", "Reservation"), ("protokollsanteckningar", "Protokollsanteckning")):
        para(doc, f"{{%p if {v}.{var} %}}")
        doc.add_paragraph(heading, style="Heading 3")
        para(doc, f"{{%p for rad in {v}.{var} %}}")
        para(doc, "{{ rad }}", style="Body Text")
        para(doc, "{%p endfor %}")
        para(doc, "{%p endif %}")
    _line_list(doc, f"{v}.beslutsunderlag", "Beslutsunderlag")
    _line_list(doc, f"{v}.protokollsutdrag_till", "Protokollsutdrag till")
    para(doc, "{%p endif %}")


def _signature_cell(cell, label: str, name: str) -> None:
    _label(cell, label)
    p = para(cell, "…" * 24, style="Kompakt")
    p.paragraph_format.space_before = Pt(18)
    para(cell, name, style="Kompakt", size=10)


def build_protokoll(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Sammanträdesprotokoll"
    doc.core_properties.language = "sv-SE"
    _header(doc)
    _footer(doc)
    para(doc, "{%p if publicering %}")
    p = para(doc, "Publiceringsversion: personnummer är maskerade och paragrafer med sekretess visar bara "
                  "paragrafnummer, rubrik och sekretessgrund.", style="Kompakt", size=8)
    p.runs[0].italic = True
    para(doc, "{%p endif %}")
    doc.add_paragraph("{{ namnd }}", style="Heading 1")

    top = doc.add_table(rows=1, cols=2)
    no_borders(top)
    _widths(top, (Cm(4.5), Cm(11.5)))
    top.cell(0, 1).paragraphs[0].text = ""
    _label(top.cell(0, 0), "Plats och tid")
    para(top.cell(0, 1), "{{ lokal }}, {{ ort }}, {{ datum|datum_iso }} {{ tid }}", style="Kompakt", size=10)
    rows = (("Beslutande", "narvaro.ledamoter"), ("Tjänstgörande ersättare", "narvaro.tjanstgorande_ersattare"),
            ("Ej tjänstgörande ersättare", "narvaro.ej_tjanstgorande_ersattare"))
    for label, var in rows:
        row = top.add_row()
        _label(row.cells[0], label)
        _lines(row.cells[1], var)
    row = top.add_row()
    _label(row.cells[0], "Övriga närvarande")
    para(row.cells[1], "{%p for o in narvaro.ovriga %}", style="Kompakt")
    para(row.cells[1], "{{ o.namn }}, {{ o.roll }}", style="Kompakt", size=10)
    para(row.cells[1], "{%p endfor %}", style="Kompakt")
    row = top.add_row()
    _label(row.cells[0], "Justerare")
    _lines(row.cells[1], "justerare")
    row = top.add_row()
    _label(row.cells[0], "Justeringens plats och tid")
    para(row.cells[1], "{{ justering_plats }}, {{ anslag.justering|datum_iso }}", style="Kompakt", size=10)
    _widths(top, (Cm(4.5), Cm(11.5)))
    _drop_empty_first(top)
    for r in top.rows:
        r._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell in r.cells:
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
        for p in r.cells[1].paragraphs[-1:]:
            p.paragraph_format.space_after = Pt(4)

    para(doc, "", space_after=4)
    sign = doc.add_table(rows=2, cols=2)
    no_borders(sign)
    _widths(sign, (Cm(8), Cm(8)))
    _signature_cell(sign.cell(0, 0), "Sekreterare", "{{ sekreterare }}")
    _label(sign.cell(0, 1), "Paragrafer")
    para(sign.cell(0, 1), "{{ paragrafspann }}", style="Kompakt", size=10)
    _signature_cell(sign.cell(1, 0), "Ordförande", "{{ ordforande }}")
    _signature_cell(sign.cell(1, 1), "Justerande", "{{ justerare|join(', ') }}")

    para(doc, "", space_after=6)
    para(doc, "ANSLAG/BEVIS", style="Kompakt", bold=True)
    para(doc, "Protokollet är justerat. Justeringen har tillkännagivits genom anslag.", style="Kompakt", size=9)
    box = doc.add_table(rows=0, cols=2)
    _box(box)
    for label, value in (("Organ", "{{ namnd }}"), ("Sammanträdesdatum", "{{ datum|datum_iso }}"),
                         ("Datum då anslaget sätts upp", "{{ anslag.uppsatt|datum_iso }}"),
                         ("Datum då anslaget tas ned", "{{ anslag.nedtagning|datum_iso }}"),
                         ("Förvaringsplats för protokollet", "{{ anslag.forvaringsplats }}")):
        row = box.add_row()
        _label(row.cells[0], label)
        row.cells[1].paragraphs[0].add_run(value).font.size = Pt(10)
    _widths(box, (Cm(5.5), Cm(10.5)))

    # The paragraphs start on page 2.
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para(doc, "{%p for p in paragrafer %}")
    _paragraf(doc, "p")
    para(doc, "{%p endfor %}")
    doc.save(path)


def build_utdrag(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Protokollsutdrag"
    doc.core_properties.language = "sv-SE"
    _header(doc, utdrag=True)
    _footer(doc, utdrag=True)
    _paragraf(doc, "paragraf")
    doc.save(path)


def build_anslagsbevis(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Anslagsbevis"
    doc.core_properties.language = "sv-SE"
    header = doc.sections[0].header
    hp = header.paragraphs[0]
    r = hp.add_run("{{ kommun }}")
    r.bold = True
    r.font.size = Pt(13)
    hp.add_run("\tANSLAGSBEVIS").bold = True
    tabs = hp.paragraph_format.tab_stops
    for inherited in (Cm(8.255), Cm(16.51)):  # the Header style's centre and right tabs
        tabs.add_tab_stop(inherited, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT)
    doc.add_paragraph("Bevis om anslag", style="Heading 1")
    para(doc, "Justeringen av protokollet har tillkännagivits på kommunens anslagstavla.", style="Body Text")
    box = doc.add_table(rows=0, cols=2)
    _box(box)
    for label, value in (("Organ", "{{ namnd }}"), ("Sammanträdesdatum", "{{ datum|datum_iso }}"),
                         ("Paragrafer", "{{ paragrafspann }}"),
                         ("Protokollet justerat", "{{ anslag.justering|datum_iso }}"),
                         ("Anslaget uppsatt", "{{ anslag.uppsatt|datum_iso }}"),
                         ("Anslaget tas ned", "{{ anslag.nedtagning|datum_iso }}"),
                         ("Förvaringsplats för protokollet", "{{ anslag.forvaringsplats }}")):
        row = box.add_row()
        _label(row.cells[0], label)
        row.cells[1].paragraphs[0].add_run(value).font.size = Pt(10.5)
    _widths(box, (Cm(6), Cm(10)))
    para(doc, "", space_after=8)
    para(doc, "Den som vill överklaga beslut i protokollet genom laglighetsprövning ska ge in överklagandet "
              "till förvaltningsrätten inom tre veckor från den dag då anslaget sattes upp, senast "
              "{{ anslag.nedtagning|datum_iso }} (kommunallagen 13 kap. 5 §).", style="Body Text")
    p = para(doc, "Underskrift", style="Kompakt", bold=True)
    p.paragraph_format.space_before = Pt(24)
    para(doc, "", space_after=18)
    para(doc, "…" * 28, style="Kompakt")
    para(doc, "{{ sekreterare }}", style="Kompakt")
    doc.save(path)


BUILDERS = {"protokoll": build_protokoll, "protokollsutdrag": build_utdrag, "anslagsbevis": build_anslagsbevis}
