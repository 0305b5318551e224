"""The Jinja environment every template is rendered in.

Sandboxed (templates cannot reach Python internals), StrictUndefined (a
missing variable is an error, not an empty string) and autoescaped (data can
never break the document's XML).
"""

from __future__ import annotations

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ..format import Formatter


def make_environment(formatter: Formatter | None = None) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.filters.update((formatter or Formatter()).filters())
    return env
