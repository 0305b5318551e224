"""Economy sheets as an ekonomisystem exports them, read into model.ekonomi.

The drift sheet (driftbudget, driftredovisning) is read by a table definition, the shipped
timra_driftbudget/timra_driftredovisning (rapportgen/tabeller/timra.yaml) unless the profile or
tabeller.yaml redefines them; drift_ur_tabell turns the read table into the drift model.
Investments: one row per project. Nyckeltal: one sheet per målbild, cells kept as text.
Volymrapport: measures x months.
"""

from __future__ import annotations

import re
from decimal import Decimal


from ..exceptions import InputError
from ..format import MANADER_KORT, Formatter
from ..model.ekonomi import (INTAKTER, KOSTNADER, NETTO, Belopprad, Driftstabell, Investering,
                             Investeringstabell, Kolumn, Verksamhet, Volymer, Volymserie)
from ..model.tabell import norm
from ..model.tabelldef import Definierad, Tabelldefinition, Tabellrad, parse_formel
from .excel import Cell, Tabell

# The shipped definition (rapportgen/tabeller/timra.yaml) that reads a manifest's `ekonomi:` sheet.
DRIFT_DEFINITION = {"verksamhetsplan": "timra_driftbudget", "delarsrapport": "timra_driftredovisning"}
_FORMEL_AB = re.compile(r"^\s*\[([^\[\]]+)\]\s*-\s*\[([^\[\]]+)\]\s*$")


def _kolumn(k) -> Kolumn:
    """A definition's column as the drift model's column (computed: '[a] - [b]')."""
    if not k.beraknad:
        return Kolumn(k.rubrik)
    m = _FORMEL_AB.match(k.formel)
    if m is None:
        raise InputError(f"driftdefinitionens kolumn '{k.rubrik}' ska räknas som '[A] - [B]'")
    return Kolumn(k.rubrik, m.group(1), m.group(2))


def drift_roller(defn: Tabelldefinition, namn: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The drift model's row roles in a definition: the income group's one row, the cost group's
    (kostnader: true) one row, and the sum row '[intäkter] + [kostnader]'. Returns role -> label
    and role -> every word for the row; any other shape is a definition error."""
    from ..model.tabelldef import parse_formel

    grupper = [p for p in defn.rader if p.ar_grupp]
    summor = [p for p in defn.rader if not p.ar_grupp]
    kostnad = [p for p in grupper if p.kostnader]
    intakt = [p for p in grupper if not p.kostnader]
    form = ("en grupp med en intäktsrad, en grupp med kostnader: true och en rad, och en summarad "
            "'[intäktsraden] + [kostnadsraden]'")
    if len(kostnad) != 1 or len(intakt) != 1 or len(summor) != 1 \
            or any(p.rader == "alla" or len(p.rader or []) != 1 for p in grupper):
        raise InputError(f"tabelldefinitionen '{namn}' läser 'ekonomi:' och ska ha {form}")
    rad_i, rad_k, netto = intakt[0].rader[0], kostnad[0].rader[0], summor[0]
    termer = sorted((t.tecken, t.namn, t.summa) for t in parse_formel(netto.formel))
    if termer != sorted([(1, rad_i.namn, False), (1, rad_k.namn, False)]):
        raise InputError(f"tabelldefinitionen '{namn}': summaraden '{netto.summa}' ska vara "
                         f"'[{rad_i.namn}] + [{rad_k.namn}]' ({form})")
    etiketter = {INTAKTER: rad_i.namn, KOSTNADER: rad_k.namn, NETTO: netto.summa}
    synonymer = {INTAKTER: [rad_i.namn, *rad_i.synonymer], KOSTNADER: [rad_k.namn, *rad_k.synonymer],
                 NETTO: [netto.summa, *netto.synonymer]}
    return etiketter, synonymer


def drift_ur_tabell(t: Definierad, tabell: Tabell, omraden: dict[str, str]) -> Driftstabell:
    """The driftbudget/driftredovisning read by its definition (a long sheet: one group per
    verksamhet with an income row, a cost row with varav rows, and a netto sum row; see
    drift_roller), as the drift model the writers, prose, charts and checks use. omraden maps
    verksamhet -> område."""
    defn = t.definition
    if not defn.lasning.gruppkolumn:
        raise InputError(f"tabelldefinitionen '{t.namn}' läser inget långt ark (läsning.gruppkolumn)", fil=t.fil)
    etiketter, synonymer = drift_roller(defn, t.namn)
    roll = {label: r for r, label in etiketter.items()}
    kolumner = [_kolumn(k) for k in t.visade if k.typ == "belopp"]
    indata = [k.namn for k in kolumner if not k.beraknad]
    negativ = t.kostnader_i_arket == "positiva"  # a given netto row is held as the model computes

    def belopprad(r: Tabellrad, etikett: str, varav: bool = False) -> Belopprad:
        return Belopprad(etikett, {k: r.varden.get(k) for k in indata}, {k: r.platser[k] for k in indata if k in r.platser},
                         varav)

    def angiven(r: Tabellrad, etikett: str) -> Belopprad:
        values = {k: r.angiven.get(k) for k in indata if k in r.angiven}
        if negativ and roll.get(r.etikett) != INTAKTER:
            values = {k: (None if v is None else -v) for k, v in values.items()}
        return Belopprad(etikett, values, {k: r.angivna_platser[k] for k in values if k in r.angivna_platser})

    # The sheet's own words for its sum rows ('Totalt Kostnader'), by the label cell.
    etikettkolumn = next((k for n in defn.lasning.etikettkolumn for k in tabell.kolumner if norm(k) == norm(n)), None)
    gruppkolumn = next((k for n in defn.lasning.gruppkolumn for k in tabell.kolumner if norm(k) == norm(n)), None)
    arkets: dict[str, str] = {}
    grupp = ""
    for rad in tabell.rader if etikettkolumn and gruppkolumn else []:
        grupp = " ".join(rad.text(gruppkolumn).split()) or grupp
        arkets[rad.cell(etikettkolumn).plats.plats] = f"{grupp} {' '.join(rad.text(etikettkolumn).split())}".strip()
    verksamheter: list[Verksamhet] = []
    summarader: list[tuple[str, Belopprad]] = []
    for r in t.rader:
        if r.typ == "grupp" and r.block is not None and r.block == r.etikett:
            omrade = omraden.get(r.etikett)
            if omrade is None:
                raise InputError(f"verksamheten '{r.etikett}' hör inte till något område i manifestets 'områden'",
                                 fil=t.fil, plats=r.plats)
            verksamheter.append(Verksamhet(r.etikett, omrade, Belopprad(etiketter[INTAKTER]),
                                           Belopprad(etiketter[KOSTNADER]), plats=r.plats))
            continue
        if r.typ == "grupp":
            continue
        if r.block is None:  # the total block: the sheet's own sum rows, verified
            if r.angiven and r.etikett in roll:
                total = defn.totalrubrik if "{" not in defn.totalrubrik else "Totalt"  # not '{NÄMND}' in messages
                summarader.append((roll[r.etikett], angiven(r, arkets.get(r.plats, f"{total} {r.etikett}"))))
            continue
        v = verksamheter[-1]
        if r.typ == "detalj" and roll.get(r.etikett) == INTAKTER:
            v.intakter = belopprad(r, r.etikett)
        elif r.typ == "detalj" and roll.get(r.etikett) == KOSTNADER:
            v.kostnader = belopprad(r, r.etikett)
        elif r.typ == "varav":
            v.varav.append(belopprad(r, r.etikett, varav=True))
        elif r.typ == "summa" and roll.get(r.etikett) == NETTO and r.angiven:
            v.netto_angiven = angiven(r, r.etikett)
    known = {v.namn for v in verksamheter}
    for namn in omraden:
        if namn not in known:
            raise InputError(f"verksamheten '{namn}' i 'områden' finns inte i arket", fil=tabell.fil)
    return Driftstabell(str(tabell.fil), tabell.enhet, indata, kolumner, verksamheter, t.kostnader_i_arket,
                        list(getattr(tabell, "titlar", [])), summarader, etiketter, synonymer,
                        _roller(t), t.namn, defn.titel, [k.rubrik for k in t.visade if k.valfri], t)

def _roller(t: Definierad) -> dict[str, str]:
    """role -> column for the columns shown (an optional column missing from the sheet has none)."""
    return {k.roll: k.rubrik for k in t.visade if k.roll is not None}


INVESTERING_DEFINITION = {"verksamhetsplan": "timra_investeringar_plan", "delarsrapport": "timra_investeringar_delar"}


def investeringar_ur_tabell(t: Definierad, tabell: Tabell) -> Investeringstabell:
    """The investment table read by its definition (one project per row, the sheet's own sum rows
    verified), as the investment model the writers, prose and checks use. A computed column
    that sums every year column (timra_investeringar_plan's Total) is the plan's total column."""
    defn = t.definition
    visade = [k for k in t.visade if k.typ == "belopp"]
    indata = [k.rubrik for k in visade if not k.beraknad]
    summa: str | None = None
    kolumner: list[Kolumn] = []
    arter = {k.art for k in visade if not k.beraknad}
    for k in visade:
        if k.beraknad and {x.namn for x in parse_formel(k.formel) if x.summa} >= arter \
                and all(x.summa and x.tecken > 0 for x in parse_formel(k.formel)):
            summa = k.rubrik  # every year column added: the plan's Total
        else:
            kolumner.append(_kolumn(k))
    etikettkolumn = next((k for n in defn.lasning.etikettkolumn for k in tabell.kolumner if norm(k) == norm(n)), None)
    arkets = {rad.cell(etikettkolumn).plats.plats: " ".join(rad.text(etikettkolumn).split())
              for rad in tabell.rader} if etikettkolumn else {}
    projekt: list[Investering] = []
    summarader: list[Investering] = []
    for r in t.rader:
        if r.typ == "detalj":
            projekt.append(Investering(r.etikett, {k: r.varden.get(k) for k in indata}, r.plats,
                                       {k: r.platser[k] for k in indata if k in r.platser}))
        elif r.typ == "summa" and r.angiven:
            values = {k: r.angiven.get(k) for k in indata if k in r.angiven}
            summarader.append(Investering(arkets.get(r.plats) or r.etikett, values, r.plats,
                                          {k: r.angivna_platser[k] for k in values if k in r.angivna_platser}))
    if not projekt:
        raise InputError("investeringsarket har inga projekt, bara summarader", fil=tabell.fil)
    return Investeringstabell(str(tabell.fil), indata, kolumner, projekt, summa, summarader,
                              tabell.enhet, f"blad {tabell.blad}" if tabell.blad else None, _roller(t), t.namn,
                              [k.rubrik for k in t.visade if k.valfri], t)


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
