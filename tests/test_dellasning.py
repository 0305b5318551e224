"""Issue 19: a part is read with pikepdf alone (assemble.dellasning); its outline is read as pypdf
read it before (pypdf is the reference here), and a part that cannot be opened gets the same
Swedish error as before, naming the file, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader

from rapportgen.assemble import dellasning
from rapportgen.exceptions import InputError

REALWORLD = Path("/work/shared/realworld-pdfs")


def _outline_tree(reader, items: list, offset: int) -> list[tuple[str, int, list]]:
    """pypdf's reading of an outline, as the build read parts before assemble.dellasning."""
    out: list[tuple[str, int, list]] = []
    for item in items:
        if isinstance(item, list):
            if out:
                out[-1][2].extend(_outline_tree(reader, item, offset))
            continue
        try:
            page = reader.get_destination_page_number(item)
        except Exception:  # a foreign outline entry without a usable page
            page = 0
        out.append((str(item.title), offset + max(page or 0, 0), []))
    return out


def _with_outline(path: Path, named: str) -> Path:
    """Six pages and an outline using every way an item can name its page (named: 'tree' puts
    the named destinations in /Names /Dests, 'dict' in the catalog's /Dests)."""
    pdf = pikepdf.new()
    for _ in range(6):
        pdf.add_blank_page()
    p = [page.obj for page in pdf.pages]
    dests = {"kap2": Array([p[2], Name.Fit]), "kap3": Dictionary(D=Array([p[3], Name.XYZ, 0, 700, 0]))}
    if named == "tree":
        pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(
            Names=Array([String("kap2"), dests["kap2"], String("kap3"), pdf.make_indirect(dests["kap3"])]))))
        ref = String
    else:
        pdf.Root.Dests = pdf.make_indirect(Dictionary({"/kap2": dests["kap2"], "/kap3": dests["kap3"]}))
        ref = Name
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines))
    items = [pdf.make_indirect(Dictionary(Title=String(t), Parent=outlines)) for t in
             ("Inledning", "Åtgärder – översikt", "Namngiven", "Via åtgärd", "Webblänk", "Saknad sida")]
    items[0].Dest = Array([p[1], Name.XYZ, 0, 800, 0])
    items[1].Dest = Array([p[4], Name.Fit])
    items[2].Dest = ref("/kap2" if ref is Name else "kap2")
    items[3].A = Dictionary(S=Name.GoTo, D=ref("/kap3" if ref is Name else "kap3"))
    items[4].A = Dictionary(S=Name.URI, URI=String("https://example.org"))
    items[5].Dest = Array([pdf.make_indirect(Dictionary(Type=Name.Page)), Name.Fit])  # no page of this PDF
    # Inledning > (Åtgärder > (Namngiven, Via åtgärd)), Webblänk, Saknad sida; Saknad sida points back at
    # Webblänk (a cycle, which ends the list).
    outlines.First, outlines.Last = items[0], items[5]
    items[0].Next, items[4].Next, items[5].Next = items[4], items[5], items[4]
    items[0].First = items[0].Last = items[1]
    items[1].First, items[1].Last, items[2].Next = items[2], items[3], items[3]
    pdf.Root.Outlines = outlines
    pdf.save(path)
    return path


def _pypdf(path: Path) -> list:
    reader = PdfReader(str(path), strict=False)
    return _outline_tree(reader, reader.outline, 0) if reader.outline else []


@pytest.mark.parametrize("named", ["tree", "dict"])
def test_outline_is_read_as_pypdf_reads_it(tmp_path, named):
    path = _with_outline(tmp_path / "bm.pdf", named)
    with pikepdf.open(path) as pdf:
        tree = dellasning.bokmarken(pdf)
    assert tree == [("Inledning", 1, [("Åtgärder – översikt", 4,
                                        [("Namngiven", 2, []), ("Via åtgärd", 3, [])])]),
                    ("Webblänk", 0, []), ("Saknad sida", 0, [])]
    assert tree == _pypdf(path)


def test_real_world_outlines_match_pypdf():
    checked = 0
    for path in sorted(REALWORLD.glob("*.pdf")):
        if "password" in path.name:
            continue
        with pikepdf.open(path) as pdf:
            assert dellasning.bokmarken(pdf) == _pypdf(path), path
        checked += 1
    assert checked >= 5


def test_an_outline_nested_too_deep_is_refused_in_words(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines))
    parent = outlines
    for i in range(dellasning.MAX_DJUP + 3):
        item = pdf.make_indirect(Dictionary(Title=String(f"nivå {i}"), Parent=parent))
        parent.First = parent.Last = item
        parent = item
    pdf.Root.Outlines = outlines
    pdf.save(tmp_path / "djup.pdf")
    with pikepdf.open(tmp_path / "djup.pdf") as opened, pytest.raises(InputError) as exc:
        dellasning.bokmarken(opened, manifest=tmp_path / "sammantrade.yaml", plats="rad 4")
    assert "sammantrade.yaml" in str(exc.value) and "rad 4, 'djup.pdf'" in str(exc.value)
    assert "nivåer" in str(exc.value)


def test_a_damaged_pdf_is_refused_in_words(tmp_path):
    bad = tmp_path / "trasig.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot a pdf at all\n")
    with pytest.raises(InputError) as exc:
        dellasning.oppna(bad, manifest=tmp_path / "sammantrade.yaml", plats="rad 7")
    text = str(exc.value)
    assert "rad 7" in text and "trasig.pdf" in text and "PDF" in text


def test_a_wrong_or_missing_password_is_refused_in_words(tmp_path):
    locked = tmp_path / "last.pdf"
    shutil.copyfile(REALWORLD / "libreoffice-writer-password.pdf", locked)
    with pytest.raises(InputError) as exc:
        dellasning.oppna(locked)
    assert "lösenordsskyddad" in str(exc.value)
    with pytest.raises(InputError) as exc:
        dellasning.oppna(locked, "fel")
    assert "lösenordet stämmer inte" in str(exc.value)


def test_a_pdf_without_pages_is_refused_in_words(tmp_path):
    empty = tmp_path / "tom.pdf"
    pikepdf.new().save(empty)
    with pytest.raises(InputError) as exc:
        dellasning.oppna(empty)
    assert "tom.pdf" in str(exc.value) and "inga sidor" in str(exc.value)
