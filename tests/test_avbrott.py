"""Ctrl-C that lands where Python cannot raise it (a weakref callback) still stops a conversion."""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = """
import gc, weakref
from rapportgen.convert import pool

class Obj: pass

def callback_raising(exc):
    o = Obj()
    r = weakref.ref(o, lambda _r: (_ for _ in ()).throw(exc))
    del o
    gc.collect()

pool._install_handlers()
callback_raising(ValueError("kvar"))      # not an interrupt: printed as always
pool._STOPPING.set()
callback_raising(KeyboardInterrupt())     # an interrupt while stopping: quiet
try:
    pool.Pool(arbetare=1).run([pool.Uppdrag(kalla=__import__('pathlib').Path('x.docx'),
                                            utdata=__import__('pathlib').Path('x.pdf'), filter_options=[])])
except KeyboardInterrupt:
    print("STOPPADE")
"""


def test_an_interrupt_swallowed_by_a_callback_stops_the_pool_quietly(tmp_path):
    r = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "STOPPADE" in r.stdout, r.stdout + r.stderr
    assert "ValueError: kvar" in r.stderr  # other unraisable errors are still shown
    assert "KeyboardInterrupt" not in r.stderr, r.stderr
