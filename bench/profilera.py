"""Profile `rapportgen handling`: a cold build, then a rebuild after one tjänsteskrivelse changed.

    python bench/profilera.py exempel /tmp/prof        # the example meeting
    python bench/profilera.py stor /tmp/prof           # the big budget meeting (bench/stor_sammantrade.py)

Each build runs as its own process with a private cache and server folder, under cProfile with
the main thread's CPU time as its clock (a shared, loaded machine stretches wall time, not CPU
time); LibreOffice works in other processes and the pool's threads, so what the tables show is
rapportgen's own work. Writes kall.pstats/omb.pstats and kall.txt/omb.txt (tables by cumulative
and own time) to the folder, and prints CPU seconds, wall time and LibreOffice's busy time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import e2e  # noqa: E402

CHILD = """
import cProfile, sys, time, atexit
prof = cProfile.Profile(time.thread_time)
out = sys.argv[1]  # kept: sys.argv becomes the command's below
def done():
    prof.disable()
    prof.dump_stats(out)
    with open(out + ".cpu", "w") as f:
        f.write(f"{time.process_time():.2f}")
atexit.register(done)
prof.enable()
from rapportgen.cli import main
sys.argv = ["rapportgen", *sys.argv[2:]]
main()
"""


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("exempel", "stor"):
        raise SystemExit(__doc__)
    what, folder = sys.argv[1], Path(sys.argv[2])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = e2e.run_env(folder / "rg")
    if what == "stor":
        subprocess.run([str(e2e.PY), str(Path(__file__).resolve().parent / "stor_sammantrade.py"),
                        str(folder / "stor")], env=env, check=True, capture_output=True)
        manifest, profil = folder / "stor" / "sammantrade.yaml", folder / "stor" / "rapportgen.yaml"
        skrivelser = sorted(m for m in (folder / "stor").rglob("*.md") if "tjansteskriv" in str(m))
        md = skrivelser[len(skrivelser) // 2]
    else:
        manifest, profil = e2e.copy_examples(folder / "exempel")
        md = manifest.parent.parent / "tjansteskrivelser" / "06-god-och-nara-vard.md"
    try:
        for name in ("kall", "omb"):
            if name == "omb":
                e2e.change_tjansteskrivelse(md)
            stats = folder / f"{name}.pstats"
            sampler = e2e.LoSampler(env[e2e.MARKER])
            t0 = time.perf_counter()
            with sampler:
                out = subprocess.run([str(e2e.PY), "-c", CHILD, str(stats), "handling", str(manifest), "--profil",
                                      str(profil), "-o", str(folder / "ut")], env=env, capture_output=True, text=True)
            wall = time.perf_counter() - t0
            if out.returncode:
                raise SystemExit(out.stderr[-3000:])
            cpu = Path(str(stats) + ".cpu").read_text()
            print(f"{name}: cpu {cpu} s, vägg {wall:.2f} s, LibreOffice {sampler.busy:.2f} s")
            e2e._profile_table(stats, name, wall, folder / f"{name}.txt")
    finally:
        e2e.stop_server(env)


if __name__ == "__main__":
    main()
