"""`rapportgen serve` in a real browser (headless Chromium via selenium), against a copy of examples/."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.conftest import MANIFEST, axe_violations, describe, screenshot

WAIT = 300  # a ceiling for a slow, shared machine; the condition, not the time, decides


def _wait(driver, timeout: float = WAIT) -> WebDriverWait:
    return WebDriverWait(driver, timeout)


def _open(driver, server, path: str) -> None:
    driver.get(server.url + path)
    _wait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main h1")))


def _manifest(folder: Path) -> dict:
    return yaml.safe_load((folder / MANIFEST).read_text(encoding="utf-8"))


def _accessible(driver) -> None:
    bad = axe_violations(driver)
    assert not bad, describe(bad)


def test_start_page_lists_the_meetings(browser, server):
    _open(browser, server, "/")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.lista tbody tr")
    texts = [r.text for r in rows]
    assert any("2023-09-19" in t and "Socialnämnden" in t and "16" in t for t in texts), texts
    assert any("2023-09-26" in t for t in texts), texts
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    screenshot(browser, "1-startsida")
    _accessible(browser)


def test_new_meeting_from_the_previous_one(browser, server, arbetsmapp):
    _open(browser, server, "/")
    browser.find_element(By.ID, "fran").send_keys("2023-09-19")
    browser.execute_script("document.getElementById('datum').value = '2023-10-17'")
    browser.find_element(By.XPATH, "//button[text()='Skapa sammanträdet']").click()
    _wait(browser, 60).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "2023-10-17"))
    new = arbetsmapp / "sammantrade-2023-10-17" / "sammantrade.yaml"
    data = yaml.safe_load(new.read_text(encoding="utf-8"))
    assert str(data["datum"]) == "2023-10-17"
    assert [a["ärendemening"] for a in data["ärenden"]] == [
        "Sammanträdet öppnas", "Anteckna närvarande", "Utse justerare", "Fastställa ärendelista", "Analysseminarium"]
    assert new.read_text(encoding="utf-8").startswith("# Sammanträdeshandling för socialnämnden 2023-10-17")


def test_meeting_shows_a_planted_fault_at_its_arende(browser, server, arbetsmapp):
    manifest = arbetsmapp / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("bilagor/slutrapport-digifysisk-seniorvard.pdf", "bilagor/finns-inte.pdf"),
                        encoding="utf-8")
    _open(browser, server, f"/mote/{MANIFEST}")
    # Punkt 6 is the sixth item (index 5).
    item = browser.find_element(By.ID, "arende-5")
    findings = item.find_element(By.CSS_SELECTOR, ".fyndlista").text
    assert "finns-inte.pdf" in findings and "Måste rättas" in findings
    assert "i manifestet sammantrade.yaml, rad" in findings
    assert "Filen saknas" in item.text
    others = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.arende") if e.get_attribute("id") != "arende-5"]
    assert not any("finns-inte.pdf" in t for t in others)
    browser.execute_script("document.getElementById('arende-5').scrollIntoView()")
    screenshot(browser, "2-sammantrade-med-fynd")
    _accessible(browser)


def test_reorder_two_bilagor_writes_the_manifest(browser, server, arbetsmapp):
    _open(browser, server, f"/mote/{MANIFEST}")
    before = [b["etikett"] for b in _manifest(arbetsmapp)["ärenden"][7]["bilagor"]]
    browser.find_element(By.CSS_SELECTOR,
                         f"button[aria-label='Flytta ned bilaga 1: {before[0]}']").click()
    _wait(browser, 60).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".meddelande"), "Ordningen är ändrad"))
    after = [b["etikett"] for b in _manifest(arbetsmapp)["ärenden"][7]["bilagor"]]
    assert after == [before[1], before[0], *before[2:]]
    text = (arbetsmapp / MANIFEST).read_text(encoding="utf-8")
    assert text.startswith("# Sammanträdeshandling för socialnämnden 2023-09-19")  # comments kept
    # The page shows the new order.
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#arende-7 .bilaga-namn")]
    assert names[:2] == after[:2]


def test_upload_a_pdf_bilaga(browser, server, arbetsmapp):
    _open(browser, server, f"/mote/{MANIFEST}")
    item = browser.find_element(By.ID, "arende-4")
    item.find_element(By.TAG_NAME, "summary").click()
    item.find_element(By.NAME, "etikett").send_keys("Avtal familjehem")
    source = arbetsmapp / "sammantrade-2023-09-19" / "bilagor" / "missiv-it-sakerhet.pdf"
    upload = arbetsmapp.parent / "Avtal Familjehem.pdf"
    upload.write_bytes(source.read_bytes())
    item.find_element(By.NAME, "uppladdning").send_keys(str(upload))
    item.find_element(By.XPATH, ".//button[text()='Lägg till bilagan']").click()
    _wait(browser, 60).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".meddelande"), "uppladdad"))
    saved = arbetsmapp / "sammantrade-2023-09-19" / "bilagor" / "avtal-familjehem.pdf"
    assert saved.read_bytes() == source.read_bytes()
    assert _manifest(arbetsmapp)["ärenden"][4]["bilagor"] == [
        {"etikett": "Avtal familjehem", "fil": "bilagor/avtal-familjehem.pdf"}]
    assert "Avtal familjehem" in browser.find_element(By.ID, "arende-4").text


# The ärenden the build test keeps of the example meeting: enough documents for progress to be seen
# moving, a PDF bilaga (6) and a revisionssvar (11); the rest would only add conversions.
BYGG_PUNKTER = {1, 2, 3, 4, 5, 6, 11}
BYGG_SIDOR = 12


def test_build_with_progress_then_download_and_preview(browser, server, arbetsmapp):
    from rapportgen.web import jobb

    data = _manifest(arbetsmapp)
    data["ärenden"] = [a for a in data["ärenden"] if a["punkt"] in BYGG_PUNKTER]
    del data["protokoll"]  # written after the meeting; it names ärenden cut here
    assert len(data["ärenden"]) == len(BYGG_PUNKTER)
    (arbetsmapp / MANIFEST).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _open(browser, server, f"/mote/{MANIFEST}")
    # Record every state of the progress panel the page shows.
    browser.execute_script("""
        window.__states = [];
        const panel = document.getElementById('jobb');
        new MutationObserver(() => {
            const p = panel.querySelector('progress');
            window.__states.push(p ? ['pågår', p.value, p.max] : ['slut', 0, 0]);
        }).observe(panel, {subtree: true, childList: true, characterData: true});
    """)
    # Hold the conversion turn so the build is seen waiting, then let it run.
    with jobb._KONVERTERING:
        browser.find_element(By.ID, "knapp-bygg").click()
        _wait(browser, 60).until(EC.presence_of_element_located((By.ID, "jobb-framsteg")))
        # The panel is swapped by the event stream: re-find the text until it says so (or time out).
        _wait(browser, 60).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".framsteg-text"),
                                                                  "väntar på sin tur"))
        screenshot(browser, "3-bygge-vantar")
    # A picture of the build under way, if it is still running when the first documents are done.
    _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".jobb-klar") or d.execute_script(
        "const p = document.getElementById('jobb-framsteg'); return p && p.value > 0"))
    if not browser.find_elements(By.CSS_SELECTOR, ".jobb-klar"):
        screenshot(browser, "3-bygge-pagar")
    _wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jobb-klar, .jobb-fel")))
    assert not browser.find_elements(By.CSS_SELECTOR, ".jobb-fel"), browser.find_element(By.ID, "jobb").text
    states = browser.execute_script("return window.__states")
    assert any(s[0] == "pågår" for s in states)
    # Progress moved while running: done out of total, as the library reports it.
    assert any(s[0] == "pågår" and 0 < s[1] < s[2] for s in states), states
    panel = browser.find_element(By.CSS_SELECTOR, ".jobb-klar")
    assert f"{BYGG_SIDOR} sidor" in panel.text
    link = panel.find_element(By.LINK_TEXT, "handling.pdf").get_attribute("href")
    target = arbetsmapp.parent / "nedladdad.pdf"
    with urllib.request.urlopen(link, timeout=60) as resp:
        target.write_bytes(resp.read())
    reader = PdfReader(str(target))
    assert len(reader.pages) == BYGG_SIDOR
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[0].startswith("Kallelse")
    assert "6. Information om god och nära vård, september" in titles
    assert "11. Revisionsrapport Granskning av informations- och IT-säkerhet – svar" in titles

    # Preview: one image per page with its stamp and bookmark; jump to an ärende.
    browser.get(server.url + f"/mote/{MANIFEST}")
    browser.find_element(By.LINK_TEXT, "Förhandsvisning sida för sida").click()
    _wait(browser, 60).until(EC.presence_of_element_located((By.ID, f"sida-{BYGG_SIDOR}")))
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.sida img")) == BYGG_SIDOR
    browser.find_element(By.PARTIAL_LINK_TEXT, "Ärende 6:").click()
    page = browser.find_element(By.ID, "sida-3")
    assert "Ärende 6 · Tjänsteskrivelse" in page.text
    assert "Bokmärke: 6. Information om god och nära vård" in page.text
    img = page.find_element(By.TAG_NAME, "img")
    _wait(browser, 60).until(lambda d: d.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", img))
    screenshot(browser, "4-forhandsvisning")
    _accessible(browser)


def test_tjansteskrivelse_form_creates_and_builds(browser, server, arbetsmapp):
    _open(browser, server, "/tjansteskrivelse")
    f = browser.find_element
    f(By.ID, "titel").send_keys("Riktlinjer för hemtjänst 2024")
    f(By.ID, "dnr").send_keys("SN/2023:310")
    browser.execute_script("document.getElementById('datum').value = '2023-10-02'")
    f(By.ID, "handlaggare_namn").send_keys("Malin Nilsson")
    f(By.ID, "handlaggare_titel").send_keys("Verksamhetschef")
    f(By.ID, "forslag").send_keys("Socialnämnden antar riktlinjerna.")
    f(By.ID, "avsnitt_arendet").send_keys("Förvaltningen har tagit fram nya riktlinjer för hemtjänsten.")
    _accessible(browser)
    f(By.ID, "knapp-bygg-ts").click()
    _wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jobb-klar, .jobb-fel")))
    panel = browser.find_element(By.CSS_SELECTOR, "#jobb .jobb")
    assert "klart" in panel.text, panel.text
    md = arbetsmapp / "tjansteskrivelser" / "sn-2023-310-riktlinjer-for-hemtjanst-2024.md"
    text = md.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "dnr: SN/2023:310" in text and "# Ärendet" in text
    link = panel.find_element(By.PARTIAL_LINK_TEXT, ".pdf").get_attribute("href")
    with urllib.request.urlopen(link, timeout=60) as resp:
        pdf = arbetsmapp.parent / "ts.pdf"
        pdf.write_bytes(resp.read())
    content = " ".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "Riktlinjer för hemtjänst 2024" in content and "SN/2023:310" in content


@pytest.mark.parametrize("path", ["/revisionsregister?per=2023-09-05", "/mote/finns-inte.yaml",
                                  "/tjansteskrivelse?fil=tjansteskrivelser/06-god-och-nara-vard.md"])
def test_other_pages_are_accessible(browser, server, path):
    _open(browser, server, path)
    _accessible(browser)
    if path.startswith("/revisionsregister"):
        screenshot(browser, "5-revisionsregister")
