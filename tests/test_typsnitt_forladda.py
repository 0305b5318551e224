"""The warm process loads the cached font metrics once, before it forks."""

from __future__ import annotations

from rapportgen.assemble import typsnitt


def test_forladda_loads_the_metrics_already_cached_and_parses_no_font(tmp_path, monkeypatch):
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "cache"))
    typsnitt._system_fonts.cache_clear()
    typsnitt._full_font.cache_clear()
    try:
        fonts = sorted(set(typsnitt._system_fonts().values()))
        assert fonts  # the Makefile installs Carlito, Liberation and DejaVu
        assert typsnitt.forladda() == 0  # nothing cached: no font is parsed at start
        assert typsnitt._full_font.cache_info().currsize == 0
        typsnitt._full(fonts[0])  # a build reads one font's metrics (and caches them)
        typsnitt._full_font.cache_clear()
        assert typsnitt.forladda() == 1
        info = typsnitt._full_font.cache_info()
        assert info.currsize == 1 and info.misses == 1
        typsnitt._full(fonts[0])  # what a forked worker then asks for is in memory
        assert typsnitt._full_font.cache_info().hits == 1
    finally:
        typsnitt._system_fonts.cache_clear()
        typsnitt._full_font.cache_clear()
