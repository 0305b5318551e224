"""pdfua.kontrollera lets pikepdf drop the operators it does not look at while parsing; every
kind of content it judges must still be seen: text, paths, inline images, images and forms."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from rapportgen.assemble import pdfua


def _pdf(tmp_path, content: bytes, form: bytes | None = None):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    res = Dictionary(Font=Dictionary(F1=font))
    if form is not None:
        fx = pdf.make_stream(form, Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 100, 100]),
                             Resources=Dictionary(Font=Dictionary(F1=font)))
        img = pdf.make_stream(b"\x00", Type=Name.XObject, Subtype=Name.Image, Width=1, Height=1,
                              ColorSpace=Name.DeviceGray, BitsPerComponent=8)
        res.XObject = Dictionary(Fm1=fx, Im1=img)
    page.obj.Resources = res
    page.obj.Contents = pdf.make_stream(content)
    page.obj.StructParents = 0
    elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, K=0, Pg=page.obj))
    pdf.Root.StructTreeRoot = pdf.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=Array([elem]),
        ParentTree=pdf.make_indirect(Dictionary(Nums=Array([0, Array([elem])])))))
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = pikepdf.String("sv-SE")
    out = tmp_path / "prov.pdf"
    pdf.save(out)
    return out


def _content(tmp_path, content: bytes, form: bytes | None = None) -> list[str]:
    return [p.text for p in pdfua.kontrollera(_pdf(tmp_path, content, form)) if p.regel == "otaggat innehåll"]


def test_tagged_and_artifact_content_pass(tmp_path):
    content = (b"q 1 0 0 1 0 0 cm /P <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Hej) Tj ET EMC Q "
               b"/Artifact BMC 0 0 m 10 10 l S BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI /Fm1 Do /Im1 Do EMC")
    assert _content(tmp_path, content, b"BT /F1 12 Tf (x) Tj ET") == []


def test_untagged_paths_text_and_inline_images_are_found(tmp_path):
    content = (b"q 0 0 m 10 10 l S Q BT /F1 12 Tf 72 700 Td [(a) 10 (b)] TJ ET "
               b"q 1 0 0 1 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q 0 0 10 10 re f")
    assert _content(tmp_path, content) == ["innehåll (INLINE IMAGE) varken taggat eller artefakt (1 st.)",
                                           "innehåll (S) varken taggat eller artefakt (1 st.)",
                                           "innehåll (TJ) varken taggat eller artefakt (1 st.)",
                                           "innehåll (f) varken taggat eller artefakt (1 st.)"]


def test_untagged_forms_and_images_are_found(tmp_path):
    content = b"q 1 0 0 1 0 0 cm /Fm1 Do Q /Im1 Do /P <</MCID 7>> BDC EMC"
    assert _content(tmp_path, content, b"q BT /F1 12 Tf (x) Tj ET Q") == [
        "MCID 7 saknas i ParentTree (1 st.)",
        "bild utanför taggat innehåll (1 st.)",
        "innehåll (Tj) varken taggat eller artefakt (1 st.)"]
