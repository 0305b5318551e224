"""Loading the two big reports (verksamhetsplan och budget, delårsrapport) from their manifest.

An input folder holds a manifest (delarsrapport.yaml or verksamhetsplan.yaml) that
names the economy Excel file(s), the goals file, the nyckeltal workbook and the
reused Markdown texts:

    doc = load("examples/delarsrapport", profil)     # the folder or the manifest
    render(doc, "ut/delarsrapport.docx", profil)
"""

from __future__ import annotations

from pathlib import Path

from ..config import Profil
from ..exceptions import InputError
from ..format import Formatter
from ..model.block import Block, Rubrik
from ..model.mal import Malfil
from ..model.tabelldef import Definierad, Tabelldefinition
from ..model.rapport import (MANIFEST_NAMN, TYPER, Rapport, Rapportmanifest, Tabellangivelse,  # noqa: F401
                             Texter, _resolve, ar_sokvag, datum_for, text_kalla)
from .tabelldef import DEFINITIONSFIL, las, load_definitioner, shipped_definitioner
from .ekonomiblad import (DRIFT_DEFINITION, INVESTERING_DEFINITION, drift_ur_tabell, investeringar_ur_tabell,
                          load_nyckeltal, load_volymer)
from .excel import Tabell, Tabellkalla, load_source, table_from_rows
from .markdown import parse_body
from .text import read_text
from .yamlsrc import load_yaml_file, validate


def manifest_path(path: str | Path, typ: str | None = None) -> Path:
    """The manifest: the path itself, or the report's manifest in a folder."""
    path = Path(path)
    if path.is_dir():
        names = [MANIFEST_NAMN[typ]] if typ else list(MANIFEST_NAMN.values())
        for name in names:
            if (path / name).is_file():
                return path / name
        raise InputError("mappen saknar manifest; lägg " + " eller ".join(names) + " i mappen", fil=path)
    if not path.is_file():
        raise InputError("filen finns inte", fil=path)
    return path


def _markdown(path: Path) -> list[Block]:
    if not path.is_file():
        raise InputError("filen finns inte", fil=path)
    return parse_body(read_text(path), path)


def _text(manifest: Path, value: str, rad: int | None = None) -> list[Block]:
    """A text's blocks; inline text keeps the manifest's line numbers (rad: the key's line)."""
    if ar_sokvag(value):
        return _markdown(text_kalla(manifest, value))
    return parse_body(value, manifest, rad or 0)


def _text_rad(located, key: str) -> int | None:
    alias = Texter.model_fields[key].alias
    for name in (alias, key):
        if name and ("texter", name) in located.lines:
            return located.line_of(("texter", name))
    return None


def _kommentarer(fil: Path, blocks: list[Block], known: set[str]) -> dict[str, list[Block]]:
    """'## Name' sections of the economy comments, each name a verksamhet or område."""
    out: dict[str, list[Block]] = {}
    current: str | None = None
    for block in blocks:
        if isinstance(block, Rubrik) and block.niva <= 2:
            if block.text not in known:
                raise InputError(f"rubriken '{block.text}' är varken nämnden, ett område eller en "
                                 "verksamhet i ekonomiarket", fil=fil, plats=f"rad {block.rad}")
            current = block.text
            out.setdefault(current, [])
            continue
        if current is None:
            raise InputError("texten ska börja med en rubrik '## Verksamhet'", fil=fil,
                             plats=f"rad {getattr(block, 'rad', 1)}")
        out[current].append(block)
    return out


def load(path: str | Path, profil: Profil | None = None, typ: str | None = None) -> Rapport:
    """Load a report from its folder or manifest; every error names file and field/cell."""
    profil = profil or Profil()
    fil = manifest_path(path, typ)
    located = load_yaml_file(fil)
    falt = validate(Rapportmanifest, located)
    if typ is not None and falt.typ != typ:
        raise InputError(f"manifestet är för '{falt.typ}', inte '{typ}'", fil=fil, plats=located.where(("typ",)))
    if falt.typ == "delarsrapport" and not falt.period:
        raise InputError("en delårsrapport behöver 'period', t.ex. 'jan-aug'", fil=fil)
    base = fil.parent
    omraden: dict[str, str] = {}
    for i, omr in enumerate(falt.omraden):
        for j, namn in enumerate(omr.verksamheter):
            if namn in omraden:
                raise InputError(f"verksamheten '{namn}' finns i två områden", fil=fil,
                                 plats=located.where(("områden", i, "verksamheter", j)))
            omraden[namn] = omr.namn
    drift = las_drift(falt, fil, omraden, profil) if falt.ekonomi is not None else None
    tabeller = las_definierade(falt, fil, located, profil)
    if falt.jamforelse is not None:
        if drift is None:
            raise InputError("'jämförelse' gäller driftbladet i 'ekonomi'; en tabelldefinition har sin egen "
                             "'jämförelse'", fil=fil, plats=located.where(("jämförelse",)))
        for key in ("a", "b"):
            namn = getattr(falt.jamforelse, key)
            if namn not in drift.indata:
                raise InputError(f"kolumnen '{namn}' finns inte i driftbladet; kolumner: " + ", ".join(drift.indata),
                                 fil=fil, plats=located.where(("jämförelse", key)))
    inv = las_investeringar(falt, fil, profil) if falt.investeringar else None
    if falt.mal is not None:
        malfil = _resolve(base, falt.mal)
        if not malfil.is_file():
            raise InputError("målfilen finns inte", fil=malfil)
        mal_loc = load_yaml_file(malfil)
        malbilder = validate(Malfil, mal_loc).malbilder
        where = lambda *loc: mal_loc.where(("målbilder", *loc))  # noqa: E731
    else:
        malfil, malbilder = fil, falt.malbilder or []
        where = lambda *loc: located.where(("målbilder", *loc))  # noqa: E731
    nyckeltal = {}
    for i, mb in enumerate(malbilder):
        if isinstance(mb.nyckeltal, list):
            tabell = table_from_rows(malfil, f"nyckeltal {i + 1}", mb.nyckeltal, "kr")
            nyckeltal[mb.namn] = load_nyckeltal(tabell)
        elif mb.nyckeltal and not falt.nyckeltal:
            raise InputError(f"målbilden anger nyckeltalsbladet '{mb.nyckeltal}', men manifestet {fil.name} "
                             "saknar 'nyckeltal' (filen med nyckeltal)", fil=malfil, plats=where(i, "nyckeltal"))
        elif mb.nyckeltal and falt.nyckeltal:
            kalla = Tabellkalla(fil=falt.nyckeltal.fil, blad=mb.nyckeltal,
                                rubrikrad=falt.nyckeltal.rubrikrad, enhet="kr")
            nyckeltal[mb.namn] = load_nyckeltal(load_source(kalla, base), Formatter.from_profil(profil))
    texter = {}
    for key in ("ansvarsomraden", "omvarld", "strategier", "privata_utforare"):
        value = getattr(falt.texter, key)
        if value is not None:
            texter[key] = _text(fil, value, _text_rad(located, key))
    kommentarer = {}
    if falt.texter.ekonomi is not None:
        known = ({v.namn for v in drift.verksamheter} if drift else set()) | {o.namn for o in falt.omraden} | {falt.namnd}
        known |= {r.etikett for t in tabeller for r in t.rader if r.typ == "detalj" or (r.typ == "grupp" and r.block)}
        blocks = _text(fil, falt.texter.ekonomi, _text_rad(located, "ekonomi"))
        kommentarer = _kommentarer(text_kalla(fil, falt.texter.ekonomi), blocks, known)
    volymer = load_volymer(las_tabell(falt.volymer, fil, "volymer"), falt.ar) if falt.volymer else None
    return Rapport(fil, falt, drift, inv, malbilder, nyckeltal, texter, kommentarer, volymer,
                   {o.namn: o.kort for o in falt.omraden if o.kort}, falt.kommun or profil.kommun, malfil, tabeller)


def kanner_igen(typ: str):
    """A recognizer for a report manifest: YAML whose top level says `typ: <typ>`."""

    def recognize(path: Path) -> bool:
        path = Path(path)
        if path.is_dir():
            return (path / MANIFEST_NAMN[typ]).is_file()
        if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
            return False
        try:
            data = load_yaml_file(path).data
        except InputError:
            return False
        return isinstance(data, dict) and data.get("typ") == typ

    return recognize


def las_tabell(angivelse: Tabellangivelse, manifest: Path, namn: str) -> Tabell:
    """The economy table an angivelse points at: a sheet in a file, or the rows in the manifest."""
    if angivelse.rader is not None:
        return table_from_rows(manifest, namn, angivelse.rader, angivelse.enhet)
    assert angivelse.fil is not None
    kalla = Tabellkalla(fil=angivelse.fil, blad=angivelse.blad, rubrikrad=angivelse.rubrikrad, enhet=angivelse.enhet)
    return load_source(kalla, manifest.parent)


def las_drift(falt: Rapportmanifest, manifest: Path, omraden: dict[str, str], profil: Profil):
    """The manifest's `ekonomi:` sheet, read by the drift definition of its report type (the
    shipped Timrå one, or the profile's or tabeller.yaml's under the same name)."""
    namn = DRIFT_DEFINITION[falt.typ]
    defn = definitioner_for(falt, manifest, profil)[namn].for_ar(falt.ar)
    tabell = las_tabell(falt.ekonomi, manifest, "ekonomi")
    return drift_ur_tabell(las(defn, namn, tabell, profil.kontroller.kostnader), tabell, omraden)


def las_investeringar(falt: Rapportmanifest, manifest: Path, profil: Profil):
    """The manifest's `investeringar:` sheet, read by the investment definition of its report type."""
    namn = INVESTERING_DEFINITION[falt.typ]
    defn = definitioner_for(falt, manifest, profil)[namn].for_ar(falt.ar)
    tabell = las_tabell(falt.investeringar, manifest, "investeringar")
    return investeringar_ur_tabell(las(defn, namn, tabell, profil.kontroller.kostnader), tabell)


def definitioner_for(falt: Rapportmanifest, manifest: Path, profil: Profil) -> dict[str, Tabelldefinition]:
    """The table definitions a manifest can name: the shipped ones (rapportgen/tabeller/), the
    profile's `tabeller`, and the manifest's `tabelldefinitioner` file (or tabeller.yaml beside
    the manifest), each overriding the one before."""
    defs = {**shipped_definitioner(), **profil.tabeller}
    if falt.tabelldefinitioner is not None:
        path = _resolve(manifest.parent, falt.tabelldefinitioner)
        if not path.is_file():
            raise InputError(f"filen med tabelldefinitioner '{falt.tabelldefinitioner}' finns inte", fil=manifest)
        defs.update(load_definitioner(path))
    elif (manifest.parent / DEFINITIONSFIL).is_file():
        defs.update(load_definitioner(manifest.parent / DEFINITIONSFIL))
    return defs


def las_definierade(falt: Rapportmanifest, manifest: Path, located, profil: Profil) -> list[Definierad]:
    """Every table of the manifest's `tabeller`, read by its definition."""
    if not falt.tabeller:
        return []
    defs = definitioner_for(falt, manifest, profil)
    out: list[Definierad] = []
    for i, val in enumerate(falt.tabeller):
        defn = defs.get(val.tabell)
        if defn is None:
            known = ", ".join(sorted(defs)) or "inga (lägg tabeller.yaml bredvid manifestet, eller 'tabeller' i profilen)"
            raise InputError(f"tabelldefinitionen '{val.tabell}' finns inte; definitioner: {known}", fil=manifest,
                             plats=located.where(("tabeller", i, "tabell")))
        defn = defn.for_ar(falt.ar)
        enhet = val.enhet or defn.lasning.enhet
        if val.rader is not None:
            tabell = table_from_rows(manifest, val.tabell, val.rader, enhet)
        else:
            assert val.fil is not None
            blad = val.blad if val.blad is not None else defn.lasning.blad
            kalla = Tabellkalla(fil=val.fil, blad=blad, rubrikrad=val.rubrikrad or defn.lasning.rubrikrad, enhet=enhet)
            tabell = load_source(kalla, manifest.parent)
        out.append(las(defn, val.tabell, tabell, profil.kontroller.kostnader))
    return out
