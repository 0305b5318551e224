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
    GET  /halsa        -> 200 "ok" (with a valid token)
"""

from __future__ import annotations

import http.client
import os
import ssl
from urllib.parse import urlsplit

TOKEN_ENV = "RAPPORTGEN_SERVER_TOKEN"
MIN_TOKEN = 16
TYPER = ("docx", "xlsx", "doc", "xls", "odt", "ods", "rtf", "pdf")
MAX_DOKUMENT = 200 * 1024 * 1024  # bytes in one request


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
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=ctx)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def anropa(server: str, token: str | None, method: str, path: str, body: bytes | None = None,
           headers: dict[str, str] | None = None, timeout: float = 120.0, ca_fil: str | None = None) -> bytes:
    """One request to a conversion service; raises Svar on an error status, OSError if unreachable."""
    scheme, host, port = parse_server(server)
    conn = _connection(scheme, host, port, timeout, ca_fil)
    try:
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise Svar(resp.status, data.decode("utf-8", "replace").strip() or resp.reason)
        return data
    except http.client.HTTPException as exc:
        raise OSError(f"{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()


def alternativ_header(alt) -> str:
    """The PDF options of a request (X-Rapportgen-Pdf)."""
    return f"pdfa={int(alt.pdfa)};taggad={int(alt.tagged)}"
