"""Issue 19: the registries import lazily, so `rapportgen kontrollera` imports what its input needs.

The document type registry imports a type module when its type is asked for or a file with one
of its suffixes is dispatched; the check registry imports a check module when the checks of a
model it serves are asked for. Both are declared by hand in tables: these tests hold the tables
equal to what the modules register, so a lazily loaded check is never a missing check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import EXAMPLES
from .test_kontrollera_latt import NOT_IMPORTED, _kontrollera, _loaded

# Imported for no manifest without Excel and PDF bilagor (and never by `--version`).
NOT_IMPORTED_WITHOUT_EXCEL = (*NOT_IMPORTED, "openpyxl", "numpy", "pikepdf", "pypdf", "lxml", "PIL", "rich",
                              "rapportgen.inputs.excel", "rapportgen.doctypes.delarsrapport", "rapportgen.doctypes.rapport",
                              "rapportgen.doctypes.uppdragslista", "rapportgen.model.rapport")


def _run(prog: str, tmp_path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "RAPPORTGEN_CACHE": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(prog)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])


def test_the_suffix_table_matches_the_type_modules():
    from rapportgen import doctypes

    declared = {t.name: t.suffixes for t in doctypes.TYPER.typer.values()}
    assert declared == doctypes.TYPMODULER
    assert list(declared) == list(doctypes.TYPMODULER)  # the order `mallar lista` shows
    assert [m.DOKUMENTTYP.name for m in doctypes.MODULER] == list(doctypes.TYPMODULER)


def test_the_light_recognizers_are_the_types_own():
    # The registry asks inputs.kannetecken before importing a type module: the very function
    # the type itself recognizes its files with, so the two cannot disagree.
    from rapportgen import doctypes
    from rapportgen.inputs import kannetecken

    typer = doctypes.TYPER.typer
    assert doctypes.KANNARE and set(doctypes.KANNARE) <= set(typer)
    for name in doctypes.KANNARE:
        assert typer[name].kanner_igen is getattr(kannetecken, name), name


@pytest.mark.parametrize("fil, typ", [("revision/uppdragslista.xlsx", "uppdragslista"),
                                      ("revision/it-sakerhet.md", "revisionssvar"),
                                      ("revision/uppfoljning-granskningar.yaml", "revisionssvar"),
                                      ("tjansteskrivelser/05-familjehemsorganisation.md", "tjansteskrivelse"),
                                      ("sammantrade-2023-09-19/bilagor/periodrapport-2023-08.xlsx", None),
                                      ("sammantrade-2023-09-19/sammantrade.yaml", "kallelse")])
def test_a_fresh_registry_finds_each_type_and_imports_only_what_it_asked(tmp_path, fil, typ):
    # In a fresh process: the type found is the one the full registry finds, and a type module
    # whose recognizer said no was not imported.
    out = _run(f"""
        import json, sys
        from rapportgen import doctypes
        t = doctypes.for_path({str(EXAMPLES / fil)!r})
        loaded = sorted(n for n in doctypes.TYPMODULER if "rapportgen.doctypes." + n in sys.modules)
        print(json.dumps([t and t.name, loaded]))
    """, tmp_path)
    from rapportgen import doctypes

    full = doctypes.Register(tuple(doctypes.TYPER.typer.values())).for_path(EXAMPLES / fil)
    assert out[0] == typ == (full and full.name)
    for name in doctypes.KANNARE:
        assert (name in out[1]) == (name == typ), (name, out[1])


def test_lazily_loaded_checks_are_every_check(tmp_path):
    # Everything that registers checks, imported: the full registry, per model type.
    full = _run("""
        import importlib, json, pkgutil, rapportgen
        from rapportgen.checks.base import _REGISTRY, typnamn
        for m in pkgutil.walk_packages(rapportgen.__path__, "rapportgen."):
            if not m.name.startswith(("rapportgen.web", "rapportgen.convert._unoserve", "rapportgen.__main__")):
                importlib.import_module(m.name)
        out = {}
        for k in _REGISTRY:
            out.setdefault(typnamn(k.model_type), []).append(f"{k.fn.__module__}.{k.fn.__qualname__}:{k.kod}")
        print(json.dumps({t: sorted(v) for t, v in out.items()}))
    """, tmp_path)
    assert len(full) >= 8 and sum(map(len, full.values())) >= 40
    # Each model type in a fresh process that imported only the model and the two registries
    # (document types; kontrollera, which announces the sheet checks): the same checks. One
    # interpreter imports the registries, then forks a child per model type, so the children
    # share that start and each begins from the same state as a fresh process would.
    lazy = _run(f"""
        import importlib, json, os
        import rapportgen.doctypes, rapportgen.commands.kontrollera
        out = {{}}
        for typ in {sorted(full)!r}:
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                code = 1
                try:
                    from rapportgen.checks import registered
                    modul, _, klass = typ.rpartition(".")
                    cls = getattr(importlib.import_module(modul), klass)
                    found = sorted(f"{{k.fn.__module__}}.{{k.fn.__qualname__}}:{{k.kod}}" for k in registered(cls))
                    os.write(w, json.dumps(found).encode())
                    code = 0
                finally:
                    os._exit(code)
            os.close(w)
            with os.fdopen(r, "rb") as f:
                data = f.read()
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0, typ
            out[typ] = json.loads(data)
        print(json.dumps(out))
    """, tmp_path)
    assert sorted(lazy) == sorted(full)
    for typ, checks in full.items():
        assert lazy[typ] == checks, typ


def test_a_manifest_without_excel_imports_no_excel_or_pdf_code(tmp_path):
    (tmp_path / "arenden").mkdir()
    ts = (EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md").read_text(encoding="utf-8")
    (tmp_path / "arenden" / "05.md").write_text(ts, encoding="utf-8")
    (tmp_path / "bilaga.md").write_text("---\ntitel: Bilaga\n---\n\nEn bilaga i text.\n", encoding="utf-8")
    # The example meeting's heading (nämnd, ledamöter ...), without its protokoll part.
    head = (EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml").read_text(encoding="utf-8").split("ärenden:")[0]
    head = "\n".join(line for line in head.splitlines() if not line.startswith("protokoll:"))
    (tmp_path / "sammantrade.yaml").write_text(head + textwrap.dedent("""
        ärenden:
          - punkt: 1
            ärendemening: Sammanträdet öppnas
          - punkt: 2
            dnr: SN/2023:197
            ärendemening: Gemensam familjehemsorganisation – uppföljning
            tjänsteskrivelse: arenden/05.md
            bilagor:
              - etikett: Bilaga
                fil: bilaga.md
                utanför_beslutsunderlag: true
        """), encoding="utf-8")
    r = _kontrollera(tmp_path, str(tmp_path / "sammantrade.yaml"), "--profil", str(EXAMPLES / "rapportgen.yaml"),
                     "--format", "text")
    assert r["kod"] in (0, 1), r["utdata"][-2000:]
    assert "Sammanträde (kallelse)" in r["utdata"] and "Totalt: 0 fel" in r["utdata"]
    for needed in ("rapportgen.checks.sammantrade", "rapportgen.checks.dnr", "rapportgen.doctypes.kallelse"):
        assert _loaded(r["moduler"], needed), needed
    assert [m for m in NOT_IMPORTED_WITHOUT_EXCEL if _loaded(r["moduler"], m)] == []


@pytest.mark.parametrize("fil", ["tjansteskrivelser/05-familjehemsorganisation.md", "revision/it-sakerhet.md"])
def test_one_markdown_input_imports_only_its_type(tmp_path, fil):
    r = _kontrollera(tmp_path, str(EXAMPLES / fil), "--format", "text")
    assert r["kod"] in (0, 1) and "Totalt:" in r["utdata"], r["utdata"][-2000:]
    assert [m for m in NOT_IMPORTED_WITHOUT_EXCEL if _loaded(r["moduler"], m)] == []
    for other in ("rapportgen.doctypes.protokoll", "rapportgen.doctypes.kallelse", "rapportgen.checks.protokoll",
                  "rapportgen.checks.sammantrade", "rapportgen.checks.ekonomi", "rapportgen.assemble"):
        assert not _loaded(r["moduler"], other), other


def test_a_sheet_checked_on_its_own_gets_its_checks(tmp_path):
    # A seeded fault in a sheet (a placeholder left in a cell): found by the lazily registered checks.
    sheet = Path(__file__).parent / "data" / "seed_faults" / "budget-2022.xlsx"
    r = _kontrollera(tmp_path, str(sheet), "--format", "text")
    assert r["kod"] == 1 and "budget-2022.xlsx (Tabell)" in r["utdata"], r["utdata"][-2000:]
    assert "blad Drift, cell A2" in r["utdata"] and "[platshallare]" in r["utdata"]
    assert _loaded(r["moduler"], "rapportgen.commands.tabellkontroll")
