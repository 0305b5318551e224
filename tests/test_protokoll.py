"""Protokoll, protokollsutdrag and anslagsbevis (issue 17): numbering, carried-over fields, anslag
dates, votes, the publication variant and located errors."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapportgen import kalender
from rapportgen.checks import Severity, run_checks
from rapportgen.cli import cli
from rapportgen import doctypes
from rapportgen.config import Profil, load_profile

from .conftest import EXAMPLES, pdf_text, squash

MOTE = "sammantrade-2023-09-19"


def load(manifest: Path, profil: Profil | None = None):
    return doctypes.get("protokoll").load(manifest, profil)


@pytest.fixture
def exempel(tmp_path) -> Path:
    """A copy of the examples (the meeting refers to ../tjansteskrivelser etc.); returns the manifest."""
    dest = tmp_path / "examples"
    shutil.copytree(EXAMPLES, dest)
    return dest / MOTE / "sammantrade.yaml"


@pytest.fixture
def profil() -> Profil:
    return load_profile(EXAMPLES / "rapportgen.yaml")


def _edit(manifest: Path, change) -> None:
    """Change the protokoll.yaml beside the manifest (YAML round trip; line numbers are re-derived)."""
    path = manifest.parent / "protokoll.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def _para(data: dict, punkt) -> dict:
    return next(p for p in data["paragrafer"] if str(p["punkt"]) == str(punkt))


# --- numbering and carried-over fields ---------------------------------------------------------

def test_paragraphs_numbered_from_first_in_agenda_order(exempel, profil):
    prot = load(exempel, profil)
    agenda = yaml.safe_load(exempel.read_text(encoding="utf-8"))["ärenden"]
    assert [p.punkt for p in prot.paragrafer] == [str(a["punkt"]) for a in agenda]
    assert [p.nummer for p in prot.paragrafer] == list(range(120, 120 + len(agenda)))
    assert prot.paragrafspann() == "§§ 120–135"
    assert [p.procedur for p in prot.paragrafer[:4]] == ["oppnande", "narvaro", "justerare", "arendelista"]
    assert not [f for f in run_checks(prot, profil) if f.severity is Severity.FEL]


def test_an_item_that_utgar_gets_no_number_and_the_rest_move_up(exempel, profil):
    _edit(exempel, lambda d: d["paragrafer"].append({"punkt": 6, "utgår": True}))
    prot = load(exempel, profil)
    numbers = {p.punkt: p.nummer for p in prot.paragrafer}
    assert numbers["5"] == 124 and numbers["6"] is None and numbers["7"] == 125 and numbers["sa"] == 134
    from rapportgen.doctypes.protokoll import standardtext

    text = standardtext(prot, prot.paragrafer[3])
    assert "punkt 6 (Information om god och nära vård, september) utgår" in text


def test_protokollsutdrag_till_from_tjansteskrivelse_unless_overridden(exempel, profil):
    prot = load(exempel, profil)
    by_punkt = {p.punkt: p for p in prot.paragrafer}
    # punkt 7: the tjänsteskrivelse's list; punkt 9: overridden in protokoll.yaml.
    assert by_punkt["7"].protokollsutdrag_till == ["Förvaltningschef", "Verksamhetschef ÄO"]
    assert by_punkt["9"].protokollsutdrag_till == ["Tf förvaltningschef"]
    # Beslut defaults to the förslag, unchanged; a changed beslut is flagged for review.
    assert by_punkt["7"].beslut == by_punkt["7"].forslag and not by_punkt["7"].beslut_andrat
    flagged = [f for f in run_checks(prot, profil) if f.kod == "beslut_andrat"]
    assert [f.severity for f in flagged] == [Severity.VARNING] and "§ 127" in flagged[0].meddelande


def test_utdrag_cli_lists_recipients_and_writes_the_paragraph(exempel, runner, tmp_path):
    out = tmp_path / "ut"
    res = runner.invoke(cli, ["utdrag", str(exempel), "--paragraf", "126", "-o", str(out),
                              "--profil", str(EXAMPLES / "rapportgen.yaml")])
    assert res.exit_code == 0, res.output
    assert "§ 126: Förvaltningschef, Verksamhetschef ÄO" in res.output
    assert sorted(p.name for p in out.iterdir()) == ["protokollsutdrag-126.docx", "protokollsutdrag-126.pdf"]
    text = squash(pdf_text(out / "protokollsutdrag-126.pdf"))
    for phrase in ("SAMMANTRÄDESPROTOKOLL", "Sammanträdesdatum 2023-09-19", "§ 126", "Dnr SN/2023:70",
                   "Beslut", "Sammanfattning av ärendet", "Beslutsgång", "Protokollsutdrag till Förvaltningschef "
                   "Verksamhetschef ÄO", "Signatur justerande", "Utdragsbestyrkande",
                   "Paragrafen är justerad 2023-09-26"):
        assert phrase in text, phrase
    assert "§ 127" not in text


# --- anslag dates ----------------------------------------------------------------------------

def test_anslag_across_weekend_and_christmas():
    # Justering Friday 22 Dec 2023: +1 is Saturday; 24-26 Dec are julafton, juldagen, annandag jul.
    a = kalender.anslagsdatum(dt.date(2023, 12, 22))
    assert a.uppsatt == dt.date(2023, 12, 27)
    assert a.senast_uppsatt == dt.date(2023, 12, 27)  # two days is the 24th: moved past the helgdagar
    assert a.nedtagning == dt.date(2024, 1, 17)  # three weeks, a Wednesday


def test_anslag_nedtagning_moves_past_a_holiday_and_midsommarafton():
    # Up Tuesday 5 Dec 2023: three weeks later is annandag jul, so it comes down on the 27th.
    assert kalender.anslagsdatum(dt.date(2023, 12, 4)).nedtagning == dt.date(2023, 12, 27)
    # Justering Thursday 22 June 2023: Friday is midsommarafton, so the anslag goes up on Monday.
    a = kalender.anslagsdatum(dt.date(2023, 6, 22))
    assert a.uppsatt == dt.date(2023, 6, 26)
    # Calendar days when the profile says so; the profile's own closed days count as not vardag.
    assert kalender.anslagsdatum(dt.date(2023, 6, 22), bara_vardagar=False).uppsatt == dt.date(2023, 6, 23)
    klamdag = frozenset({dt.date(2023, 5, 19)})
    assert kalender.anslagsdatum(dt.date(2023, 5, 17), lediga=klamdag).uppsatt == dt.date(2023, 5, 22)


def test_anslag_from_profile_in_the_anslagsbevis(exempel, runner, tmp_path):
    profil = tmp_path / "rapportgen.yaml"
    text = (EXAMPLES / "rapportgen.yaml").read_text(encoding="utf-8")
    profil.write_text(text + "anslag:\n  dagar_efter_justering: 0\n  förvaringsplats: Kommunhuset, Timrå\n",
                      encoding="utf-8")
    # Justering on Friday 2023-11-03; Saturday 2023-11-04 is Alla helgons dag.
    _edit(exempel, lambda d: d["justering"].update(datum="2023-11-03"))
    out = tmp_path / "ut"
    res = runner.invoke(cli, ["anslagsbevis", str(exempel), "-o", str(out), "--profil", str(profil)])
    assert res.exit_code == 0, res.output
    assert "justeras 2023-11-03, anslås 2023-11-03, tas ned 2023-11-24" in res.output
    text = squash(pdf_text(out / "anslagsbevis.pdf", layout=True))
    for phrase in ("Socialnämnden", "2023-09-19", "§§ 120–135", "Protokollet justerat 2023-11-03",
                   "Anslaget uppsatt 2023-11-03", "Anslaget tas ned 2023-11-24", "Kommunhuset, Timrå"):
        assert phrase in text, phrase


# --- votes -----------------------------------------------------------------------------------

def test_votes_checked_against_narvaro_and_jav(exempel, profil):
    def change(d):
        p = _para(d, 7)
        p["jäv"] = ["Lotta Borg (T)"]  # jävig, but her vote is still there
        p["omröstning"]["röster"]["Krister Jonsson (M)"] = "nej"  # ej tjänstgörande
        del p["omröstning"]["röster"]["Line Essman (S)"]  # missing
    _edit(exempel, change)
    found = [f for f in run_checks(load(exempel, profil), profil) if f.kod == "omrostning"]
    messages = " | ".join(f.meddelande for f in found)
    assert all(f.severity is Severity.FEL for f in found)
    assert "Lotta Borg (T) har anmält jäv men har röstat" in messages
    assert "Krister Jonsson (M) har röstat men är inte tjänstgörande" in messages
    assert "1 tjänstgörande saknar röst (Line Essman (S))" in messages
    assert "resultatet stämmer inte" in messages  # the recorded 8-2-1 no longer matches


def test_tie_is_decided_by_the_ordforande(exempel, profil):
    from rapportgen.doctypes.protokoll import beslutsgang

    def change(d):
        r = _para(d, 7)["omröstning"]
        ja = {"Johanna Bergsten (S)", "Line Essman (S)", "Christer Andersson (S)", "Pirjo Jonsson (S)",
              "Håkan Svensson (M)"}
        r["röster"] = {n: ("ja" if n in ja else "nej") for n in r["röster"]}
        r["röster"]["Anita Hellstrand (C)"] = "avstår"  # 5 ja (ordföranden among them) against 5 nej
        r.pop("resultat")
    _edit(exempel, change)
    prot = load(exempel, profil)
    text = " ".join(beslutsgang(prot, next(p for p in prot.paragrafer if p.punkt == "7")))
    assert "med 5 ja-röster mot 5 nej-röster; 1 avstår" in text
    assert "enligt bifall till Johanna Bergstens (S) yrkande. Rösterna är lika och ordföranden har utslagsröst" in text


# --- publication variant ---------------------------------------------------------------------

def test_publication_variant_masks_and_reduces_the_sekretess_paragraph(exempel, runner, tmp_path):
    out = tmp_path / "ut"
    args = ["protokoll", str(exempel), "-o", str(out), "--profil", str(EXAMPLES / "rapportgen.yaml")]
    assert runner.invoke(cli, args).exit_code == 0
    res = runner.invoke(cli, args + ["--publicering"])
    assert res.exit_code == 0, res.output
    full = squash(pdf_text(out / "protokoll.pdf", layout=True))
    pub = squash(pdf_text(out / "protokoll-publicering.pdf"))
    # Cover: närvaro, justering and anslag.
    for phrase in ("Pirjo Jonsson (S) för Lars Kempe (S)", "Justerare Håkan Svensson (M)", "§§ 120–135",
                   "Datum då anslaget sätts upp 2023-09-27", "Datum då anslaget tas ned 2023-10-18"):
        assert phrase in full, phrase
    # The sekretess § 128: all of it internally; only §, title and OSL ground when published.
    assert "Inspektionen för vård och omsorg" in full and "Inspektionen för vård och omsorg" not in pub
    assert "§ 128 Ordförande och ledamöters information" in pub
    assert "26 kap. 1 § offentlighets- och sekretesslagen (2009:400)" in pub
    assert "Dnr SN/2023:6" in full and "Dnr SN/2023:6" not in pub
    # Personnummer (punkt 15's tjänsteskrivelse) masked when published.
    assert "19121212-1212" in full and "19121212-1212" not in pub and "********-****" in pub
    assert "maskerat: 1 personnummer" in res.output
    # Other paragraphs unchanged: the vote of § 126 is in both.
    assert "Omröstningen utfaller med 8 ja-röster mot 2 nej-röster" in pub


# --- located errors, exit 2 ------------------------------------------------------------------

def _run_error(runner, exempel, verb="protokoll"):
    res = runner.invoke(cli, [verb, str(exempel), "--ingen-pdf", "-o", str(exempel.parent / "ut"),
                              "--profil", str(EXAMPLES / "rapportgen.yaml")])
    assert res.exit_code == 2, res.output
    assert not (exempel.parent / "ut").exists()  # nothing written
    return res.output


def test_justerare_not_present_is_a_located_error(exempel, runner):
    _edit(exempel, lambda d: d["justering"].update(justerare=["Anna Svensson (M)"]))
    out = _run_error(runner, exempel)
    line = _line_of(exempel.parent / "protokoll.yaml", "Anna Svensson (M)")
    assert f"protokoll.yaml, rad {line}: justeraren Anna Svensson (M) finns inte bland de tjänstgörande" in out


def test_gap_in_paragraph_numbers_is_a_located_error(exempel, runner):
    _edit(exempel, lambda d: _para(d, 7).update(paragraf=127))
    out = _run_error(runner, exempel, "utdrag")
    line = _line_of(exempel.parent / "protokoll.yaml", "paragraf: 127")
    assert f"protokoll.yaml, rad {line}: §-numreringen har en lucka: punkt 7" in out
    assert "förväntat § 126, fann § 127" in out


def test_votes_that_do_not_add_up_are_a_located_error(exempel, runner):
    _edit(exempel, lambda d: _para(d, 7)["omröstning"]["resultat"].update(ja=9))
    out = _run_error(runner, exempel, "anslagsbevis")
    line = _line_of(exempel.parent / "protokoll.yaml", "resultat:")
    assert f"protokoll.yaml, rad {line}: § 126: rösterna går inte ihop" in out
    assert "förväntat 8 ja, 2 nej, 1 avstår, fann 9 ja, 2 nej, 1 avstår" in out


def test_unknown_punkt_and_other_dnr_are_errors(exempel, profil):
    def change(d):
        d["paragrafer"].append({"punkt": 42, "text": "Ett ärende som inte finns."})
        _para(d, 10)["dnr"] = "SN/2023:99"
    _edit(exempel, change)
    found = {f.kod: f for f in run_checks(load(exempel, profil), profil) if f.severity is Severity.FEL}
    assert "punkt '42' finns inte i ärendelistan" in found["protokoll_punkt"].meddelande
    assert (found["protokoll_dnr"].forvantat, found["protokoll_dnr"].funnet) == ("SN/2023:18", "SN/2023:99")


def test_manifest_without_protokoll_part(tmp_path, runner):
    src = EXAMPLES / MOTE / "sammantrade.yaml"
    manifest = tmp_path / "m.yaml"
    manifest.write_text(src.read_text(encoding="utf-8").replace("protokoll: protokoll.yaml\n", ""), encoding="utf-8")
    res = runner.invoke(cli, ["protokoll", str(manifest), "--ingen-pdf", "-o", str(tmp_path / "ut")])
    assert res.exit_code == 2 and "har ingen protokollsdel" in res.output


def test_mallar_variabler_covers_the_new_types(runner):
    for typ, variable in (("protokoll", "paragrafer[].beslutsgang"), ("protokollsutdrag", "paragraf.protokollsutdrag_till"),
                          ("anslagsbevis", "anslag.nedtagning")):
        res = runner.invoke(cli, ["mallar", "variabler", typ])
        assert res.exit_code == 0 and variable in res.output, (typ, res.output)


# --- hostile text ----------------------------------------------------------------------------

_XML_TEXT = st.text(alphabet=st.sampled_from(list("<>&\"'{}%#åäö §–\u00a0abcXYZ09")), min_size=1, max_size=40) \
    .filter(lambda s: s.strip() and not s.strip().startswith(("{", "%", "#", "'", '"')))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(yrkande=_XML_TEXT, anteckning=_XML_TEXT)
def test_xml_special_text_reaches_the_protokoll_as_text(tmp_path_factory, yrkande, anteckning):
    from docx import Document

    from rapportgen.doctypes.base import EXEMPEL
    from rapportgen.doctypes.protokoll import render_protokoll

    folder = tmp_path_factory.mktemp("x")
    for name in ("protokoll.yaml", "tjansteskrivelse.md", "dokument.md"):
        shutil.copyfile(EXEMPEL / name, folder / name)
    manifest = folder / "protokoll.yaml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    p = data["protokoll"]["paragrafer"][0]
    p["yrkanden"][1]["yrkande"] = yrkande
    p["protokollsanteckningar"] = [{"namn": ["Håkan Svensson (M)"], "text": anteckning}]
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = render_protokoll(load(manifest), folder / "p.docx")
    body = "\n".join(par.text for par in Document(str(out)).paragraphs)
    assert yrkande.strip().rstrip(".") in body
    assert anteckning.strip() in body


def test_check_with_typ_protokoll_runs_the_protokoll_checks(exempel, runner):
    _edit(exempel, lambda d: d["justering"].update(justerare=["Anna Svensson (M)"]))
    res = runner.invoke(cli, ["check", "--typ", "protokoll", str(exempel), "--format", "plain",
                              "--profil", str(EXAMPLES / "rapportgen.yaml")])
    assert res.exit_code == 1, res.output
    assert "justeraren Anna Svensson (M) finns inte bland de tjänstgörande" in squash(res.output)
    assert "Totalt: 1 fel, 1 varning" in res.output


def test_public_build_api_writes_every_utdrag_and_checks_once(exempel, tmp_path, profil):
    import rapportgen

    r = rapportgen.build(exempel, tmp_path / "ut", typ="protokollsutdrag", profil=profil, pdf=False)
    assert [p.name for p in r.docx] == [f"protokollsutdrag-{n}.docx" for n in range(124, 136)]
    assert [f.kod for f in r.findings] == ["beslut_andrat"]  # one protokoll, checked once


def test_check_of_a_manifest_includes_its_protokoll(exempel, runner):
    _edit(exempel, lambda d: _para(d, 7).update(paragraf=127))
    res = runner.invoke(cli, ["check", str(exempel), "--format", "plain", "--profil", str(EXAMPLES / "rapportgen.yaml")])
    assert res.exit_code == 1, res.output
    assert "§-numreringen har en lucka: punkt 7" in squash(res.output)


def test_a_name_that_votes_twice_as_a_repeated_yaml_key_is_a_located_error(exempel, runner):
    # YAML keeps only the last of two equal keys: without this error, Lotta Borg's "ja" would
    # silently become "nej" (and without a resultat nothing would notice).
    path = exempel.parent / "protokoll.yaml"
    text = path.read_text(encoding="utf-8").replace("      resultat: {ja: 8, nej: 2, avstår: 1}\n", "")
    text = text.replace("        Lotta Borg (T): ja\n", "        Lotta Borg (T): ja\n        Lotta Borg (T): nej\n")
    path.write_text(text, encoding="utf-8")
    out = _run_error(runner, exempel)
    first = _line_of(path, "Lotta Borg (T): ja")
    assert f"protokoll.yaml, rad {first + 1}: 'Lotta Borg (T)' står två gånger (även på rad {first})" in out


def test_a_repeated_key_in_an_inline_protokoll_part_is_an_error(tmp_path, runner):
    from importlib import resources

    exempel = resources.files("rapportgen") / "exempel"
    for name in ("protokoll.yaml", "tjansteskrivelse.md", "dokument.md"):
        (tmp_path / name).write_bytes((exempel / name).read_bytes())
    manifest = tmp_path / "protokoll.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("  tid: ", "  ordförande: Lars Kempe\n  tid: ", 1), encoding="utf-8")
    out = _run_error(runner, manifest)
    line = _line_of(manifest, "ordförande: Lars Kempe")
    assert f"protokoll.yaml, rad {line + 2}: 'ordförande' står två gånger (även på rad {line})" in out


def test_ordforande_as_justerare_is_flagged(exempel, profil):
    # The ordförande signs anyway; the justerare is another ledamot (KL 5 kap. 69 §).
    _edit(exempel, lambda d: d["justering"].update(justerare=["Johanna Bergsten (S)"]))
    found = [f for f in run_checks(load(exempel, profil), profil) if f.kod == "justerare"]
    assert [(f.severity, f.meddelande) for f in found] == [
        (Severity.VARNING, "justeraren Johanna Bergsten (S) är ordföranden, som redan skriver under; "
                           "utse en annan ledamot att justera")]
    assert found[0].plats.startswith("rad ")
