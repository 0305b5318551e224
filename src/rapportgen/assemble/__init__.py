"""Assemble stage: the sammanträdeshandling (kallelse + ärenden + bilagor) as one PDF.

    from rapportgen.assemble import build_handling, load_handling
    result = build_handling("sammantrade.yaml", "ut/", profil, publicering=False)
"""

from .bygg import HandlingResultat, build_handling, variant_suffix
from .manifest import Del, Handling, is_manifest, load_handling

__all__ = ["Del", "Handling", "HandlingResultat", "build_handling", "is_manifest", "load_handling", "variant_suffix"]
