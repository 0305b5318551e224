"""Progress as documents converted out of the total: convert_many, several files, and the package."""

from __future__ import annotations

import threading
from pathlib import Path

from docx import Document

import rapportgen
from rapportgen.convert import convert_many

from .handling_helpers import dokument, write_manifest


class Calls:
    """Records progress(done, total, name); calls may come from the pool's worker threads."""

    def __init__(self):
        self.calls: list[tuple[int, int, str]] = []
        self.lock = threading.Lock()

    def __call__(self, done: int, total: int, name: str) -> None:
        with self.lock:
            self.calls.append((done, total, name))


def _docs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True)
    out = []
    for i in range(n):
        doc = Document()
        doc.add_paragraph(f"Dokument {i}")
        doc.save(folder / f"dok-{i}.docx")
        out.append(folder / f"dok-{i}.docx")
    return out


def test_convert_many_reports_each_document_then_cache_hits(tmp_path):
    docs = _docs(tmp_path / "in", 3)
    first = Calls()
    convert_many(docs, tmp_path / "ut", progress=first)
    assert [c[:2] for c in first.calls] == [(1, 3), (2, 3), (3, 3)]
    assert sorted(c[2] for c in first.calls) == ["dok-0.pdf", "dok-1.pdf", "dok-2.pdf"]
    again = Calls()  # all three from the cache now: still one step per document
    convert_many(docs, tmp_path / "ut2", progress=again)
    assert [c[:2] for c in again.calls] == [(1, 3), (2, 3), (3, 3)]


def test_package_progress_counts_converted_parts(tmp_path):
    # A meeting of three ärenden with two bilagor each: what is counted does not depend on how many
    # parts a meeting has, and a small one is quick to build (the example is built in test_handling_example).
    yaml, stems = "", []
    for punkt in (1, 2, 3):
        yaml += f"  - punkt: {punkt}\n    ärendemening: Ärende {punkt}\n    bilagor:\n"
        for bokstav in "ab":
            stems.append(f"{punkt}{bokstav}")
            dokument(tmp_path, f"{stems[-1]}.md", f"Bilaga {stems[-1]}")
            yaml += f"      - {{etikett: Bilaga {stems[-1]}, fil: {stems[-1]}.md}}\n"
    calls = Calls()
    res = rapportgen.build(write_manifest(tmp_path, yaml), tmp_path / "ut", progress=calls)
    # One conversion pass: the kallelse draft and the six bilagor, each counted once, in order.
    totals = {t for _d, t, _n in calls.calls if t}
    assert totals == {7}
    converted = [(d, n.rpartition(": ")[2]) for d, t, n in calls.calls if t and n.endswith(".pdf")]
    assert [d for d, _n in converted] == list(range(1, 8))
    names = [n for _d, n in converted]
    assert len([n for n in names if n.startswith("kallelse")]) == 1
    for stem in stems:
        assert len([n for n in names if n.endswith(f"{stem}.pdf")]) == 1, (stem, names)
    # The steps after the conversions keep the count at the total.
    after = calls.calls[calls.calls.index(next(c for c in calls.calls if c[0] == 7)):]
    assert after and all(d == t == 7 for d, t, _n in after)
    assert res.handlingar and res.handlingar[0].handling.is_file()
