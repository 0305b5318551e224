"""Economy sheets as an ekonomisystem exports them, read into model.ekonomi.

Drift sheet: one row per verksamhet and row type.

    Verksamhet | Radtyp | Budget period | Utfall period | Budget helår | Årsprognos
    Hemtjänst  | Intäkter | 7 805 123,45 | ...
               | Kostnader | -64 122 456,10 | ...
               | Varav personalkostnader | ...

An empty Verksamhet cell continues the verksamhet above. Row types: Intäkter,
Kostnader, Varav ... (sub-rows), and optionally Netto/Nettokostnader (checked,
never printed as given). Investments: one row per project. Nyckeltal: one sheet
per målbild, cells kept as text. Volymrapport: measures x months.
"""

from __future__ import annotations

import re
from decimal import Decimal


from ..exceptions import InputError
from ..format import MANADER_KORT, Formatter
from ..model.ekonomi import (DELAR_VALFRI, INTAKTER, KOSTNADER, NETTO, Belopprad, Driftstabell, Investering,
                             Investeringstabell, Kolumn, Verksamhet, Volymer, Volymserie)
from ..model.tabell import ar_summaetikett
from .excel import Cell, Rad, Tabell

VERKSAMHET = "Verksamhet"
RADTYP = "Radtyp"
OMRADE = "Område"
PROJEKT = "Projekt"

# Delårsrapport: input columns, and the columns shown (computed ones as a - b).
DELAR_INDATA = ["Budget period", "Utfall period", "Budget helår", "Årsprognos"]
DELAR_KOLUMNER = [
    Kolumn("Budget period"), Kolumn("Utfall period"),
    Kolumn("Avvikelse period", "Utfall period", "Budget period"),
    Kolumn("Budget helår"), Kolumn("Årsprognos"),
    Kolumn("Årsprognos budgetavvikelse", "Årsprognos", "Budget helår"),
]
DELAR_INVESTERING = [Kolumn("Budget helår"), Kolumn("Utfall period"), Kolumn("Årsprognos"),
                     Kolumn("Årsprognos budgetavvikelse", "Årsprognos", "Budget helår")]
PLAN_KOLUMN = re.compile(r"^(Bokslut|Budget|Plan|Prognos) \d{4}$")


def _where(rad: Rad, kolumn: str) -> str:
    """'blad Drift, cell D4' (the file is the table's)."""
    return rad.cell(kolumn).plats.plats


def _value_columns(tabell: Tabell, typ: str, label_cols: tuple[str, ...]) -> list[str]:
    cols = [k for k in tabell.kolumner if k not in label_cols]
    if typ == "delarsrapport":
        missing = [k for k in DELAR_INDATA if k not in cols]
        if missing:
            raise InputError("kolumnen " + ", ".join(f"'{m}'" for m in missing) + " saknas; en "
                             "delårsrapport behöver " + ", ".join(DELAR_INDATA), fil=tabell.fil,
                             plats=f"blad {tabell.blad}, rad {tabell.rubrikrad}" if tabell.blad else None)
        allowed = DELAR_INDATA + [DELAR_VALFRI]
        for i, k in enumerate(tabell.kolumner):
            if k in cols and k not in allowed:
                raise tabell.rubriker[i].plats.fel(
                    f"okänd kolumn '{k}'; kända kolumner: {', '.join(allowed)} (avvikelser räknas fram)")
        return [k for k in allowed if k in cols]
    for i, k in enumerate(tabell.kolumner):
        if k in cols and not PLAN_KOLUMN.match(k):
            raise tabell.rubriker[i].plats.fel(
                f"kolumnen '{k}' ska heta t.ex. 'Bokslut 2023', 'Budget 2024' eller 'Plan 2025'")
    if not cols:
        raise InputError("arket har inga beloppskolumner", fil=tabell.fil)
    return cols


def kolumner_for(typ: str, indata: list[str]) -> list[Kolumn]:
    if typ == "delarsrapport":
        return DELAR_KOLUMNER + ([Kolumn(DELAR_VALFRI)] if DELAR_VALFRI in indata else [])
    return [Kolumn(k) for k in indata]


def _belopprad(rad: Rad, etikett: str, cols: list[str], varav: bool = False) -> Belopprad:
    return Belopprad(etikett, {k: rad.belopp(k) for k in cols}, {k: _where(rad, k) for k in cols}, varav)


def _som_negativa(rad: Belopprad) -> Belopprad:
    """A cost row written as positive amounts, held negative as the model computes."""
    rad.varden = {k: (None if v is None else -v) for k, v in rad.varden.items()}
    return rad


def load_drift(tabell: Tabell, typ: str, omraden: dict[str, str] | None = None,
               kostnader: str = "negativa") -> Driftstabell:
    """Read the drift sheet; omraden maps verksamhet -> område (else an 'Område' column is used).

    kostnader: how the sheet writes costs (the profile's kontroller.kostnader); positive costs
    (and their varav and netto rows) are held negative, as the model computes."""
    for needed in (VERKSAMHET, RADTYP):
        tabell.kolumn(needed)
    cols = _value_columns(tabell, typ, (VERKSAMHET, RADTYP, OMRADE))
    verksamheter: list[Verksamhet] = []
    rows: dict[str, dict[str, tuple[Rad, Belopprad]]] = {}
    current: str | None = None
    summarader: list[tuple[str, Belopprad]] = []
    for rad in tabell.rader:
        namn = rad.text(VERKSAMHET).strip() or current
        if namn is None:
            raise rad.cell(VERKSAMHET).plats.fel("verksamhetens namn saknas")
        current = namn
        radtyp = rad.text(RADTYP).strip()
        key = radtyp.casefold()
        for k in cols:
            rad.belopp(k)  # a bad cell fails here, with its address
        if ar_summaetikett(namn):
            # The sheet's own total ('Summa', 'Totalt'): verified against the verksamheter, never one.
            typ_ = (INTAKTER if key.startswith("intäkt") else KOSTNADER if key.startswith("kostnad")
                    else NETTO if key.startswith("netto") or not key else None)
            if typ_ is not None:
                summarader.append((typ_, _belopprad(rad, f"{namn} {radtyp}".strip(), cols)))
            continue
        group = rows.setdefault(namn, {})
        if namn not in [v.namn for v in verksamheter]:
            omrade = None
            if omraden is not None:
                omrade = omraden.get(namn)
                if omrade is None:
                    raise rad.cell(VERKSAMHET).plats.fel(
                        f"verksamheten '{namn}' hör inte till något område i manifestets 'områden'")
            elif OMRADE in tabell.kolumner:
                omrade = rad.text(OMRADE).strip() or None
            verksamheter.append(Verksamhet(namn, omrade, Belopprad(INTAKTER), Belopprad(KOSTNADER),
                                           plats=_where(rad, VERKSAMHET)))
        v = next(x for x in verksamheter if x.namn == namn)
        if key.startswith("intäkt"):
            slot = "intakter"
        elif key.startswith("kostnad"):
            slot = "kostnader"
        elif key.startswith("varav"):
            v.varav.append(_belopprad(rad, radtyp[:1].upper() + radtyp[1:], cols, varav=True))
            continue
        elif key.startswith("netto"):
            v.netto_angiven = _belopprad(rad, radtyp, cols)
            continue
        else:
            raise rad.cell(RADTYP).plats.fel(
                f"okänd radtyp '{radtyp}'; använd Intäkter, Kostnader, Varav ... eller Nettokostnader")
        if slot in group:
            raise rad.cell(RADTYP).plats.fel(
                f"verksamheten '{namn}' har redan en rad {radtyp} ({group[slot][0].cell(RADTYP).plats.plats})")
        br = _belopprad(rad, INTAKTER if slot == "intakter" else KOSTNADER, cols)
        group[slot] = (rad, br)
        setattr(v, slot, br)
    if not verksamheter:
        raise InputError("arket har inga verksamheter", fil=tabell.fil)
    for v in verksamheter:
        for slot, label in (("intakter", "Intäkter"), ("kostnader", "Kostnader")):
            if slot not in rows[v.namn]:
                raise InputError(f"verksamheten '{v.namn}' saknar raden {label}", fil=tabell.fil, plats=v.plats)
    if omraden is not None:
        known = {v.namn for v in verksamheter}
        for namn in omraden:
            if namn not in known:
                raise InputError(f"verksamheten '{namn}' i 'områden' finns inte i arket", fil=tabell.fil)
    if kostnader == "positiva":
        for typ_, br in summarader:
            if typ_ != INTAKTER:
                _som_negativa(br)
        for v in verksamheter:
            _som_negativa(v.kostnader)
            for varav in v.varav:
                _som_negativa(varav)
            if v.netto_angiven is not None:
                _som_negativa(v.netto_angiven)
    return Driftstabell(str(tabell.fil), tabell.enhet, cols, kolumner_for(typ, cols), verksamheter, kostnader,
                        list(getattr(tabell, "titlar", [])), summarader)


def load_investeringar(tabell: Tabell, typ: str) -> Investeringstabell:
    tabell.kolumn(PROJEKT)
    if typ == "delarsrapport":
        cols = [k for k in ("Budget helår", "Utfall period", "Årsprognos") if k in tabell.kolumner]
        if len(cols) < 3:
            raise InputError("investeringsarket ska ha kolumnerna Projekt, Budget helår, Utfall period "
                             "och Årsprognos", fil=tabell.fil)
        kolumner, summa = DELAR_INVESTERING, None
    else:
        cols = _value_columns(tabell, typ, (PROJEKT,))
        kolumner, summa = [Kolumn(k) for k in cols], "Total"
    projekt: list[Investering] = []
    summarader: list[Investering] = []
    for i, rad in enumerate(tabell.rader):
        namn = rad.text(PROJEKT).strip()
        values = {k: rad.belopp(k) for k in cols}
        last = i == len(tabell.rader) - 1
        # A sum row (SUMMA, Totalt ..., or an unlabelled last row with amounts) is verified by
        # checks.tabell, never counted as a project.
        is_sum = ar_summaetikett(namn) or (not namn and last and projekt
                                           and any(v is not None for v in values.values()))
        if not namn and not is_sum:
            raise rad.cell(PROJEKT).plats.fel("projektets namn saknas")
        (summarader if is_sum else projekt).append(
            Investering(namn, values, _where(rad, PROJEKT), {k: _where(rad, k) for k in cols}))
    if not projekt:
        raise InputError("investeringsarket har inga projekt, bara summarader", fil=tabell.fil)
    return Investeringstabell(str(tabell.fil), cols, kolumner, projekt, summa, summarader,
                              tabell.enhet, f"blad {tabell.blad}" if tabell.blad else None)


def _format_decimals(number_format: str) -> int:
    """Decimals of an Excel number format's first section: '0%' -> 0, '0.0%' -> 1, '#,##0.00' -> 2."""
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format.split(";")[0])
    m = re.search(r"\.([0#?]+)", section)
    return len(m.group(1)) if m else 0


def _nyckeltal_text(cell: Cell, fmt: Formatter) -> str:
    """A number as its cell format shows it (0.74 in '0%' -> '74 %'); text as written."""
    v, number_format = cell.varde, cell.format
    if not isinstance(v, Decimal) or not number_format or number_format == "General":
        return cell.text
    if "%" in number_format:
        return fmt.procent(v, _format_decimals(number_format))
    if re.search(r"[0#]", number_format):
        text = fmt.tal(v, _format_decimals(number_format))
        # Digit grouping only when the format asks for it ('#,##0'), as Excel shows it.
        return text if "," in number_format.split(";")[0] else text.replace("\u00a0", "").replace(" ", "")
    return cell.text


def load_nyckeltal(tabell: Tabell, fmt: Formatter | None = None) -> tuple[list[str], list[list[str]]]:
    """A nyckeltal sheet as text: header and rows. Text stays text; numbers are shown as their
    cell's number format says (percent, decimals), formatted by the Formatter."""
    fmt = fmt or Formatter()
    rows = [[_nyckeltal_text(rad.celler[k], fmt) for k in tabell.kolumner]
            for rad in tabell.rader]
    return list(tabell.kolumner), rows


def load_volymer(tabell: Tabell, ar: int) -> Volymer:
    """A volymrapport: 'Mått' and one column per month (jan..dec)."""
    tabell.kolumn("Mått")
    months = []
    for kort in MANADER_KORT:
        match = next((k for k in tabell.kolumner if k.strip().casefold().rstrip(".") == kort), None)
        months.append(match)
    if not any(months):
        raise InputError("volymrapporten har inga månadskolumner (jan, feb, ...)", fil=tabell.fil)
    serier = []
    for rad in tabell.rader:
        values: list[Decimal | None] = [rad.tal(m) if m else None for m in months]
        serier.append(Volymserie(rad.text("Mått"), values))
    return Volymer(str(tabell.fil), ar, serier)
