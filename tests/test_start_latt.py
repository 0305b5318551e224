"""Issue 19: `rapportgen --version`, `--help` and shell completion import no heavy library.

Each case runs `python -X importtime -m rapportgen ...` as its own process and reads the
modules it imported from stderr, so the answer is the interpreter's, not a guess from the code.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Libraries that cost tens to hundreds of milliseconds to import, and what pulls them in.
HEAVY = ("pandas", "numpy", "docxtpl", "docx", "pypdf", "pikepdf", "lxml", "babel", "matplotlib",
         "reportlab", "starlette", "uvicorn", "openpyxl", "jinja2", "rich", "pydantic", "yaml",
         "holidays", "markdown_it")


def _imported(args: list[str], env: dict[str, str] | None = None) -> tuple[set[str], str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "rapportgen", *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)
    modules = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                modules.add(name)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return modules, proc.stdout


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["server", "--help"], ["cache", "--help"],
                                  ["handling", "--help"], ["kontrollera", "--help"]])
def test_version_and_help_import_nothing_heavy(args):
    modules, out = _imported(args)
    assert "rapportgen.cli" in modules  # the measurement saw the CLI itself
    assert _heavy(modules) == [], args
    # Nor the stages behind the commands: they load when a command runs.
    assert not [m for m in modules if m.startswith(("rapportgen.convert", "rapportgen.doctypes",
                                                    "rapportgen.assemble", "rapportgen.render"))]
    assert out.strip()


@pytest.mark.parametrize("words, expected", [("rapportgen ", "kontrollera"), ("rapportgen ser", "server"),
                                             ("rapportgen server ", "kor"), ("rapportgen cache ", "rensa"),
                                             ("rapportgen handling --", "--ingen-pdf")])
def test_shell_completion_imports_nothing_heavy(words, expected):
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    modules, out = _imported([], {"_RAPPORTGEN_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                  "COMP_CWORD": str(cword)})
    assert f"plain,{expected}" in out.splitlines()  # it did complete
    assert _heavy(modules) == [], words
    assert not [m for m in modules if m.startswith(("rapportgen.convert", "rapportgen.doctypes"))]


def test_the_checker_sees_a_heavy_import(tmp_path):
    # The same measurement on a command that does import the conversion stage.
    modules, _ = _imported(["cache", "status"], {"RAPPORTGEN_CACHE": str(tmp_path / "cache")})
    assert "lxml" in {m.split(".")[0] for m in modules}
