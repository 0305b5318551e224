"""The same figure in two documents of one package: the tjänsteskrivelse's table vs the report bilaga."""

import shutil
from pathlib import Path

from openpyxl import load_workbook

from rapportgen.assemble import load_handling
from rapportgen.checks import run_checks
from rapportgen.cli import cli
from rapportgen.config import load_profile

from .conftest import EXAMPLES, pdf_text, squash

MANIFEST = Path("sammantrade-2023-09-19") / "sammantrade.yaml"


def _kopia(tmp_path: Path) -> Path:
    for name in ("sammantrade-2023-09-19", "delarsrapport", "tjansteskrivelser", "revision"):
        shutil.copytree(EXAMPLES / name, tmp_path / name)
    shutil.copyfile(EXAMPLES / "rapportgen.yaml", tmp_path / "rapportgen.yaml")
    return tmp_path / MANIFEST


def _samma_tal(manifest: Path):
    profil = load_profile(manifest.parent.parent / "rapportgen.yaml")
    return [f for f in run_checks(load_handling(manifest, profil), profil) if f.kod == "samma_tal"]


def test_example_package_agrees():
    assert _samma_tal(EXAMPLES / MANIFEST) == []


def test_changed_excel_cell_is_caught_in_the_tjansteskrivelse(tmp_path, runner):
    manifest = _kopia(tmp_path)
    wb = load_workbook(tmp_path / "delarsrapport" / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Äldreomsorg - Hemtjänst")
    ws.cell(row + 1, 4).value -= 1_000_000  # Utfall period, kostnader: one mnkr more
    wb.save(tmp_path / "delarsrapport" / "ekonomi.xlsx")
    found = _samma_tal(manifest)
    where = {(f.dokument.endswith("08-delarsrapport.md"), f.plats.split(",")[1].strip()) for f in found}
    # Kostnader and Nettokostnader, Utfall period and Avvikelse period: four cells of the typed table.
    assert len(found) == 4 and where == {(True, "kolumn 'Utfall period'"), (True, "kolumn 'Avvikelse period'")}
    netto = next(f for f in found if "Nettokostnader" in f.meddelande and "Utfall" in f.meddelande)
    assert netto.forvantat == "-365\u00a0506\u00a0tkr" and netto.funnet == "-364\u00a0506\u00a0tkr"
    assert netto.plats.startswith("rad ")
    # The build stops, naming the file and the line; nothing is written.
    out = tmp_path / "ut"
    result = runner.invoke(cli, ["handling", str(manifest), "-o", str(out)])
    assert result.exit_code == 2
    assert "08-delarsrapport.md, rad" in result.output
    assert not (out / "handling.pdf").exists()


def test_bilaga_given_as_a_folder_names_the_file_to_use(tmp_path):
    manifest = _kopia(tmp_path)
    text = manifest.read_text(encoding="utf-8").replace("fil: ../delarsrapport/delarsrapport.yaml",
                                                         "fil: ../delarsrapport")
    manifest.write_text(text, encoding="utf-8")
    profil = load_profile(tmp_path / "rapportgen.yaml")
    found = [f for f in run_checks(load_handling(manifest, profil), profil) if f.kod == "fil_saknas"]
    assert len(found) == 1
    assert "är en mapp" in found[0].meddelande and "delarsrapport.yaml" in found[0].meddelande
    assert found[0].plats.startswith("rad ")


def _bara_arende_8(manifest: Path) -> None:
    """The meeting with ärende 8 only, its tjänsteskrivelse and the delårsrapport bilaga: the two
    documents the check compares, and a package that builds in a few seconds."""
    text = manifest.read_text(encoding="utf-8")
    head, _, rest = text.partition("ärenden:\n")
    arende = rest[rest.index("  - punkt: 8\n"):rest.index("  - punkt: 9\n")]
    arende = arende[:arende.index("      - etikett: Redovisning kommunchef")]
    manifest.write_text(head + "ärenden:\n" + arende, encoding="utf-8")


def test_tvinga_builds_the_package_and_lists_the_errors(tmp_path, runner):
    manifest = _kopia(tmp_path)
    _bara_arende_8(manifest)
    md = tmp_path / "tjansteskrivelser" / "08-delarsrapport.md"
    md.write_text(md.read_text(encoding="utf-8").replace("| Intäkter | 56 950 |", "| Intäkter | 56 960 |"),
                  encoding="utf-8")
    out = tmp_path / "ut"
    stopped = runner.invoke(cli, ["handling", str(manifest), "-o", str(out)])
    assert stopped.exit_code == 2 and "--tvinga" in stopped.output
    forced = runner.invoke(cli, ["handling", str(manifest), "-o", str(out), "--tvinga"])
    assert forced.exit_code == 0, forced.output
    assert (out / "handling.pdf").is_file()
    assert "samma_tal" in forced.output or "skiljer sig från bilagan" in forced.output
    assert "Delårsrapport 2023 Socialnämnden" in squash(pdf_text(out / "handling.pdf"))


def test_report_part_hash_covers_the_files_it_is_made_from(tmp_path):
    from rapportgen.assemble.bygg import _kallfiler, _sha256_med_kallor

    _kopia(tmp_path)
    yaml = tmp_path / "delarsrapport" / "delarsrapport.yaml"
    names = {f.name for f in _kallfiler(yaml)}
    assert {"ekonomi.xlsx", "mal.yaml", "nyckeltal.xlsx", "ekonomi.md"} <= names
    before = _sha256_med_kallor(yaml, "delarsrapport")
    wb = load_workbook(tmp_path / "delarsrapport" / "ekonomi.xlsx")
    wb["Driftredovisning"]["D5"].value += 1
    wb.save(tmp_path / "delarsrapport" / "ekonomi.xlsx")
    assert _sha256_med_kallor(yaml, "delarsrapport") != before
