"""Issue 19: what one process keeps between loads (a warm process rebuilds a package and loads every
input again) gives each caller its own data, sees a changed file, and keeps no error; and the check
of decision references reads each tjänsteskrivelse once however many uppdrag a list has."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rapportgen.exceptions import InputError
from rapportgen.inputs import markdown, tabelldef
from rapportgen.inputs.markdown import Lista, Stycke, Tabell, parse_body

BODY = ("# Ärendet\n\nEtt **fett** ord.\n\n1. ett\n2. två\n   - under\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n")


def test_a_body_parsed_again_is_equal_and_its_own():
    first = parse_body(BODY, Path("a.md"), 4)
    # A caller that changes what it got (lists, blocks) changes nothing for the next one.
    first[1].runs.append(first[1].runs[0])
    first[1].rad = 99
    first[2].punkter[1].underlista.punkter.clear()
    first[3].rader[0][0].clear()
    first[3].justering[1] = "center"
    second = parse_body(BODY, Path("a.md"), 4)
    third = parse_body(BODY, Path("a.md"), 4)
    assert second == third
    assert isinstance(second[1], Stycke) and second[1].rad == 7 and len(second[1].runs) == 3
    assert isinstance(second[2], Lista) and len(second[2].punkter[1].underlista.punkter) == 1
    assert isinstance(second[3], Tabell) and second[3].rader[0][0][0].text == "1"
    assert second[3].justering == ["left", "right"]
    assert all(a is not b for a, b in zip(second, third))


def test_the_same_text_at_another_line_or_in_another_file_is_its_own():
    assert parse_body(BODY, Path("a.md"), 0)[0].rad == 1
    assert parse_body(BODY, Path("a.md"), 10)[0].rad == 11
    assert parse_body(BODY, Path("b.md"), 0)[0].rad == 1


def test_an_error_in_a_body_is_raised_every_time():
    # A heading inside a list is refused at the list's line, on every parse.
    text = "Inledning\n\n- punkt\n\n  # Rubrik\n"
    for _ in range(2):
        with pytest.raises(InputError) as exc:
            parse_body(text, Path("lista.md"), 0)
        assert str(exc.value) == "lista.md, rad 3: rubriker och tabeller kan inte stå inne i en lista"


@given(st.text(alphabet=st.sampled_from("ab *_#|-1.\n<&>"), max_size=80))
def test_a_parse_kept_gives_what_a_fresh_parse_gives(text):
    markdown._TOLKADE.clear()
    try:
        fresh = parse_body(text, Path("h.md"), 2)
    except InputError as exc:
        with pytest.raises(InputError) as again:
            parse_body(text, Path("h.md"), 2)
        assert str(again.value) == str(exc)
        return
    assert parse_body(text, Path("h.md"), 2) == fresh


def test_the_kept_bodies_are_bounded():
    markdown._TOLKADE.clear()
    for i in range(markdown._TOLKADE_MAX + 20):
        parse_body(f"Stycke {i}\n", Path("n.md"), 0)
    assert len(markdown._TOLKADE) == markdown._TOLKADE_MAX


@pytest.fixture
def egna_definitioner(tmp_path, monkeypatch):
    mapp = tmp_path / "tabeller"
    shutil.copytree(tabelldef.SHIPPED, mapp)
    monkeypatch.setattr(tabelldef, "SHIPPED", mapp)
    monkeypatch.setattr(tabelldef, "_SHIPPED", None)
    return mapp


def test_shipped_definitions_are_read_once_and_again_when_a_file_changes(egna_definitioner, monkeypatch):
    calls = []
    real = tabelldef.load_definitioner
    monkeypatch.setattr(tabelldef, "load_definitioner", lambda p: calls.append(p) or real(p))
    first = tabelldef.shipped_definitioner()
    first.pop(next(iter(first)))  # the caller's dict is its own
    second = tabelldef.shipped_definitioner()
    assert len(calls) == 1 and len(second) == len(first) + 1
    fil = next(egna_definitioner.glob("*.yaml"))
    namn = next(iter(second))
    text = fil.read_text(encoding="utf-8")
    fil.write_text(text.replace(f"\n  {namn}:\n", f"\n  {namn}_ny:\n", 1), encoding="utf-8")
    third = tabelldef.shipped_definitioner()
    assert len(calls) == 2 and f"{namn}_ny" in third and namn not in third


def test_a_broken_shipped_definition_fails_every_time(egna_definitioner):
    fil = next(egna_definitioner.glob("*.yaml"))
    fil.write_text(fil.read_text(encoding="utf-8") + "\n  trasig:\n    okänt_fält: 1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError) as exc:
            tabelldef.shipped_definitioner()
        assert "trasig" in str(exc.value) and str(exc.value).startswith(str(fil))


def test_each_tjansteskrivelse_is_read_once_for_the_uppdrag_check(monkeypatch):
    from rapportgen.checks import sammantrade
    from rapportgen.config import load_profile
    from rapportgen.doctypes import load_handling

    from .conftest import EXAMPLES

    manifest = EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml"
    h = load_handling(manifest, load_profile(EXAMPLES / "rapportgen.yaml"))
    read = []
    real = sammantrade._beslutsreferenser
    monkeypatch.setattr(sammantrade, "_beslutsreferenser", lambda doc: read.append(doc.fil) or real(doc))
    assert list(sammantrade.uppdrag_match_agenda(h)) == []
    assert read and len(read) == len(set(read))


# The cheap searches before the placeholder and period patterns skip only texts those patterns
# cannot match: for any text, the same hits as the patterns alone.
_BITAR = st.sampled_from(["xx", "XX", "-xxx", " mnkr", "%", "Skriv text här", "Klicka här för att ange datum",
                          ". Ange belopp", "[", "]", "[...]", "<namn>", "TODO", "fixme", "jan", "Augusti",
                          "sept.", "t.o.m. ", "per ", "2023", " 08", "2023 08", "-", "–", " ", "\n", "a", "ſ", "K", "1"])
_TEXTER = st.lists(_BITAR, max_size=14).map("".join)


@given(_TEXTER)
@example("Ange investering per rad.")
@example("Budget -XX mnkr; [text] <namn> TODO")
def test_placeholders_found_as_by_the_pattern_alone(text):
    from rapportgen.checks.text import PLACEHOLDER, find_placeholders

    assert find_placeholders(text) == [m.group(0).strip() for m in PLACEHOLDER.finditer(text)]


@given(_TEXTER)
@example("Utfall per 2023 08 och 2023-08")
@example("jan-aug 2023, t.o.m. juli, per augusti")
@example("t.o.m. januari")
def test_periods_found_as_by_the_patterns_alone(text):
    from rapportgen import format as fmt

    spar = fmt._PERIOD_SPAR
    try:
        fmt._PERIOD_SPAR = type("Alla", (), {"search": staticmethod(lambda _t: True)})()
        alone = fmt.find_periods(text)
    finally:
        fmt._PERIOD_SPAR = spar
    assert fmt.find_periods(text) == alone


def test_the_template_context_models_are_the_types_own_and_imported_when_first_used(tmp_path):
    # A check defines no template context model (pydantic's work per class is a cost at import);
    # each type still names its model, and the old names still resolve from the type modules.
    import json
    import os
    import subprocess
    import sys

    from .conftest import EXAMPLES

    prog = (
        "import sys, json\n"
        "from rapportgen.cli import main\n"
        "sys.argv = ['rapportgen', 'kontrollera', sys.argv[1], '--format', 'text']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\nMODULER ' + json.dumps(sorted(m for m in sys.modules if m.startswith('rapportgen.doctypes'))))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "x"), "RAPPORTGEN_CACHE": str(tmp_path / "c"),
           "RAPPORTGEN_SERVER_DIR": str(tmp_path / "s")}
    out = subprocess.run([sys.executable, "-c", prog, str(EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml")],
                         capture_output=True, text=True, env=env, cwd=EXAMPLES, timeout=300)
    moduler = json.loads(out.stdout.rsplit("MODULER ", 1)[1])
    assert "rapportgen.doctypes.protokoll" in moduler and "rapportgen.doctypes.tjansteskrivelse" in moduler
    assert [m for m in moduler if m.startswith("rapportgen.doctypes.kontext.")] == []

    from pydantic import BaseModel

    from rapportgen import doctypes
    from rapportgen.doctypes import kallelse, protokoll, revisionssvar, tjansteskrivelse, uppdragslista

    for t in doctypes.all_types():
        assert isinstance(t.context_model, type) and issubclass(t.context_model, BaseModel), t.name
    assert doctypes.get("protokoll").context_model is protokoll.Kontext
    assert doctypes.get("anslagsbevis").context_model is protokoll.AnslagsbevisKontext
    assert doctypes.get("protokollsutdrag").context_model is protokoll.UtdragKontext
    for modul in (kallelse, revisionssvar, tjansteskrivelse, uppdragslista):
        assert doctypes.get(modul.TYP).context_model is modul.Kontext
    assert "paragraf" in protokoll.UtdragKontext.model_fields and tjansteskrivelse.Avsnitt.model_fields
    with pytest.raises(AttributeError):
        protokoll.Finns_inte  # noqa: B018


def test_a_type_named_by_its_context_model_resolves_it_once():
    from rapportgen.doctypes.base import DocType

    t = DocType(name="prov", label="Prov", context_model="rapportgen.render.kontext:ProfilKontext",
                load=print, render=print)
    kopia = t.med(label="Prov 2")
    assert kopia.__dict__["_context_model"] == "rapportgen.render.kontext:ProfilKontext"  # still unresolved
    from rapportgen.render.kontext import ProfilKontext

    assert t.context_model is ProfilKontext and t.__dict__["_context_model"] is ProfilKontext
    assert kopia.context_model is ProfilKontext and kopia.label == "Prov 2"
    with pytest.raises(TypeError):
        DocType(name="prov", label="Prov", load=print, render=print)  # the model is still required
