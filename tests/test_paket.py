"""An installable package: the wheel works outside the repository, and the shipped templates are the generators' output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, pdf_text, squash

TEMPLATES = ROOT / "src" / "rapportgen" / "templates"
SYSTEM_PYTHON = Path("/usr/bin/python3")


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (args, result.stdout[-3000:], result.stderr[-3000:])
    return result


def _has_build_requirements() -> bool:
    """Whether this environment holds pyproject.toml's build requirements (make venv installs them
    with the test extras): then pip builds the wheel here instead of fetching them into an isolated
    environment first."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import Requirement

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    for req in map(Requirement, requires):
        try:
            if not req.specifier.contains(version(req.name), prereleases=True):
                return False
        except PackageNotFoundError:
            return False
    return True


@pytest.mark.skipif(not SYSTEM_PYTHON.is_file(), reason="LibreOffice's Python (python3-uno) is the system Python")
def test_wheel_installs_and_renders_outside_the_repository(tmp_path):
    wheels = tmp_path / "wheels"
    # Built from a copy of what the build reads: setuptools builds in the source tree and would
    # reuse the files of an earlier build left in build/ (a template missing from the package data
    # still shipped), and the checkout stays untouched.
    source = tmp_path / "kalla"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source]
    if _has_build_requirements():
        build[4:4] = ["--no-build-isolation", "--no-index"]  # nothing to fetch
    _run(build)
    (wheel,) = wheels.glob("rapportgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert sorted(n for n in names if n.startswith("rapportgen/templates/")) == sorted(
        f"rapportgen/templates/{p.name}" for p in TEMPLATES.glob("*.docx"))

    venv = tmp_path / "venv"
    # The new environment gets no pip of its own (ensurepip is slow): this pip installs into it.
    _run([SYSTEM_PYTHON, "-m", "venv", "--system-site-packages", "--without-pip", venv])
    # The dependencies come from the project's environment, not from installing each of them again:
    # a .pth line that is a plain folder puts that folder on sys.path, after the new environment's own
    # site-packages, and .pth files in it are not read, so the project's editable install (a .pth
    # that adds src/) stays out. Only the wheel is installed, without its dependencies.
    deps = Path(sysconfig.get_paths()["purelib"])
    assert (deps / "click").is_dir()  # the project's environment holds the dependencies
    site = Path(_run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                .stdout.strip())
    (site / "projektets-beroenden.pth").write_text(f"{deps}\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", "--no-deps",
          "--no-compile", wheel])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    work = tmp_path / "arbete"
    work.mkdir()
    # The installed package, not the checkout, is what runs.
    probe = "import json, sys, rapportgen; print(rapportgen.__file__); print(json.dumps(sys.path))"
    where, path = _run([venv / "bin" / "python", "-c", probe], cwd=work, env=env).stdout.splitlines()
    assert Path(where).is_relative_to(site / "rapportgen"), where
    repo_paths = [p for p in json.loads(path) if Path(p or work).resolve() in (ROOT, ROOT / "src")]
    assert repo_paths == []  # neither src/ nor the checkout is importable there

    _run([venv / "bin" / "rapportgen", "init", "."], cwd=work, env=env)
    # init copies the templates from the package data: all of them are there.
    assert sorted(p.name for p in (work / "mallar").glob("*.docx")) == sorted(p.name for p in TEMPLATES.glob("*.docx"))
    profil = work / "rapportgen.yaml"
    text = profil.read_text(encoding="utf-8")
    assert "mallar: mallar\n" in text
    # Render from the package's own templates: no mallar/ folder and no profile setting in the way.
    shutil.rmtree(work / "mallar")
    profil.write_text(text.replace("Exempelkommun", "Ånge kommun").replace("Förnamn Efternamn", "Eva Ek")
                      .replace("mallar: mallar\n", ""), encoding="utf-8")
    listing = _run([venv / "bin" / "rapportgen", "mallar", "lista"], cwd=work, env=env).stdout
    assert "rapportgens inbyggda mall" in listing and str(venv) in listing
    _run([venv / "bin" / "rapportgen", "tjänsteskrivelse", "inputs/tjansteskrivelse.md", "-o", "ut"], cwd=work, env=env)
    pdf = work / "ut" / "tjansteskrivelse.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = squash(pdf_text(pdf))
    assert "Ånge kommun" in text and "Förslag till beslut" in text


def _xml_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))}


def test_shipped_templates_are_what_the_generators_make(tmp_path):
    """tools/tpl_*.py are the one source of the templates (as docs/mallvariabler.md is of `make docs`)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_templates
    finally:
        sys.path.remove(str(ROOT / "tools"))
    builders = build_templates.builders()
    assert sorted(builders) == sorted(p.stem for p in TEMPLATES.glob("*.docx"))
    stale = []
    for name, build in sorted(builders.items()):
        fresh = tmp_path / f"{name}.docx"
        build(fresh)
        shipped, made = _xml_parts(TEMPLATES / f"{name}.docx"), _xml_parts(fresh)
        assert sorted(shipped) == sorted(made), name
        stale += [f"{name}.docx: {part}" for part in sorted(shipped) if shipped[part] != made[part]]
    assert stale == [], "mallarna är inaktuella: kör `python tools/build_templates.py`"
