"""The web application's only door into the library: load, check, build, register status.

Nothing here builds anything itself; it calls the library and shapes its answers for pages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..exceptions import RapportgenError
from ..config import Profil, find_profile, load_profile
from . import yamlredigering as yr
from .mapp import Arbetsmapp

Progress = Callable[..., None]


def profil_for(mapp: Arbetsmapp, path: Path) -> Profil:
    """The profile beside the file or in a folder above it, up to the working folder."""
    for folder in [path.parent, *path.parent.parents]:
        found = find_profile(folder)
        if found:
            return load_profile(found)
        if folder == mapp.root:
            break
    return Profil()


# --- meetings ---------------------------------------------------------------------------------

def find_manifests(mapp: Arbetsmapp) -> list[Path]:
    from ..assemble import is_manifest
    from ..config import PROFILE_NAMES

    out = []
    for p in mapp.files((".yaml", ".yml")):
        if p.name in PROFILE_NAMES:
            continue
        try:
            if is_manifest(p):
                out.append(p)
        except RapportgenError:
            continue  # a broken YAML that is not a manifest is not listed
    return out


@dataclass
class Fynd:
    """One finding, said for a secretary."""

    allvarlig: bool
    text: str
    var: str
    jamforelse: str = ""

    @property
    def grad(self) -> str:
        return "Måste rättas" if self.allvarlig else "Bör ses över"


@dataclass
class Kontroll:
    fynd_per_arende: dict[int, list[Fynd]] = field(default_factory=dict)
    allmanna: list[Fynd] = field(default_factory=list)

    @property
    def alla(self) -> list[Fynd]:
        return self.allmanna + [f for fs in self.fynd_per_arende.values() for f in fs]

    @property
    def antal_fel(self) -> int:
        return sum(f.allvarlig for f in self.alla)

    @property
    def antal(self) -> int:
        return len(self.alla)


def _var(mapp: Arbetsmapp, manifest: Path, dokument: str | None, plats: str | None) -> str:
    """'i manifestet sammantrade.yaml, rad 57' / 'i filen tjansteskrivelser/x.md, fält ...'."""
    parts = []
    if dokument:
        doc = Path(dokument)
        doc = doc if doc.is_absolute() else (Path.cwd() / doc)
        if doc.resolve() == manifest.resolve():
            parts.append(f"i manifestet {manifest.name}")
        elif mapp.inside(doc):
            parts.append(f"i filen {mapp.rel(doc)}")
        else:
            parts.append(f"i filen {doc.name}")
    if plats:
        parts.append(plats.replace("rad ", "rad ", 1))
    return ", ".join(parts)


def _end_of(node: Any, key: str) -> float:
    """1-based line where the key after `key` in a mapping starts (infinity when it is the last)."""
    keys = list(node.keys()) if hasattr(node, "keys") else []
    if key not in keys or keys.index(key) + 1 >= len(keys):
        return float("inf")
    return node.lc.key(keys[keys.index(key) + 1])[0] + 1


def _protokoll_ranges(mapp: Arbetsmapp, manifest: Path, data: Any,
                      punkter: list[str]) -> list[tuple[Path, int, float, int | None]]:
    """Line ranges of the protokoll's paragrafer, each with the index of its ärende (None: not on the agenda)."""
    part = data.get("protokoll")
    if isinstance(part, str):
        fil = (manifest.parent / part).resolve()
        if not mapp.inside(fil):
            return []  # not read: the application stays inside its folder
        try:
            node = yr.load(fil)
        except (OSError, RapportgenError):
            return []  # the check reports a missing or broken file itself
        whole: list[tuple[Path, int, float, int | None]] = [(fil, 1, float("inf"), None)]
    elif hasattr(part, "lc") and hasattr(part, "keys"):
        fil, node = manifest.resolve(), part
        whole = [(fil, part.lc.line + 1, _end_of(data, "protokoll"), None)]
    else:
        return []
    seq = node.get("paragrafer")
    if not hasattr(seq, "lc") or not isinstance(seq, list):
        return whole
    starts = yr.item_lines(seq)
    ends = [*starts[1:], _end_of(node, "paragrafer")]
    out = list(whole)
    for item, start, end in zip(seq, starts, ends):
        punkt = str(item.get("punkt")) if hasattr(item, "get") else None
        out.append((fil, start, end, punkter.index(punkt) if punkt in punkter else None))
    return out


def kontrollera(mapp: Arbetsmapp, manifest: Path) -> Kontroll:
    """Run the library's checks of a manifest; every finding placed at its ärende when it has one."""
    from .. import check
    from ..checks import Severity

    data = yr.load(manifest)
    seq = yr.arenden(data)
    starts = yr.item_lines(seq)
    punkter = [str(a.get("punkt")) for a in seq]
    files: dict[Path, int] = {}
    for i, a in enumerate(seq):
        for rel in [a.get("tjänsteskrivelse")] + [b.get("fil") for b in yr.bilagor(a)]:
            if isinstance(rel, str):
                files[(manifest.parent / rel).resolve()] = i

    # Line ranges (file, first, end) -> index in the ärendelista: the ärenden, and the protokoll's
    # paragrafer (in its own file or inline), so no later part of a file is taken for the last ärende.
    ranges: list[tuple[Path, int, float, int | None]] = []
    ends = [*starts[1:], _end_of(data, yr.arenden_key(data))]
    ranges += [(manifest.resolve(), s, e, i) for i, (s, e) in enumerate(zip(starts, ends))]
    ranges += _protokoll_ranges(mapp, manifest, data, punkter)

    def arende_of(dokument: str | None, plats: str | None, text: str) -> int | None:
        if dokument and Path(dokument).resolve() in files:
            return files[Path(dokument).resolve()]
        m = re.search(r"rad (\d+)", plats or "")
        if dokument and m:
            doc, line = Path(dokument).resolve(), int(m.group(1))
            hits = [i for fil, start, end, i in ranges if fil == doc and start <= line < end]
            if hits or any(fil == doc for fil, *_ in ranges):
                return hits[-1] if hits else None
        m = re.search(r"ärende (\S+?)[:,]", text)
        if m and m.group(1) in punkter:
            return punkter.index(m.group(1))
        return None

    k = Kontroll()
    rapport = check(manifest, profil=profil_for(mapp, manifest))
    for d in rapport.dokument:
        if d.indatafel is not None:
            e = d.indatafel
            k.allmanna.append(Fynd(True, e.detalj, _var(mapp, manifest, e.fil, e.plats)))
        for f in d.findings:
            if f.severity is Severity.INFO:
                continue
            fy = Fynd(f.severity is Severity.FEL, f.meddelande, _var(mapp, manifest, f.dokument, f.plats),
                      f.jamforelse)
            i = arende_of(f.dokument, f.plats, f.meddelande)
            if i is None:
                k.allmanna.append(fy)
            else:
                k.fynd_per_arende.setdefault(i, []).append(fy)
    return k


class KontrollCache:
    """Check results per manifest, kept while no file in the working folder has changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple, Kontroll]] = {}

    @staticmethod
    def _signature(mapp: Arbetsmapp, manifest: Path) -> tuple:
        stats = []
        for p in mapp.files((".yaml", ".yml", ".md", ".pdf", ".docx", ".xlsx")):
            st = p.stat()
            stats.append((str(p), st.st_mtime_ns, st.st_size))
        return tuple(stats)

    def get(self, mapp: Arbetsmapp, manifest: Path) -> Kontroll | None:
        with self._lock:
            hit = self._cache.get(manifest)
        if hit and hit[0] == self._signature(mapp, manifest):
            return hit[1]
        return None

    def put(self, mapp: Arbetsmapp, manifest: Path, k: Kontroll) -> None:
        sig = self._signature(mapp, manifest)
        with self._lock:
            self._cache[manifest] = (sig, k)

    def run(self, mapp: Arbetsmapp, manifest: Path) -> Kontroll:
        hit = self.get(mapp, manifest)
        if hit is not None:
            return hit
        k = kontrollera(mapp, manifest)
        self.put(mapp, manifest, k)
        return k


def build(mapp: Arbetsmapp, manifest: Path, publicering: bool, progress: Progress) -> dict[str, Any]:
    """Build the handling with the library (rapportgen.build); returns what the page links to."""
    from .. import build as lib_build

    outdir = mapp.utdata(manifest)
    r = lib_build(manifest, outdir, profil=profil_for(mapp, manifest), publicering=publicering, progress=progress)
    handling = next((p for p in r.pdf if p.name.startswith("handling")), None)
    first = [handling] if handling else []
    return {"filer": first + [p for p in r.filer if p != handling], "sidor": r.sidor.get(handling),
            "varningar": [f"{f.meddelande} ({_var(mapp, manifest, f.dokument, f.plats)})" for f in r.findings]}


def build_tjansteskrivelse(mapp: Arbetsmapp, md: Path, progress: Progress) -> dict[str, Any]:
    """A tjänsteskrivelse to .docx and .pdf with the library (rapportgen.build)."""
    from .. import build as lib_build

    outdir = mapp.root / "utdata" / "tjansteskrivelser"
    r = lib_build(md, outdir, profil=profil_for(mapp, md), typ="tjansteskrivelse", progress=progress)
    return {"filer": r.pdf + r.docx, "sidor": None,
            "varningar": [f"{f.meddelande} ({_var(mapp, md, f.dokument, f.plats)})" for f in r.findings]}


@dataclass
class Motesinfo:
    manifest: Path
    rel: str
    datum: str = ""
    namnd: str = ""
    antal_arenden: int = 0
    kontroll: Kontroll | None = None
    senast_byggd: str = ""
    fel: str = ""


def last_built(mapp: Arbetsmapp, manifest: Path) -> str:
    mj = mapp.utdata(manifest) / "manifest.json"
    if not mj.is_file():
        return ""
    try:
        skapad = json.loads(mj.read_text(encoding="utf-8")).get("skapad", "")
        return dt.datetime.fromisoformat(skapad).astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, OSError):
        return ""


def meeting_info(mapp: Arbetsmapp, manifest: Path, cache: KontrollCache) -> Motesinfo:
    info = Motesinfo(manifest, mapp.rel(manifest))
    try:
        data = yr.load(manifest)
        info.datum = str(data.get("datum", ""))
        info.namnd = str(data.get("nämnd", data.get("namnd", "")))
        info.antal_arenden = len(yr.arenden(data))
        info.kontroll = cache.run(mapp, manifest)
    except RapportgenError as exc:
        info.fel = exc.format_message()
    info.senast_byggd = last_built(mapp, manifest)
    return info


# --- preview --------------------------------------------------------------------------------

@dataclass
class Sida:
    nr: int
    stampel: str
    bokmarken: list[str]
    arende: str | None


def pages(pdf: Path, manifest_json: Path) -> tuple[list[Sida], list[tuple[str, str, int]]]:
    """Each page's stamp (from manifest.json) and bookmarks (from the PDF's outline)."""
    from pypdf import PdfReader

    meta = json.loads(manifest_json.read_text(encoding="utf-8"))
    reader = PdfReader(str(pdf))
    n = len(reader.pages)
    sidor = [Sida(i + 1, "", [], None) for i in range(n)]
    for d in meta.get("delar", []):
        first, last = d["sidor"]
        if d.get("ärende"):
            del_text = f"Bilaga {d['bilaga']}" if d.get("bilaga") else d.get("etikett", "")
            stamp = f"Ärende {d['ärende']} · {del_text}"
        else:
            stamp = d.get("etikett", "")
        for p in range(first, min(last, n) + 1):
            sidor[p - 1].stampel = stamp
            sidor[p - 1].arende = d.get("ärende")

    def walk(items, depth=0):
        for it in items:
            if isinstance(it, list):
                walk(it, depth + 1)
            else:
                try:
                    p = reader.get_destination_page_number(it)
                except Exception:  # noqa: BLE001 - a broken outline entry only loses its label
                    continue
                if 0 <= p < n:
                    sidor[p].bokmarken.append(("  " * depth) + it.title)

    walk(reader.outline)
    arenden = [(a["punkt"], a["ärendemening"], a["sida"]) for a in meta.get("ärenden", []) if a.get("sida")]
    return sidor, arenden


def page_image(pdf: Path, nr: int, target: Path) -> Path:
    """One page as PNG with poppler's pdftoppm (cached beside the build)."""
    import subprocess

    if target.is_file() and target.stat().st_mtime >= pdf.stat().st_mtime:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(nr), "-l", str(nr), "-singlefile",
                    str(pdf), str(stem)], check=True, capture_output=True, timeout=60)
    return target


# --- revisionsregister ----------------------------------------------------------------------

def find_registers(mapp: Arbetsmapp) -> list[Path]:
    return [p for p in mapp.files((".yaml", ".yml", ".xlsx")) if p.stem.lower() == "revisionsregister"]


def register_status(mapp: Arbetsmapp, register: Path, per: dt.date) -> tuple[list, int]:
    from ..commands.revision import compare_reply, load_register, meetings_for, status

    prof = profil_for(mapp, register)
    reg = load_register(register)
    rows = status(reg, per, prof.sammantraden, bas=register.parent)
    for rad in rows:
        compare_reply(rad, prof)
    return rows, len(meetings_for(reg, prof.sammantraden))


def arende_pdf(outdir: Path, variant: str, punkt: str) -> Path:
    """The pages of one ärende of the built handling, as its own PDF (made on request, cached)."""
    from pypdf import PdfReader, PdfWriter

    from ..exceptions import InputError
    from ..fileio import atomic_path
    from .mapp import safe_filename

    pdf, mj = outdir / f"handling{variant}.pdf", outdir / f"manifest{variant}.json"
    if not (pdf.is_file() and mj.is_file()):
        raise InputError("handlingen är inte byggd än")
    meta = json.loads(mj.read_text(encoding="utf-8"))
    ranges = [d["sidor"] for d in meta.get("delar", []) if d.get("ärende") == punkt]
    if not ranges:
        raise InputError(f"ärende {punkt} har inga sidor i handlingen")
    first, last = min(r[0] for r in ranges), max(r[1] for r in ranges)
    target = outdir / "arenden" / safe_filename(f"arende-{punkt}{variant}.pdf", (".pdf",))
    if target.is_file() and target.stat().st_mtime >= pdf.stat().st_mtime:
        return target
    reader = PdfReader(str(pdf))
    writer = PdfWriter()
    for i in range(first - 1, last):
        writer.add_page(reader.pages[i])
    titel = next((a["ärendemening"] for a in meta.get("ärenden", []) if a["punkt"] == punkt), "")
    writer.add_metadata({"/Title": f"Ärende {punkt}: {titel}"})
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        writer.write(fh)
    return target
