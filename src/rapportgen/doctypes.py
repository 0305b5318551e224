"""Registry of document types.

Each document type (tjänsteskrivelse, delårsrapport, ...) registers how to
load its input, the pydantic model of its template context, and how to render
it. The package builder, template tools and CLI find types here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel

from .profil import Profil


@dataclass(frozen=True)
class DocType:
    name: str  # template file stem and CLI name, ASCII: "tjansteskrivelse"
    label: str  # Swedish display name: "Tjänsteskrivelse"
    context_model: type[BaseModel]  # what a template of this type sees
    load: Callable[[Path, Profil], Any]  # input file -> validated document
    render: Callable[..., Path]  # (doc, out_docx, profil, mallar) -> out_docx
    suffixes: tuple[str, ...] = (".md",)
    description: str = ""
    # A small, complete example input shipped with the package (for init and template checks).
    exempel: Path | None = None
    # Optional: does this file hold this type? Decides between types that share a suffix
    # (used by `rapportgen check`); a type without it is the fallback for its suffixes.
    kanner_igen: Callable[[Path], bool] | None = None


EXEMPEL = Path(__file__).resolve().parent / "exempel"


_TYPES: dict[str, DocType] = {}


def register(doctype: DocType) -> DocType:
    _TYPES[doctype.name] = doctype
    return doctype


def _load_builtin() -> None:
    # Importing a document module registers its type.
    from . import tjansteskrivelse  # noqa: F401
    from . import revisionssvar, uppdragslista  # noqa: F401
    from . import dokument  # noqa: F401
    from .assemble import kallelse  # noqa: F401
    from . import rapporter  # noqa: F401  (delarsrapport, verksamhetsplan)
    from . import protokoll  # noqa: F401  (protokoll, protokollsutdrag, anslagsbevis)


def get(name: str) -> DocType:
    _load_builtin()
    try:
        return _TYPES[name]
    except KeyError:
        from .exceptions import InputError

        known = ", ".join(sorted(_TYPES))
        raise InputError(f"okänd dokumenttyp '{name}'; kända typer: {known}") from None


def all_types() -> list[DocType]:
    _load_builtin()
    return [_TYPES[k] for k in sorted(_TYPES)]


def for_path(path: str | Path) -> DocType | None:
    """The document type of an input file, by suffix and recognizer; None when none fits.

    A type whose kanner_igen accepts the file wins; otherwise the first registered type
    without a recognizer (tjänsteskrivelse for .md). Types sharing a suffix should set
    kanner_igen.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    _load_builtin()
    candidates = [t for t in _TYPES.values() if suffix in t.suffixes]
    for t in candidates:
        if t.kanner_igen is not None and t.kanner_igen(path):
            return t
    fallback = [t for t in candidates if t.kanner_igen is None]
    return fallback[0] if fallback else None
