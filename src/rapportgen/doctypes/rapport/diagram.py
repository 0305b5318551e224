"""Charts for the reports: matplotlib (Agg), PNG at a fixed DPI, Swedish labels."""

from __future__ import annotations

import io
import textwrap
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ...format import MANADER_KORT, Formatter  # noqa: E402
from ...model.ekonomi import NETTO, Driftstabell, Volymer  # noqa: E402

DPI = 150
BUDGET_FARG = "#9DB4D3"
PROGNOS_FARG = "#1F2A44"


def _png(fig) -> io.BytesIO:
    buf = io.BytesIO()
    # Fixed metadata so the same data gives the same bytes.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    buf.seek(0)
    return buf


def budget_prognos(d: Driftstabell, fmt: Formatter, budget: str = "Budget helår",
                   prognos: str = "Årsprognos") -> io.BytesIO:
    """Horizontal bars: nettokostnad per verksamhet, budget helår vs årsprognos, in mnkr."""
    names = [textwrap.fill(v.namn, 30) for v in d.verksamheter]
    million = Decimal(1_000_000)
    # Net costs are negative in the table; the chart shows their size.
    b = [float(-(d.varde(v, NETTO, budget) or 0) / million) for v in d.verksamheter]
    p = [float(-(d.varde(v, NETTO, prognos) or 0) / million) for v in d.verksamheter]
    height = 0.42 * len(names) + 1.3
    fig, ax = plt.subplots(figsize=(7.5, height))
    ys = list(range(len(names)))[::-1]
    ax.barh([y + 0.2 for y in ys], b, height=0.38, color=BUDGET_FARG, label=budget)
    ax.barh([y - 0.2 for y in ys], p, height=0.38, color=PROGNOS_FARG, label=prognos)
    ax.set_yticks(ys)
    ax.set_yticklabels(names, fontsize=8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.tal(Decimal(str(x)), 0)))
    ax.set_xlabel("Nettokostnad, mnkr", fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    fig.tight_layout()
    return _png(fig)


def volymer(v: Volymer, fmt: Formatter) -> io.BytesIO:
    """One small line chart per measure, months on the x axis."""
    n = len(v.serier)
    cols = 2
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(7.0, 2.0 * rows + 0.3), squeeze=False)
    for i, serie in enumerate(v.serier):
        ax = axes[i // cols][i % cols]
        points = [(m, float(x)) for m, x in enumerate(serie.varden) if x is not None]
        ax.plot([m for m, _ in points], [x for _, x in points], marker="o", markersize=3, color=PROGNOS_FARG)
        ax.set_title(serie.matt, fontsize=8.5)
        ax.set_xticks(range(12))
        ax.set_xticklabels(MANADER_KORT, fontsize=6.5)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.tal(Decimal(str(x)), 0)))
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(color="#EEEEEE", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.tight_layout()
    return _png(fig)
