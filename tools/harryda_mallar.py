"""Build the second organisation's templates: examples/harryda/mallar/.

Härryda kommun writes its tjänsteskrivelser differently from the shipped templates:
a letterhead with only Datum and Diarienummer, the proposal first, the body sections
in the profile's order and headings (avsnittslista), the handläggare at the end and
two signers side by side; a kallelse as a letter with a numbered föredragningslista.
The other types (revisionssvar, dokument, ...) fall through to the shipped templates.

    .venv/bin/python tools/harryda_mallar.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docxbuild import (  # noqa: E402
    beslutspunkter,
    WD_ALIGN_PARAGRAPH, Cm, Pt, RGBColor, base_document, no_borders, para,
)

TARGET = Path(__file__).resolve().parents[1] / "examples" / "harryda" / "mallar"
GREEN = RGBColor(0x00, 0x5B, 0x3C)


def build_tjansteskrivelse(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Tjänsteskrivelse"
    doc.core_properties.language = "sv-SE"
    header = doc.sections[0].header
    hp = header.paragraphs[0]
    table = header.add_table(rows=2, cols=2, width=Cm(16))
    no_borders(table)
    left = table.cell(0, 0).merge(table.cell(1, 0))
    r = left.paragraphs[0].add_run("{{ kommun }}")
    r.bold, r.font.size, r.font.color.rgb = True, Pt(15), GREEN
    para(left, "{{ forvaltning }}", style="Header")
    for row, (label, value) in enumerate((("Datum", "{{ datum|datum_iso }}"), ("Diarienummer", "{{ dnr }}"))):
        cell = table.cell(row, 1)
        p = cell.paragraphs[0]
        run = p.add_run(f"{label}\n")
        run.font.size, run.bold = Pt(8), True
        p.add_run(value).font.size = Pt(10)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    hp._p.addprevious(table._tbl)
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = ("{{ profil.adress or '' }}{% if profil.telefon %} · {{ profil.telefon }}{% endif %}"
                                 "{% if profil.webbplats %} · {{ profil.webbplats }}{% endif %}")
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT

    para(doc, "TJÄNSTESKRIVELSE", bold=True, size=9)
    para(doc, "Till {{ namnd }}", space_after=10)
    doc.add_paragraph("{{ titel }}", style="Heading 1")

    doc.add_paragraph("Förvaltningens förslag till beslut", style="Heading 2")
    beslutspunkter(doc)

    para(doc, "{%p for a in avsnittslista %}")
    doc.add_paragraph("{{ a.rubrik }}", style="Heading 2")
    para(doc, "{{p a.text }}")
    para(doc, "{%p endfor %}")

    for var, heading in (("beslutsunderlag", "Underlag"), ("tidigare_behandling", "Tidigare beslut"),
                         ("protokollsutdrag_till", "Beslutet skickas till")):
        para(doc, f"{{%p if {var} %}}")
        doc.add_paragraph(heading, style="Heading 3")
        para(doc, f"{{%p for rad in {var} %}}")
        para(doc, "– {{ rad }}", style="Kompakt")
        para(doc, "{%p endfor %}")
        para(doc, "{%p endif %}")

    p = para(doc, "{{ forvaltning }}", bold=True)
    p.paragraph_format.space_before = Pt(24)
    p.paragraph_format.keep_with_next = True
    signers = doc.add_table(rows=1, cols=2)
    no_borders(signers)
    for i, cell in enumerate(signers.rows[0].cells):
        p = cell.paragraphs[0]
        p.paragraph_format.space_before = Pt(30)
        p.add_run(f"{{% if underskrifter|length > {i} %}}{{{{ underskrifter[{i}].namn }}}}{{% endif %}}")
        para(cell, f"{{% if underskrifter|length > {i} %}}{{{{ underskrifter[{i}].titel or '' }}}}{{% endif %}}",
             style="Kompakt")
    para(doc, "{%p if underskrifter|length > 2 %}")
    para(doc, "{%p for person in underskrifter[2:] %}")
    p = para(doc, "{{ person.namn }}, {{ person.titel or '' }}", style="Underskrift")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")

    p = para(doc, "Handläggare: {{ handlaggare.namn }}{% if handlaggare.titel %}, {{ handlaggare.titel }}{% endif %}"
                  "{% if handlaggare.telefon %}, {{ handlaggare.telefon }}{% endif %}"
                  "{% if handlaggare.epost %}, {{ handlaggare.epost }}{% endif %}", size=9)
    p.paragraph_format.space_before = Pt(18)
    doc.save(path)


def build_kallelse(path: Path) -> None:
    """Kallelse as a letter with a numbered föredragningslista instead of a table."""
    doc = base_document()
    doc.core_properties.title = "Kallelse"
    doc.core_properties.language = "sv-SE"
    hp = doc.sections[0].header.paragraphs[0]
    r = hp.add_run("{{ kommun }}")
    r.bold, r.font.size, r.font.color.rgb = True, Pt(15), GREEN
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = "Kallelse {{ namnd }} {{ datum|datum_iso }}"

    para(doc, "KALLELSE", bold=True, size=9)
    doc.add_paragraph("{{ namnd }} kallas till sammanträde", style="Heading 1")
    para(doc, "Tid: {{ datum|datum_lang }} klockan {{ klockan }}"
              "{% if tidsatgang %} (beräknad tid {{ tidsatgang }}){% endif %}", style="Body Text", space_after=2)
    para(doc, "Plats: {{ lokal }}, {{ ort }}", style="Body Text")

    doc.add_paragraph("Föredragningslista", style="Heading 2")
    para(doc, "{%p for a in arenden %}")
    para(doc, "{{ a.punkt }}.\t{{ a.arendemening }}{% if a.dnr %} (dnr {{ a.dnr }}){% endif %}"
              "{% if a.sida %}, sidan {{ a.sida }}{% endif %}", style="Beslutspunkt")
    para(doc, "{%p endfor %}")

    for var, heading in (("ledamoter", "Ledamöter"), ("ersattare", "Ersättare")):
        doc.add_paragraph(heading, style="Heading 3")
        para(doc, f"{{{{ {var}|join(', ') }}}}", style="Body Text")

    para(doc, "Förhinder anmäls till {{ vid_forhinder.namn }}"
              "{% if vid_forhinder.telefon %}, {{ vid_forhinder.telefon }}{% endif %}"
              "{% if vid_forhinder.epost %}, {{ vid_forhinder.epost }}{% endif %}.", style="Body Text")
    p = para(doc, "{{ sammankallande.namn }}", style="Underskrift")
    para(doc, "{{ sammankallande.roll|capitalize }}")
    p.paragraph_format.space_before = Pt(24)
    doc.save(path)


BUILDERS = {"tjansteskrivelse": build_tjansteskrivelse, "kallelse": build_kallelse}


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        target = TARGET / f"{name}.docx"
        build(target)
        print(f"skrev {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
