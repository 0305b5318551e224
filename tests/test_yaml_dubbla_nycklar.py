"""A key written twice in one mapping of any YAML input (a manifest, front matter, a profile) is an
error naming both lines: YAML would keep the last value and drop the first without a word."""

from __future__ import annotations

import pytest

from rapportgen.exceptions import InputError
from rapportgen.inputs.yamlsrc import parse_yaml


def test_a_second_bilagor_under_one_arende_is_refused_with_both_lines(tmp_path):
    text = ("ärenden:\n"
            "  - punkt: 5\n"
            "    bilagor:\n"
            "      - fil: a.pdf\n"
            "    ärendemening: Yttrande\n"
            "    bilagor:\n"
            "      - fil: b.pdf\n")
    with pytest.raises(InputError) as exc:
        parse_yaml(text, tmp_path / "sammantrade.yaml")
    assert exc.value.plats == "rad 6"
    assert "'bilagor' står två gånger (även på rad 3)" in exc.value.detalj


def test_front_matter_lines_count_from_the_file(tmp_path):
    # Front matter starts after the '---' line: the offset moves the lines named.
    with pytest.raises(InputError) as exc:
        parse_yaml("titel: A\ndnr: SN/2024:1\ntitel: B\n", tmp_path / "a.md", line_offset=1)
    assert exc.value.plats == "rad 4"
    assert "(även på rad 2)" in exc.value.detalj


def test_the_same_key_in_different_mappings_and_merge_keys_are_fine(tmp_path):
    text = ("bas: &bas {enhet: kr}\n"
            "a: {namn: x, <<: *bas}\n"
            "b: {namn: y, <<: *bas}\n"
            "lista:\n  - namn: 1\n  - namn: 2\n")
    data = parse_yaml(text, tmp_path / "ok.yaml").data
    assert data["a"] == {"namn": "x", "enhet": "kr"}
    assert [x["namn"] for x in data["lista"]] == [1, 2]
