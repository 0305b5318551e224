"""Issue 19: rendering one document is cheap, and the shortcuts change nothing in the document.

What is reused between renders (compiled template parts, the template analysis, style
lookups, the empty subdocument) must give the same document as doing the work again, must
follow a template edited on disk, and must not weaken the sandbox. Work is counted (how
often Jinja parses, how many Word packages are opened), never timed.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import docx.opc.package
import jinja2
import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.image.image import Image
from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from rapportgen import doctypes
from rapportgen.config import Profil
from rapportgen.config.profil import profile_for
from rapportgen.exceptions import TemplateError
from rapportgen.format import MINUS, Formatter
from rapportgen.render.docx import render_docx
from rapportgen.render.environment import make_environment
from rapportgen.render.oppna import open_template
from rapportgen.render.stilar import Stilar
from rapportgen.render.templates import SHIPPED

from .conftest import EXAMPLES

TJANST = EXAMPLES / "tjansteskrivelser"


def _document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def _mall(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


# --- compiled template parts -----------------------------------------------------------------

def test_compiled_code_follows_the_formatter():
    """Jinja may fold a filter on a constant at compile time; a cached compile must not carry
    one profile's minus sign into another's render."""
    src = "{{ -5|tal }} {{ x|tal }}"
    ascii_minus = make_environment(Formatter()).from_string(src).render(x=-3)
    true_minus = make_environment(Formatter(MINUS, False)).from_string(src).render(x=-3)
    assert ascii_minus == "-5 -3"
    assert true_minus == f"{MINUS}5 {MINUS}3"
    assert make_environment(Formatter()).from_string(src).render(x=-3) == "-5 -3"
    env = make_environment(Formatter())
    env.filters["tal"] = lambda v: "X"
    assert env.from_string(src).render(x=-3) == "X X"


@pytest.mark.parametrize("source, error", [
    ("{{ x.__class__.__mro__ }}", jinja2.exceptions.SecurityError),
    ("{{ 'a' * 2000000 }}", jinja2.exceptions.SecurityError),
    ("{{ range(10000000)|list|length }}", OverflowError),
    ("{{ saknas }}", jinja2.UndefinedError),
])
def test_sandbox_holds_for_reused_code(source, error):
    for _ in range(2):  # the second render uses the compiled code of the first
        env = make_environment(Formatter())
        with pytest.raises(error):
            env.from_string(source).render(x="text")


def test_second_render_compiles_nothing(tmp_path, monkeypatch):
    src = TJANST / "05-familjehemsorganisation.md"
    profil = profile_for([src])
    doc = doctypes.get("tjansteskrivelse").load(src, profil)
    doctypes.get("tjansteskrivelse").render(doc, tmp_path / "a.docx", profil)
    parsed: list[str] = []
    original = jinja2.Environment._parse

    def counting_parse(self, source, name, filename):
        parsed.append(source)
        return original(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", counting_parse)
    doctypes.get("tjansteskrivelse").render(doc, tmp_path / "b.docx", profil)
    assert parsed == []
    assert _document_xml(tmp_path / "a.docx") == _document_xml(tmp_path / "b.docx")


def test_template_edited_on_disk_is_read_again(tmp_path):
    """Same size, new text: the render follows the file, not what this process saw before."""
    mall = _mall(tmp_path / "mall.docx", "Hej {{ namn }}")
    render_docx(mall, tmp_path / "1.docx", lambda tpl: {"namn": "Anna"})
    assert b"Hej Anna" in _document_xml(tmp_path / "1.docx")
    _mall(mall, "Hoj {{ namn }}")
    render_docx(mall, tmp_path / "2.docx", lambda tpl: {"namn": "Anna"})
    assert b"Hoj Anna" in _document_xml(tmp_path / "2.docx")
    _mall(mall, "Hoj {{ namn }")  # broken now: the analysis runs again and stops the render
    with pytest.raises(TemplateError):
        render_docx(mall, tmp_path / "3.docx", lambda tpl: {"namn": "Anna"})
    assert not (tmp_path / "3.docx").exists()


def test_renders_share_no_document_state(tmp_path):
    """A render in between, of other data, changes nothing in the next render of the first."""
    typ = doctypes.get("tjansteskrivelse")
    profil = profile_for([TJANST])
    a = typ.load(TJANST / "05-familjehemsorganisation.md", profil)
    b = typ.load(TJANST / "10-intern-kontroll.md", profil)
    typ.render(a, tmp_path / "a1.docx", profil)
    typ.render(b, tmp_path / "b.docx", profil)
    typ.render(a, tmp_path / "a2.docx", profil)
    assert _document_xml(tmp_path / "a1.docx") == _document_xml(tmp_path / "a2.docx")
    assert _document_xml(tmp_path / "a1.docx") != _document_xml(tmp_path / "b.docx")


# --- subdocuments and styles -------------------------------------------------------------------

def test_empty_subdocument_is_docxtpls(monkeypatch):
    """The cheap subdocument gives the XML docxtpl's own Subdoc gives, and opens no package."""
    def fill(sd):
        sd.add_paragraph("Rubrik", style="Heading 1")
        sd.add_paragraph("Text", style="Body Text")
        table = sd.add_table(rows=2, cols=3)
        table.cell(1, 2).text = "cell"
        width = sd.sections[-1].page_width
        return width, str(sd)  # str() drops the subdocument's own section properties

    template = SHIPPED / "tjansteskrivelse.docx"
    plain = DocxTemplate(str(template))
    expected = fill(Subdoc(plain))
    tpl = open_template(template)
    opened: list[object] = []
    real_open = docx.opc.package.OpcPackage.open.__func__

    def counting_open(cls, pkg_file):
        opened.append(pkg_file)
        return real_open(cls, pkg_file)

    monkeypatch.setattr(docx.opc.package.OpcPackage, "open", classmethod(counting_open))
    sd = tpl.new_subdoc()
    assert isinstance(sd, Subdoc)
    assert fill(sd) == expected
    assert opened == []


def test_style_lookups_are_python_docxs():
    doc = Document(str(SHIPPED / "tjansteskrivelse.docx"))
    st = Stilar(doc)
    names = [s.name for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH]
    assert "Normal" in names and len(names) > 5
    for name in names:
        assert st.id(name, WD_STYLE_TYPE.PARAGRAPH) == doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
        assert st.id(st[name], WD_STYLE_TYPE.PARAGRAPH) == doc.part.get_style_id(doc.styles[name],
                                                                                WD_STYLE_TYPE.PARAGRAPH)
    assert st.id("Normal", WD_STYLE_TYPE.PARAGRAPH) is None  # the default: no w:pStyle, as python-docx
    with pytest.raises(KeyError):
        st["Ingen sådan stil"]
    with pytest.raises(ValueError):
        st.id("Table Grid", WD_STYLE_TYPE.PARAGRAPH)
    p1, p2 = doc.add_paragraph("a", style="Heading 2"), st.stycke(doc, "a", "Heading 2")
    assert p1._p.xml == p2._p.xml


# --- charts -------------------------------------------------------------------------------

@pytest.mark.parametrize("bredd_cm", [5.0, 14.99, 15.0, 16.0, 16.51])
@pytest.mark.parametrize("hojd_tum", [1.2, 2.4, 3.1, 6.6, 12.9])
def test_chart_is_sized_as_its_png(bredd_cm, hojd_tum):
    """The picture's size comes from a blank PNG of the chart's pixel size: python-docx must
    read the same size and resolution from it as from the chart drawn as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from rapportgen.doctypes.rapport.diagram import DPI, Diagram

    fig = Figure(figsize=(bredd_cm / 2.54, hojd_tum))
    FigureCanvasAgg(fig)
    fig.subplots()
    real = io.BytesIO()
    fig.savefig(real, format="png", dpi=DPI, metadata={"Software": None})
    fig.set_dpi(DPI)
    blank = Diagram(b"", "", bredd_cm, fig.canvas.get_width_height(physical=True)).storlek_png()
    a, b = Image.from_blob(real.getvalue()), Image.from_blob(blank.getvalue())
    assert (b.px_width, b.px_height, b.horz_dpi, b.vert_dpi) == (a.px_width, a.px_height, a.horz_dpi, a.vert_dpi)


def test_blank_png_is_a_valid_image():
    from PIL import Image as PILImage

    from rapportgen.doctypes.rapport.diagram import Diagram

    im = PILImage.open(Diagram(b"", "", 15.0, (885, 390)).storlek_png())
    im.load()  # decodes every row: the data matches the header
    assert im.size == (885, 390)
    assert round(im.info["dpi"][0]) == 150


def test_report_holds_the_svg_charts_only(tmp_path):
    typ = doctypes.get("delarsrapport")
    profil = profile_for([EXAMPLES / "delarsrapport"])
    doc = typ.load(EXAMPLES / "delarsrapport", profil)
    out = typ.render(doc, tmp_path / "d.docx", profil)
    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        rels = z.read("word/_rels/document.xml.rels").decode()
        body = z.read("word/document.xml").decode()
    assert len([n for n in media if n.endswith(".svg")]) == 2
    assert not [n for n in media if n.endswith(".png")]
    assert rels.count("diagram-") == 2
    assert "svgBlip" in body and body.count('descr="Stapeldiagram') == 1 and body.count('descr="Linjediagram') == 1


def test_chart_drawn_once_per_content():
    """The same figures give the chart already drawn; other figures, another width or another
    formatter draw it anew."""
    from rapportgen.doctypes.rapport import diagram

    profil = profile_for([EXAMPLES / "delarsrapport"])
    doc = doctypes.get("delarsrapport").load(EXAMPLES / "delarsrapport", profil)
    fmt = Formatter.from_profil(profil)
    first = diagram.volymer(doc.volymer, fmt)
    assert diagram.volymer(doc.volymer, Formatter.from_profil(profil)) is first
    assert diagram.volymer(doc.volymer, fmt, bredd_cm=12.0) is not first
    other = Formatter(MINUS if fmt.minustecken == "-" else "-", fmt.procent_mellanslag)
    assert diagram.volymer(doc.volymer, other) is not first
    serie = doc.volymer.serier[0]
    plus_one = replace(serie, varden=[None if x is None else x + 1 for x in serie.varden])
    changed = replace(doc.volymer, serier=[plus_one, *doc.volymer.serier[1:]])
    assert diagram.volymer(changed, fmt).svg != first.svg


# --- writing the package ---------------------------------------------------------------------

def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return [(i.filename, z.read(i)) for i in z.infolist()]


def test_saved_package_is_python_docxs(tmp_path):
    """The same members in the same order with the same bytes as python-docx's own save of the
    same document, twice (the second save takes the large parts' compressed bytes from the first)."""
    mall = _mall(tmp_path / "mall.docx", "Hej {{ namn }}")
    for name in ("a", "b"):
        tpl = open_template(mall)
        tpl.render({"namn": name}, jinja_env=make_environment(), autoescape=True)
        tpl.save(str(tmp_path / f"{name}.docx"))
        theirs = io.BytesIO()
        tpl.docx.save(theirs)  # python-docx's writer (zipfile)
        ours = _members((tmp_path / f"{name}.docx").read_bytes())
        assert ours == _members(theirs.getvalue())
        assert [n for n, _ in ours][:2] == ["[Content_Types].xml", "_rels/.rels"]
        assert f"Hej {name}".encode() in dict(ours)["word/document.xml"]
        assert len(dict(ours)["word/styles.xml"]) > 8 * 1024  # large enough to be cached


def test_zip_writer_names_streams_and_raw_copies(tmp_path):
    from rapportgen.render.zippaket import ZipSkrivare, raa_medlem

    big = ("<a>" + "rapportgen " * 5000 + "</a>").encode()
    stream = io.BytesIO(b"prefix")
    stream.seek(0, io.SEEK_END)
    same_length = big.replace(b"rapportgen", b"Rapportgen", 1)
    with ZipSkrivare(stream) as z:
        z.write("word/document.xml", big)
        z.write("word/document2.xml", same_length)  # the cache tells equal-length parts apart
        z.write("word/bilaga-ärende.xml", b"<b/>")
        z.write("tom", b"")
        with pytest.raises(ValueError):
            z.write("tom", b"x")
    data = stream.getvalue()[len(b"prefix"):]
    assert _members(data) == [("word/document.xml", big), ("word/document2.xml", same_length),
                              ("word/bilaga-ärende.xml", b"<b/>"), ("tom", b"")]
    src = tmp_path / "a.zip"
    src.write_bytes(data)
    with zipfile.ZipFile(src) as zin, open(src, "rb") as raw, ZipSkrivare(tmp_path / "b.zip") as zout:
        for info in zin.infolist():
            packed = raa_medlem(raw, info)
            assert packed is not None
            zout.write_raw(info.filename, packed, info.CRC, info.file_size, info.compress_type)
    assert _members((tmp_path / "b.zip").read_bytes()) == _members(data)


def test_page_numbers_removed_and_the_rest_kept(tmp_path):
    from rapportgen.assemble.paketdocx import utan_sidnummer

    profil = profile_for([TJANST])
    doc = doctypes.get("tjansteskrivelse").load(TJANST / "05-familjehemsorganisation.md", profil)
    out = doctypes.get("tjansteskrivelse").render(doc, tmp_path / "a.docx", profil)
    before = dict(_members(out.read_bytes()))
    assert utan_sidnummer(out)
    after = _members(out.read_bytes())
    changed = [n for n, data in after if before[n] != data]
    assert changed and all(n.startswith(("word/footer", "word/header")) for n in changed)
    assert [n for n, _ in after] == list(before)


@pytest.mark.parametrize("mapp", ["verksamhetsplan", "delarsrapport"])
def test_report_rows_copied_as_python_docx_writes_them(tmp_path, monkeypatch, mapp):
    """A table row copied from the first row of its shape is the row python-docx writes."""
    from rapportgen.doctypes.rapport.innehall import Skrivare

    typ = doctypes.get(mapp)
    profil = profile_for([EXAMPLES / mapp])
    doc = typ.load(EXAMPLES / mapp, profil)
    copied = typ.render(doc, tmp_path / "kopierade.docx", profil)

    def every_row_by_python_docx(self, table, values, widths, bold=False, italic=False, fill=None, size=8.5,
                                 keep=False, right=None):
        self._rad_med_python_docx(table, values, widths, bold, italic, fill, size, keep, right)

    monkeypatch.setattr(Skrivare, "_row", every_row_by_python_docx)
    written = typ.render(doc, tmp_path / "skrivna.docx", profil)
    xml = _document_xml(copied)
    assert xml == _document_xml(written)
    assert xml.count(b"<w:tr>") + xml.count(b"<w:tr ") > 40  # the tables are there
