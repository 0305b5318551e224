"""End to end: example tjänsteskrivelser through the CLI to PDF, checked by their text."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from rapportgen.doctypes import tjansteskrivelse
from rapportgen.cli import cli
from rapportgen.config import load_profile

from .conftest import EXAMPLES, pdf_text, squash

INPUTS = sorted((EXAMPLES / "tjansteskrivelser").glob("*.md"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("tj")
    result = CliRunner().invoke(cli, ["tjansteskrivelse", *map(str, INPUTS), "-o", str(out),
                                      "--profil", str(EXAMPLES / "rapportgen.yaml")])
    assert result.exit_code == 0, result.output
    return out


def test_every_example_gives_docx_and_pdf(built):
    assert len(INPUTS) >= 4
    for inp in INPUTS:
        assert (built / f"{inp.stem}.docx").stat().st_size > 0
        assert (built / f"{inp.stem}.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("inp", INPUTS, ids=lambda p: p.stem)
def test_pdf_has_fields_points_and_order(built, inp):
    profil = load_profile(EXAMPLES / "rapportgen.yaml")
    doc = tjansteskrivelse.load(inp, profil)
    text = squash(pdf_text(built / f"{inp.stem}.pdf"))
    f = doc.falt
    assert squash(f.titel) in text
    assert f.dnr in text
    assert f"Datum: {f.datum.isoformat()}" in text
    assert "TJÄNSTESKRIVELSE" in text
    assert "Sida 1 (" in text
    assert f.kommun in text and f.handlaggare.namn in text
    assert "Socialnämnden beslutar:" in text
    # Every förslag point, numbered when there is more than one.
    for i, point in enumerate(f.forslag_till_beslut, start=1):
        shown = f"{i}. {point}" if len(f.forslag_till_beslut) > 1 else point
        assert squash(shown) in text, shown
    # Sections in the documented order; absent ones are left out with their heading.
    order = ["Förslag till beslut", "Ärendet"]
    optional = {"tidigare_behandling": "Ärendets tidigare behandling", "beslutsunderlag": "Beslutsunderlag",
                "protokollsutdrag_till": "Protokollsutdrag till"}
    for key, heading in optional.items():
        if getattr(f, key):
            order.append(heading)
        else:
            assert heading not in text
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions), order
    # Signers last, in order.
    last = text.index(order[-1])
    pos = [text.index(p.namn, last) for p in f.underskrifter]
    assert pos == sorted(pos)
    for p in f.underskrifter:
        assert p.titel in text


def test_optional_body_sections_follow_ärendet(built):
    text = squash(pdf_text(built / "07-bemanning-vard-och-omsorgsboenden.pdf"))
    order = ["Sammanfattning", "Förslag till beslut", "Ärendet", "Läget i september",
             "Ekonomiska konsekvenser", "Ärendets tidigare behandling", "Beslutsunderlag",
             "Protokollsutdrag till"]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    assert "Barnperspektiv" not in text and "Miljö" not in text


def test_markdown_maps_to_template_styles(built):
    doc = Document(str(built / "07-bemanning-vard-och-omsorgsboenden.docx"))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Heading 1", "Heading 2", "List Number"} <= styles
    raw = "\n".join(p.text for p in doc.paragraphs)
    assert "**" not in raw and "# " not in raw
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "tydligt mandat" in bold


def test_table_values_in_pdf(built):
    text = squash(pdf_text(built / "08-delarsrapport.pdf", layout=True))
    assert "Nettokostnader (-) -335 978 -364 506 -28 527 -508 629 -549 515 -40 886" in text
    doc = Document(str(built / "08-delarsrapport.docx"))
    assert len(doc.tables) == 1 and len(doc.tables[0].rows) == 4


def test_two_signers(built):
    text = squash(pdf_text(built / "10-intern-kontroll.pdf"))
    assert text.index("Johan Vikström") < text.index("Sara Öberg", text.index("Socialförvaltningen Johan"))


def test_ingen_pdf_writes_only_docx(tmp_path, runner):
    res = runner.invoke(cli, ["tjansteskrivelse", str(INPUTS[0]), "-o", str(tmp_path), "--ingen-pdf",
                              "--profil", str(EXAMPLES / "rapportgen.yaml")])
    assert res.exit_code == 0, res.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx"]


def test_inputs_are_not_modified(tmp_path, runner):
    before = {p: p.read_bytes() for p in INPUTS}
    runner.invoke(cli, ["tjansteskrivelse", *map(str, INPUTS), "-o", str(tmp_path), "--ingen-pdf"])
    assert before == {p: p.read_bytes() for p in INPUTS}


def test_profile_found_beside_inputs(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(cli, ["tjansteskrivelse", str(INPUTS[0]), "-o", "ut", "--ingen-pdf"])
    assert res.exit_code == 0, res.output
    doc = Document(str(tmp_path / "ut" / f"{INPUTS[0].stem}.docx"))
    header = "\n".join(c.text for t in doc.sections[0].header.tables for row in t.rows for c in row.cells)
    assert "Timrå kommun" in header


def test_help_and_version(runner):
    res = runner.invoke(cli, ["--help"])
    assert res.exit_code == 0 and "tjansteskrivelse" in res.output
    assert "Skapa tjänsteskrivelser" in res.output
    res = runner.invoke(cli, ["--version"])
    assert res.exit_code == 0 and "rapportgen version" in res.output
    res = runner.invoke(cli, ["tjansteskrivelse", "--help"])
    assert "--batch" in res.output and "--ingen-pdf" in res.output
