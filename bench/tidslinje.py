"""Print a build's timeline: RAPPORTGEN_TIDSLINJE=/tmp/t.log rapportgen handling ...; then
python bench/tidslinje.py /tmp/t.log [start-monotonic]

Times are seconds from the first line (or from the given monotonic start, e.g. the moment the
command was started: `python -c 'import time; print(time.monotonic())'` just before it).
Per document: when it was rendered, when LibreOffice converted it and when it was read back;
then the stages of the package, and how long the main thread and each endpoint were busy.
"""

from __future__ import annotations

import sys
from collections import defaultdict


def main() -> None:
    rader = []
    for line in open(sys.argv[1], encoding="utf-8"):
        t, trad, handelse, *rest = line.rstrip("\n").split(" ", 3)
        rader.append((float(t), trad, handelse, rest[0] if rest else ""))
    rader.sort()
    t0 = float(sys.argv[2]) if len(sys.argv) > 2 else rader[0][0]
    oppna: dict[tuple[str, str], float] = {}
    par = {"renderad": "renderar", "läst": "läser", "konverterad": "konverterar", "sparad": "sparar",
           "pdfua klar": "pdfua"}
    upptagen: dict[str, float] = defaultdict(float)
    for t, trad, handelse, detalj in rader:
        namn = detalj.split(" ")[0]
        extra = ""
        if handelse in par:
            start = oppna.pop((par[handelse], namn), None)
            if start is not None:
                extra = f"  ({t - start:5.2f} s)"
                vem = detalj.split(" ")[1] if handelse == "konverterad" else "huvudtråd"
                upptagen[vem] += t - start
        else:
            oppna[(handelse, namn)] = t
        print(f"{t - t0:7.2f}  {trad[:12]:12} {handelse:12} {detalj}{extra}")
    print()
    slut = rader[-1][0] - t0
    print(f"slut {slut:.2f} s")
    for vem, s in sorted(upptagen.items()):
        print(f"  {vem:12} upptagen {s:6.2f} s")


if __name__ == "__main__":
    main()
