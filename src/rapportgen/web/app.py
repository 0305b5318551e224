"""The web application: Starlette routes over one working folder, server-rendered with Jinja."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..exceptions import InputError, RapportgenError
from ..fileio import write_bytes_atomic, write_text_atomic
from . import bibliotek as lib
from . import tjform
from . import yamlredigering as yr
from .jobb import Jobbhanterare, Upptagen
from .mapp import Arbetsmapp, UtanforMappen, free_name, safe_filename

log = logging.getLogger("rapportgen.web")

MAX_UPLOAD = 20 * 1024 * 1024  # bytes per uploaded bilaga
BILAGA_SUFFIX = (".pdf", ".docx", ".xlsx")
KALL_SUFFIX = (".pdf", ".docx", ".xlsx", ".md", ".yaml", ".yml")
STATIC = Path(__file__).resolve().parent / "static"

MEDDELANDEN = {
    "flyttad": "Ordningen är ändrad och manifestet sparat.",
    "borttagen": "Borttaget ur manifestet (filen ligger kvar i mappen).",
    "tillagd": "Tillagt i manifestet.",
    "uppladdad": "Filen är uppladdad och tillagd som bilaga.",
    "nytt": "Det nya sammanträdet är skapat med de stående punkterna.",
    "sparad": "Tjänsteskrivelsen är sparad.",
}


# Same-origin only: no framing (clickjacking), no foreign scripts, forms post only here.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                 b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class BodyLimit:
    """ASGI middleware: refuse request bodies above a limit (declared or streamed); add security headers."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # Raised inside the form parser: the error handler answers with a page.
                    raise HTTPException(413, f"Filen är för stor. Största tillåtna storlek är "
                                             f"{MAX_UPLOAD // (1024 * 1024)} MB.")
            return message

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, limited, with_headers)


async def _too_large(send) -> None:
    mb = MAX_UPLOAD // (1024 * 1024)
    body = (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>För stor fil</title></head>'
            f'<body><main><h1>För stor fil</h1><p role="alert">Filen är för stor. Största tillåtna storlek '
            f'är {mb} MB.</p><p><a href="/">Till sammanträdena</a></p></main></body></html>').encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


class Webbapp:
    def __init__(self, folder: Path, host: str = "127.0.0.1") -> None:
        self.mapp = Arbetsmapp.of(folder)
        self.csrf = secrets.token_urlsafe(32)
        self.jobb = Jobbhanterare()
        self.kontroller = lib.KontrollCache()
        self.host = host
        env = Environment(loader=PackageLoader("rapportgen.web", "templates"),
                          autoescape=select_autoescape(default=True, default_for_string=True))
        env.filters["url"] = lambda s: quote(str(s))
        env.globals["jobblankar"] = self._job_links
        self.templates = Jinja2Templates(env=env)

    # --- helpers ------------------------------------------------------------------------------

    def page(self, request: Request, name: str, status: int = 200, **ctx: Any) -> Response:
        ctx.setdefault("meddelande", MEDDELANDEN.get(request.query_params.get("ok", "")))
        ctx.update(csrf=self.csrf, mapp=self.mapp, aktuell=request.url.path)
        return self.templates.TemplateResponse(request, name, ctx, status_code=status,
                                               headers={"Cache-Control": "no-store"})

    async def form(self, request: Request) -> Any:
        """The POSTed form after the CSRF token is checked."""
        form = await request.form(max_files=1, max_fields=200, max_part_size=MAX_UPLOAD)
        token = request.headers.get("x-csrf-token") or form.get("csrf") or ""
        if not isinstance(token, str) or not secrets.compare_digest(token, self.csrf):
            raise HTTPException(403, "Formuläret saknar giltig säkerhetstoken. Ladda om sidan och försök igen.")
        return form

    def manifest(self, rel: str) -> Path:
        path = self.mapp.resolve(rel)
        if not path.is_file() or path.suffix.lower() not in (".yaml", ".yml"):
            raise HTTPException(404, f"Sammanträdet '{rel}' finns inte i arbetsmappen.")
        return path

    def back(self, rel: str, ok: str, anchor: str = "") -> RedirectResponse:
        return RedirectResponse(f"/mote/{quote(rel)}?ok={ok}{'#' + anchor if anchor else ''}", status_code=303)

    # --- pages --------------------------------------------------------------------------------

    async def start(self, request: Request) -> Response:
        manifests = await anyio.to_thread.run_sync(lib.find_manifests, self.mapp)
        moten = [await anyio.to_thread.run_sync(lib.meeting_info, self.mapp, m, self.kontroller) for m in manifests]
        moten.sort(key=lambda m: (m.datum, m.rel), reverse=True)
        return self.page(request, "start.html", moten=moten, idag=dt.date.today().isoformat())

    async def nytt_mote(self, request: Request) -> Response:
        form = await self.form(request)
        prev = self.manifest(str(form.get("fran", "")))
        try:
            datum = dt.date.fromisoformat(str(form.get("datum", "")))
        except ValueError:
            raise InputError("ange datumet som ÅÅÅÅ-MM-DD") from None
        data = yr.load(prev)
        old = str(data.get("datum", ""))
        target = yr.meeting_filename(prev, old, datum.isoformat())
        if not self.mapp.inside(target.parent if target.parent.exists() else target.parent.parent):
            raise UtanforMappen("det nya sammanträdet skulle hamna utanför arbetsmappen")
        if target.exists():
            raise InputError("det finns redan ett sammanträde med det datumet", fil=self.mapp.rel(target))
        new = yr.new_meeting(data, datum)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, yr.dump(new))
        return RedirectResponse(f"/mote/{quote(self.mapp.rel(target))}?ok=nytt", status_code=303)

    async def mote(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        data = yr.load(path)
        seq = yr.arenden(data)
        kontroll = await anyio.to_thread.run_sync(self.kontroller.run, self.mapp, path)
        arenden = []
        for i, a in enumerate(seq):
            ts = a.get("tjänsteskrivelse")
            bil = []
            for b in yr.bilagor(a):
                fil = str(b.get("fil", ""))
                bil.append({"etikett": b.get("etikett", ""), "fil": fil,
                            "finns": self._exists(path, fil), "lank": self._link(path, fil)})
            arenden.append({
                "punkt": a.get("punkt"), "dnr": a.get("dnr"), "mening": a.get("ärendemening", ""),
                "ts": ts, "ts_finns": self._exists(path, ts) if ts else None,
                "ts_form": self._form_link(path, ts) if ts else None, "bilagor": bil,
                "fynd": kontroll.fynd_per_arende.get(i, []),
            })
        kallor = [self.mapp.rel(p) for p in self.mapp.files(KALL_SUFFIX)
                  if p.resolve() != path.resolve() and p.name != "rapportgen.yaml"]
        tjs = [self.mapp.rel(p) for p in self.mapp.files((".md",))]
        outdir = self.mapp.utdata(path)
        bygg = {v: self._built(outdir, v) for v in ("", "-publicering")}
        jobb = self.jobb.senaste(rel)
        return self.page(request, "mote.html", rel=rel, data=data, arenden=arenden, kontroll=kontroll,
                         kallor=kallor, tjs=tjs, bygg=bygg, jobb=jobb, max_mb=MAX_UPLOAD // (1024 * 1024),
                         senast=lib.last_built(self.mapp, path))

    def _exists(self, manifest: Path, rel: str) -> bool:
        target = (manifest.parent / rel).resolve()
        return self.mapp.inside(target) and target.is_file()

    def _link(self, manifest: Path, rel: str) -> str | None:
        target = (manifest.parent / rel).resolve()
        if self.mapp.inside(target) and target.is_file():
            return "/fil/" + quote(self.mapp.rel(target))
        return None

    def _form_link(self, manifest: Path, rel: str) -> str | None:
        target = (manifest.parent / rel).resolve()
        if target.suffix.lower() == ".md" and self.mapp.inside(target) and target.is_file():
            return "/tjansteskrivelse?fil=" + quote(self.mapp.rel(target))
        return None

    def _built(self, outdir: Path, variant: str) -> dict | None:
        pdf = outdir / f"handling{variant}.pdf"
        if not pdf.is_file():
            return None
        files = [outdir / f"handling{variant}.pdf", outdir / f"kallelse{variant}.pdf",
                 outdir / f"kallelse{variant}.docx", outdir / f"manifest{variant}.json"]
        links = [(f.name, "/fil/" + quote(self.mapp.rel(f))) for f in files if f.is_file()]
        arenden = []
        mj = outdir / f"manifest{variant}.json"
        if mj.is_file():
            meta = json.loads(mj.read_text(encoding="utf-8"))
            arenden = [(a["punkt"], a["ärendemening"]) for a in meta.get("ärenden", []) if a.get("sida")]
        return {"lankar": links, "arenden": arenden, "variant": variant}

    # --- edits of the manifest ----------------------------------------------------------------

    def _edit(self, path: Path, change) -> None:
        data = yr.load(path)
        change(data)
        yr.save(path, data)

    def _edit_arenden(self, path: Path, change) -> None:
        """Change the ärendelista, renumber it, and keep the protokoll's paragrafer on their ärenden."""
        data = yr.load(path)
        seq = yr.arenden(data)
        before = yr.punkter_by_item(seq)
        removed = change(seq)
        yr.renumber(seq)
        fil, prot = yr.protokoll_part(path, data, inside=self.mapp.inside)
        where = self.mapp.rel(fil) if fil is not None else "protokollsdelen i manifestet"
        punkt = removed.get("punkt") if isinstance(removed, dict) else None
        changed = yr.repoint_paragrafer(prot, seq, before, removed=punkt, where=where)
        yr.save(path, data)
        if fil is not None and changed:
            yr.save(fil, prot)

    @staticmethod
    def _int(form, name: str) -> int:
        try:
            return int(str(form.get(name, "")))
        except ValueError:
            raise InputError(f"fältet '{name}' ska vara ett heltal") from None

    async def arende_flytta(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        form = await self.form(request)
        i = self._int(form, "i")
        j = i - 1 if form.get("riktning") == "upp" else i + 1

        def change(seq):
            yr.move(seq, i, j, "ärende")
        self._edit_arenden(path, change)
        return self.back(rel, "flyttad", f"arende-{j}")

    async def arende_ta_bort(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        form = await self.form(request)
        i = self._int(form, "i")

        def change(seq):
            return yr.remove(seq, i, "ärende")
        self._edit_arenden(path, change)
        return self.back(rel, "borttagen", "arendelista")

    async def arende_ny(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        form = await self.form(request)
        mening = str(form.get("arendemening", "")).strip()
        if not mening:
            raise InputError("ange ärendemeningen")
        ts = str(form.get("tjansteskrivelse", "")).strip()
        ts_rel = self._relative_to_manifest(path, ts) if ts else ""
        pos = {}

        def change(data):
            pos["i"] = yr.insert_arende(yr.arenden(data), {
                "dnr": str(form.get("dnr", "")).strip(), "ärendemening": mening, "tjänsteskrivelse": ts_rel})
        self._edit(path, change)
        return self.back(rel, "tillagd", f"arende-{pos['i']}")

    def _relative_to_manifest(self, manifest: Path, rel_in_folder: str) -> str:
        """A file chosen in the folder, written as the manifest names files: relative to itself."""
        import os

        target = self.mapp.resolve(rel_in_folder)
        if not target.is_file():
            raise InputError("filen finns inte", fil=rel_in_folder)
        return Path(os.path.relpath(target, manifest.parent.resolve())).as_posix()

    async def bilaga_flytta(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        form = await self.form(request)
        a, i = self._int(form, "a"), self._int(form, "i")
        j = i - 1 if form.get("riktning") == "upp" else i + 1

        def change(data):
            seq = yr.arenden(data)
            yr.move(yr.bilagor(seq[yr.check_index(seq, a, "ärende")]), i, j, "bilaga")
        self._edit(path, change)
        return self.back(rel, "flyttad", f"arende-{a}")

    async def bilaga_ta_bort(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        form = await self.form(request)
        a, i = self._int(form, "a"), self._int(form, "i")

        def change(data):
            seq = yr.arenden(data)
            item = seq[yr.check_index(seq, a, "ärende")]
            yr.remove(yr.bilagor(item), i, "bilaga")
            if not len(item["bilagor"]):
                del item["bilagor"]
        self._edit(path, change)
        return self.back(rel, "borttagen", f"arende-{a}")

    async def bilaga_ny(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        form = await self.form(request)
        a = self._int(form, "a")
        upload = form.get("uppladdning")
        etikett = str(form.get("etikett", "")).strip()
        ok = "tillagd"
        if upload is not None and not isinstance(upload, str) and upload.filename:
            name = safe_filename(upload.filename, BILAGA_SUFFIX)
            content = await upload.read(MAX_UPLOAD + 1)
            if len(content) > MAX_UPLOAD:
                raise HTTPException(413, "Filen är för stor.")
            _check_magic(name, content)
            folder = path.parent / "bilagor"
            if not self.mapp.inside(folder if folder.exists() else folder.parent):
                raise UtanforMappen("mappen för bilagor leder utanför arbetsmappen")
            target = free_name(folder, name)
            write_bytes_atomic(target, content)
            fil = Path("bilagor", target.name).as_posix()
            etikett = etikett or Path(upload.filename).stem
            ok = "uppladdad"
        else:
            chosen = str(form.get("fil", "")).strip()
            if not chosen:
                raise InputError("välj en fil i mappen eller ladda upp en fil")
            fil = self._relative_to_manifest(path, chosen)
            etikett = etikett or Path(chosen).stem
        if not etikett:
            raise InputError("ange bilagans namn (etikett)")

        def change(data):
            seq = yr.arenden(data)
            item = seq[yr.check_index(seq, a, "ärende")]
            b = yr.CommentedMap()
            b["etikett"] = etikett
            b["fil"] = fil
            yr.bilagor(item, create=True).append(b)
        self._edit(path, change)
        return self.back(rel, ok, f"arende-{a}")

    # --- jobs ---------------------------------------------------------------------------------

    async def starta_jobb(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        form = await self.form(request)
        typ = form.get("typ")
        if typ == "kontrollera":
            def work(j):
                j.progress(0, 1, "kontrollerar")
                k = lib.kontrollera(self.mapp, path)
                self.kontroller.put(self.mapp, path, k)
                return {"kontroll": k}
            job = self.jobb.start(rel, "Kontrollera", work, konvertering=False)
        elif typ in ("bygg", "publicering"):
            pub = typ == "publicering"
            job = self.jobb.start(rel, "Bygg för publicering" if pub else "Bygg handling",
                                  lambda j: lib.build(self.mapp, path, pub, j.progress))
        else:
            raise InputError("okänd åtgärd")
        if request.headers.get("hx-request"):
            return self.page(request, "_jobb.html", jobb=job, rel=rel)
        return RedirectResponse(f"/mote/{quote(rel)}#bygg", status_code=303)

    async def jobb_status(self, request: Request) -> Response:
        job = self._job(request)
        return self.page(request, "_jobb.html", jobb=job, rel=job.nyckel)

    def _job(self, request: Request):
        job = self.jobb.get(request.path_params["id"])
        if job is None:
            raise HTTPException(404, "Jobbet finns inte (servern kan ha startats om).")
        return job

    async def jobb_handelser(self, request: Request) -> Response:
        """Server-sent events: the job's panel as HTML on every change, then 'slut'."""
        job = self._job(request)
        env = self.templates.env

        def panel() -> str:
            html = env.get_template("_jobb_innehall.html").render(jobb=job, rel=job.nyckel, mapp=self.mapp,
                                                                   lankar=self._job_links(job))
            return "".join(f"data: {line}\n" for line in html.splitlines()) + "\n"

        async def stream():
            seen = -1
            while True:
                version = await anyio.to_thread.run_sync(job.wait_change, seen, 15.0)
                if await request.is_disconnected():
                    return
                # Read before the panel is drawn: a job that ends while it is drawn is sent once
                # more in the next round, never 'slut' after a panel that still says it runs.
                pagar = job.pagar
                if version != seen:
                    seen = version
                    yield "event: jobb\n" + panel()
                else:
                    yield ": ping\n\n"
                if not pagar:
                    yield "event: slut\ndata: slut\n\n"
                    return

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    def _job_links(self, job) -> list[tuple[str, str]]:
        return [(Path(f).name, "/fil/" + quote(self.mapp.rel(f))) for f in job.resultat.get("filer", [])
                if self.mapp.inside(f)]

    # --- files and preview --------------------------------------------------------------------

    async def fil(self, request: Request) -> Response:
        path = self.mapp.resolve(request.path_params["p"])
        if not path.is_file():
            raise HTTPException(404, "Filen finns inte.")
        if path.name in ("rapportgen.yaml",) or any(part.startswith(".") for part in Path(self.mapp.rel(path)).parts):
            raise HTTPException(404, "Filen finns inte.")
        return FileResponse(path, filename=path.name,
                            content_disposition_type="inline" if path.suffix.lower() == ".pdf" else "attachment")

    def _variant(self, request: Request) -> str:
        return "-publicering" if request.query_params.get("variant") == "publicering" else ""

    async def forhandsvisning(self, request: Request) -> Response:
        rel = request.path_params["m"]
        path = self.manifest(rel)
        variant = self._variant(request)
        outdir = self.mapp.utdata(path)
        pdf, mj = outdir / f"handling{variant}.pdf", outdir / f"manifest{variant}.json"
        if not (pdf.is_file() and mj.is_file()):
            raise InputError("handlingen är inte byggd än; tryck på 'Bygg handling' först")
        sidor, arenden = await anyio.to_thread.run_sync(lib.pages, pdf, mj)
        return self.page(request, "forhandsvisning.html", rel=rel, sidor=sidor, arenden=arenden,
                         variant=variant.strip("-"), pdf_lank="/fil/" + quote(self.mapp.rel(pdf)))

    async def sidbild(self, request: Request) -> Response:
        path = self.manifest(request.path_params["m"])
        variant = self._variant(request)
        nr = int(request.path_params["nr"])
        pdf = self.mapp.utdata(path) / f"handling{variant}.pdf"
        if not pdf.is_file():
            raise HTTPException(404, "Handlingen är inte byggd.")
        target = self.mapp.utdata(path) / ".sidor" / f"handling{variant}-{nr:04d}.png"
        await anyio.to_thread.run_sync(lib.page_image, pdf, nr, target)
        return FileResponse(target, media_type="image/png")

    async def arende_pdf(self, request: Request) -> Response:
        path = self.manifest(request.path_params["m"])
        variant = self._variant(request)
        punkt = request.query_params.get("punkt", "")
        outdir = self.mapp.utdata(path)
        target = await anyio.to_thread.run_sync(lib.arende_pdf, outdir, variant, punkt)
        return FileResponse(target, filename=target.name, content_disposition_type="inline")

    # --- tjänsteskrivelse ---------------------------------------------------------------------

    async def tjansteskrivelse(self, request: Request) -> Response:
        rel = request.query_params.get("fil", "")
        if rel:
            path = self.mapp.resolve(rel)
            if not path.is_file() or path.suffix.lower() != ".md":
                raise HTTPException(404, "Tjänsteskrivelsen finns inte.")
            falt = tjform.read(path)
        else:
            falt = tjform.empty()
        job = self.jobb.senaste("ts:" + rel) if rel else None
        return self.page(request, "tjansteskrivelse.html", rel=rel, f=falt, avsnitt=tjform.AVSNITT_FORM,
                         jobb=job, mappar=self._ts_folders())

    def _ts_folders(self) -> list[str]:
        folders = sorted({self.mapp.rel(p.parent) for p in self.mapp.files((".md",))} | {"."})
        return folders

    async def tjansteskrivelse_spara(self, request: Request) -> Response:
        form = await self.form(request)
        rel = str(form.get("fil", "")).strip()
        falt = tjform.from_form(form)
        if rel:
            path = self.mapp.resolve(rel)
            if path.suffix.lower() != ".md":
                raise InputError("tjänsteskrivelsen ska vara en Markdown-fil (.md)", fil=rel)
        else:
            folder = self.mapp.resolve(str(form.get("mapp", ".")) or ".")
            if not folder.is_dir():
                raise InputError("mappen finns inte", fil=str(form.get("mapp")))
            name = safe_filename(tjform.filename(falt), (".md",))
            path = free_name(folder, name)
        text = tjform.write(path if path.is_file() else None, falt)
        write_text_atomic(path, text)
        rel = self.mapp.rel(path)
        if form.get("bygg"):
            self.jobb.start("ts:" + rel, "Förhandsgranska PDF",
                            lambda j: lib.build_tjansteskrivelse(self.mapp, path, j.progress))
        return RedirectResponse(f"/tjansteskrivelse?fil={quote(rel)}&ok=sparad#bygg", status_code=303)

    # --- revisionsregister ----------------------------------------------------------------------

    async def revisionsregister(self, request: Request) -> Response:
        try:
            per = dt.date.fromisoformat(request.query_params.get("per") or dt.date.today().isoformat())
        except ValueError:
            raise InputError("ange datumet som ÅÅÅÅ-MM-DD") from None
        registers = await anyio.to_thread.run_sync(lib.find_registers, self.mapp)
        tabeller = []
        svar_arende = self._replies_in_meetings()
        for reg in registers:
            rows, antal_moten = await anyio.to_thread.run_sync(lib.register_status, self.mapp, reg, per)
            rader = []
            for r in rows:
                svar = r.svarsfil.resolve() if r.svarsfil is not None else None
                rader.append({
                    "r": r, "klass": "sen" if r.sen else ("missar" if r.missar_sammantrade else "ok"),
                    "status": "Försenad" if r.sen else ("Missar sammanträde" if r.missar_sammantrade else "I tid"),
                    "svar": ("/fil/" + quote(self.mapp.rel(svar))) if svar and self.mapp.inside(svar) and svar.is_file() else None,
                    "svar_namn": svar.name if svar else None,
                    "arende": svar_arende.get(svar) if svar else None,
                })
            tabeller.append({"fil": self.mapp.rel(reg), "rader": rader, "antal_moten": antal_moten})
        return self.page(request, "revisionsregister.html", tabeller=tabeller, per=per.isoformat())

    def _replies_in_meetings(self) -> dict[Path, tuple[str, str]]:
        """reply file -> (link to its ärende, label) for every file a manifest names."""
        out: dict[Path, tuple[str, str]] = {}
        for m in lib.find_manifests(self.mapp):
            try:
                seq = yr.arenden(yr.load(m))
            except RapportgenError:
                continue
            for i, a in enumerate(seq):
                for b in yr.bilagor(a):
                    if isinstance(b.get("fil"), str):
                        out[(m.parent / b["fil"]).resolve()] = (
                            f"/mote/{quote(self.mapp.rel(m))}#arende-{i}", f"{m.parent.name}, ärende {a.get('punkt')}")
        return out


def _check_magic(name: str, content: bytes) -> None:
    if name.endswith(".pdf") and not content.startswith(b"%PDF-"):
        raise InputError(f"'{name}' är inte en PDF-fil")
    if name.endswith((".docx", ".xlsx")) and not content.startswith(b"PK\x03\x04"):
        raise InputError(f"'{name}' är inte en Word- eller Excel-fil")


def create_app(folder: str | Path, host: str = "127.0.0.1", port: int | None = None) -> Starlette:
    w = Webbapp(Path(folder), host)

    async def on_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, Upptagen):
            status, text = 409, exc.detalj
        elif isinstance(exc, UtanforMappen):
            status, text = 403, exc.format_message()
        elif isinstance(exc, RapportgenError):
            status, text = 400, exc.format_message()
        elif isinstance(exc, HTTPException):
            status, text = exc.status_code, exc.detail
        else:
            log.exception("oväntat fel vid %s", request.url.path)
            status, text = 500, "Ett oväntat fel inträffade. Felet är skrivet i serverns logg."
        if request.headers.get("hx-request"):
            return HTMLResponse(f'<p class="fel" role="alert">{_esc(text)}</p>', status_code=status)
        return w.page(request, "fel.html", status=status, text=text, kod=status)

    routes = [
        Route("/", w.start),
        Route("/nytt-mote", w.nytt_mote, methods=["POST"]),
        Route("/mote/{m:path}/arende/flytta", w.arende_flytta, methods=["POST"]),
        Route("/mote/{m:path}/arende/ta-bort", w.arende_ta_bort, methods=["POST"]),
        Route("/mote/{m:path}/arende/ny", w.arende_ny, methods=["POST"]),
        Route("/mote/{m:path}/bilaga/flytta", w.bilaga_flytta, methods=["POST"]),
        Route("/mote/{m:path}/bilaga/ta-bort", w.bilaga_ta_bort, methods=["POST"]),
        Route("/mote/{m:path}/bilaga/ny", w.bilaga_ny, methods=["POST"]),
        Route("/mote/{m:path}/jobb", w.starta_jobb, methods=["POST"]),
        Route("/mote/{m:path}/forhandsvisning", w.forhandsvisning),
        Route("/mote/{m:path}/sida/{nr:int}.png", w.sidbild),
        Route("/mote/{m:path}/arende.pdf", w.arende_pdf),
        Route("/mote/{m:path}", w.mote),
        Route("/jobb/{id}", w.jobb_status),
        Route("/jobb/{id}/handelser", w.jobb_handelser),
        Route("/fil/{p:path}", w.fil),
        Route("/tjansteskrivelse", w.tjansteskrivelse),
        Route("/tjansteskrivelse", w.tjansteskrivelse_spara, methods=["POST"]),
        Route("/revisionsregister", w.revisionsregister),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    hosts = ["127.0.0.1", "localhost", "::1", "[::1]", host]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        exception_handlers={Exception: on_error, HTTPException: on_error, RapportgenError: on_error},
    )
    app.state.webbapp = w
    return BodyLimit(app, MAX_UPLOAD + 256 * 1024)


def _esc(text: str) -> str:
    import html

    return html.escape(str(text))
