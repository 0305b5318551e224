"""Where a document type's Word template is found.

Precedence: an explicit --mallar folder, the profile's `mallar`, a `mallar/`
folder in the working directory, then the templates shipped with rapportgen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import TemplateError

SHIPPED = Path(__file__).resolve().parents[3] / "templates"
LOCAL_DIR_NAME = "mallar"


@dataclass(frozen=True)
class ResolvedTemplate:
    path: Path
    kalla: str  # where it came from, in Swedish: "--mallar", "profil", "arbetsmapp", "inbyggd"


def resolve_template(
    typ: str, *, mallar: Path | None = None, profil_mallar: Path | None = None, cwd: Path | None = None
) -> ResolvedTemplate:
    filename = f"{typ}.docx"
    candidates: list[tuple[Path | None, str]] = [
        (mallar, "--mallar"),
        (profil_mallar, "profil"),
        ((cwd or Path.cwd()) / LOCAL_DIR_NAME, "arbetsmapp"),
        (SHIPPED, "inbyggd"),
    ]
    for folder, kalla in candidates:
        if folder is not None and (Path(folder) / filename).is_file():
            return ResolvedTemplate(Path(folder) / filename, kalla)
    if mallar is not None:
        raise TemplateError(f"mallen {filename} finns inte i mappen", fil=mallar)
    raise TemplateError(f"ingen mall hittades för dokumenttypen '{typ}'", fil=filename)
