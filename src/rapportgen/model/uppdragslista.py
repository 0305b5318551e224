"""Uppdragslista: the nämnd's assignments and requests for comment, row by row."""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .common import Strict, Text
from .revision import Datum, _norm


# The order of the groups in the list (others follow, in sheet order).
GIVARE_ORDNING = ("kf", "ks", "klk", "rev.", "sn")


class UppdragStatus(str, enum.Enum):
    NYTT = "Nytt"
    PAGAR = "Pågår"
    PAUSAD = "Pausad"
    AVSLUTAS = "Avslutas"

    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            wanted = _norm(value).replace("å", "a")
            for member in cls:
                if wanted == member.value.casefold().replace("å", "a"):
                    return member
            known = ", ".join(m.value for m in cls)
            raise ValueError(f"är inte en känd status ({value!r}); använd {known}")
        return value


class Uppdrag(Strict):
    """One row of the uppdragslista."""

    uppdragsgivare: Text = Field(description="KF, KS, Klk, Rev. eller SN")
    uppdrag: Text = Field(description="Uppdraget eller yttrandet")
    paragraf: Text | None = Field(None, description="Paragraf, t.ex. '§ 119'")
    beslutsdatum: Datum | None = Field(None, description="Beslutsdatum")
    diarienr: Text | None = Field(None, description="Diarienummer")
    ansvarig: Text | None = Field(None, description="Ansvarig")
    klart_senast: Text | None = Field(None, description="Klart senast: fri text ('okt', 'VP-24', 'dec-26')")
    status: Annotated[UppdragStatus, BeforeValidator(UppdragStatus.parse)] = Field(
        description="Nytt, Pågår, Pausad eller Avslutas")
    noteringar: Text | None = Field(None, description="Noteringar")


@dataclass
class UppdragslistaDoc:
    """An uppdragslista: its rows read from the sheet, with the list's dnr and date."""

    fil: Path
    dnr: str | None
    per: dt.date | None  # 'Redovisning t o m'
    namnd: str | None
    rader: list[Uppdrag] = field(default_factory=list)
    fran_register: int = 0  # rows added from the revision register

    @property
    def stem(self) -> str:
        return self.fil.stem
