"""`make bench`, end to end (issue 19): whole rapportgen commands as a user runs them.

Every figure is a ratio of two things measured side by side in the same run; each is the median
of BENCH_RUNS runs (default 3), printed with its spread (min-max). Only the command line is used
(`rapportgen ...` in subprocesses), so the figures hold whatever the package layout is.

  e2e_cold_vs_naive      naive script / `rapportgen handling` on examples/sammantrade-2023-09-19,
                         cold: empty PDF cache, no LibreOffice of ours running (other processes'
                         LibreOffice is not ours and not touched). Both sides have a LibreOffice profile
                         made beforehand (the naive script's own; rapportgen's profile template). The naive script renders the
                         same documents to .docx (`--ingen-pdf` of each document command; the kallelse
                         and free `dokument` bilagor, which have no command of their own, through the
                         library's document-type registry), runs one `soffice --convert-to pdf` per
                         document and Word/Excel bilaga, and merges everything with pypdf.
  e2e_incremental_share  `rapportgen handling` again after one tjänsteskrivelse changed, with the pool
                         still warm from the cold build (`konvertering: vila: 300`), / the cold build.
                         The warm process loads only once no build holds the pool (so the cold build
                         does not share its cores with it); the edit is made once it answers, as a
                         secretary's edit after the cold build would be. The log says how long that took.
  big_pages              pages of handling.pdf for the generated budget meeting (bench/stor_sammantrade.py)
  big_own_time_share     time outside LibreOffice / wall time of the big build (method below)
  big_peak_rss_mb        peak RSS (VmHWM) of the rapportgen Python process of the big build (the note gives the
                         peak of the process that reads its external PDFs ahead, sampled like LibreOffice)
  big_size_ratio         size of handling.pdf / the sum of its parts' sizes (kallelse.pdf, the converted
                         PDFs of the generated documents and Excel bilagor, the external PDFs)
  startup_ratio          median wall time of `rapportgen --version` / `python -c "import click"`,
                         whole processes, BENCH_STARTUP_RUNS (default 15) each, interleaved
  kontrollera_share      `rapportgen kontrollera` (or `check`, before the rename) on the example meeting
                         / the cold build, with no background server (a fresh cache and state folder);
                         also reports whether it started a LibreOffice
  kontrollera_warm_share the same check right after the incremental build, while the background server
                         and its warm process still run (as a secretary checks while editing) / the cold
                         build; no target of its own, reported beside kontrollera_share
  two_servers_speedup    the big meeting built with `konvertering: servrar:` at two `rapportgen server kor`
                         on 127.0.0.1, each `taskset -c N` on its own core, against one such server on
                         one core (`bara_fjärr: true`: no local instances in either build)

Time outside LibreOffice: while the build runs, a sampler reads /proc every 40 ms. The
soffice.bin processes of this build are recognised by a marker in their environment (they inherit
the command's environment, also through the background server). A sampling interval counts as
"in LibreOffice" when any of them used CPU time in it (utime+stime ticks grew); the rest of the wall
time, from the start of the command to its end, is rapportgen's own time (interpreter start, imports,
reading, checks, rendering, merging, stamping, writing, and any wait that is not LibreOffice working).
Ticks are 10 ms, so an instance busy less than a quarter of an interval can be missed; on a loaded
machine a runnable but descheduled LibreOffice counts as own time. Both err against rapportgen.

BENCH_ONLY=e2e,big,startup,kontrollera,servrar (comma-separated; `konvertering` is the older
conversion bench in bench.py) runs a subset. `python bench/bench.py --profilera` writes cProfile
tables of the cold example build and the big build to bench/profiles/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
WORK = ROOT / "bench" / "work"
PROFILES = ROOT / "bench" / "profiles"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
STARTUP_RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "15"))
PY = Path(sys.executable)
RG = PY.parent / "rapportgen"
EXAMPLE_MEETING = Path("sammantrade-2023-09-19") / "sammantrade.yaml"
GROUPS = ("konvertering", "e2e", "big", "startup", "kontrollera", "servrar")
MARKER = "RAPPORTGEN_BENCH_MARKER"


def wanted(group: str) -> bool:
    only = {g.strip() for g in os.environ.get("BENCH_ONLY", "").split(",") if g.strip()}
    unknown = only - set(GROUPS)
    if unknown:
        raise SystemExit(f"BENCH_ONLY: okända delar {sorted(unknown)}; kända: {', '.join(GROUPS)}")
    return not only or group in only


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return f"median {fmt.format(statistics.median(values))}, spridning {fmt.format(min(values))}–" \
           f"{fmt.format(max(values))}"


# --- the CLI in a child process, with its peak RSS and (optionally) a profile ------------------------


def cli_child(args: list[str]) -> None:
    """`python bench/e2e.py --cli ARGS...`: run the rapportgen console script in this process.

    RAPPORTGEN_BENCH_HWM names a file for this process's VmHWM (MB) at exit; RAPPORTGEN_BENCH_PROF
    a file for cProfile stats. The entry point is looked up as pip installed it, not by module path.
    """
    import atexit
    from importlib.metadata import entry_points

    hwm_file = os.environ.get("RAPPORTGEN_BENCH_HWM")
    prof_file = os.environ.get("RAPPORTGEN_BENCH_PROF")
    (ep,) = [e for e in entry_points(group="console_scripts") if e.name == "rapportgen"]
    profiler = None
    if prof_file:
        import cProfile

        profiler = cProfile.Profile()

    def at_exit() -> None:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(prof_file)
        if hwm_file:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    Path(hwm_file).write_text(str(int(line.split()[1]) / 1024))

    atexit.register(at_exit)
    # No RAPPORTGEN_VARM=0 here: the background server a cold build starts inherits the environment
    # and would then keep no warm process. The runs made this way have no warm process to go to.
    sys.argv = ["rapportgen", *args]
    if profiler is not None:
        profiler.enable()
    main = ep.load()
    sys.exit(main())


class LoSampler:
    """CPU activity of this build's soffice.bin processes (those whose environment holds the marker)."""

    INTERVAL = 0.04

    def __init__(self, marker: str):
        self.marker = f"{MARKER}={marker}".encode()
        self.busy = 0.0
        self.seen: set[int] = set()
        self.hjalp_mb = 0.0  # peak RSS of the build's pre-reading process (multiprocessing spawn), if any
        self._hjalpare: dict[int, bool] = {}
        self._ours: dict[int, bool] = {}
        self._ticks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _is_ours(self, pid: int) -> bool:
        if pid not in self._ours:
            try:
                ours = Path(f"/proc/{pid}/comm").read_text().strip() == "soffice.bin" and \
                    self.marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            except OSError:
                return False
            self._ours[pid] = ours
        return self._ours[pid]

    def _hjalp(self, pid: int) -> None:
        try:
            if pid not in self._hjalpare:
                self._hjalpare[pid] = b"multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_bytes() and \
                    self.marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            if not self._hjalpare[pid]:
                return
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.hjalp_mb = max(self.hjalp_mb, int(line.split()[1]) / 1024)
        except OSError:
            pass

    def _sample(self) -> bool:
        active = False
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            if not self._is_ours(pid):
                if self._ours.get(pid) is False:
                    self._hjalp(pid)
                continue
            self.seen.add(pid)
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
            if ticks > self._ticks.get(pid, 0):
                active = True
            self._ticks[pid] = ticks
        return active

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(self.INTERVAL):
            active = self._sample()
            now = time.perf_counter()
            if active:
                self.busy += now - last
            last = now

    def __enter__(self) -> "LoSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_env(tmp: Path) -> dict:
    """A private PDF cache and background-server folder, and the marker LibreOffice inherits."""
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "cache").mkdir(parents=True)
    (tmp / "server").mkdir(parents=True)
    return {**os.environ, "RAPPORTGEN_CACHE": str(tmp / "cache"), "RAPPORTGEN_SERVER_DIR": str(tmp / "server"),
            "XDG_CACHE_HOME": str(tmp / "xdg"), MARKER: uuid.uuid4().hex}


def rapportgen(args: list[str], env: dict, *, measure: bool = False, rss: bool = False, prof: Path | None = None,
               check: bool = True) -> dict:
    """Run one rapportgen command: wall time; LibreOffice time when measure; peak RSS when rss (the
    command then runs through cli_child, whose entry-point lookup adds some 0.05 s)."""
    env = dict(env)
    hwm = None
    cmd = [str(RG), *args]
    if rss or prof:
        hwm = Path(tempfile.mkstemp(prefix="rg-hwm-")[1])
        env["RAPPORTGEN_BENCH_HWM"] = str(hwm)
        if prof:
            env["RAPPORTGEN_BENCH_PROF"] = str(prof)
        cmd = [str(PY), str(Path(__file__).resolve()), "--cli", *args]
    sampler = LoSampler(env[MARKER]) if measure else None
    t0 = time.perf_counter()
    if sampler:
        sampler.__enter__()
    try:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    finally:
        if sampler:
            sampler.__exit__(None, None, None)
    wall = time.perf_counter() - t0
    if check and out.returncode != 0:
        raise SystemExit(f"`rapportgen {' '.join(args)}` misslyckades ({out.returncode}):\n{out.stderr[-3000:]}")
    res = {"tid": wall, "kod": out.returncode, "stdout": out.stdout, "stderr": out.stderr}
    if sampler:
        res["lo_tid"] = sampler.busy
        res["lo_processer"] = len(sampler.seen)
        res["hjalp_mb"] = sampler.hjalp_mb
    if hwm is not None:
        text = hwm.read_text().strip()
        res["rss_mb"] = float(text) if text else float("nan")
        hwm.unlink()
    return res


def wait_warm(env: dict, timeout: float = 120.0) -> float:
    """Wait until the background server's warm process answers (it loads only once no build holds
    the pool, as while a secretary edits after the cold build); the seconds it took."""
    folder = Path(env["RAPPORTGEN_SERVER_DIR"])
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if (folder / "varm.json").exists() and (folder / "varm.sock").exists():
            return time.perf_counter() - t0
        time.sleep(0.05)
    raise SystemExit(f"den varma processen startade inte inom {timeout:.0f} s; se {folder / 'server.log'}")


def stop_server(env: dict) -> None:
    subprocess.run([str(RG), "server", "stop"], env=env, capture_output=True, text=True, check=True)


def write_profile(base: Path, konvertering: dict) -> Path:
    """The example profile plus this measurement's `konvertering:` block."""
    import yaml

    text = base.read_text(encoding="utf-8")
    text += "\n# make bench\n" + yaml.safe_dump({"konvertering": konvertering}, allow_unicode=True,
                                                 sort_keys=False)
    out = base.with_name("bench-profil.yaml")
    out.write_text(text, encoding="utf-8")
    return out


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


# --- the naive script -------------------------------------------------------------------------------


def _front_matter(path: Path) -> dict:
    import yaml

    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def _part_type(fil: Path, typ: str | None) -> str | None:
    """What the naive script does with a part: a document type to render, or None (take as is)."""
    import yaml

    if typ:
        return typ
    suffix = fil.suffix.lower()
    if suffix == ".md":
        fm = _front_matter(fil)
        return fm.get("typ") or ("revisionssvar" if "rapport" in fm else "tjansteskrivelse")
    if suffix in (".yaml", ".yml"):
        data = yaml.safe_load(fil.read_text(encoding="utf-8")) or {}
        return data.get("typ") or ("revisionssvar" if "rapport" in data else None)
    return None


def meeting_parts(manifest: Path) -> list[dict]:
    """The manifest's parts in package order: {fil, typ, losenord}."""
    import yaml

    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    parts = []
    for a in data["ärenden"]:
        entries = ([{"fil": a["tjänsteskrivelse"]}] if a.get("tjänsteskrivelse") else []) + list(a.get("bilagor", []))
        for e in entries:
            fil = (manifest.parent / e["fil"]).resolve()
            parts.append({"fil": fil, "typ": _part_type(fil, e.get("typ")), "losenord": e.get("lösenord")})
    return parts


# The kallelse and free documents have no command of their own: the library renders them, through
# the document-type registry (`rapportgen.doctypes`), as `rapportgen handling` does.
_RENDER_LIB = r"""
import json, sys
from pathlib import Path
from rapportgen import doctypes
from rapportgen.config import load_profile
jobs = json.loads(sys.argv[1])
profil = load_profile(Path(jobs["profil"]))
for src, typ, out in jobs["jobs"]:
    t = doctypes.get(typ)
    t.render(t.load(Path(src), profil), Path(out), profil, None)
"""


def naive_render(manifest: Path, profil: Path, outdir: Path) -> list[tuple[dict, Path]]:
    """Every part of the meeting as a file for soffice (or a PDF as is), with its manifest entry."""
    parts = meeting_parts(manifest)
    by_type: dict[str, list[dict]] = {}
    for p in parts:
        if p["typ"]:
            by_type.setdefault(p["typ"], []).append(p)
    made: dict[Path, Path] = {}
    lib_jobs = [[str(manifest), "kallelse", str(outdir / "00-kallelse.docx")]]
    for typ, group in by_type.items():
        files = list(dict.fromkeys(p["fil"] for p in group))
        out = outdir / typ
        if typ in ("tjansteskrivelse", "revisionssvar"):
            subprocess.run([str(RG), typ, *map(str, files), "-o", str(out), "--ingen-pdf", "--profil", str(profil)],
                           check=True, capture_output=True)
            for f in files:
                made[f] = out / f"{f.stem}.docx"
        elif typ in ("delarsrapport", "verksamhetsplan", "uppdragslista"):
            for n, f in enumerate(files):
                o = out / str(n)
                r = subprocess.run([str(RG), typ, str(f), "-o", str(o), "--ingen-pdf", "--profil", str(profil)],
                                   check=True, capture_output=True, text=True)
                written = [Path(line.split(" ", 1)[1]) for line in r.stdout.splitlines() if line.startswith("skrev ")]
                made[f] = next(w for w in written if w.suffix == ".docx")
        else:
            for n, f in enumerate(files):
                made[f] = outdir / f"{typ}-{n}-{f.stem}.docx"
                lib_jobs.append([str(f), typ, str(made[f])])
    subprocess.run([str(PY), "-c", _RENDER_LIB, json.dumps({"profil": str(profil), "jobs": lib_jobs})],
                   check=True, capture_output=True)
    result = [({"fil": manifest, "typ": "kallelse"}, outdir / "00-kallelse.docx")]
    for p in parts:
        src = made.get(p["fil"], p["fil"])
        if not src.is_file():
            raise SystemExit(f"naiv rendering: {src} saknas")
        result.append((p, src))
    return result


def naive_build(manifest: Path, profil: Path, outdir: Path, lo_profile: Path) -> float:
    """Render with the CLI, one soffice per document, merge with pypdf. Returns the wall time."""
    from pypdf import PdfReader, PdfWriter

    shutil.rmtree(outdir, ignore_errors=True)
    (outdir / "pdf").mkdir(parents=True)
    t0 = time.perf_counter()
    items = naive_render(manifest, profil, outdir)
    pdfs = []
    for n, (part, src) in enumerate(items):
        if src.suffix.lower() == ".pdf":
            pdfs.append((src, part.get("losenord")))
            continue
        # One soffice per document; a numbered copy keeps output names apart.
        job = outdir / "pdf" / f"{n:03d}-{src.name}"
        shutil.copyfile(src, job)
        subprocess.run(["soffice", f"-env:UserInstallation={lo_profile.as_uri()}", "--headless", "--convert-to",
                        "pdf", "--outdir", str(outdir / "pdf"), str(job)], check=True, capture_output=True)
        pdfs.append((job.with_suffix(".pdf"), None))
    w = PdfWriter()
    for pdf, password in pdfs:
        r = PdfReader(str(pdf))
        if r.is_encrypted:
            r.decrypt(password or "")
        w.append(r)
    with open(outdir / "handling.pdf", "wb") as fh:
        w.write(fh)
    return time.perf_counter() - t0


def warm_naive_profile(lo_profile: Path, doc: Path) -> None:
    """Naive does not pay LibreOffice's first-start profile creation either."""
    with tempfile.TemporaryDirectory() as t:
        shutil.copyfile(doc, Path(t) / doc.name)
        subprocess.run(["soffice", f"-env:UserInstallation={lo_profile.as_uri()}", "--headless", "--convert-to",
                        "pdf", "--outdir", t, str(Path(t) / doc.name)], check=True, capture_output=True)


def warm_rapportgen_profile() -> None:
    """Nor rapportgen: its LibreOffice profile template (made once per LibreOffice build, kept
    outside the PDF cache, see convert/server.profilmall) is made before anything is measured."""
    env = run_env(WORK / "profilmall-rg")
    subprocess.run([str(RG), "server", "start"], env={**env, "RAPPORTGEN_VARM": "0"}, check=True,
                   capture_output=True)
    stop_server(env)


# --- measurements -----------------------------------------------------------------------------------


def copy_examples(dst: Path) -> tuple[Path, Path]:
    """A private copy of examples/ (the incremental build edits it) and a profile with a warm pool."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(EXAMPLES, dst)
    profil = write_profile(dst / "rapportgen.yaml", {"vila": 300})
    return dst / EXAMPLE_MEETING, profil


def change_tjansteskrivelse(md: Path) -> None:
    """The handläggare edits one tjänsteskrivelse: a sentence at the end."""
    md.write_text(md.read_text(encoding="utf-8").rstrip() + f"\n\nTillägg efter beredningen ({uuid.uuid4().hex[:6]}).\n",
                  encoding="utf-8")


def kontrollera_command() -> str:
    r = subprocess.run([str(RG), "kontrollera", "--help"], capture_output=True)
    return "kontrollera" if r.returncode == 0 else "check"


def bench_e2e(results: dict) -> None:
    lo_profile = WORK / "naiv-profil"
    kcmd = kontrollera_command()
    warm_naive_profile(lo_profile, EXAMPLES / "sammantrade-2023-09-19" / "bilagor" / "volymrapport-2023-08.xlsx")
    naive, cold, inc, kontroll, kontroll_lo, kontroll_varm = [], [], [], [], [], []
    for run in range(RUNS):
        manifest, profil = copy_examples(WORK / "e2e-exempel")
        log(f"e2e {run + 1}/{RUNS}: naivt skript (rendera med --ingen-pdf, en soffice per dokument, pypdf) ...")
        naive.append(naive_build(manifest, profil, WORK / "e2e-naiv", lo_profile))
        env = run_env(WORK / "e2e-rg")
        out = WORK / "e2e-ut"
        shutil.rmtree(out, ignore_errors=True)
        try:
            log(f"e2e {run + 1}/{RUNS}: rapportgen handling, kallt ...")
            c = rapportgen(["handling", str(manifest), "--profil", str(profil), "-o", str(out)], env, measure=True)
            redo = wait_warm(env)
            log(f"  den varma processen redo {redo:.1f} s efter det kalla bygget")
            change_tjansteskrivelse(manifest.parent.parent / "tjansteskrivelser" / "06-god-och-nara-vard.md")
            log(f"e2e {run + 1}/{RUNS}: rapportgen handling, en tjänsteskrivelse ändrad, poolen varm ...")
            i = rapportgen(["handling", str(manifest), "--profil", str(profil), "-o", str(out)], env, measure=True)
            if wanted("kontrollera"):
                kv = rapportgen([kcmd, str(manifest), "--profil", str(profil), "--format", "text"], env, check=False)
                if kv["kod"] not in (0, 1):
                    raise SystemExit(f"rapportgen {kcmd} misslyckades:\n{kv['stderr'][-2000:]}")
                kontroll_varm.append(kv["tid"])
        finally:
            stop_server(env)
        cold.append(c["tid"])
        inc.append(i["tid"])
        if wanted("kontrollera"):
            kenv = run_env(WORK / "e2e-kontroll")
            k = rapportgen([kcmd, str(manifest), "--profil", str(profil), "--format", "text"], kenv, measure=True,
                           check=False)
            if k["kod"] not in (0, 1):
                raise SystemExit(f"rapportgen {kcmd} misslyckades:\n{k['stderr'][-2000:]}")
            kontroll.append(k["tid"])
            kontroll_lo.append(k["lo_processer"])
        log(f"  naiv {naive[-1]:.2f} s, kall {c['tid']:.2f} s (LibreOffice {c['lo_tid']:.2f} s), "
            f"ombygge {i['tid']:.2f} s" + (f", {kcmd} {kontroll[-1]:.2f} s" if kontroll else "")
            + (f" (med den varma processen {kontroll_varm[-1]:.2f} s)" if kontroll_varm else "")
            + f"; sidor naiv {pdf_pages(WORK / 'e2e-naiv' / 'handling.pdf')}, rapportgen {pdf_pages(out / 'handling.pdf')}")
    results["e2e_cold_vs_naive"] = ([n / c for n, c in zip(naive, cold)], "≥ 6",
                                    f"naiv {spread(naive)} s; kall {spread(cold)} s")
    results["e2e_incremental_share"] = ([i / c for i, c in zip(inc, cold)], "≤ 0.10",
                                        f"ombygge {spread(inc)} s")
    if kontroll:
        results["kontrollera_share"] = ([k / c for k, c in zip(kontroll, cold)], "≤ 0.05",
                                        f"`rapportgen {kcmd}` {spread(kontroll)} s; LibreOffice-processer som "
                                        f"startades: {max(kontroll_lo)}")
        results["kontrollera_warm_share"] = ([k / c for k, c in zip(kontroll_varm, cold)], "",
                                             f"`rapportgen {kcmd}` medan bakgrundsservern och den varma "
                                             f"processen kör: {spread(kontroll_varm)} s (inget eget mål)")


def bench_kontrollera_only(results: dict) -> None:
    """kontrollera_share without the naive and incremental runs: cold build and check, side by side."""
    kcmd = kontrollera_command()
    cold, kontroll, kontroll_lo = [], [], []
    for run in range(RUNS):
        manifest, profil = copy_examples(WORK / "e2e-exempel")
        env = run_env(WORK / "e2e-rg")
        out = WORK / "e2e-ut"
        shutil.rmtree(out, ignore_errors=True)
        log(f"kontrollera {run + 1}/{RUNS}: rapportgen handling, kallt ...")
        try:
            cold.append(rapportgen(["handling", str(manifest), "--profil", str(profil), "-o", str(out)], env)["tid"])
        finally:
            stop_server(env)
        kenv = run_env(WORK / "e2e-kontroll")
        k = rapportgen([kcmd, str(manifest), "--profil", str(profil), "--format", "text"], kenv, measure=True,
                       check=False)
        kontroll.append(k["tid"])
        kontroll_lo.append(k["lo_processer"])
        log(f"  kall {cold[-1]:.2f} s, {kcmd} {kontroll[-1]:.2f} s")
    results["kontrollera_share"] = ([k / c for k, c in zip(kontroll, cold)], "≤ 0.05",
                                    f"`rapportgen {kcmd}` {spread(kontroll)} s, kall {spread(cold)} s; "
                                    f"LibreOffice-processer som startades: {max(kontroll_lo)}")


def bench_startup(results: dict) -> None:
    def once(cmd: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        return time.perf_counter() - t0

    rg, click_ = [], []
    once([str(RG), "--version"])  # page cache
    for _ in range(STARTUP_RUNS):
        rg.append(once([str(RG), "--version"]))
        click_.append(once([str(PY), "-c", "import click"]))
    log(f"start: rapportgen --version {spread(rg, '{:.3f}')} s, import click {spread(click_, '{:.3f}')} s")
    # One ratio of medians (the issue's definition); the spread is that of the paired runs.
    ratio = statistics.median(rg) / statistics.median(click_)
    pairs = [a / b for a, b in zip(rg, click_)]
    results["startup_ratio"] = ([ratio], "≤ 3", f"rapportgen --version {spread(rg, '{:.3f}')} s, python -c "
                                f"'import click' {spread(click_, '{:.3f}')} s, {STARTUP_RUNS} körningar; "
                                f"parvisa kvoter {min(pairs):.2f}–{max(pairs):.2f}")


def big_meeting() -> tuple[Path, Path]:
    folder = WORK / "stor"
    log("Genererar det stora budgetsammanträdet (bench/stor_sammantrade.py, mäts inte) ...")
    subprocess.run([str(PY), str(ROOT / "bench" / "stor_sammantrade.py"), str(folder)], check=True,
                   capture_output=True)
    return folder / "sammantrade.yaml", folder / "rapportgen.yaml"


def parts_size(out: Path, manifest: Path, cache: Path) -> tuple[int, int]:
    """Sum of the parts' sizes: kallelse.pdf, the external PDFs, and the converted PDFs in this build's
    (private, fresh) cache except the kallelse's drafts. Returns (bytes, number of parts)."""
    from pypdf import PdfReader

    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    total = (out / "kallelse.pdf").stat().st_size
    n_parts = 1
    externa = [d for d in data["delar"] if d["roll"] != "kallelse" and d["källa"] and d["källa"].lower().endswith(".pdf")]
    for d in externa:
        total += (manifest.parent / d["källa"]).stat().st_size
        n_parts += 1
    kallelse_text = (PdfReader(str(out / "kallelse.pdf")).pages[0].extract_text() or "")[:60]
    converted = 0
    # rapportgen keeps a package's parts in the cache's delar/ (keyed on their inputs): one entry per
    # part has its stamp-band pages ("krymp"); the kallelse's and the page-numbered TOC versions do not.
    delar = cache / "delar"
    for pdf in (delar.rglob("*.pdf") if delar.is_dir() else cache.rglob("*.pdf")):
        if delar.is_dir() and "krymp" not in json.loads(pdf.with_suffix(".json").read_text())["data"]:
            continue
        first = (PdfReader(str(pdf)).pages[0].extract_text() or "")[:60]
        if first == kallelse_text:
            continue  # a kallelse pass, counted once above as kallelse.pdf
        total += pdf.stat().st_size
        converted += 1
    expected = len([d for d in data["delar"] if d["roll"] not in ("kallelse", "utelämnad")]) - len(externa)
    if converted != expected:
        log(f"  varning: {converted} konverterade PDF:er i cachen, väntade {expected}")
    return total, n_parts + converted


def bench_big(results: dict, manifest: Path, base_profile: Path) -> None:
    profil = write_profile(base_profile, {"vila": 0})
    pages, own, rss, size, walls, hjalp = [], [], [], [], [], []
    for run in range(RUNS):
        env = run_env(WORK / "stor-rg")
        out = WORK / "stor-ut"
        shutil.rmtree(out, ignore_errors=True)
        log(f"stor {run + 1}/{RUNS}: rapportgen handling, kallt ...")
        r = rapportgen(["handling", str(manifest), "--profil", str(profil), "-o", str(out)], env, measure=True,
                       rss=True)
        total, n = parts_size(out, manifest, Path(env["RAPPORTGEN_CACHE"]))
        pages.append(pdf_pages(out / "handling.pdf"))
        walls.append(r["tid"])
        own.append((r["tid"] - r["lo_tid"]) / r["tid"])
        rss.append(r["rss_mb"])
        size.append((out / "handling.pdf").stat().st_size / total)
        hjalp.append(r["hjalp_mb"])
        log(f"  {pages[-1]} sidor, {r['tid']:.2f} s (LibreOffice {r['lo_tid']:.2f} s, {r['lo_processer']} "
            f"soffice.bin), topp-RSS {rss[-1]:.0f} MB (förläsningsprocessen {hjalp[-1]:.0f} MB), handling.pdf {(out / 'handling.pdf').stat().st_size / 1e6:.1f} MB "
            f"/ {n} delar {total / 1e6:.1f} MB")
    results["big_pages"] = (pages, "≥ 600", f"bygget {spread(walls)} s")
    results["big_own_time_share"] = (own, "≤ 0.25", "tid utanför LibreOffice / väggtid (se metoden överst i bench/e2e.py)")
    results["big_peak_rss_mb"] = (rss, "≤ 400", f"VmHWM för Pythonprocessen; processen som läser de externa "
                                  f"PDF:erna i förväg: {spread(hjalp, '{:.0f}')} MB")
    results["big_size_ratio"] = (size, "≤ 0.8", "handling.pdf / summan av delarna")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """`rapportgen server kor` on 127.0.0.1, one per listed core, each pinned with taskset."""

    def __init__(self, cores: list[int], env: dict):
        import secrets

        self.cores = cores
        # server kor requires a token; the client (run with the same env) sends it.
        env.setdefault("RAPPORTGEN_SERVER_TOKEN", secrets.token_hex(16))
        self.env = env
        self.procs: list[subprocess.Popen] = []
        self.addresses: list[str] = []

    def __enter__(self) -> "Servers":
        for core in self.cores:
            port = free_port()
            p = subprocess.Popen(["taskset", "-c", str(core), str(RG), "server", "kor", "--lyssna", "127.0.0.1",
                                  "--port", str(port)], env=self.env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
            self.procs.append(p)
            self.addresses.append(f"127.0.0.1:{port}")
        for p, addr in zip(self.procs, self.addresses):
            # It says so on stderr once LibreOffice answers.
            deadline = time.monotonic() + 180
            lines = []
            while time.monotonic() < deadline:
                line = p.stderr.readline()
                if not line:
                    break
                lines.append(line)
                if "tar emot anrop" in line:
                    break
            else:
                lines.append("(tidsgränsen nåddes)")
            if not lines or "tar emot anrop" not in lines[-1]:
                self.__exit__(None, None, None)
                raise SystemExit(f"servern på {addr} startade inte:\n{''.join(lines)}")
            threading.Thread(target=p.stderr.read, daemon=True).start()  # keep its pipe drained
        return self

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)  # Ctrl-C: it stops its LibreOffice too
        for p in self.procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


# Conversion alone, on the servers of a Servers block: the time of convert_many, without start-up.
_KONVERTERA_BARA = """
import os, sys, time
from pathlib import Path
from rapportgen.convert import Pool, convert_many
servrar, out, sources = sys.argv[1].split(","), Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
with Pool(servrar=servrar, bara_fjarr=True, token=os.environ["RAPPORTGEN_SERVER_TOKEN"]) as pool:
    t0 = time.perf_counter()
    convert_many(sources, out, pool=pool)
    print(time.perf_counter() - t0)
"""


def convert_only(addresses: list[str], env: dict, sources: list[Path]) -> float:
    env = dict(env)
    cache = WORK / "servrar-bara-cache"
    out = WORK / "servrar-bara-ut"
    for folder in (cache, out):
        shutil.rmtree(folder, ignore_errors=True)
    cache.mkdir(parents=True)
    env["RAPPORTGEN_CACHE"] = str(cache)  # empty: every document is converted
    r = subprocess.run([str(PY), "-c", _KONVERTERA_BARA, ",".join(addresses), str(out), *map(str, sources)],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"konverteringen på servrarna misslyckades:\n{r.stderr[-3000:]}")
    return float(r.stdout.strip().splitlines()[-1])


def bench_servers(results: dict, manifest: Path, base_profile: Path) -> None:
    ncpu = len(os.sched_getaffinity(0))
    if ncpu < 2:
        log("servrar: hoppar över (färre än två kärnor)")
        return
    # The same documents converted alone (rendered once, not measured): what the servers add when
    # conversion is all there is, beside the whole build where rendering and merging also count.
    docx = WORK / "servrar-docx"
    shutil.rmtree(docx, ignore_errors=True)
    rapportgen(["handling", str(manifest), "--profil", str(base_profile), "-o", str(docx), "--ingen-pdf"],
               run_env(WORK / "servrar-docx-rg"))
    sources = sorted(docx.glob("*.docx")) + sorted(manifest.parent.rglob("*.xlsx"))
    one, two, one_conv, two_conv = [], [], [], []
    for run in range(RUNS):
        for cores, bucket, conv in (([0, 1], two, two_conv), ([0], one, one_conv)):
            env = run_env(WORK / "servrar-rg")
            with Servers(cores, env) as s:
                profil = write_profile(base_profile, {"servrar": s.addresses, "bara_fjärr": True, "vila": 0})
                out = WORK / "servrar-ut"
                shutil.rmtree(out, ignore_errors=True)
                log(f"servrar {run + 1}/{RUNS}: stora sammanträdet på {len(cores)} server(ar) ...")
                r = rapportgen(["handling", str(manifest), "--profil", str(profil), "-o", str(out)], env)
                conv.append(convert_only(s.addresses, env, sources))
            bucket.append(r["tid"])
            log(f"  {len(cores)} server(ar): bygget {r['tid']:.2f} s, bara konverteringen av {len(sources)} "
                f"dokument {conv[-1]:.2f} s")
    ratio = [a / b for a, b in zip(one_conv, two_conv)]
    results["two_servers_speedup"] = ([a / b for a, b in zip(one, two)], "≥ 1.6",
                                      f"en server {spread(one)} s, två servrar {spread(two)} s; bara "
                                      f"konverteringen av {len(sources)} dokument: en server {spread(one_conv)} s, "
                                      f"två {spread(two_conv)} s, kvot {spread(ratio)}")


def compile_package() -> None:
    """Byte-compile rapportgen as `pip install` does for an installed package. The editable install
    of `make venv` leaves src/ without .pyc, and where PYTHONDONTWRITEBYTECODE is set (as on some CI
    and sandbox machines) every command would compile its ~100 modules from source again (0.5 s and
    more per command), which no installed rapportgen does."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("rapportgen")
    if spec is None or not spec.submodule_search_locations:
        return
    for folder in spec.submodule_search_locations:
        if not compileall.compile_dir(folder, quiet=1):
            raise SystemExit(f"rapportgen kunde inte bytekompileras ({folder})")


def e2e_main() -> None:
    groups = [g for g in GROUPS[1:] if wanted(g)]
    if not groups:
        return
    WORK.mkdir(parents=True, exist_ok=True)
    compile_package()
    warm_rapportgen_profile()
    results: dict[str, tuple[list[float], str, str]] = {}
    if wanted("e2e"):
        bench_e2e(results)
    elif wanted("kontrollera"):
        bench_kontrollera_only(results)
    if wanted("startup"):
        bench_startup(results)
    if wanted("big") or wanted("servrar"):
        manifest, base_profile = big_meeting()
        if wanted("big"):
            bench_big(results, manifest, base_profile)
        if wanted("servrar"):
            bench_servers(results, manifest, base_profile)
    print(f"# end to end: median av {RUNS} körning(ar); nproc {os.cpu_count()} "
          f"(tillgängliga {len(os.sched_getaffinity(0))}); belastning {os.getloadavg()[0]:.1f}")
    for key, (values, target, note) in results.items():
        fmt = "{:.0f}" if key in ("big_pages", "big_peak_rss_mb") else "{:.3f}"
        print(f"# {key}: {spread(values, fmt)}" + (f" (mål {target})" if target else "") + f"; {note}")
    for key, (values, _target, _note) in results.items():
        fmt = "{:.0f}" if key in ("big_pages", "big_peak_rss_mb") else "{:.3f}"
        print(f"{key}={fmt.format(statistics.median(values))}")


# --- profiles ---------------------------------------------------------------------------------------


def _profile_table(stats_file: Path, title: str, wall: float, out: Path) -> None:
    import io
    import pstats

    buf = io.StringIO()
    st = pstats.Stats(str(stats_file), stream=buf)
    st.strip_dirs().sort_stats("cumulative").print_stats(30)
    buf.write("\n--- sorted by own time (tottime) ---\n")
    st.sort_stats("tottime").print_stats(30)
    text = re.sub(r"^.*?(?=\s+\d+ function calls)", "", buf.getvalue(), count=1, flags=re.S)
    header = (f"# {title}\n# cProfile of the rapportgen process (main thread), via bench/e2e.py --cli; "
              f"wall time {wall:.2f} s; nproc {os.cpu_count()}, load {os.getloadavg()[0]:.1f}\n"
              f"# Conversion runs in pool threads and LibreOffice: the main thread waits for it inside "
              f"convert_many.\n")
    out.write_text(header + text, encoding="utf-8")


def profiles_main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    PROFILES.mkdir(parents=True, exist_ok=True)
    compile_package()
    manifest, profil = copy_examples(WORK / "prof-exempel")
    env = run_env(WORK / "prof-rg")
    stats = WORK / "e2e_kall.pstats"
    out = WORK / "prof-ut"
    shutil.rmtree(out, ignore_errors=True)
    try:
        log("Profil: kallt bygge av exemplet ...")
        r = rapportgen(["handling", str(manifest), "--profil", str(profil), "-o", str(out)], env, prof=stats,
                       measure=True)
        _profile_table(stats, "rapportgen handling examples/sammantrade-2023-09-19, cold (empty cache, no pool)",
                       r["tid"], PROFILES / "e2e_kall.txt")
        wait_warm(env)
        change_tjansteskrivelse(manifest.parent.parent / "tjansteskrivelser" / "06-god-och-nara-vard.md")
        log("Profil: ombygge efter en ändrad tjänsteskrivelse (poolen och den varma processen igång) ...")
        stats = WORK / "e2e_ombygge.pstats"
        stats.unlink(missing_ok=True)
        # The rebuild runs in the warm process's worker: profiled there (RAPPORTGEN_VARM_PROFIL).
        r = rapportgen(["handling", str(manifest), "--profil", str(profil), "-o", str(out)],
                       {**env, "RAPPORTGEN_VARM_PROFIL": str(stats)}, measure=True)
        if not stats.exists():
            raise SystemExit("ombygget gick inte genom den varma processen (ingen profil från dess arbetare)")
        _profile_table(stats, "rapportgen handling, incremental: one tjänsteskrivelse changed, pool and warm "
                       "process running (profile of the warm process's worker)", r["tid"], PROFILES / "e2e_ombygge.txt")
    finally:
        stop_server(env)
    big, base = big_meeting()
    bprofil = write_profile(base, {"vila": 0})
    env = run_env(WORK / "prof-stor")
    out = WORK / "prof-stor-ut"
    shutil.rmtree(out, ignore_errors=True)
    log("Profil: kallt bygge av det stora sammanträdet ...")
    stats = WORK / "stor_kall.pstats"
    r = rapportgen(["handling", str(big), "--profil", str(bprofil), "-o", str(out)], env, prof=stats, measure=True)
    _profile_table(stats, f"rapportgen handling, big meeting ({pdf_pages(out / 'handling.pdf')} pages), cold; "
                   f"LibreOffice busy {r['lo_tid']:.1f} s, peak RSS {r['rss_mb']:.0f} MB", r["tid"], PROFILES / "stor_kall.txt")
    kcmd = kontrollera_command()
    env = run_env(WORK / "prof-kontroll")
    stats = WORK / "kontrollera.pstats"
    r = rapportgen([kcmd, str(manifest), "--profil", str(profil), "--format", "text"], env, prof=stats, check=False)
    _profile_table(stats, f"rapportgen {kcmd} on the example meeting", r["tid"], PROFILES / "kontrollera.txt")
    stats = WORK / "version.pstats"
    r = rapportgen(["--version"], env, prof=stats)
    _profile_table(stats, "rapportgen --version (imports)", r["tid"], PROFILES / "version.txt")
    log(f"Profiler skrivna i {PROFILES} (pstats-filerna i {WORK})")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--cli":
        cli_child(sys.argv[2:])
    else:
        raise SystemExit("kör bench/bench.py (make bench); den här filen är dess end-to-end-del")
