"""The `typ:` an input names for itself (Markdown front matter or top-level YAML)."""

from __future__ import annotations

from pathlib import Path

from ..exceptions import InputError
from .markdown import split_front_matter
from .text import read_text
from .yamlsrc import load_yaml_file, parse_yaml


def front_matter_typ(path: str | Path) -> str | None:
    """The `typ:` in a Markdown file's front matter, if the file has one."""
    path = Path(path)
    try:
        yaml_text, _body, _start = split_front_matter(read_text(path), path)
        data = parse_yaml(yaml_text, path, line_offset=1).data
    except InputError:
        return None
    return data.get("typ") if isinstance(data, dict) and isinstance(data.get("typ"), str) else None


def own_typ(path: Path) -> str | None:
    """The `typ:` a Markdown or YAML input names for itself, if any."""
    suffix = path.suffix.lower()
    if suffix == ".md":
        return front_matter_typ(path)
    if suffix in (".yaml", ".yml"):
        data = load_yaml_file(path).data
        return data.get("typ") if isinstance(data, dict) and isinstance(data.get("typ"), str) else None
    return None
