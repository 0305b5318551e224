"""Issue 19: a content stream in the plain form LibreOffice writes is re-encoded on its bytes
(typsnitt._recode_bytes) instead of being parsed and written out again. These tests hold the byte
path to the parsing path (typsnitt._recode): the same strings re-encoded, in the same fonts, in
pages, forms, TJ arrays, after q/Q; everything else left alone; a stream in another form parsed.
"""

from __future__ import annotations

import pikepdf
import pytest
from hypothesis import given, settings, strategies as st
from pikepdf import Array, Dictionary, Name, String

from rapportgen.assemble import typsnitt

# The codes each font knows, and where they go (F3 is not joined: left as it is).
MAPPING = {"/F1": {1: 0x41, 2: 0x42, 3: 0x43, 0x10: 0x44}, "/F2": {1: 0x61, 2: 0x62, 3: 0x63}}


def _pdf(contents: bytes | list[bytes], form: bytes | None = None) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    fonts = Dictionary({name: pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.TrueType,
                                                           BaseFont=Name("/AAAAAA+Carlito")))
                        for name in ("/F1", "/F2", "/F3")})
    res = Dictionary(Font=fonts)
    if form is not None:
        xo = pdf.make_stream(form, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 100, 100],
                             Resources=Dictionary(Font=fonts))
        res.XObject = Dictionary(Fm1=xo)
    pdf.add_blank_page()
    page = pdf.pages[0]
    page.obj.Resources = res
    if isinstance(contents, list):
        page.obj.Contents = Array([pdf.make_stream(c) for c in contents])
    else:
        page.obj.Contents = pdf.make_stream(contents)
    return pdf


def _mapping(pdf: pikepdf.Pdf) -> dict:
    fonts = pdf.pages[0].obj.Resources.Font
    return {fonts[name].objgen: codes for name, codes in MAPPING.items()}


def _shown(pdf: pikepdf.Pdf, stream=None) -> list[tuple[str, bytes]]:
    """(operator, string) for every string a text operator shows, in order."""
    out = []
    for operands, op in pikepdf.parse_content_stream(stream if stream is not None else pdf.pages[0]):
        if str(op) == "TJ":
            out.extend(("TJ", bytes(x)) for x in operands[-1] if isinstance(x, String))
        elif str(op) in ("Tj", "'", '"'):
            out.append((str(op), bytes(operands[-1])))
    return out


def _canon(pdf: pikepdf.Pdf) -> list[bytes]:
    out = [pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0]))]
    xobjects = pdf.pages[0].obj.Resources.get("/XObject", Dictionary())
    out.extend(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(xo)) for xo in xobjects.values())
    return out


def _spy_parsed(monkeypatch) -> list[int]:
    parsed: list[int] = []
    real = typsnitt._recode
    monkeypatch.setattr(typsnitt, "_recode", lambda *a: parsed.append(1) or real(*a))
    return parsed


def _both(contents, form=None) -> tuple[tuple[bool, list], tuple[bool, list]]:
    """_omkoda on the bytes and, on a second copy, with every stream parsed."""
    fast = _pdf(contents, form)
    ok_fast = typsnitt._omkoda(fast, _mapping(fast))
    slow = _pdf(contents, form)
    real = typsnitt._recode_bytes

    def parse_instead(*_a):
        raise typsnitt._NotPlain

    typsnitt._recode_bytes = parse_instead
    try:
        ok_slow = typsnitt._omkoda(slow, _mapping(slow))
    finally:
        typsnitt._recode_bytes = real
    return (ok_fast, _canon(fast)), (ok_slow, _canon(slow))


PAGE = (b"q BT /F1 12 Tf [<0102>-5<03>]TJ ET Q\nBT /F2 9 Tf\n<0102>Tj /Span<</ActualText<FEFF0041>>>BDC "
        b"<03>' EMC q /F1 9 Tf Q <01>Tj ET /Fm1 Do 0 0 1 rg 1 1 10 10 re f")
FORM = b"BT /F1 5 Tf <0203> Tj /F3 5 Tf <0102> Tj ET"


def test_plain_page_and_form_are_re_encoded_on_their_bytes(monkeypatch):
    parsed = _spy_parsed(monkeypatch)
    pdf = _pdf(PAGE, FORM)
    assert typsnitt._omkoda(pdf, _mapping(pdf))
    assert parsed == []  # neither stream was parsed
    # F1's codes in the TJ array; F2's after the array, in ' and after q /F1 Tf Q gave F2 back.
    assert _shown(pdf) == [("TJ", b"AB"), ("TJ", b"C"), ("Tj", b"ab"), ("'", b"c"), ("Tj", b"a")]
    # The form drawn by Do: its F1 string re-encoded, its F3 string (not joined) left alone.
    form = pdf.pages[0].obj.Resources.XObject.Fm1
    assert _shown(pdf, form) == [("Tj", b"BC"), ("Tj", b"\x01\x02")]
    # Hex strings that are not shown text (a marked-content property) and the drawing stay as they were.
    ops = pikepdf.parse_content_stream(pdf.pages[0])
    bdc = next(operands for operands, op in ops if str(op) == "BDC")
    assert bytes(bdc[1].ActualText) == b"\xfe\xff\x00\x41"
    assert [str(op) for _o, op in ops][-3:] == ["rg", "re", "f"]


def test_the_byte_path_and_the_parsed_path_agree_on_the_example():
    fast, slow = _both(PAGE, FORM)
    assert fast == slow and fast[0]


@pytest.mark.parametrize("contents", [
    b"BT /F1 12 Tf (\\001\\002) Tj ET",  # a literal string
    b"BT /F1 12 Tf <01> Tj % a comment\n ET",
    b"BT /F1 12 Tf <01> Tj ET BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI",  # an inline image
    b"BT /F#31 12 Tf <0102> Tj ET",  # an escaped name
    b"BT /F1 12 Tf 1 2 <0102> \" ET",  # the '"' operator
    b"BT /F1 12 12 Tf <0102> Tj ET",  # a Tf with other operands
    b"BT /F1 12 Tf 5 [<01>] TJ ET",
])
def test_a_stream_in_another_form_is_parsed(monkeypatch, contents):
    parsed = _spy_parsed(monkeypatch)
    fast, slow = _both(contents)
    assert fast == slow
    assert parsed  # the stream went through the parser


def test_with_more_operands_than_an_operator_takes_the_last_ones_count(monkeypatch):
    """As in PDF viewers: /F1 /F2 12 Tf sets F2; <01> <02> Tj shows <02>."""
    contents = b"BT /F1 /F2 12 Tf <01> <0102> Tj /Fm1 /Fm2 Do 1 [<03>] TJ ET"
    fast, slow = _both(contents)
    assert fast == slow and fast[0]
    pdf = _pdf(contents)
    assert typsnitt._omkoda(pdf, _mapping(pdf))
    assert _shown(pdf) == [("Tj", b"ab"), ("TJ", b"c")]


def test_hex_strings_with_spaces_or_an_odd_digit_and_split_contents(monkeypatch):
    parsed = _spy_parsed(monkeypatch)
    contents = [b"q BT /F1 12 Tf [< 01 02 >-5<03>]TJ", b"<1>Tj ET Q BT /F2 3 Tf <03>Tj ET"]
    pdf = _pdf(contents)
    assert typsnitt._omkoda(pdf, _mapping(pdf))
    assert parsed == []
    # A hex string's spaces are skipped, an odd last digit counts as followed by 0 (<1> is 0x10);
    # the page's two content streams are read as one.
    assert _shown(pdf) == [("TJ", b"AB"), ("TJ", b"C"), ("Tj", b"D"), ("Tj", b"c")]
    fast, slow = _both(contents)
    assert fast == slow


def test_a_code_the_font_does_not_know_stops_both_paths():
    for contents in (b"BT /F1 12 Tf <0104> Tj ET", b"BT /F1 12 Tf [<01> 3 <09>] TJ ET"):
        fast, slow = _both(contents)
        assert fast == slow and not fast[0]


def test_text_in_a_form_without_its_own_font_stops_both_paths():
    fast, slow = _both(b"BT /F1 12 Tf /Fm1 Do ET", b"BT <01> Tj ET")
    assert fast == slow and not fast[0]


# --- any stream of this grammar: the byte path gives what the parser gives ------------------------

_SEP = st.sampled_from([b" ", b"\n", b"\r\n", b"  \t"])
_CODE_HEX = st.lists(st.sampled_from([b"01", b"02", b"03", b"0 1", b"1"]), min_size=0, max_size=4) \
    .map(lambda xs: b"<" + b"".join(xs) + b">")


@st.composite
def _instruction(draw) -> bytes:
    sep = draw(_SEP)
    kind = draw(st.sampled_from(["q", "Q", "Tf", "Tj", "TJ", "'", "BDC", "EMC", "path", "Td", "Do", "lit"]))
    if kind in ("q", "Q", "EMC"):
        return kind.encode()
    if kind == "Tf":
        font = draw(st.sampled_from([b"/F1", b"/F2", b"/F3"]))
        return font + sep + draw(st.sampled_from([b"9", b"10.5"])) + sep + b"Tf"
    if kind in ("Tj", "'"):
        return draw(_CODE_HEX) + draw(st.sampled_from([b"", b" ", b"\n"])) + kind.encode()
    if kind == "TJ":
        items = draw(st.lists(st.one_of(_CODE_HEX, st.sampled_from([b"-5", b"3", b"0.5"])), max_size=5))
        return b"[" + b" ".join(items) + b"]" + draw(st.sampled_from([b"", b" "])) + b"TJ"
    if kind == "BDC":
        return b"/Span<</ActualText" + draw(_CODE_HEX) + b"/MCID 1>>" + sep + b"BDC"
    if kind == "path":
        return b"0 0 10 10 re" + sep + b"f"
    if kind == "Td":
        return b"1 2 Td"
    if kind == "Do":
        return b"/Fm1 Do"
    return b"(\\001) Tj"  # a literal string: the stream is parsed


@settings(max_examples=150, deadline=None)
@given(st.lists(_instruction(), max_size=25), st.lists(_instruction(), max_size=8), _SEP)
def test_byte_path_equals_parsed_path(page, form, sep):
    contents = b"BT /F2 9 Tf " + sep.join(page) + b" ET"
    fast, slow = _both(contents, b"BT /F1 5 Tf " + sep.join(form) + b" ET")
    assert fast == slow


# --- a subset's cmap moved to the stable codes on its bytes -------------------------------------

REALWORLD_LO = ("002-trivial-libre-office-writer.pdf", "libreoffice-form.pdf")


def _lo_subsets():
    from pathlib import Path

    for name in REALWORLD_LO:
        with pikepdf.open(Path("/work/shared/realworld-pdfs") / name) as pdf:
            for _family, fonts in typsnitt._candidates(pdf).items():
                for f in fonts:
                    codes = typsnitt._to_unicode(f.ToUnicode)
                    yield f.FontDescriptor.FontFile2.read_bytes(), codes


def test_a_format0_subset_is_moved_to_the_stable_codes_on_its_bytes_as_fonttools_would():
    import io

    from fontTools.ttLib import TTFont

    checked = 0
    for program, codes in _lo_subsets():
        target = typsnitt._tilldela([codes])
        assert target is not None
        patched = typsnitt._ny_kodning_format0(program, codes, target)
        assert patched is not None and patched != program
        before, after = TTFont(io.BytesIO(program)), TTFont(io.BytesIO(patched))
        # Every character's glyph now at its stable code, nothing else in the cmap; the other
        # tables (glyphs, widths, names) unchanged; the font's checksums right.
        old = before["cmap"].tables[0].cmap
        new = {c: g for c, g in after["cmap"].tables[0].cmap.items() if g != ".notdef"}
        assert new == {target[ch]: old[c] for c, ch in codes.items() if old[c] != ".notdef"}
        assert all(after.reader[t] == before.reader[t] for t in before.reader.keys() if t not in ("cmap", "head"))
        assert typsnitt._checksum(patched) == 0xB1B0AFBA
        assert typsnitt._head(patched) == (before["head"].unitsPerEm, before["head"].fontRevision)
        checked += 1
    assert checked >= 4


def test_a_code_beyond_format0_stops_the_byte_path_as_it_stops_fonttools():
    program, codes = next(_lo_subsets())
    codes = {**codes, 300: "Z"}
    target = typsnitt._tilldela([codes])
    with pytest.raises(typsnitt._Skip):
        typsnitt._ny_kodning_format0(program, codes, target)


def test_other_programs_are_left_to_fonttools():
    program, codes = next(_lo_subsets())
    target = typsnitt._tilldela([codes])
    assert typsnitt._ny_kodning_format0(b"OTTO" + program[4:], codes, target) is None
    assert typsnitt._head(b"OTTO" + program[4:]) is None


def test_a_subset_is_joined_only_with_the_units_and_revision_of_the_systems_font():
    """_granska reads the subset's head on its bytes: another revision or unit size is refused."""
    from pathlib import Path

    with pikepdf.open(Path("/work/shared/realworld-pdfs") / REALWORLD_LO[0]) as pdf:
        f = next(iter(typsnitt._candidates(pdf).values()))[0]
        upm, rev = typsnitt._head(f.FontDescriptor.FontFile2.read_bytes())
        codes = typsnitt._to_unicode(f.ToUnicode)
        first = int(f.FirstChar)
        f.Widths = Array([w if first + i in codes else 0 for i, w in enumerate(f.Widths)])  # .notdef: no width
        widths = {codes[first + i]: float(w) for i, w in enumerate(f.Widths) if first + i in codes}
        hmtx = {ch: w * upm / 1000 for ch, w in widths.items()}
        find = lambda ch: ch if ch in hmtx else None  # noqa: E731 - the "system font": exactly these widths
        assert typsnitt._granska(f, upm, rev, find, hmtx)
        assert typsnitt._granska(f, upm, rev + 0.001, find, hmtx) is None
        assert typsnitt._granska(f, upm * 2, rev, find, {k: v * 2 for k, v in hmtx.items()}) is None
