"""The protocol of the conversion service (`rapportgen server kor`) and its client.

The service itself is in tjanst.py.

The service takes a document's *content* over HTTP(S) and answers with the
PDF's bytes. It never takes a path: the document is written into the
service's own private 0700 folder, converted there by local instances that
only this user can reach, and removed. Every request needs the token
(`Authorization: Bearer ...`), compared in constant time. Links that would
make LibreOffice fetch something are removed before conversion, and the
zip-container limits are checked first, as for local conversions.

    POST /konvertera   body: the document; X-Rapportgen-Typ: docx|xlsx|...;
                       X-Rapportgen-Pdf: pdfa=1;taggad=1   -> 200 application/pdf
    GET  /halsa        -> 200 "ok" (with a valid token); X-Rapportgen-Arbetare: how many
                          documents the service converts at the same time

Both sides stream: the document goes from the client's file to the service's file, and the
PDF from the service's file to the client's, in blocks, never whole in memory.
"""

from __future__ import annotations

import http.client
import os
import ssl
from pathlib import Path
from urllib.parse import urlsplit

TOKEN_ENV = "RAPPORTGEN_SERVER_TOKEN"
MIN_TOKEN = 16
TYPER = ("docx", "xlsx", "doc", "xls", "odt", "ods", "rtf", "pdf")
MAX_DOKUMENT = 200 * 1024 * 1024  # bytes in one request
MAX_PDF = 1024 * 1024 * 1024  # bytes in one answer
ARBETARE_HEADER = "X-Rapportgen-Arbetare"
BLOCK = 256 * 1024  # bytes per read and write when streaming


def token_fran(installningar=None) -> str | None:
    """The service token: the environment variable first, then the profile's konvertering.token."""
    env = os.environ.get(TOKEN_ENV, "").strip()
    if env:
        return env
    tok = getattr(installningar, "token", None) if installningar is not None else None
    return tok.strip() if tok and tok.strip() else None


def parse_server(text: str) -> tuple[str, str, int]:
    """'värd:port', 'http://värd:port' or 'https://värd:port' -> (scheme, host, port)."""
    text = text.strip()
    scheme = "http"
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or not parts.port:
            raise ValueError(f"'{text}' är inte värd:port eller https://värd:port")
        if parts.path not in ("", "/"):
            raise ValueError(f"'{text}' ska inte ha någon sökväg efter porten")
        return parts.scheme, parts.hostname, parts.port
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"'{text}' är inte värd:port")
    return scheme, host.strip("[]"), int(port)


# --- the client -------------------------------------------------------------------------------


class Svar(Exception):
    """The service answered with an error status."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status = status


def _connection(scheme: str, host: str, port: int, timeout: float, ca_fil: str | None):
    if scheme == "https":
        ctx = ssl.create_default_context(cafile=str(ca_fil) if ca_fil else None)
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=ctx, blocksize=BLOCK)
    return http.client.HTTPConnection(host, port, timeout=timeout, blocksize=BLOCK)


def _open(server: str, token: str | None, method: str, path: str, body, headers: dict[str, str] | None,
          timeout: float, ca_fil: str | None):
    """Send one request; (connection, response) with status 200, else Svar (or OSError if unreachable).

    The caller reads the response and closes the connection.
    """
    scheme, host, port = parse_server(server)
    conn = _connection(scheme, host, port, timeout, ca_fil)
    try:
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        if resp.status != 200:
            text = resp.read(64 * 1024).decode("utf-8", "replace").strip()
            raise Svar(resp.status, text or resp.reason)
        return conn, resp
    except http.client.HTTPException as exc:
        conn.close()
        raise OSError(f"{type(exc).__name__}: {exc}") from None
    except BaseException:
        conn.close()
        raise


def anropa(server: str, token: str | None, method: str, path: str, body: bytes | None = None,
           headers: dict[str, str] | None = None, timeout: float = 120.0, ca_fil: str | None = None) -> bytes:
    """One request to a conversion service; raises Svar on an error status, OSError if unreachable."""
    conn, resp = _open(server, token, method, path, body, headers, timeout, ca_fil)
    try:
        return resp.read()
    except http.client.HTTPException as exc:
        raise OSError(f"{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()


def halsa(server: str, token: str | None, timeout: float = 10.0, ca_fil: str | None = None) -> int:
    """GET /halsa: how many documents the service converts at the same time (1 if it does not say)."""
    conn, resp = _open(server, token, "GET", "/halsa", None, None, timeout, ca_fil)
    try:
        resp.read()
        try:
            return max(1, int(resp.getheader(ARBETARE_HEADER, "1")))
        except ValueError:
            return 1
    finally:
        conn.close()


def skicka(server: str, token: str | None, indata: Path, utdata: Path, headers: dict[str, str],
           timeout: float = 120.0, ca_fil: str | None = None) -> None:
    """POST /konvertera: stream indata to the service and its answer into utdata (whole or not at all)."""
    tmp = utdata.with_name(utdata.name + ".tar-emot")
    with open(indata, "rb") as body:
        h = {**headers, "Content-Length": str(os.fstat(body.fileno()).st_size)}
        conn, resp = _open(server, token, "POST", "/konvertera", body, h, timeout, ca_fil)
    try:
        n = 0
        with open(tmp, "wb") as out:
            while chunk := resp.read(BLOCK):
                n += len(chunk)
                if n > MAX_PDF:
                    raise Svar(502, f"svaret är större än {MAX_PDF // (1024 * 1024)} MB")
                out.write(chunk)
        os.replace(tmp, utdata)
    except http.client.HTTPException as exc:
        raise OSError(f"{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()
        tmp.unlink(missing_ok=True)


def alternativ_header(alt) -> str:
    """The PDF options of a request (X-Rapportgen-Pdf)."""
    return f"pdfa={int(alt.pdfa)};taggad={int(alt.tagged)}"
