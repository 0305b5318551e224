"""Sentences generated from the economy: '... redovisar ett underskott på -8,3 mnkr'.

Every figure comes from the raw kronor in the Driftstabell and is rounded once,
by the Formatter, exactly like the tables. The delårsrapport's columns (budget, outcome,
forecast, deviations) are the ones the table definition gives those roles (kolumner: roll:).
"""

from __future__ import annotations

from ...format import RESULTAT_MENING, Formatter, _mnkr, format_period, prognos, resultat  # noqa: F401
from ...model.ekonomi import NETTO, Driftstabell, Investeringstabell, Verksamhet
from ...model.rapport import Rapport


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def delar_sammanfattning(doc: Rapport, fmt: Formatter) -> list[str]:
    d = doc.drift
    alla = d.verksamheter
    period = format_period(doc.period, "lang")
    namnd = doc.falt.namnd.lower()
    avvikelse = d.varde(alla, NETTO, d.rollkolumn("avvikelse"))
    if avvikelse is None:
        first = f"För perioden {period} saknas utfall för {namnd}."
    else:
        # 'socialnämnden redovisar ...' -> 'redovisar socialnämnden ...' after the adverbial.
        said = resultat(fmt, namnd, avvikelse).replace(f"{namnd} redovisar", f"redovisar {namnd}", 1)
        first = f"För perioden {period} {said}."
    return [first, prognos(fmt, d.varde(alla, NETTO, d.rollkolumn("prognosavvikelse")))]


def delar_omrade(doc: Rapport, fmt: Formatter, omrade: str) -> str:
    d = doc.drift
    group = d.i_omrade(omrade)
    period = format_period(doc.period, "lang")
    avvikelse = d.varde(group, NETTO, d.rollkolumn("avvikelse"))
    if avvikelse is None:
        first = f"För perioden {period} saknas utfall för verksamhetsområde {omrade}."
    else:
        first = f"{resultat(fmt, f'Verksamhetsområde {omrade}', avvikelse)} för perioden {period}."
    return f"{first} {prognos(fmt, d.varde(group, NETTO, d.rollkolumn('prognosavvikelse')))}"


def delar_verksamhet(doc: Rapport, fmt: Formatter, v: Verksamhet) -> tuple[str, str]:
    """The heading-like sentence and the forecast sentence for one verksamhet."""
    d = doc.drift
    return (resultat(fmt, _cap(v.namn), d.varde(v, NETTO, d.rollkolumn("avvikelse"))),
            prognos(fmt, d.varde(v, NETTO, d.rollkolumn("prognosavvikelse"))))


def delar_investeringar(inv: Investeringstabell, fmt: Formatter) -> str:
    alla = inv.projekt
    budget = inv.varde(alla, inv.rollkolumn("budget"))
    utfall = inv.varde(alla, inv.rollkolumn("utfall"))
    prog = inv.varde(alla, inv.rollkolumn("prognos"))
    avv = inv.varde(alla, inv.rollkolumn("prognosavvikelse"))
    text = (f"Utfallet för investeringar under perioden är {_mnkr(fmt, utfall)} av en budget för helåret på "
            f"{_mnkr(fmt, budget)}. Årsprognosen är {_mnkr(fmt, prog)}")
    if fmt.mnkr(avv) in ("0,0", "-0,0"):
        return text + ", vilket innebär att hela budgeten beräknas nyttjas."
    return text + f", en budgetavvikelse på {_mnkr(fmt, avv)}."


def _budget_kolumn(d: Driftstabell, ar: int) -> str | None:
    return next((k for k in d.indata if k == f"Budget {ar}"), None)


def _bokslut_kolumn(d: Driftstabell) -> str | None:
    found = [k for k in d.indata if k.startswith("Bokslut ")]
    return found[-1] if found else None


def plan_sammanfattning(doc: Rapport, fmt: Formatter) -> list[str]:
    d = doc.drift
    alla = d.verksamheter
    budget = _budget_kolumn(d, doc.falt.ar)
    jamforelse = doc.falt.jamforelse
    if jamforelse is not None:
        budget = jamforelse.a
    out = []
    if budget:
        netto = d.varde(alla, NETTO, budget)
        if jamforelse is not None:
            text = f"{doc.falt.namnd}s {budget.lower()} innebär nettokostnader på {_mnkr(fmt, netto)}"
        else:
            text = f"{doc.falt.namnd}s budget för {doc.falt.ar} innebär nettokostnader på {_mnkr(fmt, netto)}"
        # The column compared with: the manifest's 'jämförelse', else the latest bokslut.
        bokslut = jamforelse.b if jamforelse is not None else _bokslut_kolumn(d)
        if bokslut:
            before = d.varde(alla, NETTO, bokslut)
            change = netto - before
            # Higher net costs are a larger net cost, whichever sign the figures carry.
            riktning = "högre" if abs(netto) > abs(before) else "lägre"
            text += (f", vilket är {fmt.belopp(abs(change), 'mnkr', 1)} {riktning} nettokostnader än "
                     f"{bokslut.lower()} ({_mnkr(fmt, before)})")
        out.append(text + ".")
    plans = [k for k in d.indata if k.startswith("Plan ")]
    if plans:
        parts = [f"{_mnkr(fmt, d.varde(alla, NETTO, k))} för {k.split()[-1]}" for k in plans]
        out.append("Planen för de följande åren är nettokostnader på " + " och ".join(parts) + ".")
    return out


def plan_omrade(doc: Rapport, fmt: Formatter, omrade: str) -> str:
    d = doc.drift
    group = d.i_omrade(omrade)
    budget = _budget_kolumn(d, doc.falt.ar) or d.indata[0]
    text = f"Verksamhetsområde {omrade} har en nettobudget på {_mnkr(fmt, d.varde(group, NETTO, budget))} för {budget.split()[-1]}"
    plans = [k for k in d.indata if k.startswith("Plan ")]
    if plans:
        text += " (" + ", ".join(f"{k.lower()}: {_mnkr(fmt, d.varde(group, NETTO, k))}" for k in plans) + ")"
    return text + "."


def plan_investeringar(inv: Investeringstabell, fmt: Formatter) -> str:
    alla = inv.projekt
    total = inv.varde(alla, inv.summa_kolumn) if inv.summa_kolumn else None
    parts = [f"{_mnkr(fmt, inv.varde(alla, k))} {k.lower()}" for k in inv.indata]
    text = "Investeringsbudgeten omfattar " + ", ".join(parts)
    if total is not None:
        text += f", totalt {_mnkr(fmt, total)} för perioden"
    return text + "."
