"""Shared test helpers: paths, PDF text extraction, a CLI runner."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


def pdf_text(path: Path, layout: bool = False) -> str:
    """Text of a PDF as pdftotext (poppler) extracts it."""
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def squash(text: str) -> str:
    """Collapse all whitespace (incl. NBSP) to single spaces, for order/phrase checks."""
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def profil_file() -> Path:
    return EXAMPLES / "rapportgen.yaml"
