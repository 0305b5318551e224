"""The copy LibreOffice converts keeps only the styles a document can use (convert/prepare.py):
those it names anywhere (body, headers and footers, numbering, settings), what they build on,
the defaults and the table-of-contents styles; the PDF is the same as from all styles."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pdfplumber
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from rapportgen.convert import convert_many
from rapportgen.convert.prepare import prepare

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _styles(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/styles.xml"))
    return {s.get(W + "styleId"): s for s in root.iter(W + "style")}


def _doc_with_styles(path: Path, namn: str) -> dict[str, str]:
    """A document: a paragraph in style `namn` (built on another custom style), a footer in a third,
    a run in a character style; one more custom style is used nowhere. Their style ids."""
    d = docx.Document()
    styles = d.styles
    foralder = styles.add_style("Förälder " + namn, WD_STYLE_TYPE.PARAGRAPH)
    foralder.font.size = Pt(18)
    barn = styles.add_style(namn, WD_STYLE_TYPE.PARAGRAPH)
    barn.base_style = foralder
    fot = styles.add_style("Fotstil", WD_STYLE_TYPE.PARAGRAPH)
    fot.font.size = Pt(20)
    tecken = styles.add_style("Teckenstil", WD_STYLE_TYPE.CHARACTER)
    tecken.font.size = Pt(16)
    oanvand = styles.add_style("Oanvänd", WD_STYLE_TYPE.PARAGRAPH)
    d.add_paragraph("Barnstycket ärver storleken", style=barn)
    p = d.add_paragraph("Vanlig text och ")
    p.add_run("teckenstil", style=tecken)
    d.sections[0].footer.paragraphs[0].text = "Sidfoten"
    d.sections[0].footer.paragraphs[0].style = fot
    d.save(path)
    return {"barn": barn.style_id, "foralder": foralder.style_id, "fot": fot.style_id,
            "tecken": tecken.style_id, "oanvand": oanvand.style_id}


def test_the_copy_keeps_used_styles_their_bases_defaults_and_toc_styles(tmp_path):
    src = tmp_path / "dok.docx"
    ids = _doc_with_styles(src, "Barnstil")
    before = _styles(src)
    out = prepare(src, tmp_path / "kopia.docx", "Titel")
    after = _styles(out)
    for key in ("barn", "foralder", "fot", "tecken"):
        assert ids[key] in after, key
    assert ids["oanvand"] not in after
    assert len(after) < len(before) / 3  # python-docx's template has 160-odd styles
    defaults = {sid for sid, s in before.items() if s.get(W + "default") == "1"}
    assert defaults and defaults <= after.keys()
    tocs = {sid for sid, s in before.items()
            if (s.find(W + "name").get(W + "val") or "").lower().startswith("toc")}
    assert tocs and tocs <= after.keys()
    assert src.read_bytes() != out.read_bytes() and _styles(src).keys() == before.keys()  # the input is untouched


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(namn=st.text(alphabet=st.sampled_from(list("abcÅäö &<>\"'#;0-")), min_size=1, max_size=12)
       .filter(lambda s: s.strip() and s.strip() == s))
def test_a_used_style_is_kept_whatever_its_name(tmp_path, namn):
    src = tmp_path / "dok.docx"
    try:
        ids = _doc_with_styles(src, namn)
    except ValueError:  # a name python-docx itself refuses (one it already has)
        return
    after = _styles(prepare(src, tmp_path / "kopia.docx", None))
    assert ids["barn"] in after and ids["foralder"] in after
    assert ids["oanvand"] not in after


def test_the_pdf_shows_each_style_as_with_all_styles(tmp_path):
    src = tmp_path / "stilar.docx"
    _doc_with_styles(src, "Barnstil")
    pdf = convert_many([src], tmp_path / "ut")[0]
    sizes: dict[str, set[float]] = {}
    with pdfplumber.open(pdf) as p:
        for word in p.pages[0].extract_words(extra_attrs=["size"]):
            sizes.setdefault(word["text"], set()).add(round(word["size"]))
    assert sizes["Barnstycket"] == {18}  # from the style it is based on
    assert sizes["Sidfoten"] == {20}  # a style only the footer uses
    assert sizes["teckenstil"] == {16}  # a character style
    assert sizes["Vanlig"] == {11}
