"""convert_while with a source held back until the caller knows more (a part with a table of
contents waits for the page counts of the parts before it): efter or misslyckad marks it; a source
nobody can mark any more is not waited for."""

from __future__ import annotations

import threading

import pytest

from rapportgen.config import Konvertering
from rapportgen.convert import ConversionErrors, convert_while, session

from .conftest import pdf_text
from .test_convert import make_docx


def _held(tmp_path, sources, hall: int, slapp_vid: str):
    """Convert sources, marking every one but `hall` at once and `hall` from efter (slapp_vid
    'efter') or misslyckad ('misslyckad') of another document; returns the calls seen."""
    calls: list[tuple[str, int]] = []
    klar_fn = []

    def gora(klar):
        klar_fn.append(klar)
        for i in range(len(sources)):
            if i != hall:
                klar(i)

    def efter(i, pdf):
        calls.append(("efter", i))
        if slapp_vid == "efter" and i != hall:
            klar_fn[0](hall)

    def misslyckad(i):
        calls.append(("misslyckad", i))
        if slapp_vid == "misslyckad":
            klar_fn[0](hall)

    utfall: dict = {}

    def kor() -> None:
        try:
            with session(Konvertering(cache=False)):
                utfall["ut"] = convert_while(sources, tmp_path / "ut", gora, efter=efter, misslyckad=misslyckad)
        except BaseException as exc:  # handed to the test
            utfall["fel"] = exc

    # A held source nobody releases would hang the build: a guard far above a conversion's time.
    t = threading.Thread(target=kor, daemon=True)
    t.start()
    t.join(300)
    assert not t.is_alive(), "convert_while väntar fortfarande på en källa som ingen släpper"
    if "fel" in utfall:
        raise utfall["fel"]
    return utfall["ut"], calls


def test_held_source_is_converted_after_the_one_it_waits_for(tmp_path):
    a = make_docx(tmp_path / "a.docx", "Första delen")
    b = make_docx(tmp_path / "b.docx", "Delen som väntade")
    out, calls = _held(tmp_path, [a, b], hall=1, slapp_vid="efter")
    assert calls == [("efter", 0), ("efter", 1)]
    assert "Delen som väntade" in pdf_text(out[1])


def test_failed_document_releases_the_held_one(tmp_path):
    trasig = tmp_path / "borta.docx"  # marked, but not there: its job fails
    b = make_docx(tmp_path / "b.docx", "Släppt efter felet")
    with pytest.raises(ConversionErrors) as info:
        _held(tmp_path, [trasig, b], hall=1, slapp_vid="misslyckad")
    assert [f.name for f, _m in info.value.fel] == ["borta.docx"]
    assert "Släppt efter felet" in pdf_text(tmp_path / "ut" / "b.pdf")


def test_source_nobody_marks_is_not_waited_for(tmp_path):
    a = make_docx(tmp_path / "a.docx", "Bara den här")
    saknas = tmp_path / "saknas.docx"  # held, never marked, never written

    with pytest.raises(ConversionErrors) as info:
        _held(tmp_path, [a, saknas], hall=1, slapp_vid="ingen")
    assert [f.name for f, _m in info.value.fel] == ["saknas.docx"]
    assert "finns inte" in info.value.fel[0][1]
    assert "Bara den här" in pdf_text(tmp_path / "ut" / "a.pdf")


def test_a_held_first_source_does_not_take_the_only_instance(tmp_path, monkeypatch):
    """One instance, and the first source is held until the second is converted: the worker must
    not sit waiting on the held one (the web page's build stood still at '2 av 5' that way)."""
    from rapportgen.convert import pool as pool_mod

    tittat = threading.Event()  # the worker has looked at the queue at least once
    real = pool_mod._nasta

    def nasta(todo, las, **kw):
        job = real(todo, las, **kw)
        if job is not None or not todo.empty():
            tittat.set()
        return job

    monkeypatch.setattr(pool_mod, "_nasta", nasta)
    a = make_docx(tmp_path / "a.docx", "Delen som väntade")
    b = make_docx(tmp_path / "b.docx", "Delen som släpper")
    en = pool_mod.Pool(arbetare=1)
    calls: list[int] = []
    klar_fn = []
    utfall: dict = {}

    def gora(klar):
        klar_fn.append(klar)
        tittat.wait(120)  # the worker sees a queue where nothing is written yet
        klar(1)

    def efter(i, pdf):
        calls.append(i)
        if i == 1:
            klar_fn[0](0)

    def kor() -> None:
        try:
            with session(Konvertering(cache=False), pool=en):
                utfall["ut"] = convert_while([a, b], tmp_path / "ut", gora, efter=efter)
        except BaseException as exc:  # handed to the test
            utfall["fel"] = exc

    try:
        t = threading.Thread(target=kor, daemon=True)
        t.start()
        t.join(300)
        assert not t.is_alive(), "den enda instansen väntar på en källa som hålls tillbaka"
    finally:
        en.close()
    if "fel" in utfall:
        raise utfall["fel"]
    assert calls == [1, 0]
    assert "Delen som väntade" in pdf_text(utfall["ut"][0])


def test_a_fault_in_a_worker_thread_stops_the_run_and_is_raised(tmp_path, monkeypatch):
    # A programming error in the scheduler is not disguised as "no instance could convert it", and
    # the other documents are not waited for forever.
    from rapportgen.convert import pool as pool_mod

    def nasta(todo, las, **kw):
        raise RuntimeError("schemaläggaren gick sönder")

    monkeypatch.setattr(pool_mod, "_nasta", nasta)
    a = make_docx(tmp_path / "a.docx", "Första")
    alt = pool_mod.Uppdrag(kalla=a, utdata=tmp_path / "a.pdf", filter_options=[], indata=a)
    with pool_mod.Pool(arbetare=1) as en:
        with pytest.raises(RuntimeError, match="schemaläggaren"):
            en.run([alt])
    assert not alt.klar and alt.fel is None
