"""`rapportgen init` followed by a render, the way a new user would do it."""

from __future__ import annotations

from docx import Document

from rapportgen import doctypes
from rapportgen.cli import cli

from .conftest import pdf_text, squash


def test_init_then_render(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["init", "nämnd"])
    assert result.exit_code == 0, result.output
    work = tmp_path / "nämnd"
    assert (work / "rapportgen.yaml").is_file() and (work / "LÄSMIG.md").is_file()
    for t in doctypes.all_types():
        assert (work / "mallar" / f"{t.name}.docx").is_file()
        if t.exempel:
            assert (work / "inputs" / f"{t.name}{t.exempel.suffix}").is_file()

    # The user fills in the profile and edits a template, then renders from the folder.
    profile = (work / "rapportgen.yaml").read_text(encoding="utf-8")
    profile = profile.replace("123 45 Exempelstad", "841 81 Ånge").replace("kommun: Exempelkommun", "kommun: Ånge kommun")
    profile = profile.replace("förvaltning: Socialförvaltningen", "förvaltning: Omsorgsförvaltningen")
    (work / "rapportgen.yaml").write_text(profile, encoding="utf-8")
    doc = Document(str(work / "mallar" / "tjansteskrivelse.docx"))
    doc.paragraphs[0].insert_paragraph_before("Ånges egen mall")
    doc.save(str(work / "mallar" / "tjansteskrivelse.docx"))
    monkeypatch.chdir(work)
    listing = runner.invoke(cli, ["mallar", "lista"])
    assert "profilens inställning mallar:" in listing.output

    result = runner.invoke(cli, ["tjansteskrivelse", "inputs/tjansteskrivelse.md", "-o", "ut"])
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(work / "ut" / "tjansteskrivelse.pdf"))
    assert "Ånges egen mall" in text
    assert "841 81 Ånge" in text  # the footer's address comes from the filled-in profile
    assert "Förslag till beslut" in text
    # The example inputs leave the organisation to the profile: the new names show.
    assert "Ånge kommun" in text and "Omsorgsförvaltningen" in text
    assert "Timrå" not in text and "Exempelkommun" not in text

    for typ, inp in (("revisionssvar", "inputs/revisionssvar.yaml"), ("delarsrapport", "inputs/delarsrapport.yaml")):
        result = runner.invoke(cli, [typ, inp, "-o", "ut"])
        assert result.exit_code == 0, result.output
        pdfs = sorted((work / "ut").glob(f"{typ}*.pdf"))
        assert pdfs, result.output
        text = squash(pdf_text(pdfs[0]))
        assert "Ånge kommun" in text, typ
        assert "Timrå kommun" not in text and "Exempelkommun" not in text, typ

    check = runner.invoke(cli, ["check", "inputs", "--format", "plain"])
    assert check.exit_code == 0, check.output


def test_init_leaves_existing_files(tmp_path, runner):
    (tmp_path / "rapportgen.yaml").write_text("kommun: Min kommun\n", encoding="utf-8")
    result = runner.invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "rapportgen.yaml").read_text(encoding="utf-8") == "kommun: Min kommun\n"
    assert "finns redan, orörd" in result.output
    again = runner.invoke(cli, ["init", str(tmp_path), "--tvinga"])
    assert again.exit_code == 0
    assert "Exempelkommun" in (tmp_path / "rapportgen.yaml").read_text(encoding="utf-8")
