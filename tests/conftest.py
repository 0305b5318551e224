"""Shared test helpers: paths, PDF text extraction, a CLI runner; each module its own PDF cache,
and one LibreOffice pool for the whole suite."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"

# Every process this test run starts (LibreOffice included) inherits this mark, so a test can
# tell its own processes from those of other runs on the same machine (test_convert.ours()).
# Under pytest-xdist each worker adds its name: a worker that counts its LibreOffice processes
# must not see the other workers' pools.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_mark = os.environ.get("RAPPORTGEN_TESTKORNING") or uuid.uuid4().hex
if XDIST_WORKER and not _mark.endswith(f"-{XDIST_WORKER}"):
    _mark = f"{_mark}-{XDIST_WORKER}"
TESTKORNING = os.environ["RAPPORTGEN_TESTKORNING"] = _mark

# No timer decides a result: hypothesis's per-example deadline (200 ms by default) failed a
# property test on a loaded machine (a first example took 438 ms, its replay 15 ms). Examples are
# still bounded by each test's max_examples.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("rapportgen", deadline=None)
_hypothesis_settings.load_profile("rapportgen")


# pdftotext's output per PDF content and mode, within this worker: tests read the same PDF again
# (each page of a package, the same output in several assertions). The key is the file's bytes,
# so a PDF written again is read again, whatever its path, size or time stamps.
_PDF_TEXT: dict[tuple[bytes, bool], str] = {}


def pdf_text(path: Path, layout: bool = False) -> str:
    """Text of a PDF as pdftotext (poppler) extracts it: every page followed by a form feed."""
    data = Path(path).read_bytes()
    key = (hashlib.blake2b(data, digest_size=32).digest(), layout)
    if key not in _PDF_TEXT:
        args = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
        _PDF_TEXT[key] = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return _PDF_TEXT[key]


def pdf_page_text(path: Path, page: int, layout: bool = False) -> str:
    """Text of one 1-based page, as `pdftotext -f page -l page` extracts it (pdftotext extracts
    each page on its own and ends it with a form feed; test_pdftext_cache.py compares the two)."""
    pages = pdf_text(path, layout).split("\f")[:-1]
    if not 1 <= page <= len(pages):
        raise IndexError(f"{path}: sidan {page} finns inte ({len(pages)} sidor)")
    return pages[page - 1] + "\f"


def squash(text: str) -> str:
    """Collapse all whitespace (incl. NBSP) to single spaces, for order/phrase checks."""
    return " ".join(text.replace("\u00a0", " ").split())


def xlsx_fil(path: Path, sheets: dict[str, list[list]], number_format: str | None = None) -> Path:
    """A workbook with these sheets and rows; number_format, if given, on every numeric cell."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if number_format:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, (int, float)):
                        cell.number_format = number_format
    wb.save(path)
    return path


def descendants(root: int) -> set[int]:
    """The process and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = set(), [root]
    while todo:
        pid = todo.pop()
        out.add(pid)
        todo += children.get(pid, [])
    return out


@pytest.fixture
def kort_tmp():
    """A private temp folder right under the system's, for a child's TMPDIR: what a test finds
    left in it is the child's (a deep one works too: tests/test_djup_tmpdir.py)."""
    folder = Path(tempfile.mkdtemp(prefix="rgt-"))
    yield folder
    # A child killed by its test left its folders here, maybe with its LibreOffice still stopping:
    # the sweep ends that instance and removes its sockets in /tmp, which the folder lists.
    from rapportgen.convert import stadning

    stadning.sweep(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def profil_file() -> Path:
    return EXAMPLES / "rapportgen.yaml"


@pytest.fixture(scope="module", autouse=True)
def egen_cache(tmp_path_factory):
    """Each test module its own PDF cache and background-server folder ($XDG_CACHE_HOME/rapportgen),
    so no PDF made by another module, an earlier run or the user's own builds is reused."""
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("xdg-cache")
    mp.setenv("XDG_CACHE_HOME", str(base))
    for name in ("RAPPORTGEN_CACHE", "RAPPORTGEN_SERVER_DIR"):
        mp.delenv(name, raising=False)
    yield base
    mp.undo()


class DeladPool:
    """The suite's one pool of LibreOffice instances (one per xdist worker): made on first use,
    closed at the end. Tests that count LibreOffice processes (test_convert.py) count those that
    were not there before, or those of their own pool, so this pool stays open for them."""

    def __init__(self):
        self._pool = None

    @property
    def pool(self):
        if self._pool is None:
            from rapportgen.convert import pool as pool_mod

            # The machine's cores are shared by the xdist workers: each worker's pool gets its part.
            workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
            self._pool = pool_mod.Pool(arbetare=max(1, (os.cpu_count() or 1) // workers))
        return self._pool

    def stang(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


@pytest.fixture(scope="session")
def delad_pool():
    holder = DeladPool()
    yield holder
    holder.stang()


class _Lan:
    """The shared pool, lent to one conversion session: closing the session does not close it."""

    def __init__(self, holder: DeladPool):
        self._holder = holder

    def __getattr__(self, name):
        return getattr(self._holder.pool, name)

    def close(self) -> None:
        pass


def _lana_poolen(mp: pytest.MonkeyPatch, delad_pool: DeladPool) -> None:
    """Make every local conversion session borrow the suite's pool (until mp is undone)."""
    import rapportgen.convert as convert

    real = convert.Pool

    def pool(arbetare=None, servrar=(), bara_fjarr=False, tidsgrans=None, delade=None, **kwargs):
        if servrar or bara_fjarr or delade:  # remote servers or a background pool: as the profile says
            if tidsgrans is not None:
                kwargs["tidsgrans"] = tidsgrans
            return real(arbetare, servrar, bara_fjarr, delade=delade, **kwargs)
        return _Lan(delad_pool)

    mp.setattr(convert, "Pool", pool)


@pytest.fixture(scope="module", autouse=True)
def en_pool_for_sviten(request, delad_pool):
    """Every conversion session in the suite borrows the one session-scoped pool, so LibreOffice
    starts once per run instead of once per build. Module scope, so that a module's own fixtures
    (a build made once for its tests) borrow it too: autouse fixtures of a scope are set up before
    the others of that scope. Sessions keep their own settings and cache (entering one
    convert.session() for the whole suite would force one profile and one cache on every test).
    test_convert.py tests the pool itself, with its own pools, and is left alone."""
    if request.module.__name__.rpartition(".")[2] == "test_convert":
        yield
        return
    mp = pytest.MonkeyPatch()
    _lana_poolen(mp, delad_pool)
    yield
    mp.undo()


# --- one build of the example meeting for the test files that only read it ---------------------


@pytest.fixture(scope="session")
def exempelhandling(tmp_path_factory, delad_pool):
    """The example meeting (sammantrade-2023-09-19) built once with the example profile, by
    assemble.build_handling, with a PDF cache of its own. The tests that use it only read the
    result; under pytest-xdist they are one unit of work (arbetsenhet), so it is built once."""
    from rapportgen.assemble import build_handling
    from rapportgen.config import load_profile

    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("exempel-cache")))
        _lana_poolen(mp, delad_pool)
        return build_handling(EXAMPLES / "sammantrade-2023-09-19" / "sammantrade.yaml",
                              tmp_path_factory.mktemp("exempelhandling"), load_profile(EXAMPLES / "rapportgen.yaml"))
    finally:
        mp.undo()


# --- pytest-xdist: the units of work, and which start first -------------------------------------

# A unit of work goes to one worker as a whole, so the module fixtures it uses are made once. A unit
# is a test file, except that:
# - the files that read the one build of the example package (the session fixture exempelhandling)
#   are one unit, so it is built once (for test_rapporter.py only its test that reads it);
# - a long file whose tests need no common fixture is cut into parts (test-name prefix -> part), so
#   that it does not keep one worker busy after the others are done.
SAMMA_ARBETARE = {"tests/test_handling_example.py": "exempelhandling", "tests/test_taggat.py": "exempelhandling"}
DELAR = {
    # The `pool` fixture's tests stay in the file's own unit, test_zz_no_soffice_process_remains last.
    "tests/test_convert.py": {"test_ctrl_c": "avbrott", "test_killed_owner": "avbrott",
                              "test_hung_instance": "omstart", "test_killed_instance": "omstart",
                              "test_two_remote": "tjanst", "test_server_kor": "tjanst",
                              "test_background_pool": "tjanst", "test_idle_timeout": "tjanst"},
    "tests/test_handling_example.py": {"test_publication_variant": "publicering"},
    "tests/test_rapporter.py": {"test_delarsrapport_is_a_bilaga_of_the_sammantrade": "exempelhandling"},
}
GEMENSAMMA = {"exempelhandling"}  # parts named so join that unit of several files


def arbetsenhet(nodeid: str) -> str:
    """The unit of work of a test (under `--dist loadfile`, as make test runs)."""
    fil, _, namn = nodeid.partition("::")
    for prefix, del_ in DELAR.get(fil, {}).items():
        if namn.startswith(prefix):
            return del_ if del_ in GEMENSAMMA else f"{fil}::{del_}"
    return SAMMA_ARBETARE.get(fil, fil)


# The slowest units (by their wall time in a full run under load) start first, so that no worker
# is left with a long unit at the end while the others are idle. Only the order changes; every
# test still runs.
TUNGA = ["exempelhandling", "tests/test_mallar.py", "tests/test_servrar.py", "tests/web/test_webb_webblasare.py",
         "tests/test_sakerhet_granser.py", "tests/test_paket.py", "tests/test_sakerhet_stadning.py",
         "tests/test_convert.py::avbrott", "tests/test_inkrementell.py", "tests/test_convert.py::tjanst",
         "tests/test_handling_checks.py", "tests/test_varm_process.py", "tests/test_rapporter.py",
         "tests/test_sakerhet_batch.py", "tests/test_convert.py::omstart", "tests/test_protokoll.py",
         "tests/test_render_fart.py", "tests/test_kontrollera_lat_import.py", "tests/test_konventioner.py",
         "tests/test_profil2.py", "tests/test_init.py", "tests/test_convert.py", "tests/test_forvarm.py",
         "tests/test_lascache.py", "tests/test_revision.py", "tests/test_batch.py",
         "tests/test_handling_example.py::publicering"]


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` (make test): units of work as arbetsenhet() says, TUNGA first."""
    if config.getvalue("dist") != "loadfile":
        return None
    config.option.loadscopereorder = False  # TUNGA decides the order, not the number of tests
    from xdist.scheduler import LoadFileScheduling

    class Schemalaggning(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return arbetsenhet(nodeid)

        def _assign_work_unit(self, node) -> None:
            # Before the first unit is handed out: the units in TUNGA to the front of the queue
            # (a stable sort; the queue holds node ids, the workers' collections are untouched).
            if not getattr(self, "_ordnad", False):
                self._ordnad = True
                order = {name: i for i, name in enumerate(TUNGA)}
                units = sorted(self.workqueue.items(), key=lambda unit: order.get(unit[0], len(TUNGA)))
                self.workqueue.clear()
                self.workqueue.update(units)
            super()._assign_work_unit(node)

    return Schemalaggning(config, log)
