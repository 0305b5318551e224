"""Users' own Word templates: where each type's template comes from, and what it may use.

Library API (the CLI's `rapportgen mallar` commands are thin wrappers):

    from rapportgen.commands import mallar
    for rad in mallar.lista(profil):           # type, template path, source
        ...
    mallar.variabler(doctypes.get("tjansteskrivelse"))   # every variable, from the model
    mallar.filter_lista()                      # every filter of the Jinja environment
    mallar.markdown_referens()                 # docs/mallvariabler.md

Variables are generated from each document type's context model (pydantic), so the
list cannot drift from what the renderer passes.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from .. import doctypes
from ..config import Profil
from ..doctypes.base import DocType
from ..exceptions import TemplateError
from ..format import FILTER_DOCS, Formatter
from ..render.environment import make_environment
from ..render.templates import ResolvedTemplate, resolve_template


# --- lista ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class MallRad:
    typ: DocType
    mall: ResolvedTemplate | None  # None: no template for this type anywhere


def lista(profil: Profil | None = None, mallar: Path | None = None, cwd: Path | None = None) -> list[MallRad]:
    """Every document type with the template it resolves to."""
    profil = profil or Profil()
    rows = []
    for t in doctypes.all_types():
        try:
            found = resolve_template(t.name, mallar=mallar, profil_mallar=profil.mallar, cwd=cwd)
        except TemplateError:
            found = None
        rows.append(MallRad(t, found))
    return rows


# --- variabler -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Variabel:
    namn: str  # as written in a template: "handlaggare.namn"; "underskrifter[].namn" inside a loop
    typ: str  # Swedish type name
    beskrivning: str
    valfri: bool = False  # may be empty (None): test with {% if %}

    @property
    def djup(self) -> int:
        return self.namn.count(".")


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional/Annotated; report whether None is allowed."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, optional


def _model_of(annotation: Any) -> type[BaseModel] | None:
    ann, _ = _unwrap(annotation)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    return None


def typnamn(annotation: Any) -> str:
    """A Swedish, template author's name for a type."""
    ann, _ = _unwrap(annotation)
    origin = typing.get_origin(ann)
    if origin in (list, tuple, set, typing.Sequence):
        args = typing.get_args(ann)
        return f"lista av {typnamn(args[0])}" if args else "lista"
    if origin is dict:
        k, v = (typing.get_args(ann) + (Any, Any))[:2]
        return f"tabell ({typnamn(k)} → {typnamn(v)})"
    if origin is typing.Literal:
        return "text: " + " eller ".join(repr(a) for a in typing.get_args(ann))
    if origin in (typing.Union, types.UnionType):
        return " eller ".join(typnamn(a) for a in typing.get_args(ann))
    if ann is str:
        return "text"
    if ann is bool:
        return "ja/nej"
    if ann is int:
        return "heltal"
    if ann in (float, Decimal):
        return "tal"
    if ann is dt.date:
        return "datum"
    if ann is dt.datetime:
        return "tidpunkt"
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return "text: " + " eller ".join(repr(str(m.value)) for m in ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "grupp"
    if isinstance(ann, type) and ann.__name__ == "Subdoc":
        return "brödtext (infogas med {{p ... }})"
    if ann is Any:
        return "valfritt värde"
    return getattr(ann, "__name__", str(ann))


def _walk(model: type[BaseModel], prefix: str) -> list[Variabel]:
    out: list[Variabel] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = info.annotation
        inner, optional = _unwrap(ann)
        desc = " ".join((info.description or "").split())
        out.append(Variabel(path, typnamn(ann), desc, optional))
        sub = _model_of(inner)
        if sub is not None:
            out.extend(_walk(sub, f"{path}."))
            continue
        if typing.get_origin(inner) in (list, tuple):
            args = typing.get_args(inner)
            item = _model_of(args[0]) if args else None
            if item is not None:
                out.extend(_walk(item, f"{path}[]."))
    return out


def variabler(doctype: DocType | str) -> list[Variabel]:
    """Every variable a template of this type may use, generated from its context model."""
    t = doctypes.get(doctype) if isinstance(doctype, str) else doctype
    return _walk(t.context_model, "")


def toppnamn(doctype: DocType | str) -> set[str]:
    """The top-level variable names of a type."""
    return {v.namn for v in variabler(doctype) if "." not in v.namn}


@dataclass(frozen=True)
class Filter:
    namn: str
    beskrivning: str


def filter_lista() -> list[Filter]:
    """rapportgen's own filters (from the environment the templates are rendered in)."""
    env = make_environment(Formatter())
    builtin = set(SandboxedEnvironment().filters)
    own = sorted(n for n in env.filters if n not in builtin or n in FILTER_DOCS)
    # A filter without a description in FILTER_DOCS fails test_every_filter_is_documented.
    return [Filter(n, FILTER_DOCS.get(n, "")) for n in own]


def jinja_filter() -> list[str]:
    """Jinja's built-in filters, also available in templates."""
    own = {f.namn for f in filter_lista()}
    return sorted(n for n in make_environment(Formatter()).filters if n not in own)


# --- text and Markdown output --------------------------------------------------------------

LOOP_HELP = ("'[]' betyder ett element i en lista: skriv {%p for x in underskrifter %}…{{ x.namn }}…"
             "{%p endfor %}. 'valfri' betyder att värdet kan saknas: {% if x %}…{% endif %}.")


def _line(v: Variabel) -> str:
    valfri = ", valfri" if v.valfri else ""
    return f"{v.namn}  ({v.typ}{valfri})  {v.beskrivning}".rstrip()


def text_referens(doctype: DocType) -> str:
    lines = [f"{doctype.label} ({doctype.name}): variabler i mallen", ""]
    for v in variabler(doctype):
        lines.append("  " * v.djup + _line(v))
    lines += ["", "Filter (skrivs {{ värde|filter }}):"]
    for f in filter_lista():
        lines.append(f"  {f.namn}  {f.beskrivning}")
    lines += ["", "Jinjas inbyggda filter finns också: " + ", ".join(jinja_filter()) + ".", "", LOOP_HELP]
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _md_type(doctype: DocType) -> list[str]:
    lines = [f"## {doctype.label} (`{doctype.name}`)", ""]
    if doctype.description:
        lines += [doctype.description + ".", ""]
    lines += ["| Variabel | Typ | Beskrivning |", "| --- | --- | --- |"]
    for v in variabler(doctype):
        typ = v.typ + (", valfri" if v.valfri else "")
        lines.append(f"| `{_md_escape(v.namn)}` | {_md_escape(typ)} | {_md_escape(v.beskrivning)} |")
    return lines + [""]


def markdown_referens(typer: list[DocType] | None = None) -> str:
    """The reference page docs/mallvariabler.md (generated: `make docs`)."""
    typer = typer if typer is not None else doctypes.all_types()
    lines = [
        "# Variabler och filter i Word-mallarna",
        "",
        "<!-- Genererad av `make docs` (rapportgen mallar variabler --alla --markdown). Ändra inte för hand. -->",
        "",
        "Mallarna är Word-dokument med Jinja-taggar (docxtpl). `{{ variabel }}` skriver ett värde,",
        "`{% if %}`/`{% for %}` styr text, `{%p ... %}` och `{{p ... }}` gäller ett helt stycke,",
        "`{%tr ... %}` en hel tabellrad. Okända variabler är fel: `rapportgen mallar kontrollera MALL.docx`",
        "hittar dem innan mallen används.",
        "",
        "`[]` betyder ett element i en lista: `{%p for x in underskrifter %}` … `{{ x.namn }}` … "
        "`{%p endfor %}`. *valfri* betyder att värdet kan saknas: `{% if x %}` … `{% endif %}`.",
        "",
        "Dokumenttyper: " + ", ".join(f"[{t.label}](#{_anchor(t)})" for t in typer) + ".",
        "",
    ]
    for t in typer:
        lines += _md_type(t)
    lines += ["## Filter", "", "Skrivs `{{ värde|filter }}` eller `{{ värde|filter(argument) }}`.", "",
              "| Filter | Beskrivning |", "| --- | --- |"]
    for f in filter_lista():
        lines.append(f"| `{f.namn}` | {_md_escape(f.beskrivning)} |")
    lines += ["", "Jinjas inbyggda filter finns också: " + ", ".join(f"`{n}`" for n in jinja_filter()) + ".", ""]
    return "\n".join(lines)


def _anchor(t: DocType) -> str:
    import re

    text = f"{t.label} ({t.name})".lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


# --- kontrollera ---------------------------------------------------------------------------

@dataclass
class Kontrollrapport:
    mall: Path
    typ: DocType
    fynd: list = None  # list[analys.Fynd]
    docx: Path | None = None  # the test render, when the template had no errors
    pdf: Path | None = None
    sidor: int = 0

    @property
    def fel(self) -> list:
        return [f for f in self.fynd if f.allvarlighet == "fel"]

    @property
    def ok(self) -> bool:
        return not self.fel and self.pdf is not None


def typ_for_mall(fil: Path, typ: str | None = None) -> DocType:
    """The document type a template is for: --typ, else the file name (tjansteskrivelse.docx)."""
    from ..exceptions import InputError

    if typ:
        return doctypes.get(typ)
    names = {t.name: t for t in doctypes.all_types()}
    stem = fil.stem.lower()
    if stem in names:
        return names[stem]
    matches = [n for n in names if stem.startswith(n) or stem.endswith(n)]
    if len(matches) == 1:
        return names[matches[0]]
    raise InputError(f"kan inte avgöra dokumenttypen av filnamnet; ange --typ ({', '.join(sorted(names))})",
                     fil=fil)


def kontrollera(fil: str | Path, typ: str | None = None, profil: Profil | None = None,
                utmapp: Path | None = None) -> Kontrollrapport:
    """Analyse a template; when it has no errors, test-render it with the type's example data.

    The test render must open again with python-docx and convert to PDF with LibreOffice.
    It is written to utmapp (kept) or a temporary folder (removed).
    """
    import shutil
    import tempfile

    from docx import Document

    from ..convert import convert_many
    from ..render.analys import Fynd, analyse

    fil = Path(fil)
    if not fil.is_file():
        raise TemplateError("mallen finns inte", fil=fil)
    t = typ_for_mall(fil, typ)
    profil = profil or Profil()
    rapport = Kontrollrapport(fil, t, analyse(fil, {v.namn for v in variabler(t)}))
    if rapport.fel:
        return rapport
    if t.exempel is None:
        rapport.fynd.append(Fynd("varning", "provrendering", "mallen",
                                 f"dokumenttypen {t.name} har inga exempeldata; mallen provas inte"))
        return rapport
    with tempfile.TemporaryDirectory(prefix="rapportgen-mall-") as tmp:
        folder = Path(tmp) / "mallar"
        folder.mkdir()
        shutil.copyfile(fil, folder / f"{t.name}.docx")
        out_dir = Path(utmapp) if utmapp else Path(tmp) / "ut"
        out_dir.mkdir(parents=True, exist_ok=True)
        doc = t.load(t.exempel, profil)
        try:
            out = t.render(doc, out_dir / f"{fil.stem}-prov.docx", profil, folder)
        except TemplateError as exc:
            rapport.fynd.append(Fynd("fel", "provrendering", "provrenderingen", exc.detalj))
            return rapport
        try:
            Document(str(out))
        except Exception as exc:  # the rendered XML is not a valid Word document
            rapport.fynd.append(Fynd("fel", "provrendering", "provrenderingen",
                                     f"resultatet går inte att öppna som Word-dokument ({exc})"))
            return rapport
        pdf = convert_many([out], installningar=profil.konvertering)[0]
        from pypdf import PdfReader

        rapport.sidor = len(PdfReader(str(pdf)).pages)
        if utmapp:
            rapport.docx, rapport.pdf = out, pdf
        else:
            rapport.docx, rapport.pdf = None, pdf  # gone with the temporary folder; pdf says it worked
    return rapport


def format_kontroll(r: Kontrollrapport) -> str:
    lines = [f"{r.mall} (mall för {r.typ.label.lower()})"]
    for f in r.fynd:
        lines.append(f.format())
    if r.pdf is not None:
        where = f": {r.docx} och {r.pdf}" if r.docx else ""
        lines.append(f"Provrendering med exempeldata ({r.typ.exempel.name}) lyckades, {r.sidor} {'sida' if r.sidor == 1 else 'sidor'}{where}")
    if r.ok:
        lines.append("Mallen är godkänd." if not r.fynd else "Mallen är godkänd, med varningar.")
    else:
        lines.append(f"Mallen har {len(r.fel)} fel." if r.fel else "Mallen kunde inte provas.")
    return "\n".join(lines)
