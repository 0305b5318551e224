"""The protokoll of a meeting: what the secretary fills in after the meeting, and the resolved paragraphs.

The input is the manifest's `protokoll:` part, inline or in a file beside the manifest:

    protokoll: protokoll.yaml          # or the fields below, inline

    första_paragraf: 115
    tid: "08:00–12:10"
    ordförande: Johanna Bergsten
    sekreterare: Christina Hjalte
    närvaro:
      ledamöter: [Johanna Bergsten (S), Håkan Svensson (M), ...]
      tjänstgörande_ersättare:
        - {namn: Pirjo Jonsson, parti: S, ersätter: Lars Kempe (S)}
      ej_tjänstgörande_ersättare: [Krister Jonsson (M)]
      övriga: [{namn: Christina Hjalte, roll: sekreterare}]
    justering: {justerare: [Håkan Svensson (M)], datum: 2023-09-26, plats: Socialförvaltningen}
    paragrafer:
      - punkt: 7
        yrkanden: ...
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Optional

from pydantic import BeforeValidator, Field, model_validator

from .common import Datum, Strict, Text, TextList, _as_list, ny_lista
from .sammantrade import Ledamot, LedamotList, Sammantrade

ROST = ("ja", "nej", "avstår")


def namn_nyckel(text: str) -> str:
    """A person's name for comparison: 'Johanna Bergsten (S)' and 'johanna  bergsten' are the same."""
    base = text.split("(")[0]
    return " ".join(base.split()).casefold()


class Ersattare(Ledamot):
    """A tjänstgörande ersättare; `ersätter` names the ledamot whose place is taken."""

    ersatter: Optional[Text] = Field(None, alias="ersätter", description="Ledamoten som ersätts, t.ex. 'Lars Kempe (S)'")

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:  # overrides Ledamot's: "Pirjo Jonsson (S) för Lars Kempe (S)"
        if isinstance(value, str):
            vem, _, ersatter = value.partition(" för ")
            base = Ledamot.model_validate(vem).model_dump(exclude_none=True)
            return {**base, "ersätter": ersatter.strip()} if ersatter.strip() else base
        return value

    def visning(self) -> str:
        text = super().visning()
        return f"{text} för {self.ersatter}" if self.ersatter else text


class Ovrig(Strict):
    """Someone else present: an official or a guest, with the role they had."""

    namn: Text = Field(description="Namn")
    roll: Text = Field(description="Roll, t.ex. 'sekreterare', 'förvaltningschef', '§ 117'")

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        # "Christina Hjalte, sekreterare"
        if isinstance(value, str) and "," in value:
            namn, roll = value.split(",", 1)
            return {"namn": namn.strip(), "roll": roll.strip()}
        return value


class Narvaro(Strict):
    """Who was there."""

    ledamoter: LedamotList = Field(alias="ledamöter", min_length=1, description="Tjänstgörande ledamöter")
    tjanstgorande_ersattare: Annotated[list[Ersattare], BeforeValidator(_as_list)] = Field(
        default_factory=ny_lista, alias="tjänstgörande_ersättare", description="Tjänstgörande ersättare")
    ej_tjanstgorande_ersattare: LedamotList = Field(
        default_factory=ny_lista, alias="ej_tjänstgörande_ersättare", description="Närvarande ej tjänstgörande ersättare")
    ovriga: Annotated[list[Ovrig], BeforeValidator(_as_list)] = Field(
        default_factory=ny_lista, alias="övriga", description="Övriga närvarande med roll")

    def tjanstgorande(self) -> list[Ledamot]:
        """Those who take part in decisions: ledamöter and tjänstgörande ersättare."""
        return [*self.ledamoter, *self.tjanstgorande_ersattare]

    def alla(self) -> list[str]:
        """Everyone present, as names."""
        return ([p.namn for p in self.tjanstgorande()] + [p.namn for p in self.ej_tjanstgorande_ersattare]
                + [p.namn for p in self.ovriga])


class Justering(Strict):
    justerare: LedamotList = Field(min_length=1, description="Justerare (utöver ordföranden)")
    datum: Datum = Field(description="Justeringsdag (ÅÅÅÅ-MM-DD)")
    plats: Text = Field(description="Plats för justeringen, t.ex. 'Socialförvaltningen, Timrå'")


class AnslagIndata(Strict):
    uppsatt: Optional[Datum] = Field(
        None, description="Dag då anslaget sätts upp; standard: beräknas från justeringen enligt profilen")
    forvaringsplats: Optional[Text] = Field(
        None, alias="förvaringsplats", description="Var protokollet förvaras; standard: profilens anslag.förvaringsplats")


class Yrkande(Strict):
    namn: Text = Field(description="Vem som yrkar, med parti: 'Johanna Bergsten (S)'")
    yrkande: Text = Field(description="Vad som yrkas, t.ex. 'bifall till förvaltningens förslag'")
    instammer: TextList = Field(default_factory=ny_lista, alias="instämmer", description="Andra som instämmer")


class Resultat(Strict):
    ja: int = Field(ge=0, description="Antal ja-röster")
    nej: int = Field(ge=0, description="Antal nej-röster")
    avstar: int = Field(0, ge=0, alias="avstår", description="Antal som avstår")


class Omrostning(Strict):
    """A vote: what ja and nej mean, and every tjänstgörande member's vote."""

    ja: Text = Field(description="Vad en ja-röst betyder, t.ex. 'bifall till Johanna Bergstens (S) yrkande'")
    nej: Text = Field(description="Vad en nej-röst betyder")
    roster: dict[Text, Literal["ja", "nej", "avstår"]] = Field(
        alias="röster", min_length=1, description="Röst per namn: ja, nej eller avstår")
    resultat: Optional[Resultat] = Field(
        None, description="Utfallet som det antecknades (kontrolleras mot rösterna)")

    def rakna(self) -> dict[str, int]:
        counts = {r: 0 for r in ROST}
        for v in self.roster.values():
            counts[v] += 1
        return counts


class Reservation(Strict):
    namn: TextList = Field(min_length=1, description="Vem eller vilka som reserverar sig")
    till_forman_for: Optional[Text] = Field(
        None, alias="till_förmån_för", description="Till förmån för, t.ex. 'eget yrkande'")
    skriftlig: bool = Field(False, description="En skriftlig reservation lämnas och bifogas")


class Protokollsanteckning(Strict):
    namn: TextList = Field(min_length=1, description="Vem eller vilka som lämnar anteckningen")
    text: Text = Field(description="Anteckningens text")


class ParagrafIndata(Strict):
    """What happened with one ärende; anything left out has its standard."""

    punkt: Text = Field(description="Punkten i ärendelistan som paragrafen gäller")
    paragraf: Optional[int] = Field(None, ge=1, description="Paragrafnummer; standard: löpande från första_paragraf")
    dnr: Optional[Text] = Field(None, description="Beslutets dnr (ska vara ärendets)")
    beslut: Optional[TextList] = Field(
        None, description="Beslutet; standard: förslaget till beslut i tjänsteskrivelsen, oförändrat")
    text: Optional[Text] = Field(
        None, description="Paragrafens text för en punkt utan beslutsförslag, t.ex. 'Informationen antecknas.'")
    sammanfattning: Optional[Text] = Field(
        None, description="Sammanfattning av ärendet; standard: tjänsteskrivelsens sammanfattning")
    yrkanden: list[Yrkande] = Field(default_factory=ny_lista, description="Yrkanden i den ordning de ställdes")
    propositionsordning: Optional[Text] = Field(None, description="Propositionsordningen, med egna ord")
    omrostning: Optional[Omrostning] = Field(None, alias="omröstning", description="Omröstning, när en begärdes")
    reservationer: list[Reservation] = Field(default_factory=ny_lista, description="Reservationer")
    protokollsanteckningar: list[Protokollsanteckning] = Field(default_factory=ny_lista, description="Protokollsanteckningar")
    jav: TextList = Field(default_factory=ny_lista, alias="jäv", description="Ledamöter som anmält jäv")
    protokollsutdrag_till: Optional[TextList] = Field(
        None, description="Mottagare av protokollsutdrag; standard: tjänsteskrivelsens")
    sekretess: Optional[bool] = Field(None, description="Paragrafen omfattas av sekretess; standard: ärendets")
    sekretess_skal: Optional[Text] = Field(
        None, alias="sekretess_skäl", description="Sekretessgrund enligt OSL, t.ex. '26 kap. 1 § OSL'")
    utgar: bool = Field(False, alias="utgår", description="Ärendet utgår (får ingen paragraf)")


class ProtokollIndata(Strict):
    """The protokoll part of the manifest."""

    forsta_paragraf: int = Field(alias="första_paragraf", ge=1, description="Mötets första paragrafnummer")
    tid: Optional[Text] = Field(None, description="Sammanträdets tid, t.ex. '08:00–12:10'")
    ordforande: Text = Field(alias="ordförande", description="Ordförande")
    sekreterare: Text = Field(description="Sekreterare")
    narvaro: Narvaro = Field(alias="närvaro", description="Närvaro")
    justering: Justering = Field(description="Justerare, justeringsdag och plats")
    justerad: bool = Field(False, description="Protokollet är justerat (utdragen får 'Paragrafen är justerad')")
    anslag: AnslagIndata = Field(default_factory=AnslagIndata, description="Anslaget på anslagstavlan")
    paragrafer: list[ParagrafIndata] = Field(default_factory=ny_lista, description="Det som hände per ärende")


# --- resolved protokoll ---------------------------------------------------------------------

PROCEDUR = ("oppnande", "narvaro", "justerare", "arendelista")


@dataclass
class Anslagsdatum:
    """The dates of a protokoll's notice: justering, posting and the law's last day."""

    justering: dt.date
    uppsatt: dt.date
    senast_uppsatt: dt.date  # the law's last day (two days after justering, extended past helgdag)
    nedtagning: dt.date  # three weeks after uppsatt (extended past helgdag)


@dataclass
class Paragraf:
    """One § as it will be written, with where its data came from."""

    punkt: str
    rubrik: str
    nummer: int | None  # None: the ärende utgår
    dnr: str | None
    arende_nr: int  # index in the ärendelista
    procedur: str | None = None  # one of PROCEDUR for standard items
    beslut: list[str] = field(default_factory=list)
    forslag: list[str] = field(default_factory=list)  # förslag till beslut of the tjänsteskrivelse
    tjansteskrivelse_dnr: str | None = None
    text: str | None = None
    sammanfattning_text: str | None = None  # written in the protokoll input
    sammanfattning_block: list[Any] = field(default_factory=list)  # from the tjänsteskrivelse
    beslutsunderlag: list[str] = field(default_factory=list)
    protokollsutdrag_till: list[str] = field(default_factory=list)
    indata: ParagrafIndata | None = None
    indata_nr: int | None = None  # index in protokoll.paragrafer
    sekretess: bool = False
    sekretess_skal: str | None = None

    @property
    def beslut_andrat(self) -> bool:
        return bool(self.forslag) and [" ".join(b.split()) for b in self.beslut] != \
            [" ".join(f.split()) for f in self.forslag]


@dataclass
class Protokoll:
    """A meeting's protokoll: the manifest, the protokoll input and the resolved paragraphs."""

    manifest: Path
    fil: Path  # the file the protokoll input is in (the manifest when inline)
    sammantrade: Sammantrade
    indata: ProtokollIndata
    paragrafer: list[Paragraf]
    anslag: Anslagsdatum
    forvaringsplats: str
    plats: Callable[..., str | None]  # plats(*key) -> 'rad N' in fil
    manifest_plats: Callable[..., str | None]  # plats(*key) in the manifest
    okanda_punkter: list[tuple[int, str]] = field(default_factory=list)  # (indata index, punkt) not on the agenda

    def med_nummer(self) -> list[Paragraf]:
        return [p for p in self.paragrafer if p.nummer is not None]

    def paragrafspann(self) -> str:
        nums = [p.nummer for p in self.med_nummer()]
        if not nums:
            return ""
        return f"§ {nums[0]}" if len(nums) == 1 else f"§§ {min(nums)}–{max(nums)}"

    def sok(self, nummer: int) -> Paragraf | None:
        return next((p for p in self.paragrafer if p.nummer == nummer), None)
