"""Issue 19: the package's PDF/UA content check reuses what was found on each part's pages when the
part was read (kept in the part cache), instead of parsing every page of handling.pdf again; the
result must equal the full check."""

from __future__ import annotations

import shutil

import pikepdf

from rapportgen.assemble import pdfua
from rapportgen.assemble.bygg import build_handling
from rapportgen.config import load_profile

from .handling_helpers import PROFILE, REALWORLD, dokument, write_manifest

ARENDEN = """\
  - punkt: 1
    dnr: SN/2023:41
    ärendemening: Ett ärende
    bilagor:
      - {etikett: Bilaga A, fil: a.md}
      - {etikett: Otaggad PDF, fil: otaggad.pdf}
      - {etikett: Taggad PDF, fil: taggad.pdf}
      - {etikett: MCID utan träd, fil: mcid.pdf}
"""


def _mcid_utan_trad(path) -> None:
    """A page whose text is marked with an MCID, in a PDF without a structure tree."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"/P <</MCID 3>> BDC BT /F1 12 Tf 72 700 Td (Hej) Tj ET EMC")
    pdf.save(path)


def test_package_check_from_the_parts_equals_the_full_check(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "moete"
    folder.mkdir()
    dokument(folder, "a.md", "Bilaga A", "Innehållet i bilaga A.")
    shutil.copyfile(REALWORLD / "minimal-document.pdf", folder / "otaggad.pdf")
    shutil.copyfile(REALWORLD / "002-trivial-libre-office-writer.pdf", folder / "taggad.pdf")
    _mcid_utan_trad(folder / "mcid.pdf")
    manifest = write_manifest(folder, ARENDEN)
    profil = load_profile(PROFILE)

    parsed: list[int] = []
    real = pdfua._content_problems

    def spy(ops, resources, pno, valid, *args, **kw):
        if valid is not None and pno:  # the package's own check of a page
            parsed.append(pno)
        return real(ops, resources, pno, valid, *args, **kw)

    monkeypatch.setattr(pdfua, "_content_problems", spy)
    for out in ("ut1", "ut2"):  # cold, then every part from the cache
        parsed.clear()
        res = build_handling(manifest, tmp_path / out, profil)
        kallelse = res.delar[0]
        # Only the kallelse's pages (not from a part) were parsed by the package's check.
        assert set(parsed) <= set(range(kallelse.forsta_sida, kallelse.sista_sida + 1)), parsed
        full = [p.format() for p in pdfua.kontrollera(res.handling)]
        assert res.pdfua_problem == full
        assert any("otaggat innehåll" in p for p in full)  # the untagged PDF is reported either way
        assert any("MCID 3 saknas i ParentTree" in p for p in full)
