"""Every PDF in shared/realworld-pdfs goes into a package intact, or is refused with a clear message.

Also: rotated, landscape and non-A4 pages are stamped without covering content.
"""

from __future__ import annotations

import shutil

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from .handling_helpers import REALWORLD, outline, page_text, write_manifest
from rapportgen.assemble import build_handling
from rapportgen.assemble.pdf import BAND, open_pdf
from rapportgen.exceptions import InputError
from rapportgen.cli import cli

PASSWORD_PDF = "libreoffice-writer-password.pdf"
PASSWORD = "openpassword"
ALL = sorted(p.name for p in REALWORLD.glob("*.pdf"))


def _refusal(name: str) -> str | None:
    """Why the preflight refuses a PDF as it is (None: it is accepted)."""
    try:
        open_pdf(REALWORLD / name)
    except InputError as exc:
        return exc.detalj
    return None


REFUSED = {n: _refusal(n) for n in ALL if _refusal(n) is not None}
# Everything else goes into one package; the encrypted sample goes in with its password.
ACCEPTED = [n for n in ALL if n not in REFUSED or n == PASSWORD_PDF]


def _words(text: str) -> set[str]:
    return {w for w in text.split() if len(w) > 3 and w.isalpha()}


def _open(path, password=None) -> PdfReader:
    r = PdfReader(str(path))
    if r.is_encrypted:
        r.decrypt(password or "")
    return r


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    folder = tmp_path_factory.mktemp("realworld")
    for name in ACCEPTED:
        shutil.copy(REALWORLD / name, folder / name)
    items = "".join(
        f"      - etikett: {name}\n        fil: {name}\n"
        + (f"        lösenord: {PASSWORD}\n" if name == PASSWORD_PDF else "")
        for name in ACCEPTED)
    manifest = write_manifest(folder, f"  - punkt: 5\n    ärendemening: Externa handlingar\n    bilagor:\n{items}")
    return folder, build_handling(manifest, folder / "ut")


def test_every_realworld_pdf_goes_in_intact(package):
    folder, result = package
    out = PdfReader(str(result.handling))
    parts = {p.etikett: p for p in result.delar[1:]}
    assert sorted(parts) == sorted(ACCEPTED)
    for name in ACCEPTED:
        src = _open(folder / name, PASSWORD if name == PASSWORD_PDF else None)
        part = parts[name]
        assert part.sidor == len(src.pages), name
        for i, src_page in enumerate(src.pages):
            dst_page = out.pages[part.forsta_sida - 1 + i]
            # Text is kept (the content stream is wrapped, not rewritten).
            assert _words(src_page.extract_text()) <= _words(dst_page.extract_text()), (name, i)
            # Annotations (links, comments, widgets) are kept, one for one.
            src_annots = [a.get_object().get("/Subtype") for a in (src_page.get("/Annots") or [])]
            # (the package adds one link of its own: the stamp's way back to the ärendelista)
            dst_annots = [a.get_object().get("/Subtype") for a in (dst_page.get("/Annots") or [])
                          if not str(a.get_object().get("/Contents", "")).startswith("Till ärendelistan")]
            assert src_annots == dst_annots, name
            assert dst_page.rotation == src_page.rotation
            # The page is brought to A4 in its orientation, or kept in its size (and reported).
            dw, dh = float(dst_page.mediabox.width), float(dst_page.mediabox.height)
            sw, sh = float(src_page.mediabox.width), float(src_page.mediabox.height)
            a4 = sorted((dw, dh)) == pytest.approx([595.276, 841.89], abs=1.5) and (dw > dh) == (sw > sh)
            same = abs(dw - sw) < 0.01 and abs(dh - sh) < 0.01
            assert a4 or same, (name, i, (sw, sh), (dw, dh))
    # Interactive form fields survive.
    src_fields = _open(folder / "libreoffice-form.pdf").get_fields()
    out_fields = out.get_fields()
    assert src_fields and set(src_fields) <= set(out_fields)
    # The outline of pdflatex-outline.pdf nests under its bilaga bookmark.
    items = outline(out)
    idx = next(i for i, (_d, t, _p) in enumerate(items) if t.endswith("pdflatex-outline.pdf"))
    assert items[idx + 1][0] == 2 and items[idx + 1][1] == "Foo"
    assert items[idx + 1][2] >= parts["pdflatex-outline.pdf"].forsta_sida


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_realworld_pdfs_have_a_clear_message(tmp_path, name):
    shutil.copy(REALWORLD / name, tmp_path / name)
    manifest = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: X\n    bilagor:\n"
                                        f"      - etikett: Bilaga\n        fil: {name}\n")
    res = CliRunner().invoke(cli, ["handling", str(manifest), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 2
    assert name in res.output and REFUSED[name] in res.output and "Traceback" not in res.output
    assert not (tmp_path / "ut" / "handling.pdf").exists()


def test_every_realworld_pdf_is_covered():
    assert set(ACCEPTED) | set(REFUSED) == set(ALL)
    assert PASSWORD_PDF in REFUSED and "lösenordsskyddad" in REFUSED[PASSWORD_PDF]


def test_stamp_never_covers_content(package):
    _folder, result = package
    with pdfplumber.open(str(result.handling)) as pdf:
        for part in result.delar[1:]:
            page = pdf.pages[part.forsta_sida - 1]
            content = [c for c in page.chars if c["size"] > 8]  # the stamp is 7.5 pt
            stamp = [c for c in page.chars if abs(c["size"] - 7.5) < 0.01]
            assert stamp, part.etikett
            if content:
                lowest = max(c["bottom"] for c in content)
                assert lowest <= page.height - BAND + 0.5, part.etikett
            assert min(c["top"] for c in stamp) >= page.height - BAND, part.etikett


def test_password_pdf_without_password_is_refused(tmp_path):
    shutil.copy(REALWORLD / PASSWORD_PDF, tmp_path / PASSWORD_PDF)
    manifest = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: X\n    bilagor:\n"
                                        f"      - etikett: Låst\n        fil: {PASSWORD_PDF}\n")
    res = CliRunner().invoke(cli, ["check", str(manifest)])
    assert res.exit_code == 1  # a check found an error
    assert "lösenordsskyddad" in res.output and "Traceback" not in res.output
    manifest.write_text(manifest.read_text(encoding="utf-8") + "        lösenord: fel\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["handling", str(manifest), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 2
    assert "lösenordet stämmer inte" in res.output
    assert not (tmp_path / "ut" / "handling.pdf").exists()


def test_corrupt_pdf_is_refused(tmp_path):
    data = (REALWORLD / "minimal-document.pdf").read_bytes()
    (tmp_path / "trasig.pdf").write_bytes(data[: len(data) // 3])
    (tmp_path / "inte.pdf").write_text("det här är ingen pdf", encoding="utf-8")
    manifest = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: X\n    bilagor:\n"
                                        "      - {etikett: Trasig, fil: trasig.pdf}\n"
                                        "      - {etikett: Inte, fil: inte.pdf}\n")
    res = CliRunner().invoke(cli, ["check", str(manifest)])
    assert res.exit_code == 1, res.output
    assert "trasig.pdf" in res.output and "inte.pdf" in res.output
    assert "Traceback" not in res.output


def _rotated_copy(src, dst, rotation):
    w = PdfWriter(clone_from=str(src))
    for p in w.pages:
        p.rotate(rotation)
    with open(dst, "wb") as fh:
        w.write(fh)


def test_rotated_and_landscape_pages(tmp_path):
    for rot in (90, 180, 270):
        _rotated_copy(REALWORLD / "minimal-document.pdf", tmp_path / f"rot{rot}.pdf", rot)
    shutil.copy(REALWORLD / "cmyk-image.pdf", tmp_path / "letter.pdf")
    items = "".join(f"      - {{etikett: Roterad {r}, fil: rot{r}.pdf}}\n" for r in (90, 180, 270))
    items += "      - {etikett: Letter, fil: letter.pdf}\n"
    manifest = write_manifest(tmp_path, f"  - punkt: 7\n    ärendemening: Roterade sidor\n    bilagor:\n{items}")
    result = build_handling(manifest, tmp_path / "ut")
    out = PdfReader(str(result.handling))
    parts = {p.etikett: p for p in result.delar[1:]}
    for rot in (90, 180, 270):
        part = parts[f"Roterad {rot}"]
        page = out.pages[part.forsta_sida - 1]
        assert page.rotation == rot
        # 90/270: the page is shown in landscape, and stays so.
        shown_w, shown_h = (page.mediabox.height, page.mediabox.width) if rot in (90, 270) else \
            (page.mediabox.width, page.mediabox.height)
        assert (shown_w > shown_h) == (rot in (90, 270))
        text = " ".join(page_text(result.handling, part.forsta_sida).split())
        assert f"Ärende 7 · Bilaga {part.bilaga}" in text
        assert f"Sida {part.forsta_sida} av {result.sidor}" in text
        assert "Hello World" in text or _words(text)
    letter = parts["Letter"]
    # US Letter becomes A4 (text scaled to 97 %, not below 90 %).
    assert float(out.pages[letter.forsta_sida - 1].mediabox.width) == pytest.approx(595.276, abs=0.01)
    assert "Ärende 7 · Bilaga 4" in " ".join(page_text(result.handling, letter.forsta_sida).split())


def test_rotated_stamp_reads_upright(tmp_path):
    """pdfplumber sees the rotated page as shown: the stamp lies in the bottom band, upright."""
    _rotated_copy(REALWORLD / "pdflatex-4-pages.pdf", tmp_path / "rot90.pdf", 90)
    manifest = write_manifest(tmp_path, "  - punkt: 7\n    ärendemening: R\n    bilagor:\n"
                                        "      - {etikett: Roterad, fil: rot90.pdf}\n")
    result = build_handling(manifest, tmp_path / "ut")
    text = " ".join(page_text(result.handling, 3).split())
    assert "Sida 3 av" in text and "Ärende 7 · Bilaga 1" in text
    # Check the geometry directly: the stamp's baseline maps to the visual bottom band.
    from rapportgen.assemble.pdf import apply, geometri, invert
    page = PdfReader(str(result.handling)).pages[2]
    g = geometri(page)
    assert (g.bredd, g.hojd) == (pytest.approx(841.89), pytest.approx(595.276))
    u, v = apply(invert(g.till_anvandare), *apply(g.till_anvandare, 10, 5))
    assert (round(u, 6), round(v, 6)) == (10, 5)
