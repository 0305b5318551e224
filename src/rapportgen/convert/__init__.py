"""Convert stage: DOCX/XLSX to PDF with LibreOffice.

Everything else calls convert_many(); what is behind it may change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ConversionError

TIMEOUT_PER_FILE = 120


def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(
        "LibreOffice (soffice) hittades inte; installera libreoffice-writer-nogui "
        "(make demo gör det åt dig)"
    )


def convert_many(sources: list[Path], outdir: Path | None = None) -> list[Path]:
    """Convert each source to PDF; the PDF lands beside it (or in outdir) under the same stem.

    Outputs are written atomically: a PDF is moved into place only when complete.
    """
    sources = [Path(s) for s in sources]
    if not sources:
        return []
    soffice = find_soffice()
    results: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="rapportgen-lo-") as tmp:
        tmpdir = Path(tmp)
        profile = (tmpdir / "profil").as_uri()
        stage = tmpdir / "ut"
        stage.mkdir()
        # Same stems from different folders would collide: convert them in separate rounds.
        rounds: list[list[Path]] = []
        for src in sources:
            for batch in rounds:
                if all(src.stem != other.stem for other in batch):
                    batch.append(src)
                    break
            else:
                rounds.append([src])
        produced: dict[Path, Path] = {}
        for batch in rounds:
            cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(stage), *map(str, batch)]
            try:
                subprocess.run(cmd, check=False, capture_output=True,
                               timeout=TIMEOUT_PER_FILE * len(batch), env={**os.environ, "HOME": tmp})
            except subprocess.TimeoutExpired:
                raise ConversionError("LibreOffice svarade inte inom tidsgränsen", fil=batch[0]) from None
            for src in batch:
                pdf = stage / f"{src.stem}.pdf"
                if not pdf.is_file() or pdf.stat().st_size == 0:
                    raise ConversionError("LibreOffice kunde inte konvertera filen till PDF", fil=src)
                target = (outdir or src.parent) / f"{src.stem}.pdf"
                target.parent.mkdir(parents=True, exist_ok=True)
                moved = target.with_name(f".{target.name}.tmp")
                shutil.move(str(pdf), moved)
                os.replace(moved, target)
                produced[src] = target
        results = [produced[s] for s in sources]
    return results
