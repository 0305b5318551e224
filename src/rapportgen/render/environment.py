"""The Jinja environment every template is rendered in, and the guard around a render.

Sandboxed (templates cannot reach Python internals), StrictUndefined (a
missing variable is an error, not an empty string) and autoescaped (data can
never break the document's XML). On top of Jinja's sandbox: no huge ranges,
no huge string/list repetition or powers, and a time and memory limit for the
whole render (see guard()), so a template loop ends in a located error.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from typing import Iterator

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from ..format import Formatter

MAX_REPEAT = 1_000_000  # items or characters from one '*' in a template
MAX_POWER = 10_000  # largest exponent of '**'


class RenderLimit(Exception):
    """A render ran out of its time or memory."""


class GuardedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with limits on range, '*' and '**'."""

    MAX_RANGE = 100_000
    intercepted_binops = frozenset(("*", "**"))

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_POWER:
                raise SecurityError(f"exponenten {right} är för stor")
        elif operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    if len(seq) * n > MAX_REPEAT:
                        raise SecurityError(f"upprepningen ger över {MAX_REPEAT} tecken eller delar")
        return super().call_binop(context, operator, left, right)


def make_environment(formatter: Formatter | None = None) -> SandboxedEnvironment:
    env = GuardedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.filters.update((formatter or Formatter()).filters())
    return env


def _rss() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def guard(seconds: float, mb: float) -> Iterator[None]:
    """Raise RenderLimit inside the block when it uses more CPU seconds than seconds or grows RSS by mb.

    Uses an interval timer and SIGALRM, so it guards only in the main thread; elsewhere the
    block runs unguarded (Jinja's sandbox limits still apply).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # CPU time of this process, so that a busy machine does not fail a legitimate render.
    start, base = time.process_time(), _rss()
    limit = mb * 1024 * 1024

    def check(_signum, _frame):
        if time.process_time() - start > seconds:
            raise RenderLimit(f"tog mer än {seconds:g} sekunders processortid")
        if _rss() - base > limit:
            raise RenderLimit(f"behövde mer än {mb:g} MB minne")

    previous = signal.signal(signal.SIGALRM, check)
    signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, previous)
