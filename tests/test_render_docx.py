"""Rendering details every document type shares: broken templates, document properties."""

from pypdf import PdfReader

from rapportgen.cli import cli

from .conftest import EXAMPLES

SRC = EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md"


def test_broken_user_template_is_one_line_error(tmp_path, runner, profil_file):
    mallar = tmp_path / "mallar"
    mallar.mkdir()
    (mallar / "tjansteskrivelse.docx").write_bytes(b"inte ett Word-dokument")
    result = runner.invoke(cli, ["tjansteskrivelse", str(SRC), "--mallar", str(mallar), "-o", str(tmp_path / "ut"),
                                 "--profil", str(profil_file)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit with code 2, not an exception
    assert "tjansteskrivelse.docx" in result.output and "inte ett Word-dokument" in result.output
    assert not (tmp_path / "ut" / "05-familjehemsorganisation.docx").exists()


def test_author_is_the_organisation(tmp_path, runner, profil_file):
    result = runner.invoke(cli, ["tjansteskrivelse", str(SRC), "-o", str(tmp_path), "--profil", str(profil_file)])
    assert result.exit_code == 0, result.output
    meta = PdfReader(tmp_path / "05-familjehemsorganisation.pdf").metadata
    assert meta.author == "Socialförvaltningen, Timrå kommun"
