"""Builder of templates/delarsrapport.docx (and, shared, verksamhetsplan.docx).

Cover page (kommun, titel, period, nämnd), a table of contents filled by the
report ({{p innehallsforteckning }}: a Word TOC field), then the body
({{p innehall }}). The body brings its own headings, tables, charts and the
landscape section around wide tables; this template gives the styles.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxbuild import DARK, WD_TAB_ALIGNMENT, Cm, Pt, RGBColor, add_field, base_document, para, set_font


def _toc_styles(doc) -> None:
    for level in (1, 2, 3):
        st = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = doc.styles["Normal"]
        set_font(st, size=11 if level == 1 else 10, bold=level == 1)
        st.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        st.paragraph_format.space_before = Pt(6 if level == 1 else 1)
        st.paragraph_format.space_after = Pt(1)
        st.paragraph_format.tab_stops.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT)


# w:settings children that come after w:updateFields in the schema (CT_Settings order).
_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
                        "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
                        "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                        "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                        "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _update_fields_on_open(doc) -> None:
    """<w:updateFields w:val="true"/>: Word refreshes the TOC (page numbers) when the file opens."""
    settings = doc.settings.element
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    after = next((c for c in settings if c.tag.split("}")[-1] in _AFTER_UPDATE_FIELDS), None)
    if after is not None:
        after.addprevious(el)
    else:
        settings.append(el)


def build_rapport(path: Path) -> None:
    doc = base_document()
    _update_fields_on_open(doc)
    doc.core_properties.title = "{{ titel }}"
    doc.core_properties.language = "sv-SE"
    _toc_styles(doc)
    sec = doc.sections[0]
    sec.different_first_page_header_footer = True  # no footer on the cover
    footer = sec.footer
    fp = footer.paragraphs[0]
    fp.text = "{{ namnd }} · {{ titel }}\t"
    # The Footer style's own centre and right tabs are cleared; the page number sits at the margin.
    for pos in (Cm(8.255), Cm(16.51)):
        fp.paragraph_format.tab_stops.add_tab_stop(pos, WD_TAB_ALIGNMENT.CLEAR)
    fp.paragraph_format.tab_stops.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT)
    fp.add_run("Sida ")
    add_field(fp, "PAGE")

    # Cover
    for _ in range(6):
        para(doc, "")
    p = para(doc, "{{ kommun|upper }}", bold=True, size=14)
    p.runs[0].font.color.rgb = DARK
    para(doc, "")
    p = para(doc, "{{ titel }}", bold=True, size=30, space_after=6)
    p.runs[0].font.color.rgb = DARK
    p = para(doc, "{{ undertitel }}", size=16, space_after=18)
    p.runs[0].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    para(doc, "{{ namnd }}, {{ kommun }}", size=13)
    para(doc, "{% if dnr %}Dnr {{ dnr }} · {% endif %}{{ datum|datum_iso }}", size=10)
    p = para(doc, "")
    p.add_run().add_break(WD_BREAK.PAGE)

    # Table of contents
    p = para(doc, "Innehållsförteckning", bold=True, size=16, space_after=10)
    p.runs[0].font.color.rgb = DARK
    para(doc, "{{p innehallsforteckning }}")
    p = para(doc, "")
    p.add_run().add_break(WD_BREAK.PAGE)

    para(doc, "{{p innehall }}")
    doc.save(path)


def build_delarsrapport(path: Path) -> None:
    build_rapport(path)


BUILDERS = {"delarsrapport": build_delarsrapport}
