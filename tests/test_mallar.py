"""Users' own templates: lookup precedence, the variable list, and `mallar kontrollera`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate

from rapportgen import doctypes
from rapportgen.commands import mallar
from rapportgen.cli import cli
from rapportgen.config import Profil
from rapportgen.render.templates import SHIPPED, resolve_template

from .conftest import ROOT, pdf_text, squash


def _copy(src: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(src, folder / name))


# --- lookup ----------------------------------------------------------------------------------

def test_override_precedence(tmp_path):
    src = SHIPPED / "dokument.docx"
    work = tmp_path / "arbete"
    explicit, prof = tmp_path / "explicit", tmp_path / "profilmallar"
    typ = "tjansteskrivelse"
    assert resolve_template(typ, cwd=work).kalla == "inbyggd"
    _copy(src, work / "templates", f"{typ}.docx")
    assert resolve_template(typ, cwd=work).path == work / "templates" / f"{typ}.docx"
    _copy(src, work / "mallar", f"{typ}.docx")
    assert resolve_template(typ, cwd=work).kalla == "arbetsmapp"
    _copy(src, prof, f"{typ}.docx")
    assert resolve_template(typ, profil_mallar=prof, cwd=work).kalla == "profil"
    _copy(src, explicit, f"{typ}.docx")
    found = resolve_template(typ, mallar=explicit, profil_mallar=prof, cwd=work)
    assert (found.path, found.kalla) == (explicit / f"{typ}.docx", "--mallar")
    # A folder only overrides the types it has: the others fall through to the shipped ones.
    assert resolve_template("kallelse", mallar=explicit, profil_mallar=prof, cwd=work).kalla == "inbyggd"


def test_lista_cli_shows_source(tmp_path, monkeypatch, runner):
    _copy(SHIPPED / "tjansteskrivelse.docx", tmp_path / "templates", "tjansteskrivelse.docx")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["mallar", "lista"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert set(lines) == {t.name for t in doctypes.all_types()}
    assert "templates/ i arbetsmappen" in lines["tjansteskrivelse"]
    assert "inbyggda" in lines["kallelse"]


def test_package_builder_uses_working_directory_templates(tmp_path, monkeypatch):
    """The kallelse inside `rapportgen handling` is looked up like every other type."""
    from rapportgen.assemble import build_handling

    folder = tmp_path / "mallar"
    folder.mkdir()
    doc = Document(str(SHIPPED / "kallelse.docx"))
    doc.paragraphs[0].insert_paragraph_before("EGEN KALLELSEMALL")
    doc.save(folder / "kallelse.docx")
    monkeypatch.chdir(tmp_path)
    manifest = tmp_path / "sm.yaml"
    shutil.copyfile(doctypes.EXEMPEL / "sammantrade.yaml", manifest)
    for name in ("tjansteskrivelse.md", "dokument.md"):  # ärende 5 and its bilaga
        shutil.copyfile(doctypes.EXEMPEL / name, tmp_path / name)
    result = build_handling(manifest, tmp_path / "ut", Profil())
    assert "EGEN KALLELSEMALL" in pdf_text(result.handling)


# --- variabler -------------------------------------------------------------------------------

def _captured_context(t: doctypes.DocType, tmp_path: Path, monkeypatch) -> dict:
    seen: list[dict] = []
    original = DocxTemplate.render

    def spy(self, context, *args, **kwargs):
        seen.append(context)
        return original(self, context, *args, **kwargs)

    monkeypatch.setattr(DocxTemplate, "render", spy)
    profil = Profil()
    t.render(t.load(t.exempel, profil), tmp_path / f"{t.name}.docx", profil, None)
    assert len(seen) == 1
    return seen[0]


def _paths(value, prefix: str = "") -> set[str]:
    """Dotted paths of a rendered context: dicts are groups, lists of dicts are item groups."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(prefix + k)
            out |= _paths(v, prefix + k + ".")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                out |= _paths(item, prefix[:-1] + "[].")
    return out


@pytest.mark.parametrize("t", [t for t in doctypes.all_types() if t.exempel], ids=lambda t: t.name)
def test_variabler_match_what_the_renderer_passes(t, tmp_path, monkeypatch):
    context = _captured_context(t, tmp_path, monkeypatch)
    listed = {v.namn for v in mallar.variabler(t)}
    assert set(context) == mallar.toppnamn(t)
    passed = _paths(context)
    # Everything passed is listed; listed names missing from the example are optional or in
    # empty lists / tables.
    dict_valued = {v.namn for v in mallar.variabler(t) if v.typ.startswith("tabell")}
    assert {p for p in passed if not any(p.startswith(d + ".") for d in dict_valued)} <= listed
    for v in mallar.variabler(t):
        assert v.beskrivning or "." in v.namn, f"{v.namn} saknar beskrivning"


def test_every_filter_is_documented():
    from rapportgen.format import Formatter

    listed = {f.namn: f.beskrivning for f in mallar.filter_lista()}
    assert set(Formatter().filters()) <= set(listed)
    assert all(listed.values()), [n for n, d in listed.items() if not d]


def test_variabler_cli_is_readable(runner):
    result = runner.invoke(cli, ["mallar", "variabler", "tjansteskrivelse"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "handlaggare.namn  (text)" in out
    assert "underskrifter[].titel  (text, valfri)" in out
    assert "datum_lang" in out and "8 mars 2023" in out
    assert runner.invoke(cli, ["mallar", "variabler"]).exit_code == 2


def test_docs_are_up_to_date():
    """docs/mallvariabler.md is generated; run `make docs` when this fails."""
    on_disk = (ROOT / "docs" / "mallvariabler.md").read_text(encoding="utf-8")
    assert on_disk == mallar.markdown_referens(), "docs/mallvariabler.md är inaktuell: kör `make docs`"


# --- kontrollera -----------------------------------------------------------------------------

def _template(path: Path, paragraphs: list[str], cell: str | None = None) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if cell is not None:
        doc.add_table(rows=2, cols=2).cell(1, 0).text = cell
    doc.save(path)
    return path


def test_kontrollera_syntax_error(tmp_path, runner):
    fil = _template(tmp_path / "tjansteskrivelse.docx", ["{{ titel }}", "Inledning"],
                    cell="{% if namnd %}Till {{ namnd }}{% endfi %}")
    result = runner.invoke(cli, ["mallar", "kontrollera", str(fil)])
    assert result.exit_code == 1
    assert "brödtexten, tabell 1, rad 2, cell 1: syntaxfel: okänd tagg 'endfi'" in result.output
    assert "»{% if namnd %}Till {{ namnd }}{% endfi %}«" in result.output


def test_kontrollera_unknown_variable(tmp_path):
    fil = _template(tmp_path / "tjansteskrivelse.docx",
                    ["{{ titel }}", "{{ handlaggare.nman }}", "{%p for p in underskrifter %}",
                     "{{ p.tittel }}", "{%p endfor %}", "{{ diarienummer }}"])
    r = mallar.kontrollera(fil)
    messages = [f.format() for f in r.fel]
    assert any("stycke 2" in m and "menade du 'handlaggare.namn'" in m for m in messages), messages
    assert any("stycke 4" in m and "menade du 'p.titel'" in m for m in messages), messages
    assert any("stycke 6" in m and "'diarienummer' finns inte" in m for m in messages), messages
    assert r.pdf is None and not r.ok


def test_kontrollera_split_tag(tmp_path):
    fil = _template(tmp_path / "mall.docx", ["Rubrik", "{{ ti", "tel }}", "Slut"])
    r = mallar.kontrollera(fil, "tjansteskrivelse")
    assert [f.kod for f in r.fel] == ["delad-tagg"]
    assert r.fel[0].plats == "brödtexten, stycke 2"
    assert "slutar i nästa stycke" in r.fel[0].meddelande
    assert r.fel[0].text == "{{ ti ¶ tel }}"


def test_kontrollera_split_runs_are_fine(tmp_path):
    """A tag broken into several runs (as Word does) is something docxtpl handles."""
    path = tmp_path / "dokument.docx"
    doc = Document()
    p = doc.add_paragraph()
    for piece in ("{", "{ ti", "tel ", "}", "}"):
        p.add_run(piece).bold = True
    doc.add_paragraph("{{p innehall }}")
    doc.save(path)
    r = mallar.kontrollera(path)
    assert r.ok, mallar.format_kontroll(r)


def test_kontrollera_passes_shipped_templates(runner, tmp_path):
    files = [str(SHIPPED / f"{t.name}.docx") for t in doctypes.all_types() if (SHIPPED / f"{t.name}.docx").is_file()]
    result = runner.invoke(cli, ["mallar", "kontrollera", *files, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.count("Mallen är godkänd") == len(files)
    for f in files:
        pdf = tmp_path / f"{Path(f).stem}-prov.pdf"
        Document(str(pdf.with_suffix(".docx")))
        assert squash(pdf_text(pdf))


@pytest.mark.parametrize("name", ["tjansteskrivelse", "kallelse"])
def test_kontrollera_harryda_templates(name):
    r = mallar.kontrollera(ROOT / "examples" / "harryda" / "mallar" / f"{name}.docx")
    assert r.ok, mallar.format_kontroll(r)


def test_kontrollera_unclosed_block_points_at_its_start(tmp_path):
    fil = _template(tmp_path / "tjansteskrivelse.docx",
                    ["{{ titel }}", "{%p if beslutsunderlag %}", "Beslutsunderlag", "{%p for rad in beslutsunderlag %}",
                     "{{ rad }}", "{%p endfor %}", "Slut"])
    r = mallar.kontrollera(fil)
    assert len(r.fel) == 1 and r.fel[0].kod == "syntax"
    assert r.fel[0].plats == "brödtexten, stycke 2"
    assert "blocket 'if' är inte stängt" in r.fel[0].meddelande


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", "{", "}", " titel ", " if ", " endif ",
                           "p ", "|", "“", "\"", "for x in underskrifter", "x.namn", "Text", "\u00a0", "%"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_PIECES, max_size=6).map("".join), min_size=1, max_size=5))
def test_analysis_never_crashes(tmp_path, paragraphs):
    """Any paragraph text gives findings or none, never an exception."""
    from rapportgen.render.analys import analyse

    fil = _template(tmp_path / "t.docx", paragraphs)
    for f in analyse(fil, {v.namn for v in mallar.variabler("tjansteskrivelse")}):
        assert f.allvarlighet in ("fel", "varning") and f.plats and f.meddelande


def test_kontrollera_not_a_word_file(tmp_path, runner):
    fil = tmp_path / "dokument.docx"
    fil.write_text("inte ett Word-dokument", encoding="utf-8")
    result = runner.invoke(cli, ["mallar", "kontrollera", str(fil)])
    assert result.exit_code == 2
    assert "inte ett Word-dokument" in result.output
    assert "Traceback" not in result.output


def test_kontrollera_names_header_and_footer(tmp_path):
    path = tmp_path / "dokument.docx"
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ kommn }}"
    doc.sections[0].footer.paragraphs[0].text = "{{ datum|datum_iso }} {{ forvaltning|upper }}"
    doc.add_paragraph("{{p innehall }}")
    doc.save(path)
    r = mallar.kontrollera(path)
    assert [(f.plats, f.meddelande) for f in r.fel] == [
        ("sidhuvudet, stycke 1", "variabeln 'kommn' finns inte för den här dokumenttypen; menade du 'kommun'?")]


def test_every_variable_has_a_description():
    """A template author reads one line per variable: none may be blank, in any type."""
    from rapportgen import doctypes
    from rapportgen.commands import mallar as m

    missing = [f"{t.name}: {v.namn}" for t in doctypes.all_types() for v in m.variabler(t)
               if not v.beskrivning.strip()]
    assert missing == []


# --- tags left open or closed without an opener -----------------------------------------------

def _shipped_like(title: str) -> list[str]:
    """The top of the shipped tjänsteskrivelse with the title paragraph replaced."""
    return ["{{ namnd }}", title, "{%p for a in avsnittslista if a.nyckel == 'sammanfattning' %}",
            "{{ a.rubrik }}", "{{p a.text }}", "{%p endfor %}", "Förslag till beslut", "{{ beslutsformulering }}"]


@pytest.mark.parametrize("title", ["{{ titel ", "{{ titel } och mer text", "{% if titel ", "{# anteckning "])
def test_kontrollera_tag_never_closed(tmp_path, runner, title):
    """A tag opened and never closed swallows the text after it at render: an error, not approval."""
    fil = _template(tmp_path / "tjansteskrivelse.docx", _shipped_like(title))
    result = runner.invoke(cli, ["mallar", "kontrollera", str(fil)])
    assert result.exit_code == 1, result.output
    assert "Mallen är godkänd" not in result.output
    opener = title.strip()[:2]
    assert f"brödtexten, stycke 2: taggen {opener} avslutas aldrig" in result.output
    assert f"»{' '.join(title.split())}«" in result.output


def test_kontrollera_tag_never_closed_in_cell_and_last_paragraph(tmp_path):
    fil = _template(tmp_path / "tjansteskrivelse.docx", ["{{ titel }}", "Inledning {{ namnd"],
                    cell="Till {{ namnd ")
    r = mallar.kontrollera(fil)
    places = [(f.plats, f.kod) for f in r.fel]
    assert ("brödtexten, stycke 2", "delad-tagg") in places, places
    assert ("brödtexten, tabell 1, rad 2, cell 1", "delad-tagg") in places, places
    assert not r.ok and r.pdf is None


@pytest.mark.parametrize("text,closer", [("Text titel }} mer", "}}"), ("100 %} av budgeten", "%}"),
                                         ("{{ titel }} och sedan }}", "}}")])
def test_kontrollera_lone_closer(tmp_path, text, closer):
    fil = _template(tmp_path / "tjansteskrivelse.docx", ["{{ titel }}", text, "Slut"])
    r = mallar.kontrollera(fil)
    assert [(f.plats, f.kod) for f in r.fel] == [("brödtexten, stycke 2", "delad-tagg")]
    assert r.fel[0].meddelande.startswith(f"{closer} avslutar en tagg som inte har börjat")
    assert r.fel[0].text == text


def test_kontrollera_tag_split_over_cells(tmp_path):
    path = tmp_path / "tjansteskrivelse.docx"
    doc = Document()
    doc.add_paragraph("{{ titel }}")
    row = doc.add_table(rows=1, cols=2).rows[0]
    row.cells[0].text = "{{ nam"
    row.cells[1].text = "nd }}"
    doc.save(path)
    r = mallar.kontrollera(path)
    assert [f.plats for f in r.fel] == ["brödtexten, tabell 1, rad 1, cell 1"]
    assert "slutar i nästa stycke (tabell 1, rad 1, cell 2)" in r.fel[0].meddelande


def test_kontrollera_tag_split_over_runs_with_open_tag_is_an_error(tmp_path):
    """Runs are fine only when the tag closes in the paragraph: split runs never hide an open tag."""
    path = tmp_path / "tjansteskrivelse.docx"
    doc = Document()
    p = doc.add_paragraph()
    for piece in ("{", "{ ti", "tel "):
        p.add_run(piece).bold = True
    doc.add_paragraph("{%p if namnd %}")
    doc.add_paragraph("{{ namnd }}")
    doc.add_paragraph("{%p endif %}")
    doc.save(path)
    r = mallar.kontrollera(path)
    assert [(f.plats, f.kod) for f in r.fel] == [("brödtexten, stycke 1", "delad-tagg")]
