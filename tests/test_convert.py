"""The conversion engine against real LibreOffice: pool, restart and retry, errors, cache, PDF/A.

No timing assertions: what is checked is that the PDFs are right and complete.
"""

from __future__ import annotations

import functools
import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
from docx import Document
from openpyxl import Workbook
from pypdf import PdfReader

from rapportgen.convert import Alternativ, ConversionErrors, Pool, convert_many, session
from rapportgen.convert import bakgrund, server as srv
from rapportgen.convert.cache import Cache
from rapportgen.config import Konvertering

from .conftest import TESTKORNING, pdf_text, squash

PROFILE_MARK = "rapportgen-lo-"
TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch):
    """Own cache and background-server folders, so nothing from other runs is reused."""
    base = tmp_path_factory.mktemp("konv")
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(base / "cache"))
    monkeypatch.setenv("RAPPORTGEN_SERVER_DIR", str(base / "server"))


@pytest.fixture(scope="module")
def pool():
    with Pool(arbetare=2, tidsgrans=60) as p:
        yield p


_RUBRIK = "RUBRIKPLATS"


@functools.cache
def _docx_delar(rader: int) -> tuple[tuple[str, bytes], ...]:
    """The parts of one document made by python-docx, its heading a placeholder. python-docx takes
    tens of milliseconds per document; the ctrl-c tests need hundreds."""
    doc = Document()
    doc.add_heading(_RUBRIK, level=1)
    for i in range(rader):
        doc.add_paragraph(f"{_RUBRIK}: stycke {i + 1} om åäö och 1 234 567 kr.")
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as z:
        return tuple((n, z.read(n)) for n in z.namelist())


def make_docx(path: Path, rubrik: str, rader: int = 3) -> Path:
    """A Word document: heading rubrik, then rader paragraphs that name it (written anew each time,
    with the current time in the ZIP entries)."""
    text = xml_escape(rubrik).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in _docx_delar(rader):
            z.writestr(name, data.replace(_RUBRIK.encode(), text) if name == "word/document.xml" else data)
    return path


def make_docs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [make_docx(folder / f"dok-{i:02d}.docx", f"Dokument nummer {i}") for i in range(n)]


MARK = f"RAPPORTGEN_TESTKORNING={TESTKORNING}".encode()


def ours(mark: str | None = None) -> list[tuple[int, str]]:
    """Live (not zombie) processes this test run started through the engine: wrappers and soffice
    with our profiles. Other runs on the machine (other checkouts' tests) have another mark.
    With mark, only those whose command line contains it (a test's own TMPDIR)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            # The command line first: most processes on the machine are not the engine's, and
            # reading only it for those keeps the polling loops below cheap.
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not (PROFILE_MARK in cmd or "_unoserve.py" in cmd or "rapportgen.convert.bakgrund" in cmd):
                continue
            if mark is not None and mark not in cmd:
                continue
            if MARK not in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                continue
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2:].split()[0] != "Z":
            found.append((int(entry), cmd[:120]))
    return found


def wait_for_phase(fas: str, before: set[int], tmp: Path) -> None:
    """Wait for the moment to interrupt: LibreOffice starting ('start': an instance process exists),
    or converting ('konvertering': a first PDF has been written in the child's temp folder).
    The deadline only stops a hung test; the phase, not a timer, decides when to interrupt."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if fas == "start" and [p for p, _c in ours() if p not in before]:
            return
        if fas == "konvertering" and _pdf_written(tmp):
            return
        time.sleep(0.02)
    raise AssertionError(f"fasen '{fas}' nåddes aldrig")


def _pdf_written(tmp: Path) -> bool:
    try:
        return any(tmp.glob("rapportgen-konv-*/*/*.pdf"))
    except FileNotFoundError:  # a job folder went away while the glob listed it: look again
        return False


def wait_until_none_left(timeout: float = 15.0) -> list[tuple[int, str]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = ours()
        if not left:
            return []
        time.sleep(0.2)
    return ours()


def test_parallel_conversion_gives_correct_pdfs(tmp_path, pool):
    docs = make_docs(tmp_path / "in", 8)
    # Both instances up first: one that started sooner could otherwise convert all eight (each
    # takes well under a second) before the other answers.
    for ep in pool.endpoints:
        ep.ensure()
    pdfs = convert_many(docs, tmp_path / "ut", pool=pool)
    assert [p.name for p in pdfs] == [f"dok-{i:02d}.pdf" for i in range(8)]
    for i, pdf in enumerate(pdfs):
        text = squash(pdf_text(pdf))
        assert f"Dokument nummer {i}: stycke 3 om åäö och 1 234 567 kr." in text
        assert f"Dokument nummer {i + 1}" not in text
    # Both instances took part.
    assert len([n for n, c in pool.stat.per_endpoint.items() if c > 0]) == 2


def test_title_and_language_in_pdf_metadata(tmp_path, pool):
    doc = make_docx(tmp_path / "yttrande.docx", "Yttrande")
    pdf = convert_many([doc], tmp_path, pool=pool, titlar={doc: "Yttrande över motion"})[0]
    reader = PdfReader(pdf)
    assert reader.metadata.title == "Yttrande över motion"
    assert reader.trailer["/Root"]["/Lang"] == "sv-SE"
    assert reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked")  # tagged PDF


def test_killed_instance_mid_batch_still_completes(tmp_path):
    # The kill comes as the first document is done: ten are still queued, so the killed instance
    # is given another whatever the load, and its failure must be recovered from. One instance:
    # no other can take its work, so the pool must restart it.
    docs = make_docs(tmp_path / "in", 12)
    with Pool(arbetare=1, tidsgrans=60) as p:
        killed: list[int] = []

        def kill_after_first(done: int, _total: int, _name: str) -> None:
            # Called by the pool as a document finishes: the kill lands mid-batch, whatever the load.
            if done == 1:
                victim = p.local_instances[0]
                for pid in victim.soffice_pids():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

        pdfs = convert_many(docs, tmp_path / "ut", pool=p, progress=kill_after_first)
        assert killed
        assert p.stat.omstarter >= 1
    for i, pdf in enumerate(pdfs):
        assert f"Dokument nummer {i}: stycke 1" in squash(pdf_text(pdf))


def test_hung_instance_is_killed_and_document_retried(tmp_path):
    docs = make_docs(tmp_path / "in", 4)
    # The time limit only has to exceed one conversion of a small document on a started instance
    # (the instance's start is not counted): well under a second on an idle machine.
    with Pool(arbetare=1, tidsgrans=5) as p:
        p.run([])  # nothing to do: nothing is started
        assert p.local_instances[0].proc is None
        first = convert_many(docs[:1], tmp_path / "ut", pool=p)
        for pid in p.local_instances[0].soffice_pids():
            os.kill(pid, signal.SIGSTOP)  # hangs LibreOffice
        pdfs = convert_many(docs[1:], tmp_path / "ut", pool=p)
        assert p.stat.omstarter >= 1
    for pdf in first + pdfs:
        assert "Dokument nummer" in pdf_text(pdf)


def test_corrupt_docx_clear_error_others_complete(tmp_path, pool):
    docs = make_docs(tmp_path / "in", 4)
    broken = tmp_path / "in" / "trasig.docx"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("[Content_Types].xml", "<inte xml")
        zf.writestr("word/document.xml", "skräp")
    junk = tmp_path / "in" / "skrap.docx"
    junk.write_bytes(b"\x00\x01 detta ar inte ett dokument" * 50)
    sources = [docs[0], broken, docs[1], junk, docs[2], docs[3]]
    with pytest.raises(ConversionErrors) as info:
        convert_many(sources, tmp_path / "ut", pool=pool)
    err = info.value
    assert [f.name for f, _m in err.fel] == ["trasig.docx", "skrap.docx"]
    message = err.format_message()
    assert "trasig.docx" in message and "skrap.docx" in message
    assert "kunde inte konverteras" in message
    for i in range(4):
        assert f"Dokument nummer {i}" in pdf_text(tmp_path / "ut" / f"dok-{i:02d}.pdf")
    assert not (tmp_path / "ut" / "trasig.pdf").exists()


def test_second_build_hits_cache_and_rebuild_converts_only_the_change(tmp_path, pool):
    docs = make_docs(tmp_path / "in", 5)
    with session(pool=pool) as s:
        s.cache = Cache(tmp_path / "cache")
        before = pool.stat.konverterade
        convert_many(docs, tmp_path / "ut1")
        assert pool.stat.konverterade - before == 5
        assert s.cache.missar == 5 and s.cache.traffar == 0
        # Same content again, even rewritten (new ZIP timestamps): all from the cache.
        make_docx(docs[1], "Dokument nummer 1")
        pdfs = convert_many(docs, tmp_path / "ut2")
        assert pool.stat.konverterade - before == 5
        assert s.cache.traffar == 5
        assert "Dokument nummer 1: stycke 2" in pdf_text(pdfs[1])
        # One document changed: only it is converted.
        make_docx(docs[3], "Ändrat dokument")
        pdfs = convert_many(docs, tmp_path / "ut3")
        assert pool.stat.konverterade - before == 6
        assert "Ändrat dokument" in pdf_text(pdfs[3])
        # Other options: converted again.
        convert_many(docs[:1], tmp_path / "ut4", alternativ=Alternativ(pdfa=False))
        assert pool.stat.konverterade - before == 7


def test_pdfa_declares_pdfa2b_and_embeds_all_fonts(tmp_path, pool):
    doc = make_docx(tmp_path / "arkiv.docx", "Arkivexemplar")
    pdf = convert_many([doc], tmp_path, pool=pool, alternativ=Alternativ(pdfa=True))[0]
    xmp = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split()[-5] == "yes", row  # the 'emb' column
    plain = convert_many([doc], tmp_path / "vanlig", pool=pool, alternativ=Alternativ(pdfa=False))[0]
    meta = PdfReader(plain).trailer["/Root"].get("/Metadata")
    assert meta is None or "pdfaid" not in meta.get_object().get_data().decode()


def _sheet(path: Path, columns: int) -> Path:
    wb = Workbook()
    ws = wb.active
    for c in range(columns):
        ws.cell(row=1, column=c + 1, value=f"Kolumn {c + 1}")
        ws.cell(row=2, column=c + 1, value=(c + 1) * 1000)
    wb.save(path)
    return path


def test_xlsx_fit_to_width_landscape_when_wide(tmp_path, pool):
    wide = _sheet(tmp_path / "bred.xlsx", 18)
    narrow = _sheet(tmp_path / "smal.xlsx", 3)
    before = wide.read_bytes()
    pdf_wide, pdf_narrow = convert_many([wide, narrow], tmp_path / "ut", pool=pool)
    assert wide.read_bytes() == before  # the input is never modified
    page = PdfReader(pdf_wide).pages
    assert len(page) == 1  # all 18 columns across one page
    box = page[0].mediabox
    assert box.width > box.height
    text = squash(pdf_text(pdf_wide))
    assert "Kolumn 1 " in text and "Kolumn 18" in text
    box = PdfReader(pdf_narrow).pages[0].mediabox
    assert box.width < box.height


def test_xlsx_numbers_in_swedish_format(tmp_path, pool):
    """LibreOffice runs with the sv_SE locale: grouping with spaces, decimal comma."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Verksamhet", "Utfall", "Andel"])
    ws.append(["Ledning och stöd", -18_412_000, 0.745])
    ws["B2"].number_format = "#,##0"
    ws["C2"].number_format = "0.0"
    for col in "ABC":
        ws.column_dimensions[col].width = 24
    wb.save(tmp_path / "tal.xlsx")
    (pdf,) = convert_many([tmp_path / "tal.xlsx"], tmp_path / "ut", pool=pool)
    text = squash(pdf_text(pdf).replace("\u202f", " "))
    assert "-18 412 000" in text and "0,7" in text
    assert "18,412,000" not in text


def test_two_remote_servers_share_the_work(tmp_path, monkeypatch):
    from rapportgen.convert.tjanst import Tjanst

    monkeypatch.setenv("RAPPORTGEN_SERVER_TOKEN", TOKEN)
    servers = [Tjanst("127.0.0.1", srv.free_port(), TOKEN) for _ in range(2)]
    try:
        for s in servers:
            s.start_instances()
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        names = [f"127.0.0.1:{s.server_address[1]}" for s in servers]
        settings = Konvertering(servrar=names, bara_fjarr=True)
        docs = make_docs(tmp_path / "in", 6)
        with session(settings) as sess:
            pdfs = convert_many(docs, tmp_path / "ut")
            used = sess.pool.stat.per_endpoint
            assert not sess.pool.local_instances
        assert sorted(used) == sorted(names)
        for i, pdf in enumerate(pdfs):
            assert f"Dokument nummer {i}" in pdf_text(pdf)
        # Without bara_fjärr the servers join the local pool.
        with Pool(arbetare=1, servrar=settings.servrar) as joined:
            names_joined = [ep.name for ep in joined.endpoints]
        assert sorted(names_joined) == sorted(names + ["lokal-0"])
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()


def test_remote_server_down_gives_clear_error(tmp_path):
    settings = Konvertering(servrar=[f"127.0.0.1:{srv.free_port()}"], bara_fjarr=True, cache=False)
    docs = make_docs(tmp_path / "in", 2)
    with pytest.raises(ConversionErrors) as info:
        with session(settings):
            convert_many(docs, tmp_path / "ut")
    assert [f.name for f, _m in info.value.fel] == ["dok-00.docx", "dok-01.docx"]
    assert all(f"servern {settings.servrar[0]} svarar inte" in m for _f, m in info.value.fel)


def test_background_pool_outlives_command_and_stops(tmp_path, runner):
    from rapportgen.cli import cli

    result = runner.invoke(cli, ["server", "start", "--arbetare", "1", "--vila", "300"])
    assert result.exit_code == 0, result.output
    try:
        assert "Servern startad" in result.output
        st = bakgrund.status()
        docs = make_docs(tmp_path / "in", 3)
        with session(Konvertering()) as s:
            convert_many(docs, tmp_path / "ut")
            assert not s.pool.local_instances  # the background instance did the work
            assert list(s.pool.stat.per_endpoint) == ["bakgrund-0"]
        assert "Dokument nummer 2" in pdf_text(tmp_path / "ut" / "dok-02.pdf")
        status = runner.invoke(cli, ["server", "status"])
        assert "svarar" in status.output
    finally:
        stop = runner.invoke(cli, ["server", "stop"])
    assert "Servern stoppad" in stop.output
    assert bakgrund.status() is None


def test_idle_timeout_stops_background_pool(tmp_path):
    docs = make_docs(tmp_path / "in", 1)
    with session(Konvertering(vila=0.3, arbetare=1)):
        convert_many(docs, tmp_path / "ut")
        assert bakgrund.status() is not None  # started by the build, outlives it
    deadline = time.monotonic() + 30
    while bakgrund.status() is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert bakgrund.status() is None


def test_cli_arbetare_option(tmp_path, runner, profil_file):
    from rapportgen.cli import cli

    from .conftest import EXAMPLES

    src = EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md"
    result = runner.invoke(cli, ["tjansteskrivelse", str(src), "-o", str(tmp_path), "--arbetare", "1",
                                 "--profil", str(profil_file)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "05-familjehemsorganisation.pdf"
    reader = PdfReader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "sv-SE"
    assert "Familjehem" in reader.metadata.title or "familjehem" in reader.metadata.title
    bad = runner.invoke(cli, ["tjansteskrivelse", str(src), "-o", str(tmp_path), "--arbetare", "0"])
    assert bad.exit_code == 2


@pytest.mark.parametrize("fas", ["start", "konvertering"], ids=["under-start", "under-konvertering"])
def test_ctrl_c_leaves_no_soffice(tmp_path, kort_tmp, fas):
    make_docs(tmp_path / "in", 200)
    before = {pid for pid, _cmd in ours()}
    tmp = kort_tmp
    mark = str(tmp)  # this test's instances live here
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from rapportgen.convert import convert_many
        docs = sorted(Path({str(tmp_path / 'in')!r}).glob('*.docx'))
        print('start', flush=True)
        convert_many(docs, Path({str(tmp_path / 'ut')!r}), arbetare=2)
        print('klar', flush=True)
    """)
    env = {**os.environ, "RAPPORTGEN_CACHE": str(tmp_path / "cache"), "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    # Interrupt while LibreOffice starts, or once it converts (PDFs are placed only when the batch ends).
    wait_for_phase(fas, before, tmp)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert "klar" not in out
    assert "KeyboardInterrupt" in err
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and [p for p, _c in ours(mark) if p not in before]:
        time.sleep(0.2)
    assert [p for p, _c in ours(mark) if p not in before] == []


def test_ctrl_c_in_the_cli_exits_130(tmp_path, kort_tmp):
    """The console command says 'Avbrutet.' and ends with the shell's interrupt code."""
    from .conftest import EXAMPLES

    src = (EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md").read_text(encoding="utf-8")
    # All are rendered before the first is converted: enough that conversions are still queued
    # when the first PDF is written and the interrupt comes.
    for i in range(10):
        (tmp_path / f"d{i:02d}.md").write_text(src, encoding="utf-8")
    tmp = kort_tmp
    before = {pid for pid, _cmd in ours(str(tmp))}
    env = {**os.environ, "RAPPORTGEN_CACHE": str(tmp_path / "cache"), "TMPDIR": str(tmp)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from rapportgen.cli import main; main()", "tjansteskrivelse",
         *sorted(map(str, tmp_path.glob("d*.md"))), "-o", str(tmp_path / "ut"), "--profil",
         str(EXAMPLES / "rapportgen.yaml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    wait_for_phase("konvertering", before, tmp)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Avbrutet." in err and "Traceback" not in err
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (list(tmp.glob(PROFILE_MARK + "*")) or
                                           [p for p, _c in ours(str(tmp)) if p not in before]):
        time.sleep(0.2)
    assert list(tmp.glob(PROFILE_MARK + "*")) == []  # no LibreOffice profile left behind
    assert [p for p, _c in ours(str(tmp)) if p not in before] == []


@pytest.mark.parametrize("fas", ["start", "konvertering"], ids=["under-start", "under-konvertering"])
def test_killed_owner_leaves_no_soffice(tmp_path, kort_tmp, fas):
    """SIGKILL gives the owner no chance to clean up: the instances notice and take LibreOffice down."""
    make_docs(tmp_path / "in", 200)
    tmp = kort_tmp  # the child's temp folder: what a SIGKILL leaves of its own stays here
    mark = str(tmp)  # its instances live here: other rapportgen runs on the machine do not count
    before = {pid for pid, _cmd in ours(mark)}
    # One instance: each instance watches its owner on its own, so a second adds a start, not a case.
    script = textwrap.dedent(f"""
        from pathlib import Path
        from rapportgen.convert import convert_many
        docs = sorted(Path({str(tmp_path / 'in')!r}).glob('*.docx'))
        convert_many(docs, Path({str(tmp_path / 'ut')!r}), arbetare=1)
    """)
    env = {**os.environ, "RAPPORTGEN_CACHE": str(tmp_path / "cache"), "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env)
    wait_for_phase(fas, before, tmp)
    proc.kill()
    proc.wait(30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and [p for p, _c in ours(mark) if p not in before]:
        time.sleep(0.2)
    assert [p for p, _c in ours(mark) if p not in before] == []
    assert list(tmp.glob(PROFILE_MARK + "*")) == []  # the instances removed their profiles


def test_server_kor_serves_other_machines_xlsx_included(tmp_path):
    """`rapportgen server kor` in the foreground, used as a remote server; Ctrl-C stops it."""
    port = srv.free_port()
    before = {pid for pid, _cmd in ours()}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("rapportgen")), "server", "kor", "--lyssna", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "RAPPORTGEN_SERVER_TOKEN": TOKEN})
    try:
        assert "tar emot anrop" in proc.stderr.readline()
        docs = make_docs(tmp_path / "in", 2) + [_sheet(tmp_path / "in" / "bred.xlsx", 15)]
        with session(Konvertering(servrar=[f"127.0.0.1:{port}"], bara_fjarr=True, token=TOKEN)) as s:
            pdfs = convert_many(docs, tmp_path / "ut")
            assert s.pool.stat.per_endpoint == {f"127.0.0.1:{port}": 3}
        assert "Kolumn 15" in pdf_text(pdfs[2])
        assert "Dokument nummer 1" in pdf_text(pdfs[1])
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and [p for p, _c in ours() if p not in before]:
        time.sleep(0.2)
    assert [p for p, _c in ours() if p not in before] == []



def test_profile_konvertering_block(tmp_path):
    from rapportgen.exceptions import InputError
    from rapportgen.config import load_profile

    good = tmp_path / "rapportgen.yaml"
    good.write_text("konvertering:\n  arbetare: 3\n  tidsgräns: 30\n  bara_fjärr: true\n"
                    "  servrar: [\"10.0.0.5:2003\"]\n  vila: 600\n", encoding="utf-8")
    k = load_profile(good).konvertering
    assert (k.arbetare, k.tidsgrans, k.bara_fjarr, k.servrar, k.vila) == (3, 30, True, ["10.0.0.5:2003"], 600)
    bad = tmp_path / "fel.yaml"
    bad.write_text("konvertering:\n  servrar:\n    - server-utan-port\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_profile(bad)
    assert "fel.yaml" in info.value.format_message()
    assert "värd:port" in info.value.format_message()

def test_zz_no_soffice_process_remains(pool):
    """Runs last in this file: once the shared pool is closed, every process of it is gone."""
    groups = {i.pgid for i in pool.local_instances if i.pgid}
    assert groups
    pool.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and [p for p, _c in srv.group_pids_any(groups)]:
        time.sleep(0.2)
    assert srv.group_pids_any(groups) == []
