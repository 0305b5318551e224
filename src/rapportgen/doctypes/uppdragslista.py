"""Uppdragslista: the nämnd's assignments and requests for comment, from an Excel sheet.

The sheet has a header row (Uppdragsgivare | Uppdrag/Yttrande | § nr | Beslutsdatum |
Diarienr | Ansvarig | Klart senast | Status | Noteringar); rows above it may hold
`Diarienr`, `Redovisning t o m` and `Nämnd` as label/value pairs. Reports in the
revision register are added as rows from Rev.

    doc = load("uppdrag.xlsx", profil)
    doc = med_register(doc, load_register("revisionsregister.yaml"))
    render(doc, "ut/uppdragslista.docx", profil)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from pydantic import Field

from ..config import Profil
from ..exceptions import InputError
from ..format import Formatter
from ..inputs import kannetecken
from ..inputs.revisionsregister import find_header, normalise_header, read_workbook, rows_as_dicts, validate_row
from ..model.revision import Register, RegisterStatus
from ..model.uppdragslista import GIVARE_ORDNING, Uppdrag, UppdragslistaDoc, UppdragStatus
from .base import EXEMPEL, DocType

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

TYP = "uppdragslista"
KONTEXT = "rapportgen.doctypes.kontext.uppdragslista"  # the template context (imported when first used)

KOLUMNER = {
    "uppdragsgivare": "uppdragsgivare",
    "uppdrag/yttrande": "uppdrag", "uppdrag": "uppdrag", "uppdragyttrande": "uppdrag",
    "§nr": "paragraf", "§": "paragraf", "paragraf": "paragraf",
    "beslutsdatum": "beslutsdatum",
    "diarienr": "diarienr", "diariernr": "diarienr", "diariennr": "diarienr", "dnr": "diarienr",
    "diarienummer": "diarienr",
    "ansvarig": "ansvarig",
    "klartsenast": "klart_senast",
    "status": "status",
    "noteringar": "noteringar", "notering": "noteringar",
}

_META = {"diarienr": "dnr", "diariernr": "dnr", "diarienummer": "dnr", "dnr": "dnr",
         "redovisningtom": "per", "redovisningtillochmed": "per", "nämnd": "namnd"}


def load(path: str | Path, profil: Profil | None = None) -> UppdragslistaDoc:
    """Read the uppdragslista from the first sheet with an 'Uppdragsgivare' header."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"okänd filtyp '{path.suffix}'; uppdragslistan läses från Excel (.xlsx)", fil=path)
    sheets = read_workbook(path)
    ark = None
    for candidate in sheets.values():
        if any(normalise_header(v) == "uppdragsgivare" for _nr, vals in candidate.rader for v in vals):
            ark = candidate
            break
    if ark is None:
        raise InputError("inget blad har en rubrikrad med kolumnen 'Uppdragsgivare'", fil=path)
    header = find_header(ark, "uppdragsgivare")
    meta: dict[str, Any] = {}
    for nr, values in ark.rader[:header]:
        for ci, value in enumerate(values[:-1]):
            key = _META.get(normalise_header(value))
            if key and values[ci + 1] is not None:
                meta[key] = (values[ci + 1], nr, ci + 1)
    per = None
    if "per" in meta:
        value, nr, ci = meta["per"]
        if isinstance(value, dt.date):
            per = value
        else:
            try:
                per = dt.date.fromisoformat(str(value))
            except ValueError:
                raise InputError(f"'{value}' är inte ett datum; skriv ÅÅÅÅ-MM-DD", fil=path,
                                 plats=ark.cell(nr, ci)) from None
    rows = [validate_row(Uppdrag, ark, nr, data, where)
            for nr, data, where in rows_as_dicts(ark, header, KOLUMNER)]
    return UppdragslistaDoc(path, str(meta["dnr"][0]) if "dnr" in meta else None, per,
                            str(meta["namnd"][0]) if "namnd" in meta else None, rows)


def _dnr_key(dnr: str | None) -> str:
    """'SN/2023:200' and '2023:200' are the same case."""
    return "".join((dnr or "").split("/")[-1].split())


def _organ(dnr: str | None, default: str = "SN") -> str:
    return dnr.split("/")[0] if dnr and "/" in dnr else default


def register_rows(register: Register, per: dt.date) -> list[Uppdrag]:
    """Rows for the revisionsrapporter: open ones, and those decided at a meeting from per on."""
    fmt = Formatter()
    rows = []
    for post in register.rapporter:
        decided_later = post.sammantrade is not None and post.sammantrade >= per
        if post.status in (RegisterStatus.BESVARAD, RegisterStatus.AVSLUTAD) and not decided_later:
            continue
        if decided_later and post.status in (RegisterStatus.KLAR, RegisterStatus.BESVARAD, RegisterStatus.AVSLUTAD):
            status = UppdragStatus.AVSLUTAS
        elif post.status is RegisterStatus.NY:
            status = UppdragStatus.NYTT
        else:
            status = UppdragStatus.PAGAR
        text = (f"Revisionsrapport {post.titel}. Revisionen önskar att nämnden lämnar synpunkter "
                f"senast den {fmt.datum_lang(post.svar_senast)}.")
        notes = [n for n in (post.noteringar,) if n]
        if post.sammantrade is not None:
            notes.append(f"{_organ(post.dnr)}/{post.sammantrade.isoformat()}" if status is UppdragStatus.AVSLUTAS
                         else f"Beslutas {_organ(post.dnr)} {post.sammantrade.isoformat()}.")
        rows.append(Uppdrag(
            uppdragsgivare="Rev.", uppdrag=text, beslutsdatum=post.inkom, diarienr=post.dnr,
            ansvarig=post.ansvarig, klart_senast=post.svar_senast.isoformat(), status=status,
            noteringar=" ".join(notes) or None))
    return rows


def med_register(doc: UppdragslistaDoc, register: Register, per: dt.date | None = None) -> UppdragslistaDoc:
    """The list with the register's reports; a register row replaces a sheet row with the same dnr."""
    per = per or doc.per or dt.date.today()
    added = register_rows(register, per)
    by_dnr = {_dnr_key(r.diarienr): r for r in added if r.diarienr}
    used: set[str] = set()
    rows = []
    for row in doc.rader:
        key = _dnr_key(row.diarienr)
        if row.uppdragsgivare.casefold().startswith("rev") and key in by_dnr:
            rows.append(by_dnr[key])
            used.add(key)
        else:
            rows.append(row)
    rows += [r for r in added if _dnr_key(r.diarienr) not in used or not r.diarienr]

    def order(row: Uppdrag) -> int:
        giver = row.uppdragsgivare.casefold()
        giver = "rev." if giver.startswith("rev") else giver
        return GIVARE_ORDNING.index(giver) if giver in GIVARE_ORDNING else len(GIVARE_ORDNING)

    rows.sort(key=order)  # stable: sheet order within each group
    return replace(doc, rader=rows, per=per, fran_register=len(added))


# --- template context ----------------------------------------------------------------


def build_kontext(doc: UppdragslistaDoc, profil: Profil) -> Kontext:
    from ..render.kontext import ProfilKontext
    from .kontext.uppdragslista import Kontext, RadKontext

    rader = [RadKontext(
        uppdragsgivare=r.uppdragsgivare, uppdrag=r.uppdrag, paragraf=r.paragraf or "",
        beslutsdatum=r.beslutsdatum, diarienr=r.diarienr or "", ansvarig=r.ansvarig or "",
        klart_senast=r.klart_senast or "", status=r.status.value, noteringar=r.noteringar or "",
    ) for r in doc.rader]
    antal = {s.value: sum(r.status is s for r in doc.rader) for s in UppdragStatus}
    namnd = doc.namnd or profil.namnd
    return Kontext(
        dokumenttyp="Uppdragslista", titel="Uppdrag och yttranden", kommun=profil.kommun,
        forvaltning=profil.forvaltning, namnd=namnd[:1].upper() + namnd[1:], dnr=doc.dnr or "",
        per=doc.per or dt.date.today(), rader=rader, antal=antal, profil=ProfilKontext.of(profil))


def context(doc: UppdragslistaDoc, tpl: DocxTemplate, profil: Profil) -> dict[str, Any]:
    from ..render.kontext import kontext_dict

    return kontext_dict(build_kontext(doc, profil))


def render(doc: UppdragslistaDoc, out: str | Path, profil: Profil | None = None,
           mallar: Path | None = None) -> Path:
    from ..render.docx import render_typ

    profil = profil or Profil()
    return render_typ(TYP, out, lambda tpl: context(doc, tpl, profil), profil, mallar)


def forbered(doc: UppdragslistaDoc, profil: Profil, *, register: Register | None = None,
             per: dt.date | None = None) -> UppdragslistaDoc:
    """The build's options: 'Redovisning t o m' (per) and the revision register's reports."""
    if per is not None:
        doc = replace(doc, per=per)
    if register is not None:
        doc = med_register(doc, register, per)
    return doc


DOKUMENTTYP = DocType(
    name=TYP, label="Uppdragslista", model=UppdragslistaDoc, context_model=f"{KONTEXT}:Kontext", load=load,
    context=context, render=render, forbered=forbered,
    suffixes=(".xlsx",), kanner_igen=kannetecken.uppdragslista,
    description="Nämndens uppdrag och yttranden med status, från Excel",
    exempel=EXEMPEL / "uppdragslista.xlsx",
)


def __getattr__(name: str) -> Any:
    # The template context lives in doctypes/kontext/uppdragslista.py (imported when first used).
    if name in {'Kontext', 'RadKontext'}:
        from ..checks import importera

        return getattr(importera(KONTEXT), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
