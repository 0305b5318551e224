"""YAML and validation errors in Swedish, at the right line."""

import pytest

from rapportgen.exceptions import InputError
from rapportgen.inputs.yamlsrc import parse_yaml, validate
from rapportgen.config import Profil


@pytest.mark.parametrize("text, rad, ord_", [
    ("a: 1\n---\nb: 2\n", 2, "nytt YAML-dokument"),
    ("a: [1, 2\nb: 3\n", 2, "lista inom [ ]"),
    ("a: x: y\n", 1, "kolon på fel ställe"),
    ("a:\n\t- 1\n", 2, "tabb"),
])
def test_yaml_syntax_errors_are_swedish(tmp_path, text, rad, ord_):
    with pytest.raises(InputError) as exc:
        parse_yaml(text, tmp_path / "x.yaml")
    assert exc.value.plats == f"rad {rad}" and ord_ in exc.value.detalj


@pytest.mark.parametrize("text, rad, svar", [
    ("konvertering:\n  arbetare: 0\n", 2, "ska vara minst 1 (värde: 0)"),
    ("konvertering:\n  arbetare: 2\n  tidsgräns: -5\n", 3, "ska vara större än 0 (värde: -5)"),
])
def test_constraint_errors_are_swedish_at_the_key(tmp_path, text, rad, svar):
    located = parse_yaml(text, tmp_path / "rapportgen.yaml")
    with pytest.raises(InputError) as exc:
        validate(Profil, located)
    assert exc.value.plats == f"rad {rad}" and exc.value.detalj.endswith(svar)
