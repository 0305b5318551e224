"""The status of the revisionsrapporter's reply deadlines: the library behind `rapportgen revision status`.

    reg = load_register("revisionsregister.yaml")
    for rad in status(reg, per=date(2023, 9, 1), sammantraden=profil.sammantraden):
        ...
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..exceptions import InputError
from ..inputs.revisionsregister import find_register, load_register  # noqa: F401
from ..model.revision import Register, Registerpost


# --- status -------------------------------------------------------------------------


@dataclass
class Statusrad:
    """One open report on a given date."""

    post: Registerpost
    dagar_kvar: int  # negative when late
    sammantrade: dt.date | None  # the meeting that decides the reply (planned or next possible)
    planerat: bool  # True when the register names the meeting
    sen: bool  # the deadline has passed
    missar_sammantrade: bool  # no meeting that can decide it before the deadline
    svarsfil: Path | None = None  # the linked reply input, resolved
    avvikelser: list[str] = field(default_factory=list)  # where the linked reply disagrees with the register

    @property
    def anmarkningar(self) -> list[str]:
        notes = []
        svarsdag = self.post.svar_senast.isoformat()
        if self.sen:
            d = -self.dagar_kvar
            notes.append(f"FÖRSENAD: svarsdagen {svarsdag} passerades för {d} dag{'ar' if d != 1 else ''} sedan")
        elif self.missar_sammantrade:
            if self.sammantrade is None:
                notes.append(f"MISSAR SAMMANTRÄDE: inget planerat sammanträde före svarsdagen {svarsdag}")
            elif self.planerat:
                notes.append(f"MISSAR SAMMANTRÄDE: svaret ska beslutas {self.sammantrade.isoformat()}, "
                             f"efter svarsdagen {svarsdag}")
            else:
                notes.append(f"MISSAR SAMMANTRÄDE: nästa sammanträde {self.sammantrade.isoformat()} "
                             f"är efter svarsdagen {svarsdag}")
        if self.svarsfil is not None and not self.svarsfil.is_file():
            notes.append(f"SVARSFIL SAKNAS: {self.svarsfil}")
        notes += self.avvikelser
        return notes


def compare_reply(rad: Statusrad, profil=None) -> None:
    """Note where the linked reply input disagrees with the register (dnr, deadline) or cannot be read."""
    from ..doctypes.revisionssvar import load as load_reply

    if rad.svarsfil is None or not rad.svarsfil.is_file():
        return
    try:
        reply = load_reply(rad.svarsfil, profil)
    except InputError as exc:
        rad.avvikelser.append(f"SVARSFILEN HAR FEL: {exc.format_message()}")
        return
    rap, post = reply.falt.rapport, rad.post
    if post.dnr and _dnr_norm(rap.dnr) != _dnr_norm(post.dnr):
        rad.avvikelser.append(f"AVVIKER: svarsfilen har dnr {rap.dnr}, registret {post.dnr}")
    if rap.svar_senast != post.svar_senast:
        rad.avvikelser.append(f"AVVIKER: svarsfilen har svar_senast {rap.svar_senast.isoformat()}, "
                              f"registret {post.svar_senast.isoformat()}")
    if reply.falt.datum > post.svar_senast:
        rad.avvikelser.append(f"SENT SVAR: svaret är daterat {reply.falt.datum.isoformat()}")


def _dnr_norm(dnr: str) -> str:
    return "".join(dnr.split()).casefold()


def meetings_for(register: Register, extra: Iterable[dt.date] = ()) -> list[dt.date]:
    return sorted(set(register.sammantraden) | set(extra))


def status(register: Register, per: dt.date, sammantraden: Iterable[dt.date] = (),
           bas: Path | None = None) -> list[Statusrad]:
    """The open reports on date per, sorted by deadline (bas: folder the linked replies are relative to)."""
    meetings = meetings_for(register, sammantraden)
    rows = []
    for post in register.rapporter:
        if not post.status.oppen:
            continue
        planned = post.sammantrade is not None and post.sammantrade >= per
        meeting = post.sammantrade if planned else next((m for m in meetings if m >= per), None)
        dagar = (post.svar_senast - per).days
        rows.append(Statusrad(
            post=post, dagar_kvar=dagar, sammantrade=meeting, planerat=planned, sen=dagar < 0,
            missar_sammantrade=meeting is None or meeting > post.svar_senast,
            svarsfil=(bas or Path(".")) / post.svar if post.svar else None))
    rows.sort(key=lambda r: (r.post.svar_senast, r.post.titel))
    return rows


def format_status(rows: list[Statusrad], per: dt.date, antal_sammantraden: int) -> str:
    """A plain-text table of the open reports (one line each, remarks below)."""
    if not rows:
        return f"Inga öppna revisionsrapporter per {per.isoformat()}."
    head = ("Svar senast", "Dagar kvar", "Status", "Beslutas", "Dnr", "Rapport")
    table = []
    for r in rows:
        beslutas = r.sammantrade.isoformat() if r.sammantrade else "-"
        if r.sammantrade and not r.planerat:
            beslutas += " (nästa)"
        table.append((r.post.svar_senast.isoformat(), str(r.dagar_kvar), r.post.status.etikett, beslutas,
                      r.post.dnr or "-", r.post.titel))
    widths = [max(len(head[i]), *(len(t[i]) for t in table)) for i in range(len(head) - 1)]

    def line(cells) -> str:
        parts = [c.rjust(w) if i == 1 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts + [cells[-1]])

    sen = sum(r.sen for r in rows)
    missar = sum(r.missar_sammantrade and not r.sen for r in rows)
    out = [f"Öppna revisionsrapporter per {per.isoformat()}: {len(rows)} st "
           f"(försenade: {sen}, missar sammanträde: {missar})", "", line(head)]
    for r, cells in zip(rows, table):
        out.append(line(cells))
        for note in r.anmarkningar:
            out.append(" " * 4 + "! " + note)
    if antal_sammantraden == 0:
        out += ["", "Obs: inga sammanträdesdatum finns i profilen eller registret ('sammanträden:')."]
    return "\n".join(out)
