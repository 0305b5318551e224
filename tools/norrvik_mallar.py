"""Build the third organisation's templates: examples/norrvik/mallar/.

Norrviks kommun (a made-up kommun) writes its tjänsteskrivelser like this: a letterhead with
the kommun and the nämnd on the left and only Datum and Diarienummer on the right (no
handläggare), the proposal as plain paragraphs under "Förslag till beslut" (the profile says
no opening line and no numbers), the body sections in the profile's order and headings
(avsnittslista), then Beslutsunderlag, and the signer. Everything else falls through to the
shipped templates. The template only uses variables every tjänsteskrivelse has; what Norrvik
does differently is set in examples/norrvik/rapportgen.yaml.

    .venv/bin/python tools/norrvik_mallar.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docxbuild import (  # noqa: E402
    beslutspunkter,
    WD_ALIGN_PARAGRAPH, Cm, Pt, RGBColor, add_field, base_document, no_borders, para,
)

TARGET = Path(__file__).resolve().parents[1] / "examples" / "norrvik" / "mallar"
BLUE = RGBColor(0x0B, 0x3D, 0x6B)


def build_tjansteskrivelse(path: Path) -> None:
    doc = base_document()
    doc.core_properties.title = "Tjänsteskrivelse"
    doc.core_properties.language = "sv-SE"
    header = doc.sections[0].header
    hp = header.paragraphs[0]
    table = header.add_table(rows=1, cols=2, width=Cm(16))
    no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(10), Cm(6)
    r = left.paragraphs[0].add_run("{{ kommun }}")
    r.bold, r.font.size, r.font.color.rgb = True, Pt(16), BLUE
    para(left, "{{ namnd }}", style="Header")
    p = right.paragraphs[0]
    r = p.add_run("Tjänsteskrivelse")
    r.bold, r.font.size = True, Pt(10)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for label, value, condition in (("Datum", "{{ datum|datum_iso }}", "brevhuvud.datum"),
                                    ("Diarienummer", "{{ dnr }}", "brevhuvud.diarienummer")):
        para(right, f"{{%p if {condition} %}}", style="Header")
        p = para(right, f"{label} {value}", style="Header")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        para(right, "{%p endif %}", style="Header")
    hp._p.addprevious(table._tbl)
    hp.paragraph_format.space_after = Pt(12)
    footer = doc.sections[0].footer
    fp = footer.paragraphs[0]
    fp.text = ("{{ kommun }}{% if profil.adress %} · {{ profil.adress }}{% endif %}"
               "{% if profil.telefon %} · {{ profil.telefon }}{% endif %} · Sida ")
    add_field(fp, "PAGE")
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_paragraph("{{ titel }}", style="Heading 1")
    doc.add_paragraph("Förslag till beslut", style="Heading 2")
    beslutspunkter(doc)

    para(doc, "{%p for a in avsnittslista %}")
    doc.add_paragraph("{{ a.rubrik }}", style="Heading 2")
    para(doc, "{{p a.text }}")
    para(doc, "{%p endfor %}")

    for var, heading in (("beslutsunderlag", "Beslutsunderlag"), ("tidigare_behandling", "Tidigare beslut"),
                         ("protokollsutdrag_till", "Beslutet ska skickas till")):
        para(doc, f"{{%p if {var} %}}")
        doc.add_paragraph(heading, style="Heading 3")
        para(doc, f"{{%p for rad in {var} %}}")
        para(doc, "{{ rad }}", style="Kompakt")
        para(doc, "{%p endfor %}")
        para(doc, "{%p endif %}")

    para(doc, "{%p for person in underskrifter %}")
    p = para(doc, "{{ person.namn }}", style="Underskrift")
    p.paragraph_format.space_before = Pt(30)
    p.runs[0].add_break()
    p.add_run("{{ person.titel or '' }}")
    para(doc, "{%p endfor %}")
    doc.save(path)


def build_verksamhetsplan(path: Path) -> None:
    """The shipped report template plus Norrvik's own table style, which Norrvik's table
    definitions (examples/norrvik/verksamhetsplan/tabeller.yaml) name as 'tabellstil'."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from tpl_delarsrapport import build_rapport

    build_rapport(path)
    doc = Document(str(path))
    style = doc.styles.add_style("Norrvik tabell", WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Table Grid"]
    style.font.color.rgb = BLUE
    style.font.name = "Carlito"
    doc.save(path)


BUILDERS = {"tjansteskrivelse": build_tjansteskrivelse, "verksamhetsplan": build_verksamhetsplan}


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        target = TARGET / f"{name}.docx"
        build(target)
        print(f"skrev {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
