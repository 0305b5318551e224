"""Builder of templates/dokument.docx (free-form document, e.g. a bilaga)."""

from __future__ import annotations

from pathlib import Path

from docxbuild import WD_ALIGN_PARAGRAPH, Pt, RGBColor, base_document, para


def build_dokument(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Dokument"
    doc.core_properties.language = "sv-SE"
    header = doc.sections[0].header
    hp = header.paragraphs[0]
    hp.text = "{{ kommun }} · {{ forvaltning }}{% if dnr %} · Dnr {{ dnr }}{% endif %}"
    hp.style = doc.styles["Header"]
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = "{{ titel }}"
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_paragraph("{{ titel }}", style="Heading 1")
    p = para(doc, "{% if undertitel %}{{ undertitel }}{% endif %}"
                  "{% if undertitel and datum %} · {% endif %}{% if datum %}{{ datum|datum_iso }}{% endif %}",
             style="Normal", space_after=10)
    p.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    p.runs[0].font.size = Pt(10)
    para(doc, "{{p innehall }}")
    doc.save(path)


BUILDERS = {"dokument": build_dokument}
