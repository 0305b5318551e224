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
from collections import OrderedDict
from types import CodeType, MethodType
from typing import Any, Hashable, Iterator

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from ..format import Formatter

MAX_REPEAT = 1_000_000  # items or characters from one '*' in a template
MAX_POWER = 10_000  # largest exponent of '**'


class RenderLimit(Exception):
    """A render ran out of its time or memory."""


# Compiled templates (Python code objects), shared by the renders of one process: a template
# part's XML is compiled once, not on every render. The key is the source text and everything
# the compiler reads from the environment (see _compile_key); a cache hit gives the code object
# only, and every render builds its own Template from it, bound to its own environment.
_CODE: "OrderedDict[Hashable, CodeType]" = OrderedDict()
_CODE_MAX = 128
_CODE_LOCK = threading.Lock()


def _callable_key(fn: Any) -> Hashable:
    """What identifies a filter or test for the compiler (which may call it on constants): the
    function, and for a bound method its instance's settings (a Formatter's minus sign)."""
    if isinstance(fn, MethodType):
        try:
            state = tuple(sorted(vars(fn.__self__).items()))
            hash(state)
        except TypeError:
            return ("id", id(fn.__self__), fn.__func__)  # unhashable settings: this instance only
        return (fn.__func__, type(fn.__self__), state)
    try:
        hash(fn)
    except TypeError:
        return ("id", id(fn))
    return fn


_SETTINGS = ("autoescape", "finalize", "optimized", "is_async", "block_start_string", "block_end_string",
             "variable_start_string", "variable_end_string", "comment_start_string", "comment_end_string",
             "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
             "newline_sequence", "keep_trailing_newline", "intercepted_binops", "intercepted_unops")


class GuardedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with limits on range, '*' and '**'."""

    MAX_RANGE = 100_000
    intercepted_binops = frozenset(("*", "**"))

    def _compile_key(self) -> Hashable:
        """Everything in this environment that can change the compiled code of a source
        (recomputed only when one of them changed: sorting every filter's key costs more than a
        cache hit saves)."""
        funcs = (*self.filters.values(), *self.tests.values())
        selves = {id(f.__self__): f.__self__ for f in funcs if isinstance(f, MethodType)}
        seen = (tuple(self.filters.items()), tuple(self.tests.items()),
                tuple(tuple(getattr(o, "__dict__", {}).items()) for o in selves.values()),
                tuple(getattr(self, a) for a in _SETTINGS))
        cached = self.__dict__.get("_rg_compile_key")
        if cached is not None and cached[0] == seen:
            return cached[1]
        key = self._compute_compile_key()
        self.__dict__["_rg_compile_key"] = (seen, key)
        return key

    def _compute_compile_key(self) -> Hashable:
        autoescape = self.autoescape if isinstance(self.autoescape, bool) else ("id", id(self.autoescape))
        return (
            type(self), autoescape, self.optimized, self.is_async,
            self.block_start_string, self.block_end_string, self.variable_start_string,
            self.variable_end_string, self.comment_start_string, self.comment_end_string,
            self.line_statement_prefix, self.line_comment_prefix, self.trim_blocks, self.lstrip_blocks,
            self.newline_sequence, self.keep_trailing_newline, _callable_key(self.finalize),
            repr(sorted(self.policies.items())),
            tuple(sorted(self.extensions)), self.intercepted_binops, self.intercepted_unops,
            tuple(sorted((k, _callable_key(v)) for k, v in self.filters.items())),
            tuple(sorted((k, _callable_key(v)) for k, v in self.tests.items())),
        )

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[override]
        if not isinstance(source, str) or raw:
            return super().compile(source, name, filename, raw, defer_init)
        key = (source, name, filename, defer_init, self._compile_key())
        with _CODE_LOCK:
            code = _CODE.get(key)
            if code is not None:
                _CODE.move_to_end(key)
                return code
        code = super().compile(source, name, filename, raw, defer_init)  # a syntax error raises, uncached
        with _CODE_LOCK:
            _CODE[key] = code
            while len(_CODE) > _CODE_MAX:
                _CODE.popitem(last=False)
        return code

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
