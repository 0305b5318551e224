"""A bilaga named .docx or .xlsx that is no Office Open XML package (HTML, plain text, RTF, an old
binary .doc with a new name) is refused with a message naming it: LibreOffice would otherwise guess
its format from the content and convert it without the clean-up of links that a package gets."""

from __future__ import annotations

import pytest

from rapportgen.cli import cli
from rapportgen.convert.prepare import prepare
from rapportgen.exceptions import ConversionError

from .handling_helpers import write_manifest

INNEHALL = {
    "html": b'<html><body><p>Hej</p><img src="http://127.0.0.1:9/bild.png"></body></html>',
    "text": "Bara text, med å, ä och ö.".encode(),
    "rtf": rb"{\rtf1\ansi{\field{\*\fldinst HYPERLINK http://127.0.0.1:9/}{\fldrslt a}}}",
}


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@pytest.mark.parametrize("slag", sorted(INNEHALL))
def test_prepare_refuses_what_is_no_package(tmp_path, suffix, slag):
    src = tmp_path / f"bilaga{suffix}"
    src.write_bytes(INNEHALL[slag])
    with pytest.raises(ConversionError) as exc:
        prepare(src, tmp_path / f"ut{suffix}", "Bilaga")
    assert exc.value.fil == str(src)
    assert "Office Open XML" in exc.value.detalj
    assert not (tmp_path / f"ut{suffix}").exists()


def test_a_package_with_such_a_bilaga_stops_with_exit_2_and_names_it(tmp_path, runner):
    (tmp_path / "yttrande.docx").write_bytes(INNEHALL["html"])
    manifest = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: Yttrande\n    bilagor:\n"
                                        "      - etikett: Yttrande\n        fil: yttrande.docx\n")
    # The check stage refuses it; with --tvinga the conversion refuses it too.
    res = runner.invoke(cli, ["handling", str(manifest), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 2, res.output
    assert "'yttrande.docx'" in res.output and "inte en Word-fil" in res.output
    res = runner.invoke(cli, ["handling", str(manifest), "-o", str(tmp_path / "ut"), "--tvinga"])
    assert res.exit_code == 2, res.output
    assert "Fel: yttrande.docx: Ärende 5 · Bilaga 1 'Yttrande': filen är inte ett Word-dokument (.docx)" in res.output
    assert "rapportgen-handling-" not in res.output  # not the temporary copy's name
    assert not (tmp_path / "ut" / "handling.pdf").exists()
