"""The units of work of `make test` (tests/conftest.py) name tests and files that exist, so a renamed
test or file does not silently fall out of its part or out of the slow-first order."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import DELAR, GEMENSAMMA, ROOT, SAMMA_ARBETARE, TUNGA, arbetsenhet


def _tests(fil: str) -> list[str]:
    tree = ast.parse((ROOT / fil).read_text(encoding="utf-8"))
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]


def test_every_part_prefix_names_a_test_of_its_file():
    for fil, delar in DELAR.items():
        names = _tests(fil)
        for prefix, del_ in delar.items():
            matched = [n for n in names if n.startswith(prefix)]
            assert matched, f"{fil}: inget test börjar med {prefix}"
            assert {arbetsenhet(f"{fil}::{n}") for n in matched} == {
                del_ if del_ in GEMENSAMMA else f"{fil}::{del_}"}


def test_every_slow_unit_is_a_unit():
    units = {arbetsenhet(f"{fil}::{n}") for fil in {*DELAR, *SAMMA_ARBETARE} for n in _tests(fil)}
    for unit in TUNGA:
        fil = unit.partition("::")[0]
        assert unit in GEMENSAMMA or (ROOT / fil).is_file(), unit
        if "::" in unit:
            assert unit in units, unit
    assert len(set(TUNGA)) == len(TUNGA)


def test_a_file_not_listed_is_one_unit():
    assert arbetsenhet("tests/test_tal.py::test_x") == "tests/test_tal.py"
    assert arbetsenhet("tests/test_convert.py::test_parallel_conversion_gives_correct_pdfs") == "tests/test_convert.py"
    assert arbetsenhet("tests/test_convert.py::test_ctrl_c_leaves_no_soffice[under-start]") == \
        "tests/test_convert.py::avbrott"
    assert arbetsenhet("tests/test_taggat.py::test_x") == arbetsenhet(
        "tests/test_rapporter.py::test_delarsrapport_is_a_bilaga_of_the_sammantrade") == "exempelhandling"
    assert all(Path(ROOT / fil).is_file() for fil in SAMMA_ARBETARE)
