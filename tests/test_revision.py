"""Revisionssvar, its tjänsteskrivelse, the checks, the register status and the uppdragslista."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from rapportgen.doctypes import revisionssvar
from rapportgen.checks import Severity, run_checks
from rapportgen.cli import cli
from rapportgen.exceptions import InputError
from rapportgen.model.revision import imperativ
from rapportgen.config import load_profile
from rapportgen.commands.revision import load_register, status

from .conftest import pdf_text

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples" / "revision"
PROFIL = ROOT / "examples" / "rapportgen.yaml"


def pdftext(path: Path) -> str:
    return pdf_text(path, layout=True)


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("revision")
    result = CliRunner().invoke(cli, [
        "revisionssvar", str(EX / "uppfoljning-granskningar.yaml"), str(EX / "it-sakerhet.md"),
        "-o", str(out), "--profil", str(PROFIL)])
    assert result.exit_code == 0, result.output
    return out


# --- the reply -------------------------------------------------------------------------


def test_only_recommendations_to_the_namnd_are_quoted(built):
    text = flat(pdftext(built / "uppfoljning-granskningar.pdf"))
    bakgrund = text[text.index("Bakgrund"):text.index("Socialnämndens synpunkter")]
    assert "att socialnämnden tydliggör ansvarsfördelningen kring HR-arbetet" in bakgrund
    assert "se avsnitt 4.1" in bakgrund and "se avsnitt 5.1" in bakgrund
    assert bakgrund.count("att socialnämnden") == 3
    # Areas are headings; the area with only other addressees is left out.
    assert "Granskning av personalförsörjning inom hemtjänsten:" in bakgrund
    assert "Granskning av insatser för barn och unga:" in bakgrund
    assert "fastighetsunderhåll" not in text
    assert "kultur- och tekniknämnden" not in text
    assert "ledningssystem" not in text
    it = flat(pdftext(built / "it-sakerhet.pdf"))
    assert "förankras i samtliga verksamheter" not in it  # to kommunstyrelsen only
    assert "att nämnden etablerar ett informationssäkerhetsarbete" in it  # to samtliga nämnder


def test_synpunkter_numbered_and_restated(built):
    text = flat(pdftext(built / "uppfoljning-granskningar.pdf"))
    synp = text[text.index("Socialnämndens synpunkter"):]
    heads = [
        "1 Tydliggör ansvarsfördelningen kring HR-arbetet, tillsammans med kommunstyrelsen",
        "2 Se över ytterligare möjligheter att ta fram uppföljningsmoment",
        "3 Säkerställ att arbete med uppföljnings- och utvecklingsarbete fullföljs enligt plan",
    ]
    positions = [synp.index(h) for h in heads]
    assert positions == sorted(positions)
    assert "Socialnämnden instämmer delvis i rekommendationen." in synp
    assert synp.index("Socialnämnden instämmer delvis") > positions[2]
    assert synp.index("Timrå 2023-09-05 Johan Vikström Tf förvaltningschef") > positions[2]


@pytest.mark.parametrize("rek, expected", [
    ("att socialnämnden tydliggör ansvarsfördelningen, se avsnitt 4.1", "Tydliggör ansvarsfördelningen"),
    ("att socialnämnden ser över möjligheterna", "Se över möjligheterna"),
    ("att socialnämnden säkerställer att planen fullföljs.", "Säkerställ att planen fullföljs"),
    ("att Socialnämnden utvecklar rutinerna", "Utveckla rutinerna"),
    ("att nämnden tillser att utbildningar genomförs", "Tillse att utbildningar genomförs"),
    ("att socialnämnden genomför en analys", "Genomför en analys"),
    ("Etablera ett informationssäkerhetsarbete", "Etablera ett informationssäkerhetsarbete"),
    ("att ett ledningssystem bör införas", "Ett ledningssystem bör införas"),
])
def test_imperativ(rek, expected):
    assert imperativ(rek, "socialnämnden") == expected


def test_action_table(built):
    doc = Document(str(built / "uppfoljning-granskningar.docx"))
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == "Åtgärd"]
    assert len(tables) == 2  # the third reply has no actions, so no table
    rows = [[c.text for c in r.cells] for r in tables[1].rows]
    assert rows == [
        ["Åtgärd", "Ansvarig", "Klart senast"],
        ["Målgruppsanalys för enheten för barn och familj", "Enhetschef barn och familj", "september 2023 – mars 2024"],
        ["Nya uppföljningsmoment införs utifrån analysen", "Verksamhetschef IFO", "under 2024"],
    ]
    text = flat(pdftext(built / "uppfoljning-granskningar.pdf"))
    assert text.count("Åtgärd Ansvarig Klart senast") >= 2
    assert "Förvaltningschef 2024-03-31" in text


def test_markdown_body_is_a_free_reply_paragraph(built):
    text = flat(pdftext(built / "it-sakerhet.pdf"))
    free = text.index("Kontroll av behörigheter finns redan med")
    assert free > text.index("3 Tillse att riskanalys")
    assert free < text.index("Timrå 2023-09-11")


# --- the tjänsteskrivelse ----------------------------------------------------------------


def test_generated_tjansteskrivelse_fields(built):
    text = flat(pdftext(built / "uppfoljning-granskningar-tjansteskrivelse.pdf"))
    order = [
        "TJÄNSTESKRIVELSE", "Datum: 2023-09-05", "Diarienummer: SN/2023:201",
        "Revisionsrapport Uppföljning av genomförda granskningar - svar",
        "Förslag till beslut", "Socialnämnden beslutar:",
        "Godkänna förvaltningens svar för överlämning till revisionen.",
        "Ärendet", "KPMG har på uppdrag av kommunens revisorer", "senast den 29 september 2023",
        "tre rekommendationer som riktar sig till socialnämnden",
        "Beslutsunderlag", "Uppföljning av genomförda granskningar",
        "Svar på revisionsrapport Uppföljning av genomförda granskningar",
        "Protokollsutdrag till", "Revisionen", "Kommunstyrelsen", "Exp / 2023", "Johan Vikström",
    ]
    pos = 0
    for part in order:
        found = text.find(part, pos)
        assert found >= 0, f"{part!r} saknas efter position {pos}"
        pos = found + len(part)
    it = flat(pdftext(built / "it-sakerhet-tjansteskrivelse.pdf"))
    assert "Diarienummer: SN/2023:200" in it and "Datum: 2023-09-11" in it


def test_every_output_written(built):
    names = sorted(p.name for p in built.iterdir())
    assert names == sorted(f"{stem}{suffix}" for stem in ("uppfoljning-granskningar", "it-sakerhet")
                           for suffix in (".docx", ".pdf", "-tjansteskrivelse.docx", "-tjansteskrivelse.pdf"))


# --- checks --------------------------------------------------------------------------------


def _variant(tmp_path: Path, change) -> Path:
    data = yaml.safe_load((EX / "uppfoljning-granskningar.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "svar.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_check_fails_for_missing_reply(tmp_path):
    path = _variant(tmp_path, lambda d: d["områden"][2]["rekommendationer"][1].pop("svar"))
    doc = revisionssvar.load(path, load_profile(PROFIL))
    errors = [f for f in run_checks(doc) if f.severity is Severity.FEL]
    assert [f.kod for f in errors] == ["revision_svar_saknas"]
    assert "uppföljnings- och utvecklingsarbete" in errors[0].meddelande
    result = CliRunner().invoke(cli, ["revisionssvar", str(path), "-o", str(tmp_path / "ut"),
                                      "--ingen-pdf", "--profil", str(PROFIL)])
    assert result.exit_code == 2
    assert "inget svar" in result.output and "rad " in result.output
    assert not (tmp_path / "ut").exists()  # nothing written


def test_check_fails_for_reply_after_deadline(tmp_path):
    path = _variant(tmp_path, lambda d: d.update({"datum": "2023-10-02"}))
    doc = revisionssvar.load(path, load_profile(PROFIL))
    errors = [f for f in run_checks(doc) if f.severity is Severity.FEL]
    assert [f.kod for f in errors] == ["revision_sent_svar"]
    assert errors[0].forvantat == "senast 2023-09-29" and errors[0].funnet == "2023-10-02"
    result = CliRunner().invoke(cli, ["revisionssvar", str(path), "-o", str(tmp_path / "ut"),
                                      "--ingen-pdf", "--profil", str(PROFIL)])
    assert result.exit_code == 2 and "3 dagar efter" in result.output


def test_examples_pass_the_checks():
    profil = load_profile(PROFIL)
    for name in ("uppfoljning-granskningar.yaml", "it-sakerhet.md"):
        doc = revisionssvar.load(EX / name, profil)
        assert [f for f in run_checks(doc) if f.severity is Severity.FEL] == []


def test_bad_stand_is_located(tmp_path):
    def bad(d):
        d["områden"][1]["rekommendationer"][0]["svar"]["ställning"] = "håller med"
    path = _variant(tmp_path, bad)
    with pytest.raises(InputError) as exc:
        revisionssvar.load(path, load_profile(PROFIL))
    assert "ställning" in str(exc.value) and "instämmer delvis" in str(exc.value)
    assert re.search(r"rad \d+", str(exc.value))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
       .filter(lambda s: s.strip()))
def test_xml_special_text_renders(tmp_path, text):
    data = yaml.safe_load((EX / "uppfoljning-granskningar.yaml").read_text(encoding="utf-8"))
    text = text + " <&>\"'"
    data["områden"][1]["rekommendationer"][0]["svar"]["text"] = text
    data["områden"][1]["rekommendationer"][0]["svar"]["åtgärder"][0]["ansvarig"] = text
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    doc = revisionssvar.load(path, load_profile(PROFIL))
    out = revisionssvar.render(doc, tmp_path / "x.docx", load_profile(PROFIL))
    rendered = Document(str(out))
    assert any("<&>" in p.text for p in rendered.paragraphs)


# --- register status ------------------------------------------------------------------------


def _status(*args: str):
    return CliRunner().invoke(cli, ["revision", "status", "--register", str(EX / "revisionsregister.yaml"),
                                    "--profil", str(PROFIL), *args])


def test_status_for_fixed_date():
    result = _status("--per", "2023-09-05")
    assert result.exit_code == 1, result.output  # one late, one misses its meeting
    lines = result.output.splitlines()
    assert lines[0] == "Öppna revisionsrapporter per 2023-09-05: 5 st (försenade: 1, missar sammanträde: 1)"
    rows = [ln for ln in lines if re.match(r"^\d{4}-\d\d-\d\d ", ln)]
    # Sorted by deadline; closed reports are not listed.
    assert [r.split()[0] for r in rows] == ["2023-08-31", "2023-09-15", "2023-09-29", "2023-09-29", "2023-11-30"]
    assert "Grundläggande granskning" not in result.output and "välfärdsteknik" not in result.output
    days = [int(r.split()[1]) for r in rows]
    assert days == [-5, 10, 24, 24, 86]
    late = lines.index(rows[0]) + 1
    assert lines[late].strip() == "! FÖRSENAD: svarsdagen 2023-08-31 passerades för 5 dagar sedan"
    missed = lines.index(rows[1]) + 1
    assert lines[missed].strip() == ("! MISSAR SAMMANTRÄDE: nästa sammanträde 2023-09-19 är efter "
                                     "svarsdagen 2023-09-15")
    assert "2023-09-19 (nästa)" in rows[1]
    assert not lines[lines.index(rows[2]) + 1].strip().startswith("!")


def test_status_planned_meeting_after_deadline(tmp_path):
    data = yaml.safe_load((EX / "revisionsregister.yaml").read_text(encoding="utf-8"))
    data["rapporter"][6]["sammanträde"] = "2023-12-12"  # after its deadline 2023-11-30
    path = tmp_path / "reg.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["revision", "status", "--register", str(path), "--profil", str(PROFIL),
                                      "--per", "2023-10-01"])
    assert result.exit_code == 1, result.output
    assert "! MISSAR SAMMANTRÄDE: svaret ska beslutas 2023-12-12, efter svarsdagen 2023-11-30" in result.output
    assert "försenade: 4" in result.output  # every report due by 2023-09-29 is now late


def test_status_meetings_from_register_only(tmp_path):
    data = yaml.safe_load((EX / "revisionsregister.yaml").read_text(encoding="utf-8"))
    data["sammanträden"] = ["2023-09-14"]
    path = tmp_path / "reg.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    reg = load_register(path)
    rows = status(reg, dt.date(2023, 9, 5))
    ls = next(r for r in rows if r.post.dnr == "SN/2023:231")
    assert ls.sammantrade == dt.date(2023, 9, 14) and not ls.missar_sammantrade


def test_register_from_excel_and_located_errors(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Rapporter"
    ws.append(["Titel", "Dnr", "Inkom", "Svar senast", "Status", "Sammanträde"])
    ws.append(["Granskning A", "SN/2023:1", dt.datetime(2023, 5, 2), dt.datetime(2023, 9, 1), "Pågår", None])
    ws.append(["Granskning B", "SN/2023:2", dt.datetime(2023, 6, 2), dt.datetime(2023, 10, 20), "ny",
               dt.datetime(2023, 10, 17)])
    ws2 = wb.create_sheet("Sammanträden")
    ws2.append(["Sammanträde"])
    ws2.append([dt.datetime(2023, 10, 17)])
    path = tmp_path / "reg.xlsx"
    wb.save(path)
    reg = load_register(path)
    assert [p.titel for p in reg.rapporter] == ["Granskning A", "Granskning B"]
    assert reg.sammantraden == [dt.date(2023, 10, 17)]
    rows = status(reg, dt.date(2023, 9, 10))
    assert rows[0].sen and rows[0].dagar_kvar == -9
    assert rows[1].sammantrade == dt.date(2023, 10, 17) and not rows[1].missar_sammantrade

    ws.cell(row=3, column=5, value="klar")
    wb.save(path)
    with pytest.raises(InputError) as exc:
        load_register(path)
    msg = str(exc.value)
    assert "reg.xlsx" in msg and "blad 'Rapporter', cell E3" in msg and "status" in msg


# --- uppdragslista ----------------------------------------------------------------------------


def test_uppdragslista_with_register_rows(tmp_path):
    result = CliRunner().invoke(cli, ["uppdragslista", str(EX / "uppdragslista.xlsx"), "--register",
                                      str(EX / "revisionsregister.yaml"), "--profil", str(PROFIL),
                                      "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "uppdragslista.pdf"
    page = PdfReader(str(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = flat(pdftext(pdf))
    assert "Diarienummer: SN/2023:7" in text and "Redovisning t o m: 2023-09-05" in text
    assert "Uppdrags­givare" in text or "Uppdrags" in text
    # The sheet's own Rev. row for SN/2023:200 is replaced by the register's row.
    assert text.count("Granskning av informations- och IT-säkerhet") == 1
    assert "Granskning av kontanthantering" in text
    assert "Uppföljning av genomförda granskningar" in text
    assert "Grundläggande granskning" not in text  # answered before this list
    doc = Document(str(tmp_path / "uppdragslista.docx"))
    rows = [[c.text for c in r.cells] for r in doc.tables[-1].rows]
    rev = [r for r in rows if r[0] == "Rev."]
    assert [(r[4], r[7]) for r in rev] == [("SN/2023:200", "Avslutas"), ("SN/2023:201", "Avslutas"),
                                           ("SN/2023:120", "Pågår"), ("SN/2023:231", "Nytt"),
                                           ("SN/2023:244", "Pågår")]
    givers = [r[0] for r in rows[1:]]
    assert givers.index("Rev.") > givers.index("Klk") and givers.index("SN") > givers.index("Rev.")


def test_uppdragslista_bad_status_names_cell(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "u.xlsx"
    shutil.copy(EX / "uppdragslista.xlsx", path)
    wb = load_workbook(path)
    wb.active["H6"] = "Klar"
    wb.save(path)
    result = CliRunner().invoke(cli, ["uppdragslista", str(path), "--ingen-pdf", "-o", str(tmp_path / "ut"),
                                      "--profil", str(PROFIL)])
    assert result.exit_code == 2
    assert "blad 'Uppdrag', cell H6" in result.output and "Pågår" in result.output


# --- registry, packaged examples, loaders ------------------------------------------------------


@pytest.mark.parametrize("name", ["revisionssvar", "uppdragslista"])
def test_packaged_example_renders_without_profile(tmp_path, name):
    from rapportgen import doctypes
    from rapportgen.config import Profil

    typ = doctypes.get(name)
    assert typ.exempel is not None and typ.exempel.is_file()
    assert typ.exempel.suffix in typ.suffixes
    doc = typ.load(typ.exempel, Profil())
    out = typ.render(doc, tmp_path / f"{name}.docx", Profil())
    assert out.is_file() and out.stat().st_size > 0


def test_reply_to_other_addressee_is_a_warning(tmp_path):
    def answer_other(d):
        d["områden"][0]["rekommendationer"][0]["svar"] = {"ställning": "instämmer", "text": "Ja."}
    path = _variant(tmp_path, answer_other)
    findings = run_checks(revisionssvar.load(path, load_profile(PROFIL)))
    assert [(f.severity, f.kod) for f in findings] == [(Severity.VARNING, "revision_svar_annan_adressat")]


def test_register_file_given_as_reply_is_explained():
    with pytest.raises(InputError) as exc:
        revisionssvar.load(EX / "revisionsregister.yaml", load_profile(PROFIL))
    assert "revisionsregister" in str(exc.value)


title_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                     max_size=30).filter(lambda s: s.strip() and s == s.strip())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titel=title_text, dagar=st.integers(min_value=-60, max_value=200))
def test_register_loader_round_trip(tmp_path, titel, dagar):
    per = dt.date(2023, 9, 5)
    data = {"sammanträden": ["2023-09-19"], "rapporter": [{
        "titel": titel, "inkom": "2023-06-01", "svar_senast": (per + dt.timedelta(days=dagar)).isoformat(),
        "status": "pågår"}]}
    path = tmp_path / "reg.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    reg = load_register(path)
    assert reg.rapporter[0].titel == " ".join(titel.split()) or reg.rapporter[0].titel == titel
    [rad] = status(reg, per)
    assert rad.dagar_kvar == dagar and rad.sen == (dagar < 0)
    assert rad.missar_sammantrade == (dagar < 14)  # the next meeting is 2023-09-19


def test_status_compares_the_linked_reply(tmp_path):
    shutil.copy(EX / "uppfoljning-granskningar.yaml", tmp_path / "uppfoljning-granskningar.yaml")
    data = yaml.safe_load((EX / "revisionsregister.yaml").read_text(encoding="utf-8"))
    data["rapporter"][1]["svar_senast"] = "2023-09-30"
    data["rapporter"][0]["svar"] = "finns-inte.md"
    path = tmp_path / "reg.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["revision", "status", "--register", str(path), "--profil", str(PROFIL),
                                      "--per", "2023-09-05"])
    assert result.exit_code == 1, result.output
    assert "! AVVIKER: svarsfilen har svar_senast 2023-09-29, registret 2023-09-30" in result.output
    assert "! SVARSFIL SAKNAS:" in result.output and "finns-inte.md" in result.output
