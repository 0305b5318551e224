"""Checks on tables: sums, sum columns and difference columns verified (model.tabell), and
template hints left in cells.

verifiera(tabell, ktx) works on any model.tabell.Tabellmodell: Excel sheets, Markdown tables
in texts, generated tables. A sum row is verified, never taken as data. The rounding
tolerance (the profile's, in steps of the last shown digit: ±1 tkr for whole tkr) applies
only when one of the values compared was rounded; values stored unrounded must agree exactly.

The input stage's table type (inputs.excel.Tabell) gets placeholders_in_cells, registered
by commands.kontrollera, so checks/ does not import the input stage.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator

from ..format import Formatter
from ..model.block import Tabell as Blocktabell
from ..model.finding import Finding, Severity
from ..model.tabell import _FAKTOR as _FAKTOR_AV
from ..model.tabell import Tabellcell, Tabellmodell, fran_block
from .base import Kontrollkontext
from .text import placeholder_findings, profile_hints

# A sum of unrounded values may still differ in the last öre from float storage.
_ORE = Decimal("0.005")


def placeholders_in_cells(tabell, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Platshållare och mallhjälptexter i tabellens textceller ('Ange investering per rad')."""
    cells = [*tabell.rubriker, *(cell for rad in tabell.rader for cell in rad.celler.values())]
    texts = ((cell.plats.plats, cell.varde) for cell in cells if isinstance(cell.varde, str))
    yield from placeholder_findings(str(tabell.fil), texts, extra=profile_hints(ktx))


def ark_som_tabell(tabell) -> Tabellmodell:
    """A sheet read by the input stage (inputs.excel.Tabell) as a table model: the label is the
    row's text cells, the value columns those holding numbers."""
    from ..model.tabell import _FAKTOR

    faktor = _FAKTOR.get(tabell.enhet, Decimal(1))
    numeric = [k for k in tabell.kolumner
               if any(isinstance(r.celler[k].varde, Decimal) for r in tabell.rader)]
    text_cols = [k for k in tabell.kolumner if k not in numeric]
    namn = f"blad {tabell.blad}" if tabell.blad else "tabellen"
    model = Tabellmodell(str(tabell.fil), namn, " / ".join(text_cols), numeric, enhet=tabell.enhet)
    from ..model.tabell import Tabellrad

    for rad in tabell.rader:
        etikett = " ".join(rad.celler[k].text.strip() for k in text_cols if rad.celler[k].text.strip())
        cells = []
        for k in numeric:
            cell = rad.celler[k]
            value = cell.varde if isinstance(cell.varde, Decimal) else None
            steg = Decimal(0)
            if value is not None:
                exponent = value.normalize().as_tuple().exponent
                steg = faktor * Decimal(10) ** (exponent if isinstance(exponent, int) and exponent < 0 else 0)
            cells.append(Tabellcell(cell.text, None if value is None else value * faktor, steg, cell.plats.plats))
        model.rader.append(Tabellrad(etikett, cells, None))
    return model


def bilaga_som_tabell(tabell) -> Tabellmodell:
    """An Excel bilaga's sheet, read with its first non-empty row as header (inputs.excel.load_sheets),
    as a table model: the title rows above the real header row ('Periodrapport per 2023 08 (kr)')
    are kept in titlar and name the unit; the header row is the first row of two or more text
    cells with a number below it. A sheet without one gives a model with titles only."""
    from ..model.tabell import Tabellrad, enhet_i

    namn = tabell.kolumner
    rows = [tabell.rubriker, *([rad.celler[k] for k in namn] for rad in tabell.rader)]

    def text(cell) -> str:
        return cell.varde.strip() if isinstance(cell.varde, str) else ""

    header = None
    for i, row in enumerate(rows):
        filled = [c for c in row if not c.tom]
        if len(filled) >= 2 and all(isinstance(c.varde, str) for c in filled) and any(
                isinstance(c.varde, Decimal) for later in rows[i + 1:i + 3] for c in later):
            header = i
            break
    above = rows if header is None else rows[:header]
    titlar = [*tabell.titlar, *((text(c), c.plats.plats) for row in above[:5] for c in row if text(c))]
    blad = f"blad {tabell.blad}" if tabell.blad else "tabellen"
    if header is None:
        return Tabellmodell(str(tabell.fil), blad, "", [], enhet=enhet_i([t for t, _ in titlar]), titlar=titlar)
    body = rows[header + 1:]
    heads = [text(c) or c.plats.cell.rstrip("0123456789") for c in rows[header]]
    numeric = [k for k in range(len(heads)) if any(isinstance(r[k].varde, Decimal) for r in body)]
    labels = [k for k in range(len(heads)) if k not in numeric]
    enhet = enhet_i([t for t, _ in titlar] + heads)
    faktor = _FAKTOR_AV.get(enhet or "", Decimal(1))
    model = Tabellmodell(str(tabell.fil), blad, " / ".join(heads[k] for k in labels),
                         [heads[k] for k in numeric], enhet=enhet, titlar=titlar)
    for row in body:
        etikett = " ".join(text(row[k]) for k in labels if text(row[k]))
        cells = []
        for k in numeric:
            cell = row[k]
            value = cell.varde if isinstance(cell.varde, Decimal) else None
            steg = Decimal(0)
            if value is not None:
                exponent = value.normalize().as_tuple().exponent
                steg = faktor * Decimal(10) ** (exponent if isinstance(exponent, int) and exponent < 0 else 0)
            cells.append(Tabellcell(cell.text, None if value is None else value * faktor, steg, cell.plats.plats))
        if etikett or any(c.varde is not None for c in cells):
            model.rader.append(Tabellrad(etikett, cells, row[0].plats.plats if row else None))
    return model


def sums_in_sheet(tabell, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Summarader, summakolumner och avvikelsekolumner i arket stämmer."""
    yield from verifiera(ark_som_tabell(tabell), ktx)


def _tolerans(cells: Iterable[Tabellcell], ktx: Kontrollkontext) -> Decimal:
    """±1 in the last shown digit of the coarsest rounded value (scaled by the profile's
    tolerance, 1 tkr by default); none for values that were not rounded."""
    steg = max((c.steg for c in cells), default=Decimal(0))
    if steg == 0:
        return _ORE
    return steg * ktx.tolerans.tkr


def _visa(fmt: Formatter, t: Tabellmodell, value: Decimal, cells: Iterable[Tabellcell]) -> str:
    steg = max((c.steg for c in cells), default=Decimal(0))
    if t.enhet in ("kr", "tkr", "mnkr"):
        from ..format import ENHETER

        unit = ENHETER[t.enhet]
        decimals = 0
        if steg:
            exponent = (steg / unit).normalize().as_tuple().exponent
            decimals = max(0, -exponent) if isinstance(exponent, int) else 0
        return fmt.belopp(value, t.enhet, decimals)
    exponent = steg.normalize().as_tuple().exponent if steg else 0
    return fmt.tal(value, max(0, -exponent) if isinstance(exponent, int) else 0)


def _summa(cells: list[Tabellcell]) -> Decimal:
    return sum((c.varde for c in cells if c.varde is not None), Decimal(0))


def _finding(t: Tabellmodell, ktx: Kontrollkontext, kod: str, cell: Tabellcell, etikett: str,
             kolumn: str, forvantat: Decimal, parts: list[Tabellcell], vad: str) -> Finding | None:
    if cell.varde is None:
        return None
    tol = _tolerans([cell, *parts], ktx)
    if abs(cell.varde - forvantat) <= tol:
        return None
    fmt = ktx.formatter
    shown = [cell, *parts]
    return Finding(Severity.FEL, kod, t.fil,
                   f"{t.namn}: '{etikett or '(tom rubrik)'}', {kolumn}: {vad}",
                   plats=cell.plats, forvantat=_visa(fmt, t, forvantat, shown),
                   funnet=_visa(fmt, t, cell.varde, shown))


def verifiera(t: Tabellmodell, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Every sum row, group heading, sum column and difference column of the table, verified."""
    # Sum rows: the rows since the previous sum, or (a grand total) all data rows above.
    for i in t.summarader():
        rad = t.rader[i]
        sedan, alla = t.delar_for_summa(i)
        if not alla:
            continue
        for k, kolumn in enumerate(t.kolumner):
            cell = rad.celler[k]
            if cell.varde is None:
                continue
            options = [rows for rows in (sedan, alla) if rows]
            if sedan == alla:
                options = [alla]
            found = []
            for rows in options:
                parts = [t.rader[j].celler[k] for j in rows if t.rader[j].celler[k].varde is not None]
                if parts:
                    found.append(_finding(t, ktx, "summarad", cell, rad.etikett, kolumn, _summa(parts),
                                          parts, "summaraden är inte summan av raderna ovanför"))
            if found and all(found):
                yield found[0]
    # A capitalised label over a group: its values are the group's sum.
    for i, members in t.grupper():
        rad = t.rader[i]
        for k, kolumn in enumerate(t.kolumner):
            parts = [t.rader[j].celler[k] for j in members if t.rader[j].celler[k].varde is not None]
            if not parts:
                continue
            f = _finding(t, ktx, "summarad", rad.celler[k], rad.etikett, kolumn, _summa(parts), parts,
                         "gruppens rubrikrad är inte summan av raderna under den")
            if f:
                yield f
    # Sum columns and difference columns, row by row.
    summor = t.summakolumner()
    diffs = t.differenskolumner()
    for rad in t.rader:
        for k, parts_idx in summor:
            parts = [rad.celler[j] for j in parts_idx if rad.celler[j].varde is not None]
            if len(parts) < 2:
                continue
            f = _finding(t, ktx, "summakolumn", rad.celler[k], rad.etikett, t.kolumner[k], _summa(parts),
                         parts, "summan är inte " + " + ".join(t.kolumner[j] for j in parts_idx))
            if f:
                yield f
        for d in diffs:
            a, b = rad.celler[d.a], rad.celler[d.b]
            if a.varde is None or b.varde is None:
                continue
            f = _finding(t, ktx, "differens", rad.celler[d.kolumn], rad.etikett, t.kolumner[d.kolumn],
                         a.varde - b.varde, [a, b],
                         f"ska vara {t.kolumner[d.a]} − {t.kolumner[d.b]}")
            if f:
                yield f


def tabeller_i_block(fil: str, blocks: Iterable, plats=None) -> list[Tabellmodell]:
    """Every Markdown table among blocks, as table models."""
    return [fran_block(fil, b, plats=plats) for b in blocks if isinstance(b, Blocktabell)]


# --- the tables of each document type ---------------------------------------------------------

def _tjansteskrivelse_tabeller(doc) -> list[Tabellmodell]:
    from .text import body_plats

    out = []
    for key, blocks in doc.avsnitt.items():
        out += tabeller_i_block(str(doc.fil), blocks, plats=lambda line, key=key: body_plats(doc, line, key))
    return out


def _rapport_tabeller(doc) -> list[Tabellmodell]:
    from ..model.rapport import text_kalla

    out = []
    for key, blocks in doc.texter.items():
        out += tabeller_i_block(str(text_kalla(doc.fil, getattr(doc.falt.texter, key))), blocks)
    if doc.falt.texter.ekonomi:
        kalla = str(text_kalla(doc.fil, doc.falt.texter.ekonomi))
        for blocks in doc.kommentarer.values():
            out += tabeller_i_block(kalla, blocks)
    inv = doc.investeringar
    if inv is not None and inv.summarader:
        out.append(investeringstabell(inv))
    return out


def investeringstabell(inv) -> Tabellmodell:
    """The investment sheet as read, its own sum rows included, for verification."""
    from ..model.tabell import fran_belopp

    rows = [(p.projekt, p.varden, p.platser, p.plats) for p in [*inv.projekt, *inv.summarader]]
    rows.sort(key=lambda r: _radnummer(r[3]))
    return fran_belopp(inv.fil, inv.blad or "investeringsarket", "Projekt", inv.indata, rows, inv.enhet)


def _radnummer(plats: str | None) -> int:
    import re

    m = re.search(r"cell [A-Z]+(\d+)", plats or "")
    return int(m.group(1)) if m else 0


def tabeller(doc) -> list[Tabellmodell]:
    """Every table of a document as table models (tjänsteskrivelse, dokument, rapport)."""
    from .base import ar_typ

    if ar_typ(doc, "rapportgen.model.tjansteskrivelse.TjansteskrivelseDoc"):
        return _tjansteskrivelse_tabeller(doc)
    if ar_typ(doc, "rapportgen.model.dokument.DokumentDoc"):
        return tabeller_i_block(str(doc.fil), doc.block)
    if ar_typ(doc, "rapportgen.model.rapport.Rapport"):
        return _rapport_tabeller(doc)
    return []


def _tabellkontroll(doc, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Summarader, summakolumner och avvikelsekolumner i dokumentets tabeller stämmer."""
    for t in tabeller(doc):
        yield from verifiera(t, ktx)


def _registrera() -> None:
    from .base import check

    # By name: checking a tjänsteskrivelse does not import the rapport's model.
    for typ in ("rapportgen.model.tjansteskrivelse.TjansteskrivelseDoc", "rapportgen.model.dokument.DokumentDoc",
                "rapportgen.model.rapport.Rapport"):
        check(typ, "tabell")(_tabellkontroll)


_registrera()
