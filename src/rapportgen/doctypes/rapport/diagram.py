"""Charts for the reports: matplotlib (Agg), vector SVG in the body font, with alt text from the data.

Each chart is drawn at the width it is printed (so 8-9 pt labels stay 8-9 pt),
in Carlito like the body text, as SVG with the text kept as text. The document
holds only the SVG; its size on the page is the size a PNG of the chart at DPI
would have (see Diagram.storlek_png). The alternative text says what the chart
shows, with the figures ("Prognos: 40,9 mnkr över budget ...").

matplotlib is imported when the first chart is drawn (a verksamhetsplan has none), and
without pyplot: a chart is a Figure on an Agg canvas, with no figure manager.
"""

from __future__ import annotations

import io
import struct
import textwrap
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Hashable

from ...format import MANADER, MANADER_KORT, Formatter
from ...model.ekonomi import NETTO, Driftstabell, Volymer

DPI = 150
BUDGET_FARG = "#9DB4D3"
PROGNOS_FARG = "#1F2A44"
TYPSNITT = ["Carlito", "Calibri", "DejaVu Sans"]  # the body font first
STIL = {"font.family": "sans-serif", "font.sans-serif": TYPSNITT, "svg.fonttype": "none",
        "svg.hashsalt": "rapportgen", "font.size": 9}


@dataclass(frozen=True)
class Diagram:
    svg: bytes
    alt: str
    bredd_cm: float
    png_px: tuple[int, int]  # width and height in pixels of the chart drawn as PNG at DPI

    def storlek_png(self) -> io.BytesIO:
        """A blank PNG of the chart's pixel size and DPI: python-docx sizes a picture from a
        raster image's header (the picture shown is the SVG). One bit per pixel, so it costs
        next to nothing; drawing the chart itself as PNG took a third of a report's render."""
        w, h = self.png_px
        rad = b"\x00" + b"\x00" * ((w + 7) // 8)  # filter byte, then w one-bit pixels
        ppm = int(DPI / 0.0254 + 0.5)  # pixels per metre, as Pillow writes pHYs

        def chunk(typ: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + typ + data + struct.pack(">I", zlib.crc32(typ + data))

        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
               + chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
               + chunk(b"IDAT", zlib.compress(rad * h)) + chunk(b"IEND", b""))
        return io.BytesIO(png)


def _figur(figsize: tuple[float, float], rows: int = 1, cols: int = 1) -> tuple[Any, Any]:
    """A figure on an Agg canvas and its rows x cols axes (as a 2-d array), drawn with the
    current rc settings (call inside rc_context)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(rows, cols, squeeze=False)


def _tal_axel(fmt: Formatter, texter: dict[float, str]) -> Any:
    """A tick formatter writing whole numbers the Swedish way; each value is formatted once per
    chart, in texter (matplotlib asks for the same tick labels on every layout pass)."""
    from matplotlib.ticker import FuncFormatter

    def text(x: float, _pos: Any) -> str:
        t = texter.get(x)
        if t is None:
            t = texter[x] = fmt.tal(Decimal(str(x)), 0)
        return t

    return FuncFormatter(text)


def _rc() -> Any:
    import matplotlib

    return matplotlib.rc_context(STIL)


# Charts drawn in this process, by everything that decides the picture: the kind of chart, the
# figures and labels drawn, the width, the formatter's settings and matplotlib's settings. A
# report rendered again (the web page, a rebuild in one process) reuses its charts; a Diagram
# is immutable, and storlek_png gives a new stream each time.
_RITADE: "OrderedDict[Hashable, Diagram]" = OrderedDict()
_RITADE_MAX = 16
_RITADE_LAS = threading.Lock()


def _ritad(nyckel: tuple, fmt: Formatter, rita: Callable[[], Diagram]) -> Diagram:
    import matplotlib

    full = (nyckel, tuple(sorted(vars(fmt).items())), repr(sorted(dict.items(matplotlib.rcParams))))
    with _RITADE_LAS:
        if full in _RITADE:
            _RITADE.move_to_end(full)
            return _RITADE[full]
    diagram = rita()
    with _RITADE_LAS:
        _RITADE[full] = diagram
        while len(_RITADE) > _RITADE_MAX:
            _RITADE.popitem(last=False)
    return diagram


def _spara(fig, alt: str, bredd_cm: float) -> Diagram:
    svg = io.BytesIO()
    # Fixed metadata so the same data gives the same bytes.
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    fig.set_dpi(DPI)  # the pixel size savefig(format="png", dpi=DPI) would give
    return Diagram(svg.getvalue(), alt, bredd_cm, fig.canvas.get_width_height(physical=True))


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
    nyckel = ("budget_prognos", tuple(names), tuple(b), tuple(p), budget, prognos, bredd_cm, alt)
    return _ritad(nyckel, fmt, lambda: _rita_budget_prognos(names, b, p, budget, prognos, fmt, bredd_cm, alt))


def _rita_budget_prognos(names: list[str], b: list[float], p: list[float], budget: str, prognos: str,
                         fmt: Formatter, bredd_cm: float, alt: str) -> Diagram:
    with _rc():
        height = 0.5 * len(names) + 1.2
        fig, axes = _figur((bredd_cm / 2.54, height))
        ax = axes[0][0]
        ys = list(range(len(names)))[::-1]
        ax.barh([y + 0.2 for y in ys], b, height=0.38, color=BUDGET_FARG, label=budget)
        ax.barh([y - 0.2 for y in ys], p, height=0.38, color=PROGNOS_FARG, label=prognos)
        ax.set_yticks(ys)
        ax.set_yticklabels(names, fontsize=9)
        ax.xaxis.set_major_formatter(_tal_axel(fmt, {}))
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
    serier = tuple((serie.matt, tuple((m, float(x)) for m, x in enumerate(serie.varden) if x is not None))
                   for serie in v.serier)
    nyckel = ("volymer", serier, bredd_cm, alt)
    return _ritad(nyckel, fmt, lambda: _rita_volymer(serier, fmt, bredd_cm, alt))


def _rita_volymer(serier: tuple[tuple[str, tuple[tuple[int, float], ...]], ...], fmt: Formatter,
                  bredd_cm: float, alt: str) -> Diagram:
    n = len(serier)
    cols = 2
    rows = (n + cols - 1) // cols
    with _rc():
        fig, axes = _figur((bredd_cm / 2.54, 2.1 * rows + 0.3), rows, cols)
        texter: dict[float, str] = {}
        for i, (matt, points) in enumerate(serier):
            ax = axes[i // cols][i % cols]
            ax.plot([m for m, _ in points], [x for _, x in points], marker="o", markersize=3, color=PROGNOS_FARG)
            # y=1.0 is where matplotlib's automatic placement puts it (nothing drawn above these
            # axes); given, it spares the placement's measuring of every tick label on each pass.
            ax.set_title(matt, fontsize=9, y=1.0)
            ax.set_xticks(range(0, 12, 2))
            ax.set_xticklabels(MANADER_KORT[::2], fontsize=8)
            ax.yaxis.set_major_formatter(_tal_axel(fmt, texter))
            ax.tick_params(axis="y", labelsize=8)
            ax.grid(color="#EEEEEE", linewidth=0.6)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        for j in range(n, rows * cols):
            axes[j // cols][j % cols].axis("off")
        fig.tight_layout()
        return _spara(fig, alt, bredd_cm)
