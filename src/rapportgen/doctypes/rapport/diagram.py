"""Charts for the reports: matplotlib (Agg), vector SVG in the body font, with alt text from the data.

Each chart is drawn at the width it is printed (so 8-9 pt labels stay 8-9 pt),
in Carlito like the body text, as SVG with the text kept as text; a PNG is made
too for programs that cannot show SVG. The alternative text says what the
chart shows, with the figures ("Prognos: 40,9 mnkr över budget ...").
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ...format import MANADER, MANADER_KORT, Formatter  # noqa: E402
from ...model.ekonomi import NETTO, Driftstabell, Volymer  # noqa: E402

DPI = 150
BUDGET_FARG = "#9DB4D3"
PROGNOS_FARG = "#1F2A44"
TYPSNITT = ["Carlito", "Calibri", "DejaVu Sans"]  # the body font first
STIL = {"font.family": "sans-serif", "font.sans-serif": TYPSNITT, "svg.fonttype": "none",
        "svg.hashsalt": "rapportgen", "font.size": 9}


@dataclass(frozen=True)
class Diagram:
    svg: bytes
    png: io.BytesIO
    alt: str
    bredd_cm: float


def _spara(fig, alt: str, bredd_cm: float) -> Diagram:
    svg = io.BytesIO()
    # Fixed metadata so the same data gives the same bytes.
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    png.seek(0)
    return Diagram(svg.getvalue(), png, alt, bredd_cm)


def budget_prognos(d: Driftstabell, fmt: Formatter, bredd_cm: float = 15.0) -> Diagram:
    """Horizontal bars: nettokostnad per verksamhet, the budget column vs the forecast column (the
    definition's roll: budget and roll: prognos, e.g. Budget helår and Årsprognos), in mnkr."""
    budget, prognos = d.rollkolumn("budget"), d.rollkolumn("prognos")
    names = [textwrap.fill(v.namn, 28) for v in d.verksamheter]
    million = Decimal(1_000_000)
    # Net costs are negative in the table; the chart shows their size.
    bd = [-(d.varde(v, NETTO, budget) or 0) / million for v in d.verksamheter]
    pd = [-(d.varde(v, NETTO, prognos) or 0) / million for v in d.verksamheter]
    b, p = [float(x) for x in bd], [float(x) for x in pd]

    def mnkr(x: Decimal) -> str:
        return fmt.tal(x, 1)

    total = sum(pd, Decimal(0)) - sum(bd, Decimal(0))
    riktning = "över" if total > 0 else "under"
    alt = (f"Stapeldiagram över nettokostnad per verksamhet, {budget.lower()} och {prognos.lower()} i mnkr. "
           f"{prognos}: {mnkr(abs(total))} mnkr {riktning} budget totalt. "
           + " ".join(f"{v.namn}: budget {mnkr(x)}, prognos {mnkr(y)} mnkr." for v, x, y in zip(d.verksamheter, bd, pd)))
    with plt.rc_context(STIL):
        height = 0.5 * len(names) + 1.2
        fig, ax = plt.subplots(figsize=(bredd_cm / 2.54, height))
        ys = list(range(len(names)))[::-1]
        ax.barh([y + 0.2 for y in ys], b, height=0.38, color=BUDGET_FARG, label=budget)
        ax.barh([y - 0.2 for y in ys], p, height=0.38, color=PROGNOS_FARG, label=prognos)
        ax.set_yticks(ys)
        ax.set_yticklabels(names, fontsize=9)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.tal(Decimal(str(x)), 0)))
        ax.set_xlabel("Nettokostnad, mnkr", fontsize=9)
        ax.tick_params(axis="x", labelsize=9)
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(fontsize=9, loc="lower right", frameon=False)
        fig.tight_layout()
        return _spara(fig, alt, bredd_cm)


def volymer(v: Volymer, fmt: Formatter, bredd_cm: float = 16.0) -> Diagram:
    """One small line chart per measure, months on the x axis."""
    n = len(v.serier)
    cols = 2
    rows = (n + cols - 1) // cols
    delar = []
    for serie in v.serier:
        punkter = [(m, x) for m, x in enumerate(serie.varden) if x is not None]
        if not punkter:
            delar.append(f"{serie.matt}: inga värden.")
            continue
        (m0, x0), (m1, x1) = punkter[0], punkter[-1]
        mh, xh = max(punkter, key=lambda t: t[1])
        delar.append(f"{serie.matt}: {fmt.tal(x0, 0)} i {MANADER[m0]}, {fmt.tal(x1, 0)} i {MANADER[m1]}, "
                     f"högst {fmt.tal(xh, 0)} i {MANADER[mh]}.")
    alt = f"Linjediagram över volymer per månad {v.ar}, ett diagram per mått. " + " ".join(delar)
    with plt.rc_context(STIL):
        fig, axes = plt.subplots(rows, cols, figsize=(bredd_cm / 2.54, 2.1 * rows + 0.3), squeeze=False)
        for i, serie in enumerate(v.serier):
            ax = axes[i // cols][i % cols]
            points = [(m, float(x)) for m, x in enumerate(serie.varden) if x is not None]
            ax.plot([m for m, _ in points], [x for _, x in points], marker="o", markersize=3, color=PROGNOS_FARG)
            ax.set_title(serie.matt, fontsize=9)
            ax.set_xticks(range(0, 12, 2))
            ax.set_xticklabels(MANADER_KORT[::2], fontsize=8)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.tal(Decimal(str(x)), 0)))
            ax.tick_params(axis="y", labelsize=8)
            ax.grid(color="#EEEEEE", linewidth=0.6)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        for j in range(n, rows * cols):
            axes[j // cols][j % cols].axis("off")
        fig.tight_layout()
        return _spara(fig, alt, bredd_cm)
