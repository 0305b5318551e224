"""Issue 13: a bilaga cannot make LibreOffice fetch anything (SSRF).

A listener on 127.0.0.1 stands in for an internal service; the documents
link to it as an external image, a linked picture in VML and fetching fields.
"""

from __future__ import annotations

import io
import re
import socket
import struct
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document

from rapportgen.convert import Pool, convert_many, session
from rapportgen.convert.prepare import Externt, prepare
from rapportgen.config import Konvertering

from .conftest import pdf_text

def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


PNG = _png()
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Listener:
    """Accepts TCP connections on 127.0.0.1 and records what arrives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(4096) or b"<connect>")
                except OSError:
                    self.received.append(b"<connect>")

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


def hostile_docx(path: Path, port: int) -> Path:
    """A Word file that links an external image (VML), and INCLUDEPICTURE/INCLUDETEXT fields."""
    doc = Document()
    doc.add_paragraph("Synlig text före länkarna.")
    doc.add_picture(io.BytesIO(PNG))  # its blip is pointed at the external target below
    doc.add_paragraph("Synlig text efter länkarna.")
    doc.save(path)
    url = f"http://127.0.0.1:{port}"
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    rels = rels.replace("</Relationships>",
                        f'<Relationship Id="rIdExt1" Type="{R}/image" Target="{url}/bild.png" '
                        'TargetMode="External"/>'
                        f'<Relationship Id="rIdExt2" Type="{R}/hyperlink" Target="https://example.org/" '
                        'TargetMode="External"/></Relationships>')
    parts["word/_rels/document.xml.rels"] = rels.encode()
    body = parts["word/document.xml"].decode()
    body = re.sub(r'r:embed="rId\d+"', 'r:link="rIdExt1"', body)
    extra = (
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:50pt;height:50pt">'
        f'<v:imagedata xmlns:r="{R}" r:id="rIdExt1"/></v:shape></w:pict></w:r></w:p>'
        f'<w:p><w:fldSimple w:instr=\' INCLUDEPICTURE "{url}/falt.png" \\d \'><w:r><w:t>[bild]</w:t></w:r>'
        '</w:fldSimple></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> INCLUDETEXT "{url}/text.docx" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Sparat resultat</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    body = body.replace("<w:sectPr", extra + "<w:sectPr", 1)
    parts["word/document.xml"] = body.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def test_prepare_removes_everything_that_fetches(tmp_path):
    src = hostile_docx(tmp_path / "bilaga.docx", 9)
    found = Externt()
    out = prepare(src, tmp_path / "kopia.docx", "Titel", found)
    with zipfile.ZipFile(out) as zf:
        rels = zf.read("word/_rels/document.xml.rels").decode()
        body = zf.read("word/document.xml").decode()
    assert "127.0.0.1:9" not in rels and "127.0.0.1:9" not in body and "rIdExt1" not in body
    assert "https://example.org/" in rels  # plain hyperlinks stay
    assert "INCLUDEPICTURE" not in body and "INCLUDETEXT" not in body
    assert "Sparat resultat" in body and "[bild]" in body  # the shown results stay as text
    assert found.mal == ["http://127.0.0.1:9/bild.png"]
    assert sorted(found.falt) == ["INCLUDEPICTURE", "INCLUDETEXT"]
    assert src.read_bytes() != out.read_bytes()


def test_external_links_are_not_fetched_and_warned(tmp_path, listener, monkeypatch, capsys):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    src = hostile_docx(tmp_path / "extern-bilaga.docx", listener.port)
    with session(Konvertering(cache=False), arbetare=1) as s:
        (pdf,) = convert_many([src], tmp_path / "ut")
        varningar = list(s.varningar)
    text = pdf_text(pdf)
    assert "Synlig text efter länkarna." in text and "Sparat resultat" in text
    assert listener.received == []
    assert [f for f, _t in varningar] == [src]
    assert "externa länkar" in varningar[0][1] and "INCLUDEPICTURE" in varningar[0][1]
    assert f"Varning: {src}:" in capsys.readouterr().err
