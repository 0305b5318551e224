"""The patterns against the real reference documents (shared/seeds), when they are present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rapportgen.checks.text import find_placeholders
from rapportgen.identifiers import Beslutsreferens, Delegationsnummer, dnr_monster

SEEDS = Path("/work/shared/seeds")
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="referensdokumenten finns inte på maskinen")


def _lines(name: str) -> list[str]:
    (path,) = SEEDS.glob(f"{name}_*.txt")  # exactly one seed per name: no dependence on listing order
    return path.read_text(encoding="utf-8").splitlines()


def test_placeholders_in_the_seeds_are_exactly_the_known_faults():
    hits = [(name, i, hit) for name in ("000", "001", "002", "004")
            for i, line in enumerate(_lines(name), start=1)
            for cell in line.split("\t") for hit in find_placeholders(cell)]
    assert hits == [("000", 652, "Skriv text här"), ("000", 771, "Ange investering per rad"),
                    ("004", 3065, "-XX mnkr")]


def test_identifiers_in_the_meeting_package_parse():
    text = "\n".join(_lines("004"))
    timra = dnr_monster("{organ}/{år}:{löpnummer}")
    loose = re.findall(r"[A-Za-zÅÄÖåäö]+ ?/ ?\d{4} ?: ?\d+", text)
    assert loose and all(timra.is_valid(d) for d in loose)
    assert len(timra.find_all(text)) == len(loose)
    delegation = re.findall(r"[A-Z]+ DEL/\d{4} § \d+", text)
    assert delegation and [str(Delegationsnummer.parse(d)) for d in delegation] == delegation
    refs = [str(r) for r in Beslutsreferens.find_all(text)]
    assert {"SN/2022-02-15 § 10", "KF 2022-06-13 § 107", "SN 2023-03-15 § 42"} <= set(refs)
