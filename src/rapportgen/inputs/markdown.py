"""Markdown with YAML front matter, parsed into a small block model.

The block model (headings, paragraphs, lists, tables of styled runs) is what
the renderer maps onto the Word template's own styles, so no raw Markdown
reaches a document.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import fields, replace
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..exceptions import InputError
from ..model.block import Block, Lista, Listpunkt, MarkdownDoc, Rubrik, Run, Stycke, Tabell, runs_text  # noqa: F401
from .text import read_text
from .yamlsrc import Located, parse_yaml  # noqa: F401  (Located: for MarkdownDoc users)


_PARSERS = threading.local()


def _parser() -> MarkdownIt:
    """The parser, made once per thread (making one costs more than parsing a tjänsteskrivelse).
    Raw HTML is off: "<AB>" in a text is text, never markup."""
    md = getattr(_PARSERS, "md", None)
    if md is None:
        md = _PARSERS.md = MarkdownIt("commonmark", {"typographer": False, "html": False}).enable(
            ["table", "strikethrough"])
    return md


def split_front_matter(text: str, fil: Path) -> tuple[str, str, int]:
    """Return (yaml_text, body_text, body_first_line_index)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise InputError(
            "filen saknar front matter: den ska börja med en rad '---', sedan fälten i YAML "
            "och en avslutande rad '---'",
            fil=fil, plats="rad 1",
        )
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 1
    raise InputError("front matter avslutas aldrig med en rad '---'", fil=fil, plats="rad 1")


def _inline_runs(token: Token) -> list[Run]:
    runs: list[Run] = []
    fet = kursiv = False
    pending_break = False
    for child in token.children or []:
        t = child.type
        if t == "strong_open":
            fet = True
        elif t == "strong_close":
            fet = False
        elif t == "em_open":
            kursiv = True
        elif t == "em_close":
            kursiv = False
        elif t == "text":
            if child.content:
                runs.append(Run(child.content, fet, kursiv, radbrytning=pending_break))
                pending_break = False
        elif t == "code_inline":
            runs.append(Run(child.content, fet, kursiv, kod=True, radbrytning=pending_break))
            pending_break = False
        elif t == "softbreak":
            runs.append(Run(" ", fet, kursiv))
        elif t == "hardbreak":
            pending_break = True
        elif t == "image":
            runs.append(Run(child.content or "", fet, kursiv))
        # link_open/close, s_open/close: the text inside is kept as is
    return _merge(runs)


def _merge(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for r in runs:
        if out and not r.radbrytning and (out[-1].fet, out[-1].kursiv, out[-1].kod) == (r.fet, r.kursiv, r.kod):
            prev = out.pop()
            out.append(Run(prev.text + r.text, prev.fet, prev.kursiv, prev.kod, prev.radbrytning))
        else:
            out.append(r)
    return out


class _Builder:
    def __init__(self, tokens: list[Token], fil: Path, offset: int):
        self.tokens = tokens
        self.i = 0
        self.fil = fil
        self.offset = offset

    def line(self, tok: Token) -> int:
        return (tok.map[0] if tok.map else 0) + 1 + self.offset

    def blocks(self, stop: str | None = None) -> list[Block]:
        out: list[Block] = []
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if stop and tok.type == stop:
                return out
            if tok.type == "heading_open":
                inline = self.tokens[self.i + 1]
                out.append(Rubrik(int(tok.tag[1]), _inline_runs(inline), self.line(tok)))
                self.i += 3
            elif tok.type == "paragraph_open":
                inline = self.tokens[self.i + 1]
                out.append(Stycke(_inline_runs(inline), self.line(tok)))
                self.i += 3
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                out.append(self.lista())
            elif tok.type == "table_open":
                out.append(self.tabell())
            elif tok.type in ("fence", "code_block"):
                out.append(Stycke([Run(tok.content.rstrip("\n"), kod=True)], self.line(tok)))
                self.i += 1
            elif tok.type == "hr":
                self.i += 1
            elif tok.type == "blockquote_open":
                self.i += 1
                out.extend(self.blocks(stop="blockquote_close"))
                self.i += 1
            else:
                self.i += 1
        return out

    def lista(self) -> Lista:
        open_tok = self.tokens[self.i]
        numrerad = open_tok.type == "ordered_list_open"
        close = "ordered_list_close" if numrerad else "bullet_list_close"
        start = int(open_tok.attrs.get("start", 1)) if numrerad else 1
        lista = Lista(numrerad, [], self.line(open_tok), start)
        self.i += 1
        while self.tokens[self.i].type != close:
            tok = self.tokens[self.i]
            if tok.type == "list_item_open":
                self.i += 1
                inner = self.blocks(stop="list_item_close")
                self.i += 1
                runs: list[Run] = []
                sub: Lista | None = None
                for b in inner:
                    if isinstance(b, Stycke):
                        if runs:
                            runs = runs + [Run(" ")]
                        runs = _merge(runs + b.runs)
                    elif isinstance(b, Lista) and sub is None:
                        sub = b
                    elif isinstance(b, Lista):
                        sub.punkter.extend(b.punkter)
                    else:
                        raise InputError(
                            "rubriker och tabeller kan inte stå inne i en lista",
                            fil=self.fil, plats=f"rad {lista.rad}",
                        )
                lista.punkter.append(Listpunkt(runs, sub))
            else:
                self.i += 1
        self.i += 1
        return lista

    def tabell(self) -> Tabell:
        open_tok = self.tokens[self.i]
        huvud: list[list[Run]] = []
        rader: list[list[list[Run]]] = []
        justering: list[str] = []
        current: list[list[Run]] | None = None
        in_head = False
        self.i += 1
        while self.tokens[self.i].type != "table_close":
            tok = self.tokens[self.i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                current = []
            elif tok.type == "tr_close":
                if in_head:
                    huvud = current or []
                else:
                    rader.append(current or [])
            elif tok.type in ("th_open", "td_open"):
                style = tok.attrs.get("style", "") or ""
                if in_head:
                    justering.append(str(style).replace("text-align:", "") or "left")
                inline = self.tokens[self.i + 1]
                current.append(_inline_runs(inline) if inline.type == "inline" else [])
            self.i += 1
        self.i += 1
        return Tabell(huvud, rader, justering, self.line(open_tok))


# Bodies parsed in this process, by text, line offset and file: a warm process rebuilding a package
# loads every Markdown input again, and most are unchanged. Each caller gets its own lists and
# blocks (copies; the runs, which cannot change, are shared). Bounded; errors are not kept.
_TOLKADE: OrderedDict[tuple, list[Block]] = OrderedDict()
_TOLKADE_MAX = 128
_TOLKADE_MAX_TECKEN = 1 << 20
_TOLKADE_LAS = threading.Lock()


def _kopia(value):
    """A copy of parsed blocks: new lists and blocks, the same (frozen) runs."""
    if isinstance(value, list):
        return [_kopia(v) for v in value]
    if isinstance(value, Run) or value is None or isinstance(value, (str, int, bool)):
        return value
    return replace(value, **{f.name: _kopia(getattr(value, f.name)) for f in fields(value)})


def parse_body(text: str, fil: Path, line_offset: int = 0) -> list[Block]:
    key = (text, line_offset, str(fil)) if len(text) <= _TOLKADE_MAX_TECKEN else None
    if key is not None:
        with _TOLKADE_LAS:
            kept = _TOLKADE.get(key)
            if kept is not None:
                _TOLKADE.move_to_end(key)
        if kept is not None:
            return _kopia(kept)
    tokens = _parser().parse(text)
    blocks = _Builder(tokens, fil, line_offset).blocks()
    if key is not None:
        with _TOLKADE_LAS:
            _TOLKADE[key] = _kopia(blocks)
            while len(_TOLKADE) > _TOLKADE_MAX:
                _TOLKADE.popitem(last=False)
    return blocks


def load_markdown(path: str | Path) -> MarkdownDoc:
    """Load a Markdown file with YAML front matter."""
    from ..granser import check_file_size

    path = Path(path)
    check_file_size(path, what="Markdown-filen")
    text = read_text(path)
    yaml_text, body, body_start = split_front_matter(text, path)
    front = parse_yaml(yaml_text, path, line_offset=1)
    if front.data is None:
        front.data = {}
    if not isinstance(front.data, dict):
        raise InputError("front matter ska vara fält i formen 'namn: värde'", fil=path, plats="rad 2")
    return MarkdownDoc(path, front, parse_body(body, path, body_start), body_start)
