"""The meeting manifest: one YAML file that describes a nämnd meeting and its package.

    nämnd: Socialnämnden
    datum: 2023-09-19
    klockan: "08:00"
    lokal: Alliancen
    ort: Timrå
    tidsåtgång: 6-7 t.
    sammankallande: {namn: Johanna Bergsten, titel: ordförande}
    ledamöter: [Johanna Bergsten (S), ...]
    ersättare: [...]
    vid_förhinder: {namn: Christina Hjalte, telefon: ..., e-post: ...}
    ärenden:
      - punkt: 8
        dnr: SN/2023:1
        ärendemening: Ekonomisk delårsrapport med prognos och måluppföljning
        tjänsteskrivelse: arenden/08-delarsrapport.md
        bilagor:
          - etikett: Delårsrapport 2023 Socialnämnden
            fil: bilagor/delarsrapport.md
            typ: dokument
          - etikett: Periodrapport per 2023 08
            fil: bilagor/periodrapport.xlsx
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, Field, field_validator, model_validator

from .common import Datum, Person, Strict, Text, _as_list, ny_lista
from .located import Located

# Files rapportgen takes in as they are (converted to PDF when needed).
EXTERNA_SUFFIX = (".pdf", ".docx", ".xlsx")
STANDARD_SEKRETESS_SKAL = "Uppgifterna omfattas av sekretess enligt offentlighets- och sekretesslagen (2009:400)."

_NAMN_PARTI = re.compile(r"^(?P<namn>.+?)\s*\((?P<parti>[^()]+)\)\s*$")


class Ledamot(Strict):
    """A member or substitute: name and party. `Johanna Bergsten (S)` is accepted as short form."""

    namn: Text = Field(description="Namn")
    parti: Optional[Text] = Field(None, description="Partibeteckning, t.ex. S, M, V, C, KD, SD, L, MP, T")

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, str):
            m = _NAMN_PARTI.match(value.strip())
            return {"namn": m["namn"], "parti": m["parti"].strip()} if m else {"namn": value}
        return value

    def visning(self) -> str:
        return f"{self.namn} ({self.parti})" if self.parti else self.namn


LedamotList = Annotated[list[Ledamot], BeforeValidator(_as_list)]


class Sammankallande(Strict):
    namn: Text = Field(description="Namn")
    roll: Text = Field("ordförande", description="Roll, t.ex. ordförande")


class Bilaga(Strict):
    """One appendix: what the ärendelista and the bookmark call it, and where it comes from."""

    etikett: Text = Field(description="Bilagans namn som i Beslutsunderlag, t.ex. 'Periodrapport per 2023 08'")
    fil: Text = Field(description="Källfil, relativt manifestet: .md/.yaml (renderas) eller .pdf/.docx/.xlsx (extern)")
    typ: Optional[Text] = Field(
        None, description="Dokumenttyp för en fil som rapportgen renderar, t.ex. 'dokument'; annars väljs den av filen")
    sekretess: bool = Field(False, description="Sekretess: utelämnas i publiceringsversionen")
    sekretess_skal: Optional[Text] = Field(
        None, alias="sekretess_skäl", description="Skäl som anges på ersättningssidan i publiceringsversionen")
    losenord: Optional[Text] = Field(None, alias="lösenord", description="Lösenord för en krypterad PDF")
    utanfor_beslutsunderlag: bool = Field(
        False, alias="utanför_beslutsunderlag",
        description="Medföljande handling som inte står i Beslutsunderlag (t.ex. revisionens missiv)")

    @property
    def extern(self) -> bool:
        return self.typ is None and self.fil.lower().endswith(EXTERNA_SUFFIX)


class Arende(Strict):
    """One item of the ärendelista, in meeting order."""

    punkt: Text = Field(description="Punkt: ett nummer eller en text som 'sa'")
    dnr: Optional[Text] = Field(None, description="Diarienummer, t.ex. SN/2023:197")
    arendemening: Text = Field(alias="ärendemening", description="Ärendemening, som i ärendelistan")
    tjansteskrivelse: Optional[Text] = Field(
        None, alias="tjänsteskrivelse",
        description="Tjänsteskrivelse: Markdown med YAML-huvud, eller färdig .docx/.pdf")
    tjansteskrivelse_losenord: Optional[Text] = Field(
        None, alias="tjänsteskrivelse_lösenord", description="Lösenord om tjänsteskrivelsen är en krypterad PDF")
    bilagor: list[Bilaga] = Field(default_factory=ny_lista, description="Bilagor i Beslutsunderlagets ordning")
    sekretess: bool = Field(False, description="Hela ärendet omfattas av sekretess")
    sekretess_skal: Optional[Text] = Field(None, alias="sekretess_skäl", description="Skäl för sekretess")

    @property
    def har_handlingar(self) -> bool:
        return bool(self.tjansteskrivelse or self.bilagor)

    def rubrik(self) -> str:
        """The bookmark title: `8. Ekonomisk delårsrapport ...`."""
        sep = ". " if self.punkt.isdigit() else " "
        return f"{self.punkt}{sep}{self.arendemening}"


class Sammantrade(Strict):
    """The meeting manifest."""

    namnd: Text = Field(alias="nämnd", description="Organ, t.ex. Socialnämnden")
    datum: Datum = Field(description="Sammanträdesdag (ÅÅÅÅ-MM-DD)")
    klockan: Text = Field(description="Starttid, t.ex. 08:00")
    lokal: Text = Field(description="Lokal")
    ort: Text = Field(description="Ort")
    tidsatgang: Optional[Text] = Field(None, alias="tidsåtgång", description="Beräknad tidsåtgång, t.ex. '6-7 t.'")
    sammankallande: Sammankallande = Field(description="Sammankallande: namn och roll")
    ledamoter: LedamotList = Field(alias="ledamöter", min_length=1, description="Ledamöter, ordföranden först")
    ersattare: LedamotList = Field(default_factory=ny_lista, alias="ersättare", description="Ersättare")
    vid_forhinder: Person = Field(alias="vid_förhinder", description="Vem som meddelas vid förhinder: namn, telefon, e-post")
    titel: Optional[Text] = Field(None, description="Dokumenttitel för handlingen (standard: 'Sammanträdeshandling ...')")
    arenden: list[Arende] = Field(alias="ärenden", min_length=1, description="Ärendena i ärendelistans ordning")
    protokoll: Optional[Text | dict[str, Any]] = Field(
        None, description="Protokollsdelen, ifylld efter sammanträdet: en fil (t.ex. protokoll.yaml, relativt "
                          "manifestet) eller fälten direkt (se rapportgen.model.protokoll)")

    @field_validator("klockan", mode="before")
    @classmethod
    def _time_text(cls, value):
        # YAML 1.1 reads 08:00 as a sexagesimal integer (480); give it back as hh:mm.
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value // 60:02d}:{value % 60:02d}"
        return value

    def dokumenttitel(self) -> str:
        return self.titel or f"Sammanträdeshandling {self.namnd} {self.datum.isoformat()}"


# --- a loaded manifest -------------------------------------------------------------


@dataclass
class Del:
    """One document of the package: an ärende's tjänsteskrivelse or one of its bilagor."""

    arende_nr: int  # index into Handling.arenden (0-based)
    arende: Arende
    bilaga_nr: int | None  # 1-based; None for the tjänsteskrivelse
    etikett: str  # 'Tjänsteskrivelse' or the bilaga's display label
    fil: Path  # resolved source
    typ: str | None  # doctype name of a generated document; None for an external file
    sekretess: bool
    sekretess_skal: str
    losenord: str | None
    manifest_plats: str  # 'rad N' in the manifest
    doc: Any = None  # the loaded generated document

    @property
    def extern(self) -> bool:
        return self.typ is None

    @property
    def stampel(self) -> str:
        """`Ärende 8 · Bilaga 2` / `Ärende 8 · Tjänsteskrivelse`."""
        del_text = f"Bilaga {self.bilaga_nr}" if self.bilaga_nr else "Tjänsteskrivelse"
        return f"Ärende {self.arende.punkt} · {del_text}"


@dataclass
class Handling:
    """A loaded meeting manifest."""

    fil: Path
    falt: Sammantrade
    located: Located
    delar: list[Del] = field(default_factory=list)

    @property
    def arenden(self) -> list[Arende]:
        return self.falt.arenden

    @property
    def mapp(self) -> Path:
        return self.fil.parent

    def delar_for(self, arende_nr: int) -> list[Del]:
        return [d for d in self.delar if d.arende_nr == arende_nr]

    def plats(self, *loc: Any) -> str | None:
        line = self.located.line_of(loc)
        return f"rad {line}" if line else None
