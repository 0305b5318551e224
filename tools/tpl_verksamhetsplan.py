"""Builder of templates/verksamhetsplan.docx: the report template of tpl_delarsrapport."""

from __future__ import annotations

from pathlib import Path

from tpl_delarsrapport import build_rapport


def build_verksamhetsplan(path: Path) -> None:
    build_rapport(path)


BUILDERS = {"verksamhetsplan": build_verksamhetsplan}
