"""The archival variant (--pdfa): PDF/A-2b identification, sRGB output intent, embedded fonts.

Generated documents are converted as PDF/A by convert_many when the
conversion engine supports it. External parts are checked: a part whose
fonts are not embedded cannot go into an archival package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, TextStringObject,
)

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
    """Stop the archival build when a part's fonts are not embedded."""
    problems = []
    for d, reader in parts:
        missing = unembedded_fonts(reader)
        if missing:
            problems.append(f"{d.fil.name}: typsnitt som inte är inbäddade: {', '.join(sorted(missing))}")
    if problems:
        raise InputError("arkivversionen (--pdfa) kräver inbäddade typsnitt i alla delar:\n  "
                         + "\n  ".join(problems), fil=manifest)


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _xmp(title: str, namnd: str, datum: dt.date) -> bytes:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    t, n = escape(title), escape(namnd)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{n}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{n} {datum.isoformat()}</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreateDate>{now}</xmp:CreateDate>
   <xmp:ModifyDate>{now}</xmp:ModifyDate>
   <xmp:CreatorTool>rapportgen</xmp:CreatorTool>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode("utf-8")


def finish(writer: PdfWriter, title: str, namnd: str, datum: dt.date) -> None:
    """Add the PDF/A identification (XMP) and an sRGB output intent to the package."""
    meta = DecodedStreamObject()
    meta.set_data(_xmp(title, namnd, datum))
    meta[NameObject("/Type")] = NameObject("/Metadata")
    meta[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(meta)
    icc = DecodedStreamObject()
    icc.set_data(_srgb_profile())
    icc[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/DestOutputProfile"): writer._add_object(icc),
    })
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
