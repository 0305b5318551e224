"""The meeting page places each finding at its ärende, the protokoll's findings included."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from rapportgen.web.bibliotek import kontrollera
from rapportgen.web.mapp import Arbetsmapp
from tests.web.conftest import MANIFEST


def _index(manifest_text: str, punkt: str) -> int:
    import yaml

    return [str(a["punkt"]) for a in yaml.safe_load(manifest_text)["ärenden"]].index(punkt)


def test_a_protokoll_finding_in_its_own_file_is_shown_at_its_arende(arbetsmapp):
    manifest = arbetsmapp / MANIFEST
    k = kontrollera(Arbetsmapp.of(arbetsmapp), manifest)
    # protokoll.yaml changes the decision of punkt 8 (§ 127): a warning for the secretary.
    andrat = [f for f in k.alla if "beslutet avviker" in f.text]
    assert len(andrat) == 1
    assert "protokoll.yaml" in andrat[0].var
    at_8 = k.fynd_per_arende.get(_index(manifest.read_text(encoding="utf-8"), "8"), [])
    assert andrat[0] in at_8
    assert andrat[0] not in k.allmanna


def test_an_inline_protokoll_part_is_not_taken_for_the_last_arende(tmp_path):
    folder = tmp_path / "mapp"
    folder.mkdir()
    exempel = resources.files("rapportgen") / "exempel"
    for name in ("protokoll.yaml", "tjansteskrivelse.md", "dokument.md"):
        (folder / name).write_bytes((exempel / name).read_bytes())
    manifest = folder / "protokoll.yaml"
    text = manifest.read_text(encoding="utf-8")
    # A justerare who is not present (about the whole protokoll) and a wrong dnr on punkt 1.
    text = text.replace("justerare: [Håkan Svensson (M)]", "justerare: [Okänd Person (M)]", 1)
    text = text.replace("  paragrafer:\n", "  paragrafer:\n    - punkt: 1\n      dnr: SN/2023:99\n", 1)
    manifest.write_text(text, encoding="utf-8")
    k = kontrollera(Arbetsmapp.of(folder), manifest)
    justerare = [f for f in k.alla if "Okänd Person" in f.text]
    dnr = [f for f in k.alla if "beslutets dnr" in f.text]
    assert len(justerare) == 1 and len(dnr) == 1
    assert justerare[0] in k.allmanna
    assert dnr[0] in k.fynd_per_arende.get(_index(text, "1"), [])
    last = k.fynd_per_arende.get(_index(text, "5"), [])
    assert justerare[0] not in last and dnr[0] not in last


def test_meeting_page_shows_the_protokoll_warning_at_punkt_8_in_good_swedish(arbetsmapp):
    from starlette.testclient import TestClient

    from rapportgen.web.app import create_app

    app = create_app(arbetsmapp)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        page = c.get(f"/mote/{MANIFEST}").text
        item = page.split('id="arende-7"')[1].split('id="arende-8"')[0]  # index 7: punkt 8
        assert "beslutet avviker" in item and "protokoll.yaml, rad 69" in item
        assert "Att åtgärda för hela sammanträdet" not in page
        assert "0 fel som måste rättas och 1 sak att se över" in page
        r = c.post(f"/mote/{MANIFEST}/jobb", data={"csrf": app.app.state.webbapp.csrf, "typ": "kontrollera"},
                   headers={"HX-Request": "true"})
        assert r.status_code == 200
        job = app.app.state.webbapp.jobb.senaste(MANIFEST)
        seen = -1
        while job.pagar:
            seen = job.wait_change(seen, 60)
        assert "Kontrollen är klar: 0 fel och 1 sak att se över." in c.get(f"/jobb/{job.id}").text


def _client(folder):
    from starlette.testclient import TestClient

    from rapportgen.web.app import create_app

    app = create_app(folder)
    c = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    c.csrf = app.app.state.webbapp.csrf
    return c


def test_moving_an_arende_keeps_the_protokoll_paragraphs_on_their_arenden(arbetsmapp):
    import yaml

    prot_path = arbetsmapp / "sammantrade-2023-09-19" / "protokoll.yaml"
    before = prot_path.read_text(encoding="utf-8")
    with _client(arbetsmapp) as c:
        # Index 6 is punkt 7 (the omröstning), index 7 punkt 8 (the changed beslut): swap them.
        r = c.post(f"/mote/{MANIFEST}/arende/flytta", data={"csrf": c.csrf, "i": "6", "riktning": "ned"},
                   follow_redirects=False)
        assert r.status_code == 303
    arenden = yaml.safe_load((arbetsmapp / MANIFEST).read_text(encoding="utf-8"))["ärenden"]
    assert [a["punkt"] for a in arenden[6:8]] == [7, 8]
    assert arenden[7]["dnr"] == "SN/2023:70"  # the bemanning ärende, now punkt 8
    after = prot_path.read_text(encoding="utf-8")
    assert after.splitlines()[0] == before.splitlines()[0]  # comments kept
    par = {p["punkt"]: p for p in yaml.safe_load(after)["paragrafer"]}
    assert "omröstning" in par[8] and "beslut" in par[7]
    k = kontrollera(Arbetsmapp.of(arbetsmapp), arbetsmapp / MANIFEST)
    assert k.antal_fel == 0, [f.text for f in k.alla]


def test_removing_an_arende_with_a_protokoll_paragraph_is_refused(arbetsmapp):
    manifest = arbetsmapp / MANIFEST
    before = manifest.read_bytes()
    with _client(arbetsmapp) as c:
        r = c.post(f"/mote/{MANIFEST}/arende/ta-bort", data={"csrf": c.csrf, "i": "8"}, follow_redirects=False)
    assert r.status_code != 303
    assert "protokollet har en paragraf för punkt 9" in r.text
    assert manifest.read_bytes() == before


def test_moving_an_arende_repoints_an_inline_protokoll(tmp_path):
    import yaml

    folder = tmp_path / "mapp"
    folder.mkdir()
    exempel = resources.files("rapportgen") / "exempel"
    for name in ("protokoll.yaml", "tjansteskrivelse.md", "dokument.md"):
        (folder / name).write_bytes((exempel / name).read_bytes())
    with _client(folder) as c:
        r = c.post("/mote/protokoll.yaml/arende/flytta", data={"csrf": c.csrf, "i": "4", "riktning": "upp"},
                   follow_redirects=False)
        assert r.status_code == 303
    data = yaml.safe_load((folder / "protokoll.yaml").read_text(encoding="utf-8"))
    assert data["ärenden"][3]["dnr"] == "SN/2023:70" and data["ärenden"][3]["punkt"] == 4
    assert [p["punkt"] for p in data["protokoll"]["paragrafer"]] == [4]


def test_a_protokoll_file_outside_the_folder_is_neither_read_nor_written(arbetsmapp):
    manifest = arbetsmapp / MANIFEST
    outside = arbetsmapp.parent / "utanfor.yaml"
    # Broken YAML: reading it would answer with a YAML error instead of the folder rule.
    outside.write_text("paragrafer: [trasig\n", encoding="utf-8")
    before_outside = outside.read_bytes()
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "protokoll: protokoll.yaml", "protokoll: ../../utanfor.yaml"), encoding="utf-8")
    before = manifest.read_bytes()
    with _client(arbetsmapp) as c:
        r = c.post(f"/mote/{MANIFEST}/arende/flytta", data={"csrf": c.csrf, "i": "6", "riktning": "ned"},
                   follow_redirects=False)
    assert r.status_code != 303 and "utanför arbetsmappen" in r.text
    assert manifest.read_bytes() == before and outside.read_bytes() == before_outside


def test_editing_an_existing_tjansteskrivelse_is_not_marked_as_new_in_the_menu(arbetsmapp):
    with _client(arbetsmapp) as c:
        new = c.get("/tjansteskrivelse").text
        existing = c.get("/tjansteskrivelse?fil=tjansteskrivelser/05-familjehemsorganisation.md").text
    assert '<a href="/tjansteskrivelse" aria-current="page">' in new
    assert 'aria-current="page"' not in existing


def test_saving_an_existing_tjansteskrivelse_keeps_the_form_of_untouched_fields(tmp_path):
    from rapportgen.web import tjform
    from tests.conftest import EXAMPLES

    path = tmp_path / "07.md"
    path.write_bytes((EXAMPLES / "tjansteskrivelser" / "07-bemanning-vard-och-omsorgsboenden.md").read_bytes())
    original = path.read_text(encoding="utf-8")
    f = tjform.read(path)
    f["titel"] = "Ny titel"
    front_new = tjform.write(path, f).split("\n---\n")[0].splitlines()
    front_old = original.split("\n---\n")[0].splitlines()
    changed = [(a, b) for a, b in zip(front_old, front_new) if a != b]
    # Only the title line differs; the folded förslag till beslut keeps its two lines.
    assert len(front_new) == len(front_old), front_new
    assert [b for _, b in changed] == ["titel: Ny titel"]
