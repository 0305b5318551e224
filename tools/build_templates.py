"""Build the shipped Word templates in src/rapportgen/templates/ (package data) with python-docx.

The .docx files are committed and meant to be edited in Word; this script is
how they were made, and can make them again. Each tools/tpl_*.py module adds
its BUILDERS (template name -> function writing the .docx):

    .venv/bin/python tools/build_templates.py [NAME ...]
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent / "src" / "rapportgen" / "templates"  # templates/ at the top is a link here


def builders() -> dict:
    sys.path.insert(0, str(HERE))
    found: dict = {}
    for module_file in sorted(HERE.glob("tpl_*.py")):
        module = importlib.import_module(module_file.stem)
        found.update(module.BUILDERS)
    return found


def main(argv: list[str]) -> int:
    TEMPLATES.mkdir(exist_ok=True)
    available = builders()
    for name in argv or list(available):
        target = TEMPLATES / f"{name}.docx"
        available[name](target)
        print(f"skrev {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
