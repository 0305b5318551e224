"""Round-trip edits of a meeting manifest and a tjänsteskrivelse's front matter (comments and layout kept).

Every edit reads the file fresh (so a hand edit is seen), changes the ruamel tree and
writes the file atomically. The library validates the result when it loads it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..exceptions import InputError
from ..fileio import write_text_atomic

MAX_YAML_BYTES = 2_000_000


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def load(path: Path) -> CommentedMap:
    if path.stat().st_size > MAX_YAML_BYTES:
        raise InputError("filen är för stor för att redigeras här", fil=path)
    try:
        data = _yaml().load(path.read_text(encoding="utf-8-sig"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"YAML-fel: {getattr(exc, 'problem', exc)}", fil=path,
                         plats=f"rad {mark.line + 1}" if mark else None) from None
    if not isinstance(data, CommentedMap):
        raise InputError("manifestet ska vara fält i formen 'namn: värde'", fil=path, plats="rad 1")
    return data


def dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def save(path: Path, data: Any) -> None:
    write_text_atomic(path, dump(data))


def arenden_key(data: CommentedMap) -> str:
    for key in ("ärenden", "arenden"):
        if key in data:
            return key
    raise InputError("manifestet saknar 'ärenden'")


def arenden(data: CommentedMap) -> CommentedSeq:
    seq = data[arenden_key(data)]
    if not isinstance(seq, CommentedSeq):
        raise InputError("'ärenden' ska vara en lista")
    return seq


def bilagor(arende: CommentedMap, create: bool = False) -> CommentedSeq:
    seq = arende.get("bilagor")
    if seq is None and create:
        seq = CommentedSeq()
        arende["bilagor"] = seq
    if seq is None:
        return CommentedSeq()
    if not isinstance(seq, CommentedSeq):
        raise InputError("'bilagor' ska vara en lista")
    return seq


def item_lines(seq: CommentedSeq) -> list[int]:
    """1-based line where each item of a block sequence starts."""
    return [seq.lc.item(i)[0] + 1 for i in range(len(seq))]


def check_index(seq: CommentedSeq, i: int, what: str) -> int:
    if not 0 <= i < len(seq):
        raise InputError(f"{what} {i + 1} finns inte (manifestet kan ha ändrats; ladda om sidan)")
    return i


def move(seq: CommentedSeq, i: int, j: int, what: str) -> None:
    """Move item i to place j, with the comment lines that belong to it."""
    check_index(seq, i, what)
    check_index(seq, j, what)
    if i == j:
        return
    comments = {k: seq.ca.items.pop(k) for k in list(seq.ca.items)}
    order = list(range(len(seq)))
    order.insert(j, order.pop(i))
    items = [seq[k] for k in order]
    for k, value in enumerate(items):
        seq[k] = value
    for new, old in enumerate(order):
        if old in comments:
            seq.ca.items[new] = comments[old]


def remove(seq: CommentedSeq, i: int, what: str) -> Any:
    check_index(seq, i, what)
    comments = {k: seq.ca.items.pop(k) for k in list(seq.ca.items)}
    removed = seq.pop(i)
    for k, c in comments.items():
        if k != i:
            seq.ca.items[k - (k > i)] = c
    return removed


def renumber(seq: CommentedSeq) -> None:
    """Numeric punkter follow the list order again (1, 2, 3 ...); text punkter ('sa') stay."""
    n = 0
    for a in seq:
        p = a.get("punkt") if isinstance(a, dict) else None
        if isinstance(p, int) or (isinstance(p, str) and p.isdigit()):
            n += 1
            a["punkt"] = n if isinstance(p, int) else str(n)


def insert_arende(seq: CommentedSeq, fields: dict[str, Any]) -> int:
    """Add an ärende after the last numbered one; returns its index."""
    pos = 0
    for k, a in enumerate(seq):
        p = a.get("punkt") if isinstance(a, dict) else None
        if isinstance(p, int) or (isinstance(p, str) and p.isdigit()):
            pos = k + 1
    item = CommentedMap()
    item["punkt"] = 0
    for key, value in fields.items():
        if value:
            item[key] = value
    seq.insert(pos, item)
    comments = {k: seq.ca.items.pop(k) for k in list(seq.ca.items)}
    for k, c in comments.items():
        seq.ca.items[k + (k >= pos)] = c
    renumber(seq)
    return pos


def new_meeting(prev: CommentedMap, datum: dt.date) -> CommentedMap:
    """A copy of prev for a new date: the standing items (no dnr, no documents) are kept."""
    data = _yaml().load(dump(prev))
    old = data.get("datum")
    data["datum"] = datum
    seq = arenden(data)
    for i in reversed(range(len(seq))):
        a = seq[i]
        if not isinstance(a, dict) or a.get("dnr") or a.get("tjänsteskrivelse") or a.get("bilagor"):
            remove(seq, i, "ärende")
    if not len(seq):
        raise InputError("det förra sammanträdet har inga stående punkter att ta med")
    renumber(seq)
    if old is not None:
        _replace_in_comments(data, str(old), datum.isoformat())
    return data


def _replace_in_comments(data: CommentedMap, old: str, new: str) -> None:
    """The header comment names the meeting's date: keep it true."""
    c = data.ca.comment
    if c and len(c) > 1 and c[1]:
        for tok in c[1]:
            if hasattr(tok, "value") and old in tok.value:
                tok.value = tok.value.replace(old, new)


def meeting_filename(prev: Path, old: str, new: str) -> Path:
    """Where the new meeting's manifest goes: the date in the folder or file name is replaced."""
    if old and old in prev.parent.name:
        return prev.parent.parent / prev.parent.name.replace(old, new) / prev.name
    if old and old in prev.name:
        return prev.parent / prev.name.replace(old, new)
    return prev.parent / f"{prev.stem}-{new}{prev.suffix}"


# --- tjänsteskrivelse: Markdown with front matter ---------------------------------------------

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(text: str, path: Path) -> tuple[CommentedMap, str]:
    m = _FRONT.match(text)
    if not m:
        raise InputError("filen börjar inte med ett YAML-huvud (---)", fil=path, plats="rad 1")
    try:
        data = _yaml().load(m.group(1) or "") or CommentedMap()
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"YAML-fel i huvudet: {getattr(exc, 'problem', exc)}", fil=path,
                         plats=f"rad {mark.line + 2}" if mark else None) from None
    if not isinstance(data, CommentedMap):
        raise InputError("huvudet ska vara fält i formen 'namn: värde'", fil=path, plats="rad 2")
    return data, text[m.end():]


def join_front_matter(data: CommentedMap, body: str) -> str:
    return "---\n" + dump(data) + "---\n\n" + body.strip() + "\n"


# --- the protokoll part follows the ärendelista ---------------------------------------------------

def protokoll_part(manifest: Path, data: CommentedMap, inside: Any = None) -> tuple[Path | None, CommentedMap | None]:
    """The protokoll part: (its own file, its data), (None, the inline part), or (None, None).

    inside(path) -> bool guards the working folder: a protokoll file outside it is refused unread.
    """
    part = data.get("protokoll")
    if isinstance(part, str):
        fil = (manifest.parent / part).resolve()
        if inside is not None and not inside(fil):
            raise InputError("protokollsdelen ligger utanför arbetsmappen och kan inte ändras här",
                             fil=manifest.name, plats=f"rad {data.lc.key('protokoll')[0] + 1}")
        return (fil, load(fil)) if fil.is_file() else (None, None)
    return (None, part) if isinstance(part, CommentedMap) else (None, None)


def punkter_by_item(seq: CommentedSeq) -> dict[int, Any]:
    """Each ärende's punkt, keyed by the item's identity (to follow items across a move)."""
    return {id(a): a.get("punkt") for a in seq if isinstance(a, dict)}


def repoint_paragrafer(prot: CommentedMap | None, seq: CommentedSeq, before: dict[int, Any],
                       removed: Any = None, where: str = "protokollsdelen") -> bool:
    """Keep the protokoll's paragrafer on their ärenden after the punkter were renumbered.

    A paragraf for a removed ärende is refused (the user removes it from the protokoll first).
    Returns True when a paragraf changed.
    """
    paragrafer = prot.get("paragrafer") if prot is not None else None
    if not isinstance(paragrafer, list):
        return False
    if removed is not None:
        for p in paragrafer:
            if isinstance(p, dict) and str(p.get("punkt")) == str(removed):
                raise InputError(f"protokollet har en paragraf för punkt {removed}; ta bort den ur {where} "
                                 "innan ärendet tas bort")
    mapping = {str(before[id(a)]): a.get("punkt") for a in seq
               if isinstance(a, dict) and id(a) in before and str(before[id(a)]) != str(a.get("punkt"))}
    changed = False
    for p in paragrafer:
        if isinstance(p, dict) and str(p.get("punkt")) in mapping:
            p["punkt"] = mapping[str(p.get("punkt"))]
            changed = True
    return changed
