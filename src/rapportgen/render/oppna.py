"""Opening a Word template with docxtpl (shared by rendering and the template analysis)."""

from __future__ import annotations

from pathlib import Path

from docxtpl import DocxTemplate

from ..exceptions import TemplateError


def open_template(path: Path) -> DocxTemplate:
    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()  # docxtpl opens lazily: open now, so a broken file is reported here
        return tpl
    except Exception:  # zip/xml errors from a broken or non-Word file
        raise TemplateError("mallen kan inte öppnas: filen är skadad eller inte ett Word-dokument (.docx)",
                            fil=path) from None
