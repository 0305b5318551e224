"""Preflight checks of a meeting manifest (run by `rapportgen check` and before every build)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from ..identifiers import samma_arende
from ..model.sammantrade import Handling
from ..model.tjansteskrivelse import TjansteskrivelseDoc
from ..model.finding import Finding, Severity
from .base import Kontrollkontext, ar_typ, check, iter_texts, run_checks
from .text import placeholder_findings, profile_hints

# Model types tested by name (base.ar_typ): a meeting without a rapport does not import its model.
RAPPORT = "rapportgen.model.rapport.Rapport"
UPPDRAGSLISTA = "rapportgen.model.uppdragslista.UppdragslistaDoc"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[\u2010-\u2015\u2212-]", "-", text)
    text = re.sub(r"\s*-\s*", " - ", text)
    return " ".join(text.split()).rstrip(".")


def _rel(h: Handling, d) -> str:
    try:
        return str(d.fil.relative_to(h.mapp.resolve()))
    except ValueError:
        return str(d.fil)


@check(Handling, "fil_saknas")
def missing_files(h: Handling) -> Iterator[Finding]:
    """Tjänsteskrivelser och bilagor som inte finns."""
    for d in h.delar:
        if d.fil.is_dir():
            forslag = sorted(p.name for p in d.fil.glob("*.yaml")) + sorted(p.name for p in d.fil.glob("*.md"))
            tips = f", t.ex. '{_rel(h, d)}/{forslag[0]}'" if forslag else ""
            yield Finding(Severity.FEL, "fil_saknas", str(h.fil),
                          f"'{_rel(h, d)}' är en mapp ({d.stampel}); ange filen i mappen{tips}",
                          plats=d.manifest_plats)
        elif not d.fil.is_file():
            yield Finding(Severity.FEL, "fil_saknas", str(h.fil),
                          f"filen '{_rel(h, d)}' finns inte ({d.stampel})", plats=d.manifest_plats)


@check(Handling, "dubbel_punkt")
def duplicated_punkt(h: Handling) -> Iterator[Finding]:
    """Samma punkt två gånger i ärendelistan."""
    counts = Counter(a.punkt.casefold() for a in h.arenden)
    for i, a in enumerate(h.arenden):
        if counts[a.punkt.casefold()] > 1:
            yield Finding(Severity.FEL, "dubbel_punkt", str(h.fil),
                          f"punkt '{a.punkt}' förekommer {counts[a.punkt.casefold()]} gånger i ärendelistan",
                          plats=h.plats("ärenden", i) or h.plats("arenden", i))


def _tjansteskrivelse(h: Handling, i: int) -> TjansteskrivelseDoc | None:
    for d in h.delar_for(i):
        if d.bilaga_nr is None and isinstance(d.doc, TjansteskrivelseDoc):
            return d.doc
    return None


@check(Handling, "dnr")
def dnr_matches(h: Handling, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Tjänsteskrivelsens dnr ska vara ärendelistans (eller samma ärende enligt profilens dnr_ärende)."""
    for i, a in enumerate(h.arenden):
        doc = _tjansteskrivelse(h, i)
        if doc is None:
            continue
        plats = h.plats("ärenden", i, "dnr") or h.plats("ärenden", i)
        if a.dnr is None:
            yield Finding(Severity.VARNING, "dnr", str(h.fil),
                          f"ärende {a.punkt} saknar dnr i ärendelistan; tjänsteskrivelsen har {doc.falt.dnr}",
                          plats=plats)
        elif a.dnr.replace(" ", "") == doc.falt.dnr.replace(" ", ""):
            continue
        elif ktx.arende_monster is not None and samma_arende(a.dnr, doc.falt.dnr, ktx.arende_monster,
                                                              ktx.dnr_monster):
            continue
        else:
            tip = "" if ktx.arende_monster is not None else (
                "; är dokumentets nummer ärendets med ett tillägg (t.ex. 2023SOCN60 och 2023SOCN60 042), "
                "ange ärendenumrets mönster i profilen: dnr_ärende: \"{år}{organ}{löpnummer}\"")
            yield Finding(Severity.FEL, "dnr", str(h.fil),
                          f"ärende {a.punkt}: dnr i ärendelistan skiljer sig från tjänsteskrivelsen "
                          f"({doc.fil.name}){tip}", plats=plats, forvantat=doc.falt.dnr, funnet=a.dnr)


_MANADER = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
            "oktober", "november", "december")


def self_reference(text: str, doc: TjansteskrivelseDoc) -> bool:
    """True when a beslutsunderlag line names the tjänsteskrivelse itself: 'Tjänsteskrivelse',
    optionally with its own date (2 februari 2023, 2023-02-02), dnr or title."""
    norm = _norm(text)
    word = "tjänsteskrivelse"
    if not norm.startswith(word):
        return False
    rest = norm[len(word):].strip(" ,-–:")
    if not rest:
        return True
    d, f = doc.falt.datum, doc.falt
    own = {_norm(x) for x in (f"{d.day} {_MANADER[d.month - 1]} {d.year}", d.isoformat(),
                              f"{d.day}/{d.month} {d.year}", f.dnr, f.titel, f"dnr {f.dnr}")}
    if rest in own:
        return True
    parts = [p.strip(" ,-–:") for p in rest.split(",") if p.strip(" ,-–:")]
    return bool(parts) and all(p in own for p in parts)


@check(Handling, "beslutsunderlag")
def beslutsunderlag_matches_bilagor(h: Handling) -> Iterator[Finding]:
    """Varje rad i Beslutsunderlag finns som bilaga, och varje bilaga står i Beslutsunderlag."""
    for i, a in enumerate(h.arenden):
        doc = _tjansteskrivelse(h, i)
        plats = h.plats("ärenden", i, "bilagor") or h.plats("ärenden", i)
        if doc is None:
            if a.bilagor and a.tjansteskrivelse is None:
                yield Finding(Severity.VARNING, "beslutsunderlag", str(h.fil),
                              f"ärende {a.punkt} har bilagor men ingen tjänsteskrivelse", plats=plats)
            continue
        # The tjänsteskrivelse may list itself ('Tjänsteskrivelse 2 februari 2023'): not a bilaga.
        egna = [x for x in doc.falt.beslutsunderlag if not self_reference(x, doc)]
        listed = [_norm(x) for x in egna]
        bilagor = [b for b in a.bilagor if not b.utanfor_beslutsunderlag]
        labels = [_norm(b.etikett) for b in bilagor]
        for raw, norm in zip(egna, listed):
            if norm not in labels:
                yield Finding(Severity.FEL, "beslutsunderlag", str(doc.fil),
                              f"ärende {a.punkt}: '{raw}' står i Beslutsunderlag men finns inte bland "
                              "bilagorna i manifestet", plats="fält 'beslutsunderlag'")
        for b, norm in zip(bilagor, labels):
            if norm not in listed:
                yield Finding(Severity.FEL, "beslutsunderlag", str(h.fil),
                              f"ärende {a.punkt}: bilagan '{b.etikett}' står inte i tjänsteskrivelsens "
                              "Beslutsunderlag (ange 'utanför_beslutsunderlag: true' för en medföljande handling)",
                              plats=plats)
        common_listed = [x for x in listed if x in labels]
        common_labels = [x for x in labels if x in listed]
        if common_listed != common_labels:
            yield Finding(Severity.VARNING, "beslutsunderlag", str(h.fil),
                          f"ärende {a.punkt}: bilagorna står i en annan ordning än i Beslutsunderlag; "
                          "handlingen följer manifestets ordning", plats=plats)


@check(Handling, "platshallare")
def placeholders_in_generated(h: Handling, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Platshållare kvar i manifestet och i de dokument rapportgen genererar (och deras övriga kontroller)."""
    data = h.falt.model_dump(by_alias=True, mode="json")
    texts = ((h.plats(*_loc(path)) or f"fält '{path}'", text) for path, text in iter_texts(data)
             if not path.endswith((".fil", ".tjänsteskrivelse", "lösenord")))
    yield from placeholder_findings(str(h.fil), texts, extra=profile_hints(ktx))
    for d in h.delar:
        if d.doc is not None:
            yield from run_checks(d.doc, ktx.profil)


def _loc(path: str) -> tuple:
    """'ärenden[3].ärendemening' -> ('ärenden', 2, 'ärendemening')."""
    out: list = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if name:
            out.append(name)
        if rest:
            out.append(int(rest.rstrip("]")) - 1)
    return tuple(out)


# --- the same figure in two documents ---------------------------------------------------------

# A table's own total, whatever its definition calls it: the netto row.
_SUMMAORD = ("summa", "totalt")
# Column headings a handläggare writes for the report's columns.
_KOLUMN_SYNONYMER = {"prognosavvikelse": "årsprognos budgetavvikelse", "avvikelse prognos": "årsprognos budgetavvikelse",
                     "budgetavvikelse helår": "årsprognos budgetavvikelse", "prognos": "årsprognos",
                     "helårsprognos": "årsprognos"}
_ENHET = re.compile(r"\((kr|tkr|mnkr)\)", re.I)


def _etikett(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace("*", "")
    text = re.sub(r"\((?:-|\+|[−–])\)|\((?:kr|tkr|mnkr)\)", "", text)
    return " ".join(text.replace(":", " ").split())


def _rapporter(h: Handling, i: int) -> list:
    return [d for d in h.delar_for(i) if d.bilaga_nr is not None and ar_typ(d.doc, RAPPORT)]


def _rad_i_rapport(rapport, etikett: str):
    """(verksamheter, radtyp) of the report that a table row label names, or None."""
    from ..model.ekonomi import NETTO, ROLLER

    drift = rapport.drift
    if drift is None:  # tables declared by definitions: no verksamhet model to look rows up in
        return None
    # The row words come from the drift table's definition (label and synonyms of each role).
    radtyper = {_etikett(ord_): roll for roll in ROLLER for ord_ in drift.synonymer.get(roll, [])}
    radtyper.update({ord_: NETTO for ord_ in _SUMMAORD})
    if etikett in radtyper:
        return drift.verksamheter, radtyper[etikett]
    namnd = _etikett(rapport.falt.namnd) if getattr(rapport.falt, "namnd", None) else None
    if etikett == namnd:
        return drift.verksamheter, NETTO
    for omrade in drift.omraden():
        kort = rapport.omrade_kort.get(omrade)
        if etikett in {_etikett(omrade), *([_etikett(kort)] if kort else [])}:
            return drift.i_omrade(omrade), NETTO
    for v in drift.verksamheter:
        if etikett == _etikett(v.namn):
            return [v], NETTO
    return None


def _definierad_rad(t, etikett: str):
    """column -> kronor of the row of a declared table that a label names: a row of the table (the
    total block of a long sheet), a group of a long sheet (its last sum row), or 'Summa'/'Totalt'
    (the table's last sum row); None when the label names nothing."""
    rows = [r for r in t.rader if r.typ in ("detalj", "summa") and r.block is None]
    hit = next((r for r in rows if _etikett(r.etikett) == etikett), None)
    if hit is None:
        sums = {}
        for r in t.rader:
            if r.block is not None and r.typ == "summa":
                sums[_etikett(r.block)] = r
        hit = sums.get(etikett)
    if hit is None and etikett in _SUMMAORD:
        hit = t.sista_summa()
    return None if hit is None else (lambda kolumn, r=hit: r.varden.get(kolumn))


def tabellkallor(rapport) -> list[tuple[list[str], object]]:
    """The economy tables of a report a tjänsteskrivelse may quote: (column names, lookup), where
    lookup(label) gives column -> kronor for the row the label names, or None. The drift table
    (verksamheter, områden, the nämnd) and every table declared by a definition."""
    out: list[tuple[list[str], object]] = []
    d = rapport.drift
    if d is not None:
        def drift_rad(etikett: str):
            traff = _rad_i_rapport(rapport, etikett)
            if traff is None:
                return None
            grupp, radtyp = traff
            return lambda kolumn: d.varde(grupp, radtyp, kolumn)

        out.append(([k.namn for k in d.kolumner], drift_rad))
    for t in getattr(rapport, "tabeller", []):
        out.append((list(t.kolumner), lambda etikett, t=t: _definierad_rad(t, etikett)))
    return out


@check(Handling, "samma_tal")
def same_figure_in_two_documents(h: Handling, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Ett belopp i tjänsteskrivelsens tabeller ska vara samma som i ärendets delårsrapport eller verksamhetsplan."""
    from decimal import Decimal

    from ..format import ENHETER, parse_tal
    from ..model.block import Tabell, runs_text

    fmt = ktx.formatter
    for i, a in enumerate(h.arenden):
        doc = _tjansteskrivelse(h, i)
        rapporter = _rapporter(h, i)
        if doc is None or not rapporter:
            continue
        tabeller = [b for blocks in doc.avsnitt.values() for b in blocks if isinstance(b, Tabell)]
        for tabell in tabeller:
            huvud = [runs_text(c).strip() for c in tabell.huvud]
            m = next((_ENHET.search(c) for c in huvud if _ENHET.search(c)), None)
            enhet = m.group(1).lower() if m else "tkr"
            kallor = [(del_, {k.casefold(): k for k in kolumnnamn}, sla_upp)
                      for del_ in rapporter for kolumnnamn, sla_upp in tabellkallor(del_.doc)]
            for ri, rad in enumerate(tabell.rader):
                cells = [runs_text(c).strip() for c in rad]
                if not cells:
                    continue
                etikett = _etikett(cells[0])
                for ci, rubrik in enumerate(huvud[1:], start=1):
                    if ci >= len(cells) or not cells[ci]:
                        continue
                    key = _etikett(rubrik)
                    key = _KOLUMN_SYNONYMER.get(key, key)
                    # Every report table naming this row and column; the figure must agree with one.
                    kandidater = []
                    for del_, namn, sla_upp in kallor:
                        varde_i = sla_upp(etikett) if key in namn else None
                        varde = varde_i(namn[key]) if varde_i is not None else None
                        if varde is not None:
                            kandidater.append((del_, namn[key], varde))
                    if not kandidater:
                        continue
                    try:
                        shown = parse_tal(cells[ci].replace("*", ""))
                    except ValueError:
                        continue
                    decimals = max(0, -shown.as_tuple().exponent)
                    steg = ENHETER[enhet] * Decimal(10) ** -decimals
                    if any(abs(shown * ENHETER[enhet] - v) <= steg / 2 + ktx.tolerans.kr for _d, _k, v in kandidater):
                        continue
                    del_, kolumn, varde = kandidater[0]
                    yield Finding(
                        Severity.FEL, "samma_tal", str(doc.fil),
                        f"ärende {a.punkt}: '{cells[0]}', {kolumn}, skiljer sig från bilagan "
                        f"'{del_.etikett}' ({del_.fil.name})",
                        plats=f"rad {tabell.rad + 2 + ri}, kolumn '{huvud[ci]}'",
                        forvantat=fmt.belopp(varde, enhet, decimals),
                        funnet=fmt.belopp(shown * ENHETER[enhet], enhet, decimals))


# --- the same (row label, column) in any two parts of the package -----------------------------

def _synonymer(ktx: Kontrollkontext) -> dict[str, str]:
    """Label -> the label it is compared as: the profile's synonyms and the built-in column names."""
    from ..model.tabell import norm

    out = {norm(k): norm(v) for k, v in _KOLUMN_SYNONYMER.items()}
    for canon, others in ktx.profil.kontroller.synonymer.items():
        for other in [canon, *others]:
            out[norm(other)] = norm(canon)
    return out


# Parts rapportgen takes in as they are (an Excel bilaga) are read by the document type that may
# open files: doctypes.kallelse registers its reader here, so checks/ never reads a file itself.
# A reader takes a Del and gives its tables as models (with their title rows), [] when it has none.
_TABELLASARE: list[Callable[[Any], list]] = []


def tabellasare(fn: Callable[[Any], list]) -> Callable[[Any], list]:
    """Register a reader of the tables of external parts (see above)."""
    _TABELLASARE.append(fn)
    return fn


def externa_tabeller(d) -> list:
    """The table models of an external part (an Excel bilaga), as the registered readers give them."""
    if d.doc is not None or not d.extern:
        return []
    return [t for fn in _TABELLASARE for t in fn(d)]


def _delar_med_tabeller(h: Handling):
    """(part, its table models) for every part of the package: the loaded documents' tables and
    the external Excel bilagor's sheets."""
    from .tabell import tabeller

    for d in h.delar:
        found = tabeller(d.doc) if d.doc is not None else [t for t in externa_tabeller(d) if t.kolumner]
        if found:
            yield d, found


@check(Handling, "tabell")
def sums_in_excel_bilagor(h: Handling, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Summarader, summakolumner och avvikelsekolumner i handlingens Excel-bilagor stämmer."""
    from .tabell import verifiera

    for d in h.delar:
        for t in externa_tabeller(d):
            yield from verifiera(t, ktx)


_BARA_SUMMA = frozenset({"summa", "s:a", "totalt", "total", "summa totalt", "totalsumma", "totalt summa"})


@check(Handling, "samma_tal")
def same_figure_in_any_two_parts(h: Handling, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Samma radrubrik och kolumn i två delar av handlingen ska ha samma belopp (synonymer i profilen)."""
    import difflib
    from decimal import Decimal

    from ..model.tabell import norm

    syn = _synonymer(ktx)
    fmt = ktx.formatter
    # (label, column, unit kind) -> first place it was given: (value, step, part, table, row, column)
    seen: dict[tuple[str, str, str], tuple] = {}
    labels_by_column: dict[tuple[str, str], dict[str, tuple]] = {}
    for d, models in _delar_med_tabeller(h):
        for t in models:
            kind = "kr" if t.enhet else "tal"
            for rad in t.rader:
                if not rad.etikett.strip():
                    continue
                # A bare 'Summa' or 'Totalt' says nothing about what it sums (every sheet has
                # one): compared only when the profile's synonyms name it.
                if norm(rad.etikett) in _BARA_SUMMA and norm(rad.etikett) not in syn:
                    continue
                label = syn.get(norm(rad.etikett), norm(rad.etikett))
                for k, cell in enumerate(rad.celler):
                    if cell.varde is None:
                        continue
                    column = syn.get(norm(t.kolumner[k]), norm(t.kolumner[k]))
                    key = (label, column, kind)
                    entry = (cell.varde, cell.steg, d, t, rad, t.kolumner[k], cell)
                    labels_by_column.setdefault((column, kind), {}).setdefault(label, entry)
                    first = seen.setdefault(key, entry)
                    if first is entry or first[2].fil == d.fil:
                        continue
                    value0, steg0, d0, t0, rad0, kolumn0, cell0 = first
                    tol = max(steg0, cell.steg) * ktx.tolerans.tkr if max(steg0, cell.steg) else Decimal("0.005")
                    if abs(cell.varde - value0) <= tol:
                        continue
                    decimals = _decimals_of(cell.steg, t.enhet)
                    show = (lambda v: fmt.belopp(v, t.enhet, decimals)) if t.enhet else (lambda v: fmt.tal(v, decimals))
                    yield Finding(
                        Severity.FEL, "samma_tal", str(d.fil),
                        f"'{rad.etikett}', {t.kolumner[k]}, skiljer sig från '{rad0.etikett}', {kolumn0} i "
                        f"{d0.fil.name} ({cell0.plats})",
                        plats=cell.plats, forvantat=show(value0), funnet=show(cell.varde))
    # Close but different labels under the same column, in different parts: did you mean ...?
    for (column, kind), labels in labels_by_column.items():
        names = list(labels)
        for i, label in enumerate(names):
            entry = labels[label]
            others = [n for n in names[:i] if labels[n][2].fil != entry[2].fil]
            close = difflib.get_close_matches(label, others, n=1, cutoff=0.85)
            if close:
                other = labels[close[0]]
                yield Finding(
                    Severity.VARNING, "samma_tal", str(entry[2].fil),
                    f"'{entry[4].etikett}' ({entry[5]}) liknar '{other[4].etikett}' i {other[2].fil.name}; "
                    f"menade du '{other[4].etikett}'? Ange dem som synonymer i profilen "
                    "(kontroller: synonymer:) så jämförs beloppen", plats=entry[6].plats)


def _decimals_of(steg, enhet: str | None) -> int:
    from ..format import ENHETER

    if not steg:
        return 0
    exponent = (steg / ENHETER.get(enhet or "kr", 1)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# --- periods: every part of an ärende about the same period ----------------------------------

def ark_perioder(texts):
    """Period expressions in a sheet's title cells, 'period 2023 01-08' included: (plats, text, Period)."""
    from ..format import Period, find_periods

    out = []
    for text, plats in texts:
        for hit in find_periods(text):
            out.append((plats, hit.text, hit.period))
        for m in re.finditer(r"\b(20\d\d) ?(0[1-9]|1[0-2]) ?[-–] ?(0[1-9]|1[0-2])\b", text):
            out.append((plats, m.group(0), Period(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    return out


def _del_period(d):
    """(the period a bilaga is about, where it says so, what it says) or None."""
    from ..format import Period, parse_period
    from .period import period_mentions, reference_period

    doc = d.doc
    if ar_typ(doc, RAPPORT) and doc.falt.typ == "delarsrapport" and doc.falt.period:
        p = parse_period(doc.falt.period)
        if p is not None:
            return Period(p.ar or doc.falt.ar, p.start, p.slut), str(doc.fil), "fält 'period'", doc.falt.period
    texts = [(d.manifest_plats, d.etikett)]
    dokument = None
    if ar_typ(doc, "rapportgen.model.dokument.DokumentDoc"):
        texts += [("fält 'titel'", doc.falt.titel)] + (
            [("fält 'undertitel'", doc.falt.undertitel)] if doc.falt.undertitel else [])
        dokument = str(doc.fil)
    mentions = period_mentions(texts)
    ref = reference_period(mentions)
    if ref is None:
        return None
    first = next(m for m in mentions if m.traff.period.samma_slut(ref))
    where_doc = dokument if first.plats != d.manifest_plats else None
    return ref, where_doc, first.plats, first.traff.text


def _arende_period(h: Handling, i: int):
    """The period an ärende is about: its tjänsteskrivelse's title, then the ärendemening, the
    beslutsunderlag and the text (the period named most often). (period, what says so, the file
    that says it, where in it) or None."""
    from .period import period_mentions, reference_period
    from .text import block_texts, body_plats

    a = h.arenden[i]
    doc = _tjansteskrivelse(h, i)
    groups = []
    if doc is not None:
        groups.append((str(doc.fil), period_mentions([("fält 'titel'", doc.falt.titel)])))
    groups.append((str(h.fil), period_mentions([(h.plats("ärenden", i, "ärendemening") or h.plats("ärenden", i),
                                                 a.arendemening)])))
    if doc is not None:
        f = doc.falt
        groups.append((str(doc.fil), period_mentions(
            [(f"fält 'beslutsunderlag[{n}]'", t) for n, t in enumerate(f.beslutsunderlag, start=1)]
            + [(f"fält 'förslag_till_beslut[{n}]'", t) for n, t in enumerate(f.forslag_till_beslut, start=1)]
            + [(body_plats(doc, line, key), t) for key, blocks in doc.avsnitt.items()
               for line, t in block_texts(blocks)])))
    for dokument, mentions in groups:
        ref = reference_period(mentions)
        if ref is not None:
            first = next(m for m in mentions if m.traff.period.samma_slut(ref))
            return ref, first.traff.text, dokument, first.plats
    return None


def _ark_perioder(d) -> list[tuple[str, str, object, str]]:
    """(plats, text, Period, the whole title) of the first period in each sheet title of an
    external Excel bilaga."""
    out = []
    for t in externa_tabeller(d):
        for text, plats in t.titlar:
            found = ark_perioder([(text, plats)])
            if found:
                out.append((*found[0], text))
                break
    return out


@check(Handling, "period")
def periods_in_package(h: Handling) -> Iterator[Finding]:
    """Bilagorna avser samma period (slutmånad) som ärendet, t.ex. ingen juli-rapport i ett augustiärende
    (också ett Excel-arks rubrik, t.ex. 'Periodrapport per 2023 08')."""
    from .period import describe

    for i, a in enumerate(h.arenden):
        bilagor = [d for d in h.delar_for(i) if d.bilaga_nr is not None]
        if not bilagor:
            continue
        ref = _arende_period(h, i)
        if ref is None:
            continue
        period, said = ref[0], ref[1]
        for d in bilagor:
            own = _del_period(d)
            if own is not None and not own[0].samma_slut(period):
                p, dokument, plats, text = own
                yield Finding(Severity.FEL, "period", dokument or str(h.fil),
                              f"ärende {a.punkt}: bilagan '{d.etikett}' avser {describe(p)} ('{text}'), "
                              f"ärendet {describe(period)} ('{said}')",
                              plats=plats, forvantat=describe(period), funnet=describe(p))
            for plats, text, p, _titel in _ark_perioder(d):
                if not p.samma_slut(period):
                    yield Finding(Severity.FEL, "period", str(d.fil),
                                  f"ärende {a.punkt}: bilagan '{d.etikett}' avser {describe(p)} ('{text}'), "
                                  f"ärendet {describe(period)} ('{said}')", plats=plats,
                                  forvantat=describe(period), funnet=describe(p))
                    break


# What kind of report a part is, from its label, title or ärendemening: parts of one kind report
# the same period (the month the accounts were closed, the month whose decisions are reported);
# parts of different kinds may legitimately be about different months (September's intern
# kontroll beside August's economy), and parts of no known kind are compared only within their
# ärende. The first kind whose words a text names wins.
RAPPORTSLAG = (
    ("ekonomisk uppföljning", re.compile(
        r"delårsrapport|periodrapport|månadsrapport|månadsuppföljning|ekonomisk (?:uppföljning|rapport|"
        r"månadsrapport|delårsrapport)|ekonomirapport|budgetuppföljning|uppföljning av budget|\bprognos|"
        r"volymrapport|resultatrapport", re.I)),
    ("delegationsbeslut", re.compile(r"delegationsbeslut|beslut enligt delegation|delegationslista", re.I)),
    ("intern kontroll", re.compile(r"intern kontroll|internkontroll", re.I)),
    ("uppdragslista", re.compile(r"uppdragslista|uppdrag och yttranden|nämndens uppdrag", re.I)),
    ("inkomna skrivelser", re.compile(r"inkomna skrivelser|meddelanden", re.I)),
)


def rapportslag(*texts: str | None) -> str | None:
    for slag, pattern in RAPPORTSLAG:
        if any(t and pattern.search(t) for t in texts):
            return slag
    return None


@dataclass(frozen=True)
class _Periodangivelse:
    """A part of the package stating the period it reports."""

    slag: str
    period: Any  # format.Period
    text: str  # the expression, e.g. 'per augusti'
    dokument: str  # the file that says so
    plats: str | None
    vad: str  # 'ärende 8' or "ärende 16, bilagan 'Periodrapport'"
    ar_arende: bool  # the ärende's own text (not a bilaga standing for itself)


def _del_slag(d) -> str | None:
    doc = d.doc
    if ar_typ(doc, RAPPORT):
        return "ekonomisk uppföljning" if doc.falt.typ == "delarsrapport" else None
    if ar_typ(doc, UPPDRAGSLISTA):
        return "uppdragslista"
    titel = getattr(getattr(doc, "falt", None), "titel", None)
    return rapportslag(d.etikett, titel)


def _periodangivelser(h: Handling) -> list[_Periodangivelse]:
    """Every part that states its period, with its kind: an ärende that names its own period stands
    for its bilagor (periods_in_package compares them with it); in an ärende that names none, each
    bilaga and Excel sheet stands for itself."""
    out = []
    for i, a in enumerate(h.arenden):
        doc = _tjansteskrivelse(h, i)
        slag = rapportslag(a.arendemening, doc.falt.titel if doc is not None else None)
        own = _arende_period(h, i)
        if own is not None:
            if slag is not None:
                period, text, dokument, plats = own
                out.append(_Periodangivelse(slag, period, text, dokument, plats, f"ärende {a.punkt}", True))
            continue
        for d in h.delar_for(i):
            if d.bilaga_nr is None:
                continue
            del_slag = _del_slag(d) or slag
            vad = f"ärende {a.punkt}, bilagan '{d.etikett}'"
            found = _del_period(d)
            if found is not None and del_slag is not None:
                period, dokument, plats, text = found
                out.append(_Periodangivelse(del_slag, period, text, dokument or str(h.fil), plats, vad, False))
            for plats, text, period, titel in _ark_perioder(d):
                sheet_slag = rapportslag(titel) or del_slag
                if sheet_slag is not None:
                    out.append(_Periodangivelse(sheet_slag, period, text, str(d.fil), plats, vad, False))
    return out


@check(Handling, "period")
def periods_across_package(h: Handling) -> Iterator[Finding]:
    """Delar av samma slags rapport i handlingen (t.ex. ekonomisk uppföljning: delårsrapport,
    periodrapport, 'per augusti') avser samma månad, också i olika ärenden."""
    from collections import Counter

    from .period import describe

    by_slag: dict[str, list[_Periodangivelse]] = {}
    for p in _periodangivelser(h):
        by_slag.setdefault(p.slag, []).append(p)
    for slag, parts in by_slag.items():
        if len(parts) < 2:
            continue
        # The month most parts name (ties: the first named); a part of another year is a
        # comparison with that year, not this package's period, and is not compared.
        counts = Counter(p.period.slut for p in parts)
        best = max(counts.values())
        ref = next(p for p in parts if counts[p.period.slut] == best)
        for p in parts:
            if p.period.slut == ref.period.slut:
                continue
            if p.period.ar and ref.period.ar and p.period.ar != ref.period.ar:
                continue
            where = f"{Path(ref.dokument).name}, {ref.plats}" if ref.plats else Path(ref.dokument).name
            severity = Severity.VARNING if p.ar_arende else Severity.FEL
            yield Finding(
                severity, "period", p.dokument,
                f"{p.vad} avser {describe(p.period)} ('{p.text}'), men {ref.vad} avser "
                f"{describe(ref.period)} ('{ref.text}', {where}); {slag} i samma handling ska avse "
                "samma månad", plats=p.plats, forvantat=describe(ref.period), funnet=describe(p.period))


# --- the package consistent with itself: uppdragslista against the agenda, titles --------------

def _dnr_nyckel(dnr: str | None) -> str:
    """'SN/2023:200', '2023:200' and 'SN 2023:200' are the same case."""
    text = "".join((dnr or "").split())
    return re.split(r"[/ ]", text)[-1] if "/" in text else re.sub(r"^[A-Za-zÅÄÖåäö.]+", "", text)


def _beslutsreferenser(doc) -> set[tuple]:
    """The decisions a tjänsteskrivelse refers to, as (date, §, organ casefolded without a final '.')."""
    from ..identifiers import Beslutsreferens
    from .base import iter_texts

    return {(ref.datum, ref.paragraf, ref.organ.rstrip(".").casefold())
            for _, text in iter_texts(doc.falt.model_dump(by_alias=True, mode="json"))
            for ref in Beslutsreferens.find_all(text)}


def _arende_behandlar(h: Handling, i: int, rad, referenser: dict[int, set[tuple]] | None = None) -> bool:
    """Whether ärende i deals with the uppdrag row: the same dnr, or its tjänsteskrivelse refers to
    the decision that gave the uppdrag (organ, date and §). referenser keeps each ärende's
    references for the next row (a tjänsteskrivelse is read once, not once per row)."""
    a = h.arenden[i]
    doc = _tjansteskrivelse(h, i)
    key = _dnr_nyckel(rad.diarienr)
    if key and key in {_dnr_nyckel(a.dnr), _dnr_nyckel(doc.falt.dnr if doc else None)} - {""}:
        return True
    if doc is None or rad.beslutsdatum is None or not rad.paragraf:
        return False
    m = re.search(r"\d+", rad.paragraf)
    if not m:
        return False
    paragraf = int(m.group(0))
    organ = rad.uppdragsgivare.strip().rstrip(".").casefold()
    if referenser is None:
        referenser = {}
    if i not in referenser:
        referenser[i] = _beslutsreferenser(doc)
    return (rad.beslutsdatum, paragraf, organ) in referenser[i]


@check(Handling, "uppdrag_dagordning")
def uppdrag_match_agenda(h: Handling) -> Iterator[Finding]:
    """Uppdrag med status Avslutas har ett ärende på dagordningen, och ett ärende som behandlar ett
    uppdrag ger det status Avslutas."""
    if not any(ar_typ(d.doc, UPPDRAGSLISTA) for d in h.delar):
        return
    from ..model.uppdragslista import UppdragslistaDoc, UppdragStatus

    for d in h.delar:
        lista = d.doc
        if not isinstance(lista, UppdragslistaDoc):
            continue
        egen = {_dnr_nyckel(lista.dnr), _dnr_nyckel(d.arende.dnr)} - {""}
        arenden = [i for i, a in enumerate(h.arenden) if i != d.arende_nr and a.dnr
                   and _dnr_nyckel(a.dnr) not in egen]
        arenden += [i for i, a in enumerate(h.arenden) if i != d.arende_nr and not a.dnr
                    and _tjansteskrivelse(h, i) is not None]
        referenser: dict[int, set[tuple]] = {}
        for rad in lista.rader:
            traffar = [i for i in arenden if _arende_behandlar(h, i, rad, referenser)]
            namn = f"'{rad.uppdrag[:70]}{'…' if len(rad.uppdrag) > 70 else ''}'"
            dnr = f" ({rad.diarienr})" if rad.diarienr else ""
            if rad.status is UppdragStatus.AVSLUTAS and not traffar:
                yield Finding(Severity.FEL, "uppdrag_dagordning", str(d.fil),
                              f"uppdraget {namn}{dnr} har status Avslutas, men inget ärende på "
                              "dagordningen behandlar det (samma dnr eller en hänvisning till beslutet)",
                              plats=f"uppdraget {rad.diarienr or namn}", forvantat="ett ärende på dagordningen",
                              funnet="inget ärende")
            elif rad.status is not UppdragStatus.AVSLUTAS:
                for i in traffar:
                    a = h.arenden[i]
                    yield Finding(Severity.FEL, "uppdrag_dagordning", str(h.fil),
                                  f"ärende {a.punkt} behandlar uppdraget {namn}{dnr}, men uppdragslistan "
                                  f"({d.fil.name}) visar status {rad.status.value}",
                                  plats=h.plats("ärenden", i) or h.plats("arenden", i),
                                  forvantat="Avslutas", funnet=rad.status.value)


@check(Handling, "titel")
def title_matches_arendemening(h: Handling) -> Iterator[Finding]:
    """Tjänsteskrivelsens rubrik är ärendemeningen i ärendelistan."""
    for i, a in enumerate(h.arenden):
        doc = _tjansteskrivelse(h, i)
        if doc is None or _norm(doc.falt.titel) == _norm(a.arendemening):
            continue
        yield Finding(Severity.VARNING, "titel", str(h.fil),
                      f"ärende {a.punkt}: ärendemeningen i ärendelistan skiljer sig från rubriken i "
                      f"tjänsteskrivelsen {doc.fil.name}",
                      plats=h.plats("ärenden", i, "ärendemening") or h.plats("ärenden", i),
                      forvantat=doc.falt.titel, funnet=a.arendemening)
