"""Builder of templates/tjansteskrivelse.docx."""

from __future__ import annotations

from pathlib import Path

from docxbuild import (
    beslutspunkter,
    WD_ALIGN_PARAGRAPH, Pt, RGBColor, base_document, letterhead, line_list, para,
)


def build_tjansteskrivelse(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Tjänsteskrivelse"
    doc.core_properties.language = "sv-SE"
    letterhead(doc, "Tjänsteskrivelse", [("Datum", "{{ datum|datum_iso }}", "brevhuvud.datum"),
                                         ("Diarienummer", "{{ dnr }}", "brevhuvud.diarienummer")],
               handlaggare=True)
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = (
        "{{ kommun }} · {{ forvaltning }}{% if profil.adress %} · {{ profil.adress }}{% endif %}"
        "{% if profil.telefon %} · Tel. {{ profil.telefon }}{% endif %}"
        "{% if profil.webbplats %} · {{ profil.webbplats }}{% endif %}")
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    para(doc, "{{ namnd }}", space_after=12)
    doc.add_paragraph("{{ titel }}", style="Heading 1")
    # Body sections come from avsnittslista: the profile's order and headings (standard by default).
    # Sammanfattning stands before the proposal, the others after it.
    para(doc, "{%p for a in avsnittslista if a.nyckel == 'sammanfattning' %}")
    doc.add_paragraph("{{ a.rubrik }}", style="Heading 2")
    para(doc, "{{p a.text }}")
    para(doc, "{%p endfor %}")

    doc.add_paragraph("Förslag till beslut", style="Heading 2")
    beslutspunkter(doc)

    para(doc, "{%p for a in avsnittslista if a.nyckel != 'sammanfattning' %}")
    doc.add_paragraph("{{ a.rubrik }}", style="Heading 2")
    para(doc, "{{p a.text }}")
    para(doc, "{%p endfor %}")
    line_list(doc, "tidigare_behandling", "Ärendets tidigare behandling")
    line_list(doc, "beslutsunderlag", "Beslutsunderlag")
    # The last list before the signature keeps with it: the block never stands alone on a page.
    line_list(doc, "protokollsutdrag_till", "Protokollsutdrag till", keep_with_next=True)

    para(doc, "{%p if expedieringsrad %}")
    p = para(doc, "Exp / {{ datum.year }}", style="Normal")
    p.paragraph_format.space_before = Pt(24)
    p.paragraph_format.keep_with_next = True
    p.runs[0].font.size = Pt(8)
    p.runs[0].font.color.rgb = RGBColor(0x77, 0x77, 0x77)
    para(doc, "{%p endif %}")
    p = para(doc, "{{ forvaltning }}", style="Normal", bold=True)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.keep_with_next = True
    para(doc, "{%p for person in underskrifter %}")
    p = para(doc, "{{ person.namn }}", style="Underskrift")
    p.runs[0].add_break()
    p.add_run("{{ person.titel or '' }}")
    para(doc, "{%p endfor %}")
    doc.save(path)



BUILDERS = {"tjansteskrivelse": build_tjansteskrivelse}
