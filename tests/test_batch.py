"""Batch: one tjänsteskrivelse per sheet row; bad rows are reported and skipped."""

from __future__ import annotations

import csv
import shutil

from openpyxl import load_workbook

from rapportgen.cli import cli

from .conftest import EXAMPLES, pdf_text, squash

SHEET = EXAMPLES / "tjansteskrivelser" / "batch" / "arenden.xlsx"
PROFIL = str(EXAMPLES / "rapportgen.yaml")


def test_example_sheet_builds_every_row(runner, tmp_path):
    rows = load_workbook(SHEET).active.max_row - 1
    assert rows >= 10
    res = runner.invoke(cli, ["tjansteskrivelse", "--batch", str(SHEET), "-o", str(tmp_path), "--profil", PROFIL])
    assert res.exit_code == 0, res.output
    assert f"{rows} av {rows} tjänsteskrivelser klara" in res.output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == rows
    text = squash(pdf_text(tmp_path / "14-delegationsbeslut.pdf", layout=True))
    assert "SN/2023:3" in text and "Anmälan av beslut enligt delegation" in text
    assert "SN DEL/2023 § 24" in text  # table from the referenced Markdown body file
    text = squash(pdf_text(tmp_path / "13-uppdragslista.pdf"))
    assert "1. Godkänna redovisningen av nämndens uppdrag." in text
    assert "2. Avsluta de uppdrag som har status Avslutas." in text


def _copy_sheet(tmp_path):
    d = tmp_path / "in"
    shutil.copytree(SHEET.parent, d)
    return d / "arenden.xlsx"


def test_bad_rows_are_reported_and_others_complete(runner, tmp_path):
    sheet = _copy_sheet(tmp_path)
    wb = load_workbook(sheet)
    ws = wb.active
    ws["F3"] = "inte ett datum"  # row 3: bad date
    ws["G5"] = "saknas.md"  # row 5: body file missing
    wb.save(sheet)
    out = tmp_path / "ut"
    res = runner.invoke(cli, ["tjansteskrivelse", "--batch", str(sheet), "-o", str(out), "--profil", PROFIL,
                              "--ingen-pdf"])
    assert res.exit_code == 1
    assert "rad 3, cell F3" in res.output and "'datum'" in res.output
    assert "rad 5, cell G5" in res.output and "saknas.md" in res.output
    assert "10 av 12 tjänsteskrivelser klara" in res.output
    assert len(list(out.glob("*.docx"))) == 10


def test_csv_sheet(runner, tmp_path):
    src = tmp_path / "arenden.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["dnr", "titel", "förslag", "handläggare", "datum", "brödtext"])
        w.writerow(["SN/2023:300", "Test & <prov>", "Lägga ärendet till handlingarna.", "Åsa Ölund", "2023-09-01",
                    "En text om \"citat\" & annat."])
        w.writerow(["SN/2023:301", "Andra", "Godkänna.", "Per", "2023-09-02", "# Okänd rubrik\n\nText"])
    out = tmp_path / "ut"
    res = runner.invoke(cli, ["tjansteskrivelse", "--batch", str(src), "-o", str(out), "--profil", PROFIL])
    assert res.exit_code == 1
    assert "rad 3, cell F3" in res.output and "okänd avsnittsrubrik" in res.output
    text = squash(pdf_text(out / "sn-2023-300-test-prov.pdf"))
    assert "Test & <prov>" in text and "En text om \"citat\" & annat." in text


def test_unknown_column_is_a_file_error(runner, tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("dnr;titel;förslag;handläggare;datum;brödtext;färg\n", encoding="utf-8")
    res = runner.invoke(cli, ["tjansteskrivelse", "--batch", str(src), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 2 and "okänd kolumn 'färg'" in res.output and "cell G1" in res.output
