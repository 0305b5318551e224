"""Opening a Word template with docxtpl (shared by rendering and the template analysis)."""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import os
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

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


# --- one parse per template and process --------------------------------------------------------
# A meeting renders the same template for each of its tjänsteskrivelser. A template used again is
# parsed once more and kept, per content (SHA-256 of the file's bytes, read anew for every
# render, so an edited file is parsed again), and each later render gets its own copy: every XML part deep-copied (lxml, in
# C), every other part's bytes shared (bytes never change in place), the relationships rebuilt
# between the copies. The parsed original is never handed out.

_MALLAR: "OrderedDict[bytes, Any]" = OrderedDict()
_MALLAR_MAX = 2  # a parsed template holds some 5 MB; a meeting renders most documents from one
_SEDDA: "OrderedDict[bytes, None]" = OrderedDict()  # the templates opened once so far
_SEDDA_MAX = 256
_LOCK = threading.Lock()
_LAZY: dict[type, frozenset[str]] = {}


def _lazy_names(cls: type) -> frozenset[str]:
    """The names python-docx's lazyproperty caches values under in an instance of cls."""
    names = _LAZY.get(cls)
    if names is None:
        from docx.shared import lazyproperty

        names = _LAZY[cls] = frozenset(k for c in cls.__mro__ for k, v in vars(c).items()
                                       if isinstance(v, lazyproperty))
    return names


def _clone(obj: Any) -> Any:
    """A shallow copy without the lazily cached values (they pointed into the original) and
    without the relationships (rebuilt by the caller)."""
    new = object.__new__(type(obj))
    lazy = _lazy_names(type(obj))
    new.__dict__.update((k, v) for k, v in obj.__dict__.items() if k not in lazy and k != "_rels")
    return new


def kopiera_dokument(master: Any) -> Any:
    """An independent copy of a python-docx Document: what a render changes in it (XML, parts,
    relationships) is never seen in master, nor the other way round."""
    from docx.opc.part import XmlPart

    package = master.part.package
    new_package = _clone(package)
    parts = list(package.iter_parts())
    nya: dict[int, Any] = {}
    for part in parts:
        new = _clone(part)
        if isinstance(part, XmlPart):
            old_el = part._element
            el = copy.deepcopy(old_el)
            for k, v in list(new.__dict__.items()):
                if v is old_el:  # _element and any alias of it (SettingsPart._settings ...)
                    new.__dict__[k] = el
        new._package = new_package
        nya[id(part)] = new

    def relationer(src: Any, dst: Any) -> None:
        for rid, rel in src.rels.items():
            target = rel._target if rel.is_external else nya[id(rel._target)]
            dst.rels.add_relationship(rel.reltype, target, rid, rel.is_external)

    relationer(package, new_package)
    for part in parts:
        relationer(part, nya[id(part)])
    return nya[id(master.part)].document


def slapp_dokument(document: Any) -> None:
    """Let go of a saved document's XML and parts at once. Package and parts point at each
    other, and python-docx's iter_parts leaves a cycle holding every part it visited, so without
    this a meeting's renders pile up in memory until a full garbage collection. The document is
    unusable afterwards."""
    package = document.part.package
    for part in list(package.iter_parts()):
        part.__dict__.clear()
    package.__dict__.clear()


def dokument(path: Path) -> Any:
    """A fresh python-docx Document of the template at path. A template's parse is kept from
    its second use on (one used once costs no memory kept); later uses get copies of it."""
    from docx import Document

    data = Path(path).read_bytes()
    key = hashlib.sha256(data).digest()
    with _LOCK:
        master = _MALLAR.get(key)
        if master is not None:
            _MALLAR.move_to_end(key)
            return kopiera_dokument(master)
        first = key not in _SEDDA
        _SEDDA[key] = None
        while len(_SEDDA) > _SEDDA_MAX:
            _SEDDA.popitem(last=False)
    if first:
        return Document(io.BytesIO(data))
    master = Document(io.BytesIO(data))
    with _LOCK:
        _MALLAR[key] = master
        while len(_MALLAR) > _MALLAR_MAX:
            _MALLAR.popitem(last=False)
        return kopiera_dokument(master)


def open_template(path: Path) -> DocxTemplate:
    try:
        tpl = Mall(str(path))
        tpl.docx = dokument(path)  # opened now, so a broken file is reported here
        return tpl
    except Exception:  # zip/xml errors from a broken or non-Word file
        raise TemplateError("mallen kan inte öppnas: filen är skadad eller inte ett Word-dokument (.docx)",
                            fil=path) from None
