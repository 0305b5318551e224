"""Issue 19: incremental builds of the meeting package, keyed on each part's inputs.

Against real LibreOffice. Conversions are counted on the pool's own counter (the suite's shared
pool, see conftest.py), never by time.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from rapportgen.assemble.bygg import build_handling
from rapportgen.assemble.pdf import BAND, mul, text_i_bandet
from rapportgen.config import load_profile
from rapportgen.convert import convert_while
from rapportgen.convert.cache import Delcache

from .handling_helpers import EXAMPLE, PROFILE, REALWORLD, all_text, dokument, write_manifest

ARENDEN = """\
  - punkt: 1
    dnr: SN/2023:11
    ärendemening: Första ärendet
    bilagor:
      - {etikett: Bilaga A, fil: a.md}
      - {etikett: Extern PDF, fil: extern.pdf}
  - punkt: 2
    dnr: SN/2023:12
    ärendemening: Andra ärendet
    bilagor:
      - {etikett: Bilaga B, fil: b.md}
      - {etikett: Volymer, fil: volymer.xlsx}
"""


@pytest.fixture
def moete(tmp_path, monkeypatch):
    """A small meeting (two generated parts, an external PDF, an Excel bilaga) with its own cache."""
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "moete"
    folder.mkdir()
    dokument(folder, "a.md", "Bilaga A", "Innehållet i bilaga A.")
    dokument(folder, "b.md", "Bilaga B", "Innehållet i bilaga B.")
    shutil.copyfile(REALWORLD / "minimal-document.pdf", folder / "extern.pdf")
    shutil.copyfile(sorted((EXAMPLE / "bilagor").glob("*.xlsx"))[0], folder / "volymer.xlsx")
    return write_manifest(folder, ARENDEN)


def _konverterade(delad_pool) -> int:
    return delad_pool.pool.stat.konverterade


def _bygg(manifest: Path, out: Path, delad_pool, profil=None, **kw) -> tuple[int, list[str]]:
    """Build; return (conversions the pool made, the documents reported as converted)."""
    namn: list[str] = []
    before = _konverterade(delad_pool)
    build_handling(manifest, out, profil or load_profile(PROFILE), dokument=lambda _d, _t, n: namn.append(n), **kw)
    return _konverterade(delad_pool) - before, namn


def test_rebuild_converts_only_the_changed_part_and_equals_a_cold_build(moete, tmp_path, delad_pool, monkeypatch):
    n_cold, _ = _bygg(moete, tmp_path / "ut1", delad_pool)
    assert n_cold >= 5  # kallelse draft and final, two generated parts, the Excel bilaga
    # Nothing changed: nothing is rendered or converted again.
    n_same, names = _bygg(moete, tmp_path / "ut2", delad_pool)
    assert (n_same, names) == (0, [])
    assert all_text(tmp_path / "ut2" / "handling.pdf") == all_text(tmp_path / "ut1" / "handling.pdf")

    dokument(moete.parent, "a.md", "Bilaga A", "Innehållet i bilaga A, ändrat efter beredningen.")
    n_inc, names = _bygg(moete, tmp_path / "ut3", delad_pool)
    assert n_inc == 1 and len(names) == 1 and names[0].endswith("-a.pdf"), names

    # The same inputs from an empty cache give the same package text.
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache-kall"))
    _bygg(moete, tmp_path / "ut4", delad_pool)
    inc_text = all_text(tmp_path / "ut3" / "handling.pdf")
    assert "ändrat efter beredningen" in inc_text
    assert inc_text == all_text(tmp_path / "ut4" / "handling.pdf")
    assert len(PdfReader(str(tmp_path / "ut3" / "handling.pdf")).pages) == \
        len(PdfReader(str(tmp_path / "ut4" / "handling.pdf")).pages)


def test_bilaga_template_and_profile_invalidate_the_right_parts(moete, tmp_path, delad_pool):
    mallar = tmp_path / "mallar"
    mallar.mkdir()
    from rapportgen.render.templates import SHIPPED

    shutil.copyfile(SHIPPED / "dokument.docx", mallar / "dokument.docx")
    _bygg(moete, tmp_path / "ut1", delad_pool, mallar=mallar)

    # An Excel bilaga changed: only it is converted again.
    from openpyxl import load_workbook

    wb = load_workbook(moete.parent / "volymer.xlsx")
    ws = wb.worksheets[0]
    ws.cell(row=ws.max_row + 2, column=1, value="Rad tillagd efter beredningen")
    wb.save(moete.parent / "volymer.xlsx")
    n, names = _bygg(moete, tmp_path / "ut2", delad_pool, mallar=mallar)
    assert n == 1 and [x.split("-", 1)[-1] for x in names] == ["volymer.pdf"], names
    assert "Rad tillagd efter beredningen" in all_text(tmp_path / "ut2" / "handling.pdf")

    # The dokument template changed (other bytes): both generated parts, not the Excel bilaga.
    with zipfile.ZipFile(mallar / "dokument.docx", "a") as z:
        z.comment = b"ny version av mallen"
    n, names = _bygg(moete, tmp_path / "ut3", delad_pool, mallar=mallar)
    assert sorted(x.split("-", 1)[1] for x in names) == ["a.pdf", "b.pdf"], names  # the kallelse's is kept

    # The profile changed: every generated part and the kallelse; the Excel bilaga is kept.
    profil = load_profile(PROFILE).model_copy(update={"kommun": "Norrviks kommun"})
    n, names = _bygg(moete, tmp_path / "ut4", delad_pool, profil=profil, mallar=mallar)
    assert sorted(x.split("-", 1)[-1] for x in names) == ["a.pdf", "b.pdf", "utkast.pdf"], names
    assert n == 4  # and the kallelse with its page references


def test_meeting_date_changes_the_stamps_not_the_parts(moete, tmp_path, delad_pool):
    _bygg(moete, tmp_path / "ut1", delad_pool)
    moete.write_text(moete.read_text(encoding="utf-8").replace("2023-09-19", "2023-10-17"), encoding="utf-8")
    n, names = _bygg(moete, tmp_path / "ut2", delad_pool)
    assert names == ["kallelse-utkast.pdf"] and n == 2  # the kallelse's two passes only
    text = all_text(tmp_path / "ut2" / "handling.pdf")
    assert "2023-10-17" in text and "2023-09-19" not in text


def test_publication_build_has_its_own_parts(moete, tmp_path, delad_pool):
    """The publication build renders masked texts: it never reuses the ordinary build's parts, and
    each build finds its own parts again."""
    _bygg(moete, tmp_path / "ut1", delad_pool)
    n, names = _bygg(moete, tmp_path / "pub1", delad_pool, publicering=True)
    assert sorted(x.split("-", 1)[-1] for x in names) == ["a.pdf", "b.pdf", "utkast-publicering.pdf", "volymer.pdf"], names
    assert _bygg(moete, tmp_path / "pub2", delad_pool, publicering=True) == (0, [])
    assert _bygg(moete, tmp_path / "ut2", delad_pool) == (0, [])


def test_a_corrupt_part_in_the_cache_heals(moete, tmp_path, delad_pool, capsys):
    _bygg(moete, tmp_path / "ut1", delad_pool)
    delar = tmp_path / "cache" / "delar"
    pdfs = sorted(delar.rglob("*.pdf"))
    assert len(pdfs) >= 3
    for p in pdfs:
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])
    capsys.readouterr()
    n, _ = _bygg(moete, tmp_path / "ut2", delad_pool)
    err = capsys.readouterr().err
    assert err.count("skadad del i cachen") == len(pdfs), err
    assert n >= 3
    assert all_text(tmp_path / "ut2" / "handling.pdf") == all_text(tmp_path / "ut1" / "handling.pdf")
    # The rebuilt entries are sound: the next build uses them without a word.
    n, _ = _bygg(moete, tmp_path / "ut3", delad_pool)
    assert n == 0 and "skadad" not in capsys.readouterr().err


def test_delcache_checks_page_count_and_record(tmp_path):
    warned: list[str] = []
    c = Delcache(tmp_path / "d", varna=warned.append)
    pdf = tmp_path / "x.pdf"
    with pikepdf.new() as p:
        p.add_blank_page()
        p.save(pdf)
    c.put("ab" * 32, {"sidor": 2}, {"pdf": pdf})  # recorded with the wrong page count
    assert c.get("ab" * 32) is None and "2 skrevs" in warned[-1]
    assert c.entries() == []
    c.put("cd" * 32, {"sidor": 1}, {"pdf": pdf})
    files, data = c.get("cd" * 32)
    assert data == {"sidor": 1} and files["pdf"].read_bytes() == pdf.read_bytes()
    (tmp_path / "d" / "cd" / f"{'cd' * 32}.json").write_text("{inte json", encoding="utf-8")
    assert c.get("cd" * 32) is None and "uppgifterna" in warned[-1]


def _pypdf_text_in_band(page) -> bool:
    """The decision as the package made it before issue 19: pypdf's text extraction, text by text."""
    if (page.get("/Rotate", 0) or 0) % 360:
        return True
    bottom = float(page.cropbox.bottom)
    low = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            low.append(mul(tuple(tm), tuple(cm))[5] - bottom)

    page.extract_text(visitor_text=visit)
    return any(y < BAND + 2 for y in low)


def test_cache_rensa_empties_the_parts_and_font_subsets(tmp_path):
    from rapportgen.convert.cache import Cache

    pdf = tmp_path / "x.pdf"
    with pikepdf.new() as p:
        p.add_blank_page()
        p.save(pdf)
    folder = tmp_path / "c"
    Cache(folder).put("ab" * 32, pdf)
    Delcache(folder / "delar").put("cd" * 32, {"sidor": 1}, {"pdf": pdf})
    (folder / "typsnitt").mkdir()
    (folder / "typsnitt" / "system.json").write_text("{}", encoding="utf-8")
    assert Cache(folder).clear() == 2
    assert not (folder / "delar").exists() and not (folder / "typsnitt").exists()
    assert Cache(folder).entries() == [] and Delcache(folder / "delar").get("cd" * 32) is None


def test_stamp_band_text_read_by_qpdf_agrees_with_pypdf(tmp_path):
    """text_i_bandet (content stream through qpdf) decides as pypdf's text extraction did."""
    from reportlab.pdfgen import canvas

    made = tmp_path / "band.pdf"
    c = canvas.Canvas(str(made), pagesize=(595, 842))
    for y in (5.0, 21.0, 23.0, 400.0):  # the band is 20 pt (+2): in, in, out, out
        c.drawString(72, y, f"Text vid y={y}")
        c.showPage()
    c.translate(0, -300)  # the position comes through the matrix
    c.drawString(72, 310, "Flyttad text")
    c.showPage()
    c.beginForm("fot")
    c.drawString(72, 8, "Text i ett formulärobjekt")
    c.endForm()
    c.drawString(72, 500, "Brödtext")
    c.doForm("fot")
    c.showPage()
    c.save()
    files = [made] + [p for p in sorted(REALWORLD.glob("*.pdf")) if "password" not in p.name]
    files += sorted(Path(EXAMPLE / "bilagor").glob("*.pdf"))
    seen_true = seen_false = 0
    for f in files:
        try:
            reader = PdfReader(str(f))
            pdf = pikepdf.open(f)
        except Exception:
            continue
        with pdf:
            for a, b in zip(reader.pages, pdf.pages):
                expected = _pypdf_text_in_band(a)
                assert text_i_bandet(b) == expected, f.name
                seen_true += expected
                seen_false += not expected
    assert seen_true >= 4 and seen_false


def test_a_render_error_stops_the_pipeline(tmp_path):
    src = tmp_path / "a.docx"
    shutil.copyfile(sorted((EXAMPLE / "bilagor").glob("*.xlsx"))[0], tmp_path / "b.xlsx")

    def gora(klar):
        klar(1)
        raise ValueError("mallen kunde inte fyllas i")

    with pytest.raises(ValueError, match="mallen"):
        convert_while([src, tmp_path / "b.xlsx"], tmp_path / "ut", gora)
    assert not (tmp_path / "ut" / "a.pdf").exists()
