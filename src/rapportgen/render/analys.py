"""Template analysis: what `rapportgen mallar kontrollera` finds in a Word template.

The template is read exactly as docxtpl reads it (DocxTemplate.get_xml/get_part_xml,
then patch_xml) and parsed with the project's Jinja environment. Findings point at
the paragraph or table cell in Word terms, with the text around:

- Jinja syntax errors;
- tags docxtpl cannot handle: a tag split over two paragraphs or cells, a tag never closed
  in its paragraph or cell, a closer without an opener, {%tr %} outside a table, text that
  a {%p %} tag would delete (typographic quotes inside a tag are fine: docxtpl straightens them,
  and "{ {" in prose is text to docxtpl, not a tag);
- variables and filters the document type's model does not have, with "menade du".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import jinja2
from jinja2 import nodes
from lxml import etree

from ..exceptions import TemplateError
from ..format import Formatter
from .oppna import open_template
from .environment import make_environment

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_Q = {"p": f"{{{W}}}p", "t": f"{{{W}}}t", "tc": f"{{{W}}}tc", "tr": f"{{{W}}}tr", "tbl": f"{{{W}}}tbl"}
_MARK = "rgnr"  # attribute numbering paragraphs through docxtpl's patching
_OPEN = re.compile(r"\{[{%#]")
_JINJA_GLOBALS = {"range", "loop", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false",
                  "none", "True", "False", "None"}


@dataclass(frozen=True)
class Fynd:
    allvarlighet: str  # "fel" or "varning"
    kod: str  # "syntax", "delad-tagg", "okand-variabel", "okant-filter", ...
    plats: str  # "brödtexten, stycke 12" / "sidhuvudet, tabell 1, rad 1, cell 2"
    meddelande: str
    text: str = ""  # the text around, as in Word

    def format(self) -> str:
        head = "Fel" if self.allvarlighet == "fel" else "Varning"
        around = f"\n    text: »{self.text}«" if self.text else ""
        return f"{head}: {self.plats}: {self.meddelande}{around}"


@dataclass
class Stycke:
    nummer: int
    plats: str
    text: str


@dataclass
class Del:
    """One XML part of the template: the body, a header or a footer."""

    namn: str
    xml: str  # as docxtpl serialises it, with paragraphs numbered
    stycken: list[Stycke] = field(default_factory=list)


def _clip(text: str, around: int = 0, width: int = 90) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    start = max(0, min(around - width // 2, len(text) - width))
    return ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(text) else "")


def _number_paragraphs(xml: str, namn: str) -> Del:
    counter = iter(range(1, 1_000_000))
    marked = re.sub(r"<w:p([ >])", lambda m: f'<w:p {_MARK}="{next(counter)}"{m.group(1)}', xml)
    root = etree.fromstring(marked.encode("utf-8"))
    part = Del(namn, marked)
    tables: dict[int, int] = {}
    body_nr = 0
    for p in root.iter(_Q["p"]):
        mark = p.get(_MARK)  # empty <w:p/> is not numbered, by docxtpl's split either
        text = "".join(t.text or "" for t in p.iter(_Q["t"]))
        tc = next((a for a in p.iterancestors(_Q["tc"])), None)
        if tc is None:
            body_nr += 1
            plats = f"{namn}, stycke {body_nr}"
        else:
            tr = tc.getparent()
            tbl = tr.getparent()
            top = list(tc.iterancestors(_Q["tbl"]))[-1]
            if id(top) not in tables:
                tables[id(top)] = len(tables) + 1
            row = [x for x in tbl if x.tag == _Q["tr"]].index(tr) + 1
            col = [x for x in tr if x.tag == _Q["tc"]].index(tc) + 1
            plats = f"{namn}, tabell {tables[id(top)]}, rad {row}, cell {col}"
        if mark is not None:
            part.stycken.append(Stycke(int(mark), plats, text))
    return part


def template_parts(path: Path, tpl=None) -> list[Del]:
    """The body, headers and footers of a template as docxtpl reads them (tpl: the template
    already opened from path)."""
    tpl = tpl if tpl is not None else open_template(path)
    try:
        tpl.init_docx()
    except Exception as exc:  # zip/xml errors from a broken or non-Word file
        raise TemplateError(f"mallen kan inte öppnas som Word-dokument ({exc})", fil=path) from None
    parts = [_number_paragraphs(tpl.get_xml(), "brödtexten")]
    for label, uri in (("sidhuvudet", tpl.HEADER_URI), ("sidfoten", tpl.FOOTER_URI)):
        found = list(tpl.get_headers_footers(uri))
        for i, (_rel, part) in enumerate(found, 1):
            name = label if len(found) == 1 else f"{label} {i}"
            parts.append(_number_paragraphs(tpl.get_part_xml(part), name))
    return parts


# --- split tags and other shapes docxtpl cannot handle -------------------------------------

_PAIRS = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _scan(text: str, open_tag: str | None = None) -> tuple[list[int], str | None, int]:
    """Walk a paragraph's tags as Jinja does: an opener runs to its own closer.

    open_tag is a tag left open by the paragraph before (and closed in this one). Returns the
    positions of closers without an opener, the tag still open at the end (or None) and
    where it opened."""
    lone: list[int] = []
    i, start = 0, -1
    while i < len(text) - 1:
        two = text[i:i + 2]
        if open_tag is not None:
            if two == _PAIRS[open_tag]:
                open_tag, i = None, i + 2
                continue
        elif two in _PAIRS:
            open_tag, start, i = two, i, i + 2
            continue
        elif two in ("}}", "%}", "#}"):
            lone.append(i)
            i += 2
            continue
        i += 1
    return lone, open_tag, start


def _split_tags(part: Del) -> Iterable[Fynd]:
    pending: tuple[Stycke, str, int] | None = None  # paragraph, tag and where it opened
    for st in part.stycken:
        text = st.text
        carried = None
        if pending is not None:
            before, tag, at = pending
            closer = text.find(_PAIRS[tag])
            opener = _OPEN.search(text)
            if closer >= 0 and (opener is None or opener.start() > closer):
                yield Fynd("fel", "delad-tagg", before.plats,
                           f"taggen börjar här men slutar i nästa stycke ({st.plats.split(', ', 1)[1]}); "
                           "en tagg måste stå i ett och samma stycke eller en och samma cell",
                           _clip(before.text + " ¶ " + text))
                carried = tag
            else:
                yield Fynd("fel", "delad-tagg", before.plats,
                           f"taggen {tag} avslutas aldrig med {_PAIRS[tag]} i samma stycke eller cell; "
                           "texten efter den försvinner när mallen fylls i", _clip(before.text, at))
            pending = None
        lone, still_open, at = _scan(text, carried)
        if lone:
            yield Fynd("fel", "delad-tagg", st.plats,
                       f"{text[lone[0]:lone[0] + 2]} avslutar en tagg som inte har börjat i samma stycke eller cell",
                       _clip(text, lone[0]))
        if still_open is not None:
            pending = (st, still_open, at)
        # docxtpl joins only braces separated by XML, never by spaces: "{ {" is prose to it. Only
        # a whole tag written with spaced braces ("{ { titel } }") is likely meant as a tag.
        spaced = re.search(r"\{[ \u00a0]+\{\s*[A-Za-z_][\w.]*(?:\|[\w()]+)*\s*\}[ \u00a0]+\}"
                           r"|\{[ \u00a0]+%[pr]?\s*(?:if|for|else|elif|end\w+)\b[^{}%]*%[ \u00a0]+\}", text)
        if spaced:
            yield Fynd("varning", "delad-tagg", st.plats,
                       "mellanslag mellan klammerparenteserna: docxtpl läser det som text; skriv {{ och }} "
                       "eller {% och %} utan mellanrum om det ska vara en tagg", _clip(text, spaced.start()))
        # Typographic quotes inside a tag are straightened by docxtpl (patch_xml) before Jinja
        # sees the tag, so they are accepted; _patched_lines hands Jinja the same text.
        paragraph_tag = re.search(r"\{%p\s.*?%\}|\{\{p\s.*?\}\}", text)
        if paragraph_tag:
            rest = (text[:paragraph_tag.start()] + text[paragraph_tag.end():]).strip()
            if rest:
                yield Fynd("varning", "p-tagg", st.plats,
                           f"{paragraph_tag.group(0)[:3]}-taggen ersätter hela stycket: texten »{_clip(rest, 0, 40)}« "
                           "i samma stycke kommer inte med", _clip(text))
        if re.search(r"\{%tr\s", text) and "tabell" not in st.plats:
            yield Fynd("fel", "tr-tagg", st.plats, "{%tr %} får bara stå i en tabellrad", _clip(text))
    if pending is not None:
        before, tag, at = pending
        yield Fynd("fel", "delad-tagg", before.plats,
                   f"taggen {tag} avslutas aldrig med {_PAIRS[tag]}; texten efter den försvinner när mallen fylls i",
                   _clip(before.text, at))


# --- Jinja: syntax and names ---------------------------------------------------------------

def _patched_lines(tpl, part: Del) -> str:
    """The part as docxtpl hands it to Jinja: patched, one paragraph a line."""
    patched = tpl.patch_xml(part.xml)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


def _locate_line(part: Del, source: str, lineno: int, hint: str = "") -> tuple[str, str]:
    """The Word place and text of a Jinja line number."""
    lines = source.splitlines()
    nr = 0
    for line in reversed(lines[:max(lineno, 1)]):
        m = re.match(rf'<w:p {_MARK}="(\d+)"', line)
        if m:
            nr = int(m.group(1))
            break
    nxt = None
    for line in lines[lineno:]:
        m = re.match(rf'<w:p {_MARK}="(\d+)"', line)
        if m:
            nxt = int(m.group(1))
            break
    candidates = [s for s in part.stycken if s.nummer >= nr and (nxt is None or s.nummer < nxt)]
    if not candidates:
        candidates = part.stycken[-1:] if part.stycken else []
    if not candidates:
        return part.namn, ""
    chosen = candidates[0]
    if hint:
        chosen = next((s for s in candidates if hint in s.text), chosen)
    elif len(candidates) > 1:
        chosen = next((s for s in candidates if _OPEN.search(s.text)), chosen)
    return chosen.plats, _clip(chosen.text)


class _Names:
    """Checks names and attributes in a Jinja AST against a document type's variable tree."""

    def __init__(self, paths: set[str], filters: set[str]):
        self.paths = paths
        self.top = {p for p in paths if "." not in p and "[" not in p}
        self.filters = filters
        self.found: list[tuple[str, str, int]] = []  # (kind, message, lineno)

    def children(self, path: str) -> list[str]:
        prefix = path + "."
        return sorted({p[len(prefix):].split(".")[0] for p in self.paths if p.startswith(prefix)})

    def resolve(self, node: nodes.Node, scope: dict[str, str | None]) -> str | None:
        """The variable path an expression refers to, None when it cannot be followed."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.top:
                return node.name
            if node.name not in _JINJA_GLOBALS:
                near = difflib.get_close_matches(node.name, sorted(self.top), n=1, cutoff=0.6)
                tip = f"; menade du '{near[0]}'?" if near else ""
                self.found.append(("okand-variabel", f"variabeln '{node.name}' finns inte för den här "
                                                     f"dokumenttypen{tip}", node.lineno))
            return None
        if isinstance(node, nodes.Getattr):
            base = self.resolve(node.node, scope)
            return self._member(base, node.attr, node.lineno, _expr_text(node.node))
        if isinstance(node, nodes.Getitem):
            base = self.resolve(node.node, scope)
            self.visit(node.arg, scope)
            if base is None:
                return None
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self._member(base, node.arg.value, node.lineno, _expr_text(node.node))
            return f"{base}[]" if f"{base}[]" in self.paths or self.children(f"{base}[]") else None
        self.visit(node, scope)
        return None

    def _member(self, base: str | None, attr: str, lineno: int, expr: str) -> str | None:
        if base is None:
            return None
        kids = self.children(base)
        if not kids:
            return None  # a leaf (text, date, table): its own attributes (datum.year) are Jinja's business
        if attr in kids:
            return f"{base}.{attr}"
        near = difflib.get_close_matches(attr, kids, n=1, cutoff=0.6)
        tip = f"; menade du '{expr}.{near[0]}'?" if near else f"; fälten är {', '.join(kids)}"
        self.found.append(("okand-variabel", f"'{expr}' har inget fält '{attr}'{tip}", lineno))
        return None

    def _bind(self, target: nodes.Node, path: str | None, scope: dict[str, str | None]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = path
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, None, scope)

    def visit(self, node: nodes.Node, scope: dict[str, str | None]) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self.resolve(node, scope)
            return
        if isinstance(node, nodes.For):
            it = self.resolve(node.iter, scope) if isinstance(node.iter, (nodes.Name, nodes.Getattr, nodes.Getitem)) \
                else (self.visit(node.iter, scope) or None)
            inner = dict(scope)
            item = f"{it}[]" if it is not None and (f"{it}[]" in self.paths or self.children(f"{it}[]")) else None
            self._bind(node.target, item, inner)
            inner["loop"] = None
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            self._bind(node.target, None, scope)
            return
        if isinstance(node, nodes.AssignBlock):
            self._bind(node.target, None, scope)
            for child in node.body:
                self.visit(child, scope)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                self._bind(arg, None, inner)
            for child in node.body:
                self.visit(child, inner)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.visit(value, scope)
                self._bind(target, None, inner)
            for child in node.body:
                self.visit(child, inner)
            return
        if isinstance(node, (nodes.Filter, nodes.Test)) and isinstance(node, nodes.Filter):
            if node.name not in self.filters:
                near = difflib.get_close_matches(node.name, sorted(self.filters), n=1, cutoff=0.6)
                tip = f"; menade du '{near[0]}'?" if near else ""
                self.found.append(("okant-filter", f"filtret '{node.name}' finns inte{tip}", node.lineno))
        for child in node.iter_child_nodes():
            self.visit(child, scope)


def _expr_text(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_expr_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = repr(node.arg.value) if isinstance(node.arg, nodes.Const) else "…"
        return f"{_expr_text(node.node)}[{arg}]"
    return "uttrycket"


def analyse(path: Path, paths: set[str] | None, tpl=None) -> list[Fynd]:
    """Everything the template's tags get wrong; paths is the type's variable tree (None: skip names).
    tpl: the template already opened from path (only read here)."""
    tpl = tpl if tpl is not None else open_template(path)
    parts = template_parts(path, tpl)
    env = make_environment(Formatter())
    found: list[Fynd] = []
    for part in parts:
        found.extend(_split_tags(part))
    if any(f.kod == "delad-tagg" and f.allvarlighet == "fel" for f in found):
        return found  # Jinja would only report the same thing less clearly
    for part in parts:
        source = _patched_lines(tpl, part)
        try:
            ast = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            hint = next(iter(re.findall(r"'([^']+)'", exc.message or "")), "")
            plats, text = _locate_line(part, source, exc.lineno or 1, hint)
            opener = _unclosed_block(part) if "end of template" in (exc.message or "").lower() else None
            if opener is not None:  # the place to fix is where the block opens, not the end
                plats, text = opener.plats, _clip(opener.text)
            found.append(Fynd("fel", "syntax", plats, f"syntaxfel: {_swedish(exc.message or '')}", text))
            continue
        if paths is None:
            continue
        names = _Names(paths, set(env.filters))
        names.visit(ast, {})
        seen = set()
        for kind, message, lineno in names.found:
            plats, text = _locate_line(part, source, lineno, _hint(message))
            if (plats, message) in seen:
                continue
            seen.add((plats, message))
            found.append(Fynd("fel", kind, plats, message, text))
    return found


_BLOCK = re.compile(r"\{%-?[pr]?\s*(\w+)")
_OPENERS = {"if", "for", "macro", "call", "filter", "with", "set", "block", "raw", "autoescape"}


def _unclosed_block(part: Del) -> Stycke | None:
    """The paragraph whose block tag is never closed (a simple stack over the tags)."""
    stack: list[tuple[str, Stycke]] = []
    for st in part.stycken:
        for m in _BLOCK.finditer(st.text):
            word = m.group(1)
            if word == "set" and "=" in st.text[m.end():].split("%}")[0]:
                continue  # {% set x = ... %} has no end tag
            if word in _OPENERS:
                stack.append((word, st))
            elif word.startswith("end") and stack and stack[-1][0] == word[3:]:
                stack.pop()
    return stack[-1][1] if stack else None


def _hint(message: str) -> str:
    m = re.search(r"'([^']+)'", message)
    return m.group(1).split(".")[-1] if m else ""


_SYNTAX = [
    (r"Encountered unknown tag '([^']+)'\.", r"okänd tagg '\1';"),
    (r"Unexpected end of template\.", "mallen tar slut innan alla block är stängda;"),
    (r"Jinja was looking for the following tags: (.*?)\.", r"Jinja väntade sig \1;"),
    (r"The innermost block that needs to be closed is '([^']+)'\.", r"blocket '\1' är inte stängt"),
    (r"' or '", "' eller '"),
    (r"unexpected '([^']+)'", r"oväntat '\1'"),
    (r"expected token '([^']+)', got '([^']+)'", r"väntade '\1' men fick '\2'"),
    (r"unexpected end of template, expected '([^']+)'\.?", r"mallen tar slut, väntade '\1'"),
    (r"unexpected char '([^']+)'", r"oväntat tecken '\1'"),
]


def _swedish(message: str) -> str:
    out = message
    for pattern, repl in _SYNTAX:
        out = re.sub(pattern, repl, out)
    return " ".join(out.split()).rstrip(";")


# --- shared with rendering --------------------------------------------------------------------

_CACHE: dict[tuple[str, int, int], list[Fynd]] = {}


def _errors_of(path: Path, tpl=None) -> list[Fynd]:
    """The analysis' errors for a template file (cached per file version)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _CACHE:
        _CACHE[key] = [f for f in analyse(path, None, tpl) if f.allvarlighet == "fel"]
    return _CACHE[key]


def stoppa_vid_fel(path: Path, tpl=None) -> None:
    """Raise a TemplateError naming the paragraph or cell when the template has a syntax error or
    a tag docxtpl would drop; the render then writes nothing. tpl: the template just opened from
    path and not yet rendered (read, not changed), so it is not opened twice."""
    found = _errors_of(Path(path), tpl)
    if not found:
        return
    first = found[0]
    more = "".join(f"\n  {f.format()}" for f in found[1:])
    text = f" (text: »{first.text}«)" if first.text else ""
    raise TemplateError(f"{first.meddelande}{text}; inget skrevs. Kontrollera mallen med "
                        f"'rapportgen mallar kontrollera'{more}", fil=path, plats=first.plats)


def var_ar(path: Path, message: str) -> str | None:
    """The paragraph or cell where the variable an UndefinedError names is used, if found."""
    m = re.search(r"'([^']+)'", message)
    if not m:
        return None
    name = m.group(1)
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    try:
        parts = template_parts(Path(path))
    except TemplateError:
        return None
    for part in parts:
        for st in part.stycken:
            if pattern.search(st.text) and _OPEN.search(st.text):
                return st.plats
    return None
