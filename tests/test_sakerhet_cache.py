"""Issue 13: the PDF cache heals: a bad entry is discarded, rebuilt and warned about."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner
from pypdf import PdfReader

from rapportgen.cli import cli
from rapportgen.convert.cache import Cache
from rapportgen.cli.cache import cache_group

from .conftest import EXAMPLES, pdf_text
from .handling_helpers import all_text, dokument, write_manifest

PROFIL = str(EXAMPLES / "rapportgen.yaml")


def _truncate_all(cache: Cache) -> int:
    entries = cache.entries()
    for p in entries:
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])
    return len(entries)


def _batch(tmp_path):
    src = tmp_path / "arenden.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["dnr", "titel", "förslag", "handläggare", "datum", "brödtext"])
        for i in range(3):
            w.writerow([f"SN/2023:{400 + i}", f"Ärende nummer {i}", "Godkänna.", "Åsa Ölund", "2023-09-01",
                        f"Brödtext för ärende {i}."])
    return src


def test_truncated_entry_in_batch_is_rebuilt_with_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()
    sheet = _batch(tmp_path)
    args = ["tjansteskrivelse", "--batch", str(sheet), "-o", str(tmp_path / "ut"), "--profil", PROFIL]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output + first.stderr
    cache = Cache(tmp_path / "cache")
    assert _truncate_all(cache) == 3
    second = runner.invoke(cli, args)
    assert second.exit_code == 0, second.output + second.stderr
    assert "3 av 3 tjänsteskrivelser klara" in second.output
    assert second.stderr.count("skadad PDF i cachen") == 3
    for i, pdf in enumerate(sorted((tmp_path / "ut").glob("*.pdf"))):
        assert len(PdfReader(str(pdf)).pages) >= 1
        assert f"Brödtext för ärende {i}." in pdf_text(pdf)
    # Rebuilt entries are sound: the third run uses them without a word.
    third = runner.invoke(cli, args)
    assert third.exit_code == 0 and "skadad" not in third.stderr


def test_truncated_entry_in_handling_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()
    dokument(tmp_path, "a.md", "Bilaga A", "Innehållet i bilaga A.")
    m = write_manifest(tmp_path, "  - punkt: 5\n    dnr: SN/2023:7\n    ärendemening: Ett ärende\n"
                                 "    bilagor:\n      - {etikett: Bilaga A, fil: a.md}\n")
    args = ["handling", str(m), "-o", str(tmp_path / "ut"), "--profil", PROFIL]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output + first.stderr
    # The package keeps its parts in the cache's delar/ (issue 19): truncate every PDF there too.
    truncated = 0
    for p in sorted((tmp_path / "cache").rglob("*.pdf")):
        p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
        truncated += 1
    assert truncated >= 2
    second = runner.invoke(cli, args)
    assert second.exit_code == 0, second.output + second.stderr
    assert "skadad del i cachen" in second.stderr
    assert "Innehållet i bilaga A." in all_text(tmp_path / "ut" / "handling.pdf")


def test_changed_or_unrecorded_entry_is_not_used(tmp_path):
    from rapportgen.convert.cache import Cache

    warned: list[str] = []
    cache = Cache(tmp_path / "c", varna=warned.append)
    pdf = tmp_path / "x.pdf"
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(100, 100)
    with open(pdf, "wb") as fh:
        w.write(fh)
    cache.put("ab" * 32, pdf)
    assert cache.get("ab" * 32) is not None
    entry = cache.entries()[0]
    # Same size, other bytes: the hash catches it.
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert cache.get("ab" * 32) is None
    assert "innehållet har ändrats" in warned[-1]
    assert cache.entries() == []
    # An entry without its record (written by an older rapportgen) is not trusted either.
    cache.put("cd" * 32, pdf)
    (tmp_path / "c" / "cd" / f"{'cd' * 32}.json").unlink()
    assert cache.get("cd" * 32) is None and "uppgifterna" in warned[-1]
    cache.put("ef" * 32, pdf)
    meta = json.loads((tmp_path / "c" / "ef" / f"{'ef' * 32}.json").read_text())
    assert meta["storlek"] == pdf.stat().st_size


def test_cache_status_and_rensa(tmp_path, monkeypatch):
    from rapportgen.inputs.lascache import Lascache

    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    las = Lascache()
    las.put("12" * 32, {"celler": [["a", 1]]})
    cache = Cache()
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 2048)
    cache.put("ab" * 32, pdf)
    cache.put("cd" * 32, pdf)
    runner = CliRunner()
    res = runner.invoke(cache_group, ["status"])
    assert res.exit_code == 0
    assert str(tmp_path / "c") in res.output and "2 PDF:er" in res.output and "kB" in res.output
    assert str(tmp_path / "xdg" / "rapportgen" / "indata") in res.output and "1 inlästa filer" in res.output
    res = runner.invoke(cache_group, ["rensa"])
    assert res.exit_code == 0 and "2 PDF:er borttagna" in res.output and "1 inlästa filer borttagna" in res.output
    assert cache.entries() == [] and las.entries() == []
    res = runner.invoke(cache_group, ["status"]).output
    assert "0 PDF:er, 0 byte" in res and "0 inlästa filer, 0 byte" in res
