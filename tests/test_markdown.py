"""The Markdown loader: front matter, blocks and line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapportgen.exceptions import InputError
from rapportgen.inputs.markdown import Lista, Rubrik, Stycke, Tabell, load_markdown, parse_body


def test_blocks_and_lines():
    body = "# Ärendet\n\nEtt **fett** och *kursivt* ord.\n\n1. ett\n2. två\n   - under\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n"
    blocks = parse_body(body, Path("x.md"), line_offset=10)
    assert isinstance(blocks[0], Rubrik) and blocks[0].text == "Ärendet" and blocks[0].rad == 11
    assert isinstance(blocks[1], Stycke) and blocks[1].rad == 13
    assert [(r.text, r.fet, r.kursiv) for r in blocks[1].runs] == [
        ("Ett ", False, False), ("fett", True, False), (" och ", False, False), ("kursivt", False, True),
        (" ord.", False, False)]
    lista = blocks[2]
    assert isinstance(lista, Lista) and lista.numrerad and len(lista.punkter) == 2
    assert lista.punkter[1].underlista is not None and not lista.punkter[1].underlista.numrerad
    tabell = blocks[3]
    assert isinstance(tabell, Tabell) and tabell.justering == ["left", "right"]
    assert tabell.rader[0][1][0].text == "2"


def test_front_matter_line_offset(tmp_path):
    src = tmp_path / "a.md"
    src.write_text("---\ntitel: x\ndatum: 2023-01-01\n---\n\n# Ärendet\n\nText\n", encoding="utf-8")
    md = load_markdown(src)
    assert md.front.data == {"titel": "x", "datum": "2023-01-01"}  # dates stay text until validated
    assert md.front.line_of(("datum",)) == 3
    assert md.block[0].rad == 6


def test_unclosed_front_matter(tmp_path):
    src = tmp_path / "a.md"
    src.write_text("---\ntitel: x\n", encoding="utf-8")
    with pytest.raises(InputError, match="avslutas aldrig"):
        load_markdown(src)


def test_front_matter_must_be_mapping(tmp_path):
    src = tmp_path / "a.md"
    src.write_text("---\n- a\n- b\n---\n", encoding="utf-8")
    with pytest.raises(InputError, match="namn: värde"):
        load_markdown(src)


def test_hard_break_and_code():
    blocks = parse_body("Rad ett  \nrad två med `kod`.\n", Path("x.md"))
    runs = blocks[0].runs
    assert any(r.radbrytning for r in runs)
    assert any(r.kod and r.text == "kod" for r in runs)
