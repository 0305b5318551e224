"""Safety rules of `rapportgen serve`: the folder boundary, CSRF, upload limits, one build per meeting."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from rapportgen.web import jobb as jobb_mod
from rapportgen.web.app import MAX_UPLOAD, create_app
from tests.web.conftest import MANIFEST


@pytest.fixture
def client(arbetsmapp: Path):
    app = create_app(arbetsmapp)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        c.webbapp = app.app.state.webbapp
        yield c


def _token(c: TestClient) -> str:
    return c.webbapp.csrf


def test_dot_dot_escapes_are_refused(client, arbetsmapp):
    secret = arbetsmapp.parent / "hemlig.txt"
    secret.write_text("hemligt", encoding="utf-8")
    for path in ("/fil/%2e%2e/hemlig.txt", "/fil/sammantrade-2023-09-19/%2e%2e/%2e%2e/hemlig.txt",
                 "/fil/..%2fhemlig.txt", f"/fil/{'%2F'}{str(secret).lstrip('/')}",
                 "/mote/%2e%2e/hemlig.txt", "/tjansteskrivelse?fil=../hemlig.txt"):
        r = client.get(path)
        assert r.status_code in (403, 404), path
        assert "hemligt" not in r.text, path
    r = client.get("/fil/%2e%2e/hemlig.txt")
    assert r.status_code == 403 and "utanför arbetsmappen" in r.text
    # Writes too: a bilaga chosen outside the folder is refused and the manifest is untouched.
    before = (arbetsmapp / MANIFEST).read_bytes()
    r = client.post(f"/mote/{MANIFEST}/bilaga/ny", data={"csrf": _token(client), "a": "4", "etikett": "x",
                                                         "fil": "../hemlig.txt"})
    assert r.status_code == 403
    assert (arbetsmapp / MANIFEST).read_bytes() == before
    r = client.post("/tjansteskrivelse", data={"csrf": _token(client), "fil": "../ut.md", "titel": "x"})
    assert r.status_code == 403 and not (arbetsmapp.parent / "ut.md").exists()


def test_symlink_escapes_are_refused(client, arbetsmapp):
    outside = arbetsmapp.parent / "utanfor"
    outside.mkdir()
    (outside / "hemlig.pdf").write_bytes(b"%PDF-1.4 hemligt")
    os.symlink(outside, arbetsmapp / "lank")
    os.symlink(outside / "hemlig.pdf", arbetsmapp / "fil-lank.pdf")
    for path in ("/fil/lank/hemlig.pdf", "/fil/fil-lank.pdf"):
        r = client.get(path)
        assert r.status_code == 403, path
        assert b"hemligt" not in r.content
    # A manifest reached through a symlinked folder is refused as well.
    (outside / "m.yaml").write_text((arbetsmapp / MANIFEST).read_text(encoding="utf-8"), encoding="utf-8")
    assert client.get("/mote/lank/m.yaml").status_code == 403
    # ... and an upload does not follow a symlinked bilagor/ folder out of the folder.
    bilagor = arbetsmapp / "harryda" / "bilagor"
    for p in bilagor.iterdir():
        p.unlink()
    bilagor.rmdir()
    os.symlink(outside, bilagor)
    r = client.post("/mote/harryda/sammantrade.yaml/bilaga/ny",
                    data={"csrf": _token(client), "a": "3", "etikett": "x"},
                    files={"uppladdning": ("x.pdf", b"%PDF-1.4\n", "application/pdf")})
    assert r.status_code == 403
    assert not (outside / "x.pdf").exists()
    # The start page does not list the manifest behind the symlink.
    assert "lank/m.yaml" not in client.get("/").text


def test_post_without_csrf_token_is_refused(client, arbetsmapp):
    before = (arbetsmapp / MANIFEST).read_bytes()
    for data in ({"a": "7", "i": "0", "riktning": "ned"}, {"a": "7", "i": "0", "riktning": "ned", "csrf": "fel"}):
        r = client.post(f"/mote/{MANIFEST}/bilaga/flytta", data=data)
        assert r.status_code == 403
        assert "säkerhetstoken" in r.text
    assert (arbetsmapp / MANIFEST).read_bytes() == before
    r = client.post(f"/mote/{MANIFEST}/jobb", data={"typ": "bygg"})
    assert r.status_code == 403
    assert client.webbapp.jobb.senaste(MANIFEST) is None
    # With the token the same request works (the check is not refusing everything).
    r = client.post(f"/mote/{MANIFEST}/bilaga/flytta",
                    data={"a": "7", "i": "0", "riktning": "ned", "csrf": _token(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert (arbetsmapp / MANIFEST).read_bytes() != before


def test_oversized_upload_is_refused(client, arbetsmapp):
    before = (arbetsmapp / MANIFEST).read_bytes()
    big = b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD + 1024 * 1024)
    r = client.post(f"/mote/{MANIFEST}/bilaga/ny", data={"csrf": _token(client), "a": "4", "etikett": "Stor"},
                    files={"uppladdning": ("stor.pdf", big, "application/pdf")})
    assert r.status_code == 413
    assert "för stor" in r.text
    assert (arbetsmapp / MANIFEST).read_bytes() == before
    assert not list((arbetsmapp / "sammantrade-2023-09-19" / "bilagor").glob("stor*"))


def test_upload_must_be_what_it_says(client, arbetsmapp):
    r = client.post(f"/mote/{MANIFEST}/bilaga/ny", data={"csrf": _token(client), "a": "4", "etikett": "x"},
                    files={"uppladdning": ("skript.pdf", b"#!/bin/sh\n", "application/pdf")})
    assert r.status_code == 400 and "inte en PDF-fil" in r.text
    r = client.post(f"/mote/{MANIFEST}/bilaga/ny", data={"csrf": _token(client), "a": "4", "etikett": "x"},
                    files={"uppladdning": ("../../x.exe", b"MZ", "application/octet-stream")})
    assert r.status_code == 400 and "fel typ" in r.text


def test_two_concurrent_builds_of_one_meeting(client, arbetsmapp):
    # The meeting up to ärende 5 (the kallelse and one tjänsteskrivelse): the rule is about builds
    # of one meeting, not about its size, and the build runs to the end before the last request.
    manifest = arbetsmapp / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[:text.index("  - punkt: 6\n")], encoding="utf-8")
    data = {"csrf": _token(client), "typ": "bygg"}
    with jobb_mod._KONVERTERING:  # the first build waits for its turn, so it is surely still running
        first = client.post(f"/mote/{MANIFEST}/jobb", data=data, follow_redirects=False)
        assert first.status_code == 303
        second = client.post(f"/mote/{MANIFEST}/jobb", data=data, follow_redirects=False)
        assert second.status_code == 409
        assert "pågår redan" in second.text
        third = client.post(f"/mote/{MANIFEST}/jobb", data={**data, "typ": "publicering"},
                            headers={"HX-Request": "true"})
        assert third.status_code == 409 and 'role="alert"' in third.text
        # Another meeting is not blocked by this one.
        other = client.post("/mote/harryda/sammantrade.yaml/jobb", data={**data, "typ": "kontrollera"},
                            follow_redirects=False)
        assert other.status_code == 303
    job = client.webbapp.jobb.aktivt(MANIFEST)
    assert job is not None
    seen = -1
    while job.pagar:
        seen = job.wait_change(seen, 60)
    assert job.status == "klar", job.fel
    assert (arbetsmapp / "utdata" / "sammantrade-2023-09-19-sammantrade" / "handling.pdf").is_file()
    # When it is done, a new build may start.
    again = client.post(f"/mote/{MANIFEST}/jobb", data={**data, "typ": "kontrollera"}, follow_redirects=False)
    assert again.status_code == 303


def test_errors_are_messages_not_tracebacks(client, arbetsmapp):
    (arbetsmapp / MANIFEST).write_text("nämnd: [trasig\n", encoding="utf-8")
    r = client.get(f"/mote/{MANIFEST}")
    assert r.status_code == 400
    assert "YAML-fel" in r.text and "rad" in r.text
    assert "Traceback" not in r.text and 'File "' not in r.text
    r = client.get("/finns-inte")
    assert r.status_code == 404 and 'lang="sv"' in r.text
    r = client.post(f"/mote/{MANIFEST}/arende/flytta", data={"csrf": _token(client), "i": "x"})
    assert r.status_code == 400 and "Traceback" not in r.text


def test_only_local_host_names(client):
    r = client.get("/", headers={"Host": "angripare.example"})
    assert r.status_code == 400
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["x-frame-options"] == "DENY"  # no clickjacking of the buttons
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_edits_keep_comments_and_hand_edits_show_on_reload(client, arbetsmapp):
    path = arbetsmapp / MANIFEST
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("ärendemening: Utse justerare", "ärendemening: Utse justerare  # handskrivet"),
                    encoding="utf-8")
    assert "Utse justerare" in client.get(f"/mote/{MANIFEST}").text
    r = client.post(f"/mote/{MANIFEST}/arende/flytta", data={"csrf": _token(client), "i": "4", "riktning": "ned"},
                    follow_redirects=False)
    assert r.status_code == 303
    new = path.read_text(encoding="utf-8")
    assert "Utse justerare  # handskrivet" in new
    assert new.startswith("# Sammanträdeshandling för socialnämnden 2023-09-19")
    data = yaml.safe_load(new)
    assert [(a["punkt"], a.get("dnr")) for a in data["ärenden"][4:6]] == [(5, "SN/2023:51"), (6, "SN/2023:197")]
    # Everything else is byte for byte as before.
    changed = [line for line in new.splitlines() if line not in text.splitlines()]
    assert all(re.match(r"\s*(- punkt: \d+|ärendemening: Utse justerare  # handskrivet)$", line.strip())
               for line in changed), changed


def test_kontrollera_job_reports_the_findings(client, arbetsmapp):
    path = arbetsmapp / MANIFEST
    path.write_text(path.read_text(encoding="utf-8").replace("dnr: SN/2023:51", "dnr: SN/2023:52"), encoding="utf-8")
    r = client.post(f"/mote/{MANIFEST}/jobb", data={"csrf": _token(client), "typ": "kontrollera"},
                    headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Kontrollera" in r.text
    job = client.webbapp.jobb.senaste(MANIFEST)
    seen = -1
    while job.pagar:
        seen = job.wait_change(seen, 60)
    panel = client.get(f"/jobb/{job.id}").text
    # The handling's dnr check and the protokoll's (§ 125: the ärende's dnr is not the tjänsteskrivelse's).
    assert "Kontrollen är klar: 2 fel och 1 sak att se över" in panel
    page = client.get(f"/mote/{MANIFEST}").text
    item = page.split('id="arende-5"')[1].split('id="arende-6"')[0]
    assert "Måste rättas" in item and "förväntat SN/2023:51, fann SN/2023:52" in item
    assert "§ 125: ärendets dnr skiljer sig från tjänsteskrivelsens" in item


def test_revisionsregister_table(client):
    page = client.get("/revisionsregister?per=2023-09-05").text
    rows = re.findall(r'<tr class="rad-(\w+)">(.*?)</tr>', page, re.S)
    by_dnr = {re.search(r"SN/2023:\d+", body).group(0): (klass, body) for klass, body in rows}
    assert by_dnr["SN/2023:120"][0] == "sen"  # svar senast 2023-08-31: late on 2023-09-05
    klass, body = by_dnr["SN/2023:200"]
    assert klass in ("ok", "missar")
    assert 'href="/fil/revision/it-sakerhet.md"' in body
    assert 'href="/mote/sammantrade-2023-09-19/sammantrade.yaml#arende-10"' in body


def test_oversized_streamed_body_is_refused(client, arbetsmapp):
    """A body without Content-Length (chunked) is counted as it arrives."""
    def chunks():
        for _ in range(MAX_UPLOAD // (1024 * 1024) + 2):
            yield b"0" * (1024 * 1024)

    r = client.post(f"/mote/{MANIFEST}/bilaga/ny", content=chunks(),
                    headers={"Content-Type": "multipart/form-data; boundary=xyz"})
    assert r.status_code == 413
    assert "för stor" in r.text and "Traceback" not in r.text


def test_a_failed_build_is_a_message(client, arbetsmapp):
    path = arbetsmapp / MANIFEST
    path.write_text(path.read_text(encoding="utf-8").replace("bilagor/statistik-stella.pdf", "bilagor/borta.pdf"),
                    encoding="utf-8")
    r = client.post(f"/mote/{MANIFEST}/jobb", data={"csrf": _token(client), "typ": "bygg"}, follow_redirects=False)
    assert r.status_code == 303
    job = client.webbapp.jobb.senaste(MANIFEST)
    seen = -1
    while job.pagar:
        seen = job.wait_change(seen, 60)
    assert job.status == "fel"
    panel = client.get(f"/jobb/{job.id}").text
    assert "misslyckades" in panel and "borta.pdf" in panel and "Traceback" not in panel
    assert not (arbetsmapp / "utdata" / "sammantrade-2023-09-19-sammantrade" / "handling.pdf").exists()


def test_a_job_ending_while_its_panel_is_drawn_is_shown_ended(client, monkeypatch):
    """The event stream never says 'slut' after a panel that still shows the job running (the page
    then kept showing it running): a job that ends while its panel is drawn is sent again."""
    job = jobb_mod.Jobb("test-jobb", "mote.yaml", "Bygg handling")
    job.progress(1, 3, "01.docx")
    client.webbapp.jobb._jobb[job.id] = job
    env = client.webbapp.templates.env
    real_get = env.get_template

    class Ritning:
        def __init__(self, tpl):
            self.tpl = tpl

        def render(self, *args, **kwargs):
            html = self.tpl.render(*args, **kwargs)
            if job.pagar:  # the build ends right after this panel was drawn
                job.finish("klar", {"filer": []})
            return html

    monkeypatch.setattr(env, "get_template",
                        lambda name, *a, **k: Ritning(real_get(name, *a, **k)) if name == "_jobb_innehall.html"
                        else real_get(name, *a, **k))
    with client.stream("GET", f"/jobb/{job.id}/handelser") as r:
        text = "".join(r.iter_text())
    events = [e for e in text.split("\n\n") if e.startswith("event:")]
    assert events[-1].startswith("event: slut")
    assert "jobb-klar" in events[-2], events  # the last panel sent shows the job ended
