"""`make bench`: rapportgen's conversion engine against naive LibreOffice, side by side.

Workload: every document the examples make (tjänsteskrivelser, the batch sheet,
revisionssvar, uppdragslista) plus the XLSX bilagor: at least 20 documents,
rendered to .docx once up front (rendering is not measured). Then:

  naive      one `soffice --headless --convert-to pdf` process per file, then a pypdf merge
  kall       rapportgen, cold: empty PDF cache, no LibreOffice running; convert_many + the same merge
  ombygge    rapportgen again after one document changed, the pool still warm from the cold
             build (it outlives the command: `konvertering: vila`)
  batch200   200 tjänsteskrivelser generated from the batch sheet: naive vs rapportgen (cold)

Each rapportgen measurement runs in a fresh Python process (its own peak RSS).
Figures are medians over BENCH_RUNS runs (default 3) for the workload and
BENCH_BATCH_RUNS runs (default 1) for the 200 batch, to keep the bench under
about ten minutes.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
WORK = ROOT / "bench" / "work"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
BATCH_RUNS = int(os.environ.get("BENCH_BATCH_RUNS", "1"))
BATCH_SIZE = 200


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- workload ---------------------------------------------------------------------------------


def build_workload(folder: Path) -> list[Path]:
    from rapportgen import doctypes
    from rapportgen.commands.revision import load_register
    from rapportgen.config import load_profile
    from rapportgen.doctypes.tjansteskrivelse import build_batch

    profil = load_profile(EXAMPLES / "rapportgen.yaml")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    docs: list[Path] = []
    ts = sorted((EXAMPLES / "tjansteskrivelser").glob("*.md"))
    docs += doctypes.get("tjansteskrivelse").build(ts, folder, profil, pdf=False).docx
    docs += build_batch(EXAMPLES / "tjansteskrivelser" / "batch" / "arenden.xlsx", folder, profil, pdf=False).docx
    rev = EXAMPLES / "revision"
    docs += doctypes.get("revisionssvar").build([rev / "uppfoljning-granskningar.yaml", rev / "it-sakerhet.md"], folder,
                                profil, pdf=False).docx
    reg = load_register(rev / "revisionsregister.yaml")
    docs += doctypes.get("uppdragslista").build([rev / "uppdragslista.xlsx"], folder, profil, register=reg,
                                                pdf=False).docx
    for x in sorted((EXAMPLES / "sammantrade-2023-09-19" / "bilagor").glob("*.xlsx")):
        shutil.copyfile(x, folder / x.name)
        docs.append(folder / x.name)
    return docs


def build_batch200(folder: Path) -> list[Path]:
    """200 tjänsteskrivelser: the example batch sheet's rows repeated with their own dnr and title."""
    from openpyxl import load_workbook

    from rapportgen.config import load_profile
    from rapportgen.doctypes.tjansteskrivelse import build_batch

    src = EXAMPLES / "tjansteskrivelser" / "batch"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for md in src.glob("*.md"):
        shutil.copyfile(md, folder / md.name)
    wb = load_workbook(src / "arenden.xlsx")
    ws = wb.active
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2) if any(c.value for c in r)]
    ws.delete_rows(2, ws.max_row)
    col = {h: i for i, h in enumerate(header)}
    for n in range(BATCH_SIZE):
        row = list(rows[n % len(rows)])
        row[col["dnr"]] = f"SN/2023:{300 + n}"
        row[col["titel"]] = f"{row[col['titel']]} (nr {n + 1})"
        row[col["filnamn"]] = f"{n + 1:03d}-arende"
        ws.append(row)
    sheet = folder / "arenden200.xlsx"
    wb.save(sheet)
    result = build_batch(sheet, folder / "docx", load_profile(EXAMPLES / "rapportgen.yaml"), pdf=False)
    if result.fel:
        raise SystemExit(f"batchen gav fel: {result.fel[:3]}")
    return result.docx


def change_one(doc: Path) -> None:
    """The person edits one document: a new paragraph."""
    from docx import Document

    d = Document(doc)
    d.add_paragraph(f"Ändrat {time.time()}: ett tillägg efter beredningen.")
    d.save(doc)


# --- naive --------------------------------------------------------------------------------------


def merge(pdfs: list[Path], out: Path) -> None:
    from pypdf import PdfWriter

    w = PdfWriter()
    for p in pdfs:
        w.append(str(p))
    with open(out, "wb") as fh:
        w.write(fh)


def naive(docs: list[Path], outdir: Path, profile: Path) -> float:
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    t0 = time.perf_counter()
    for d in docs:
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(d)],
                       check=True, capture_output=True)
    merge([outdir / f"{d.stem}.pdf" for d in docs], outdir / "samlad.pdf")
    return time.perf_counter() - t0


# --- rapportgen (in a child process) -------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: ru_maxrss keeps the peak of the forked
    copy of the (large) parent across exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text())
    t0 = time.perf_counter()
    m0 = time.monotonic()
    from rapportgen.convert import convert_many, session
    from rapportgen.config import Konvertering

    docs = [Path(p) for p in spec["docs"]]
    outdir = Path(spec["outdir"])
    settings = Konvertering(vila=spec["vila"], arbetare=spec.get("arbetare"))
    with session(settings) as s:
        pdfs = convert_many(docs, outdir)
        merge(pdfs, outdir / "samlad.pdf")
        stat = s.pool.stat if s._pool is not None else None
        intervals = list(stat.lo_intervall) if stat else []
        converted = stat.konverterade if stat else 0
    wall = time.perf_counter() - t0
    m1 = time.monotonic()
    # Time inside LibreOffice (start-up and conversions), overlapping intervals counted once.
    busy, end = 0.0, m0
    for a, b in sorted((max(a, m0), min(b, m1)) for a, b in intervals):
        if b <= end:
            continue
        busy += b - max(a, end)
        end = b
    rss_mb = peak_rss_mb()
    print(json.dumps({"tid": wall, "lo_tid": busy, "konverterade": converted, "rss_mb": rss_mb,
                      "cache_traffar": s.cache.traffar}))


def rapportgen(docs: list[Path], outdir: Path, env: dict, vila: float) -> dict:
    outdir.mkdir(parents=True, exist_ok=True)
    spec = WORK / "spec.json"
    spec.write_text(json.dumps({"docs": [str(d) for d in docs], "outdir": str(outdir), "vila": vila}))
    out = subprocess.run([sys.executable, __file__, "--barn", str(spec)], env=env, capture_output=True,
                         text=True)
    if out.returncode != 0:
        raise SystemExit(f"rapportgen misslyckades:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_env(tmp: Path) -> dict:
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "cache").mkdir(parents=True)
    (tmp / "server").mkdir(parents=True)
    return {**os.environ, "RAPPORTGEN_CACHE": str(tmp / "cache"), "RAPPORTGEN_SERVER_DIR": str(tmp / "server")}


def stop_background(env: dict) -> None:
    subprocess.run([sys.executable, "-c", "from rapportgen.convert import bakgrund; bakgrund.stop()"],
                   env=env, check=True)


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    log("Förbereder arbetslasten (renderas en gång, mäts inte) ...")
    docs = build_workload(WORK / "arbetslast")
    log(f"  {len(docs)} dokument")
    profile = WORK / "naiv-profil"
    # Warm the naive profile once, so naive does not pay a first-start profile either.
    with tempfile.TemporaryDirectory() as t:
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                        "pdf", "--outdir", t, str(docs[0])], check=True, capture_output=True)

    rows = []
    for run in range(RUNS):
        log(f"Körning {run + 1} av {RUNS}: naiv ...")
        t_naive = naive(docs, WORK / "ut-naiv", profile)
        env = fresh_env(WORK / "rg")
        work_docs = WORK / "arbetslast-kopia"
        shutil.rmtree(work_docs, ignore_errors=True)
        shutil.copytree(WORK / "arbetslast", work_docs)
        mine = [work_docs / d.name for d in docs]
        log(f"Körning {run + 1} av {RUNS}: rapportgen kall ...")
        try:
            cold = rapportgen(mine, WORK / "ut-rg", env, vila=300)
            change_one(mine[len(mine) // 2])
            log(f"Körning {run + 1} av {RUNS}: rapportgen ombygge (ett dokument ändrat) ...")
            inc = rapportgen(mine, WORK / "ut-rg", env, vila=300)
        finally:
            stop_background(env)
        assert inc["konverterade"] == 1 and inc["cache_traffar"] == len(docs) - 1, inc
        rows.append((t_naive, cold, inc))
        log(f"  naiv {t_naive:.2f} s, kall {cold['tid']:.2f} s (i LibreOffice {cold['lo_tid']:.2f} s), "
            f"ombygge {inc['tid']:.2f} s")

    log(f"Förbereder {BATCH_SIZE} tjänsteskrivelser från batcharket (mäts inte) ...")
    batch = build_batch200(WORK / "batch200")
    brows = []
    for run in range(BATCH_RUNS):
        log(f"Batch {run + 1} av {BATCH_RUNS}: naiv ({BATCH_SIZE} soffice-processer) ...")
        t_naive = naive(batch, WORK / "ut-batch-naiv", profile)
        log(f"Batch {run + 1} av {BATCH_RUNS}: rapportgen kall ...")
        env = fresh_env(WORK / "rg-batch")
        res = rapportgen(batch, WORK / "ut-batch-rg", env, vila=0)
        brows.append((t_naive, res))
        log(f"  naiv {t_naive:.2f} s, rapportgen {res['tid']:.2f} s, topp-RSS {res['rss_mb']:.0f} MB")

    med = statistics.median
    naive_t = med(r[0] for r in rows)
    cold_t = med(r[1]["tid"] for r in rows)
    inc_t = med(r[2]["tid"] for r in rows)
    own = med((r[1]["tid"] - r[1]["lo_tid"]) / r[1]["tid"] for r in rows)
    b_naive = med(r[0] for r in brows)
    b_rg = med(r[1]["tid"] for r in brows)
    rss = max(r[1]["rss_mb"] for r in brows)
    print(f"# arbetslast: {len(docs)} dokument från examples/, median av {RUNS} körningar; "
          f"batch: {BATCH_SIZE} tjänsteskrivelser, median av {BATCH_RUNS} körning(ar); "
          f"{os.cpu_count()} kärnor")
    print(f"# naiv {naive_t:.2f} s, rapportgen kall {cold_t:.2f} s, ombygge {inc_t:.2f} s; "
          f"batch naiv {b_naive:.2f} s, rapportgen {b_rg:.2f} s")
    print(f"cold_vs_naive_speedup={naive_t / cold_t:.2f}")
    print(f"incremental_share={inc_t / cold_t:.3f}")
    print(f"own_time_share={own:.3f}")
    print(f"batch200_speedup={b_naive / b_rg:.2f}")
    print(f"peak_rss_mb={rss:.0f}")


# --- end to end (issue 19): whole commands as the user runs them -------------------------------------
# (code in bench/e2e.py; imported here so `make bench` stays one script)
from e2e import e2e_main, profiles_main, wanted  # noqa: E402


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--barn":
        child(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "--profilera":
        profiles_main()
    else:
        if wanted("konvertering"):
            main()
        e2e_main()
