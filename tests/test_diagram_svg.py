"""The report charts written as SVG from the data (doctypes/rapport/diagram.py): well-formed,
sized as printed, text as text in the body font, labels from the data, hostile names escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rapportgen import doctypes
from rapportgen.config.profil import profile_for
from rapportgen.doctypes.rapport import diagram
from rapportgen.format import Formatter

from .conftest import EXAMPLES

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def rapport():
    profil = profile_for([EXAMPLES / "delarsrapport"])
    return doctypes.get("delarsrapport").load(EXAMPLES / "delarsrapport", profil), Formatter.from_profil(profil)


def _texter(svg: bytes) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_bar_chart_is_sized_as_printed_with_labels_as_text(rapport):
    doc, fmt = rapport
    d = diagram.budget_prognos(doc.drift, fmt, bredd_cm=15.0)
    root = ET.fromstring(d.svg)
    hojd_tum = 0.5 * len(doc.drift.verksamheter) + 1.2
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(15 / 2.54 * 72, abs=0.01)
    assert float(root.get("height").removesuffix("pt")) == pytest.approx(hojd_tum * 72, abs=0.01)
    assert d.png_px == (int(15 / 2.54 * 150), int(hojd_tum * 150))
    assert root.find(f"{SVG}g").get("font-family").startswith("'Carlito'")
    texter = _texter(d.svg)
    assert "Nettokostnad, mnkr" in texter
    assert {"Budget helår", "Årsprognos"} <= set(texter)
    # Every verksamhet's name, in its wrapped lines, is there.
    for v in doc.drift.verksamheter:
        assert " ".join(v.namn.split()) in " ".join(texter)
    # Bars: two per verksamhet, their lengths in proportion to the figures.
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == diagram.PROGNOS_FARG]
    assert len(bars) == len(doc.drift.verksamheter) + 1  # and the legend's
    # The x axis starts at 0 and shows the costs' size: no negative tick labels.
    assert "0" in texter and not any(t[:1] in "-\u2212" and t[1:2].isdigit() for t in texter)


def test_line_charts_one_per_measure(rapport):
    doc, fmt = rapport
    d = diagram.volymer(doc.volymer, fmt)
    root = ET.fromstring(d.svg)
    texter = _texter(d.svg)
    for serie in doc.volymer.serier:
        assert serie.matt in texter
    assert texter.count("jan") == len(doc.volymer.serier)
    kurvor = list(root.iter(f"{SVG}polyline"))
    assert len(kurvor) == len([s for s in doc.volymer.serier if any(x is not None for x in s.varden)])
    punkter = sum(len([x for x in s.varden if x is not None]) for s in doc.volymer.serier)
    assert len(list(root.iter(f"{SVG}circle"))) == punkter


def test_line_chart_points_follow_the_figures(rapport):
    """A higher value is drawn higher (SVG y grows downwards) on the same chart."""
    doc, fmt = rapport
    serie = doc.volymer.serier[0]
    one = replace(doc.volymer, serier=[serie])
    root = ET.fromstring(diagram.volymer(one, fmt).svg)
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    varden = [x for x in serie.varden if x is not None]
    order = sorted(range(len(varden)), key=lambda i: varden[i])
    assert [ys[i] for i in order] == sorted(ys, reverse=True)


@pytest.mark.parametrize(("lo", "hi", "nbins", "ticks"), [
    (0, 147.0, 9, [0, 20, 40, 60, 80, 100, 120, 140]),
    (20920, 22330, 7, [21000, 21250, 21500, 21750, 22000, 22250]),
    (206.8, 211.2, 7, [207, 208, 209, 210, 211]),
    (0.0, 1.0, 5, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
])
def test_ticks_on_nice_steps(lo, hi, nbins, ticks):
    assert diagram._steg(lo, hi, nbins) == pytest.approx(ticks)


def test_flat_and_empty_series_are_drawn(rapport):
    doc, fmt = rapport
    platt = replace(doc.volymer.serier[0], varden=[Decimal(5)] * 3 + [None] * 9)
    tom = replace(doc.volymer.serier[1], varden=[None] * 12)
    d = diagram.volymer(replace(doc.volymer, serier=[platt, tom]), fmt)
    root = ET.fromstring(d.svg)
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    assert "inga värden" in d.alt


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(namn=st.text(alphabet=st.sampled_from(list("<>&\"'åäöÅÄÖ ]]>-x\u2212\u00e9")), min_size=1, max_size=60)
       .filter(lambda t: t.strip()))
def test_hostile_names_stay_text(rapport, namn):
    doc, fmt = rapport
    v = replace(doc.drift.verksamheter[0], namn=namn)
    drift = replace(doc.drift, verksamheter=[v, *doc.drift.verksamheter[1:]])
    d = diagram.budget_prognos(drift, fmt)
    texter = _texter(d.svg)  # parses: the name did not break the XML
    # Every character survives, in order (a label longer than a line is wrapped, even mid-word).
    assert "".join(namn.split()) in "".join("".join(t for t in texter if t).split())
