"""Conversion options: what LibreOffice's PDF export filter is asked for.

The options are part of the cache key, so a PDF made with other options is
never reused.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

SPRAK = "sv-SE"


@dataclass(frozen=True)
class Alternativ:
    """PDF export options (LibreOffice's writer_pdf_Export/calc_pdf_Export FilterData)."""

    pdfa: bool = True  # PDF/A-2b (archival)
    tagged: bool = True  # tagged PDF (accessibility)
    sprak: str = SPRAK  # document language written into the PDF

    def filter_options(self) -> list[str]:
        """Options in unoserver's 'Name=value' form."""
        opts = []
        if self.pdfa:
            opts.append("SelectPdfVersion=2")  # 2 = PDF/A-2b
        opts.append(f"UseTaggedPDF={'true' if self.tagged or self.pdfa else 'false'}")
        opts.append("ExportBookmarks=true")
        return opts

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)
