"""Issue 13: hostile input ends in a located error, exit 2, within seconds and bounded memory.

Each case runs the real CLI in a child process; a small wrapper reports the
child's peak RSS (getrusage(RUSAGE_CHILDREN) in a process whose only child
is the CLI), so the measurement is the command's own.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from rapportgen import granser
from rapportgen.exceptions import InputError
from rapportgen.inputs.yamlsrc import parse_yaml

from .handling_helpers import write_manifest

MAX_SECONDS = 10.0
MAX_RSS_MB = 300.0

WRAPPER = """
import json, resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": r.returncode, "out": r.stdout, "err": r.stderr, "s": time.monotonic() - t,
                  "cpu": u.ru_utime + u.ru_stime, "rss_mb": u.ru_maxrss / 1024}))
"""


# A package build starts LibreOffice while it reads its input, and stops it when the input is
# refused: one instance is enough to show that (the machine's default is one per core).
EN_ARBETARE = ["--arbetare", "1"]


def run_cli(args: list[str], cwd: Path) -> dict:
    cmd = [sys.executable, "-c", WRAPPER, sys.executable, "-c", "from rapportgen.cli import main; main()", *args]
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)
    return json.loads(res.stdout)


def assert_refused(r: dict, *needles: str, rc: int = 2) -> None:
    assert r["rc"] == rc, r
    assert "Traceback" not in r["err"]
    for n in needles:
        assert n in r["err"] + r["out"], r
    # CPU seconds, not wall-clock: the shared test machine's load must not decide the result.
    assert r["cpu"] < MAX_SECONDS, r
    assert r["rss_mb"] < MAX_RSS_MB, r["rss_mb"]


BOMB = "".join(
    f'{x}: &{x} [{", ".join([f"*{p}"] * 9)}]\n'
    for p, x in zip("abcdefgh", "bcdefghi")
)
BOMB = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + BOMB


def test_alias_bomb_in_front_matter(tmp_path):
    md = tmp_path / "bomb.md"
    md.write_text("---\ntyp: tjansteskrivelse\n" + BOMB + "---\n\nText.\n", encoding="utf-8")
    r = run_cli(["tjansteskrivelse", str(md), "-o", str(tmp_path / "ut"), "--ingen-pdf"], tmp_path)
    assert_refused(r, "bomb.md, rad", "alias")
    assert not (tmp_path / "ut").exists() or not list((tmp_path / "ut").iterdir())
    assert_refused(run_cli(["check", str(md)], tmp_path), "bomb.md", "alias")


def test_alias_bomb_in_manifest(tmp_path):
    m = write_manifest(tmp_path, "  - punkt: 1\n    ärendemening: Öppnas\n")
    m.write_text(m.read_text(encoding="utf-8") + BOMB.replace("a: &a", "x_a: &a"), encoding="utf-8")
    assert_refused(run_cli(["handling", str(m), "-o", str(tmp_path / "ut"), *EN_ARBETARE], tmp_path),
                   "sammantrade.yaml, rad", "alias")
    assert_refused(run_cli(["check", str(m)], tmp_path), "sammantrade.yaml", "alias")


def test_alias_limits_are_profile_settings(tmp_path):
    text = "bas: &b {x: 1}\na: *b\nb: *b\n"
    assert parse_yaml(text, "f.yaml").data["b"] == {"x": 1}
    try:
        granser.anvand(granser.Granser(yaml_alias=1))
        with pytest.raises(InputError, match="fler än 1 alias") as info:
            parse_yaml(text, "f.yaml")
        assert info.value.plats == "rad 3"
        granser.anvand(granser.Granser(yaml_alias=0))
        with pytest.raises(InputError, match="inte är tillåtet"):
            parse_yaml(text, "f.yaml")
    finally:
        granser.anvand(None)
    with pytest.raises(InputError, match="rekursivt alias"):
        parse_yaml("a: &r [1, *r]\n", "f.yaml")


def _pad(data: bytes, marker: bytes, mb: int) -> bytes:
    """Insert mb megabytes of whitespace (legal XML, compresses ~1000:1) before marker."""
    return data.replace(marker, b" " * (mb * 1024 * 1024) + marker, 1)


def zip_bomb(path: Path, member: str, marker: bytes, source: bytes, mb: int = 200) -> Path:
    with zipfile.ZipFile(io.BytesIO(source)) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts[member] = _pad(parts[member], marker, mb)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def xlsx_bomb(path: Path) -> Path:
    wb = Workbook()
    wb.active["A1"] = "Belopp"
    wb.active["A2"] = 100
    buf = io.BytesIO()
    wb.save(buf)
    return zip_bomb(path, "xl/worksheets/sheet1.xml", b"</sheetData>", buf.getvalue())


def docx_bomb(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("Bilaga")
    buf = io.BytesIO()
    doc.save(buf)
    return zip_bomb(path, "word/document.xml", b"</w:body>", buf.getvalue())


def test_zip_bomb_xlsx(tmp_path):
    bomb = xlsx_bomb(tmp_path / "ekonomi.xlsx")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    assert_refused(run_cli(["check", str(bomb)], tmp_path), "ekonomi.xlsx", "zip-bomb")
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: Ett ärende\n    bilagor:\n"
                                 "      - {etikett: Bilaga 1, fil: ekonomi.xlsx}\n")
    assert_refused(run_cli(["handling", str(m), "-o", str(tmp_path / "ut"), *EN_ARBETARE], tmp_path), "ekonomi.xlsx", "zip-bomb")
    # check's own convention: 1 = findings of severity FEL (the bilaga is one).
    assert_refused(run_cli(["check", str(m)], tmp_path), "ekonomi.xlsx", "zip-bomb", rc=1)


def test_zip_bomb_docx(tmp_path):
    docx_bomb(tmp_path / "yttrande.docx")
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: Ett ärende\n    bilagor:\n"
                                 "      - {etikett: Bilaga 1, fil: yttrande.docx}\n")
    assert_refused(run_cli(["handling", str(m), "-o", str(tmp_path / "ut"), *EN_ARBETARE], tmp_path), "yttrande.docx", "zip-bomb")
    assert_refused(run_cli(["check", str(m)], tmp_path), "yttrande.docx", "zip-bomb", rc=1)


def test_huge_markdown(tmp_path):
    md = tmp_path / "stor.md"
    with open(md, "w", encoding="utf-8") as fh:
        fh.write("---\ntyp: tjansteskrivelse\n---\n\n")
        line = "Ett stycke text som upprepas många gånger i en mycket stor fil. " * 4 + "\n\n"
        fh.write(line * (50 * 1024 * 1024 // len(line)))
    r = run_cli(["tjansteskrivelse", str(md), "-o", str(tmp_path / "ut"), "--ingen-pdf"], tmp_path)
    assert_refused(r, "stor.md", "gränsen är 5 MB")
    assert_refused(run_cli(["check", str(md)], tmp_path), "stor.md", "gränsen är 5 MB")


def test_template_loop(tmp_path):
    from .conftest import EXAMPLES

    mallar = tmp_path / "mallar"
    mallar.mkdir()
    doc = Document()
    doc.add_paragraph("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}")
    doc.save(mallar / "tjansteskrivelse.docx")
    src = sorted((EXAMPLES / "tjansteskrivelser").glob("*.md"))[0]
    r = run_cli(["tjansteskrivelse", str(src), "-o", str(tmp_path / "ut"), "--ingen-pdf",
                 "--mallar", str(mallar), "--profil", str(EXAMPLES / "rapportgen.yaml")], tmp_path)
    assert_refused(r, "tjansteskrivelse.docx", "har mallen en loop utan slut?")
