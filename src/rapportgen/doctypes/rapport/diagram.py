"""Charts for the reports: vector SVG written from the data, in the body font, with alt text.

Each chart is drawn at the width it is printed (so 8-9 pt labels stay 8-9 pt), in Carlito like
the body text, with the text kept as text. The document holds only the SVG; its size on the page
is the size a PNG of the chart at DPI would have (see Diagram.storlek_png). The alternative text
says what the chart shows, with the figures ("Prognos: 40,9 mnkr över budget ...").

The SVG is written directly (no plotting library: importing and laying out one cost more than
the rest of a report's render). The layout follows the classic plot look: the axes' margins are
what their labels need (the label widths from Carlito's metrics, carlito.py), ticks on "nice"
steps (1, 2, 2,5, 5 times a power of ten), a 5 % margin around the data, a light grid, the left
and bottom spines only.
"""

from __future__ import annotations

import io
import math
import struct
import textwrap
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Hashable
from xml.sax.saxutils import escape, quoteattr

from ...format import MANADER, MANADER_KORT, Formatter
from ...model.ekonomi import NETTO, Driftstabell, Volymer
from .carlito import BREDDER, MEDEL

DPI = 150
BUDGET_FARG = "#9DB4D3"
PROGNOS_FARG = "#1F2A44"
TYPSNITT = ["Carlito", "Calibri", "DejaVu Sans"]  # the body font first
STORLEK = 9.0  # pt, the labels' size (tick labels of the small line charts: 8)
PAD = 1.08 * STORLEK  # free space around the drawing, and between charts
TICK = 3.5  # tick length, and the gap from a tick to its label
LINJE_PITCH = 1.2  # line spacing of a wrapped label, in ems
ASCENT = 0.75  # Carlito's ascent and descent, in ems (the text box of a line is one em high)


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



def _bredd(text: str, storlek: float) -> float:
    """The width in pt of one line of text in Carlito at storlek pt."""
    return sum(BREDDER.get(ord(c), MEDEL) for c in text) * storlek / 1000


def _tal(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


class _Svg:
    """An SVG drawing in pt (1 user unit = 1 pt), written in the order it is drawn."""

    def __init__(self, bredd: float, hojd: float):
        self.bredd, self.hojd = bredd, hojd
        self.delar: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        self.delar.append(f'<rect x="{_tal(x)}" y="{_tal(y)}" width="{_tal(w)}" height="{_tal(h)}" fill="{fill}"/>')

    def linje(self, x1: float, y1: float, x2: float, y2: float, farg: str = "#000000", bredd: float = 0.8,
              rak: bool = False) -> None:
        cap = ' stroke-linecap="square"' if rak else ""
        self.delar.append(f'<line x1="{_tal(x1)}" y1="{_tal(y1)}" x2="{_tal(x2)}" y2="{_tal(y2)}" '
                          f'stroke="{farg}" stroke-width="{_tal(bredd)}"{cap}/>')

    def kurva(self, punkter: list[tuple[float, float]], farg: str, bredd: float, radie: float) -> None:
        d = " ".join(f"{_tal(x)},{_tal(y)}" for x, y in punkter)
        self.delar.append(f'<polyline points="{d}" fill="none" stroke="{farg}" stroke-width="{_tal(bredd)}" '
                          'stroke-linejoin="round" stroke-linecap="square"/>')
        for x, y in punkter:
            self.delar.append(f'<circle cx="{_tal(x)}" cy="{_tal(y)}" r="{_tal(radie)}" fill="{farg}"/>')

    def text(self, x: float, y: float, text: str, storlek: float = STORLEK, ankare: str = "start") -> None:
        """One line of text with its baseline at y."""
        self.delar.append(f'<text x="{_tal(x)}" y="{_tal(y)}" font-size="{_tal(storlek)}" '
                          f'text-anchor="{ankare}">{escape(text)}</text>')

    def rader(self, x: float, mitt: float, rader: list[str], storlek: float, ankare: str) -> None:
        """Lines of text whose block is centred on mitt (vertically)."""
        hojd = (len(rader) - 1) * LINJE_PITCH * storlek + storlek
        y = mitt - hojd / 2 + ASCENT * storlek
        for rad in rader:
            self.text(x, y, rad, storlek, ankare)
            y += LINJE_PITCH * storlek

    def bytes(self) -> bytes:
        font = quoteattr(", ".join([*(f"'{t}'" for t in TYPSNITT), "sans-serif"]))
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_tal(self.bredd)}pt" '
                f'height="{_tal(self.hojd)}pt" viewBox="0 0 {_tal(self.bredd)} {_tal(self.hojd)}">\n'
                f'<g font-family={font} fill="#000000">\n'
                f'<rect x="0" y="0" width="{_tal(self.bredd)}" height="{_tal(self.hojd)}" fill="#ffffff"/>\n')
        return ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + head + "\n".join(self.delar)
                + "\n</g>\n</svg>\n").encode("utf-8")


def _steg(lo: float, hi: float, nbins: int) -> list[float]:
    """Ticks on a nice step within [lo, hi]: the smallest of 1, 2, 2.5, 5, 10 times a power of ten
    that gives at most nbins intervals over the range."""
    if hi <= lo:
        return [lo]
    skala = 10 ** math.floor(math.log10((hi - lo) / nbins))
    ra = (hi - lo) / nbins
    steg = next(s * skala for s in (1, 2, 2.5, 5, 10, 20) if s * skala >= ra * (1 - 1e-9))
    forsta = math.ceil(lo / steg - 1e-9) * steg
    ticks = []
    x = forsta
    while x <= hi + steg * 1e-9:
        ticks.append(round(x, 10) + 0.0)
        x = forsta + len(ticks) * steg
    return ticks


def _marginal(lo: float, hi: float, nedre_fast: bool = False) -> tuple[float, float]:
    """The data range with 5 % margin on each side (none below a fixed lower edge, e.g. a bar's 0)."""
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    m = 0.05 * (hi - lo)
    return (lo if nedre_fast else lo - m), hi + m


def _antal(langd: float, storlek: float, faktor: float) -> int:
    """How many intervals fit on an axis langd pt long with labels of storlek pt."""
    return max(1, min(9, int(langd // (storlek * faktor))))


def _heltal(fmt: Formatter) -> Callable[[float], str]:
    """Tick labels: whole numbers the Swedish way (each value formatted once per chart)."""
    texter: dict[float, str] = {}

    def text(x: float) -> str:
        t = texter.get(x)
        if t is None:
            t = texter[x] = fmt.tal(Decimal(str(x)), 0)
        return t

    return text


def _png_px(bredd_tum: float, hojd_tum: float) -> tuple[int, int]:
    """The pixel size of the chart as a PNG at DPI (whole pixels, rounded down)."""
    return int(bredd_tum * DPI + 1e-6), int(hojd_tum * DPI + 1e-6)


# Charts drawn in this process, by everything that decides the picture: the kind of chart, the
# figures and labels drawn, the width and the formatter's settings. A report rendered again (the
# web page, a rebuild in one process) reuses its charts; a Diagram is immutable, and storlek_png
# gives a new stream each time.
_RITADE: "OrderedDict[Hashable, Diagram]" = OrderedDict()
_RITADE_MAX = 16
_RITADE_LAS = threading.Lock()


def _ritad(nyckel: tuple, fmt: Formatter, rita: Callable[[], Diagram]) -> Diagram:
    full = (nyckel, tuple(sorted(vars(fmt).items())))
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
    n = len(names)
    bredd_tum, hojd_tum = bredd_cm / 2.54, 0.5 * n + 1.2
    W, H = bredd_tum * 72, hojd_tum * 72
    etikett = _heltal(fmt)
    rader = [name.split("\n") for name in names]
    # Data: bar groups at y = n-1 ... 0 (the first verksamhet on top), bars 0.38 high, 0.2 off centre.
    y_lo, y_hi = _marginal(-0.39, n - 1 + 0.39)
    x_lo, x_hi = _marginal(min([0.0, *b, *p]), max([0.0, *b, *p]), nedre_fast=True)
    vanster = PAD + max((_bredd(r, STORLEK) for rr in rader for r in rr), default=0) + 2 * TICK
    hoger = W - PAD
    topp = PAD
    botten = H - PAD - STORLEK - 4 - STORLEK - 2 * TICK  # x label, its gap, tick labels, ticks
    for _ in range(2):  # a tall top label or a wide last tick label moves the edges in
        ticks = _steg(x_lo, x_hi, _antal(hoger - vanster, STORLEK, 3))
        sx = (hoger - vanster) / (x_hi - x_lo)
        sy = (botten - topp) / (y_hi - y_lo)
        over = max(_bredd(etikett(ticks[-1]), STORLEK) / 2 + vanster + (ticks[-1] - x_lo) * sx - (W - PAD), 0)
        ovre = (len(rader[0]) - 1) * LINJE_PITCH * STORLEK + STORLEK if rader else 0
        ut = max(PAD - (topp + (y_hi - (n - 1)) * sy - ovre / 2), 0)
        if over <= 0.01 and ut <= 0.01:
            break
        hoger -= over
        topp += ut

    def X(x: float) -> float:
        return vanster + (x - x_lo) * sx

    def Y(y: float) -> float:
        return topp + (y_hi - y) * sy

    svg = _Svg(W, H)
    for t in ticks:  # the grid, below the bars
        svg.linje(X(t), topp, X(t), botten, "#DDDDDD", 0.6, rak=True)
    for i in range(n):
        y = n - 1 - i
        for varde, mitt, farg in ((b[i], y + 0.2, BUDGET_FARG), (p[i], y - 0.2, PROGNOS_FARG)):
            x0, x1 = sorted((X(0.0), X(varde)))
            svg.rect(x0, Y(mitt + 0.19), x1 - x0, 0.38 * sy, farg)
    svg.linje(vanster, botten, vanster, topp, rak=True)  # the left and bottom spines
    svg.linje(vanster, botten, hoger, botten, rak=True)
    for t in ticks:
        svg.linje(X(t), botten, X(t), botten + TICK)
        svg.text(X(t), botten + 2 * TICK + ASCENT * STORLEK, etikett(t), ankare="middle")
    for i, rr in enumerate(rader):
        y = Y(n - 1 - i)
        svg.linje(vanster - TICK, y, vanster, y)
        svg.rader(vanster - 2 * TICK, y, rr, STORLEK, "end")
    svg.text((vanster + hoger) / 2, botten + 2 * TICK + STORLEK + 4 + ASCENT * STORLEK, "Nettokostnad, mnkr",
             ankare="middle")
    # The legend, lower right inside the axes, without a frame.
    em = STORLEK
    poster = [(BUDGET_FARG, budget), (PROGNOS_FARG, prognos)]
    text_bredd = max(_bredd(t, STORLEK) for _f, t in poster)
    x0 = hoger - 0.5 * em - 0.4 * em - text_bredd - 0.8 * em - 2.0 * em
    rad_botten = botten - 0.5 * em - 0.4 * em
    for farg, text in reversed(poster):
        mitt = rad_botten - STORLEK / 2
        svg.rect(x0, mitt - 0.35 * em, 2.0 * em, 0.7 * em, farg)
        svg.text(x0 + 2.8 * em, rad_botten - (1 - ASCENT) * STORLEK, text)
        rad_botten -= STORLEK + 0.5 * em
    return Diagram(svg.bytes(), alt, bredd_cm, _png_px(bredd_tum, hojd_tum))


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
    rows = max(1, (n + cols - 1) // cols)
    bredd_tum, hojd_tum = bredd_cm / 2.54, 2.1 * rows + 0.3
    W, H = bredd_tum * 72, hojd_tum * 72
    liten = 8.0  # tick labels
    etikett = _heltal(fmt)
    manader = list(range(0, 12, 2))
    # Each chart's cell: its title above (9 pt and a 6 pt gap), month labels below (ticks, 8 pt).
    ovan, nedan = STORLEK + 6, 2 * TICK + liten
    cell_h = (H - 2 * PAD - (rows - 1) * PAD) / rows
    axel_h = cell_h - ovan - nedan
    # y range and ticks per chart; the left margin of a column is what its widest y label needs.
    skalor = []
    for _matt, punkter in serier:
        ys = [y for _m, y in punkter] or [0.0]
        lo, hi = _marginal(min(ys), max(ys))
        skalor.append((lo, hi, _steg(lo, hi, _antal(axel_h, liten, 2))))
    kol_vanster = [0.0] * cols
    for i, (_lo, _hi, ticks) in enumerate(skalor):
        bredast = max((_bredd(etikett(t), liten) for t in ticks), default=0)
        kol_vanster[i % cols] = max(kol_vanster[i % cols], bredast + 2 * TICK)
    x_data = [m for _matt, punkter in serier for m, _y in punkter] or [0]
    x_lo, x_hi = _marginal(min(x_data), max(x_data))
    x_lo, x_hi = min(x_lo, manader[0]), max(x_hi, manader[-1])  # the month ticks are always shown
    over = max(_bredd(MANADER_KORT[::2][-1], liten) / 2, 0)  # the last month label, past the axis' end
    axel_w = (W - 2 * PAD - (cols - 1) * PAD - sum(kol_vanster) - cols * over) / cols

    svg = _Svg(W, H)
    for i, (matt, punkter) in enumerate(serier):
        r, c = divmod(i, cols)
        vanster = PAD + sum(kol_vanster[:c + 1]) + c * (axel_w + over + PAD)
        topp = PAD + r * (cell_h + PAD) + ovan
        botten = topp + axel_h
        hoger = vanster + axel_w
        lo, hi, ticks = skalor[i]

        def X(x: float, vanster=vanster) -> float:
            return vanster + (x - x_lo) * axel_w / (x_hi - x_lo)

        def Y(y: float, botten=botten, lo=lo, hi=hi) -> float:
            return botten - (y - lo) * axel_h / (hi - lo)

        for t in ticks:
            svg.linje(vanster, Y(t), hoger, Y(t), "#EEEEEE", 0.6, rak=True)
        for m in manader:
            svg.linje(X(m), topp, X(m), botten, "#EEEEEE", 0.6, rak=True)
        if punkter:
            svg.kurva([(X(m), Y(y)) for m, y in punkter], PROGNOS_FARG, 1.5, 1.5)
        svg.linje(vanster, botten, vanster, topp, rak=True)
        svg.linje(vanster, botten, hoger, botten, rak=True)
        for m, namn in zip(manader, MANADER_KORT[::2]):
            svg.linje(X(m), botten, X(m), botten + TICK)
            svg.text(X(m), botten + 2 * TICK + ASCENT * liten, namn, liten, "middle")
        for t in ticks:
            svg.linje(vanster - TICK, Y(t), vanster, Y(t))
            svg.text(vanster - 2 * TICK, Y(t) - liten / 2 + ASCENT * liten, etikett(t), liten, "end")
        svg.text((vanster + hoger) / 2, topp - 6 - (1 - ASCENT) * STORLEK, matt, STORLEK, "middle")
    return Diagram(svg.bytes(), alt, bredd_cm, _png_px(bredd_tum, hojd_tum))
