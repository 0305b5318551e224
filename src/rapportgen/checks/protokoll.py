"""Checks of a protokoll (run before `rapportgen protokoll`, `utdrag` and `anslagsbevis`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Iterator

from ..model.finding import Finding, Severity
from ..model.protokoll import Protokoll, namn_nyckel
from .base import check

JUSTERING_DAGAR = 14  # KL 5 kap. 69 §


def _f(prot: Protokoll, severity: Severity, kod: str, text: str, *key, **kw) -> Finding:
    return Finding(severity, kod, str(prot.fil), text, plats=prot.plats(*key), **kw)


def _pkey(p, *rest) -> tuple:
    return ("paragrafer", p.indata_nr, *rest) if p.indata_nr is not None else ("paragrafer",)


@check(Protokoll, "protokoll_punkt")
def unknown_punkt(prot: Protokoll) -> Iterator[Finding]:
    """Varje paragraf i protokollet gäller en punkt i ärendelistan."""
    agenda = ", ".join(a.punkt for a in prot.sammantrade.arenden)
    for i, punkt in prot.okanda_punkter:
        yield _f(prot, Severity.FEL, "protokoll_punkt",
                 f"punkt '{punkt}' finns inte i ärendelistan ({agenda})", "paragrafer", i, "punkt")


@check(Protokoll, "paragrafnummer")
def numbering(prot: Protokoll) -> Iterator[Finding]:
    """Paragraferna numreras löpande från första_paragraf i ärendelistans ordning, utan luckor."""
    expected = prot.indata.forsta_paragraf
    for p in prot.med_nummer():
        if p.nummer != expected:
            what = "en lucka" if p.nummer > expected else "ett nummer som redan använts eller går bakåt"
            yield _f(prot, Severity.FEL, "paragrafnummer",
                     f"§-numreringen har {what}: punkt {p.punkt} ({p.rubrik}) har § {p.nummer}",
                     *_pkey(p, "paragraf"), forvantat=f"§ {expected}", funnet=f"§ {p.nummer}")
        expected = p.nummer + 1
    for p in prot.paragrafer:
        if p.nummer is None:
            continue
        if not p.procedur and not p.beslut and not p.text:
            yield _f(prot, Severity.FEL, "paragraf_tom",
                     f"§ {p.nummer} (punkt {p.punkt}, {p.rubrik}) har inget beslut: tjänsteskrivelsen har inget "
                     "förslag till beslut; skriv 'beslut:' eller 'text:' för punkten", *_pkey(p))


def _present(prot: Protokoll) -> set[str]:
    return {namn_nyckel(n) for n in prot.indata.narvaro.alla()}


def _tjanstgorande(prot: Protokoll) -> dict[str, str]:
    return {namn_nyckel(p.namn): p.visning() for p in prot.indata.narvaro.tjanstgorande()}


@check(Protokoll, "justerare")
def justerare_present(prot: Protokoll) -> Iterator[Finding]:
    """Justerarna och ordföranden är närvarande; justeringen sker inom 14 dagar."""
    tj = _tjanstgorande(prot)
    j = prot.indata.justering
    for i, person in enumerate(j.justerare):
        if namn_nyckel(person.namn) not in tj:
            yield _f(prot, Severity.FEL, "justerare",
                     f"justeraren {person.visning()} finns inte bland de tjänstgörande i närvaron",
                     "justering", "justerare", i)
        elif namn_nyckel(person.namn) == namn_nyckel(prot.indata.ordforande):
            yield _f(prot, Severity.VARNING, "justerare",
                     f"justeraren {person.visning()} är ordföranden, som redan skriver under; "
                     "utse en annan ledamot att justera", "justering", "justerare", i)
    if namn_nyckel(prot.indata.ordforande) not in tj:
        yield _f(prot, Severity.FEL, "justerare",
                 f"ordföranden {prot.indata.ordforande} finns inte bland de tjänstgörande i närvaron", "ordförande")
    if namn_nyckel(prot.indata.sekreterare) not in _present(prot):
        yield _f(prot, Severity.VARNING, "justerare",
                 f"sekreteraren {prot.indata.sekreterare} står inte i närvaron (övriga: namn och roll)",
                 "sekreterare")
    datum = prot.sammantrade.datum
    if j.datum < datum:
        yield _f(prot, Severity.FEL, "justering_datum", "justeringen är före sammanträdet",
                 "justering", "datum", forvantat=f"{datum.isoformat()} eller senare", funnet=j.datum.isoformat())
    elif j.datum > datum + dt.timedelta(days=JUSTERING_DAGAR):
        yield _f(prot, Severity.VARNING, "justering_datum",
                 "protokollet ska justeras inom 14 dagar efter sammanträdet (KL 5 kap. 69 §)", "justering", "datum",
                 forvantat=f"senast {(datum + dt.timedelta(days=JUSTERING_DAGAR)).isoformat()}",
                 funnet=j.datum.isoformat())


@check(Protokoll, "anslag")
def anslag_dates(prot: Protokoll) -> Iterator[Finding]:
    """Anslaget sätts upp tidigast justeringsdagen och senast två dagar efter (KL 8 kap. 12 §)."""
    a = prot.anslag
    if a.uppsatt < a.justering:
        yield _f(prot, Severity.FEL, "anslag", "anslaget sätts upp före justeringen", "anslag", "uppsatt",
                 forvantat=f"{a.justering.isoformat()} eller senare", funnet=a.uppsatt.isoformat())
    elif a.uppsatt > a.senast_uppsatt:
        yield _f(prot, Severity.FEL, "anslag",
                 "anslaget ska sättas upp senast två dagar efter justeringen (KL 8 kap. 12 §)",
                 "anslag", "uppsatt", forvantat=f"senast {a.senast_uppsatt.isoformat()}",
                 funnet=a.uppsatt.isoformat())


@check(Protokoll, "omrostning")
def votes(prot: Protokoll) -> Iterator[Finding]:
    """Rösterna stämmer mot närvaron: varje tjänstgörande utom de jäviga röstar en gång."""
    tj = _tjanstgorande(prot)
    for p in prot.paragrafer:
        ind = p.indata
        if ind is None or ind.omrostning is None or p.nummer is None:
            continue
        o = ind.omrostning
        javiga = {namn_nyckel(n) for n in ind.jav}
        where = _pkey(p, "omröstning")
        keys = Counter(namn_nyckel(n) for n in o.roster)
        for namn in o.roster:
            k = namn_nyckel(namn)
            if k in javiga:
                yield _f(prot, Severity.FEL, "omrostning",
                         f"§ {p.nummer}: {namn} har anmält jäv men har röstat", *where, "röster")
            elif k not in tj:
                yield _f(prot, Severity.FEL, "omrostning",
                         f"§ {p.nummer}: {namn} har röstat men är inte tjänstgörande enligt närvaron",
                         *where, "röster")
            if keys[k] > 1:
                yield _f(prot, Severity.FEL, "omrostning", f"§ {p.nummer}: {namn} har röstat {keys[k]} gånger",
                         *where, "röster")
        saknas = [v for k, v in tj.items() if k not in keys and k not in javiga]
        if saknas:
            yield _f(prot, Severity.FEL, "omrostning",
                     f"§ {p.nummer}: rösterna går inte ihop: {len(saknas)} tjänstgörande saknar röst "
                     f"({', '.join(saknas)})", *where, "röster",
                     forvantat=f"{len(tj) - len(javiga & tj.keys())} röster", funnet=f"{len(o.roster)} röster")
        if o.resultat is not None:
            r = o.rakna()
            antecknat = (o.resultat.ja, o.resultat.nej, o.resultat.avstar)
            raknat = (r["ja"], r["nej"], r["avstår"])
            if antecknat != raknat:
                fmt = "{} ja, {} nej, {} avstår".format
                yield _f(prot, Severity.FEL, "omrostning",
                         f"§ {p.nummer}: rösterna går inte ihop: resultatet stämmer inte med rösterna per namn",
                         *where, "resultat", forvantat=fmt(*raknat), funnet=fmt(*antecknat))


@check(Protokoll, "deltagande")
def participants(prot: Protokoll) -> Iterator[Finding]:
    """Yrkanden, reservationer och jäv kommer från närvarande; en jävig reserverar sig inte."""
    tj = _tjanstgorande(prot)
    present = _present(prot)
    for p in prot.paragrafer:
        ind = p.indata
        if ind is None or p.nummer is None:
            continue
        javiga = {namn_nyckel(n) for n in ind.jav}
        for i, n in enumerate(ind.jav):
            if namn_nyckel(n) not in present:
                yield _f(prot, Severity.VARNING, "deltagande", f"§ {p.nummer}: {n} anmäler jäv men står inte i närvaron",
                         *_pkey(p, "jäv", i))
        for i, y in enumerate(ind.yrkanden):
            if namn_nyckel(y.namn) not in tj:
                yield _f(prot, Severity.FEL, "deltagande",
                         f"§ {p.nummer}: {y.namn} yrkar men är inte tjänstgörande enligt närvaron",
                         *_pkey(p, "yrkanden", i))
            elif namn_nyckel(y.namn) in javiga:
                yield _f(prot, Severity.FEL, "deltagande", f"§ {p.nummer}: {y.namn} är jävig men yrkar",
                         *_pkey(p, "yrkanden", i))
        for i, r in enumerate(ind.reservationer):
            for n in r.namn:
                if namn_nyckel(n) in javiga:
                    yield _f(prot, Severity.FEL, "deltagande",
                             f"§ {p.nummer}: {n} är jävig och deltog inte i beslutet men reserverar sig",
                             *_pkey(p, "reservationer", i))
                elif namn_nyckel(n) not in tj:
                    yield _f(prot, Severity.FEL, "deltagande",
                             f"§ {p.nummer}: {n} reserverar sig men deltog inte i beslutet enligt närvaron",
                             *_pkey(p, "reservationer", i))


@check(Protokoll, "beslut_andrat")
def changed_decision(prot: Protokoll) -> Iterator[Finding]:
    """Ett beslut som avviker från förslaget till beslut markeras för sekreterarens granskning."""
    for p in prot.paragrafer:
        if p.nummer is not None and p.beslut_andrat:
            norm = lambda xs: {" ".join(x.split()) for x in xs}  # noqa: E731
            tillagt = [b for b in p.beslut if " ".join(b.split()) not in norm(p.forslag)]
            struket = [f for f in p.forslag if " ".join(f.split()) not in norm(p.beslut)]
            delar = ([f"tillagt: {' / '.join(tillagt)}"] if tillagt else []) + \
                ([f"struket: {' / '.join(struket)}"] if struket else []) or ["annan ordning"]
            yield _f(prot, Severity.VARNING, "beslut_andrat",
                     f"§ {p.nummer} ({p.rubrik}): beslutet avviker från förslaget till beslut "
                     f"({'; '.join(delar)}); granska texten", *_pkey(p, "beslut"))


@check(Protokoll, "protokoll_dnr")
def decision_dnr(prot: Protokoll) -> Iterator[Finding]:
    """Beslutets dnr är ärendets dnr (ärendelistan och tjänsteskrivelsen)."""
    def same(a: str, b: str) -> bool:
        return a.replace(" ", "").casefold() == b.replace(" ", "").casefold()

    for p in prot.paragrafer:
        if p.nummer is None:
            continue
        ind = p.indata
        if ind is not None and ind.dnr and (p.dnr is None or not same(ind.dnr, p.dnr)):
            yield _f(prot, Severity.FEL, "protokoll_dnr",
                     f"§ {p.nummer}: beslutets dnr är inte ärendets dnr i ärendelistan", *_pkey(p, "dnr"),
                     forvantat=p.dnr or "(inget dnr)", funnet=ind.dnr)
        if p.dnr and p.tjansteskrivelse_dnr and not same(p.dnr, p.tjansteskrivelse_dnr):
            yield Finding(Severity.FEL, "protokoll_dnr", str(prot.manifest),
                          f"§ {p.nummer}: ärendets dnr skiljer sig från tjänsteskrivelsens",
                          plats=prot.manifest_plats("ärenden", p.arende_nr, "dnr"),
                          forvantat=p.tjansteskrivelse_dnr, funnet=p.dnr)


@check(Protokoll, "sekretess")
def secrecy_ground(prot: Protokoll) -> Iterator[Finding]:
    """En sekretessparagraf anger sin grund i offentlighets- och sekretesslagen."""
    for p in prot.paragrafer:
        if p.nummer is not None and p.sekretess and not p.sekretess_skal:
            yield _f(prot, Severity.FEL, "sekretess",
                     f"§ {p.nummer}: sekretess utan grund; ange 'sekretess_skäl', t.ex. '26 kap. 1 § OSL'",
                     *_pkey(p, "sekretess"))
