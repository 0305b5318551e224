"""Round-trip editing of manifests and tjänsteskrivelser: comments, layout and unknown fields kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from rapportgen.doctypes import tjansteskrivelse
from rapportgen.config import load_profile
from rapportgen.web import tjform
from rapportgen.web import yamlredigering as yr
from rapportgen.web.app import create_app
from tests.conftest import EXAMPLES


def test_unchanged_manifests_are_written_byte_for_byte():
    for path in (EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml", EXAMPLES / "harryda" / "sammantrade.yaml"):
        assert yr.dump(yr.load(path)) == path.read_text(encoding="utf-8"), path


def test_move_and_remove_keep_the_other_items(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text((EXAMPLES / "harryda" / "sammantrade.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    data = yr.load(path)
    seq = yr.arenden(data)
    yr.move(seq, 3, 2, "ärende")
    yr.renumber(seq)
    yr.save(path, data)
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [(a["punkt"], a["ärendemening"][:10]) for a in loaded["ärenden"]] == [
        (1, "Val av jus"), (2, "Godkännand"), (3, "Förebyggan"), (4, "Rekryterin")]
    assert path.read_text(encoding="utf-8").startswith("# Sammanträdeshandling för socialnämnden i Härryda")
    assert "{punkt: 1, ärendemening: Val av justerare}" in path.read_text(encoding="utf-8")  # flow style kept
    data = yr.load(path)
    yr.remove(yr.arenden(data), 0, "ärende")
    yr.renumber(yr.arenden(data))
    assert [a["punkt"] for a in yr.arenden(data)] == [1, 2, 3]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)
       .filter(lambda s: s.strip() == s and s.strip()))
def test_any_label_survives_the_round_trip(etikett):
    data = yr.load(EXAMPLES / "harryda" / "sammantrade.yaml")
    item = yr.arenden(data)[3]
    b = yr.CommentedMap()
    b["etikett"] = etikett
    b["fil"] = "bilagor/x.pdf"
    yr.bilagor(item, create=True).append(b)
    again = yaml.safe_load(yr.dump(data))
    assert again["ärenden"][3]["bilagor"][-1]["etikett"] == etikett


def test_new_meeting_keeps_standing_items_only():
    prev = yr.load(EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml")
    new = yr.new_meeting(prev, dt.date(2023, 10, 17))
    data = yaml.safe_load(yr.dump(new))
    assert data["datum"] == dt.date(2023, 10, 17)
    assert [a["punkt"] for a in data["ärenden"]] == [1, 2, 3, 4, "sa"]
    assert data["ledamöter"][0] == "Johanna Bergsten (S)"
    assert yr.meeting_filename(Path("a/sammantrade-2023-09-19/sammantrade.yaml"), "2023-09-19", "2023-10-17") == \
        Path("a/sammantrade-2023-10-17/sammantrade.yaml")
    assert yr.meeting_filename(Path("a/sammantrade.yaml"), "2023-09-19", "2023-10-17") == \
        Path("a/sammantrade-2023-10-17.yaml")


def test_form_of_an_existing_file_keeps_unknown_fields(tmp_path):
    folder = tmp_path / "mapp"
    folder.mkdir()
    (folder / "rapportgen.yaml").write_text((EXAMPLES / "rapportgen.yaml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    md = folder / "ts.md"
    source = (EXAMPLES / "tjansteskrivelser" / "07-bemanning-vard-och-omsorgsboenden.md").read_text(encoding="utf-8")
    md.write_text(source.replace("---\n", "---\n# egen kommentar\negen_nyckel: behålls\n", 1), encoding="utf-8")
    app = create_app(folder)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        page = c.get("/tjansteskrivelse?fil=ts.md").text
        assert 'value="SN/2023:70"' in page  # the form is filled from the file
        falt = tjform.read(md)
        form = {"csrf": app.app.state.webbapp.csrf, "fil": "ts.md", "titel": "Ny titel", "dnr": falt["dnr"],
                "datum": falt["datum"], "handlaggare_namn": falt["handlaggare_namn"],
                "handlaggare_titel": falt["handlaggare_titel"], "förslag_till_beslut": falt["förslag_till_beslut"],
                "beslutsunderlag": falt["beslutsunderlag"], "tidigare_behandling": falt["tidigare_behandling"],
                **{f"avsnitt_{k}": v for k, v in falt["avsnitt"].items()}}
        r = c.post("/tjansteskrivelse", data=form, follow_redirects=False)
        assert r.status_code == 303
    text = md.read_text(encoding="utf-8")
    assert "# egen kommentar" in text and "egen_nyckel: behålls" in text
    assert "titel: Ny titel" in text
    old_front = yaml.safe_load(source.split("---\n")[1])
    new_front = yaml.safe_load(text.split("---\n")[1])
    assert new_front["handläggare"] == old_front["handläggare"]  # telefon, e-post: not in the form, kept
    assert new_front["protokollsutdrag_till"] == old_front["protokollsutdrag_till"]
    md.write_text(text.replace("egen_nyckel: behålls\n", ""), encoding="utf-8")  # the model is strict
    profil = load_profile(folder / "rapportgen.yaml")
    doc = tjansteskrivelse.load(md, profil)  # the library still reads it, with the same sections
    assert set(doc.avsnitt) == set(tjansteskrivelse.load(
        EXAMPLES / "tjansteskrivelser" / "07-bemanning-vard-och-omsorgsboenden.md", profil).avsnitt)
