"""Load a meeting manifest: validate it, resolve its files and load the documents rapportgen renders.

Missing files are not errors here: the preflight checks report them all at
once. Broken generated inputs (bad front matter) raise a located InputError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Profil
from ..exceptions import InputError
from ..inputs.typ import own_typ
from ..inputs.yamlsrc import load_yaml_file, validate
from ..model.sammantrade import EXTERNA_SUFFIX, STANDARD_SEKRETESS_SKAL, Del, Handling, Sammantrade  # noqa: F401

TJANSTESKRIVELSE = "tjansteskrivelse"
KALLELSE = "kallelse"


def choose_type(path: Path, typ: str | None, *, manifest: Path, plats: str | None, typer: Any,
                standard: str = "dokument") -> str | None:
    """The doctype that renders a bilaga, or None for an external file taken in as it is.

    An explicit `typ:` wins; then the file's own `typ:`; then a document type that
    recognizes the file (typer.for_path, e.g. an uppdragslista .xlsx); then
    `standard` for Markdown. Other .pdf/.docx/.xlsx files are external.
    """
    known = set(typer.namn()) - {KALLELSE}  # the names only: no type module is imported for them
    if typ:
        if typ not in known:
            raise InputError(f"okänd dokumenttyp '{typ}'; kända typer: {', '.join(sorted(known))}",
                             fil=manifest, plats=plats)
        return typ
    if not path.is_file():
        return None if path.suffix.lower() in EXTERNA_SUFFIX else standard
    own = own_typ(path)
    if own:
        return choose_type(path, own, manifest=manifest, plats=plats, typer=typer)
    found = typer.for_path(path)
    if found is not None and found.name in known and (found.kanner_igen is not None
                                                      or path.suffix.lower() not in (".md", *EXTERNA_SUFFIX)):
        return found.name
    suffix = path.suffix.lower()
    if suffix in EXTERNA_SUFFIX:
        return None
    if suffix == ".md":
        return standard
    raise InputError(
        f"kan inte avgöra dokumenttypen för '{path.name}'; ange 'typ:' för bilagan "
        f"(kända typer: {', '.join(sorted(known))}) eller använd .pdf/.docx/.xlsx",
        fil=manifest, plats=plats)


def is_manifest(path: str | Path) -> bool:
    """Whether a file is a meeting manifest: YAML whose top level has `ärenden`."""
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    data = load_yaml_file(path).data
    return isinstance(data, dict) and any(k in data for k in ("ärenden", "arenden"))


def load_handling(path: str | Path, profil: Profil | None, typer: Any) -> Handling:
    """Read and validate a meeting manifest and load the documents it renders.

    typer is the registry of document types (rapportgen.doctypes.TYPER): it chooses and
    loads each part. The registry's own load_handling(path, profil) passes itself.
    """
    path = Path(path)
    profil = profil or Profil()
    located = load_yaml_file(path)
    if not isinstance(located.data, dict):
        raise InputError("manifestet ska vara fält i formen 'namn: värde'", fil=path, plats="rad 1")
    falt = validate(Sammantrade, located, located.data)
    handling = Handling(path, falt, located)
    akey = "ärenden" if "ärenden" in located.data else "arenden"
    for ai, arende in enumerate(falt.arenden):
        skal = arende.sekretess_skal or STANDARD_SEKRETESS_SKAL
        if arende.tjansteskrivelse:
            plats = handling.plats(akey, ai, "tjänsteskrivelse") or handling.plats(akey, ai)
            fil = (handling.mapp / arende.tjansteskrivelse).resolve()
            suffix = fil.suffix.lower()
            if suffix in (".pdf", ".docx"):
                typ = None
            elif suffix == ".md":
                typ = TJANSTESKRIVELSE
            else:
                raise InputError("tjänsteskrivelsen ska vara Markdown (.md) eller en färdig .docx/.pdf",
                                 fil=path, plats=plats)
            handling.delar.append(Del(ai, arende, None, "Tjänsteskrivelse", fil, typ, arende.sekretess,
                                      skal, arende.tjansteskrivelse_losenord, plats or ""))
        for bi, bilaga in enumerate(arende.bilagor):
            plats = handling.plats(akey, ai, "bilagor", bi)
            fil = (handling.mapp / bilaga.fil).resolve()
            typ = choose_type(fil, bilaga.typ, manifest=path, plats=plats, typer=typer)
            handling.delar.append(Del(
                ai, arende, bi + 1, bilaga.etikett, fil, typ, arende.sekretess or bilaga.sekretess,
                bilaga.sekretess_skal or skal, bilaga.losenord, plats or ""))
    for d in handling.delar:
        if d.typ is not None and d.fil.is_file():
            d.doc = typer.get(d.typ).load(d.fil, profil)
    return handling
