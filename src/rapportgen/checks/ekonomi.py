"""Checks for the reports' economy: given netto rows, varav rows, prose against the tables,
placeholders in the reused texts and goals.

Sums are compared in kronor with the profile's rounding tolerance (checks.numeric).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ..format import RESULTAT_MENING, parse_tal, resultat
from ..model.block import Block, Stycke, runs_text
from ..model.ekonomi import INTAKTER, KOSTNADER, NETTO, Driftstabell, Investeringstabell
from ..model.rapport import Rapport, text_kalla
from ..model.finding import Finding, Severity
from .base import Kontrollkontext, check
from .numeric import Tolerans, jamfor, kontrollera_summa
from .text import block_texts, placeholder_findings, profile_hints


@check(Rapport, "netto")
def netto_rows(doc: Rapport, ktx: Kontrollkontext) -> Iterator[Finding]:
    """En nettorad i ekonomiarket ska vara intäkterna + kostnaderna (raderna som tabelldefinitionen namnger)."""
    if doc.drift is None:
        return
    for v in doc.drift.verksamheter:
        if v.netto_angiven is None:
            continue
        for kolumn, given in v.netto_angiven.varden.items():
            f = kontrollera_summa([v.intakter.varden.get(kolumn), v.kostnader.varden.get(kolumn)], given,
                                  ktx=ktx, dokument=str(doc.drift.fil), kod="netto",
                                  plats=v.netto_angiven.platser.get(kolumn),
                                  vad=f"{doc.drift.etiketter[NETTO]} för {v.namn}, {kolumn}",
                                  delar_text=f"{doc.drift.etiketter[INTAKTER]} + {doc.drift.etiketter[KOSTNADER]}")
            if f:
                yield f


def _required(d: Driftstabell | Investeringstabell) -> list[str]:
    """The input columns that must hold an amount (an optional column, valfri: true in the
    definition, such as Timrå's 'Avvikelse innevarande månad', may stay blank)."""
    return [k for k in d.indata if k not in d.valfria]


@check(Rapport, "tomt_belopp")
def blank_amounts(doc: Rapport) -> Iterator[Finding]:
    """Ett tomt belopp i en obligatorisk kolumn är ett fel (skriv 0 om beloppet är noll)."""
    for t in doc.tabeller:
        for rad in t.rader:
            if rad.typ not in ("detalj", "varav"):
                continue
            for kolumn, value in rad.varden.items():
                if value is None and kolumn in rad.platser:
                    yield Finding(Severity.FEL, "tomt_belopp", t.fil,
                                  f"tabellen '{t.namn}': beloppet för {rad.etikett}, '{kolumn}' saknas; skriv 0 "
                                  "om beloppet är noll", plats=rad.platser.get(kolumn))
    d = doc.drift
    kolumner = _required(d) if d is not None else []
    for v in (d.verksamheter if d is not None else []):
        # A given netto row is only checked against the sum, never printed: blanks there are fine.
        for rad in (v.intakter, v.kostnader, *v.varav):
            for kolumn in kolumner:
                if kolumn in rad.varden and rad.varden[kolumn] is None:
                    yield Finding(Severity.FEL, "tomt_belopp", str(d.fil),
                                  f"beloppet för {v.namn}, {rad.etikett}, '{kolumn}' saknas; skriv 0 om "
                                  "beloppet är noll", plats=rad.platser.get(kolumn))
    inv = doc.investeringar
    if inv is None:
        return
    for p in inv.projekt:
        for kolumn in _required(inv):
            if kolumn in p.varden and p.varden[kolumn] is None:
                yield Finding(Severity.FEL, "tomt_belopp", str(inv.fil),
                              f"beloppet för investeringen {p.projekt}, '{kolumn}' saknas; skriv 0 om "
                              "beloppet är noll", plats=p.platser.get(kolumn) or p.plats)


@check(Rapport, "varav")
def varav_rows(doc: Rapport) -> Iterator[Finding]:
    """En varav-rad kan inte vara större än raden den ingår i."""
    for t in doc.tabeller:
        for rad in t.rader:
            if rad.typ != "varav" or rad.under is None:
                continue
            parent = t.rad(rad.under)
            for kolumn, value in rad.varden.items():
                total = parent.varden.get(kolumn)
                if value is not None and total is not None and abs(value) > abs(total):
                    yield Finding(Severity.VARNING, "varav", t.fil,
                                  f"tabellen '{t.namn}': '{rad.etikett}' är större än '{rad.under}' ({kolumn})",
                                  plats=rad.platser.get(kolumn))
    if doc.drift is None:
        return
    for v in doc.drift.verksamheter:
        for varav in v.varav:
            for kolumn, value in varav.varden.items():
                total = v.kostnader.varden.get(kolumn)
                if value is None or total is None:
                    continue
                if abs(value) > abs(total):
                    yield Finding(Severity.VARNING, "varav", str(doc.drift.fil),
                                  f"'{varav.etikett}' för {v.namn} är större än kostnaderna ({kolumn})",
                                  plats=varav.platser.get(kolumn))


def _mnkr_in_text(text: str) -> Decimal | None:
    m = RESULTAT_MENING.match(text)
    if not m:
        return None
    if m.group("tal") is None:
        return Decimal(0)
    return parse_tal(m.group("tal")) * 1_000_000


def _paragraph_texts(blocks: list[Block]) -> Iterator[tuple[int, str]]:
    for b in blocks:
        if isinstance(b, Stycke):
            yield b.rad, runs_text(b.runs).strip()


@check(Rapport, "prosa_mot_tabell")
def prose_matches_table(doc: Rapport, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Meningar 'X redovisar ett underskott på N mnkr' ska stämma med tabellens avvikelse, och
    'N mnkr högre jämfört med budget 2022' med tabelldefinitionens jämförelse."""
    yield from _jamforelser(doc, ktx)
    if doc.typ != "delarsrapport" or doc.drift is None:
        return
    d = doc.drift
    fmt = ktx.formatter
    half = Decimal(50_000)  # the sentence shows one decimal of mnkr
    groups = {v.namn: [v] for v in d.verksamheter}
    groups.update({o: d.i_omrade(o) for o in d.omraden()})
    groups[doc.falt.namnd] = d.verksamheter
    # The generated sentences, and the sentences people wrote in the economy comments:
    # (name, text, dokument, plats, which text).
    texts: list[tuple[str, str, str, str | None, str]] = []
    for namn, group in groups.items():
        texts.append((namn, resultat(fmt, namn, d.varde(group, NETTO, d.rollkolumn("avvikelse"))),
                      str(doc.fil), "genererad text", "Texten"))
    ekonomi = doc.falt.texter.ekonomi
    if ekonomi:
        kalla = text_kalla(doc.fil, ekonomi)
        # Inline text keeps the manifest's line numbers; a Markdown file is named in the message
        # too, since `rapportgen check` lists findings under the manifest.
        vilken = "Texten" if kalla == doc.fil else f"Texten i {ekonomi.strip()}"
        for namn, blocks in doc.kommentarer.items():
            for rad, text in _paragraph_texts(blocks):
                if text.casefold().startswith(namn.casefold()):
                    texts.append((namn, text, str(kalla), f"rad {rad}", vilken))
    for namn, text, dokument, plats, vilken in texts:
        said = _mnkr_in_text(text)
        if said is None:
            continue
        table = d.varde(groups[namn], NETTO, d.rollkolumn("avvikelse"))
        # The tolerance applied is half the last shown decimal (0,05 mnkr), and the message says so.
        f = jamfor(table, said, dokument=dokument, kod="prosa_mot_tabell", plats=plats, ktx=ktx,
                   tolerans=Tolerans(half), enhet="mnkr",
                   vad=f"{vilken} om {namn} anger en annan avvikelse än tabellen")
        if f:
            yield f


@check(Rapport, "platshallare")
def placeholders_left(doc: Rapport, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Platshållare ('XX', 'Skriv text här', 'Ange ...') i målen, texterna och arkens namn."""
    extra = profile_hints(ktx)
    for key, blocks in doc.texter.items():
        path = text_kalla(doc.fil, getattr(doc.falt.texter, key))
        texts = ((f"rad {line}" if line else None, text) for line, text in block_texts(blocks))
        yield from placeholder_findings(str(path), texts, extra=extra)
    if doc.falt.texter.ekonomi:
        path = text_kalla(doc.fil, doc.falt.texter.ekonomi)
        for namn, blocks in doc.kommentarer.items():
            texts = ((f"rad {line}" if line else None, text) for line, text in block_texts(blocks))
            yield from placeholder_findings(str(path), texts, extra=extra)
    # The sheets' text cells: project and verksamhet names ('Ange investering per rad').
    if doc.drift is not None:
        yield from placeholder_findings(str(doc.drift.fil), ((v.plats, v.namn) for v in doc.drift.verksamheter),
                                        extra=extra)
    for t in doc.tabeller:
        yield from placeholder_findings(t.fil, ((r.plats, r.etikett) for r in t.rader if r.typ == "detalj"), extra=extra)
    if doc.investeringar is not None:
        inv = doc.investeringar
        yield from placeholder_findings(str(inv.fil), ((p.plats, p.projekt) for p in inv.projekt), extra=extra)
    malfil = str(doc.malfil or doc.fil)
    for mb in doc.malbilder:
        for mal in mb.mal:
            parts = [mal.titel, mal.text, mal.uppfoljning, mal.analys, *mal.bidrag, *mal.forvantad_effekt]
            yield from placeholder_findings(malfil, ((mal.rubrik, t) for t in parts if t), extra=extra)


@check(Rapport, "malstatus")
def goal_status(doc: Rapport) -> Iterator[Finding]:
    """I en delårsrapport ska varje mål ha en status."""
    if doc.typ != "delarsrapport":
        return
    for mb in doc.malbilder:
        for mal in mb.mal:
            if mal.status is None:
                yield Finding(Severity.VARNING, "malstatus", str(doc.malfil or doc.fil),
                              "målet saknar status (upp, höger eller ned)", plats=mal.rubrik)


@check(Rapport, "kolumnar")
def column_years(doc: Rapport) -> Iterator[Finding]:
    """Kolumnernas år mot dokumentets datum: Bokslut bara för avslutade år, Plan bara för kommande."""
    import re

    datum = doc.falt.datum
    if datum is None:
        return
    tabeller = [(doc.drift.fil, doc.drift.indata)] if doc.drift is not None else []
    for t in doc.tabeller:
        tabeller.append((t.fil, [k.rubrik for k in t.definition.beloppskolumner if k.art in ("Bokslut", "Plan")]))
    if doc.investeringar is not None:
        tabeller.append((doc.investeringar.fil, doc.investeringar.indata))
    for fil, kolumner in tabeller:
        for kolumn in kolumner:
            m = re.fullmatch(r"(Bokslut|Plan) (\d{4})", kolumn)
            if not m:
                continue
            art, ar = m.group(1), int(m.group(2))
            if art == "Bokslut" and ar >= datum.year:
                yield Finding(Severity.FEL, "kolumnar", str(fil),
                              f"kolumnen '{kolumn}': år {ar} är inte avslutat den {datum.isoformat()} "
                              "(dokumentets datum); ett bokslut finns bara för avslutade år, skriv "
                              f"t.ex. 'Prognos {ar}' eller 'Bokslut {datum.year - 1}'",
                              plats=f"kolumn '{kolumn}'", forvantat=f"Bokslut {datum.year - 1} eller tidigare",
                              funnet=kolumn)
            elif art == "Plan" and ar <= datum.year:
                yield Finding(Severity.FEL, "kolumnar", str(fil),
                              f"kolumnen '{kolumn}': år {ar} har redan börjat den {datum.isoformat()} "
                              "(dokumentets datum); en plan gäller kommande år",
                              plats=f"kolumn '{kolumn}'", forvantat=f"Plan {datum.year + 1} eller senare",
                              funnet=kolumn)


@check(Rapport, "tecken")
def sign_convention(doc: Rapport, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Kostnaderna i ekonomiarket har profilens tecken (kontroller.kostnader: negativa eller positiva)."""
    d = doc.drift
    if d is None:
        return
    vald = d.kostnader_i_arket
    andra = "positiva" if vald == "negativa" else "negativa"
    fel_tecken, ratt = [], 0
    for v in d.verksamheter:
        for kolumn, value in v.kostnader.varden.items():
            # A deviation column may carry either sign; only amounts are checked.
            if value is None or value == 0 or "avvikelse" in kolumn.casefold():
                continue
            if value > 0:  # held negative: a positive cost here contradicts the convention
                fel_tecken.append((v, kolumn, value))
            else:
                ratt += 1
    if not fel_tecken:
        return
    fmt = ktx.formatter

    def as_written(value):
        return fmt.belopp(value if vald == "negativa" else -value, "tkr")

    if not ratt:
        v, kolumn, value = fel_tecken[0]
        yield Finding(Severity.FEL, "tecken", str(d.fil),
                      f"kostnaderna i arket är {andra} belopp ({len(fel_tecken)} celler), men profilen anger "
                      f"kostnader som {vald} (kontroller.kostnader); ändra arket eller profilen",
                      plats=v.kostnader.platser.get(kolumn), forvantat=f"kostnader som {vald} belopp",
                      funnet=f"{as_written(value)} för {v.namn}, {kolumn}")
        return
    for v, kolumn, value in fel_tecken:
        yield Finding(Severity.FEL, "tecken", str(d.fil),
                      f"kostnaden för {v.namn}, {kolumn}, har fel tecken: profilen anger kostnader som "
                      f"{vald} belopp (kontroller.kostnader)", plats=v.kostnader.platser.get(kolumn),
                      forvantat=f"ett {vald[:-1]}t belopp", funnet=as_written(value))


@check(Rapport, "period")
def sheet_period(doc: Rapport) -> Iterator[Finding]:
    """Ekonomiarkets rubrik ('period 2023 01-08') avser rapportens period."""
    from ..format import Period, parse_period
    from .period import describe
    from .sammantrade import ark_perioder

    if doc.typ != "delarsrapport" or not doc.falt.period or doc.drift is None:
        return
    p = parse_period(doc.falt.period)
    if p is None:
        return
    own = Period(p.ar or doc.falt.ar, p.start, p.slut)
    for plats, text, period in ark_perioder(doc.drift.titlar):
        if not period.samma_slut(own):
            yield Finding(Severity.FEL, "period", str(doc.drift.fil),
                          f"arkets rubrik avser {describe(period)} ('{text}'), rapportens period är "
                          f"{doc.falt.period} ({describe(own)})", plats=plats,
                          forvantat=describe(own), funnet=describe(period))


@check(Rapport, "summarad")
def given_total_rows(doc: Rapport, ktx: Kontrollkontext) -> Iterator[Finding]:
    """Ekonomiarkets egna summarader (Summa, Totalt) är summan av verksamheterna."""
    from ..model.tabell import Tabellcell
    from .tabell import _tolerans

    yield from _definierade_summor(doc, ktx)
    d = doc.drift
    if d is None:
        return
    faktor = Decimal(1000) if d.enhet == "tkr" else Decimal(1)
    for radtyp, rad in d.summarader:
        for kolumn, given in rad.varden.items():
            if given is None or kolumn not in d.indata:
                continue
            expected = d.varde(d.verksamheter, radtyp, kolumn)
            if expected is None:
                continue
            exponent = (given / faktor).normalize().as_tuple().exponent
            steg = faktor * Decimal(10) ** (exponent if isinstance(exponent, int) and exponent < 0 else 0)
            if abs(given - expected) <= _tolerans([Tabellcell("", given, steg)], ktx):
                continue
            yield Finding(Severity.FEL, "summarad", str(d.fil),
                          f"'{rad.etikett}', {kolumn}: summaraden är inte summan av verksamheternas "
                          f"{d.etiketter.get(radtyp, radtyp)}", plats=rad.platser.get(kolumn),
                          forvantat=ktx.formatter.belopp(expected, "kr", 2 if d.enhet == "kr" else 0),
                          funnet=ktx.formatter.belopp(given, "kr", 2 if d.enhet == "kr" else 0))


def _steg(given: Decimal, enhet: str) -> Decimal:
    """The display step a given value was rounded to, in kronor (1 tkr for '1 234' in tkr)."""
    faktor = Decimal(1000) if enhet == "tkr" else Decimal(1)
    exponent = (given / faktor).normalize().as_tuple().exponent
    return faktor * Decimal(10) ** (exponent if isinstance(exponent, int) and exponent < 0 else 0)


def _definierade_summor(doc: Rapport, ktx: Kontrollkontext) -> Iterator[Finding]:
    """A table's given sum rows and computed columns equal what its definition computes."""
    from ..model.tabell import Tabellcell
    from .tabell import _tolerans

    for t in doc.tabeller:
        decimaler = 2 if t.enhet_in == "kr" else 0
        for rad in t.rader:
            for kolumn, given in (rad.angiven or {}).items():
                expected = rad.varden.get(kolumn)
                if given is None or expected is None:
                    continue
                if abs(given - expected) <= _tolerans([Tabellcell("", given, _steg(given, t.enhet_in))], ktx):
                    continue
                k = t.definition.kolumn(kolumn)
                vad = (f"kolumnen '{kolumn}' är inte {k.formel}" if k.beraknad and rad.typ != "summa"
                       else f"summaraden är inte {rad.formel}")
                yield Finding(Severity.FEL, "summarad", t.fil,
                              f"tabellen '{t.namn}', '{rad.etikett}', {kolumn}: {vad}",
                              plats=rad.angivna_platser.get(kolumn),
                              forvantat=ktx.formatter.belopp(expected, "kr", decimaler),
                              funnet=ktx.formatter.belopp(given, "kr", decimaler))


def _jamforelser(doc: Rapport, ktx: Kontrollkontext) -> Iterator[Finding]:
    """'N mnkr högre jämfört med budget 2022', generated or in the economy comments, against the
    comparisons the table definitions declare (the same numbers the generated text uses)."""
    from ..model.tabelldef import JAMFORELSE_MENING, jamforelse_mening, jamforelse_skillnad

    par = [(t, j) for t in doc.tabeller for j in t.definition.jamforelse]
    if not par:
        return
    fmt = ktx.formatter
    texts: list[tuple[str, str, str | None, str]] = [
        (jamforelse_mening(t, j, fmt), str(doc.fil), "genererad text", "Texten") for t, j in par]
    ekonomi = doc.falt.texter.ekonomi
    if ekonomi:
        kalla = text_kalla(doc.fil, ekonomi)
        vilken = "Texten" if kalla == doc.fil else f"Texten i {ekonomi.strip()}"
        for blocks in doc.kommentarer.values():
            for rad, text in _paragraph_texts(blocks):
                texts.append((text, str(kalla), f"rad {rad}", vilken))
    half = Decimal(50_000)
    for text, dokument, plats, vilken in texts:
        for m in JAMFORELSE_MENING.finditer(text):
            said = parse_tal(m.group("d")) * 1_000_000
            if m.group("r").casefold() in ("lägre", "mindre"):
                said = -said
            b = m.group("b").casefold()
            kandidater = [(t, j) for t, j in par if j.b.casefold() == b]
            if not kandidater:
                continue
            skillnader = [jamforelse_skillnad(t, j)[2] for t, j in kandidater]
            if any(d is not None and abs(d - said) <= half for d in skillnader):
                continue
            t, j = kandidater[0]
            d = skillnader[0]
            yield Finding(Severity.FEL, "prosa_mot_tabell", dokument,
                          f"{vilken} anger en annan skillnad mot {j.b.lower()} än tabellen '{t.namn}' "
                          f"({j.a} mot {j.b}, tolerans 0,05 mnkr)", plats=plats,
                          forvantat=None if d is None else fmt.belopp(d, "mnkr", 1) + (" (högre)" if d > 0 else " (lägre)"),
                          funnet=m.group(0))
