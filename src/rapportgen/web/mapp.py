"""The working folder the web application serves: every path is resolved and kept inside it."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import InputError

# Folder (inside the working folder) where the web application writes what it builds.
UTDATA = "utdata"
HIDDEN_DIRS = {UTDATA, "outputs", "node_modules", "__pycache__"}


class UtanforMappen(InputError):
    """A path that points outside the working folder (../, absolute, or through a symlink)."""


@dataclass(frozen=True)
class Arbetsmapp:
    root: Path

    @classmethod
    def of(cls, folder: str | Path) -> "Arbetsmapp":
        root = Path(folder).resolve(strict=True)
        if not root.is_dir():
            raise InputError("arbetsmappen är inte en mapp", fil=folder)
        return cls(root)

    def resolve(self, rel: str | Path) -> Path:
        """The real path of rel (relative to the folder); refused when it leaves the folder."""
        text = str(rel)
        if "\x00" in text:
            raise UtanforMappen("ogiltig sökväg", fil=text)
        path = Path(text)
        if path.is_absolute():
            raise UtanforMappen("sökvägen ska vara relativ till arbetsmappen", fil=text)
        real = (self.root / path).resolve()  # follows every symlink on the way
        if real != self.root and self.root not in real.parents:
            raise UtanforMappen("sökvägen leder utanför arbetsmappen", fil=text)
        return real

    def inside(self, path: Path) -> bool:
        real = Path(path).resolve()
        return real == self.root or self.root in real.parents

    def rel(self, path: Path) -> str:
        """path relative to the folder, with forward slashes (for URLs)."""
        return Path(os.path.relpath(Path(path).resolve(), self.root)).as_posix()

    def files(self, suffixes: tuple[str, ...]) -> list[Path]:
        """Files with these suffixes in the folder, without hidden folders and build outputs."""
        found = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in HIDDEN_DIRS)
            for name in sorted(filenames):
                if name.lower().endswith(suffixes) and not name.startswith((".", "~$")):
                    p = Path(dirpath) / name
                    if self.inside(p):
                        found.append(p)
        return found

    def utdata(self, manifest: Path, variant: str = "") -> Path:
        """Where the build of a manifest goes: utdata/<manifest path as one name>."""
        slug = self.rel(manifest).rsplit(".", 1)[0].replace("/", "-")
        return self.root / UTDATA / (slug + variant)


def safe_filename(name: str, allowed: tuple[str, ...]) -> str:
    """A plain file name (no folders, ASCII letters, digits, - and _) with an allowed suffix."""
    base = Path(name.replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in allowed:
        raise InputError(f"filen '{base}' har fel typ; tillåtna typer: {', '.join(allowed)}")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    clean = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-").lower()[:80] or "bilaga"
    return f"{clean}.{suffix.lower()}"


def free_name(folder: Path, name: str) -> Path:
    """folder/name, or folder/name-2, -3 ... when it is taken."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target
