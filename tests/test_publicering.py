"""The publication build leaks no personnummer (issue 14): a package with numbers planted in every
written form and in every place a PDF can hold text."""

from __future__ import annotations

import io
import json

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from .handling_helpers import all_text, dokument, write_manifest
from rapportgen.assemble import build_handling
from rapportgen.assemble.personnummer import find, kind, mask_text
from rapportgen.assemble.publicering import skanna_utdata
from rapportgen.cli import cli

# Every written form (personnummer, samordningsnummer, one with a wrong check digit).
FORMS = ["191212121212", "121212 1212", "19121212 - 1212", "121212–1212", "121212+1212", "20121212-1212",
         "701063-2391", "121212-1213"]
NOT_NUMBERS = ["2023-09-19", "SN/2023:197", "060-16 32 99", "56 950", "-335 978", "08:00"]


def test_every_form_is_found_and_validated():
    text = " ".join(f"({f})" for f in FORMS) + " " + " ".join(NOT_NUMBERS)
    assert find(text) == FORMS
    masked, found = mask_text(text)
    assert found == FORMS and not find(masked)
    assert all(x in masked for x in NOT_NUMBERS)
    assert [kind(f) for f in FORMS] == ["personnummer"] * 6 + ["samordningsnummer", "ogiltigt"]


@given(st.integers(0, 99), st.integers(1, 12), st.integers(1, 28), st.integers(0, 9999),
       st.sampled_from(["", "-", "+", " ", "–", " - "]), st.booleans())
def test_any_plausible_number_is_masked(yy, mm, dd, nr, sep, sekel):
    number = ("19" if sekel else "") + f"{yy:02d}{mm:02d}{dd:02d}{sep}{nr:04d}"
    masked, found = mask_text(f"Namn: Anna, {number}.")
    assert found == [number]
    assert not any(ch.isdigit() for ch in masked)


def _planted_pdf(path):
    """An external PDF with a personnummer in every place except its page text."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 760, "Ansökan om bistånd (extern handling)")
    c.acroForm.textfield(name="Sokande", value="Anna Andersson 191212121212", x=72, y=700, width=300, height=20)
    c.acroForm.textfield(name="Handlaggare", value="Per Persson", x=72, y=660, width=300, height=20)
    c.showPage()
    c.save()
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    page = pdf.pages[0]
    annots = page.obj.get("/Annots", Array())
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=[72, 600, 92, 620],
                                               Contents=String("Kolla 121212 1212 med Skatteverket"))))
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.FreeText, Rect=[72, 560, 300, 580],
                                               Contents=String("Samordningsnr 701063-2391"), DA=String("/Helv 10 Tf"))))
    annots.append(pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=[72, 520, 300, 540], Contents=String("Akt 19121212 - 1212"),
        A=Dictionary(S=Name.URI, URI=String("https://example.org/")))))
    annots.append(pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=[72, 480, 300, 500],
        A=Dictionary(S=Name.URI, URI=String("https://example.org/akt?pnr=121212-1212")))))
    page.obj.Annots = annots
    with pdf.open_outline() as ol:
        ol.root.append(pikepdf.OutlineItem("Ansökan 121212–1212", 0))
    pdf.docinfo["/Title"] = String("Ansökan 121212+1212")
    pdf.docinfo["/Author"] = String("Anna 191212121212")
    with pdf.open_metadata() as meta:
        meta["dc:description"] = "Gäller 20121212-1212"
    attached = pikepdf.AttachedFileSpec(pdf, b"Personnummer: 191212121212\n", filename="underlag.txt")
    pdf.attachments["underlag.txt"] = attached
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('121212-1213');")))
    pdf.Root.Names.JavaScript = Dictionary(Names=Array([String("hej"), js]))
    pdf.Root.OpenAction = js
    pdf.save(path)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")
    _planted_pdf(folder / "ansokan.pdf")
    body = "Uppgifter om sökande:\n\n" + "\n\n".join(f"- Nummer {i}: {f}" for i, f in enumerate(FORMS, 1))
    dokument(folder, "utredning.md", "Utredning", body=body)
    manifest = write_manifest(folder, "  - punkt: 5\n    dnr: SN/2023:99\n    ärendemening: Bistånd\n"
                                      "    bilagor:\n      - {etikett: Utredning, fil: utredning.md}\n"
                                      "      - {etikett: Ansökan, fil: ansokan.pdf}\n")
    return folder, build_handling(manifest, folder / "ut", publicering=True)


def test_published_pdf_holds_no_personnummer_anywhere(planted):
    folder, result = planted
    pdf_path = result.handling
    assert not find(all_text(pdf_path))
    assert skanna_utdata(pdf_path) == []
    raw = pdf_path.read_bytes()
    with pikepdf.open(pdf_path) as pdf:
        assert "/AcroForm" not in pdf.Root and "/OpenAction" not in pdf.Root
        assert not pdf.attachments
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        for page in pdf.pages:
            subtypes = {str(a.Subtype) for a in page.obj.get("/Annots", [])}
            assert subtypes <= {"/Link"}
            for a in page.obj.get("/Annots", []):
                assert "pnr=" not in str(a.get("/A", {}).get("/URI", ""))
        # The streams (page content, flattened fields) decoded: no number either.
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                assert not find(obj.read_bytes().decode("latin-1")), obj.objgen
    assert b"191212121212" not in raw


def test_publication_report_lists_every_place(planted):
    folder, result = planted
    data = json.loads((folder / "ut" / "publicering.json").read_text(encoding="utf-8"))
    posts = data["poster"]
    by_place = {}
    for p in posts:
        by_place.setdefault(p["plats"].split(" '")[0].split(" (")[0], []).append(p)
    ext = {p["plats"]: p for p in posts if p["del"] == "ansokan.pdf"}
    assert ext["formulärfält 'Sokande'"]["åtgärd"] == "borttaget"
    assert "giltigt personnummer" in ext["formulärfält 'Sokande'"]["personnummer"][0]
    assert ext["formulärfält 'Handlaggare'"]["åtgärd"].startswith("plattat")
    assert [p["åtgärd"] for p in by_place["anteckning"]] == ["borttaget", "borttaget"]
    assert any("samordningsnummer" in x for p in by_place["anteckning"] for x in p["personnummer"])
    assert {p["åtgärd"] for p in by_place["länk"]} == {"borttaget"}  # the one whose address holds a number
    assert by_place["länkens beskrivning"][0]["åtgärd"] == "maskerat"
    assert by_place["bokmärke"][0]["personnummer"]
    assert by_place["dokumentinformation"][0]["personnummer"]
    assert by_place["XMP-metadata"][0]["personnummer"]
    assert by_place["inbäddad fil"][0]["åtgärd"] == "borttaget" and by_place["inbäddad fil"][0]["personnummer"]
    js = by_place["JavaScript"]
    assert js and any("stämmer inte" in x for p in js for x in p["personnummer"])
    # Every page reference is a page of the package; the generated part's numbers are listed per page.
    utredning = next(d for d in result.delar if d.etikett == "Utredning")
    text_posts = [p for p in posts if p["plats"].startswith("sidtext")]
    assert text_posts and all(utredning.forsta_sida <= p["sida"] <= utredning.sista_sida for p in text_posts)
    assert sum(int(p["plats"].split("(")[1].split()[0]) for p in text_posts) == len(FORMS)
    sources = data["maskerat_i_källor"]
    assert sum(m["antal"] for m in sources) == len(FORMS)
    described = [x for m in sources for x in m["nummer"]]
    assert sum("giltigt samordningsnummer" in x for x in described) == 1
    assert sum("stämmer inte" in x for x in described) == 1
    txt = (folder / "ut" / "publicering.txt").read_text(encoding="utf-8")
    assert "formulärfält 'Sokande': borttaget" in txt and "Att granska manuellt" in txt
    for f in FORMS:
        assert f not in txt and f not in json.dumps(data, ensure_ascii=False)


def test_the_normal_build_keeps_the_external_part_as_it_is(planted, tmp_path):
    folder, _result = planted
    res = build_handling(folder / "sammantrade.yaml", tmp_path / "ut")
    with pikepdf.open(res.handling) as pdf:
        assert "/AcroForm" in pdf.Root
        subtypes = {str(a.Subtype) for p in pdf.pages for a in p.obj.get("/Annots", [])}
        assert {"/Widget", "/Text", "/FreeText"} <= subtypes


PAGE_FORMS = ["19121212-1212", "121212 1212", "121212–1212"]


def _letter_pdf() -> bytes:
    """An external letter with personnummer in its page text: Helvetica (Tj), an embedded TrueType font,
    and a number split over two text operators."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuTest", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("Helvetica", 11)
    c.drawString(72, 760, f"Sökande Anna Andersson {PAGE_FORMS[0]} bor i Norrvik")
    t = c.beginText(72, 730)
    t.setFont("Times-Roman", 12)
    t.textOut(f"Make {PAGE_FORMS[1][:6]} ")
    t.textOut(f"{PAGE_FORMS[1][7:]} har samtyckt")
    c.drawText(t)
    c.setFont("DejaVuTest", 11)
    c.drawString(72, 700, f"Barn {PAGE_FORMS[2]} går i förskola")
    c.drawString(72, 670, "Dnr SN/2023:197, datum 2023-09-19")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_personnummer_in_an_external_page_text_are_redacted(tmp_path):
    original = _letter_pdf()
    (tmp_path / "brev.pdf").write_bytes(original)
    assert len(find(all_text(tmp_path / "brev.pdf"))) == 3  # the input holds them (and is left as it is)
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: X\n    bilagor:\n"
                                 "      - {etikett: Brev, fil: brev.pdf}\n")
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut"), "--publicering"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "ut" / "handling-publicering.pdf"
    data = json.loads((tmp_path / "ut" / "publicering.json").read_text(encoding="utf-8"))
    page = [p for p in data["poster"] if p["del"] == "brev.pdf" and p["plats"].startswith("sidtext")]
    assert len(page) == 1 and page[0]["plats"] == "sidtext (3 nummer)" and page[0]["åtgärd"].startswith("maskerat")
    assert len(page[0]["personnummer"]) == 3 and all("giltigt personnummer" in x for x in page[0]["personnummer"])
    brev_page = page[0]["sida"]
    txt = (tmp_path / "ut" / "publicering.txt").read_text(encoding="utf-8")
    assert f"sida {brev_page}, brev.pdf: sidtext (3 nummer): maskerat" in txt
    # Read back with both extractors: no digit of any number, the rest of each line kept.
    texts = [PdfReader(str(out)).pages[brev_page - 1].extract_text()]
    with pdfplumber.open(out) as pdf:
        texts.append(pdf.pages[brev_page - 1].extract_text())
    for text in texts:
        assert not find(text)
        for digits in ("1212", "121212", "19121212"):
            assert digits not in text.replace(" ", "")
        for rest in ("Sökande Anna Andersson", "bor i Norrvik", "Make", "har samtyckt", "Barn",
                     "går i förskola", "SN/2023:197", "2023-09-19"):
            assert rest in text, (rest, text)
    # The per-ärende PDF is redacted too; the input file is unchanged.
    per_arende = sorted((tmp_path / "ut" / "publicering").glob("*.pdf"))
    assert len(per_arende) == 1 and not find(all_text(per_arende[0]))
    assert "Sökande Anna Andersson" in all_text(per_arende[0])
    assert (tmp_path / "brev.pdf").read_bytes() == original


def _type3_pdf() -> bytes:
    """A page whose text is in a Type3 font: its glyph names spell digits, so readers extract them."""
    pdf = pikepdf.new()
    names = ["one", "two", "hyphen"]
    procs = Dictionary({f"/{n}": pdf.make_stream(b"500 0 0 0 400 700 d1 0 0 400 700 re f") for n in names})
    font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type3, FontBBox=[0, 0, 500, 700], FontMatrix=[0.001, 0, 0, 0.001, 0, 0],
        CharProcs=procs, FirstChar=49, LastChar=51, Widths=[500, 500, 500], Resources=Dictionary(),
        Encoding=Dictionary(Type=Name.Encoding, Differences=Array([49, Name.one, Name.two, Name.hyphen]))))
    content = b"BT /F1 12 Tf 72 700 Td (12121231212) Tj ET"
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].obj.Resources = Dictionary(Font=Dictionary(F1=font))
    pdf.pages[0].obj.Contents = pdf.make_stream(content)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_personnummer_in_a_font_that_cannot_be_decoded_stops_the_build(tmp_path):
    (tmp_path / "brev.pdf").write_bytes(_type3_pdf())
    assert find(all_text(tmp_path / "brev.pdf")) == ["121212-1212"]
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: X\n    bilagor:\n"
                                 "      - {etikett: Brev, fil: brev.pdf}\n")
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut"), "--publicering"])
    assert res.exit_code == 2, res.output
    assert "brev.pdf, sida 1" in res.output and "typsnitt som inte kan avkodas (F1 (Type3))" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "ut" / "handling-publicering.pdf").exists()


def test_one_tagged_pdf_per_arende_and_an_index(planted):
    folder, result = planted
    pub = folder / "ut" / "publicering"
    assert result.per_arende == pub
    assert sorted(p.name for p in pub.iterdir()) == ["05-SN-2023-99.pdf", "index.html"]
    pdf_path = pub / "05-SN-2023-99.pdf"
    assert not find(all_text(pdf_path)) and skanna_utdata(pdf_path) == []
    with pikepdf.open(pdf_path) as pdf:
        assert str(pdf.Root.Lang) == "sv-SE" and "/StructTreeRoot" in pdf.Root
        assert pdf.open_metadata()["dc:title"] == "Ärende 5: Bistånd"
        parts = [str(p.T) for p in pdf.Root.StructTreeRoot.K[0].K]
        assert parts == ["Bilaga 1: Utredning", "Bilaga 2: Ansökan"]
        assert "/AcroForm" not in pdf.Root
    from rapportgen.assemble.pdfua import kontrollera

    utredning_pages = {1}  # the generated part comes first; the external one has no tags
    assert [p for p in kontrollera(pdf_path) if p.sida in utredning_pages or p.sida is None] == []
    html = (pub / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html and "<title>" in html and "<h1>" in html
    assert '<a href="05-SN-2023-99.pdf">Ärende 5: Bistånd</a> (dnr SN/2023:99)' in html


@given(st.sampled_from(["", "-", "+", " ", "–", " - "]), st.booleans(), st.integers(0, 9999),
       st.sampled_from(["Helvetica", "Times-Roman", "Courier"]), st.integers(6, 24))
def test_page_text_redaction_removes_every_digit_of_the_number(sep, sekel, nr, font, size):
    from rapportgen.assemble import sidtext

    number = ("19" if sekel else "") + f"121212{sep}{nr:04d}"
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(font, size)
    c.drawString(40, 700, f"Namn Anna {number} dnr SN/2023:197")
    c.showPage()
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        pages = sidtext.maskera(pdf)
        assert pages[0].nummer == [number] and pages[0].okanda_typsnitt == []
        out = io.BytesIO()
        pdf.save(out)
    text = PdfReader(out).pages[0].extract_text()
    assert not find(text) and "Namn Anna" in text and "SN/2023:197" in text
    assert not any(ch.isdigit() for ch in text.split("Anna")[1].split("dnr")[0])
