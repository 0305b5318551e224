"""Table definitions from YAML, and sheets read by them into model.tabelldef.Definierad.

    defs = load_definitioner(Path("tabeller.yaml"))          # name -> Tabelldefinition
    t = las(defs["driftbudget"], "driftbudget", load_source(kalla, base))

A sheet row is matched to the definition by the label in the label column (or a synonym),
a sheet column by its heading (or a synonym). A row or column the definition does not know,
a missing row, and a formula naming nothing are user errors naming file and line or cell.
The sheet's own sum rows and computed columns are kept as given and verified by
checks.ekonomi against the values computed from the detail rows.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..exceptions import InputError
from ..model.located import Located
from ..model.tabell import norm
from ..model.tabelldef import Definierad, Tabelldefinition, Tabellrad, berakna, formelfel
from .excel import Rad, Tabell
from .yamlsrc import load_yaml_file, translate_error

DEFINITIONSFIL = "tabeller.yaml"


def kontrollera_formler(defn: Tabelldefinition, located: Located, prefix: tuple) -> None:
    """The first formula or reference error of a validated definition, located at its line."""
    for loc, message in formelfel(defn):
        raise InputError(f"tabellen '{prefix[-1]}': {message}", fil=located.fil,
                         plats=located.where(prefix + loc))


def validera_definitioner(data: object, located: Located, prefix: tuple = ()) -> dict[str, Tabelldefinition]:
    """A mapping name -> definition, validated; errors name the file and line."""
    from pydantic import ValidationError

    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("tabelldefinitionerna ska vara en mappning: namn: {titel, kolumner, rader}",
                         fil=located.fil, plats=located.where(prefix))
    out: dict[str, Tabelldefinition] = {}
    for namn, value in data.items():
        loc = prefix + (namn,)
        try:
            defn = Tabelldefinition.model_validate(value)
        except ValidationError as exc:
            errs = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
            err = errs[0]
            raise InputError(f"tabellen '{namn}': " + translate_error(err, Tabelldefinition), fil=located.fil,
                             plats=located.where(loc + tuple(err["loc"]))) from None
        kontrollera_formler(defn, located, loc)
        out[str(namn)] = defn
    return out


def load_definitioner(path: str | Path) -> dict[str, Tabelldefinition]:
    """A tabeller.yaml: `tabeller: {namn: definition, ...}` (or the mapping itself)."""
    located = load_yaml_file(path)
    data = located.data
    if isinstance(data, dict) and set(data) == {"tabeller"}:
        return validera_definitioner(data["tabeller"], located, ("tabeller",))
    return validera_definitioner(data, located)


def _hitta_kolumn(tabell: Tabell, namn: list[str]) -> str | None:
    wanted = [norm(n) for n in namn]
    for w in wanted:
        for k in tabell.kolumner:
            if norm(k) == w:
                return k
    return None


def _rubrikplats(tabell: Tabell) -> str:
    return f"blad {tabell.blad}, rad {tabell.rubrikrad}" if tabell.blad else f"rad {tabell.rubrikrad}"


def las(defn: Tabelldefinition, namn: str, tabell: Tabell, kostnader: str = "negativa") -> Definierad:
    """Read a sheet by its definition; every value in kronor, sums and computed columns filled in."""
    kostnader = defn.lasning.kostnader_i_arket or kostnader
    etikett = _hitta_kolumn(tabell, list(defn.lasning.etikettkolumn))
    if etikett is None:
        raise InputError(f"tabellen '{namn}': etikettkolumnen saknas; definitionen söker "
                         + " eller ".join(f"'{n}'" for n in defn.lasning.etikettkolumn)
                         + "; arkets kolumner: " + ", ".join(f"'{k}'" for k in tabell.kolumner),
                         fil=tabell.fil, plats=_rubrikplats(tabell))
    # Definition column -> sheet column.
    kolumnkarta: dict[str, str] = {}
    for k in defn.kolumner:
        if k.typ == "etikett":
            kolumnkarta[k.rubrik] = etikett
            continue
        found = _hitta_kolumn(tabell, [k.rubrik, *k.synonymer])
        if found is None:
            if k.beraknad:
                continue  # computed here; the sheet may give it, then it is verified
            raise InputError(f"tabellen '{namn}': kolumnen '{k.rubrik}' saknas i arket; arkets kolumner: "
                             + ", ".join(f"'{x}'" for x in tabell.kolumner), fil=tabell.fil,
                             plats=_rubrikplats(tabell))
        kolumnkarta[k.rubrik] = found
    kanda = set(kolumnkarta.values()) | {etikett}
    for i, k in enumerate(tabell.kolumner):
        if k not in kanda:
            raise tabell.rubriker[i].plats.fel(
                f"kolumnen '{k}' finns inte i tabelldefinitionen '{namn}'; kolumner där: "
                + ", ".join(x.rubrik for x in defn.kolumner) + " (lägg till den, eller en synonym)")
    indata = [k.rubrik for k in defn.indatakolumner]
    beraknade_i_arket = [k.rubrik for k in defn.beloppskolumner if k.beraknad and k.rubrik in kolumnkarta]
    texter = [k.rubrik for k in defn.kolumner if k.typ == "text"]

    # Label -> what it is in the definition.
    detalj: dict[str, tuple[str, str]] = {}  # norm(label) -> (group, shown name)
    varav: dict[str, tuple[str, str]] = {}  # norm(label) -> (parent, shown name)
    summor: dict[str, str] = {}  # norm(label) -> sum row's name
    grupprubriker: set[str] = set()
    alla_grupp: str | None = None
    for post in defn.rader:
        if post.ar_grupp:
            assert post.grupp is not None
            grupprubriker.add(norm(post.grupp))
            if post.rader == "alla":
                alla_grupp = post.grupp  # one at most (formelfel)
            else:
                for r in post.rader or []:
                    for label in (r.namn, *r.synonymer):
                        detalj[norm(label)] = (post.grupp, r.namn)
                    for v in r.varav:
                        for label in (v.namn, *v.synonymer):
                            varav[norm(label)] = (r.namn, v.namn)
            if post.summa:
                for label in (post.summa, *post.synonymer):
                    summor[norm(label)] = post.summa
        else:
            assert post.summa is not None
            for label in (post.summa, *post.synonymer):
                summor[norm(label)] = post.summa
    kostnadsgrupper = {p.grupp for p in defn.rader if p.ar_grupp and p.kostnader}

    def values(rad: Rad, cols: list[str]) -> tuple[dict[str, Decimal | None], dict[str, str]]:
        v = {k: rad.belopp(kolumnkarta[k]) for k in cols}
        return v, {k: rad.cell(kolumnkarta[k]).plats.plats for k in cols}

    def negate(v: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
        return {k: (None if x is None else -x) for k, x in v.items()}

    lasta: dict[str, Tabellrad] = {}  # detail rows by shown name
    alla: list[Tabellrad] = []
    varavrader: dict[str, list[Tabellrad]] = {}
    angivna: dict[str, Tabellrad] = {}
    for rad in tabell.rader:
        label = " ".join(rad.text(etikett).split())
        key = norm(label)
        cell = rad.cell(etikett)
        v, p = values(rad, indata + beraknade_i_arket)
        if not label:
            if all(x is None for x in v.values()):
                continue
            raise cell.plats.fel(f"tabellen '{namn}': raden har belopp men ingen etikett")
        if key in summor:
            name = summor[key]
            if name in angivna:
                raise cell.plats.fel(f"summaraden '{name}' finns redan ({angivna[name].plats})")
            angivna[name] = Tabellrad(name, "summa", plats=cell.plats.plats, angiven=v, angivna_platser=p)
            continue
        if key in grupprubriker and all(x is None for x in v.values()):
            continue  # the group's own heading row
        texts = {k: rad.text(kolumnkarta[k]).strip() for k in texter if k in kolumnkarta}
        inputs = {k: v[k] for k in indata}
        given = {k: v[k] for k in beraknade_i_arket}
        if key in varav:
            parent, shown = varav[key]
            row = Tabellrad(shown, "varav", inputs, texts, {k: p[k] for k in indata}, cell.plats.plats,
                            under=parent, angiven=given or None, angivna_platser=p)
            if any(x.etikett == shown for x in varavrader.get(parent, [])):
                raise cell.plats.fel(f"raden '{shown}' finns två gånger i arket")
            varavrader.setdefault(parent, []).append(row)
            continue
        if key in detalj or alla_grupp is not None:
            group, shown = detalj.get(key, (alla_grupp, label))
            if shown in lasta:
                raise cell.plats.fel(f"raden '{shown}' finns två gånger i arket (också {lasta[shown].plats})")
            row = Tabellrad(shown, "detalj", inputs, texts, {k: p[k] for k in indata}, cell.plats.plats,
                            grupp=group, angiven=given or None, angivna_platser=p)
            lasta[shown] = row
            if key not in detalj:
                alla.append(row)
            continue
        known = [r for r in defn.radnamn()]
        raise cell.plats.fel(f"raden '{label}' finns inte i tabelldefinitionen '{namn}'; rader där: "
                             + ", ".join(known) + " (lägg till den, eller en synonym)")
    if kostnader == "positiva":
        for row in [*lasta.values(), *(x for xs in varavrader.values() for x in xs)]:
            group = row.grupp if row.typ == "detalj" else lasta[row.under].grupp if row.under in lasta else None
            if group in kostnadsgrupper:
                row.varden = negate(row.varden)
                if row.angiven:
                    row.angiven = negate(row.angiven)
        for post in defn.rader:
            if post.ar_grupp and post.kostnader and post.summa in angivna:
                angivna[post.summa].angiven = negate(angivna[post.summa].angiven or {})
    # Shown order: each group's heading, its rows (definition order, or the sheet's for 'alla')
    # with their varav rows under them.
    ordnade: list[Tabellrad] = []
    for post in defn.rader:
        if not post.ar_grupp:
            continue
        assert post.grupp is not None
        if post.rubrik:
            ordnade.append(Tabellrad(post.grupp, "grupp", grupp=post.grupp))
        rows = alla if post.rader == "alla" else []
        if post.rader != "alla":
            for r in post.rader or []:
                if r.namn in lasta:
                    rows.append(lasta[r.namn])
                elif not r.valfri:
                    raise InputError(f"tabellen '{namn}': raden '{r.namn}' saknas i arket"
                                     + (f" (eller {', '.join(repr(s) for s in r.synonymer)})" if r.synonymer else "")
                                     + "; markera den valfri: true i definitionen om den får saknas",
                                     fil=tabell.fil, plats=f"blad {tabell.blad}" if tabell.blad else None)
                for v_ in r.varav:
                    if not v_.valfri and not any(x.etikett == v_.namn for x in varavrader.get(r.namn, [])):
                        raise InputError(f"tabellen '{namn}': raden '{v_.namn}' (under '{r.namn}') saknas i arket",
                                         fil=tabell.fil, plats=f"blad {tabell.blad}" if tabell.blad else None)
        for row in rows:
            row.grupp = post.grupp
            ordnade.append(row)
            for sub in varavrader.get(row.etikett, []):
                sub.grupp = post.grupp
                ordnade.append(sub)
    if not any(r.typ == "detalj" for r in ordnade):
        raise InputError(f"tabellen '{namn}': arket har inga rader", fil=tabell.fil)
    rader = berakna(defn, ordnade)
    for row in rader:
        if row.typ == "summa" and row.etikett in angivna:
            given = angivna[row.etikett]
            row.angiven, row.angivna_platser, row.plats = given.angiven, given.angivna_platser, given.plats
    return Definierad(namn, defn, str(tabell.fil), tabell.blad, tabell.enhet, rader, kostnader)
