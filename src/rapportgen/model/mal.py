"""Goals of a nämnd (Timrå model): målbild -> inriktningsmål/uppdrag -> the nämnd's contributions.

A goals file is YAML; text fields are Markdown. For a delårsrapport each goal also
has a status (upp/höger/ned), expected effects and follow-up/analysis text.
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import enum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from .common import Strict, Text, TextList, ny_lista


class Status(str, enum.Enum):
    UPP = "upp"
    HOGER = "höger"
    NED = "ned"

    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            wanted = value.strip().casefold()
            aliases = {"upp": cls.UPP, "up": cls.UPP, "höger": cls.HOGER, "hoger": cls.HOGER,
                       "right": cls.HOGER, "ned": cls.NED, "down": cls.NED}
            if wanted in aliases:
                return aliases[wanted]
            for typ in ("inriktningsmål", "uppdrag"):
                for status, label in ETIKETTER[typ].items():
                    if wanted == label.casefold():
                        return status
            raise ValueError(f"är inte en känd status ({value!r}); använd upp, höger eller ned")
        return value


# The Swedish label shown beside the arrow, per goal type.
ETIKETTER: dict[str, dict[Status, str]] = {
    "inriktningsmål": {Status.UPP: "Bidrar till målet", Status.HOGER: "Bidrar delvis/osäkert",
                       Status.NED: "Bidrar inte till målet"},
    "uppdrag": {Status.UPP: "Pågår enligt plan", Status.HOGER: "Pågår med avvikelse",
                Status.NED: "Har inte påbörjats"},
}
PILAR = {Status.UPP: "\u2191", Status.HOGER: "\u2192", Status.NED: "\u2193"}  # ↑ → ↓
FARGER = {Status.UPP: "2E7D32", Status.HOGER: "E0A100", Status.NED: "C62828"}


class Mal(Strict):
    """An inriktningsmål or an uppdrag, with the nämnd's contributions."""

    typ: Literal["inriktningsmål", "uppdrag"] = Field(description="inriktningsmål eller uppdrag")
    nummer: int | None = Field(None, description="Inriktningsmålets nummer (1-6)")
    titel: Text = Field(description="Målets eller uppdragets formulering")
    text: str = Field("", description="Inledande text (Markdown)")
    bidrag: TextList = Field(default_factory=ny_lista, description="Socialnämnden bidrar genom att: (punkter)")
    status: Annotated[Status | None, BeforeValidator(Status.parse)] = Field(
        None, description="Delårsrapport: upp, höger eller ned")
    forvantad_effekt: TextList = Field(default_factory=ny_lista, alias="förväntad_effekt",
                                       description="Förväntad effekt (punkter)")
    uppfoljning: str = Field("", alias="uppföljning", description="Uppföljning och effekt (Markdown)")
    analys: str = Field("", description="Analys (Markdown)")

    @property
    def rubrik(self) -> str:
        if self.typ == "inriktningsmål":
            return f"Inriktningsmål {self.nummer}: {self.titel}" if self.nummer else f"Inriktningsmål: {self.titel}"
        return f"Uppdrag: {self.titel}"

    @property
    def statusetikett(self) -> str | None:
        return ETIKETTER[self.typ][self.status] if self.status else None


class Malbild(Strict):
    namn: Text = Field(description="Målbildens namn, t.ex. 'Trygghet, delaktighet och livslångt lärande'")
    text: str = Field("", description="Inledande text (Markdown)")
    mal: list[Mal] = Field(default_factory=ny_lista, alias="mål", description="Inriktningsmål och uppdrag")
    nyckeltal: Text | list[list[Any]] | None = Field(
        None, description="Bladet i nyckeltalsfilen för målbilden, eller tabellen själv (rader)")

    @property
    def rubrik(self) -> str:
        return f"Målbild: {self.namn}"


class Malfil(Strict):
    malbilder: list[Malbild] = Field(alias="målbilder", min_length=1, description="Målbilderna i ordning")
