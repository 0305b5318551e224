"""`rapportgen check` on the seed faults, exit codes, and `--tvinga` on render commands."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from rapportgen.commands.kontrollera import kontrollera
from rapportgen.cli import cli
from rapportgen.config import load_profile

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "seed_faults"
PROFIL = SEED / "rapportgen.yaml"
EXAMPLES = ROOT / "examples" / "tjansteskrivelser"

# Every seed fault in scope, as (file, check, where, found).
EXPECTED = {
    ("08-delarsrapport-augusti.md", "platshallare", "fel", "rad 19", "-XX mnkr"),
    ("08-delarsrapport-augusti.md", "period", "fel", "fält 'beslutsunderlag[3]'", "2023 09"),
    ("08-delarsrapport-augusti.md", "period", "varning", "rad 19", "t.o.m. juli"),
    ("09-driftbudget-mallhjalp.md", "platshallare", "fel", "rad 11", "Skriv text här"),
    ("09-driftbudget-mallhjalp.md", "platshallare", "fel", "rad 15", "Ange investering per rad"),
    ("09-driftbudget-mallhjalp.md", "tomt_avsnitt", "fel", "rad 11", "Skriv text här"),
    ("11-dnr-fel-monster.md", "dnr", "fel", "rad 4 (fält 'dnr')", "SN 2023/51"),
    ("budget-2022.xlsx", "platshallare", "fel", "blad Drift, cell A2", "Skriv text här"),
    ("budget-2022.xlsx", "platshallare", "fel", "blad Investering, cell A2", "Ange investering per rad"),
}


def test_seed_faults_yield_exactly_the_expected_findings():
    rapport = kontrollera([SEED], load_profile(PROFIL))
    got = {(Path(f.dokument).name, f.kod, f.severity.value, f.plats, f.funnet) for f in rapport.findings}
    assert got == EXPECTED
    assert rapport.exit_code == 1


def test_check_command_prints_findings_grouped_by_document():
    result = CliRunner().invoke(cli, ["check", "--profil", str(PROFIL), "--format", "text", str(SEED)])
    assert result.exit_code == 1, result.output
    out = result.output
    # One heading per document, its findings indented under it, errors before warnings.
    heading = out.index("08-delarsrapport-augusti.md (Tjänsteskrivelse)\n")
    block = out[heading:out.index("09-driftbudget-mallhjalp.md")]
    assert block.index("FEL      rad 19: platshållare kvar i texten: '-XX mnkr'") < block.index("VARNING  rad 19")
    assert ("FEL      fält 'beslutsunderlag[3]': '2023 09' avser en annan period än rubrikens period "
            "(augusti 2023) (förväntat augusti 2023, fann 2023 09) [period]") in block
    assert "budget-2022.xlsx (Tabell)\n  FEL      blad Drift, cell A2:" in out
    assert out.rstrip().endswith("Totalt: 8 fel, 1 varning i 4 dokument.")


def test_rich_output_names_every_document():
    result = CliRunner().invoke(cli, ["check", "--profil", str(PROFIL), "--format", "rich", str(SEED)])
    assert result.exit_code == 1
    for name in ("08-delarsrapport-augusti.md", "11-dnr-fel-monster.md", "budget-2022.xlsx", "Förväntat"):
        assert name in result.output


def test_clean_examples_exit_0():
    result = CliRunner().invoke(cli, ["check", "--profil", str(ROOT / "examples" / "rapportgen.yaml"),
                                      str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert "08-delarsrapport.md (Tjänsteskrivelse): inga anmärkningar" in result.output
    assert "Totalt: 0 fel, 0 varningar i " in result.output


def test_user_errors_exit_2(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(tmp_path / "saknas.md")])
    assert result.exit_code == 2 and "INDATA   filen finns inte" in result.output
    bad = tmp_path / "trasig.md"
    bad.write_text("---\ndnr: [\n---\n# Ärendet\n\nText.\n", encoding="utf-8")
    result = runner.invoke(cli, ["check", str(bad), str(EXAMPLES / "10-intern-kontroll.md")])
    assert result.exit_code == 2
    assert "INDATA   rad 2: YAML-syntaxfel" in result.output
    assert "10-intern-kontroll.md (Tjänsteskrivelse)" in result.output  # the other file is still checked
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    result = runner.invoke(cli, ["check", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "okänd filtyp '.pdf'" in result.output
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["check", "--typ", "okand", str(EXAMPLES / "10-intern-kontroll.md")])
    assert result.exit_code == 2 and "okänd dokumenttyp 'okand'" in result.output


def test_render_stops_on_check_errors_unless_forced(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED / "11-dnr-fel-monster.md", src)
    out = tmp_path / "ut"
    runner = CliRunner()
    args = ["tjansteskrivelse", "--profil", str(PROFIL), "--ingen-pdf", "-o", str(out),
            str(src / "11-dnr-fel-monster.md")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "kontrollen hittade 1 fel; rätta dem eller kör med --tvinga" in result.output
    assert "SN 2023/51" in result.output
    assert not out.exists() or not list(out.iterdir())
    result = runner.invoke(cli, [*args, "--tvinga"])
    assert result.exit_code == 0, result.output
    assert (out / "11-dnr-fel-monster.docx").is_file()
    assert "Varning: FEL:" in result.stderr and "diarienumret följer inte" in result.stderr


def test_batch_rows_are_checked_with_cell_locations(tmp_path):
    sheet = tmp_path / "arenden.csv"
    sheet.write_text(
        "dnr;titel;förslag;handläggare;datum;brödtext\n"
        "SN 2023/9;Test av batch;Lägga ärendet till handlingarna.;Anna Lund;2023-09-11;Skriv text här\n"
        "SN/2023:10;Bra ärende;Lägga ärendet till handlingarna.;Anna Lund;2023-09-11;Allt är klart.\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["tjansteskrivelse", "--batch", str(sheet), "--ingen-pdf",
                                      "--profil", str(PROFIL), "-o", str(tmp_path / "ut")])
    assert result.exit_code == 1
    assert "1 av 2 tjänsteskrivelser klara" in result.output
    assert "rad 2, cell A2 (fält 'dnr'): diarienumret följer inte" in result.stderr
    assert "rad 2, cell F2, textrad 1: platshållare kvar i texten: 'Skriv text här'" in result.stderr


def test_dispatch_by_recognizer(tmp_path, monkeypatch):
    from rapportgen import doctypes
    from rapportgen.doctypes.tjansteskrivelse import Kontext

    loaded = []
    fake = doctypes.DocType(
        name="provtyp", label="Provtyp", context_model=Kontext,
        load=lambda path, profil: loaded.append(path) or object(), render=lambda *a: a[1],
        suffixes=(".md",), kanner_igen=lambda p: p.read_text(encoding="utf-8").startswith("---\ntyp: prov"))
    monkeypatch.setitem(doctypes.TYPER.typer, "provtyp", fake)
    prov = tmp_path / "prov.md"
    prov.write_text("---\ntyp: prov\n---\n", encoding="utf-8")
    assert doctypes.for_path(prov) is fake
    assert doctypes.for_path(EXAMPLES / "10-intern-kontroll.md").name == "tjansteskrivelse"
    assert doctypes.for_path(tmp_path / "x.pdf") is None
    result = CliRunner().invoke(cli, ["check", "--format", "text", str(prov)])
    assert result.exit_code == 0 and "prov.md (Provtyp): inga anmärkningar" in result.output
    assert loaded == [prov]
