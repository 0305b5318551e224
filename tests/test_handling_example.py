"""The example meeting (socialnämnden 2023-09-19) built into a package, checked with pypdf and pdftotext."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from .handling_helpers import EXAMPLE, PROFILE, all_text, outline, page_text
from rapportgen.assemble import load_handling
from rapportgen.assemble.personnummer import find
from rapportgen.cli import cli
from rapportgen.config import load_profile

MANIFEST = EXAMPLE / "sammantrade.yaml"


# The example package, built once for this file, test_taggat.py and test_rapporter.py (conftest).
@pytest.fixture(scope="module")
def normal(exempelhandling):
    return exempelhandling


# The ärenden of the example meeting that the publication variant changes: 14 (a sekretess bilaga,
# withheld) and 15 (a personnummer in the tjänsteskrivelse, masked), with the opening items.
PUBLICERING_PUNKTER = {1, 2, 3, 4, 14, 15}


def _publiceringsmote(folder: Path) -> Path:
    """The example meeting cut down to PUBLICERING_PUNKTER, its file paths made absolute."""
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    data["ärenden"] = [a for a in data["ärenden"] if a["punkt"] in PUBLICERING_PUNKTER]
    assert len(data["ärenden"]) == len(PUBLICERING_PUNKTER)
    del data["protokoll"]  # written after the meeting; it names ärenden cut here
    for arende in data["ärenden"]:
        if "tjänsteskrivelse" in arende:
            arende["tjänsteskrivelse"] = str(EXAMPLE / arende["tjänsteskrivelse"])
        for bilaga in arende.get("bilagor", []):
            bilaga["fil"] = str(EXAMPLE / bilaga["fil"])
    path = folder / "sammantrade.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def publicering(tmp_path_factory):
    out = tmp_path_factory.mktemp("publicering")
    manifest = _publiceringsmote(tmp_path_factory.mktemp("publiceringsmote"))
    runner = CliRunner()
    res = runner.invoke(cli, ["handling", str(manifest), "-o", str(out), "--publicering",
                              "--profil", str(PROFILE)])
    assert res.exit_code == 0, res.output
    return out, res.output


def _source_pages(d) -> int:
    if d.fil.suffix.lower() == ".pdf":
        r = PdfReader(str(d.fil))
        if r.is_encrypted:
            r.decrypt(d.losenord or "")
        return len(r.pages)
    return -1  # generated or converted: counted from the converted part


def test_page_count_is_sum_of_parts(normal):
    reader = PdfReader(str(normal.handling))
    parts = normal.delar
    assert parts[0].roll == "kallelse"
    # The reported page count is the file's, and the parts cover every page of it exactly once.
    assert normal.sidor == len(reader.pages)
    assert parts[-1].sista_sida == len(reader.pages)
    kallelse_pages = len(PdfReader(str(normal.kallelse_pdf)).pages)
    assert parts[0].sidor == kallelse_pages
    # External PDFs go in with exactly their own pages; parts are contiguous and in manifest order.
    h = load_handling(MANIFEST, load_profile(PROFILE))
    assert len(parts) - 1 == len(h.delar)
    expected_next = 1
    for part, d in zip(parts, [None] + h.delar):
        assert part.forsta_sida == expected_next
        expected_next = part.sista_sida + 1
        if d is not None and d.fil.suffix == ".pdf":
            assert part.sidor == _source_pages(d), d.fil.name
    manifest = json.loads(normal.manifest_json.read_text(encoding="utf-8"))
    assert manifest["sidor"] == len(reader.pages)
    assert [tuple(p["sidor"]) for p in manifest["delar"]] == [(p.forsta_sida, p.sista_sida) for p in parts]
    assert all(len(p["sha256"]) == 64 for p in manifest["delar"])
    assert manifest["delar"][0]["källa"] == "sammantrade.yaml"


def test_bookmarks_point_to_the_parts(normal):
    reader = PdfReader(str(normal.handling))
    items = outline(reader)
    top = [(t, p) for d, t, p in items if d == 0]
    assert top[0] == ("Kallelse och ärendelista", 1)
    h = load_handling(MANIFEST, load_profile(PROFILE))
    with_docs = [a for i, a in enumerate(h.arenden) if h.delar_for(i)]
    assert [t for t, _ in top[1:]] == [a.rubrik() for a in with_docs]
    assert ("8. Ekonomisk delårsrapport med prognos och måluppföljning", normal.arende_sida["8"]) in top
    for title, page in top[1:]:
        punkt = title.split(".")[0]
        assert normal.arende_sida[punkt] == page
    # Each part has a nested bookmark on its first page.
    children = [(t, p) for d, t, p in items if d == 1]
    for part in normal.delar[1:]:
        title = "Tjänsteskrivelse" if part.bilaga is None else f"Bilaga {part.bilaga}: {part.etikett}"
        assert (title, part.forsta_sida) in children
    # The audit report's own outline nests under its bilaga bookmark.
    idx = next(i for i, (d, t, _p) in enumerate(items) if t.startswith("Bilaga 2: Granskning av informations"))
    nested = []
    for d, t, p in items[idx + 1:]:
        if d < 2:
            break
        nested.append(t)
    assert nested[:3] == ["Foo", "Bar", "Baz"] and len(nested) == 9
    # So does a generated report's: the delårsrapport's headings, on its own pages.
    d = next(d for d in normal.delar if d.etikett == "Delårsrapport 2023 Socialnämnden")
    idx = next(i for i, (_d, t, _p) in enumerate(items) if t == f"Bilaga {d.bilaga}: {d.etikett}")
    nested = []
    for depth, t, p in items[idx + 1:]:
        if depth < 2:
            break
        nested.append((t, p))
    titles = [t for t, _p in nested]
    assert "Ekonomi" in titles and "Driftredovisning med prognos" in titles
    assert all(d.forsta_sida <= p <= d.sista_sida for _t, p in nested)


def test_stamps_on_sample_pages(normal):
    pdf = normal.handling
    total = normal.sidor
    by_key = {(p.arende, p.bilaga): p for p in normal.delar[1:]}
    samples = [
        (by_key[("5", None)].forsta_sida, "Ärende 5 · Tjänsteskrivelse"),
        (by_key[("6", 1)].forsta_sida, "Ärende 6 · Bilaga 1"),  # Google Docs export
        (by_key[("8", 3)].forsta_sida, "Ärende 8 · Bilaga 3"),  # xlsx, landscape
        (by_key[("10", 2)].forsta_sida, "Ärende 10 · Bilaga 2"),  # decrypted with password
        (by_key[("12", 2)].sista_sida, "Ärende 12 · Bilaga 2"),  # last page of a multi-page PDF
        (by_key[("15", 1)].forsta_sida, "Ärende 15 · Bilaga 1"),  # US Letter
    ]
    for page, label in samples:
        text = " ".join(page_text(pdf, page).split())
        assert f"Socialnämnden 2023-09-19 · {label}" in text, (page, text[-200:])
        assert f"Sida {page} av {total}" in text
    # The kallelse is stamped too: page numbers run through the whole package.
    first = " ".join(page_text(pdf, 1).split())
    assert "Socialnämnden 2023-09-19 · Kallelse och ärendelista" in first and f"Sida 1 av {total}" in first
    # Landscape stays landscape.
    landscape = PdfReader(str(pdf)).pages[by_key[("8", 3)].forsta_sida - 1]
    assert landscape.mediabox.width > landscape.mediabox.height


def test_arendelista_page_numbers_match_bookmarks(normal):
    doc = Document(str(normal.kallelse_docx))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Punkt")
    rows = {r.cells[0].text: r.cells[3].text for r in table.rows[1:]}
    assert rows["1"] == "" and rows["sa"] == ""
    tops = {t.split(".")[0]: p for d, t, p in outline(PdfReader(str(normal.handling))) if d == 0 and t[0].isdigit()}
    assert {k: int(v) for k, v in rows.items() if v} == tops
    # The kallelse inside the package is the one with the numbers.
    text = all_text(normal.kallelse_pdf)
    assert "Sida" in text and str(tops["15"]) in text
    first = " ".join(page_text(normal.handling, 1).split())
    assert "Kallelse Socialnämnden 2023-09-19" in first


def test_metadata_and_page_labels(normal):
    reader = PdfReader(str(normal.handling))
    assert reader.metadata.title == "Sammanträdeshandling Socialnämnden 2023-09-19"
    assert reader.metadata["/Namnd"] == "Socialnämnden"
    assert reader.metadata["/Sammantradesdatum"] == "2023-09-19"
    assert reader.page_labels == [str(i + 1) for i in range(len(reader.pages))]


def test_normal_variant_keeps_sekretess_and_personnummer(normal):
    text = all_text(normal.handling)
    assert "19121212-1212" in text  # the full package for the members is not masked
    assert "Some text" in text  # the sekretess bilaga (annotated PDF) is in


def test_publication_variant(publicering):
    out, output = publicering
    pdf = out / "handling-publicering.pdf"
    text = all_text(pdf)
    assert find(text) == []
    assert "********-****" in text
    assert "maskerat:" in output and "15-inkomna-skrivelser.md, rad" in output
    assert "Handlingen är utelämnad" in text
    assert "Delegationsbeslut i individärenden augusti 2023" in text
    assert "26 kap. 1 § offentlighets- och sekretesslagen" in " ".join(text.split())
    manifest = json.loads((out / "manifest-publicering.json").read_text(encoding="utf-8"))
    withheld = [p for p in manifest["delar"] if p["roll"] == "utelämnad"]
    assert len(withheld) == 1 and withheld[0]["källa"] is None and withheld[0]["sidor"][0] == withheld[0]["sidor"][1]
    # No page of the sekretess source is in the package: its annotations are gone too.
    reader = PdfReader(str(pdf))
    assert not any(a.get_object().get("/Subtype") == "/Highlight"
                   for page in reader.pages for a in (page.get("/Annots") or []))
    assert "Some text" not in text
    placeholder_page = withheld[0]["sidor"][0]
    assert "Ärende 14 · Bilaga 2" in " ".join(page_text(pdf, placeholder_page).split())
    assert manifest["maskerade_personnummer"]
    assert re.search(r"Sida \d+ av %d" % len(reader.pages), text)
