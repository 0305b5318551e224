"""A command's process leaves through rapportgen.utgang.avsluta: without the interpreter's teardown,
but with what of it matters (other threads waited for, exit handlers run, output flushed)."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import atexit, sys, threading, time
from rapportgen.utgang import avsluta
atexit.register(lambda: print("utgång", flush=True))
threading.Thread(target=lambda: (time.sleep(0.3), print("tråd", flush=True))).start()
sys.stdout.write("buffrad ")  # not flushed
avsluta({kod!r})
"""


def _kor(kod):
    return subprocess.run([sys.executable, "-c", PROGRAM.format(kod=kod)], capture_output=True, text=True,
                          timeout=60)


def test_threads_handlers_and_output_survive_the_fast_exit():
    r = _kor(3)
    assert r.returncode == 3
    assert r.stdout.split() == ["buffrad", "tråd", "utgång"]  # the thread before the handlers, as at exit


def test_exit_codes_as_the_interpreter_gives_them():
    assert _kor(None).returncode == 0
    assert _kor(258).returncode == 2
    r = _kor("något gick fel")
    assert r.returncode == 1 and "något gick fel" in r.stderr


def test_the_console_command_exits_with_its_code_and_output(tmp_path):
    exe = [sys.executable, "-m", "rapportgen"]
    r = subprocess.run([*exe, "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "rapportgen" in r.stdout
    r = subprocess.run([*exe, "kontrollera", str(tmp_path / "saknas.yaml")], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "filen finns inte" in r.stdout + r.stderr
