"""Checks on the organisation profile: example values that `rapportgen init` wrote are still there."""

from __future__ import annotations

from typing import Iterator

from ..config import Profil
from ..model.finding import Finding, Severity
from .base import check

# What `rapportgen init` writes for the user to replace (commands/init.py, PROFIL_MALL).
EXEMPELVARDEN = ("Exempelkommun", "Förnamn Efternamn")


@check(Profil, "exempelvarden")
def example_values_left(profil: Profil) -> Iterator[Finding]:
    """Profilens exempelvärden från `rapportgen init` (Exempelkommun, Förnamn Efternamn) är inte utbytta."""
    dokument = str(profil.source) if profil.source else "profilen"
    falt = [("kommun", profil.kommun), ("förvaltning", profil.forvaltning), ("nämnd", profil.namnd)]
    falt += [(f"underskrifter[{i + 1}].namn", p.namn) for i, p in enumerate(profil.underskrifter)]
    for namn, varde in falt:
        for exempel in EXEMPELVARDEN:
            if exempel.casefold() in varde.casefold():
                yield Finding(Severity.FEL, "exempelvarden", dokument,
                              f"exempelvärdet '{exempel}' från rapportgen init är kvar; fyll i era egna uppgifter",
                              plats=f"fält '{namn}'", funnet=varde)
