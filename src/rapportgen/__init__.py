"""rapportgen: document automation for Swedish municipal committees (nämnder).

    import rapportgen
    resultat = rapportgen.build("examples/sammantrade-2023-09-19/sammantrade.yaml", "out")
    resultat.pdf, resultat.findings, resultat.sidor
    rapport = rapportgen.check("examples/tjansteskrivelser")

The API is imported on first use (PEP 562), so `import rapportgen` and
`rapportgen --version` stay light.
"""

from __future__ import annotations

from typing import Any

from ._version import __version__

__all__ = ["__version__", "build", "check", "Resultat", "Kontrollrapport", "Profil", "load_profile",
           "RapportgenError"]

def __getattr__(name: str) -> Any:
    # Explicit imports, so the import graph (tests/test_arkitektur.py) sees them.
    if name == "build":
        from .commands.build import build

        return build
    if name == "check":
        from .commands.kontrollera import check

        return check
    if name == "Resultat":
        from .model.resultat import Resultat

        return Resultat
    if name == "Kontrollrapport":
        from .model.kontroll import Kontrollrapport

        return Kontrollrapport
    if name in ("Profil", "load_profile"):
        from . import config

        return getattr(config, name)
    if name == "RapportgenError":
        from .exceptions import RapportgenError

        return RapportgenError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
