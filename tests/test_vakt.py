"""The pool's threads are woken when something changes (pool.Vakt), not only by looking again."""

from __future__ import annotations

import threading

from rapportgen.convert.pool import Vakt


def test_a_waiter_is_woken_by_a_change_and_does_not_wait_for_one_it_missed():
    v = Vakt()
    sedan = v.gen
    klar = threading.Event()

    def vanta() -> None:
        v.vanta(sedan, 120)  # far longer than the join below: only vacka ends it in time
        klar.set()

    t = threading.Thread(target=vanta, daemon=True)
    t.start()
    v.vacka()
    t.join(60)
    assert klar.is_set()
    # A change made after the waiter looked but before it waits is not lost: it returns at once.
    missad = v.gen
    v.vacka()
    t2 = threading.Thread(target=v.vanta, args=(missad, 120), daemon=True)
    t2.start()
    t2.join(60)
    assert not t2.is_alive()
