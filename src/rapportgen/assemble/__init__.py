"""Assemble stage: the sammanträdeshandling (kallelse + ärenden + bilagor) as one PDF.

    from rapportgen.assemble import build_handling, load_handling
    result = build_handling("sammantrade.yaml", "ut/", profil, publicering=False)

The names are imported on first use (PEP 562), so importing one module of this
package (assemble.pdf, assemble.manifest) does not import the whole build.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Del", "Handling", "HandlingResultat", "build_handling", "is_manifest", "load_handling", "variant_suffix"]


def __getattr__(name: str) -> Any:
    if name in ("HandlingResultat", "build_handling", "variant_suffix"):
        from . import bygg

        return getattr(bygg, name)
    if name in ("Del", "Handling"):
        from ..model import sammantrade

        return getattr(sammantrade, name)
    if name == "is_manifest":
        from .manifest import is_manifest

        return is_manifest
    if name == "load_handling":
        from ..doctypes import load_handling

        return load_handling
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
