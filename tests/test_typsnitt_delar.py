"""Issue 19: the body font's subsets are re-encoded once per part, when the part is converted, to
stable codes (Windows-1252, the rare other characters on its free codes); the package's join then
draws one font per style without parsing the unchanged parts' pages again.

Against real LibreOffice; the re-encoding is observed by spying on the functions that do it,
never by time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings, strategies as st

from rapportgen.assemble import taggat, typsnitt
from rapportgen.assemble.bygg import build_handling
from rapportgen.config import load_profile

from .conftest import pdf_text
from .handling_helpers import PROFILE, REALWORLD, all_text, dokument, write_manifest

ARENDEN = """\
  - punkt: 1
    dnr: SN/2023:21
    ärendemening: Taxa − justering ≤ 2 procent för effektiv tillsyn
    bilagor:
      - {etikett: Bilaga A, fil: a.md}
      - {etikett: Extern PDF, fil: extern.pdf}
  - punkt: 2
    dnr: SN/2023:22
    ärendemening: Andra ärendet
    bilagor:
      - {etikett: Bilaga B, fil: b.md}
"""

TEXT_A = "Kostnaden −12 tkr ≤ budget → effektiv och tillförlitlig. Åtgärder för äldre: ÅÄÖ åäö é ü « » – “citat”."


@pytest.fixture
def moete(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "moete"
    folder.mkdir()
    dokument(folder, "a.md", "Bilaga A", TEXT_A)
    dokument(folder, "b.md", "Bilaga B", "Innehållet i bilaga B.")
    shutil.copyfile(REALWORLD / "minimal-document.pdf", folder / "extern.pdf")
    return write_manifest(folder, ARENDEN)


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
            and str(obj.get("/BaseFont", "")).partition("+")[2].startswith("Carlito")]


def _bilder(pdf: Path, folder: Path) -> list[bytes]:
    """Every page rendered by poppler (grey, 40 dpi), as raw pixels."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-gray", "-r", "40", str(pdf), str(folder / "s")], check=True)
    return [p.read_bytes() for p in sorted(folder.glob("s*.pgm"))]


def _text(pdf: Path) -> str:
    return pdf_text(pdf, layout=True)



def _count_recodes(monkeypatch, when=lambda: True) -> list[int]:
    """A list that gets one item per content stream of a page (not the forms it draws) that
    typsnitt re-encodes (on its bytes or parsed) while when() holds."""
    depth = [0]
    reencoded: list[int] = []
    real_recode = typsnitt._recode_stream

    def recode(*args, **kwargs):
        if when() and depth[0] == 0:
            reencoded.append(1)
        depth[0] += 1
        try:
            return real_recode(*args, **kwargs)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(typsnitt, "_recode_stream", recode)
    return reencoded


def test_a_part_is_prepared_once_and_the_rebuild_joins_without_reparsing(moete, tmp_path, monkeypatch):
    profil = load_profile(PROFILE)
    build_handling(moete, tmp_path / "ut1", profil)

    # Every converted part in the cache is on the stable codes already (the kallelse, whose entry
    # records its ärendelista rows, is LibreOffice's as it is; so is the first version of a part
    # with a table of contents, kept with its .docx: the copy numbered from its page replaces it).
    def entry(p):
        return json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))

    parts = [p for p in sorted((tmp_path / "cache" / "delar").rglob("*.pdf"))
             if "rader" not in entry(p)["data"] and "docx" not in entry(p)["filer"]]
    assert len(parts) >= 2
    carlito = 0
    for part in parts:
        with pikepdf.open(part) as pdf:
            for f in _fonts(pdf):
                carlito += 1
                codes = typsnitt._to_unicode(f.ToUnicode)
                assert all(typsnitt._kanonisk(ch) in (None, code) for code, ch in codes.items()), codes
            assert not typsnitt.forbered(pdf), part
    assert carlito >= 2

    # Rebuild after b.md changed: only b is prepared again, and joining the fonts re-encodes the
    # kallelse's pages only (LibreOffice's codes, not prepared: it is also written as kallelse.pdf).
    dokument(moete.parent, "b.md", "Bilaga B", "Innehållet i bilaga B, ändrat efter beredningen.")
    prepared: list[int] = []
    real_forbered = typsnitt.forbered
    monkeypatch.setattr(typsnitt, "forbered", lambda pdf: prepared.append(len(pdf.pages)) or real_forbered(pdf))
    in_join = [False]
    reencoded = _count_recodes(monkeypatch, lambda: in_join[0])  # pages parsed in the join
    real_join = taggat.dela_typsnitt

    def join(pdf):
        in_join[0] = True
        try:
            return real_join(pdf)
        finally:
            in_join[0] = False

    monkeypatch.setattr(taggat, "dela_typsnitt", join)
    inc = build_handling(moete, tmp_path / "ut2", profil)
    assert len(prepared) == 1
    kallelse_pages = inc.delar[0].sidor
    assert 0 < len(reencoded) <= kallelse_pages < inc.sidor

    # The same inputs from an empty cache: the same text, the same look, one font program per style.
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache-kall"))
    cold = build_handling(moete, tmp_path / "ut3", profil)
    assert "ändrat efter beredningen" in all_text(inc.handling)
    assert "−12 tkr ≤ budget → effektiv" in _text(inc.handling)
    assert all_text(inc.handling) == all_text(cold.handling)
    assert _bilder(inc.handling, tmp_path / "bild-inc") == _bilder(cold.handling, tmp_path / "bild-kall")
    with pikepdf.open(inc.handling) as pdf:
        programs: dict[str, set] = {}
        for f in _fonts(pdf):
            programs.setdefault(str(f.BaseFont).partition("+")[2], set()).add(f.FontDescriptor.FontFile2.objgen)
        assert programs.get("Carlito") and all(len(v) == 1 for v in programs.values()), programs


def test_preparing_keeps_the_text_and_the_look(moete, tmp_path):
    """LibreOffice's kallelse (not prepared by the build) re-encoded on its own: the same page text
    and the same pixels, its rare characters (−, ≤) on Windows-1252's free codes."""
    build_handling(moete, tmp_path / "ut", load_profile(PROFILE))
    raw = tmp_path / "ut" / "kallelse.pdf"
    prepared = tmp_path / "forberedd.pdf"
    with pikepdf.open(raw) as pdf:
        assert typsnitt.forbered(pdf)
        pdf.save(prepared)
    assert "Taxa − justering ≤ 2 procent" in _text(raw)
    assert _text(prepared) == _text(raw)
    assert _bilder(prepared, tmp_path / "bild-ny") == _bilder(raw, tmp_path / "bild-lo")
    with pikepdf.open(prepared) as pdf:
        fonts = _fonts(pdf)
        assert fonts
        seen: dict[str, int] = {}
        for f in fonts:
            for code, ch in typsnitt._to_unicode(f.ToUnicode).items():
                assert code == (typsnitt._kanonisk(ch) or code) and (typsnitt._kanonisk(ch) or code in typsnitt.FRIA)
                seen[ch] = code
        assert seen["−"] in typsnitt.FRIA and seen["≤"] in typsnitt.FRIA and seen["ä"] == 0xE4


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sets(st.characters(blacklist_categories=("Cs",)), max_size=60), min_size=1, max_size=4))
def test_stable_codes(fonts):
    """Each character one code; a Windows-1252 character its own byte, whatever else the package
    holds; the others on distinct free codes, or no joining when they do not fit."""
    codes = [{i + 1: ch for i, ch in enumerate(sorted(s))} for s in fonts]
    target = typsnitt._tilldela(codes)
    chars = set().union(*fonts)
    extra = {ch for ch in chars if typsnitt._kanonisk(ch) is None}
    if len(extra) > len(typsnitt.FRIA):
        assert target is None
        return
    assert target is not None and set(target) == chars
    assert len(set(target.values())) == len(chars)
    for ch, code in target.items():
        k = typsnitt._kanonisk(ch)
        assert code == k if k is not None else code in typsnitt.FRIA
        if k is not None:
            assert ch.encode("cp1252") == bytes([code])


def test_an_external_pdf_is_prepared_in_a_copy_and_reused(moete, tmp_path, monkeypatch):
    """An external PDF made with LibreOffice (here: the first build's kallelse) is re-encoded once,
    in a copy kept in the cache; the user's file is never written."""
    profil = load_profile(PROFILE)
    build_handling(moete, tmp_path / "ut0", profil)
    folder = tmp_path / "andra"
    folder.mkdir()
    shutil.copyfile(tmp_path / "ut0" / "kallelse.pdf", folder / "extern.pdf")
    dokument(folder, "a.md", "Bilaga A", "Innehållet i bilaga A.")
    original = (folder / "extern.pdf").read_bytes()
    with pikepdf.open(folder / "extern.pdf") as pdf:
        assert typsnitt._granskade(pdf)  # LibreOffice's Carlito subsets: joinable
    manifest = write_manifest(folder, """\
  - punkt: 1
    dnr: SN/2023:31
    ärendemening: Ett ärende med en extern bilaga
    bilagor:
      - {etikett: Bilaga A, fil: a.md}
      - {etikett: Extern PDF, fil: extern.pdf}
""")
    first = build_handling(manifest, tmp_path / "ut1", profil)
    assert (folder / "extern.pdf").read_bytes() == original

    dokument(folder, "a.md", "Bilaga A", "Innehållet i bilaga A, ändrat.")
    reencoded = _count_recodes(monkeypatch)
    again = build_handling(manifest, tmp_path / "ut2", profil)
    # The changed bilaga's pages when it is prepared and the kallelse's in the join; not the external PDF's.
    kallelse, bilaga, extern = again.delar
    assert extern.kalla == "extern.pdf" and extern.sidor >= 1
    assert len(reencoded) <= kallelse.sidor + bilaga.sidor
    assert (folder / "extern.pdf").read_bytes() == original
    assert "Taxa − justering ≤ 2 procent" in _text(again.handling)
    assert all_text(first.handling).replace("bilaga A.", "bilaga A, ändrat.") == all_text(again.handling)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(sorted(typsnitt.FASTA) + list("aåÄ€–—…“”•") + ["\u2248", "\u2211", "\u03b1", "st"]),
               max_size=30),
       st.sets(st.sampled_from(sorted(typsnitt.FASTA) + list("bö") + ["\u2248", "\u03b2", "ck"]), max_size=20))
def test_common_characters_keep_their_code_in_any_package(a, b):
    """A ligature or sign with a fixed code, or a Windows-1252 character, has the same code in a
    part alone and in any package the part is joined into: its part is not re-encoded again."""
    alone = typsnitt._tilldela([{i + 1: ch for i, ch in enumerate(sorted(a))}])
    together = typsnitt._tilldela([{i + 1: ch for i, ch in enumerate(sorted(a))},
                                   {i + 1: ch for i, ch in enumerate(sorted(b))}])
    assert alone is not None and together is not None
    for ch in a:
        if ch in typsnitt.FASTA or typsnitt._kanonisk(ch) is not None:
            assert alone[ch] == together[ch], ch
