"""The tjänsteskrivelse form: Markdown with front matter <-> form fields (unknown fields kept)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..model.tjansteskrivelse import AVSNITT, avsnitt_for_heading
from . import yamlredigering as yr

# (form name, heading) of the body sections, in document order.
AVSNITT_FORM = [(t.key, t.rubrik) for t in AVSNITT]
LISTOR = ("förslag_till_beslut", "beslutsunderlag", "tidigare_behandling")


def empty() -> dict[str, Any]:
    return {"titel": "", "dnr": "", "datum": dt.date.today().isoformat(), "handlaggare_namn": "",
            "handlaggare_titel": "", "förslag_till_beslut": "", "beslutsunderlag": "",
            "tidigare_behandling": "", "avsnitt": {k: "" for k, _ in AVSNITT_FORM}}


def _lines(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def split_body(body: str) -> dict[str, str]:
    """Body text per known section; a heading the form does not know stays inside the previous section."""
    lines = body.splitlines()
    levels = [len(m.group(1)) for line in lines if (m := re.match(r"^(#{1,6})\s+\S", line))]
    level = min(levels) if levels else 1
    out: dict[str, list[str]] = {}
    current = "arendet"
    for line in lines:
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m and len(m.group(1)) == level:
            typ = avsnitt_for_heading(m.group(2))
            if typ is not None:
                current = typ.key
                out.setdefault(current, [])
                continue
        out.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def read(path: Path) -> dict[str, Any]:
    front, body = yr.split_front_matter(path.read_text(encoding="utf-8-sig"), path)
    f = empty()
    f["titel"] = str(front.get("titel", "") or "")
    f["dnr"] = str(front.get("dnr", "") or "")
    f["datum"] = str(front.get("datum", "") or "")
    h = front.get("handläggare", front.get("handlaggare"))
    if isinstance(h, dict):
        f["handlaggare_namn"], f["handlaggare_titel"] = str(h.get("namn", "") or ""), str(h.get("titel", "") or "")
    elif isinstance(h, str):
        f["handlaggare_namn"] = h
    for key in LISTOR:
        f[key] = _lines(front.get(key))
    f["avsnitt"].update(split_body(body))
    return f


def from_form(form: Any) -> dict[str, Any]:
    f = empty()
    for key in ("titel", "dnr", "datum", "handlaggare_namn", "handlaggare_titel", *LISTOR):
        f[key] = str(form.get(key, "") or "").replace("\r\n", "\n").strip()
    for key, _ in AVSNITT_FORM:
        f["avsnitt"][key] = str(form.get(f"avsnitt_{key}", "") or "").replace("\r\n", "\n").strip()
    return f


def filename(f: dict[str, Any]) -> str:
    base = f"{f['dnr']} {f['titel']}".replace("/", "-").strip() or "tjansteskrivelse"
    return base + ".md"


def _list_value(text: str, old: Any) -> Any:
    items = [line.strip() for line in text.splitlines() if line.strip()]
    if isinstance(old, str) and len(items) == 1:
        return items[0]
    seq = CommentedSeq(items)
    return seq


def write(existing: Path | None, f: dict[str, Any]) -> str:
    """The Markdown file for the form; an existing file keeps its other fields, comments and order."""
    if existing is not None:
        front, _body = yr.split_front_matter(existing.read_text(encoding="utf-8-sig"), existing)
    else:
        front = CommentedMap()
    hkey = "handlaggare" if "handlaggare" in front and "handläggare" not in front else "handläggare"
    h = front.get(hkey)
    if not isinstance(h, dict):
        h = CommentedMap()
    if f["handlaggare_namn"]:
        h["namn"] = f["handlaggare_namn"]
    if f["handlaggare_titel"]:
        h["titel"] = f["handlaggare_titel"]
    if h:
        front[hkey] = h
    if f["datum"]:
        try:
            front["datum"] = dt.date.fromisoformat(f["datum"])
        except ValueError:
            front["datum"] = f["datum"]  # the library names the bad date when it loads the file
    for key in ("dnr", "titel"):
        if f[key]:
            if str(front.get(key, "") or "") != f[key]:  # unchanged: keep its YAML form
                front[key] = f[key]
        elif key in front:
            del front[key]
    for key in LISTOR:
        if f[key]:
            if _lines(front.get(key)).strip() != f[key]:  # unchanged: keep its YAML form (folded, list)
                front[key] = _list_value(f[key], front.get(key))
        elif key in front:
            del front[key]
    body = []
    for key, rubrik in AVSNITT_FORM:
        text = f["avsnitt"].get(key, "").strip()
        if text:
            body.append(f"# {rubrik}\n\n{text}\n")
    return yr.join_front_matter(front, "\n".join(body))
