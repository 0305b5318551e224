"""Progress as documents converted out of the total: convert_many, several files, and the package."""

from __future__ import annotations

import threading
from pathlib import Path

from docx import Document

import rapportgen
from rapportgen.convert import convert_many

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "examples" / "sammantrade-2023-09-19" / "sammantrade.yaml"


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
    calls = Calls()
    res = rapportgen.build(MANIFEST, tmp_path / "ut", progress=calls)
    totals = {t for _d, t, _n in calls.calls if t}
    assert len(totals) >= 1
    # The first conversion pass holds the kallelse draft and every part rapportgen converts.
    parts = max(totals)
    assert parts > 10
    assert (parts, parts) in {(d, t) for d, t, _n in calls.calls}
    dones = [d for d, t, _n in calls.calls if t == parts]
    assert dones == sorted(dones)
    assert res.handlingar and res.handlingar[0].handling.is_file()
