"""YAML with line numbers, and pydantic validation with located Swedish errors."""

from __future__ import annotations

import difflib
from collections import OrderedDict
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..exceptions import InputError
from ..model.located import Located

M = TypeVar("M", bound=BaseModel)


# libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that leaves dates as text, so pydantic reports bad dates by field."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _collect_lines(node: yaml.Node, path: tuple, out: dict[tuple, int], seen: set[int] | None = None) -> None:
    # An alias points at a node already walked: its line is the anchor's, and walking it again
    # would expand an alias bomb.
    seen = set() if seen is None else seen
    out.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node.value, str):
                continue  # a complex key: no path to report under
            out[path + (key_node.value,)] = key_node.start_mark.line + 1
            _collect_lines(value_node, path + (key_node.value,), out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_lines(item, path + (i,), out, seen)


def _check_aliases(text: str, fil: Path, line_offset: int) -> None:
    """Refuse more aliases than the limit, before anything is built (billion laughs)."""
    from ..granser import aktiva

    limit = aktiva().yaml_alias
    if "*" not in text:
        return  # an alias is written *namn: without a '*' there is none (and no second parse)
    n = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            n += 1
            if n > limit:
                raise InputError(
                    f"YAML-filen använder fler än {limit} alias (*namn); gränsen skyddar mot alias-bomber "
                    "(granser.yaml_alias i profilen)" if limit else
                    "YAML-filen använder alias (*namn), vilket inte är tillåtet här (granser.yaml_alias i profilen)",
                    fil=fil, plats=f"rad {event.start_mark.line + 1 + line_offset}")


def _nodgrans() -> int:
    from ..granser import aktiva

    return aktiva().yaml_noder


def _antal_noder(node: yaml.Node) -> int:
    """The nodes of a tree (every node counted once per place it occurs)."""
    n = 0
    stack = [node]
    while stack:
        current = stack.pop()
        n += 1
        if isinstance(current, yaml.MappingNode):
            for pair in current.value:
                stack.extend(pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return n


def _check_expansion(node: yaml.Node, fil: Path, line_offset: int = 0) -> None:
    """Refuse a document whose values, with aliases expanded, exceed the limit."""
    from ..granser import aktiva

    limit = aktiva().yaml_noder
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    # Post-order walk without recursion; a node's size counts every alias expanded.
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        if id(current) in sizes:
            continue
        if isinstance(current, yaml.MappingNode):
            children = [c for pair in current.value for c in pair]
        elif isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        else:
            children = []
        if done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[id(current)] = total
            if total > limit:
                raise InputError(f"YAML-filen blir över {limit} värden när dess alias utvecklas; gränsen skyddar "
                                 "mot alias-bomber (granser.yaml_noder i profilen)", fil=fil,
                                 plats=f"rad {current.start_mark.line + 1 + line_offset}")
            continue
        visiting.add(id(current))
        stack.append((current, True))
        for c in children:
            if id(c) in sizes:
                continue
            if id(c) in visiting:
                raise InputError("ett alias (*namn) pekar på sig självt eller en förälder (rekursivt alias)",
                                 fil=fil, plats=f"rad {c.start_mark.line + 1 + line_offset}")
            stack.append((c, False))


# PyYAML's problem texts, said the way a user can act on them.
_YAML_PROBLEM = (
    ("but found another document", "en rad '---' mitt i filen börjar ett nytt YAML-dokument; "
                                   "är det en Markdown-fil med YAML-huvud?"),
    ("mapping values are not allowed", "ett kolon på fel ställe; sätt texten inom citattecken om den "
                                       "innehåller ': '"),
    ("could not find expected ':'", "ett kolon saknas efter nyckeln"),
    ("cannot start any token", "ett tecken som inte får inleda ett värde (tabb för indrag? använd "
                               "mellanslag; börjar texten med @, ` eller %? sätt den inom citattecken)"),
    ("expected ',' or ']'", "en lista inom [ ] är inte rätt avslutad"),
    ("expected ',' or '}'", "en uppsättning inom { } är inte rätt avslutad"),
    ("found unexpected end of stream", "ett citattecken är inte avslutat"),
    ("did not find expected key", "indraget stämmer inte: en nyckel väntades här"),
    ("did not find expected '-' indicator", "indraget stämmer inte i en lista"),
    ("expected <block end>", "indraget stämmer inte"),
    ("node content", "ett värde saknas här (är en lista inom [ ] eller { } inte avslutad?)"),
    ("found undefined alias", "ett alias (*namn) som inte är definierat"),
    ("found duplicate anchor", "samma ankare (&namn) två gånger"),
)


def _yaml_problem(problem: str) -> str:
    for english, svenska in _YAML_PROBLEM:
        if english in problem:
            return svenska
    return problem


# Texts parsed in this process, by text, line offset and the YAML limits: one command reads a
# manifest to recognise it and again to load it, a bilaga's front matter to choose its type and
# again to load it. Each caller gets its own copy of the data. Bounded; errors are not kept.
_TOLKADE: OrderedDict[tuple, tuple[Any, dict[tuple, int]]] = OrderedDict()
_TOLKADE_MAX = 64
_TOLKADE_MAX_TECKEN = 1 << 20


def _kopia(value: Any) -> Any:
    """A copy of parsed YAML data (dicts, lists and immutable scalars)."""
    if isinstance(value, dict):
        return {k: _kopia(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_kopia(v) for v in value]
    if isinstance(value, (str, int, float, bool, bytes)) or value is None:
        return value
    import copy

    return copy.deepcopy(value)


def parse_yaml(text: str, fil: str | Path, line_offset: int = 0) -> Located:
    """Parse YAML text; syntax errors name the file and line."""
    from ..granser import aktiva

    fil = Path(fil)
    g = aktiva()
    key = (text, line_offset, g.yaml_alias, g.yaml_noder) if len(text) <= _TOLKADE_MAX_TECKEN else None
    kept = _TOLKADE.get(key) if key is not None else None
    if kept is not None:
        _TOLKADE.move_to_end(key)
        return Located(data=_kopia(kept[0]), fil=fil, lines=dict(kept[1]), line_offset=line_offset)
    located = _parse_yaml(text, fil, line_offset)
    if key is not None:
        _TOLKADE[key] = (_kopia(located.data), dict(located.lines))
        while len(_TOLKADE) > _TOLKADE_MAX:
            _TOLKADE.popitem(last=False)
    return located


def _parse_yaml(text: str, fil: Path, line_offset: int) -> Located:
    try:
        _check_aliases(text, fil, line_offset)
        # One parse: the node graph gives the line numbers, the expansion check and the data.
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = None
            if node is not None:
                # Without an alias ('*') the node graph is a tree: its node count is its expanded size.
                if "*" in text or _antal_noder(node) > _nodgrans():
                    _check_expansion(node, fil, line_offset)
                data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # At the end of the text libyaml points past the last line: name the last line there is.
        last = max(0, len(text.splitlines()) - 1)
        line = min(mark.line, last) + 1 + line_offset if mark else None
        problem = _yaml_problem(exc.problem or "ogiltig YAML")
        raise InputError(
            f"YAML-syntaxfel: {problem}", fil=fil, plats=f"rad {line}" if line else None
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML-syntaxfel: {exc}", fil=fil) from None
    data = _clean(data)
    lines: dict[tuple, int] = {}
    if node is not None:
        _check_repeated_keys(node, fil, line_offset)
        _collect_lines(node, (), lines)
    return Located(data=data, fil=fil, lines=lines, line_offset=line_offset)


def _check_repeated_keys(root: yaml.Node, fil: Path, line_offset: int = 0) -> None:
    """Refuse a key written twice in one mapping: YAML keeps the last value silently (a second
    'bilagor:' under an ärende would drop the first list, a second vote the first)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue  # an alias: the same node again
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    line = k.start_mark.line + 1 + line_offset
                    if k.value in keys:
                        raise InputError(f"'{k.value}' står två gånger (även på rad {keys[k.value]}); "
                                         "YAML behåller bara det sista värdet", fil=fil, plats=f"rad {line}")
                    keys[k.value] = line
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _clean(value: Any) -> Any:
    """YAML escapes (\\b, \\x00) can produce characters XML cannot hold: drop them."""
    from .text import clean_text

    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def load_yaml_file(path: str | Path) -> Located:
    from ..granser import check_file_size
    from .text import read_text

    check_file_size(path, what="YAML-filen")
    return parse_yaml(read_text(path), path)


_MESSAGES = {
    "missing": "obligatoriskt fält saknas",
    "date_from_datetime_parsing": "är inte ett datum; skriv ÅÅÅÅ-MM-DD",
    "date_parsing": "är inte ett datum; skriv ÅÅÅÅ-MM-DD",
    "date_type": "är inte ett datum; skriv ÅÅÅÅ-MM-DD",
    "date_from_datetime_inexact": "är inte ett datum; skriv ÅÅÅÅ-MM-DD",
    "string_type": "ska vara text",
    "list_type": "ska vara en lista",
    "dict_type": "ska vara en uppsättning fält (nyckel: värde)",
    "model_type": "ska vara en uppsättning fält (nyckel: värde)",
    "model_attributes_type": "ska vara en uppsättning fält (nyckel: värde)",
    "int_parsing": "ska vara ett heltal",
    "int_type": "ska vara ett heltal",
    "float_parsing": "ska vara ett tal",
    "float_type": "ska vara ett tal",
    "decimal_parsing": "ska vara ett tal",
    "bool_parsing": "ska vara ja eller nej (true/false)",
    "string_too_short": "får inte vara tomt",
    "too_short": "får inte vara tomt",
    "literal_error": "har ett otillåtet värde",
    "enum": "har ett otillåtet värde",
}


# Constraint errors: Swedish text with the limit from the error's context.
_CTX_MESSAGES = {
    "greater_than_equal": "ska vara minst {ge}",
    "greater_than": "ska vara större än {gt}",
    "less_than_equal": "får vara högst {le}",
    "less_than": "ska vara mindre än {lt}",
    "string_too_long": "får vara högst {max_length} tecken",
    "too_long": "får ha högst {max_length} delar",
    "string_pattern_mismatch": "har fel form (mönster {pattern})",
}


def _field_label(loc: tuple) -> str:
    parts = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p + 1}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts)


def _known_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names (as users write them) valid at the parent of loc."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", {})
        match = None
        for name, f in fields.items():
            if part in (name, f.alias):
                match = f
        if match is None:
            return []
        ann = match.annotation
        current = _inner_model(ann)
    if current is None or not hasattr(current, "model_fields"):
        return []
    return [f.alias or n for n, f in current.model_fields.items()]


def _inner_model(ann: Any) -> Any:
    import typing

    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in typing.get_args(ann):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def translate_error(err: dict, model: type[BaseModel]) -> str:
    kind = err["type"]
    loc = err["loc"]
    label = _field_label(loc)
    if kind == "extra_forbidden":
        known = _known_fields(model, loc)
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"; menade du '{guess[0]}'?" if guess else ""
        return f"okänt fält '{label}'{hint}"
    if kind == "missing":
        return f"fältet '{label}' saknas (obligatoriskt)"
    msg = _MESSAGES.get(kind)
    if kind in _CTX_MESSAGES:
        try:
            ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v
                   for k, v in (err.get("ctx") or {}).items()}
            msg = _CTX_MESSAGES[kind].format(**ctx)
        except (KeyError, IndexError):
            msg = None
    value = err.get("input")
    shown = f" (värde: {value!r})" if isinstance(value, (str, int, float)) else ""
    if msg is None:
        # Our own validators raise ValueError with Swedish text that already shows the value.
        msg = str(err.get("ctx", {}).get("error") or err.get("msg", "ogiltigt värde"))
        msg, shown = msg.removeprefix("Value error, "), ""
    return f"fältet '{label}' {msg}{shown}"


def validate(model: type[M], located: Located, data: Any | None = None) -> M:
    """Validate data against a pydantic model; the first error is raised located."""
    try:
        return model.model_validate(located.data if data is None else data)
    except ValidationError as exc:
        # An unknown field (a typo) usually explains a missing one: report it first.
        errs = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        err = errs[0]
        raise InputError(translate_error(err, model), fil=located.fil, plats=located.where(err["loc"])) from None
