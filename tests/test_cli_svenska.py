"""A consistent Swedish CLI: names and spellings, shared options, progress, summaries and exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rapportgen.cli import cli

from .conftest import EXAMPLES
from .handling_helpers import dokument, write_manifest

ARENDE = EXAMPLES / "tjansteskrivelser" / "10-intern-kontroll.md"
PROFIL = EXAMPLES / "rapportgen.yaml"
MANIFEST = EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml"
SKRIVANDE = ("tjansteskrivelse", "revisionssvar", "uppdragslista", "delarsrapport", "verksamhetsplan", "handling")


def test_kontrollera_is_the_name_and_check_an_alias():
    runner = CliRunner()
    sv = runner.invoke(cli, ["kontrollera", "--profil", str(PROFIL), "--format", "plain", str(ARENDE)])
    en = runner.invoke(cli, ["check", "--profil", str(PROFIL), "--format", "plain", str(ARENDE)])
    assert sv.exit_code == 0, sv.output
    assert "10-intern-kontroll.md" in sv.output
    assert en.exit_code == sv.exit_code and en.output == sv.output
    listing = runner.invoke(cli, ["--help"]).output
    assert "  kontrollera " in listing and "  check " not in listing


@pytest.mark.parametrize("args", [["tjänsteskrivelse", "--help"], ["delårsrapport", "--help"],
                                  ["server", "kör", "--help"], ["TJÄNSTESKRIVELSE", "--help"]])
def test_spellings_with_aa_ae_oe_are_accepted(args):
    result = CliRunner().invoke(cli, args)
    if args[0].isupper():  # command names are case sensitive, as before
        assert result.exit_code == 2 and "Okänt kommando" in result.output
        return
    assert result.exit_code == 0, result.output
    ascii_name = {"tjänsteskrivelse": "tjansteskrivelse", "delårsrapport": "delarsrapport", "server": "server kor"}
    assert f" {ascii_name[args[0]]} [FLAGGOR]" in result.output


def test_tjansteskrivelse_spelled_with_aa_builds(tmp_path):
    result = CliRunner().invoke(cli, ["tjänsteskrivelse", str(ARENDE), "--ingen-pdf", "-o", str(tmp_path),
                                      "--profil", str(PROFIL)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "10-intern-kontroll.docx").is_file()


@pytest.mark.parametrize("verb", SKRIVANDE)
def test_every_writing_command_shares_one_option_set(verb):
    command = cli.commands[verb]
    params = {p.name: p for p in command.params}
    assert {"utmapp", "ingen_pdf", "arbetare", "profil", "mallar"} <= set(params), verb
    assert params["utmapp"].default == Path("outputs")
    assert "-o" in params["utmapp"].opts


def _summary(output: str) -> str:
    lines = [ln for ln in output.splitlines() if ln.startswith("Klart på ")]
    assert len(lines) == 1, output
    return lines[0]


def test_summary_names_the_outputs_and_the_time(tmp_path):
    result = CliRunner().invoke(cli, ["tjansteskrivelse", str(ARENDE), "--ingen-pdf", "-o", str(tmp_path),
                                      "--profil", str(PROFIL)])
    assert result.exit_code == 0, result.output
    assert f"skrev {tmp_path / '10-intern-kontroll.docx'}" in result.output
    assert re.fullmatch(rf"Klart på \d+,\d s: 1 \.docx i {re.escape(str(tmp_path))}\.", _summary(result.output))


def test_handling_without_pdf_writes_only_docx(tmp_path):
    result = CliRunner().invoke(cli, ["handling", str(MANIFEST), "--ingen-pdf", "-o", str(tmp_path),
                                      "--profil", str(PROFIL)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert "kallelse.docx" in written
    assert not [n for n in written if n.endswith(".pdf")]
    # Every document rapportgen makes for the package, one .docx each (external files are not copied).
    from rapportgen import doctypes
    from rapportgen.config import load_profile

    h = doctypes.load_handling(MANIFEST, load_profile(PROFIL))
    made = [d for d in h.delar if d.typ is not None]
    assert len(written) == 1 + len(made)
    assert _summary(result.output).endswith(f" s: {1 + len(made)} .docx i {tmp_path}.")


def test_handling_with_pdf_and_publicering_refuses_ingen_pdf(tmp_path):
    result = CliRunner().invoke(cli, ["handling", str(MANIFEST), "--ingen-pdf", "--publicering", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "--ingen-pdf" in result.output


def test_several_manifests_print_their_total(tmp_path):
    # A meeting of one ärende with one bilaga, and the same meeting without its date.
    dokument(tmp_path, "bilaga.md", "En bilaga")
    bra = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: Ett ärende\n    bilagor:\n"
                                   "      - {etikett: En bilaga, fil: bilaga.md}\n")
    data = yaml.safe_load(bra.read_text(encoding="utf-8"))
    del data["datum"]
    trasig = tmp_path / "trasig.yaml"
    trasig.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["handling", str(bra), str(trasig), "--ingen-pdf",
                                      "-o", str(tmp_path / "ut"), "--profil", str(PROFIL)])
    assert result.exit_code == 2
    assert "trasig.yaml" in result.output and "datum" in result.output
    assert "1 av 2 handlingar byggda" in _summary(result.output)
    assert "Fel: 1 av 2 handlingar kunde inte byggas" in result.output
    assert (tmp_path / "ut" / "sammantrade" / "kallelse.docx").is_file()


def test_progress_counts_documents_out_of_the_total(tmp_path):
    from rapportgen import doctypes
    from rapportgen.config import load_profile

    inputs = sorted((EXAMPLES / "tjansteskrivelser").glob("*.md"))[:3]
    calls = []
    result = doctypes.get("tjansteskrivelse").build(inputs, tmp_path, load_profile(PROFIL),
                                                    progress=lambda *a: calls.append(a))
    assert len(result.pdf) == 3
    done = [c[0] for c in calls]
    assert done == sorted(done) and done[-1] == 3
    assert {c[1] for c in calls} == {3}
    assert calls[-1][2].endswith(".pdf")


def test_batch_progress_counts_rows(tmp_path):
    from rapportgen.config import load_profile
    from rapportgen.doctypes.tjansteskrivelse import build_batch

    sheet = EXAMPLES / "tjansteskrivelser" / "batch" / "arenden.xlsx"
    calls = []
    result = build_batch(sheet, tmp_path, load_profile(PROFIL), pdf=False, progress=lambda *a: calls.append(a))
    assert [c[0] for c in calls] == list(range(1, result.antal + 1))
    assert {c[1] for c in calls} == {result.antal}


def _register(tmp_path: Path, **post) -> Path:
    data = {"sammanträden": ["2023-09-19", "2023-10-17"],
            "rapporter": [{"titel": "Granskning av något", "dnr": "SN/2023:1", "revisionsbyrå": "Byrån",
                           "inkom": "2023-08-01", "svar_senast": "2023-09-29", "status": "pågår", **post}]}
    path = tmp_path / "reg.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("per,code", [("2023-09-05", 0), ("2023-10-02", 1)])
def test_revision_status_exits_1_when_a_reply_is_late(tmp_path, per, code):
    result = CliRunner().invoke(cli, ["revision", "status", "--register", str(_register(tmp_path)),
                                      "--profil", str(PROFIL), "--per", per])
    assert result.exit_code == code, result.output


def test_revision_status_exits_1_when_a_reply_misses_its_meeting(tmp_path):
    path = _register(tmp_path, svar_senast="2023-09-15")  # next meeting 2023-09-19 is after the deadline
    result = CliRunner().invoke(cli, ["revision", "status", "--register", str(path), "--profil", str(PROFIL),
                                      "--per", "2023-09-05"])
    assert result.exit_code == 1 and "MISSAR SAMMANTRÄDE" in result.output


def test_the_profile_init_writes_is_flagged_until_filled_in(tmp_path, monkeypatch):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(cli, ["kontrollera", "inputs", "--format", "plain"])
    assert first.exit_code == 1, first.output
    assert "Exempelkommun" in first.output and "Förnamn Efternamn" in first.output
    assert "rapportgen.yaml" in first.output
    profil = tmp_path / "rapportgen.yaml"
    text = profil.read_text(encoding="utf-8").replace("Exempelkommun", "Ånge kommun")
    profil.write_text(text, encoding="utf-8")
    second = runner.invoke(cli, ["kontrollera", "inputs", "--format", "plain"])
    assert second.exit_code == 1 and "Exempelkommun" not in second.output and "Förnamn Efternamn" in second.output
    profil.write_text(text.replace("Förnamn Efternamn", "Eva Ek"), encoding="utf-8")
    third = runner.invoke(cli, ["kontrollera", "inputs", "--format", "plain"])
    assert third.exit_code == 0, third.output
