"""Issue 19: the package's PDF/UA structure check (figures without alt text, tables without TH,
skipped heading levels) takes each part's findings from when the part was read, instead of walking
every part's structure tree again; the result must equal the full check, pages included."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from rapportgen.assemble import pdfua
from rapportgen.assemble.bygg import build_handling
from rapportgen.config import load_profile

from .handling_helpers import PROFILE, dokument, write_manifest

ARENDEN = """\
  - punkt: 1
    dnr: SN/2023:41
    ärendemening: Ett ärende
    bilagor:
      - {etikett: Bilaga A, fil: a.md}
      - {etikett: Taggad med fel, fil: fel.pdf}
      - {etikett: Bilaga B, fil: b.md}
"""


def _taggad_med_fel(path) -> None:
    """Two tagged pages: H1 then H3 (a skipped level) on the first; a figure without alt text and a
    table without TH on the second."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
    root.K = Array([doc])
    nums = Array()
    for n, tags in enumerate([("H1", "H3"), ("Figure", "TD")]):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.StructParents = n
        content, parents = b"", Array()
        for mcid, tag in enumerate(tags):
            content += b"/%s <</MCID %d>> BDC BT /F1 12 Tf 72 %d Td (Text %d) Tj ET EMC\n" % (
                tag.encode(), mcid, 700 - 40 * mcid, mcid)
            elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + tag), P=doc, Pg=page.obj,
                                                K=Array([mcid])))
            if tag == "TD":  # Table > TR > TD: a table whose cells are all TD
                tr = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.TR, K=Array([elem])))
                table = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Table, P=doc, Pg=page.obj,
                                                     K=Array([tr])))
                tr.P, elem.P = table, tr
                doc.K.append(table)
            else:
                doc.K.append(elem)
            parents.append(elem)
        page.obj.Contents = pdf.make_stream(content)
        nums.extend([n, pdf.make_indirect(parents)])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = 2
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String("sv-SE")
    pdf.save(path)


def test_structure_check_from_the_parts_equals_the_full_check(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "moete"
    folder.mkdir()
    dokument(folder, "a.md", "Bilaga A", "Innehållet i bilaga A.")
    dokument(folder, "b.md", "Bilaga B", "Innehållet i bilaga B.")
    _taggad_med_fel(folder / "fel.pdf")
    assert [f[0] for f in pdfua.strukturfynd(pikepdf.open(folder / "fel.pdf"))] == ["rubriknivå", "figur", "tabell"]
    manifest = write_manifest(folder, ARENDEN)
    profil = load_profile(PROFILE)

    walked: list[str] = []  # the structure types the package's own check looked at
    real_check, real_standard = pdfua.kontrollera, pdfua._standard
    in_check = [False]

    def check(*args, **kw):
        in_check[0] = True
        try:
            return real_check(*args, **kw)
        finally:
            in_check[0] = False

    def standard(elem, rolemap):
        s = real_standard(elem, rolemap)
        if in_check[0]:
            walked.append(s)
        return s

    monkeypatch.setattr(pdfua, "kontrollera", check)
    monkeypatch.setattr(pdfua, "_standard", standard)
    for out in ("ut1", "ut2"):  # cold, then every part from the cache
        walked.clear()
        res = build_handling(manifest, tmp_path / out, profil)
        assert "H3" not in walked and "Figure" not in walked  # the part's tree was not walked again
        in_check[0] = True  # the full check, for comparison, walks everything
        full = [p.format() for p in real_check(res.handling)]
        in_check[0] = False
        assert res.pdfua_problem == full
        fel = next(d for d in res.delar if d.etikett == "Taggad med fel")
        assert f"sida {fel.forsta_sida}: rubriknivå: H3 efter H1 (nivå hoppas över)" in full
        assert f"sida {fel.forsta_sida + 1}: figur: figur utan alternativtext" in full
        assert f"sida {fel.forsta_sida + 1}: tabell: tabell utan rubrikceller (TH)" in full
