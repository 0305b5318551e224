"""Opening a Word template with docxtpl (shared by rendering and the template analysis)."""

from __future__ import annotations

import functools
import os
import zipfile
from pathlib import Path

from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ..exceptions import TemplateError


@functools.lru_cache(maxsize=1)
def _default_body_xml() -> bytes:
    """word/document.xml of python-docx's built-in default document (what docxtpl's Subdoc opens)."""
    import docx

    path = os.path.join(os.path.dirname(docx.__file__), "templates", "default.docx")
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


class Mall(DocxTemplate):
    """A DocxTemplate whose empty subdocuments are cheap.

    docxtpl's Subdoc opens python-docx's whole default package (styles, numbering, theme ...)
    for every subdocument and then only uses its document element, attached to the template's
    own part. Here the document element is parsed from the same default document.xml, so the
    subdocument is the same, without the package."""

    def new_subdoc(self, docpath=None) -> Subdoc:
        if docpath is not None:
            return super().new_subdoc(docpath)
        from docx.document import Document
        from docx.oxml import parse_xml

        self.init_docx()
        sd = Subdoc.__new__(Subdoc)
        sd.tpl = self
        sd.docx = self.docx
        sd.subdocx = Document(parse_xml(_default_body_xml()), self.docx.part)
        return sd

    def save(self, filename, *args, **kwargs) -> None:
        """docxtpl's save, with the package written by render.zippaket (a large part that is
        the same as in an earlier save, like the template's styles, is not compressed again)."""
        from docx import Document

        from .zippaket import spara_paket

        if args or kwargs:
            return super().save(filename, *args, **kwargs)
        if not self.is_saved and not self.is_rendered:
            self.docx = Document(self.template_file)
        self.pre_processing()
        spara_paket(self.docx, filename)
        self.post_processing(filename)
        self.is_saved = True


def open_template(path: Path) -> DocxTemplate:
    try:
        tpl = Mall(str(path))
        tpl.init_docx()  # docxtpl opens lazily: open now, so a broken file is reported here
        return tpl
    except Exception:  # zip/xml errors from a broken or non-Word file
        raise TemplateError("mallen kan inte öppnas: filen är skadad eller inte ett Word-dokument (.docx)",
                            fil=path) from None
