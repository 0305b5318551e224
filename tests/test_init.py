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
            # Types sharing an example (protokoll, protokollsutdrag, anslagsbevis) share one copy.
            assert ((work / "inputs" / f"{t.name}{t.exempel.suffix}").is_file()
                    or (work / "inputs" / t.exempel.name).is_file()), t.name

    # The user fills in the profile and edits a template, then renders from the folder.
    profile = (work / "rapportgen.yaml").read_text(encoding="utf-8")
    profile = profile.replace("123 45 Exempelstad", "841 81 Ånge").replace("kommun: Exempelkommun", "kommun: Ånge kommun")
    profile = profile.replace("förvaltning: Socialförvaltningen", "förvaltning: Omsorgsförvaltningen")
    profile = profile.replace("Förnamn Efternamn", "Eva Ek")
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


    check = runner.invoke(cli, ["kontrollera", "inputs", "--format", "plain"])
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


def _lasmig_commands(text: str) -> list[list[str]]:
    """Every `rapportgen ...` command line LÄSMIG.md shows, as arguments."""
    import re
    import shlex

    lines = re.findall(r"`(rapportgen [^`]+)`", text) + re.findall(r"^ {4}(rapportgen .+)$", text, re.M)
    commands = [shlex.split(line)[1:] for line in dict.fromkeys(lines)]
    return [args for args in commands if args[0] != "init"]  # how the folder was made


def test_lasmig_names_a_working_command_for_every_example(tmp_path, monkeypatch, runner):
    """Each example input is in LÄSMIG with the command that renders it, and every command shown works."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init", "arbete"]).exit_code == 0
    work = tmp_path / "arbete"
    profile = (work / "rapportgen.yaml").read_text(encoding="utf-8")
    (work / "rapportgen.yaml").write_text(profile.replace("kommun: Exempelkommun", "kommun: Ånge kommun")
                                          .replace("Förnamn Efternamn", "Eva Ek"), encoding="utf-8")
    lasmig = (work / "LÄSMIG.md").read_text(encoding="utf-8")
    commands = _lasmig_commands(lasmig)
    rendered = {args[1] for args in commands if args[0] not in ("kontrollera", "mallar")}
    for inp in sorted((work / "inputs").iterdir()):
        name = f"inputs/{inp.name}"
        assert name in lasmig, name
        if inp.name != "dokument.md":
            assert name in rendered, name
    # dokument.md is a bilaga: LÄSMIG says so, and the example manifest uses it.
    assert "dokument.md` är en bilaga" in lasmig
    assert "fil: dokument.md" in (work / "inputs" / "kallelse.yaml").read_text(encoding="utf-8")

    monkeypatch.chdir(work)
    for args in commands:
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)

    out = work / "ut"
    for stem in ("tjansteskrivelse", "revisionssvar", "revisionssvar-tjansteskrivelse", "delarsrapport",
                 "verksamhetsplan"):
        text = squash(pdf_text(out / f"{stem}.pdf"))
        assert "Ånge kommun" in text, stem
        assert "Timrå kommun" not in text and "Exempelkommun" not in text, stem
    assert (out / "uppdragslista.pdf").is_file()
    handling = squash(pdf_text(out / "handling" / "handling.pdf"))
    assert handling.index("Kallelse") < handling.index("Förslag till beslut") \
        < handling.index("Återredovisning av uppdrag om bemanning")
    assert "Solbacken" in handling  # the bilaga's table from dokument.md
