"""The pool prepares each written source before a worker takes it (Pool.run's prepare-ahead
thread): every copy is made once, by whichever thread comes first, and a source that is not
written yet is never touched."""

from __future__ import annotations

import shutil
import threading
from collections import Counter

import docx

from rapportgen.convert import Alternativ
from rapportgen.convert.pool import Uppdrag


def _dokument(path):
    d = docx.Document()
    d.add_paragraph("Ett dokument att konvertera")
    d.save(path)
    return path


def test_each_copy_is_made_once_and_a_held_source_only_once_written(tmp_path, delad_pool):
    src = _dokument(tmp_path / "dok.docx")
    las = threading.Lock()
    gjorda: Counter[int] = Counter()
    tagna: Counter[int] = Counter()
    skriven = threading.Event()  # job 0's source is "written" once job 1 is converted
    fore_skriven: list[int] = []

    def forbered(i: int):
        def gor():
            with las:
                gjorda[i] += 1
                if i == 0 and not skriven.is_set():
                    fore_skriven.append(i)
            kopia = tmp_path / f"kopia-{i}.docx"
            shutil.copyfile(src, kopia)
            return kopia
        return gor

    jobs = [Uppdrag(kalla=src, utdata=tmp_path / f"ut-{i}.pdf", filter_options=Alternativ().filter_options(),
                    forbered=forbered(i), redo=(skriven.is_set if i == 0 else None),
                    tagen=lambda i=i: tagna.update([i]))
            for i in range(5)]

    def klar(job: Uppdrag) -> None:
        if job is jobs[1]:
            skriven.set()

    delad_pool.pool.run(jobs, klar=klar)
    assert all(j.klar and j.fel is None for j in jobs), [j.fel for j in jobs]
    assert all((tmp_path / f"ut-{i}.pdf").read_bytes().startswith(b"%PDF-") for i in range(5))
    assert gjorda == Counter({i: 1 for i in range(5)})
    assert tagna == Counter({i: 1 for i in range(5)})
    assert fore_skriven == []  # never prepared while its source was not written
