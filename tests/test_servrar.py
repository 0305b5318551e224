"""Issue 19: several `rapportgen server kor` share one build, and one that dies is not missed.

Real processes: two conversion services with their own LibreOffice on free ports, a client
pool pointing at both. No mocks; the failover test kills a service (and its LibreOffice) from
the pool's own completion callback, so no timer decides when it dies.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from docx import Document

from rapportgen.convert import Pool, convert_many
from rapportgen.convert import natverk
from rapportgen.convert import server as srv
from rapportgen.convert.options import Alternativ
from rapportgen.convert.pool import Uppdrag

from .conftest import descendants, pdf_text

TOKEN = "h14-servrar-token-0123456789abcdef"


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("servrar")
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(base / "cache"))
    monkeypatch.setenv("RAPPORTGEN_SERVER_DIR", str(base / "server"))
    monkeypatch.delenv("RAPPORTGEN_SERVER_TOKEN", raising=False)


def _docx(path: Path, text: str) -> Path:
    doc = Document()
    for i in range(3):
        doc.add_paragraph(f"{text} stycke {i}")
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(buf.getvalue())
    return path



class Tjanst:
    """`rapportgen server kor --arbetare 1` on a free port, in its own folder."""

    def __init__(self, work: Path, *extra: str):
        work.mkdir(parents=True, exist_ok=True)
        self.port = srv.free_port()
        self.address = f"{'https://' if extra else ''}127.0.0.1:{self.port}"
        env = {**os.environ, "RAPPORTGEN_SERVER_TOKEN": TOKEN, "XDG_CACHE_HOME": str(work / "cache"),
               "RAPPORTGEN_SERVER_DIR": str(work / "server")}
        self.proc = subprocess.Popen([sys.executable, "-c", "from rapportgen.cli import main; main()", "server",
                                      "kor", "--port", str(self.port), "--arbetare", "1", *extra], cwd=work, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.line = self.proc.stderr.readline()
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # keep the pipe drained
        assert f"tar emot anrop på {'https' if extra else 'http'}://127.0.0.1:" in self.line, self.line

    def kill(self) -> None:
        """Die as a crashed machine would: the service and its LibreOffice, at once."""
        pids = descendants(self.proc.pid)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # Ctrl-C: it stops its LibreOffice too
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def tva(tmp_path):
    started: list[Tjanst] = []
    try:
        for name in ("a", "b"):
            started.append(Tjanst(tmp_path / f"tjanst-{name}"))
        yield started
    finally:
        for t in started:
            t.stop()


@pytest.fixture(scope="module")
def en(tmp_path_factory):
    """One service, for the tests that talk to one and leave it running (one start for them all)."""
    t = Tjanst(tmp_path_factory.mktemp("en") / "tjanst-a")
    try:
        yield t
    finally:
        t.stop()


def test_service_says_how_many_it_converts_at_once(en):
    a = en
    assert "(1 dokument åt gången)" in a.line
    assert natverk.halsa(a.address, TOKEN) == 1
    with Pool(servrar=[a.address], bara_fjarr=True, token=TOKEN) as p:
        (ep,) = p.endpoints
        ep.ensure()
        assert ep.plats == 2  # one converting, the next one on its way


def test_an_address_listed_again_is_one_more_endpoint(en, tmp_path):
    # A load balancer with several servers behind it is listed once per server.
    a = en
    sources = [_docx(tmp_path / f"lb{i}.docx", f"Bakom balanseraren {i}") for i in range(4)]
    with Pool(servrar=[a.address, a.address], bara_fjarr=True, token=TOKEN) as p:
        assert [ep.name for ep in p.endpoints] == [a.address, f"{a.address} #2"]
        pdfs = convert_many(sources, tmp_path / "ut", pool=p)
        assert sum(p.stat.per_endpoint.values()) == 4
    assert "Bakom balanseraren 3" in pdf_text(pdfs[3])


def test_documents_of_one_build_are_spread_over_both_servers(tva, tmp_path):
    a, b = tva
    sources = [_docx(tmp_path / f"dok{i}.docx", f"Dokument nummer {i}") for i in range(8)]
    with Pool(servrar=[a.address, b.address], bara_fjarr=True, token=TOKEN) as p:
        pdfs = convert_many(sources, tmp_path / "ut", pool=p)
        per = dict(p.stat.per_endpoint)
    assert sorted(per) == sorted([a.address, b.address])
    assert per[a.address] >= 1 and per[b.address] >= 1, per
    assert per[a.address] + per[b.address] == 8
    for i, pdf in enumerate(pdfs):
        assert f"Dokument nummer {i} stycke 2" in pdf_text(pdf)


def test_a_server_that_dies_mid_build_fails_over_to_the_other(tva, tmp_path):
    a, b = tva
    alt = Alternativ(pdfa=False, tagged=False)
    jobs = []
    for i in range(8):
        src = _docx(tmp_path / f"dok{i}.docx", f"Failover {i}")
        jobs.append(Uppdrag(kalla=src, utdata=tmp_path / f"dok{i}.pdf", filter_options=alt.filter_options(),
                            indata=src))
    killed: dict[str, int] = {}
    lock = threading.Lock()

    def klar(job: Uppdrag) -> None:
        # The first document the second server finishes: kill it (and its LibreOffice) there and then.
        with lock:
            if job.klar and job.endpoint == b.address and not killed:
                killed["b"] = sum(1 for j in jobs if j.klar and j.endpoint == b.address)
                b.kill()

    with Pool(servrar=[a.address, b.address], bara_fjarr=True, token=TOKEN) as p:
        p.run(jobs, klar=klar)
        per = dict(p.stat.per_endpoint)
        retired = {ep.name: ep.retired for ep in p.endpoints}
    assert killed, "the second server never finished a document"
    assert b.proc.returncode == -signal.SIGKILL
    assert [j.fel for j in jobs] == [None] * 8  # every document converted
    assert all(j.klar for j in jobs)
    assert per[b.address] == killed["b"]  # nothing more from the dead server
    assert per[a.address] == 8 - killed["b"]  # the rest on the living one
    assert retired[a.address] is False
    for i, job in enumerate(jobs):
        assert f"Failover {i} stycke 2" in pdf_text(job.utdata)



class _Trasig:
    """A server that says it converts four documents at once and then fails every one (503).

    Its health check answers, so the pool never retires it: each document it fails goes back in
    the queue, and must then go to the living server, not to another of this one's four threads.
    """

    def __init__(self):
        import http.server

        self.posts: list[str] = []
        owner = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header(natverk.ARBETARE_HEADER, "4")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.posts.append(self.headers.get("X-Rapportgen-Typ", "?"))
                body = b"tillfalligt fel"
                self.send_response(503)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.address = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_document_a_server_failed_is_retried_on_another_not_on_the_same(en, tmp_path):
    a, trasig = en, _Trasig()
    try:
        sources = [_docx(tmp_path / f"r{i}.docx", f"Omforsok {i}") for i in range(8)]
        with Pool(servrar=[trasig.address, a.address], bara_fjarr=True, token=TOKEN) as p:
            pdfs = convert_many(sources, tmp_path / "ut", pool=p)
            per = dict(p.stat.per_endpoint)
    finally:
        trasig.close()
    assert trasig.posts, "the broken server was never given a document"
    assert per == {a.address: 8}
    for i, pdf in enumerate(pdfs):
        assert f"Omforsok {i} stycke 2" in pdf_text(pdf)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM), made here: no network, no openssl binary."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rapportgen test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "server.pem", folder / "server-nyckel.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)
    return cert_file, key_file


def test_tls_server_streams_to_a_client_that_verifies_it(tmp_path):
    from rapportgen.convert import ConversionErrors

    cert, key = _self_signed(tmp_path)
    t = Tjanst(tmp_path / "tls", "--certifikat", str(cert), "--nyckel", str(key))
    try:
        # A document with an incompressible picture, so the body and the answer take several blocks.
        from PIL import Image

        brus = tmp_path / "brus.png"
        Image.frombytes("RGB", (500, 500), os.urandom(500 * 500 * 3)).save(brus)
        doc = Document()
        doc.add_picture(str(brus))
        for i in range(400):
            doc.add_paragraph(f"Rad {i} i ett längre dokument som skickas över TLS")
        src = tmp_path / "stor.docx"
        doc.save(src)
        with Pool(servrar=[t.address], bara_fjarr=True, token=TOKEN, ca_fil=str(cert)) as p:
            (pdf,) = convert_many([src], tmp_path / "ut", pool=p)
            assert p.stat.per_endpoint == {t.address: 1}
        assert src.stat().st_size > natverk.BLOCK and pdf.stat().st_size > natverk.BLOCK
        assert "Rad 399 i ett längre dokument" in pdf_text(pdf)
        src2 = _docx(tmp_path / "annan.docx", "Ej verifierad")
        with Pool(servrar=[t.address], bara_fjarr=True, token=TOKEN) as p:  # the system's CAs do not know it
            with pytest.raises(ConversionErrors) as info:
                convert_many([src2], tmp_path / "ut2", pool=p)
        assert "kunde inte verifieras" in str(info.value)
    finally:
        t.stop()
