"""Economy of a nämnd: driftbudget/driftredovisning and investments, in kronor.

Every amount is held in kronor as loaded (Decimal, unrounded). Netto, avvikelse
columns, totals and area sums are computed from those raw values; rounding
happens only when a figure is formatted for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..exceptions import InputError
from .tabelldef import Definierad

# The row roles of a drift table; the labels shown and the words read come from its table
# definition (Driftstabell.etiketter, .synonymer), e.g. Timrå's INTÄKTER / KOSTNADER (-) /
# NETTOKOSTNADER (-) in rapportgen/tabeller/timra.yaml.
INTAKTER = "intakter"
KOSTNADER = "kostnader"
NETTO = "netto"
ROLLER = (INTAKTER, KOSTNADER, NETTO)

Belopp = Decimal | None


def _rollkolumn(roller: dict[str, str], roll: str, fil: str, tabell: str) -> str:
    """The column a definition gives a role (kolumner: roll: ...); a missing role is the definition's error."""
    if roll not in roller:
        raise InputError(f"tabelldefinitionen '{tabell}' har ingen kolumn med 'roll: {roll}' "
                         f"(ange den på kolumnen under 'kolumner')", fil=fil)
    return roller[roll]


@dataclass(frozen=True)
class Kolumn:
    """A column of an economy table: read from the input, or computed as a - b."""

    namn: str
    a: str | None = None  # computed: namn = a - b
    b: str | None = None

    @property
    def beraknad(self) -> bool:
        return self.a is not None


@dataclass
class Belopprad:
    """One row of amounts (kronor per column) and where each value came from."""

    etikett: str
    varden: dict[str, Belopp] = field(default_factory=dict)
    platser: dict[str, str] = field(default_factory=dict)  # column -> 'blad X, cell D4'
    varav: bool = False  # a 'Varav ...' sub-row, shown in italics


def _add(a: Belopp, b: Belopp) -> Belopp:
    return None if a is None or b is None else a + b


def _sub(a: Belopp, b: Belopp) -> Belopp:
    return None if a is None or b is None else a - b


@dataclass
class Verksamhet:
    """One verksamhet: its income row, its cost row and optional varav rows; netto is computed."""

    namn: str
    omrade: str | None
    intakter: Belopprad
    kostnader: Belopprad
    varav: list[Belopprad] = field(default_factory=list)
    netto_angiven: Belopprad | None = None  # a netto row in the input, checked against the sum
    plats: str = ""  # where the verksamhet's first row is

    def netto(self, kolumn: str) -> Belopp:
        return _add(self.intakter.varden.get(kolumn), self.kostnader.varden.get(kolumn))

    def varde(self, rad: str, kolumn: str) -> Belopp:
        if rad == NETTO:
            return self.netto(kolumn)
        return (self.intakter if rad == INTAKTER else self.kostnader).varden.get(kolumn)


@dataclass
class Driftstabell:
    """The driftbudget (plan) or driftredovisning (delårsrapport) of a nämnd.

    indata: the columns read from the input; kolumner: the columns shown, in order,
    including the computed avvikelse columns.
    """

    fil: str
    enhet: str  # the input's unit, 'kr' or 'tkr'
    indata: list[str]
    kolumner: list[Kolumn]
    verksamheter: list[Verksamhet]
    # How the sheet writes costs (the profile's kontroller.kostnader): 'negativa' as the seeds, or
    # 'positiva'. Held negative here either way, so netto = intäkter + kostnader.
    kostnader_i_arket: str = "negativa"
    # Text above the sheet's header row (the export's title) and where: the sheet's own period.
    titlar: list[tuple[str, str]] = field(default_factory=list)
    # The sheet's own sum rows (a Verksamhet 'Summa'/'Totalt'): (role, row), verified, never data.
    summarader: list[tuple[str, Belopprad]] = field(default_factory=list)
    # role -> the label shown (from the definition), and role -> every word for the row
    # (label and synonyms), e.g. for figures a tjänsteskrivelse quotes.
    etiketter: dict[str, str] = field(default_factory=dict)
    synonymer: dict[str, list[str]] = field(default_factory=dict)
    # role -> column (the definition's kolumner: roll:), e.g. 'avvikelse' -> 'Avvikelse period'.
    roller: dict[str, str] = field(default_factory=dict)
    definition: str = ""  # the table definition's name, for messages
    titel: str = ""  # the definition's title: the heading over the drift tables
    # The definition's optional columns (valfri: true): shown when the sheet has them, blanks allowed.
    valfria: list[str] = field(default_factory=list)
    tabell: Definierad | None = None  # the table as its definition computes it (drawn by the generic writer)

    def rollkolumn(self, roll: str) -> str:
        return _rollkolumn(self.roller, roll, self.fil, self.definition)

    def kolumn(self, namn: str) -> Kolumn:
        for k in self.kolumner:
            if k.namn == namn:
                return k
        raise KeyError(namn)

    def varde(self, v: Verksamhet | list[Verksamhet], rad: str, kolumn: str) -> Belopp:
        """A value of a verksamhet (or the sum over several) in kronor, computed columns included."""
        group = v if isinstance(v, list) else [v]
        k = self.kolumn(kolumn)
        if k.beraknad:
            return _sub(self.varde(group, rad, k.a), self.varde(group, rad, k.b))
        total: Belopp = Decimal(0)
        for item in group:
            total = _add(total, item.varde(rad, kolumn))
        return total

    def omraden(self) -> list[str]:
        out: list[str] = []
        for v in self.verksamheter:
            if v.omrade and v.omrade not in out:
                out.append(v.omrade)
        return out

    def i_omrade(self, omrade: str) -> list[Verksamhet]:
        return [v for v in self.verksamheter if v.omrade == omrade]


@dataclass
class Investering:
    """One investment project's row: its values per column, and where it is."""

    projekt: str
    varden: dict[str, Belopp]
    plats: str = ""
    platser: dict[str, str] = field(default_factory=dict)  # column -> 'blad X, cell D4'


@dataclass
class Investeringstabell:
    """The investment table of a report, read from its sheet."""

    fil: str
    indata: list[str]
    kolumner: list[Kolumn]
    projekt: list[Investering]
    summa_kolumn: str | None = None  # plan: a 'Total' column summing the years
    # The sheet's own sum rows (SUMMA, Totalt ...): verified against the projects, never projects.
    summarader: list[Investering] = field(default_factory=list)
    enhet: str = "kr"  # the sheet's unit
    blad: str | None = None  # 'blad Investeringar' when read from a sheet
    roller: dict[str, str] = field(default_factory=dict)  # role -> column, as Driftstabell.roller
    definition: str = ""
    valfria: list[str] = field(default_factory=list)  # as Driftstabell.valfria
    tabell: Definierad | None = None  # the table as its definition computes it (drawn by the generic writer)

    def rollkolumn(self, roll: str) -> str:
        return _rollkolumn(self.roller, roll, self.fil, self.definition)

    def varde(self, p: Investering | list[Investering], kolumn: str) -> Belopp:
        group = p if isinstance(p, list) else [p]
        if kolumn == self.summa_kolumn:
            total: Belopp = Decimal(0)
            for name in self.indata:
                total = _add(total, self.varde(group, name))
            return total
        k = next(k for k in self.kolumner if k.namn == kolumn)
        if k.beraknad:
            return _sub(self.varde(group, k.a), self.varde(group, k.b))
        total = Decimal(0)
        for item in group:
            value = item.varden.get(kolumn)
            total = _add(total, value if value is not None else Decimal(0))
        return total

    @property
    def visade_kolumner(self) -> list[str]:
        names = [k.namn for k in self.kolumner]
        return names + ([self.summa_kolumn] if self.summa_kolumn else [])


@dataclass
class Volymserie:
    """One measure of a volymrapport: a value per month (None when not reported)."""

    matt: str
    varden: list[Decimal | None]  # 12 months


@dataclass
class Volymer:
    """The volume series of a report, read from its sheet."""

    fil: str
    ar: int
    serier: list[Volymserie]
