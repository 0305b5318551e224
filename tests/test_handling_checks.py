"""Preflight checks of a meeting manifest, the CLI (check, handling, batch), publicering and --pdfa."""

from __future__ import annotations

import io
import json
import re
import shutil

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from .handling_helpers import PROFILE, REALWORLD, all_text, dokument, outline, page_text, write_manifest
from rapportgen.assemble import load_handling
from rapportgen.assemble.personnummer import find, mask_object, mask_text
from rapportgen.checks import Severity, run_checks
from rapportgen.cli import cli

TS = """\
---
kommun: Timrå kommun
förvaltning: Socialförvaltningen
nämnd: Socialnämnden
handläggare: Anna Lund
datum: 2023-09-05
dnr: {dnr}
titel: Ett ärende
förslag_till_beslut: Lägga ärendet till handlingarna.
beslutsunderlag: {bu}
underskrifter: [{{namn: Johan Vikström, titel: Tf förvaltningschef}}]
---

# Ärendet

{body}
"""


def _ts(folder, name="ts.md", dnr="SN/2023:7", bu="[Bilaga A, Bilaga B]", body="Text om ärendet."):
    (folder / name).write_text(TS.format(dnr=dnr, bu=bu, body=body), encoding="utf-8")
    return name


def _findings(manifest):
    return run_checks(load_handling(manifest))


def _codes(findings, severity=Severity.FEL):
    return sorted({f.kod for f in findings if f.severity is severity})


def test_clean_manifest_has_no_findings(tmp_path):
    _ts(tmp_path)
    dokument(tmp_path, "a.md", "Bilaga A")
    dokument(tmp_path, "b.md", "Bilaga B")
    m = write_manifest(tmp_path, "  - punkt: 1\n    ärendemening: Öppnas\n"
                                 "  - punkt: 5\n    dnr: SN/2023:7\n    ärendemening: Ett ärende\n"
                                 "    tjänsteskrivelse: ts.md\n    bilagor:\n"
                                 "      - {etikett: Bilaga A, fil: a.md}\n      - {etikett: Bilaga B, fil: b.md}\n")
    assert _findings(m) == []


def test_every_check_reports(tmp_path):
    _ts(tmp_path, dnr="SN/2023:8", bu="[Bilaga A, Saknad bilaga]")
    dokument(tmp_path, "a.md", "Bilaga A", body="Resultatet blir -XX mnkr.")
    shutil.copy(REALWORLD / "libreoffice-writer-password.pdf", tmp_path / "last.pdf")
    m = write_manifest(tmp_path, "  - punkt: 5\n    dnr: SN/2023:7\n    ärendemening: Ett ärende\n"
                                 "    tjänsteskrivelse: ts.md\n    bilagor:\n"
                                 "      - {etikett: Bilaga A, fil: a.md}\n"
                                 "      - {etikett: Extra, fil: finns-inte.pdf}\n"
                                 "      - {etikett: Låst, fil: last.pdf}\n"
                                 "  - punkt: 5\n    ärendemening: Samma punkt igen\n")
    findings = _findings(m)
    assert _codes(findings) == ["beslutsunderlag", "dnr", "dubbel_punkt", "fil_saknas", "pdf", "platshallare"]
    text = "\n".join(f.format() for f in findings)
    assert "'Saknad bilaga' står i Beslutsunderlag" in text
    assert "bilagan 'Extra' står inte i tjänsteskrivelsens Beslutsunderlag" in text
    assert "förväntat SN/2023:8, fann SN/2023:7" in text
    assert "finns-inte.pdf' finns inte" in text
    assert "punkt '5' förekommer 2 gånger" in text
    assert "-XX" in text and "a.md" in text
    assert "rad " in text  # findings point into the manifest


def test_warnings_do_not_stop_and_are_listed(tmp_path):
    _ts(tmp_path, bu="[Bilaga A, Bilaga B]")
    dokument(tmp_path, "a.md", "Bilaga A")
    dokument(tmp_path, "b.md", "Bilaga B")
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: Ett ärende\n    tjänsteskrivelse: ts.md\n"
                                 "    bilagor:\n      - {etikett: Bilaga B, fil: b.md}\n"
                                 "      - {etikett: Bilaga A, fil: a.md}\n")
    findings = _findings(m)
    assert _codes(findings) == []
    assert _codes(findings, Severity.VARNING) == ["beslutsunderlag", "dnr"]
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 0, res.output
    assert "VARNING" in res.output and "annan ordning" in res.output
    assert (tmp_path / "ut" / "handling.pdf").is_file()


def test_errors_stop_the_build_and_nothing_is_written(tmp_path):
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: X\n    bilagor:\n"
                                 "      - {etikett: Borta, fil: borta.pdf}\n")
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 2
    assert "Fel:" in res.output and "borta.pdf" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "ut").exists() or not any((tmp_path / "ut").iterdir())


def test_manifest_field_errors_are_located(tmp_path):
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: X\n    sekretesskäl: stavfel\n")
    res = CliRunner().invoke(cli, ["check", str(m)])
    assert res.exit_code == 2
    assert "menade du 'sekretess_skäl'" in res.output and "rad 13" in res.output


def _pdf_with_text(path, text):
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 700, text)
    c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())


def test_personnummer_in_external_pdf_is_masked_in_publication(tmp_path):
    _pdf_with_text(tmp_path / "extern.pdf", "Anmalan om 121212-1212 har kommit in.")
    dokument(tmp_path, "d.md", "Beslut för 19121212-1212")
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: Ansökan från 121212-1212\n    bilagor:\n"
                                 "      - {etikett: Underlag 121212-1212, fil: d.md}\n"
                                 "      - etikett: Extern\n        fil: extern.pdf\n")
    runner = CliRunner()
    res = runner.invoke(cli, ["handling", str(m), "-o", str(tmp_path / "pub"), "--publicering"])
    assert res.exit_code == 0, res.output
    assert "121212-1212" not in res.output
    pdf = tmp_path / "pub" / "handling-publicering.pdf"
    text = all_text(pdf)
    assert find(text) == [] and "Anmalan om" in text and "har kommit in." in text
    report = (tmp_path / "pub" / "publicering.txt").read_text(encoding="utf-8")
    assert "extern.pdf: sidtext (1 nummer): maskerat" in report and "121212-1212" not in report
    # Marked sekretess, it is left out and the build goes through.
    m.write_text(m.read_text(encoding="utf-8") + "        sekretess: true\n", encoding="utf-8")
    res = runner.invoke(cli, ["handling", str(m), "-o", str(tmp_path / "pub"), "--publicering"])
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "pub" / "handling-publicering.pdf"
    reader = PdfReader(str(pdf))
    titles = " ".join(t for _d, t, _p in outline(reader))
    assert "Ansökan från ******-****" in titles and "Underlag ******-****" in titles
    assert find(titles) == [] and find(all_text(pdf)) == []
    assert find((tmp_path / "pub" / "manifest-publicering.json").read_text(encoding="utf-8")) == []
    assert find(all_text(tmp_path / "pub" / "kallelse-publicering.pdf")) == []


def test_pdfa_variant_and_unembedded_fonts(tmp_path):
    dokument(tmp_path, "a.md", "Bilaga A", body="Ett stycke text.")
    shutil.copy(REALWORLD / "minimal-document.pdf", tmp_path / "latex.pdf")
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: X\n    bilagor:\n"
                                 "      - {etikett: A, fil: a.md}\n      - {etikett: L, fil: latex.pdf}\n")
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut"), "--pdfa"])
    assert res.exit_code == 0, res.output
    reader = PdfReader(str(tmp_path / "ut" / "handling-pdfa.pdf"))
    root = reader.trailer["/Root"]
    assert re.search(rb"pdfaid:part[^>]*>2<", root["/Metadata"].get_object().get_data())
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    from rapportgen.assemble.pdfa import unembedded_fonts
    assert unembedded_fonts(reader) == set()
    # A PDF with a non-embedded standard font cannot go into the archival variant.
    _pdf_with_text(tmp_path / "helvetica.pdf", "Text i Helvetica")
    m.write_text(m.read_text(encoding="utf-8") + "      - {etikett: H, fil: helvetica.pdf}\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut2"), "--pdfa"])
    assert res.exit_code == 2 and "Helvetica" in res.output and "inbäddade" in res.output


def test_batch_folder_builds_each_manifest(tmp_path):
    folder = tmp_path / "moten"
    folder.mkdir()
    shutil.copy(REALWORLD / "minimal-document.pdf", folder / "a.pdf")
    for name in ("sep.yaml", "okt.yaml"):
        write_manifest(folder, "  - punkt: 5\n    ärendemening: X\n    bilagor:\n"
                               "      - {etikett: A, fil: a.pdf}\n", name=name)
    shutil.copy(PROFILE, folder / "rapportgen.yaml")  # a profile in the folder is not a manifest
    res = CliRunner().invoke(cli, ["handling", str(folder), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 0, res.output
    for stem in ("sep", "okt"):
        data = json.loads((tmp_path / "ut" / stem / "manifest.json").read_text(encoding="utf-8"))
        assert data["sidor"] == len(PdfReader(str(tmp_path / "ut" / stem / "handling.pdf")).pages)


def test_ready_docx_and_pdf_tjansteskrivelse(tmp_path):
    from docx import Document

    d = Document()
    d.add_paragraph("Färdig tjänsteskrivelse i Word")
    d.save(tmp_path / "ts.docx")
    shutil.copy(REALWORLD / "002-trivial-libre-office-writer.pdf", tmp_path / "ts.pdf")
    m = write_manifest(tmp_path, "  - punkt: 5\n    ärendemening: Word\n    tjänsteskrivelse: ts.docx\n"
                                 "  - punkt: 6\n    ärendemening: PDF\n    tjänsteskrivelse: ts.pdf\n")
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "ut" / "manifest.json").read_text(encoding="utf-8"))
    assert [p["roll"] for p in data["delar"]] == ["kallelse", "tjänsteskrivelse", "tjänsteskrivelse"]


# --- personnummer ---------------------------------------------------------------

def test_personnummer_patterns():
    assert find("född 121212-1212 och 19121212-1212, 201212+1212") == ["121212-1212", "19121212-1212",
                                                                      "201212+1212"]
    assert find("Dnr SN/2023:197, 2023-09-19, tel 060-16 32 99, orgnr 212000-2254") == []
    assert mask_text("pnr 19121212-1212.")[0] == "pnr ********-****."


@given(st.text(alphabet="0123456789-+ abcÅÄÖ\n", max_size=60))
def test_masking_leaves_no_personnummer(text):
    masked, found = mask_text(text)
    assert find(masked) == []
    assert len(masked) == len(text)


def test_mask_object_copies_and_counts(tmp_path):
    from rapportgen.doctypes.dokument import load

    p = dokument(tmp_path, "d.md", "Om 121212-1212", body="| a | b |\n|---|---|\n| 19121212-1212 | x |")
    doc = load(p)
    masked, n = mask_object(doc)
    assert n >= 2  # the parsed front matter kept beside the fields is masked too
    assert doc.falt.titel == "Om 121212-1212"  # the original is untouched
    assert masked.falt.titel == "Om ******-****"
    assert masked.block[0].rader[0][0][0].text == "********-****"


# --- manifest text that could break XML ------------------------------------------

_XMLISH = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                  min_size=1, max_size=40).filter(lambda s: _clean(s).strip())


def _clean(text: str) -> str:
    from rapportgen.inputs.text import clean_text

    return clean_text(text)


@given(mening=_XMLISH, namn=_XMLISH)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_kallelse_renders_any_text(tmp_path, mening, namn):
    from docx import Document

    from rapportgen.doctypes import kallelse
    from rapportgen.inputs.text import clean_text
    from rapportgen.model.sammantrade import Sammantrade
    from rapportgen.config import Profil

    falt = Sammantrade.model_validate({
        "nämnd": "Socialnämnden", "datum": "2023-09-19", "klockan": "08:00", "lokal": "A", "ort": "B",
        "sammankallande": {"namn": "X"}, "ledamöter": [{"namn": clean_text(namn), "parti": "S"}],
        "vid_förhinder": {"namn": "Y"},
        "ärenden": [{"punkt": 5, "ärendemening": clean_text(mening)}]})
    out = kallelse.render(falt, tmp_path / "k.docx", Profil(), sidor={0: 3})
    doc = Document(str(out))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Punkt")
    assert table.rows[1].cells[2].text == falt.arenden[0].arendemening
    assert table.rows[1].cells[3].text == "3"


def test_check_command_takes_single_documents(tmp_path):
    _ts(tmp_path)
    dokument(tmp_path, "d.md", "Rapport", body="Skriv text här.")
    res = CliRunner().invoke(cli, ["check", str(tmp_path / "ts.md")])
    assert res.exit_code == 0, res.output
    assert "inga anmärkningar" in res.output
    res = CliRunner().invoke(cli, ["check", str(tmp_path / "d.md")])
    assert res.exit_code == 1 and "Skriv text här" in res.output  # 1: a check found an error


def test_procedural_meeting_is_only_the_kallelse(tmp_path):
    m = write_manifest(tmp_path, "  - {punkt: 1, ärendemening: Sammanträdet öppnas}\n"
                                 "  - {punkt: sa, ärendemening: Analysseminarium}\n")
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut")])
    assert res.exit_code == 0, res.output
    pages = len(PdfReader(str(tmp_path / "ut" / "handling.pdf")).pages)
    assert pages == len(PdfReader(str(tmp_path / "ut" / "kallelse.pdf")).pages)
    assert "Analysseminarium" in all_text(tmp_path / "ut" / "handling.pdf")


def test_whole_sekretess_arende_is_one_placeholder(tmp_path):
    _ts(tmp_path)
    dokument(tmp_path, "a.md", "Bilaga A", body="Uppgifter om en enskild.")
    dokument(tmp_path, "b.md", "Bilaga B", body="Fler uppgifter.")
    m = write_manifest(tmp_path, "  - punkt: 5\n    dnr: SN/2023:7\n    ärendemening: Individärende\n"
                                 "    sekretess: true\n    tjänsteskrivelse: ts.md\n    bilagor:\n"
                                 "      - {etikett: Bilaga A, fil: a.md}\n      - {etikett: Bilaga B, fil: b.md}\n"
                                 "  - punkt: 6\n    ärendemening: Öppet\n    bilagor:\n"
                                 "      - {etikett: Öppen bilaga, fil: c.md}\n")
    dokument(tmp_path, "c.md", "Öppen", body="Allmän handling.")
    res = CliRunner().invoke(cli, ["handling", str(m), "-o", str(tmp_path / "ut"), "--publicering"])
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "ut" / "handling-publicering.pdf"
    data = json.loads((tmp_path / "ut" / "manifest-publicering.json").read_text(encoding="utf-8"))
    withheld = [p for p in data["delar"] if p["roll"] == "utelämnad"]
    assert len(withheld) == 1 and withheld[0]["etikett"] == "Hela ärendet"
    page = withheld[0]["sidor"][0]
    text = " ".join(page_text(pdf, page).split())
    assert "Ärende 5: Individärende" in text
    assert "Utelämnat: Tjänsteskrivelse" in text and "Utelämnat: Bilaga B" in text
    text_all = all_text(pdf)
    assert "Uppgifter om en enskild" not in text_all and "Fler uppgifter" not in text_all
    assert "Allmän handling" in text_all
    items = outline(PdfReader(str(pdf)))
    assert (0, "5. Individärende", page) in items and (1, "Utelämnad (sekretess)", page) in items
    assert data["ärenden"][0]["sida"] == page
