"""Issue 19: `rapportgen kontrollera` runs without the cyclic garbage collector's passes.

The collector's passes over the objects the check's imports make (model classes, schemas)
cost about a tenth of the command and free next to nothing: the command switches it off while
it runs, then freezes what it made and switches it on again, so neither a later pass nor the
one at exit walks those objects.
"""

from __future__ import annotations

import gc

import pytest
from click.testing import CliRunner

from rapportgen.cli import cli
from rapportgen.commands import kontrollera as kommando

from .conftest import EXAMPLES

TS = EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md"


@pytest.fixture
def under_checken(monkeypatch):
    """Whether the collector was on while the files were checked, recorded per run."""
    seen: list[bool] = []
    real = kommando.kontrollera

    def recording(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(kommando, "kontrollera", recording)
    yield seen
    gc.unfreeze()
    gc.enable()


def test_the_collector_is_off_during_the_check_and_on_after(tmp_path, monkeypatch, under_checken):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    gc.unfreeze()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    res = CliRunner().invoke(cli, ["kontrollera", str(TS), "--format", "text"])
    assert res.exit_code in (0, 1), res.output
    assert "Totalt:" in res.output  # it did check the file
    assert under_checken == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what the command made is left out of later passes


def test_an_input_error_switches_it_on_again(tmp_path, monkeypatch, under_checken):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "rapportgen.yaml").write_text("kommun: [\n", encoding="utf-8")  # a broken profile
    res = CliRunner().invoke(cli, ["kontrollera", str(TS), "--profil", str(tmp_path / "rapportgen.yaml")])
    assert res.exit_code == 2 and "rapportgen.yaml" in res.output, res.output
    assert under_checken == []  # it stopped at the profile
    assert gc.isenabled()


def test_a_caller_that_turned_it_off_keeps_it_off(tmp_path, monkeypatch, under_checken):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    gc.unfreeze()
    gc.disable()
    res = CliRunner().invoke(cli, ["kontrollera", str(TS), "--format", "text"])
    assert res.exit_code in (0, 1), res.output
    assert under_checken == [False]
    assert not gc.isenabled() and gc.get_freeze_count() == 0
