"""The second organisation (Härryda): other dnr pattern, letterhead, signers and sections."""

from __future__ import annotations

import pytest

from rapportgen.cli import cli
from rapportgen.exceptions import InputError
from rapportgen.config import load_profile
from rapportgen.doctypes.tjansteskrivelse import load

from .conftest import EXAMPLES, pdf_text, squash

HARRYDA = EXAMPLES / "harryda"


def test_harryda_tjansteskrivelse(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(HARRYDA)
    result = runner.invoke(cli, ["tjansteskrivelse", "tjansteskrivelser/01-familjehem.md", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(tmp_path / "01-familjehem.pdf"))
    # Letterhead: only Datum and Diarienummer (no Sida, no Handläggare in the header).
    head = text[:text.index("TJÄNSTESKRIVELSE")]
    assert "Datum" in head and "2023-09-12" in head and "Diarienummer 2023SOCN142" in head
    assert "Sida" not in head and "Handläggare" not in head
    # Sections in the profile's order and with its headings; the input had Barnperspektiv first.
    order = ["Förvaltningens förslag till beslut", "Sammanfattning av ärendet", "Bakgrund",
             "Förvaltningens synpunkter", "Barnkonsekvensanalys", "Tidigare beslut"]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    # Two signers from the profile, and the handläggare at the end.
    assert "Karin Ekdahl" in text and "Per Lindqvist" in text
    assert text.index("Per Lindqvist") < text.index("Handläggare: Lena Åberg")


def test_harryda_dnr_pattern_is_checked(runner):
    timra = str(EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md")
    result = runner.invoke(cli, ["check", timra, "--profil", str(HARRYDA / "rapportgen.yaml"),
                                 "--format", "plain"])
    assert result.exit_code == 1
    assert "{år}{organ}{löpnummer}" in result.output


def test_harryda_package(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(HARRYDA)
    result = runner.invoke(cli, ["handling", "sammantrade.yaml", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(tmp_path / "handling.pdf"))
    assert "Härryda kommun" in text
    assert text.index("Rekrytering av familjehem") < text.index("Förebyggande insatser för unga 2024")
    assert "Programskiss förebyggande insatser 2024" in text
    assert "Barnkonsekvensanalys" in text
    # Härryda's own kallelse: a numbered föredragningslista with page references.
    first = squash(pdf_text(tmp_path / "kallelse.pdf"))
    assert "Socialnämnden kallas till sammanträde" in first
    assert "3. Rekrytering av familjehem – lägesrapport (dnr 2023SOCN142), sidan 2" in first


def test_harryda_templates_render_the_same_inputs(tmp_path, runner):
    inputs = sorted((EXAMPLES / "tjansteskrivelser").glob("*.md"))
    result = runner.invoke(cli, ["tjansteskrivelse", *map(str, inputs), "-o", str(tmp_path),
                                 "--profil", str(EXAMPLES / "rapportgen.yaml"),
                                 "--mallar", str(HARRYDA / "mallar")])
    assert result.exit_code == 0, result.output
    for inp in inputs:
        text = squash(pdf_text(tmp_path / f"{inp.stem}.pdf"))
        assert "TJÄNSTESKRIVELSE" in text and "Timrå kommun" in text


def test_section_left_out_of_the_profile_is_an_error(tmp_path):
    profil = load_profile(HARRYDA / "rapportgen.yaml")
    md = tmp_path / "a.md"
    md.write_text("---\nhandläggare: A B\ndatum: 2023-09-01\ndnr: 2023SOCN1\ntitel: T\n"
                  "förslag_till_beslut: Besluta.\n---\n\n# Ärendet\n\nText.\n\n# Miljö\n\nText.\n",
                  encoding="utf-8")
    with pytest.raises(InputError, match="avsnittet 'Miljö' finns inte i profilens avsnittslista"):
        load(md, profil)


def test_profile_section_keys_are_validated(tmp_path):
    bad = tmp_path / "rapportgen.yaml"
    bad.write_text("avsnitt:\n  - arendet: Bakgrund\n  - miljon: Miljö\n", encoding="utf-8")
    with pytest.raises(InputError, match="okänt avsnitt 'miljon'"):
        load_profile(bad)


def test_shipped_template_follows_the_profile_sections(tmp_path, runner):
    """The section list is a profile setting, not a property of one template."""
    profil = tmp_path / "rapportgen.yaml"
    base = (EXAMPLES / "rapportgen.yaml").read_text(encoding="utf-8")
    profil.write_text(base + "avsnitt:\n  - sammanfattning\n  - ekonomiska_konsekvenser: Ekonomi\n"
                             "  - arendet: Bakgrund\n", encoding="utf-8")
    inp = EXAMPLES / "tjansteskrivelser" / "07-bemanning-vard-och-omsorgsboenden.md"
    result = runner.invoke(cli, ["tjansteskrivelse", str(inp), "-o", str(tmp_path), "--profil", str(profil)])
    assert result.exit_code == 0, result.output
    lines = pdf_text(tmp_path / f"{inp.stem}.pdf").splitlines()
    headings = [h for h in ("Sammanfattning", "Förslag till beslut", "Ekonomi", "Bakgrund", "Ärendet") if h in lines]
    assert headings == ["Sammanfattning", "Förslag till beslut", "Ekonomi", "Bakgrund"]
    assert [lines.index(h) for h in headings] == sorted(lines.index(h) for h in headings)


@pytest.mark.parametrize("value,what", [("saknas", "finns inte"), ("rapportgen.yaml", "är en fil, inte en mapp")])
def test_profile_mallar_folder_must_exist(tmp_path, monkeypatch, runner, value, what):
    """A misspelt mallar: folder would silently fall back to the shipped templates: an error at its line."""
    from rapportgen import doctypes

    profile = tmp_path / "rapportgen.yaml"
    profile.write_text(f"kommun: Ånge kommun\nförvaltning: Socialförvaltningen\nmallar: {value}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_profile(profile)
    assert exc.value.format_message() == (
        f"{profile}, rad 3: fältet 'mallar': mappen för egna mallar '{value}' {what} ({tmp_path / value})")

    inp = tmp_path / "arende.md"
    inp.write_bytes(doctypes.get("tjansteskrivelse").exempel.read_bytes())
    monkeypatch.chdir(tmp_path)
    for args in (["tjansteskrivelse", "arende.md", "-o", "ut", "--ingen-pdf"], ["mallar", "lista"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert f"rapportgen.yaml, rad 3: fältet 'mallar': mappen för egna mallar '{value}' {what}" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "ut").exists()

    (tmp_path / "mallar").mkdir()
    profile.write_text("kommun: Ånge kommun\nmallar: mallar\n", encoding="utf-8")
    assert load_profile(profile).mallar == (tmp_path / "mallar").resolve()
