"""Issue 19: `rapportgen kontrollera` does each piece of work once and imports only what it needs.

A check of the example meeting runs as its own process in a fresh environment (empty caches) and
reports the modules it loaded; the YAML texts read twice in one command (a manifest recognised,
then loaded; a bilaga's front matter read for its type, then loaded) are parsed once, and the
limits on YAML still hold for the text parsed once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rapportgen import granser
from rapportgen.exceptions import InputError
from rapportgen.inputs import yamlsrc

from .conftest import EXAMPLES

MEETING = EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml"

_PROG = """
import json, sys, collections
from rapportgen.inputs import yamlsrc
parsed = collections.Counter()
real = yamlsrc._parse_yaml
def counting(text, fil, line_offset):
    parsed[(text, line_offset)] += 1
    return real(text, fil, line_offset)
yamlsrc._parse_yaml = counting
from rapportgen.cli import main
sys.argv = ["rapportgen", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print("\\nRAPPORT " + json.dumps({"kod": code, "moduler": sorted(sys.modules), "tolkningar": max(parsed.values()),
                                  "texter": len(parsed)}))
"""


def _kontrollera(tmp_path, *args: str) -> dict:
    env = {**os.environ, "RAPPORTGEN_CACHE": str(tmp_path / "cache"), "RAPPORTGEN_SERVER_DIR": str(tmp_path / "srv"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    proc = subprocess.run([sys.executable, "-c", _PROG, "kontrollera", *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    line = [x for x in proc.stdout.splitlines() if x.startswith("RAPPORT ")]
    assert line, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {**json.loads(line[-1][len("RAPPORT "):]), "utdata": proc.stdout}


def test_kontrollera_in_a_fresh_environment_imports_no_heavy_library_and_parses_each_text_once(tmp_path):
    r = _kontrollera(tmp_path, str(MEETING), "--profil", str(EXAMPLES / "rapportgen.yaml"), "--format", "text")
    assert r["kod"] in (0, 1) and "Totalt: 0 fel" in r["utdata"]
    loaded = set(r["moduler"])
    # The workbooks were read (by inputs.xlsx), without openpyxl and numpy; nothing was rendered.
    assert "rapportgen.inputs.xlsx" in loaded and "rapportgen.inputs.excel" in loaded
    for heavy in ("openpyxl", "numpy", "pandas", "docxtpl", "docx", "jinja2", "lxml", "reportlab", "matplotlib",
                  "PIL", "rich", "unoserver", "pypdf", "holidays"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in loaded), heavy
    # Every YAML text (manifests, front matter, the profile, the table definitions) parsed once.
    assert r["texter"] >= 20 and r["tolkningar"] == 1


def test_a_text_parsed_again_gives_a_copy_of_its_data(tmp_path):
    text = "a:\n  b: [1, 2]\n  c: text\n"
    first = yamlsrc.parse_yaml(text, tmp_path / "x.yaml")
    first.data["a"]["b"].append(3)
    again = yamlsrc.parse_yaml(text, tmp_path / "y.yaml")
    assert again.data == {"a": {"b": [1, 2], "c": "text"}}
    assert again.fil == tmp_path / "y.yaml" and again.lines == first.lines and again.lines[("a", "b")] == 2
    again.lines.clear()
    assert yamlsrc.parse_yaml(text, tmp_path / "z.yaml").lines[("a", "c")] == 3


def test_the_yaml_limits_hold_for_a_text_parsed_before(tmp_path):
    text = "a: &x [1, 2]\nb: *x\nc: *x\n"
    assert yamlsrc.parse_yaml(text, tmp_path / "x.yaml").data["c"] == [1, 2]
    granser.anvand(granser.Granser(yaml_alias=1))
    try:
        with pytest.raises(InputError, match="fler än 1 alias"):
            yamlsrc.parse_yaml(text, tmp_path / "x.yaml")
    finally:
        granser.anvand(None)
    # A syntax error is not kept: each reading reports it, naming its own file.
    for name in ("f1.yaml", "f2.yaml"):
        with pytest.raises(InputError) as exc:
            yamlsrc.parse_yaml("a: [1, 2\n", tmp_path / name)
        assert exc.value.fil == str(tmp_path / name)


def test_a_large_document_without_aliases_is_still_limited_at_the_same_place(tmp_path):
    # The node count of an alias-free text decides; over the limit, the full check names the place.
    text = "".join(f"k{i}: [{i}, {i + 1}]\n" for i in range(40))
    granser.anvand(granser.Granser(yaml_noder=50))
    try:
        with pytest.raises(InputError, match="över 50 värden") as exc:
            yamlsrc.parse_yaml(text, tmp_path / "stor.yaml")
        loader = yamlsrc._Loader(text)
        node = loader.get_single_node()
        loader.dispose()
        with pytest.raises(InputError) as full:
            yamlsrc._check_expansion(node, tmp_path / "stor.yaml")
        assert exc.value.plats == full.value.plats
        assert yamlsrc._antal_noder(node) == 1 + 40 * 2 + 40 * 2
    finally:
        granser.anvand(None)
    assert len(yamlsrc.parse_yaml(text, tmp_path / "stor.yaml").data) == 40


def test_the_written_out_month_names_are_babels():
    # format.MANADER is written out so that importing format loads no locale data; it is CLDR's list.
    from rapportgen import format as fmt

    assert fmt.MANADER == fmt._months("wide")
    assert fmt.MANADER_KORT == [m[:3] for m in fmt._months("wide")]


def test_no_model_field_has_a_builtin_type_as_default_factory():
    # pydantic reads each default_factory's signature when it builds a model; for a builtin type
    # (list, dict) that parses its text signature, at every start of rapportgen. ny_lista/ny_mappning.
    import importlib
    import pkgutil

    from pydantic import BaseModel

    import rapportgen.model

    modules = ["rapportgen.config.profil", "rapportgen.granser",
               *(m.name for m in pkgutil.iter_modules(rapportgen.model.__path__, "rapportgen.model."))]
    slow = []
    checked = 0
    for name in modules:
        for obj in vars(importlib.import_module(name)).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == name:
                for fname, f in obj.model_fields.items():
                    checked += f.default_factory is not None
                    if f.default_factory in (list, dict, set, tuple):
                        slow.append(f"{name}.{obj.__name__}.{fname}")
    assert checked >= 40 and slow == []


def test_loading_a_profile_with_meeting_dates_imports_no_revision_model(tmp_path):
    # The profile's dates are read with model.common.parse_date: the revision models (their
    # pydantic schemas) are built only for a revision document.
    (tmp_path / "rapportgen.yaml").write_text("kommun: Exempelkommun\nsammanträden: [2023-09-19, '2023-10-17']\n",
                                              encoding="utf-8")
    prog = ("import sys, json\nfrom rapportgen.config import load_profile\n"
            f"p = load_profile({str(tmp_path / 'rapportgen.yaml')!r})\n"
            "print(json.dumps([[d.isoformat() for d in p.sammantraden], 'rapportgen.model.revision' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.splitlines()[-1]) == [["2023-09-19", "2023-10-17"], False]
