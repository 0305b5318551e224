"""Text hygiene shared by all loaders."""

from __future__ import annotations

from pathlib import Path

from ..exceptions import InputError
from ..model.common import clean_text  # noqa: F401  (loaders import it from here)


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text input, with a clear error when it cannot be read."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("filen finns inte", fil=path) from None
    except IsADirectoryError:
        raise InputError("är en mapp, inte en fil", fil=path) from None
    except OSError as exc:
        raise InputError(f"filen kan inte läsas ({exc.strerror})", fil=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "filen är inte UTF-8-kodad; spara den som UTF-8", fil=path, plats=f"rad {line}"
        ) from None
    return clean_text(text)
