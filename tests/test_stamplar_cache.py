"""Issue 19: the stamp pages of a package are kept in the PDF cache (stamplar/): a rebuild with the
same page count and texts reuses them; a damaged entry is drawn again; any change is a new entry."""

from __future__ import annotations

import io

import pikepdf

from rapportgen.assemble import pdf as pdfmod
from rapportgen.assemble.pdf import Stampel, geometri_av
from rapportgen.convert.cache import Cache


def _stamps(total: int, datum: str = "2023-09-19"):
    g = geometri_av(0, 0, 595.276, 841.89, 0)
    return [(g, Stampel(f"Socialnämnden {datum} · Ärende {i % 3 + 1}", f"Sida {i + 1} av {total}"))
            for i in range(total)]


def _text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_stamp_pages_are_reused_checked_and_keyed(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    drawn: list[int] = []
    real = pdfmod._stamp_pdf
    monkeypatch.setattr(pdfmod, "_stamp_pdf", lambda pages: drawn.append(len(pages)) or real(pages))

    first = pdfmod.stamp_pdf(_stamps(5))
    again = pdfmod.stamp_pdf(_stamps(5))
    assert drawn == [5] and again == first
    assert "Sida 5 av 5" in _text(again)[4]
    with pikepdf.open(io.BytesIO(again)) as pdf:
        assert len(pdf.pages) == 5

    # Another page count or date is another entry.
    assert "Sida 6 av 6" in _text(pdfmod.stamp_pdf(_stamps(6)))[5]
    assert "2023-10-17" in _text(pdfmod.stamp_pdf(_stamps(5, "2023-10-17")))[0]
    assert drawn == [5, 6, 5]

    # A damaged entry is drawn again (and replaced), never used.
    (entry,) = [p for p in (tmp_path / "cache" / "stamplar").glob("*.pdf")
                if p.read_bytes()[32:] == first]
    entry.write_bytes(entry.read_bytes()[:-40] + b"x" * 40)
    redrawn = pdfmod.stamp_pdf(_stamps(5))
    assert drawn == [5, 6, 5, 5]
    assert _text(redrawn) == _text(first)
    assert entry.read_bytes()[32:] == redrawn

    # `rapportgen cache rensa` empties it.
    Cache().clear()
    assert not (tmp_path / "cache" / "stamplar").exists()
