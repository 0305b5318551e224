"""Issue 16 (conventions): a kommun's conventions set in its profile, not in code.

Required fields, section headings, the dnr relation, a self-reference in beslutsunderlag, the
decision format, the letterhead, `mallar kontrollera` under the user's profile, styles a user's
template lacks, and the third example organisation (Norrvik) built from the user's side only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from rapportgen.checks import Severity, run_checks
from rapportgen.checks.sammantrade import self_reference
from rapportgen.cli import cli
from rapportgen.commands import mallar
from rapportgen.config import Profil, load_profile
from rapportgen.doctypes import load_handling
from rapportgen.doctypes.tjansteskrivelse import load, render
from rapportgen.exceptions import InputError
from rapportgen.identifiers import dnr_monster, samma_arende
from rapportgen.render.docx import missing_styles

from .conftest import EXAMPLES, pdf_text, squash

NORRVIK = EXAMPLES / "norrvik"
DOCXTPL = Path(__file__).parent / "data" / "docxtpl-mallar"

FRONT = """\
---
kommun: Norrviks kommun
förvaltning: Socialförvaltningen
nämnd: socialnämnden
{handl}datum: 2023-02-02
dnr: 2023SOCN60 042
titel: Ett ärende
förslag_till_beslut:
  - Första beslutet.
  - Andra beslutet.
  - Tredje beslutet.
underskrifter: [{{namn: Helena Sundqvist, titel: Socialchef}}]
---

# {rubrik}

Text i huvudavsnittet med en lista:

1. Första punkten i listan.
2. Andra punkten i listan.
"""


def _md(tmp_path: Path, *, handl: str = "handläggare: Anna Lund\n", rubrik: str = "Ärendet") -> Path:
    path = tmp_path / "ts.md"
    path.write_text(FRONT.format(handl=handl, rubrik=rubrik), encoding="utf-8")
    return path


def _profil(tmp_path: Path, text: str) -> Profil:
    path = tmp_path / "rapportgen.yaml"
    path.write_text(text, encoding="utf-8")
    return load_profile(path)


# --- required fields -----------------------------------------------------------------------

def test_handlaggare_required_by_default_and_the_error_names_the_profile_key(tmp_path):
    with pytest.raises(InputError) as exc:
        load(_md(tmp_path, handl=""), Profil())
    assert "handläggare" in exc.value.detalj and "valfria_fält: [handläggare]" in exc.value.detalj


def test_handlaggare_optional_when_the_profile_says_so(tmp_path):
    profil = _profil(tmp_path, "tjänsteskrivelse:\n  valfria_fält: [handläggare]\n")
    doc = load(_md(tmp_path, handl=""), profil)
    assert doc.falt.handlaggare is None


def test_profile_rejects_an_unknown_field_name(tmp_path):
    with pytest.raises(InputError) as exc:
        _profil(tmp_path, "tjänsteskrivelse:\n  valfria_fält: [dnr]\n")
    assert "möjliga: handläggare" in exc.value.detalj and exc.value.plats == "rad 2"


def test_optional_field_made_required(tmp_path):
    profil = _profil(tmp_path, "tjänsteskrivelse:\n  obligatoriska_fält: [beslutsunderlag]\n")
    with pytest.raises(InputError) as exc:
        load(_md(tmp_path), profil)
    assert "beslutsunderlag" in exc.value.detalj and "obligatoriska_fält" in exc.value.detalj


# --- sections ------------------------------------------------------------------------------

def test_sections_per_document_type_or_top_level_but_not_both(tmp_path):
    nested = _profil(tmp_path, "tjänsteskrivelse:\n  avsnitt:\n    - arendet: Bakgrund\n    - miljo\n")
    assert [(a.nyckel, a.rubrik) for a in nested.avsnitt] == [("arendet", "Bakgrund"), ("miljo", None)]
    with pytest.raises(InputError) as exc:
        _profil(tmp_path, "avsnitt: [arendet]\ntjänsteskrivelse:\n  avsnitt: [arendet]\n")
    assert "två ställen" in exc.value.detalj


def test_own_main_section_heading_maps_to_arendet(tmp_path):
    profil = _profil(tmp_path, "avsnitt:\n  - arendet: Sammanfattning av ärendet\n")
    doc = load(_md(tmp_path, rubrik="Sammanfattning av ärendet"), profil)
    assert list(doc.avsnitt) == ["arendet"]


def test_missing_main_section_names_the_line_and_the_profile_key(tmp_path):
    # Without the profile's mapping the heading is the standard alias of Sammanfattning.
    with pytest.raises(InputError) as exc:
        load(_md(tmp_path, rubrik="Sammanfattning av ärendet"), Profil())
    err = exc.value
    assert "avsnittet 'Ärendet' saknas" in err.detalj
    assert "'Sammanfattning av ärendet' (rad 16)" in err.detalj
    assert "'avsnitt'" in err.detalj and "- arendet: Sammanfattning av ärendet" in err.detalj
    assert err.plats == "rad 16"


def test_unknown_heading_says_how_to_map_it(tmp_path):
    with pytest.raises(InputError) as exc:
        load(_md(tmp_path, rubrik="Ärendebakgrund"), Profil())
    assert exc.value.plats == "rad 16"
    assert "- arendet: Ärendebakgrund" in exc.value.detalj


# --- decision format, letterhead, Exp line (rendered) ---------------------------------------

def test_decision_format_and_letterhead_from_the_profile(tmp_path):
    standard = Profil(tjänsteskrivelse={"expedieringsrad": True})
    out = render(load(_md(tmp_path), standard), tmp_path / "standard.docx", standard)
    norrvik = _profil(tmp_path, "tjänsteskrivelse:\n  valfria_fält: [handläggare]\n"
                                "  brevhuvud: [datum]\n"
                                "  beslut: {inledning: null, numrerade: false}\n")
    out2 = render(load(_md(tmp_path, handl=""), norrvik), tmp_path / "norrvik.docx", norrvik)
    from rapportgen.convert import convert_many

    pdf1, pdf2 = convert_many([out, out2])
    t1, t2 = squash(pdf_text(pdf1)), squash(pdf_text(pdf2))
    assert "Socialnämnden beslutar: 1. Första beslutet. 2. Andra beslutet. 3. Tredje beslutet." in t1
    assert "Exp / 2023" in t1 and "Handläggare: Anna Lund" in t1 and "Diarienummer: 2023SOCN60 042" in t1
    assert "beslutar" not in t2 and "1. Första beslutet" not in t2
    assert "Första beslutet. Andra beslutet. Tredje beslutet." in t2
    assert "Exp /" not in t2 and "Handläggare" not in t2 and "Diarienummer" not in t2
    assert "Datum: 2023-02-02" in t2


def test_decision_opening_line_is_the_profiles_text():
    profil = Profil(tjänsteskrivelse={"beslut": {"inledning": "Förslag: {nämnd} beslutar att"}})
    assert profil.tjansteskrivelse.beslut.text("socialnämnden") == "Förslag: Socialnämnden beslutar att"
    with pytest.raises(ValueError):
        Profil(tjänsteskrivelse={"beslut": {"inledning": "{nämd} beslutar:"}})


# --- dnr relation and self-reference ---------------------------------------------------------

def test_same_case_by_declared_pattern():
    arende, dok = dnr_monster("{år}{organ}{löpnummer}"), dnr_monster("{år}{organ}{löpnummer}[ {klass}]")
    assert samma_arende("2023SOCN60", "2023SOCN60 042", arende, dok)
    assert not samma_arende("2023SOCN61", "2023SOCN60 042", arende, dok)
    assert not samma_arende("2022SOCN60", "2023SOCN60 042", arende, dok)


def test_norrvik_manifest_has_no_findings_and_needs_its_dnr_relation():
    profil = load_profile(NORRVIK / "rapportgen.yaml")
    h = load_handling(NORRVIK / "sammantrade.yaml", profil)
    findings = run_checks(h, profil)
    assert findings == [], findings
    without = profil.model_copy(update={"dnr_arende": None})
    errors = [f for f in run_checks(h, without) if f.severity == Severity.FEL]
    assert [f.kod for f in errors] == ["dnr", "dnr"]
    assert "dnr_ärende" in errors[0].meddelande


def test_self_reference_in_beslutsunderlag():
    class Doc:
        class falt:
            datum = dt.date(2023, 2, 2)
            dnr = "2023SOCN60 042"
            titel = "Ett ärende"

    assert self_reference("Tjänsteskrivelse 2 februari 2023", Doc)
    assert self_reference("Tjänsteskrivelse", Doc)
    assert self_reference("Tjänsteskrivelse, 2023-02-02", Doc)
    assert not self_reference("Tjänsteskrivelse 3 februari 2023", Doc)  # another one: a bilaga
    assert not self_reference("Tjänsteskrivelse om bemanning", Doc)
    assert not self_reference("Protokoll 2 februari 2023", Doc)


# --- styles a user's template lacks ----------------------------------------------------------

def _remove_style(doc, name: str) -> None:
    st = doc.styles[name]
    st.element.getparent().remove(st.element)


def test_missing_list_style_is_added_at_render(tmp_path):
    tpl = Document()
    for name in ("List Number", "List Number 2", "List Number 3"):
        _remove_style(tpl, name)
    tpl.add_paragraph("{{ titel }}")
    tpl.add_paragraph("{%p for a in avsnittslista %}")
    tpl.add_paragraph("{{p a.text }}")
    tpl.add_paragraph("{%p endfor %}")
    folder = tmp_path / "mallar"
    folder.mkdir()
    tpl.save(folder / "tjansteskrivelse.docx")
    assert "List Number" in missing_styles(Document(folder / "tjansteskrivelse.docx"))
    out = render(load(_md(tmp_path), Profil()), tmp_path / "ut.docx", Profil(), folder)
    assert not missing_styles(Document(out))
    from rapportgen.convert import convert_many

    text = squash(pdf_text(convert_many([out])[0]))
    assert "1. Första punkten i listan. 2. Andra punkten i listan." in text
    # The template itself is left alone.
    assert "List Number" in missing_styles(Document(folder / "tjansteskrivelse.docx"))


# --- the template analysis follows docxtpl ----------------------------------------------------

def test_typographic_quotes_in_tags_and_spaced_braces_in_prose(tmp_path):
    path = tmp_path / "tjansteskrivelse.docx"
    doc = Document()
    doc.add_paragraph("{{ titel|replace(“ – ”, ‘ - ’) }}")
    doc.add_paragraph("Skriv aldrig { { i en mall, och inte } } heller.")
    doc.add_paragraph("{% if namnd == ’Socialnämnden’ %}Till {{ namnd }}{% endif %}")
    doc.save(path)
    from rapportgen.render.analys import analyse

    found = analyse(path, {v.namn for v in mallar.variabler("tjansteskrivelse")})
    assert found == [], found
    doc.add_paragraph("{ { titel } }")
    doc.save(path)
    found = analyse(path, {v.namn for v in mallar.variabler("tjansteskrivelse")})
    assert [(f.allvarlighet, f.plats) for f in found] == [("varning", "brödtexten, stycke 4")]


# --- mallar kontrollera under the user's profile ----------------------------------------------

def test_kontrollera_norrvik_template_under_its_profile(runner):
    result = runner.invoke(cli, ["mallar", "kontrollera", str(NORRVIK / "mallar" / "tjansteskrivelse.docx"),
                                 "--profil", str(NORRVIK / "rapportgen.yaml")])
    assert result.exit_code == 0, result.output
    assert "Mallen är godkänd." in result.output


def test_kontrollera_uses_sample_data_that_fits_the_profile(tmp_path, runner):
    """A section list without Sammanfattning and Ekonomiska konsekvenses used to clash with the
    built-in example, and the error pointed into the installed package."""
    profil = tmp_path / "rapportgen.yaml"
    profil.write_text("avsnitt:\n  - arendet: Beskrivning\n  - miljo\n"
                      "tjänsteskrivelse: {valfria_fält: [handläggare]}\n", encoding="utf-8")
    shipped = Path(mallar.__file__).parents[1] / "templates" / "tjansteskrivelse.docx"
    out = tmp_path / "ut"
    result = runner.invoke(cli, ["mallar", "kontrollera", str(shipped), "--profil", str(profil),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "site-packages" not in result.output and "exempel" not in result.output.replace("exempeldata", "")
    text = squash(pdf_text(next(out.glob("*.pdf"))))
    assert "Beskrivning" in text and "Exempeltext för avsnittet Miljö." in text
    assert "Sammanfattning" not in text


# --- real Word templates made elsewhere: docxtpl's own test templates -------------------------

def test_kontrollera_docxtpl_test_templates(runner):
    files = sorted(DOCXTPL.glob("*.docx"))
    assert len(files) >= 33
    result = runner.invoke(cli, ["mallar", "kontrollera", "--typ", "tjansteskrivelse", *map(str, files)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1  # most use variables a tjänsteskrivelse does not have
    out = result.output
    assert "Traceback" not in out
    assert "saknar formatmallen" not in out  # missing styles are a note, never an error
    assert "citattecken" not in out
    for fil in files:  # every template gets a verdict
        assert str(fil) in out
    # The templates with no tags of their own render, with the missing styles as a warning.
    approved = out.count("Mallen är godkänd")
    assert approved >= 6, out
    assert "Varning: formatmallarna: mallen saknar " in out and "'List Number'" in out
    blocks = {}
    for fil in files:
        start = out.index(str(fil))
        blocks[fil.name] = out[start:out.find("Mallen", start)]
    # '{ {' in its prose is text, as docxtpl reads it; ‘Deric’ in a tag is straightened by docxtpl.
    assert "Fel" not in blocks["comments_tpl.docx"]
    assert "filtret 'my_filterA' finns inte" in blocks["custom_jinja_filters_tpl.docx"]  # parsed past the quotes


# --- the third organisation -------------------------------------------------------------------

def test_norrvik_tjansteskrivelse(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(NORRVIK)
    result = runner.invoke(cli, ["tjansteskrivelse", "tjansteskrivelser/01-statsbidrag-hemloshet.md",
                                 "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = squash(pdf_text(tmp_path / "01-statsbidrag-hemloshet.pdf"))
    assert "Diarienummer 2023SOCN60 042" in text and "Handläggare" not in text
    assert ("Förslag till beslut Socialnämnden godkänner att förvaltningen ansöker om statsbidrag för "
            "insatser mot hemlöshet 2023. Socialnämnden ger socialchefen") in text
    assert "beslutar:" not in text and "Exp /" not in text
    assert text.index("Sammanfattning av ärendet") < text.index("Förvaltningens bedömning")
    assert "Beslutsunderlag Tjänsteskrivelse 2 februari 2023" in text


# --- the profile `rapportgen init` writes --------------------------------------------------------

def test_init_profile_documents_the_conventions(tmp_path):
    from rapportgen.commands.init import PROFIL_MALL

    for key in ("dnr_ärende", "avsnitt:", "valfria_fält", "obligatoriska_fält", "brevhuvud",
                "inledning", "numrerade", "expedieringsrad", "beslutsunderlag"):
        assert key in PROFIL_MALL
    profil = _profil(tmp_path, PROFIL_MALL.replace("mallar: mallar\n", ""))
    assert profil.tjansteskrivelse == Profil().tjansteskrivelse
    # The commented examples are valid when a user switches them on.
    on = "\n".join(line.replace("# ", "", 1) if line.lstrip().startswith(("# dnr_ärende", "# avsnitt", "#   - "))
                   else line for line in PROFIL_MALL.splitlines())
    profil = _profil(tmp_path, on.replace("mallar: mallar\n", ""))
    assert profil.dnr_arende == "{år}{organ}{löpnummer}"
    assert [a.nyckel for a in profil.avsnitt][:2] == ["sammanfattning", "arendet"]


# --- misc: an område named like its only verksamhet ---------------------------------------------

def test_omrade_named_like_its_verksamhet_prints_its_comment_once():
    import dataclasses

    from docxtpl import DocxTemplate

    from rapportgen import doctypes
    from rapportgen.doctypes.rapport import innehall
    from rapportgen.format import Formatter
    from rapportgen.model.block import Run, Stycke
    from rapportgen.render.templates import SHIPPED

    profil = load_profile(EXAMPLES / "rapportgen.yaml")
    doc = doctypes.get("verksamhetsplan").load(EXAMPLES / "verksamhetsplan", profil)
    ekb = next(v for v in doc.drift.verksamheter if v.namn == "EKB")
    doc.drift.verksamheter[doc.drift.verksamheter.index(ekb)] = dataclasses.replace(ekb, omrade="EKB")
    doc.kommentarer["EKB"] = [Stycke([Run("Kommentaren om EKB står en gång.")], rad=1)]
    tpl = DocxTemplate(str(SHIPPED / "verksamhetsplan.docx"))
    tpl.init_docx()
    body, _toc, _headings = innehall.skriv(doc, tpl, Formatter.from_profil(profil))
    text = "\n".join(p.text for p in body.subdocx.paragraphs)
    assert text.count("Kommentaren om EKB står en gång.") == 1


def test_missing_style_whose_id_is_taken_gets_its_own_id():
    from docx.oxml.ns import qn

    from rapportgen.render.docx import add_missing_styles
    from rapportgen.render.templates import SHIPPED

    doc = Document()
    doc.styles["List Number"].element.find(qn("w:name")).set(qn("w:val"), "Min lista")
    assert add_missing_styles(doc, SHIPPED / "dokument.docx") == ["List Number"]
    assert missing_styles(doc) == []
    assert doc.styles["List Number"].style_id == "ListNumberRapportgen"
    assert doc.styles["Min lista"].style_id == "ListNumber"  # the template's own style is untouched
