"""The archival variant (--pdfa): PDF/A-2b identification, sRGB output intent, embedded fonts.

Generated documents are converted as PDF/A by convert_many when the
conversion engine supports it. External parts are checked: a part whose
fonts are not embedded cannot go into an archival package.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from ..exceptions import InputError


def _font_embedded(font: DictionaryObject) -> bool:
    font = font.get_object()
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True
    if subtype == "/Type0":
        return all(_font_embedded(f) for f in font.get("/DescendantFonts", ArrayObject()).get_object())
    desc = font.get("/FontDescriptor")
    if desc is None:
        return False
    desc = desc.get_object()
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def unembedded_fonts(reader: PdfReader) -> set[str]:
    missing: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        fonts = resources.get_object().get("/Font")
        if fonts is None:
            continue
        for _name, ref in fonts.get_object().items():
            font = ref.get_object()
            if not _font_embedded(font):
                missing.add(str(font.get("/BaseFont", _name)).lstrip("/"))
    return missing


def check_parts(parts, manifest: Path) -> None:
    """Stop the archival build when a part's fonts are not embedded, naming the bilaga that prevents PDF/A."""
    problems = []
    for d, reader in parts:
        missing = unembedded_fonts(reader)
        if missing:
            problems.append(f"{d.stampel} '{d.etikett}' ({d.fil.name}): typsnitt som inte är inbäddade: "
                            f"{', '.join(sorted(missing))}")
    if problems:
        raise InputError("arkivversionen (--pdfa) kräver inbäddade typsnitt i alla delar; handlingen kan inte "
                         "bli PDF/A på grund av:\n  " + "\n  ".join(problems)
                         + "\nbe avsändaren om en version med inbäddade typsnitt (till exempel PDF/A)", fil=manifest)


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def finish(pdf) -> None:
    """Add an sRGB output intent to the package (its XMP already carries the PDF/A identification)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    icc = pikepdf.Stream(pdf, _srgb_profile())
    icc.N = 3
    intent = pdf.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String("sRGB IEC61966-2.1"),
        Info=String("sRGB IEC61966-2.1"), DestOutputProfile=pdf.make_indirect(icc)))
    pdf.Root.OutputIntents = Array([intent])
