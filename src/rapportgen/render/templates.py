"""Where a document type's Word template is found.

Precedence, per document type (the first folder that has `<typ>.docx` wins):

1. an explicit folder: `--mallar DIR` on the command line;
2. the profile's `mallar:` setting (relative to rapportgen.yaml);
3. a `mallar/` folder in the working directory;
4. a `templates/` folder in the working directory;
5. the templates shipped with rapportgen.

A folder only overrides the types it has a template for; the others fall through.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..exceptions import TemplateError

# The templates shipped inside the package (package data: src/rapportgen/templates/).
SHIPPED = Path(__file__).resolve().parents[1] / "templates"

# Where a template came from, as shown by `rapportgen mallar lista`.
KALLOR = {
    "--mallar": "mappen som angavs med --mallar",
    "profil": "profilens inställning mallar:",
    "arbetsmapp": "mappen mallar/ i arbetsmappen",
    "arbetsmapp-templates": "mappen templates/ i arbetsmappen",
    "inbyggd": "rapportgens inbyggda mall",
}


@dataclass(frozen=True)
class ResolvedTemplate:
    path: Path
    kalla: str  # where it came from: a key of KALLOR

    @property
    def beskrivning(self) -> str:
        return KALLOR[self.kalla]


def candidate_folders(
    *, mallar: Path | None = None, profil_mallar: Path | None = None, cwd: Path | None = None
) -> list[tuple[Path, str]]:
    """The folders searched, in order, with their source keys."""
    here = cwd or Path.cwd()
    folders: list[tuple[Path | None, str]] = [
        (mallar, "--mallar"),
        (profil_mallar, "profil"),
        (here / "mallar", "arbetsmapp"),
        (here / "templates", "arbetsmapp-templates"),
        (SHIPPED, "inbyggd"),
    ]
    return [(Path(f), k) for f, k in folders if f is not None]


def resolve_template(
    typ: str, *, mallar: Path | None = None, profil_mallar: Path | None = None, cwd: Path | None = None
) -> ResolvedTemplate:
    filename = f"{typ}.docx"
    for folder, kalla in candidate_folders(mallar=mallar, profil_mallar=profil_mallar, cwd=cwd):
        if kalla == "arbetsmapp-templates" and folder.resolve() == SHIPPED.resolve():
            kalla = "inbyggd"  # running inside the rapportgen checkout itself
        if (folder / filename).is_file():
            return ResolvedTemplate(folder / filename, kalla)
    if mallar is not None:
        raise TemplateError(f"mallen {filename} finns inte i mappen", fil=mallar)
    raise TemplateError(f"ingen mall hittades för dokumenttypen '{typ}'", fil=filename)
