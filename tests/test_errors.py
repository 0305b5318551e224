"""Bad input: one clear Swedish message naming file and field or line, exit 2, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path


from rapportgen.cli import cli

from .conftest import EXAMPLES

GOOD = (EXAMPLES / "tjansteskrivelser" / "06-god-och-nara-vard.md").read_text(encoding="utf-8")
PROFIL = str(EXAMPLES / "rapportgen.yaml")


def run(runner, tmp_path: Path, text: str | bytes, *extra: str):
    src = tmp_path / "arende.md"
    if isinstance(text, bytes):
        src.write_bytes(text)
    else:
        src.write_text(text, encoding="utf-8")
    out = tmp_path / "ut"
    res = runner.invoke(cli, ["tjansteskrivelse", str(src), "-o", str(out), "--profil", PROFIL, *extra])
    return res, out, src


def assert_user_error(res, out: Path, *needles: str):
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.output.startswith("Fel: ")
    assert len(res.output.strip().splitlines()) == 1, res.output
    for needle in needles:
        assert needle in res.output, (needle, res.output)
    assert not out.exists() or not any(out.iterdir())


def test_missing_required_field(runner, tmp_path):
    text = GOOD.replace("dnr: SN/2023:51\n", "")
    res, out, src = run(runner, tmp_path, text)
    assert_user_error(res, out, str(src), "'dnr'", "saknas")


def test_date_that_is_not_a_date(runner, tmp_path):
    text = GOOD.replace("datum: 2023-09-05", "datum: 2023-13-45")
    res, out, src = run(runner, tmp_path, text)
    line = text.splitlines().index("datum: 2023-13-45") + 1
    assert_user_error(res, out, str(src), f"rad {line}", "'datum'", "ÅÅÅÅ-MM-DD")


def test_text_date(runner, tmp_path):
    text = GOOD.replace("datum: 2023-09-05", "datum: 5 september")
    res, out, _ = run(runner, tmp_path, text)
    assert_user_error(res, out, "'datum'")


def test_wrong_type_list_of_dicts(runner, tmp_path):
    text = GOOD.replace("titel: Information om god och nära vård, september",
                        "titel:\n  - a: 1")
    res, out, _ = run(runner, tmp_path, text)
    assert_user_error(res, out, "'titel'", "ska vara text")


def test_unknown_field_suggests(runner, tmp_path):
    text = GOOD.replace("beslutsunderlag:", "beslutsunderlaget:")
    res, out, _ = run(runner, tmp_path, text)
    assert_user_error(res, out, "okänt fält 'beslutsunderlaget'", "menade du 'beslutsunderlag'")


def test_unreadable_missing_file(runner, tmp_path):
    out = tmp_path / "ut"
    res = runner.invoke(cli, ["tjansteskrivelse", str(tmp_path / "finns-inte.md"), "-o", str(out)])
    assert_user_error(res, out, "finns-inte.md", "finns inte")


def test_unreadable_not_utf8(runner, tmp_path):
    res, out, src = run(runner, tmp_path, GOOD.encode("utf-8").replace("Ärendet".encode(), "Ärendet".encode("latin-1")))
    assert_user_error(res, out, str(src), "UTF-8")


def test_yaml_syntax_error_has_line(runner, tmp_path):
    text = GOOD.replace("dnr: SN/2023:51", "dnr: [SN/2023:51")
    res, out, _ = run(runner, tmp_path, text)
    assert_user_error(res, out, "YAML-syntaxfel", "rad ")


def test_no_front_matter(runner, tmp_path):
    res, out, _ = run(runner, tmp_path, "# Ärendet\n\nText\n")
    assert_user_error(res, out, "front matter", "rad 1")


def test_unknown_section_heading(runner, tmp_path):
    text = GOOD + "\n# Övrigt att fundera på\n\nText.\n"
    res, out, src = run(runner, tmp_path, text)
    line = text.splitlines().index("# Övrigt att fundera på") + 1
    assert_user_error(res, out, str(src), f"rad {line}", "okänd avsnittsrubrik 'Övrigt att fundera på'")


def test_front_matter_heading_in_body(runner, tmp_path):
    text = GOOD + "\n# Beslutsunderlag\n\n- Något\n"
    res, out, _ = run(runner, tmp_path, text)
    assert_user_error(res, out, "front matter", "'beslutsunderlag'")


def test_missing_arendet(runner, tmp_path):
    text = GOOD.replace("# Ärendet", "# Sammanfattning")
    res, out, _ = run(runner, tmp_path, text)
    assert_user_error(res, out, "'Ärendet' saknas")


def _template_with(tmp_path: Path, extra: str) -> Path:
    """A copy of the shipped template with one extra paragraph."""
    from docx import Document

    mallar = tmp_path / "mallar"
    mallar.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "templates" / "tjansteskrivelse.docx", mallar)
    doc = Document(str(mallar / "tjansteskrivelse.docx"))
    doc.add_paragraph(extra)
    doc.save(str(mallar / "tjansteskrivelse.docx"))
    return mallar


def test_template_variable_the_data_lacks(runner, tmp_path):
    mallar = _template_with(tmp_path, "{{ kostnadsstalle }}")
    res, out, _ = run(runner, tmp_path, GOOD, "--mallar", str(mallar))
    assert_user_error(res, out, "tjansteskrivelse.docx", "kostnadsstalle")


def test_sandbox_blocks_unsafe_template(runner, tmp_path):
    mallar = _template_with(tmp_path, "{{ titel.__class__.__mro__[1].__subclasses__() }}")
    res, out, _ = run(runner, tmp_path, GOOD, "--mallar", str(mallar))
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_one_bad_input_stops_all(runner, tmp_path):
    good = tmp_path / "bra.md"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "dalig.md"
    bad.write_text(GOOD.replace("datum: 2023-09-05\n", ""), encoding="utf-8")
    out = tmp_path / "ut"
    res = runner.invoke(cli, ["tjansteskrivelse", str(good), str(bad), "-o", str(out), "--profil", PROFIL])
    assert_user_error(res, out, "dalig.md", "'datum'")


def test_placeholder_stops_render_unless_forced(runner, tmp_path):
    text = GOOD.replace("Nämnden får en lägesrapport", "Underskottet är -XX mnkr. Nämnden får en lägesrapport")
    res, out, _ = run(runner, tmp_path, text, "--ingen-pdf")
    assert res.exit_code == 2 and "platshållare" in res.output and "-XX" in res.output
    assert not out.exists() or not any(out.iterdir())
    res, out, _ = run(runner, tmp_path, text, "--ingen-pdf", "--tvinga")
    assert res.exit_code == 0 and (out / "arende.docx").exists()


def test_existing_output_untouched_on_error(runner, tmp_path):
    out = tmp_path / "ut"
    out.mkdir()
    old = out / "arende.docx"
    old.write_bytes(b"old")
    src = tmp_path / "arende.md"
    src.write_text(GOOD.replace("dnr: SN/2023:51\n", ""), encoding="utf-8")
    res = runner.invoke(cli, ["tjansteskrivelse", str(src), "-o", str(out), "--profil", PROFIL])
    assert res.exit_code == 2
    assert old.read_bytes() == b"old"
    assert [p.name for p in out.iterdir()] == ["arende.docx"]
