"""Identical embedded font programs from different parts are kept once in the package."""

from __future__ import annotations

import io

import pikepdf
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from rapportgen.assemble.taggat import Sammanfogning, spara

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _extern(text: str) -> pikepdf.Pdf:
    pdfmetrics.registerFont(TTFont("DejaVuTest", FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("DejaVuTest", 12)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return pikepdf.open(io.BytesIO(buf.getvalue()))


def _fontprogram(pdf: pikepdf.Pdf) -> set:
    return {o.FontFile2.objgen for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
            and o.get("/Type") == pikepdf.Name.FontDescriptor and "/FontFile2" in o}


def test_the_same_font_program_in_two_parts_is_embedded_once(tmp_path):
    a, b = _extern("Samma text"), _extern("Samma text")
    sam = Sammanfogning()
    sam.lagg_till(a, "Bilaga 1")
    sam.lagg_till(b, "Bilaga 2")
    assert len(_fontprogram(sam.pdf)) == 2  # each part brought its own copy
    sam.avsluta("Handling")
    spara(sam.pdf, tmp_path / "ut.pdf")
    with pikepdf.open(tmp_path / "ut.pdf") as out:
        assert len(out.pages) == 2
        assert len(_fontprogram(out)) == 1
