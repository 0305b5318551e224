"""Web tests: a copy of the example folder, the application in a real server, headless Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

MANIFEST = "sammantrade-2023-09-19/sammantrade.yaml"
AXE = Path(__file__).resolve().parents[1] / "data" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "outputs" / "webb-skarmbilder"


@pytest.fixture
def arbetsmapp(tmp_path: Path) -> Path:
    """A copy of examples/ (the meeting names ../tjansteskrivelser etc., so the whole folder)."""
    folder = tmp_path / "arbetsmapp"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("make_xlsx.py", "__pycache__"))
    return folder


class Server:
    def __init__(self, folder: Path) -> None:
        import uvicorn

        from rapportgen.web.app import create_app

        self.app = create_app(folder)
        self.webbapp = self.app.app.state.webbapp
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        # Wait for the listening socket: a connection succeeds once uvicorn accepts.
        import time

        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("servern startade inte")
            self.thread.join(0.05)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._jobben_klara()
        finally:
            self.server.should_exit = True
            self.thread.join(30)
            self.sock.close()

    def _jobben_klara(self, ceiling: float = 300.0) -> None:
        """No job outlives its test: a build still running would hold the conversion turn
        (jobb._KONVERTERING) of the next test's server. One that never ends fails here, in the
        test that started it, with the step it stood at."""
        import time

        deadline = time.monotonic() + ceiling
        for j in list(self.webbapp.jobb._jobb.values()):
            while j.pagar and time.monotonic() < deadline:
                j.wait_change(j.version, 1.0)
            assert not j.pagar, f"jobbet '{j.namn}' pågår fortfarande: {j.klar} av {j.totalt}, {j.steg!r}"


@pytest.fixture
def server(arbetsmapp: Path):
    with Server(arbetsmapp) as s:
        yield s


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("chromium och chromium-driver saknas; kör `make venv` (de står i APT_PACKAGES)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1000", "--lang=sv-SE",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profil')}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(120)
    yield driver
    driver.quit()


def axe_violations(driver) -> list[dict]:
    """axe-core's serious and critical violations on the current page (WCAG 2.1 A/AA rules)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-fel', impact: 'critical', help: String(e), nodes: []}]));")
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}: "
                     + "; ".join(n.get("html", "")[:120] for n in v.get("nodes", [])[:3]) for v in violations)


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
