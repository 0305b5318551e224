"""Tjänsteskrivelse: Markdown + YAML front matter to .docx and .pdf.

Library API (no CLI needed):

    from rapportgen.doctypes.tjansteskrivelse import load, render
    doc = load("arende.md", profil)
    render(doc, "ut/arende.docx")

One row per ärende of an Excel or CSV sheet: build_batch().
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from pydantic import ConfigDict, Field, create_model

from ..checks import dnr, period, text
from ..config import Profil
from ..exceptions import InputError
from ..inputs.markdown import Block, MarkdownDoc, Rubrik, load_markdown
from ..inputs.yamlsrc import validate
from ..model.resultat import Resultat
from ..model.tjansteskrivelse import (
    AVSNITT, FRONT_MATTER_RUBRIKER, Tjansteskrivelse, TjansteskrivelseDoc, avsnitt_for_heading,
    normalise_heading,
)
from .base import EXEMPEL, DocType, Progress, konvertera, sidantal

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

TYP = "tjansteskrivelse"
KONTEXT = "rapportgen.doctypes.kontext.tjansteskrivelse"  # the template context (imported when first used)

# Front matter keys filled from the profile when the input leaves them out.
_PROFILE_DEFAULTS = (("kommun", "kommun"), ("förvaltning", "forvaltning"), ("nämnd", "namnd"),
                     ("underskrifter", "underskrifter"))


def apply_profile(data: dict[str, Any], profil: Profil) -> dict[str, Any]:
    data = dict(data)
    for alias, attr in _PROFILE_DEFAULTS:
        if alias not in data and attr not in data:
            value = getattr(profil, attr)
            if value:
                data[alias] = [p.model_dump(by_alias=True, exclude_none=True) for p in value] \
                    if attr == "underskrifter" else value
    handl = data.get("handläggare", data.get("handlaggare"))
    if isinstance(handl, str):
        data["handläggare" if "handläggare" in data else "handlaggare"] = {"namn": handl}
    return data


def egna_rubriker(profil: Profil | None) -> dict[str, str]:
    """The profile's own section headings, heading -> key ('Sammanfattning av ärendet' -> arendet)."""
    return {a.rubrik: a.nyckel for a in (profil.avsnitt if profil else []) if a.rubrik}


def _profile_name(profil: Profil | None) -> str:
    return str(profil.source) if profil is not None and profil.source is not None else "rapportgen.yaml"


def split_sections(md: MarkdownDoc, profil: Profil | None = None) -> dict[str, list[Block]]:
    """Group the body's blocks under the known section headings (the profile's own headings first)."""
    blocks = md.block
    headings = [b for b in blocks if isinstance(b, Rubrik)]
    egna = egna_rubriker(profil)
    main = next((h for h, k in egna.items() if k == "arendet"), "Ärendet")
    example = headings[0].text if headings else "Sammanfattning av ärendet"
    how = (f"; har huvudavsnittet en egen rubrik hos er, ange den i profilen ({_profile_name(profil)}) "
           f"under 'avsnitt', t.ex. '- arendet: {example}'")
    if not blocks:
        raise InputError(f"brödtexten är tom: avsnittet '{main}' saknas", fil=md.fil)
    if not headings:
        return {"arendet": blocks}
    level = min(h.niva for h in headings)
    sections: dict[str, list[Block]] = {}
    current: str | None = None
    first_line: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, Rubrik) and block.niva == level:
            typ = avsnitt_for_heading(block.text, egna)
            if typ is None:
                norm = normalise_heading(block.text)
                if norm in FRONT_MATTER_RUBRIKER:
                    raise InputError(
                        f"'{block.text}' skrivs i front matter, i fältet "
                        f"'{FRONT_MATTER_RUBRIKER[norm]}', inte som rubrik i brödtexten",
                        fil=md.fil, plats=f"rad {block.rad}")
                known = ", ".join(h for _, h in section_order(profil or Profil()))
                raise InputError(
                    f"okänd avsnittsrubrik '{block.text}'; kända avsnitt: {known}. Är det ett av dem "
                    f"med er egen rubrik, ange rubriken i profilen ({_profile_name(profil)}) under "
                    f"'avsnitt', t.ex. '- arendet: {block.text}'",
                    fil=md.fil, plats=f"rad {block.rad}")
            if typ.key in sections:
                raise InputError(f"avsnittet '{block.text}' förekommer två gånger "
                                 f"(första gången på rad {first_line[typ.key]})",
                                 fil=md.fil, plats=f"rad {block.rad}")
            sections[typ.key] = []
            first_line[typ.key] = block.rad
            current = typ.key
        elif current is None:
            line = getattr(block, "rad", None)
            raise InputError(f"text före första avsnittsrubriken; börja brödtexten med t.ex. '# {main}'",
                             fil=md.fil, plats=f"rad {line}" if line else None)
        else:
            sections[current].append(block)
    for typ in AVSNITT:
        if typ.obligatoriskt and not sections.get(typ.key):
            rubrik = next((h for h, k in egna.items() if k == typ.key), typ.rubrik)
            if typ.key in first_line:
                raise InputError(f"avsnittet '{rubrik}' är tomt", fil=md.fil,
                                 plats=f"rad {first_line[typ.key]}")
            found = ", ".join(f"'{h.text}' (rad {h.rad})" for h in headings if h.niva == level)
            raise InputError(f"avsnittet '{rubrik}' saknas; brödtexten har rubrikerna {found}{how}",
                             fil=md.fil, plats=f"rad {headings[0].rad}")
    # Empty optional sections are left out.
    return {k: v for k, v in sections.items() if v}


_FIELD_ALIAS = {"handläggare": "handlaggare", "tidigare_behandling": "tidigare_behandling",
                "beslutsunderlag": "beslutsunderlag", "protokollsutdrag_till": "protokollsutdrag_till"}


def validate_fields(located, data: dict[str, Any], profil: Profil) -> Tjansteskrivelse:
    """The front matter, with the profile's defaults and its required and optional fields."""
    falt = validate(Tjansteskrivelse, located, apply_profile(data, profil))
    konv = profil.tjansteskrivelse
    if falt.handlaggare is None and not konv.valfritt("handläggare"):
        raise InputError(
            "fältet 'handläggare' saknas (obligatoriskt); har er organisation ingen handläggare i "
            f"brevhuvudet, ange i profilen ({_profile_name(profil)}): "
            "'tjänsteskrivelse: {valfria_fält: [handläggare]}'",
            fil=located.fil, plats=located.where(("handläggare",)))
    for name in konv.obligatoriska_falt:
        if not getattr(falt, _FIELD_ALIAS[name]):
            raise InputError(f"fältet '{name}' saknas eller är tomt (obligatoriskt enligt profilens "
                             "'tjänsteskrivelse: obligatoriska_fält')",
                             fil=located.fil, plats=located.where((name,)))
    return falt


def load(path: str | Path, profil: Profil | None = None) -> TjansteskrivelseDoc:
    """Read and validate one tjänsteskrivelse."""
    profil = profil or Profil()
    md = load_markdown(path)
    falt = validate_fields(md.front, md.front.data, profil)
    doc = TjansteskrivelseDoc(Path(path), falt, split_sections(md, profil), md)
    check_sections(doc, profil)
    return doc


def from_fields(fil: Path, data: dict[str, Any], body_blocks: list[Block], profil: Profil,
                located=None) -> TjansteskrivelseDoc:
    """Build a tjänsteskrivelse from already-parsed data (generated by other document types).

    data holds front matter fields; body_blocks the body, e.g. from parse_body().
    """
    from ..inputs.yamlsrc import Located

    located = located or Located(data=data, fil=fil)
    falt = validate_fields(located, data, profil)
    md = MarkdownDoc(fil, located, body_blocks)
    return TjansteskrivelseDoc(fil, falt, split_sections(md, profil), md)


def section_order(profil: Profil) -> list[tuple[str, str]]:
    """(key, heading) of the body sections in the profile's order; the standard list by default."""
    if not profil.avsnitt:
        return [(t.key, t.rubrik) for t in AVSNITT]
    standard = {t.key: t.rubrik for t in AVSNITT}
    return [(a.nyckel, a.rubrik or standard[a.nyckel]) for a in profil.avsnitt]


def check_sections(doc: "TjansteskrivelseDoc", profil: Profil) -> None:
    """A section the profile's list leaves out would vanish from the document: an error."""
    known = {k for k, _ in section_order(profil)}
    for key in doc.avsnitt:
        if key not in known:
            rubrik = next(t.rubrik for t in AVSNITT if t.key == key)
            names = ", ".join(h for _, h in section_order(profil))
            egna = egna_rubriker(profil)
            line = next((b.rad for b in (doc.source.block if doc.source else [])
                         if isinstance(b, Rubrik) and avsnitt_for_heading(b.text, egna)
                         and avsnitt_for_heading(b.text, egna).key == key), None)
            raise InputError(
                f"avsnittet '{rubrik}' finns inte i profilens avsnittslista ({names}) och skulle inte "
                f"komma med; lägg till '- {key}' under 'avsnitt' i profilen ({_profile_name(profil)}) "
                "eller ta bort avsnittet",
                fil=doc.fil, plats=f"rad {line}" if line else None)


def context(doc: TjansteskrivelseDoc, tpl: DocxTemplate, profil: Profil) -> dict[str, Any]:
    """The variables a tjänsteskrivelse template sees (validated against Kontext)."""
    from ..render.blocks import BlockWriter
    from ..render.kontext import PersonKontext, ProfilKontext, kontext_dict
    from .kontext.tjansteskrivelse import Avsnitt, AvsnittKontext, BrevhuvudKontext, Kontext

    check_sections(doc, profil)
    writer = BlockWriter(tpl)
    subdocs = {k: writer.subdoc(v) for k, v in doc.avsnitt.items()}
    f = doc.falt
    person = lambda p: PersonKontext(**p.model_dump(by_alias=False))  # noqa: E731
    konv = profil.tjansteskrivelse
    kontext = Kontext(
        dokumenttyp="Tjänsteskrivelse", kommun=f.kommun, forvaltning=f.forvaltning, namnd=f.namnd,
        handlaggare=person(f.handlaggare) if f.handlaggare else None, datum=f.datum, dnr=f.dnr,
        titel=f.titel, beslutsformulering=konv.beslut.text(f.namnd),
        forslag_till_beslut=f.forslag_till_beslut, beslut_numrerade=konv.beslut.numrerade,
        brevhuvud=BrevhuvudKontext(datum="datum" in konv.brevhuvud,
                                   diarienummer="diarienummer" in konv.brevhuvud,
                                   handlaggare="handläggare" in konv.brevhuvud and f.handlaggare is not None),
        expedieringsrad=konv.expedieringsrad,
        tidigare_behandling=f.tidigare_behandling, beslutsunderlag=f.beslutsunderlag,
        protokollsutdrag_till=f.protokollsutdrag_till,
        underskrifter=[person(p) for p in f.underskrifter],
        avsnitt=Avsnitt(**subdocs),
        avsnittslista=[AvsnittKontext(nyckel=k, rubrik=h, text=subdocs[k])
                       for k, h in section_order(profil) if k in subdocs],
        profil=ProfilKontext.of(profil),
    )
    return kontext_dict(kontext)


def render(doc: TjansteskrivelseDoc, out: str | Path, profil: Profil | None = None,
           mallar: Path | None = None) -> Path:
    """Render to .docx at out (written atomically)."""
    from ..render.docx import render_typ

    profil = profil or Profil()
    return render_typ(TYP, out, lambda tpl: context(doc, tpl, profil), profil, mallar)


def exempel_for(profil: Profil) -> TjansteskrivelseDoc:
    """The shipped example fitted to the profile: its sections in the profile's list (a short
    text where the example has none), its fields as the profile requires them."""
    from ..inputs.markdown import parse_body

    md = load_markdown(EXEMPEL / "tjansteskrivelse.md")
    standard = split_sections(md)
    data = dict(md.front.data)
    falt = validate_fields(md.front, data, profil)
    avsnitt: dict[str, list[Block]] = {}
    for key, rubrik in section_order(profil):
        avsnitt[key] = standard.get(key) or parse_body(
            f"Exempeltext för avsnittet {rubrik}.", md.fil)
    return TjansteskrivelseDoc(md.fil, falt, avsnitt, md)


DOKUMENTTYP = DocType(
    name=TYP, label="Tjänsteskrivelse", model=TjansteskrivelseDoc, context_model=f"{KONTEXT}:Kontext", load=load,
    context=context, render=render, checks=(text, dnr, period),
    description="Tjänsteskrivelse för ett ärende: Markdown med YAML-huvud",
    exempel=EXEMPEL / "tjansteskrivelse.md", exempel_for=exempel_for,
)


def _slug(text: str) -> str:
    import re
    import unicodedata

    dashed = re.sub(r"[^\w]+", "-", text)
    ascii_text = unicodedata.normalize("NFKD", dashed).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:80] or "arende"


def _release_memory() -> None:
    """Collect cyclic garbage and give freed native memory back, so a long batch stays flat.

    A rendered document leaves reference cycles whose Python side is small but which hold large
    lxml trees; the cycle collector does not see that native memory and runs too rarely.
    """
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def build_batch(
    sheet: Path, outdir: Path, profil: Profil | None = None, *, pdf: bool = True, mallar: Path | None = None,
    tvinga: bool = False, progress: Progress | None = None,
) -> Resultat:
    """One tjänsteskrivelse per row. A bad row is reported and skipped; the others are made.

    The batch streams: rows are rendered and converted a few at a time, and each PDF lands
    next to its .docx as soon as it is done. With PDFs, a .docx is placed only after its PDF,
    so an interrupted batch leaves no document without its PDF.
    """
    from ..checks import raise_on_errors, run_checks
    from ..convert import ConversionErrors, convert_many, session
    from ..convert.stadning import private_dir
    from ..exceptions import RapportgenError
    from ..fileio import copy_atomic
    from ..inputs.batch import load_batch, resolve_body
    from ..inputs.markdown import parse_body
    from ..inputs.yamlsrc import Located

    profil = profil or Profil()
    sheet, outdir = Path(sheet), Path(outdir)
    rows = load_batch(sheet)
    total = len(rows)
    result = Resultat(antal=total)
    used: set[str] = set()
    done = [0]
    pending: list[tuple[int, Path, str]] = []  # (row, rendered .docx in the work folder, title)

    def place(src: Path, target: Path) -> None:
        # A rename is atomic and leaves no temp file; the work folder may be on another file
        # system (a tmpfs /tmp), and then the copy goes through an unnamed file.
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(src, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            copy_atomic(src, target)

    def flush(work: Path) -> None:
        if not pending:
            return
        sources = [d for _r, d, _t in pending]
        titlar = {d: t for _r, d, t in pending}
        failed: dict[Path, str] = {}
        try:
            convert_many(sources, work / "pdf", titlar=titlar)
        except ConversionErrors as exc:
            failed = {Path(f): m for f, m in exc.fel}
        for rad, docx, _t in pending:
            out = outdir / docx.name
            pdf_path = work / "pdf" / f"{docx.stem}.pdf"
            if docx in failed:
                result.fel.append((rad, f"{out}: {failed[docx]}"))
            else:
                place(pdf_path, out.with_suffix(".pdf"))  # the PDF first, then its .docx
                result.pdf.append(out.with_suffix(".pdf"))
            place(docx, out)
            result.docx.append(out)
            done[0] += 1
            if progress:
                progress(done[0], total, out.name)
        pending.clear()
        _release_memory()

    chunk = max(4, 4 * (profil.konvertering.arbetare or 2))
    with contextlib.ExitStack() as stack:
        work = stack.enter_context(private_dir("rapportgen-konv-")) if pdf else None
        if pdf:
            stack.enter_context(session(profil.konvertering))
        for n, row in enumerate(rows, start=1):
            where = f"rad {row.rad}"
            try:
                body, body_source = resolve_body(row, sheet)
                located = Located(data=row.data, fil=sheet,
                                  platser={k: f"{where}, cell {v}" for k, v in row.celler.items()},
                                  standardplats=where)
                falt = validate_fields(located, row.data, profil)
                try:
                    md = MarkdownDoc(body_source, located, parse_body(body, body_source))
                    sections = split_sections(md, profil)
                except RapportgenError as exc:
                    if body_source != sheet:
                        raise
                    inner = f" ({exc.plats.replace('rad', 'textrad')})" if exc.plats else ""
                    raise type(exc)(exc.detalj, fil=sheet,
                                    plats=f"{where}, cell {row.celler['brödtext']}{inner}") from None
                doc = TjansteskrivelseDoc(sheet, falt, sections, md)
                findings = run_checks(doc, profil)
                raise_on_errors(findings, tvinga)
                result.findings += findings
                stem = row.filnamn or _slug(f"{doc.falt.dnr} {doc.falt.titel}")
                base, k = stem, 2
                while stem in used:
                    stem, k = f"{base}-{k}", k + 1
                used.add(stem)
                if pdf:
                    rendered = work / "docx" / f"{stem}.docx"
                    render(doc, rendered, profil, mallar)
                    pending.append((row.rad, rendered, doc.falt.titel))
                    if len(pending) >= chunk:
                        flush(work)
                else:
                    out = outdir / f"{stem}.docx"
                    render(doc, out, profil, mallar)
                    result.docx.append(out)
                    done[0] += 1
                    if progress:
                        progress(done[0], total, out.name)
                    if n % 50 == 0:
                        _release_memory()
            except RapportgenError as exc:
                message = exc.format_message()
                if exc.fil is None:
                    message = f"{sheet}, {where}: {message}"
                result.fel.append((row.rad, message))
                done[0] += 1
                if progress:
                    progress(done[0], total, "")
        if pdf:
            flush(work)
    result.fel.sort(key=lambda f: f[0])
    if result.pdf:
        result.sidor = sidantal(result.pdf)
    return result


def __getattr__(name: str) -> Any:
    # The template context lives in doctypes/kontext/tjansteskrivelse.py (imported when first used).
    if name in {'Kontext', 'AvsnittKontext', '_AvsnittBas', 'Avsnitt', 'BrevhuvudKontext'}:
        from ..checks import importera

        return getattr(importera(KONTEXT), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
