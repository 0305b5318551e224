"""`rapportgen server kor`: the conversion service for other machines (protocol in natverk.py).

The service takes a document's *content* over HTTP(S) and answers with the
PDF's bytes. It never takes a path: the document is written into the
service's own private 0700 folder, converted there by local instances that
only this user can reach, and removed. Every request needs the token,
compared in constant time. The zip-container limits are checked and links
that would make LibreOffice fetch something are removed before conversion,
as for local conversions. Documents and PDFs are streamed between the socket and the
folder, never held whole in memory. With --arbetare N it converts N documents at the same
time (one LibreOffice each; by default one per core it may run on) and says so in /halsa, so
that clients send it that many at once.
"""

from __future__ import annotations

import contextlib
import hmac
import http.server
import itertools
import os
import queue
import shutil
import socket
import ssl
import threading
from pathlib import Path
from typing import Iterator

from ..exceptions import ConversionError, RapportgenError
from . import stadning
from .natverk import ARBETARE_HEADER, BLOCK, MAX_DOKUMENT, MIN_TOKEN, TOKEN_ENV, TYPER
from .options import Alternativ
from .pool import Pool, Uppdrag
from .prepare import prepare


class _Handler(http.server.BaseHTTPRequestHandler):
    server: "Tjanst"
    protocol_version = "HTTP/1.1"
    server_version = "rapportgen"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.logg:
            self.server.logg(f"{self.address_string()} {fmt % args}")

    def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _send_file(self, path: Path) -> None:
        with open(path, "rb") as fh:
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(os.fstat(fh.fileno()).st_size))
            self.send_header("Connection", "close")
            self.end_headers()
            shutil.copyfileobj(fh, self.wfile, BLOCK)
        self.close_connection = True

    def _text(self, status: int, text: str) -> None:
        self._send(status, (text + "\n").encode("utf-8"))

    def _authorized(self) -> bool:
        given = self.headers.get("Authorization", "")
        scheme, _, tok = given.partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(tok.strip().encode(), self.server.token.encode())
        if not ok:
            self._text(401, "token saknas eller är fel")
        return ok

    def do_GET(self):
        if not self._authorized():
            return
        if self.path == "/halsa":
            self._send(200, b"ok\n", extra={ARBETARE_HEADER: str(len(self.server._alla))})
        else:
            self._text(404, "finns inte")

    def do_POST(self):
        if not self._authorized():
            return
        if self.path != "/konvertera":
            self._text(404, "finns inte")
            return
        typ = self.headers.get("X-Rapportgen-Typ", "").strip().lower().lstrip(".")
        if typ not in TYPER:
            self._text(415, f"dokumenttypen '{typ}' tas inte emot; tillåtna: {', '.join(TYPER)}")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._text(411, "Content-Length saknas")
            return
        if length <= 0 or length > self.server.max_dokument:
            self._text(413, f"dokumentet är för stort (högst {self.server.max_dokument} byte)")
            return
        alt = _alternativ(self.headers.get("X-Rapportgen-Pdf", ""))
        with self.server.arbetsmapp() as work:
            src = work / f"dokument.{typ}"
            if not _ta_emot(self.rfile, src, length):
                self._text(400, "dokumentet kom inte fram helt")
                return
            status, svar = self.server.konvertera(src, alt)
            if isinstance(svar, Path):
                self._send_file(svar)
            else:
                self._text(status, svar)


def _ta_emot(rfile, target: Path, length: int) -> bool:
    """Copy exactly length bytes of the request body into target, block by block."""
    left = length
    with open(target, "wb") as out:
        while left:
            chunk = rfile.read(min(BLOCK, left))
            if not chunk:
                return False
            out.write(chunk)
            left -= len(chunk)
    return True


def _alternativ(text: str) -> Alternativ:
    fields = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    return Alternativ(pdfa=fields.get("pdfa", "1") != "0", tagged=fields.get("taggad", "1") != "0")


class Tjanst(http.server.ThreadingHTTPServer):
    """`rapportgen server kor`: converts documents sent by others; call close() when done."""

    daemon_threads = True

    def __init__(self, adress: str, port: int, token: str, arbetare: int = 1, tidsgrans: float = 120.0,
                 granser=None, ssl_context: ssl.SSLContext | None = None, logg=None):
        if not token or len(token) < MIN_TOKEN:
            raise ConversionError(
                f"servern kräver en token på minst {MIN_TOKEN} tecken: sätt miljövariabeln {TOKEN_ENV} "
                "eller 'token:' under 'konvertering:' i profilen (aldrig på kommandoraden)")
        if ":" in adress:
            self.address_family = socket.AF_INET6
        self.token = token
        self.granser = granser
        self.logg = logg
        self.max_dokument = MAX_DOKUMENT
        self.folder = stadning.make_private_dir("rapportgen-konv-")
        self._n = itertools.count(1)
        self.pools: queue.Queue = queue.Queue()
        self._alla = [Pool(1, tidsgrans=tidsgrans) for _ in range(max(1, arbetare))]
        for p in self._alla:
            self.pools.put(p)
        try:
            super().__init__((adress, port), _Handler)
        except OSError as exc:
            self.close_pools()
            raise ConversionError(f"servern kan inte lyssna på {adress}:{port}: {exc.strerror or exc}") from None
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True)

    def start_instances(self) -> None:
        threads = [threading.Thread(target=ep.ensure, daemon=True) for p in self._alla for ep in p.endpoints]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    @contextlib.contextmanager
    def arbetsmapp(self) -> Iterator[Path]:
        """A private folder for one request, removed afterwards."""
        work = self.folder / f"{next(self._n):06d}"
        work.mkdir(mode=0o700)
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def konvertera(self, src: Path, alt) -> tuple[int, Path | str]:
        """Convert a received document (in its request folder): (200, the PDF) or (422, why not)."""
        typ = src.suffix.lstrip(".")
        try:
            if typ in ("docx", "xlsx"):
                from ..granser import check_zip

                check_zip(src, self.granser)
            copy = prepare(src, src.with_name(f"forberedd.{typ}"), None)
        except RapportgenError as exc:
            return 422, exc.detalj
        except Exception as exc:  # a hostile file must not take the service down
            return 422, f"dokumentet kunde inte läsas: {exc}"
        job = Uppdrag(kalla=Path("dokument"), utdata=src.with_name("resultat.pdf"),
                      filter_options=alt.filter_options(), indata=copy)
        pool = self.pools.get()
        try:
            pool.run([job])
        finally:
            self.pools.put(pool)
        if job.klar:
            return 200, job.utdata
        return 422, job.fel or "LibreOffice kunde inte konvertera dokumentet"

    def close_pools(self) -> None:
        for p in self._alla:
            p.close()
        stadning.remove(self.folder)

    def server_close(self) -> None:
        super().server_close()
        self.close_pools()
