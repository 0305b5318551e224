"""The example package is tagged, navigable and lean (issue 14): checked with pikepdf and pdfplumber."""

from __future__ import annotations

import io
import re

import pdfplumber
import pikepdf
import pytest
from reportlab.pdfgen import canvas

from rapportgen.assemble.pdfua import kontrollera
from rapportgen.assemble.taggat import Sammanfogning, spara, walk_structure


# The example package, built once for this file, test_handling_example.py and test_rapporter.py (conftest).
@pytest.fixture(scope="module")
def normal(exempelhandling):
    return exempelhandling


def _dest_page(pdf: pikepdf.Pdf, annot) -> int:
    dest = annot.get("/Dest")
    return pdf.pages.index(pikepdf.Page(dest[0]))


def test_structure_tree_and_language(normal):
    with pikepdf.open(normal.handling) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "sv-SE"
        assert bool(root.MarkInfo.Marked) is True
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert pdf.open_metadata()["dc:title"] == "Sammanträdeshandling Socialnämnden 2023-09-19"
        doc = root.StructTreeRoot.K[0]
        assert doc.S == "/Document"
        # One Part per part of the package, in order, titled after it.
        parts = list(doc.K)
        assert len(parts) == len(normal.delar)
        assert all(p.S == "/Part" for p in parts)
        assert str(parts[0].T) == "Kallelse och ärendelista"
        assert str(parts[1].T).startswith("Ärende 5: Tjänsteskrivelse")
        # Every element's page is a page of the package; headings from every generated part survive.
        pages = {p.objgen for p in pdf.pages}
        elems = list(walk_structure(pdf))
        assert all(e.Pg.objgen in pages for e in elems if "/Pg" in e)
        h1_pages = {pdf.pages.index(pikepdf.Page(e.Pg)) + 1 for e in elems if e.get("/S") == "/H1" and "/Pg" in e}
        generated = [d for d in normal.delar[1:] if d.typ != "extern" and d.roll != "utelämnad"]
        for d in generated:
            assert any(d.forsta_sida <= p <= d.sista_sida for p in h1_pages), d.etikett
        # ParentTree: every page's key is unique and leads to that page's elements.
        tree = pikepdf.NumberTree(root.StructTreeRoot.ParentTree)
        keys = [int(p.obj.StructParents) for p in pdf.pages if "/StructParents" in p.obj]
        assert len(keys) == len(set(keys))
        for p in pdf.pages:
            if "/StructParents" in p.obj:
                arr = tree[int(p.obj.StructParents)]
                assert all(e.Pg.objgen == p.objgen for e in arr if isinstance(e, pikepdf.Dictionary) and "/Pg" in e)
        assert int(root.StructTreeRoot.ParentTreeNextKey) > max(keys)


def test_generated_pages_pass_the_pdfua_content_checks(normal):
    """Stamps are artifacts and links are tagged: no untagged content on any page of a tagged part."""
    untagged_pages = {p for d in normal.delar if d.typ == "extern" or d.roll == "utelämnad"
                      for p in range(d.forsta_sida, d.sista_sida + 1)}
    problems = [p for p in kontrollera(normal.handling)
                if p.regel in ("otaggat innehåll", "anteckning", "länk", "MarkInfo", "språk", "titel", "strukturträd")
                and p.sida not in untagged_pages]
    assert problems == []
    # The untagged external parts are reported as not accessible.
    assert normal.ej_tillgangliga and all(e.endswith(".pdf") for e in normal.ej_tillgangliga)
    assert any(f.kod == "ej-tillganglig" for f in normal.varningar)


def test_every_arendelista_row_links_to_its_arende(normal):
    with pikepdf.open(normal.handling) as pdf, pdfplumber.open(normal.handling) as plumb:
        k_pages = normal.delar[0].sista_sida
        links = []
        for pno in range(k_pages):
            page = pdf.pages[pno]
            height = float(page.mediabox[3])
            for a in page.obj.get("/Annots", []):
                if a.Subtype == "/Link" and "/Dest" in a:
                    x0, y0, x1, y1 = (float(v) for v in a.Rect)
                    links.append((pno, height - y1, height - y0, _dest_page(pdf, a)))
        assert normal.arende_sida
        for punkt, sida in normal.arende_sida.items():
            # The row is found independently: the line that starts with the punkt in the list's first column.
            hits = []
            for pno in range(k_pages):
                for w in plumb.pages[pno].extract_words():
                    if w["text"] == str(punkt) and w["x0"] < 90:
                        hits.append((pno, (w["top"] + w["bottom"]) / 2))
            assert hits, punkt
            pno, mid = hits[-1]
            covering = [t for p, top, bottom, t in links if p == pno and top <= mid <= bottom]
            assert covering == [sida - 1], (punkt, covering)


def test_stamps_link_back_to_the_arendelista(normal):
    lista = normal.delar[0].forsta_sida - 1
    with pikepdf.open(normal.handling) as pdf:
        for d in normal.delar[1:]:
            for idx in range(d.forsta_sida - 1, d.sista_sida):
                back = [a for a in pdf.pages[idx].obj.get("/Annots", [])
                        if a.Subtype == "/Link" and "/Dest" in a and _dest_page(pdf, a) == lista
                        and str(a.Contents).startswith(f"Till ärendelistan (från ärende {d.arende})")]
                assert len(back) == 1, (idx + 1, d.etikett)
                assert float(back[0].Rect[1]) < 20  # in the stamp band


def test_bookmarks_open_at_arende_level(normal):
    with pikepdf.open(normal.handling) as pdf:
        with pdf.open_outline() as ol:
            top = list(ol.root)
            assert [t.title for t in top[:2]] == ["Kallelse och ärendelista",
                                                   "5. Gemensam familjehemsorganisation – uppföljning"]
            assert len(top) == 1 + len(normal.arende_sida)
            for item in top[1:]:
                assert item.children and item.is_closed
                for child in item.children:  # a bilaga's own bookmarks are folded too
                    assert not child.children or child.is_closed
            # A closed item has a negative /Count (the viewer shows only the ärende level).
            assert all(int(item.obj.Count) < 0 for item in top[1:])
        delars = [len(list(i.children)) for i in top if i.title.startswith("8.")]
        assert delars == [5]


def test_package_is_smaller_than_its_parts(normal):
    size = normal.handling.stat().st_size
    assert normal.delar_bytes > 0
    assert size <= 0.75 * normal.delar_bytes, (size, normal.delar_bytes)
    with pikepdf.open(normal.handling) as pdf:
        # The body font is embedded once per style, not once per part.
        programs: dict[str, set] = {}
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "+" in str(obj.get("/BaseFont", "")):
                style = str(obj.BaseFont).split("+", 1)[1]
                desc = obj.get("/FontDescriptor")
                if style.startswith("Carlito") and desc is not None and "/FontFile2" in desc:
                    programs.setdefault(style, set()).add(desc.FontFile2.objgen)
        assert programs.get("Carlito") and all(len(v) == 1 for v in programs.values()), programs
        for obj in pdf.objects:
            if (isinstance(obj, pikepdf.Stream) and obj.get("/Type") != "/Metadata"
                    and obj.get("/Subtype") != "/Image" and len(obj.read_raw_bytes()) > 512):
                assert "/Filter" in obj, obj.objgen  # no large uncompressed stream


def _untagged_pdf(text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 700, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_checker_flags_an_untagged_part(tmp_path):
    sam = Sammanfogning()
    src = pikepdf.open(io.BytesIO(_untagged_pdf("Otaggad text")))
    komp = sam.lagg_till(src, "Extern bilaga")
    assert not komp.taggad
    sam.avsluta("Prov")
    out = tmp_path / "prov.pdf"
    spara(sam.pdf, out)
    problems = kontrollera(out)
    assert [p.regel for p in problems] == ["otaggat innehåll"]
    assert problems[0].sida == 1 and "Tj" in problems[0].text


def test_checker_flags_missing_catalog_entries(tmp_path):
    out = tmp_path / "bar.pdf"
    out.write_bytes(_untagged_pdf("Hej"))
    regler = {p.regel for p in kontrollera(out)}
    assert {"strukturträd", "MarkInfo", "språk", "titel"} <= regler


def test_merged_tagged_parts_keep_both_trees(tmp_path, normal):
    """Two tagged parts: the second part's ParentTree keys are shifted past the first's."""
    sam = Sammanfogning()
    a = pikepdf.open(normal.kallelse_pdf)
    b = pikepdf.open(normal.kallelse_pdf)
    sam.lagg_till(a, "Först")
    sam.lagg_till(b, "Sedan")
    sam.avsluta("Två delar")
    out = tmp_path / "tva.pdf"
    spara(sam.pdf, out)
    with pikepdf.open(out) as pdf:
        keys = [int(p.obj.StructParents) for p in pdf.pages]
        assert len(set(keys)) == len(keys) == 2 * len(a.pages)
        parts = list(pdf.Root.StructTreeRoot.K[0].K)
        assert [str(p.T) for p in parts] == ["Först", "Sedan"]
        # The identity role maps LibreOffice writes (/H1 -> /H1) are not carried over.
        rm = pdf.Root.StructTreeRoot.get("/RoleMap", {})
        assert all(k.lstrip("/") != str(v).lstrip("/") for k, v in dict(rm).items())
    assert not [p for p in kontrollera(out) if p.regel in ("otaggat innehåll", "strukturträd")]


def _page_pdf(size) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    c.drawString(72, size[1] - 72, "Text på en främmande sida")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_foreign_pages_become_a4_or_are_kept_with_a_reason():
    from reportlab.lib.pagesizes import A3, letter

    sam = Sammanfogning()
    komp = sam.lagg_till(pikepdf.open(io.BytesIO(_page_pdf(letter))), "Letter")
    assert sam.normalisera_a4(komp) == []
    box = [float(v) for v in sam.pdf.pages[0].mediabox]
    assert box == pytest.approx([0, 0, 595.276, 841.89], abs=0.01)
    komp = sam.lagg_till(pikepdf.open(io.BytesIO(_page_pdf(A3))), "A3")
    kept = sam.normalisera_a4(komp)
    assert len(kept) == 1 and kept[0][0] == 1 and "71%" in kept[0][1]
    assert float(sam.pdf.pages[1].mediabox[3]) == pytest.approx(A3[1])


def test_every_package_page_is_a4(normal):
    with pikepdf.open(normal.handling) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            w, h = sorted(float(v) for v in (page.mediabox[2] - page.mediabox[0], page.mediabox[3] - page.mediabox[1]))
            assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5, (i, w, h)


def test_generated_pages_are_not_scaled(normal):
    """Generated pages leave the stamp band free: they keep their size; external pages are shrunk."""
    def scaled(page) -> bool:
        ops = pikepdf.parse_content_stream(page)
        if len(ops) < 2 or str(ops[0][1]) != "q" or str(ops[1][1]) != "cm":
            return False
        return [round(float(v), 3) for v in ops[1][0][:4]] != [1, 0, 0, 1]

    with pikepdf.open(normal.handling) as pdf, pdfplumber.open(normal.handling) as plumb:
        for d in normal.delar:
            for idx in range(d.forsta_sida - 1, d.sista_sida):
                if d.typ == "extern":
                    assert scaled(pdf.pages[idx]), idx + 1
                elif d.roll != "utelämnad":
                    assert not scaled(pdf.pages[idx]), idx + 1
                    # Nothing but the stamp in the band.
                    page = plumb.pages[idx]
                    low = "".join(c["text"] for c in page.chars if c["bottom"] > page.height - 20).replace(" ", "")
                    number = f"Sida{idx + 1}av{len(pdf.pages)}"
                    assert number in low, idx + 1
                    rest = low.replace(number, "", 1)
                    assert rest.startswith("Socialnämnden2023-09-19·") and "Sida" not in rest, (idx + 1, low)


def test_no_page_has_two_page_numbers(normal):
    from .handling_helpers import page_text

    for i in range(1, normal.sidor + 1):
        numbers = re.findall(r"\bSida \d+", page_text(normal.handling, i))
        assert numbers == [f"Sida {i}"], (i, numbers)


def test_delarsrapport_contents_use_package_pages(normal):
    from .handling_helpers import page_text

    rapport = next(d for d in normal.delar if d.typ == "delarsrapport")
    toc_page = next(i for i in range(rapport.forsta_sida, rapport.sista_sida + 1)
                    if "Innehållsförteckning" in page_text(normal.handling, i))
    entries = re.findall(r"^(\S.*?)\s*\.{3,}\s*(\d+)\s*$", page_text(normal.handling, toc_page), re.M)
    assert len(entries) >= 10
    for title, page in entries:
        page = int(page)
        assert rapport.forsta_sida <= page <= rapport.sista_sida, (title, page)
        text = " ".join(page_text(normal.handling, page).split())
        assert " ".join(title.split())[:30] in text, (title, page)


def _field_runs(paragraph, instr: str, simple: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if simple:
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), instr)
        paragraph._p.append(fld)
        return
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "7"), ("end", None)):
        r = OxmlElement("w:r")
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r.append(fc)
        elif text == instr:
            it = OxmlElement("w:instrText")
            it.text = instr
            r.append(it)
        else:
            t = OxmlElement("w:t")
            t.text = text
            r.append(t)
        paragraph._p.append(r)


def test_a_documents_own_page_numbers_are_removed(tmp_path):
    from docx import Document

    from rapportgen.assemble.paketdocx import forsta_sidnummer, har_innehallsforteckning, utan_sidnummer

    doc = Document()
    doc.add_paragraph("Brödtext 121")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.add_run("Delårsrapport 2023 · Sida ")
    _field_runs(footer, " PAGE ", simple=False)
    header = doc.sections[0].header.paragraphs[0]
    header.add_run("Sida ")
    _field_runs(header, "PAGE", simple=True)
    header.add_run(" (")
    _field_runs(header, "NUMPAGES", simple=True)
    header.add_run(")")
    path = tmp_path / "d.docx"
    doc.save(path)
    assert utan_sidnummer(path)
    again = Document(path)
    assert again.sections[0].footer.paragraphs[0].text.strip() == "Delårsrapport 2023 ·"
    assert again.sections[0].header.paragraphs[0].text.strip() == ""
    assert "PAGE" not in again.sections[0].footer._element.xml + again.sections[0].header._element.xml
    assert again.paragraphs[0].text == "Brödtext 121"
    assert not utan_sidnummer(path)  # nothing left to remove
    assert not har_innehallsforteckning(path)
    forsta_sidnummer(path, 14)
    assert 'w:start="14"' in Document(path).sections[0]._sectPr.xml


def test_role_map_conflicts_and_ids_are_merged(tmp_path, normal):
    """A custom role mapped differently in two parts is resolved in the second; a clashing ID is renamed."""
    a = pikepdf.open(normal.kallelse_pdf)
    b = pikepdf.open(normal.kallelse_pdf)
    for src in (a, b):
        first = next(e for e in walk_structure(src) if e.get("/S") == "/Standard")
        first.ID = pikepdf.String("rad1")
        src.Root.StructTreeRoot.IDTree = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("rad1"), first]))
    b.Root.StructTreeRoot.RoleMap.Standard = pikepdf.Name.Span  # 'Standard' means P in a, Span in b
    sam = Sammanfogning()
    sam.lagg_till(a, "A")
    sam.lagg_till(b, "B")
    sam.avsluta("Roller")
    out = tmp_path / "roller.pdf"
    spara(sam.pdf, out)
    with pikepdf.open(out) as pdf:
        root = pdf.Root.StructTreeRoot
        assert root.RoleMap.Standard == "/P"
        part_a, part_b = list(root.K[0].K)
        in_b = {str(e.S) for e in walk_structure_under(part_b)}
        in_a = {str(e.S) for e in walk_structure_under(part_a)}
        assert "/Standard" in in_a and "/Standard" not in in_b and "/Span" in in_b
        names = list(root.IDTree.Names)
        keys = [str(k) for k in names[::2]]
        assert len(keys) == 2 and len(set(keys)) == 2 and "rad1" in keys
        for key, elem in zip(names[::2], names[1::2]):
            assert str(elem.ID) == str(key)


def walk_structure_under(elem):
    from rapportgen.assemble.taggat import _walk

    return _walk([elem])


def test_charts_are_vector_with_alt_text_from_the_data(normal):
    """The delårsrapport's charts: no raster image, labels as text in the body font, alt text with figures."""
    rapport = next(d for d in normal.delar if d.typ == "delarsrapport")
    with pikepdf.open(normal.handling) as pdf:
        figures = [e for e in walk_structure(pdf) if e.get("/S") == "/Figure" and "/Pg" in e
                   and rapport.forsta_sida <= pdf.pages.index(pikepdf.Page(e.Pg)) + 1 <= rapport.sista_sida]
        alts = [str(e.get("/Alt", "")) for e in figures]
        assert len(alts) == 2
        assert any(re.search(r"Årsprognos: \d+,\d mnkr (över|under) budget", a) for a in alts), alts
        assert any("högst" in a and "Hemtjänst" in a for a in alts), alts
    with pdfplumber.open(normal.handling) as plumb:
        for i in range(rapport.forsta_sida - 1, rapport.sista_sida):
            page = plumb.pages[i]
            assert not page.images, i + 1
            text = page.extract_text() or ""
            if "Nettokostnad, mnkr" in text:  # the bar chart: its axis title and a bar label
                words = page.extract_words(extra_attrs=["fontname", "size"])
                labels = [w for w in words if w["text"] in ("Nettokostnad,", "Hälso-", "sjukvård")]
                assert len(labels) >= 3
                assert all("Carlito" in w["fontname"] and w["size"] >= 8 for w in labels), labels


def test_kallelse_tables_have_header_cells(normal):
    """The kallelse's label tables (organ, ledamöter, tid och plats) carry TH cells: no PDF/UA table problem."""
    kallelse = normal.delar[0]
    pages = range(kallelse.forsta_sida, kallelse.sista_sida + 1)
    assert [p.format() for p in kontrollera(normal.handling) if p.regel == "tabell" and p.sida in pages] == []
    with pdfplumber.open(normal.handling) as pdf:
        first = pdf.pages[0].extract_text()
    for label in ("Organ", "Sammankallande", "Ledamöter", "Ersättare", "Tid", "Plats", "Vid förhinder"):
        assert label in first
