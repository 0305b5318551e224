"""Issue 13: the conversion service and the local pool are safe on a shared server.

Real LibreOffice, real sockets: `rapportgen server kor` in a subprocess, and
a pool probed by another local user (nobody, through setpriv).
"""

from __future__ import annotations

import http.client
import io
import os
import shutil
import subprocess
import sys
import textwrap
import xmlrpc.client
from pathlib import Path

import pytest
from docx import Document

from rapportgen.convert import Pool, convert_many
from rapportgen.convert import server as srv
from rapportgen.convert._unoserve import socket_inodes

from .conftest import descendants, pdf_text

TOKEN = "h2-test-token-0123456789abcdef"


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("sak")
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(base / "cache"))
    monkeypatch.setenv("RAPPORTGEN_SERVER_DIR", str(base / "server"))
    monkeypatch.delenv("RAPPORTGEN_SERVER_TOKEN", raising=False)


def docx_bytes(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _request(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _listening_tcp(pids: set[int]) -> list[str]:
    """TCP sockets in LISTEN state held by these processes, as 'addr:port' (hex, as in /proc)."""
    inodes = socket_inodes(pids)
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if parts[3] == "0A" and parts[9] in inodes:
                found.append(parts[1])
    return found



@pytest.fixture(scope="module")
def kor(tmp_path_factory):
    """`rapportgen server kor` with a token from the environment, on a free port."""
    work = tmp_path_factory.mktemp("kor")
    port = srv.free_port()
    env = {**os.environ, "RAPPORTGEN_SERVER_TOKEN": TOKEN, "XDG_CACHE_HOME": str(work / "cache")}
    proc = subprocess.Popen([sys.executable, "-c", "from rapportgen.cli import main; main()", "server", "kor",
                             "--port", str(port)], cwd=work, env=env, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    assert "tar emot anrop på http://127.0.0.1:" in line, line
    yield port, proc
    proc.terminate()
    proc.wait(60)


def test_server_kor_refuses_without_token(kor):
    port, _proc = kor
    assert _request(port, "GET", "/halsa")[0] == 401
    assert _request(port, "GET", "/halsa", headers={"Authorization": "Bearer fel-token-fel-token-fel"})[0] == 401
    status, _ = _request(port, "POST", "/konvertera", docx_bytes("x"), {"X-Rapportgen-Typ": "docx"})
    assert status == 401
    assert _request(port, "GET", "/halsa", headers={"Authorization": f"Bearer {TOKEN}"}) == (200, b"ok\n")


def test_server_kor_cannot_read_or_write_server_paths(kor, tmp_path):
    port, _proc = kor
    secret = tmp_path / "hemlig.txt"
    secret.write_text("HEMLIGT-INNEHALL-4711")
    secret.chmod(0o600)
    target = tmp_path / "skriven.txt"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    # unoserver's path-taking call, with and without the token: no such method here.
    for path in ("/", "/RPC2"):
        for source in ("/etc/hostname", str(secret)):
            body = xmlrpc.client.dumps((source, None, str(target), "txt"), "convert", allow_none=True).encode()
            for headers in ({}, auth):
                status, answer = _request(port, "POST", path, body, {**headers, "Content-Type": "text/xml"})
                assert status in (401, 404)
                assert b"HEMLIGT" not in answer
                assert Path("/etc/hostname").read_bytes().strip() not in answer
    assert not target.exists()
    # A document whose content is a path is just text: the answer shows the path, not the file.
    status, answer = _request(port, "POST", "/konvertera", str(secret).encode(),
                              {**auth, "X-Rapportgen-Typ": "docx"})
    assert status in (200, 422)
    if status == 200:
        (tmp_path / "svar.pdf").write_bytes(answer)
        text = pdf_text(tmp_path / "svar.pdf")
        assert "hemlig.txt" in text and "HEMLIGT" not in text
    else:
        assert b"HEMLIGT" not in answer
    # The type header cannot smuggle a path either.
    status, _ = _request(port, "POST", "/konvertera", b"x", {**auth, "X-Rapportgen-Typ": f"../{target}"})
    assert status == 415
    assert not target.exists()


def test_server_kor_listens_on_loopback_only_and_converts_content(kor):
    port, proc = kor
    listening = _listening_tcp(descendants(proc.pid))
    assert listening == [f"0100007F:{port:04X}"]  # 127.0.0.1, and no other port (no UNO, no XML-RPC)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status, pdf = _request(port, "POST", "/konvertera", docx_bytes("Innehåll från klienten"),
                           {**auth, "X-Rapportgen-Typ": "docx"})
    assert status == 200 and pdf.startswith(b"%PDF-")


def test_pool_client_sends_token(kor, tmp_path):
    port, _proc = kor
    src = tmp_path / "bilaga.docx"
    src.write_bytes(docx_bytes("Skickad till servern med token"))
    with Pool(servrar=[f"127.0.0.1:{port}"], bara_fjarr=True, token=TOKEN) as p:
        (pdf,) = convert_many([src], tmp_path / "ut", pool=p)
        assert p.stat.per_endpoint == {f"127.0.0.1:{port}": 1}
    assert "Skickad till servern med token" in pdf_text(pdf)
    from rapportgen.convert import ConversionErrors

    src.write_bytes(docx_bytes("Utan token"))  # not in the cache
    with Pool(servrar=[f"127.0.0.1:{port}"], bara_fjarr=True, token=None) as p:
        with pytest.raises(ConversionErrors) as info:
            convert_many([src], tmp_path / "ut2", pool=p)
    assert "nekade (fel eller saknad token)" in str(info.value)


def test_server_kor_without_token_does_not_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "RAPPORTGEN_SERVER_TOKEN"}
    res = subprocess.run([sys.executable, "-c", "from rapportgen.cli import main; main()", "server", "kor",
                          "--port", str(srv.free_port())], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 2
    assert "RAPPORTGEN_SERVER_TOKEN" in res.stderr and "Traceback" not in res.stderr


NOBODY_PROBE = textwrap.dedent("""
    import http.client, os, socket, sys, xmlrpc.client
    rpc, secret, folder = sys.argv[1], sys.argv[2], sys.argv[3]
    pipes = sys.argv[4:]
    refused = []

    class Conn(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.connect(rpc)

    class T(xmlrpc.client.Transport):
        def make_connection(self, host):
            return Conn("localhost")

    try:
        xmlrpc.client.ServerProxy("http://localhost/", transport=T()).convert(
            secret, os.path.join(folder, "stulen.pdf"), [], True)
        print("XMLRPC-OK")
    except PermissionError:
        refused.append("xmlrpc")
    for p in pipes:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(p)
            print("PIPE-OK", p)
        except PermissionError:
            refused.append(p)
        finally:
            s.close()
    print("REFUSED", len(refused))
""")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_other_local_user_cannot_use_the_pool(tmp_path):
    secret_dir = tmp_path / "rotens"
    secret_dir.mkdir(mode=0o700)
    secret = secret_dir / "hemlig.docx"
    secret.write_bytes(docx_bytes("Bara root får läsa detta"))
    secret.chmod(0o600)
    os.chmod(tmp_path, 0o755)
    with Pool(arbetare=1) as p:
        ep = p.endpoints[0]
        ep.ensure()
        inst = ep.inst
        pipes = [line for line in (inst.folder / ".uttag").read_text().splitlines() if os.path.exists(line)]
        assert pipes  # LibreOffice's UNO pipe (and its single-instance pipe) exist
        assert _listening_tcp(descendants(inst.pgid)) == []  # no TCP port at all
        probe = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
             NOBODY_PROBE, str(inst.socket), str(secret), str(secret_dir), *pipes],
            capture_output=True, text=True, timeout=60)
        assert "XMLRPC-OK" not in probe.stdout and "PIPE-OK" not in probe.stdout, probe.stdout
        assert f"REFUSED {len(pipes) + 1}" in probe.stdout, probe.stdout + probe.stderr
        assert list(secret_dir.iterdir()) == [secret]
        # The owner still converts through the same instance.
        (pdf,) = convert_many([secret], tmp_path / "ut", pool=p)
        assert "Bara root får läsa detta" in pdf_text(pdf)
