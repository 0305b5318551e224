"""Issue 19: the persistent parse cache for workbooks (inputs.lascache).

A workbook read once is read from the cache next time (no openpyxl), keyed by its bytes, the
reader's code and the limits; a changed byte is a new reading; a damaged entry is reported,
discarded and read again; what comes from the cache equals a fresh reading, value for value.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapportgen import granser
from rapportgen.exceptions import InputError
from rapportgen.inputs import excel, lascache, revisionsregister, xlsx

from .conftest import EXAMPLES, xlsx_fil


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """This test's own parse cache, an empty in-process workbook cache, and a count of openings."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    excel._LASTA.clear()
    opened: list[str] = []
    real = xlsx.Xlsxbok.__init__
    monkeypatch.setattr(xlsx.Xlsxbok, "__init__", lambda self, p: opened.append(str(p)) or real(self, p))
    yield folder / "rapportgen" / "indata", opened
    excel._LASTA.clear()


def _grid(path: Path) -> list:
    """Every sheet's name, values and number formats as the table readers get them, or its error."""
    out = []
    for n in excel._arbetsbok(path).namn:
        try:
            out.append(excel._read_xlsx(path, n))
        except InputError as exc:
            out.append(("fel", exc.detalj, exc.fil, exc.plats))
    return out


def _fresh(path: Path) -> list:
    excel._LASTA.clear()
    return _grid(path)


TABELL = {"Drift": [["Periodrapport per 2023 08"], [], ["Verksamhet", "Budget", "Utfall", "Datum", "Andel"],
                    ["Äldreomsorg <&>", 56950, -1234.5, dt.datetime(2023, 8, 31), 0.25],
                    ["Summa", "=B4", None, None, True]],
          "Volym": [["Mått", "Antal"], ["Platser", 68]]}


def test_a_workbook_read_once_comes_from_the_cache_next_time(tmp_path, cache):
    folder, opened = cache
    path = xlsx_fil(tmp_path / "bok.xlsx", TABELL)
    with pytest.raises(InputError, match="formeln =B4 men inget beräknat värde"):
        excel.load_table(path, blad="Drift", rubrikrad=3, enhet="tkr")
    assert len(opened) == 1  # values, formats and formulas in one reading
    first = _grid(path)  # a sheet after a failed one is read when asked for
    assert first[0][0] == "fel" and len(opened) == 2
    assert len(list(folder.glob("??/*.json"))) == 1  # one entry, with both sheets

    excel._LASTA.clear()  # as a new process: only the persistent cache is left
    again = _grid(path)
    assert len(opened) == 2  # no workbook opened
    assert again == first
    assert again[1] == ("Volym", [["Mått", "Antal"], ["Platser", Decimal(68)]], [["General", "General"]] * 2)
    # The sheet's error is cached too, located at this file.
    with pytest.raises(InputError, match="formeln =B4") as exc:
        excel.load_table(path, blad="Drift", rubrikrad=3, enhet="tkr")
    assert exc.value.fil == str(path) and exc.value.plats == "blad Drift, cell B5"
    t = excel.load_table(path, blad="Volym", enhet="kr")
    assert t.rader[0].belopp("Antal") == Decimal(68) and len(opened) == 2


def test_a_new_process_reads_no_workbook_with_openpyxl(tmp_path):
    # The check of a meeting with Excel tables and bilagor, twice: neither imports openpyxl (inputs.xlsx
    # reads the workbooks), the second reads them from the cache.
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "RAPPORTGEN_SERVER_DIR": str(tmp_path / "srv")}
    prog = ("import sys, json\nfrom rapportgen.commands.kontrollera import check\n"
            f"r = check({str(EXAMPLES / 'sammantrade-2023-09-19' / 'sammantrade.yaml')!r})\n"
            "print(json.dumps([r.exit_code, 'openpyxl' in sys.modules, 'numpy' in sys.modules,"
            " [f.format() for d in r.dokument for f in d.findings]]))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", prog], env=env, capture_output=True, text=True,
                                      check=True, timeout=300).stdout.splitlines()[-1]) for _ in range(2)]
    assert [r[1] for r in runs] == [False, False] and [r[2] for r in runs] == [False, False]
    assert runs[0][0] == runs[1][0] and runs[0][3] == runs[1][3]  # the same findings
    assert len(list((tmp_path / "cache" / "rapportgen" / "indata").glob("??/*.json"))) >= 4


def test_a_changed_byte_is_a_new_reading(tmp_path, cache):
    folder, opened = cache
    path = xlsx_fil(tmp_path / "bok.xlsx", {"Blad": [["Namn", "Belopp"], ["a", 1]]})
    before = _fresh(path)
    assert len(opened) == 1  # values (no formula in the file: none read)
    # The same cells, one byte more (the zip's comment): another content, so another key.
    with zipfile.ZipFile(path, "a") as z:
        z.comment = b"x"
    assert _fresh(path) == before
    assert len(opened) == 2 and len(list(folder.glob("??/*.json"))) == 2
    # A changed value: read again, with the new value.
    xlsx_fil(path, {"Blad": [["Namn", "Belopp"], ["a", 2]]})
    assert _fresh(path)[0][1][1] == ["a", Decimal(2)]
    assert len(opened) == 3


def test_other_limits_are_another_reading(tmp_path, cache):
    _folder, opened = cache
    path = xlsx_fil(tmp_path / "bok.xlsx", {"Blad": [[f"r{i}", i] for i in range(8)]})
    assert len(_fresh(path)[0][1]) == 8
    granser.anvand(granser.Granser(ark_rader=5))
    try:
        fel = _fresh(path)[0]
        assert fel[0] == "fel" and "fler än 5 rader" in fel[1] and len(opened) == 2
        assert _fresh(path)[0] == fel and len(opened) == 2  # the error for these limits is cached
    finally:
        granser.anvand(None)
    assert len(_fresh(path)[0][1]) == 8 and len(opened) == 2


@pytest.mark.parametrize("skada", ["flipped", "truncated", "garbage", "empty", "other_key", "bad_value"])
def test_a_damaged_entry_is_reported_discarded_and_read_again(tmp_path, cache, caplog, skada):
    folder, opened = cache
    path = xlsx_fil(tmp_path / "bok.xlsx", {"Blad": [["Namn", "Belopp"], ["Socialnämnden", 123456]]})
    good = _fresh(path)
    [entry] = folder.glob("??/*.json")
    raw = entry.read_bytes()
    head, _, payload = raw.partition(b"\n")
    if skada == "flipped":  # one digit of a value changed: still valid JSON, but not what was written
        i = payload.index(b"123456")
        damaged = head + b"\n" + payload[:i] + b"923456" + payload[i + 6:]
    elif skada == "truncated":
        damaged = raw[: len(raw) // 2]
    elif skada == "garbage":
        damaged = b"\x00\xff not json"
    elif skada == "empty":
        damaged = b""
    elif skada == "other_key":  # a sound entry under the wrong name
        damaged = raw.replace(entry.stem.encode(), b"0" * 64, 1)
    else:  # sound checksum, but a value the reader never writes
        bad = payload.replace(b'["n","123456"]', b'["x","123456"]')
        import hashlib

        info = json.loads(head)
        info.update(storlek=len(bad), sha256=hashlib.sha256(bad).hexdigest())
        damaged = json.dumps(info).encode() + b"\n" + bad
    entry.write_bytes(damaged)
    with caplog.at_level(logging.WARNING, logger="rapportgen"):
        again = _fresh(path)
    assert again == good  # never the damaged value
    assert again[0][1][1] == ["Socialnämnden", Decimal(123456)]
    assert len(opened) == 2  # read again from the file
    assert "läscachen" in caplog.text and str(path) in caplog.text
    # Rebuilt: the next reading is from a sound entry, without a warning.
    caplog.clear()
    assert entry.read_bytes() != damaged
    with caplog.at_level(logging.WARNING, logger="rapportgen"):
        assert _fresh(path) == good
    assert len(opened) == 2 and caplog.text == ""


def test_the_cache_is_bounded_oldest_out_first(tmp_path):
    c = lascache.Lascache(tmp_path / "c", max_mb=0.05)  # 52 kB; an entry may be a quarter of that
    keys = [lascache.nyckel(f"{i:064x}", lasare="test", version="1") for i in range(12)]
    for i, k in enumerate(keys):
        c.put(k, {"rad": "x" * 10_000})
        os.utime(c._path(k), ns=(i * 10**9, i * 10**9))
    assert sum(p.stat().st_size for p in c.entries()) <= 0.05 * 1024 * 1024
    assert c.get(keys[-1]) == {"rad": "x" * 10_000} and c.get(keys[0]) is None
    c.put(keys[0], {"rad": "y" * 20_000})  # over a quarter of the folder: not stored
    assert c.get(keys[0]) is None


def test_an_unwritable_cache_only_costs_time(tmp_path, cache, monkeypatch):
    _folder, opened = cache
    blocker = tmp_path / "fil"
    blocker.write_text("inte en mapp")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = xlsx_fil(tmp_path / "bok.xlsx", {"Blad": [["Namn"], ["a"]]})
    assert _fresh(path)[0][1] == [["Namn"], ["a"]]
    assert _fresh(path)[0][1] == [["Namn"], ["a"]] and len(opened) == 2


def test_the_register_reader_is_cached_too(tmp_path, cache):
    _folder, opened = cache
    src = EXAMPLES / "revision" / "uppdragslista.xlsx"
    first = revisionsregister.read_workbook(src)
    assert len(opened) == 1
    again = revisionsregister.read_workbook(src)
    assert len(opened) == 1
    assert {k: (v.namn, v.rader, v.bokstaver) for k, v in again.items()} == \
        {k: (v.namn, v.rader, v.bokstaver) for k, v in first.items()}
    assert any(isinstance(v, dt.date) for a in again.values() for _, row in a.rader for v in row)


# --- values from the cache equal a fresh reading -----------------------------------------------

# Text openpyxl can write (no control characters), with XML's special characters and Swedish letters.
text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
               | st.sampled_from(list("<>&\"'åäöÅÄÖ−–\u00a0\t\n")), max_size=30)
cell = st.one_of(
    st.none(), text, st.booleans(), st.integers(-10**15, 10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e300),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)).map(lambda d: dt.datetime(d.year, d.month, d.day)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)).map(lambda d: d.replace(microsecond=0)),
    st.sampled_from(["=SUM(B1:B2)", "=1+1", "#N/A", "'=inte en formel", "0012", "1e5", "-"]),
)
sheets = st.dictionaries(st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=12),
                         st.lists(st.lists(cell, max_size=6), max_size=8), min_size=1, max_size=3)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=sheets, fmt=st.sampled_from([None, "0%", "#,##0", "0.00", "yyyy-mm-dd"]))
def test_values_from_the_cache_equal_a_fresh_reading(tmp_path_factory, data, fmt):
    tmp = tmp_path_factory.mktemp("hyp")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
    try:
        path = xlsx_fil(tmp / "bok.xlsx", data, fmt)
        fresh = _fresh(path)
        entries = list((tmp / "cache" / "rapportgen" / "indata").glob("??/*.json"))
        cached = _fresh(path)
        assert len(entries) == 1
        assert cached == fresh
        for a, b in zip(fresh, cached):  # types too: Decimal stays Decimal, a date a date, text text
            assert [[type(v) for v in r] for r in a[1]] == [[type(v) for v in r] for r in b[1]]
    finally:
        os.environ["XDG_CACHE_HOME"] = old or ""
        if old is None:
            del os.environ["XDG_CACHE_HOME"]
        excel._LASTA.clear()
