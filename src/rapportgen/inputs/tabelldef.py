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
from ..model.tabelldef import Definierad, Kolumndef, Tabelldefinition, Tabellrad, arsrubrik, berakna, formelfel
from .excel import Rad, Tabell
from .yamlsrc import load_yaml_file, translate_error

DEFINITIONSFIL = "tabeller.yaml"
SHIPPED = Path(__file__).resolve().parents[1] / "tabeller"


def shipped_definitioner() -> dict[str, Tabelldefinition]:
    """The definitions shipped with rapportgen (rapportgen/tabeller/*.yaml).

    Read and validated once per process while the files stay the same (a report asks for them
    for each of its tables, a warm process for every rebuild). The definitions are shared: read
    them, don't change them (for_ar and model_copy give a copy)."""
    paths = sorted(SHIPPED.glob("*.yaml"))
    key = tuple((str(p), st.st_mtime_ns, st.st_size) for p in paths for st in (p.stat(),))
    global _SHIPPED
    if _SHIPPED is None or _SHIPPED[0] != key:
        out: dict[str, Tabelldefinition] = {}
        for path in paths:
            out.update(load_definitioner(path))
        _SHIPPED = (key, out)
    return dict(_SHIPPED[1])


_SHIPPED: tuple[tuple, dict[str, Tabelldefinition]] | None = None


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


def med_arkets_kolumner(defn: Tabelldefinition, namn: str, tabell: Tabell, etikett: str,
                        gruppkolumn: str | None) -> Tabelldefinition:
    """The definition with each 'från: rubrikraden' column replaced by the sheet's year columns
    ('Art År' with one of its kinds), in the sheet's order. Any other sheet column the definition
    does not name is an error at its cell."""
    if not any(k.fran for k in defn.kolumner):
        return defn
    arter = [a for k in defn.kolumner if k.fran for a in k.arter]
    named = {norm(n) for k in defn.kolumner if not k.fran for n in (k.rubrik, *k.synonymer)}
    named |= {norm(etikett)} | ({norm(gruppkolumn)} if gruppkolumn else set())
    found: list[Kolumndef] = []
    for i, rubrik in enumerate(tabell.kolumner):
        if norm(rubrik) in named:
            continue
        art_ar = arsrubrik(rubrik, arter)
        if art_ar is None:
            exempel = ", ".join(f"'{a} {2024 + j}'" for j, a in enumerate(arter[:3]))
            raise tabell.rubriker[i].plats.fel(f"tabellen '{namn}': kolumnen '{rubrik}' ska heta t.ex. {exempel} "
                                               "(art och år)")
        found.append(Kolumndef.model_validate({"namn": " ".join(rubrik.split()), "art": art_ar[0], "år": art_ar[1]}))
    if not found:
        raise InputError(f"tabellen '{namn}': arket har inga årskolumner ("
                         + ", ".join(arter) + " och år)", fil=tabell.fil, plats=_rubrikplats(tabell))
    kolumner: list[Kolumndef] = []
    for k in defn.kolumner:
        kolumner += found if k.fran else [k]
    return defn.model_copy(update={"kolumner": kolumner})


def las(defn: Tabelldefinition, namn: str, tabell: Tabell, kostnader: str = "negativa") -> Definierad:
    """Read a sheet by its definition; every value in kronor, sums and computed columns filled in."""
    kostnader = defn.lasning.kostnader_i_arket or kostnader
    etikett = _hitta_kolumn(tabell, list(defn.lasning.etikettkolumn))
    if etikett is None:
        raise InputError(f"tabellen '{namn}': etikettkolumnen saknas; definitionen söker "
                         + " eller ".join(f"'{n}'" for n in defn.lasning.etikettkolumn)
                         + "; arkets kolumner: " + ", ".join(f"'{k}'" for k in tabell.kolumner),
                         fil=tabell.fil, plats=_rubrikplats(tabell))
    gruppkolumn = None
    if defn.lasning.gruppkolumn:
        gruppkolumn = _hitta_kolumn(tabell, list(defn.lasning.gruppkolumn))
        if gruppkolumn is None:
            raise InputError(f"tabellen '{namn}': gruppkolumnen saknas; definitionen söker "
                             + " eller ".join(f"'{n}'" for n in defn.lasning.gruppkolumn)
                             + "; arkets kolumner: " + ", ".join(f"'{k}'" for k in tabell.kolumner),
                             fil=tabell.fil, plats=_rubrikplats(tabell))
    defn = med_arkets_kolumner(defn, namn, tabell, etikett, gruppkolumn)
    # Definition column -> sheet column.
    saknade: set[str] = set()
    kolumnkarta: dict[str, str] = {}
    for k in defn.kolumner:
        if k.typ == "etikett":
            kolumnkarta[k.rubrik] = etikett
            continue
        found = _hitta_kolumn(tabell, [k.rubrik, *k.synonymer])
        if found is None:
            if k.beraknad:
                continue  # computed here; the sheet may give it, then it is verified
            if k.valfri:
                saknade.add(k.rubrik)
                continue
            raise InputError(f"tabellen '{namn}': kolumnen '{k.rubrik}' saknas i arket; arkets kolumner: "
                             + ", ".join(f"'{x}'" for x in tabell.kolumner), fil=tabell.fil,
                             plats=_rubrikplats(tabell))
        kolumnkarta[k.rubrik] = found
    kanda = set(kolumnkarta.values()) | {etikett} | ({gruppkolumn} if gruppkolumn else set())
    for i, k in enumerate(tabell.kolumner):
        if k not in kanda:
            raise tabell.rubriker[i].plats.fel(
                f"kolumnen '{k}' finns inte i tabelldefinitionen '{namn}'; kolumner där: "
                + ", ".join(x.rubrik for x in defn.kolumner) + " (lägg till den, eller en synonym)")
    indata = [k.rubrik for k in defn.indatakolumner if k.rubrik not in saknade]
    beraknade_i_arket = [k.rubrik for k in defn.beloppskolumner if k.beraknad and k.rubrik in kolumnkarta]
    texter = [k.rubrik for k in defn.kolumner if k.typ == "text"]

    # Label -> what it is in the definition.
    detalj: dict[str, tuple[str, str]] = {}  # norm(label) -> (group, shown name)
    varav: dict[str, tuple[str, str]] = {}  # norm(label) -> (parent, shown name)
    summor: dict[str, str] = {}  # norm(label) -> sum row's name
    grupprubriker: set[str] = set()
    monster: list[tuple[str, str]] = []  # 'Varav *': (normalised prefix, parent)
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
                        if v.namn.endswith("*"):
                            monster.append((norm(v.namn[:-1]), r.namn))
                            continue
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

    def block(sheet_rows: list[Rad], vem: str = "", krav: bool = True) -> list[Tabellrad]:
        """The rows of one table (or one group of a long sheet), computed. krav=False: rows the
        definition requires may be missing (a sheet's own total group)."""
        return _block(sheet_rows, vem, krav)

    def _block(sheet_rows: list[Rad], vem: str, krav: bool) -> list[Tabellrad]:
        lasta: dict[str, Tabellrad] = {}  # detail rows by shown name
        alla: list[Tabellrad] = []
        varavrader: dict[str, list[Tabellrad]] = {}
        angivna: dict[str, Tabellrad] = {}
        for i, rad in enumerate(sheet_rows):
            hit = _one_row(rad, lasta, alla, varavrader, angivna, i == len(sheet_rows) - 1)
            if hit is False:
                label = " ".join(rad.text(etikett).split())
                raise rad.cell(etikett).plats.fel(
                    f"raden '{label}'{vem} finns inte i tabelldefinitionen '{namn}'; rader där: "
                    + ", ".join(defn.radnamn()) + " (lägg till den, eller en synonym)")
        return _ordna(lasta, alla, varavrader, angivna, vem, krav)

    def _one_row(rad, lasta, alla, varavrader, angivna, sist: bool = False) -> bool:
        label = " ".join(rad.text(etikett).split())
        key = norm(label)
        cell = rad.cell(etikett)
        v, p = values(rad, indata + beraknade_i_arket)
        if not label:
            if all(x is None for x in v.values()):
                return True
            sums = [post.summa for post in defn.rader if not post.ar_grupp]
            if sist and defn.lasning.omarkt_summa and sums and sums[-1] not in angivna and (lasta or alla):
                angivna[sums[-1]] = Tabellrad(sums[-1], "summa", plats=cell.plats.plats, angiven=v, angivna_platser=p)
                return True
            raise cell.plats.fel(f"tabellen '{namn}': raden har belopp men ingen etikett")
        if key in summor:
            name = summor[key]
            if name in angivna:
                raise cell.plats.fel(f"summaraden '{name}' finns redan ({angivna[name].plats})")
            angivna[name] = Tabellrad(name, "summa", plats=cell.plats.plats, angiven=v, angivna_platser=p)
            return True
        if key in grupprubriker and all(x is None for x in v.values()):
            return True  # the group's own heading row
        texts = {k: rad.text(kolumnkarta[k]).strip() for k in texter if k in kolumnkarta}
        inputs = {k: v[k] for k in indata}
        given = {k: v[k] for k in beraknade_i_arket}
        pattern = next(((prefix, parent) for prefix, parent in monster if key.startswith(prefix)), None)
        if key in varav or (pattern is not None and key not in detalj):
            parent, shown = varav[key] if key in varav else (pattern[1], label[:1].upper() + label[1:])
            row = Tabellrad(shown, "varav", inputs, texts, {k: p[k] for k in indata}, cell.plats.plats,
                            under=parent, angiven=given or None, angivna_platser=p)
            if any(x.etikett == shown for x in varavrader.get(parent, [])):
                raise cell.plats.fel(f"raden '{shown}' finns två gånger i arket")
            varavrader.setdefault(parent, []).append(row)
            return True
        if key in detalj or alla_grupp is not None:
            group, shown = detalj.get(key, (alla_grupp, label))
            if shown in lasta:
                raise cell.plats.fel(f"raden '{shown}' finns två gånger i arket (också {lasta[shown].plats})")
            row = Tabellrad(shown, "detalj", inputs, texts, {k: p[k] for k in indata}, cell.plats.plats,
                            grupp=group, angiven=given or None, angivna_platser=p)
            lasta[shown] = row
            if key not in detalj:
                alla.append(row)
            return True
        return False
    def _ordna(lasta, alla, varavrader, angivna, vem: str, krav: bool) -> list[Tabellrad]:
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
                    elif not r.valfri and krav:
                        raise InputError(f"tabellen '{namn}': raden '{r.namn}' saknas i arket{vem}"
                                         + (f" (eller {', '.join(repr(s) for s in r.synonymer)})" if r.synonymer else "")
                                         + "; markera den valfri: true i definitionen om den får saknas",
                                         fil=tabell.fil, plats=f"blad {tabell.blad}" if tabell.blad else None)
                    for v_ in r.varav:
                        if krav and not v_.valfri and not any(x.etikett == v_.namn for x in varavrader.get(r.namn, [])):
                            raise InputError(f"tabellen '{namn}': raden '{v_.namn}' (under '{r.namn}') saknas i arket{vem}",
                                             fil=tabell.fil, plats=f"blad {tabell.blad}" if tabell.blad else None)
            for row in rows:
                row.grupp = post.grupp
                ordnade.append(row)
                for sub in varavrader.get(row.etikett, []):
                    sub.grupp = post.grupp
                    ordnade.append(sub)
        if krav and not any(r.typ == "detalj" for r in ordnade):
            raise InputError(f"tabellen '{namn}': arket har inga rader{vem}", fil=tabell.fil)
        rader = berakna(defn, ordnade)
        for row in rader:
            if row.typ == "summa" and row.etikett in angivna:
                given = angivna[row.etikett]
                row.angiven, row.angivna_platser, row.plats = given.angiven, given.angivna_platser, given.plats
        return rader

    if gruppkolumn is None:
        rader = block(tabell.rader)
    else:
        rader = _grupperad(defn, namn, tabell, gruppkolumn, block)
    return Definierad(namn, defn, str(tabell.fil), tabell.blad, tabell.enhet, rader, kostnader, saknade)


def _grupperad(defn: Tabelldefinition, namn: str, tabell: Tabell, gruppkolumn: str, block) -> list[Tabellrad]:
    """A long sheet: the definition's rows once per group (an empty group cell continues the one
    above), each group under its heading, and/or their total. The sheet's own total group
    ('Summa', 'Totalt') is verified against the total, never a group."""
    from ..model.tabell import ar_summaetikett

    grupper: list[tuple[str, str, list[Rad]]] = []  # (name, where, rows)
    current: str | None = None
    for rad in tabell.rader:
        value = " ".join(rad.text(gruppkolumn).split()) or current
        if value is None:
            raise rad.cell(gruppkolumn).plats.fel(f"tabellen '{namn}': gruppens namn saknas")
        if value != current and any(g[0] == value for g in grupper):
            raise rad.cell(gruppkolumn).plats.fel(f"gruppen '{value}' finns redan längre upp i arket; "
                                                  "håll en grupps rader tillsammans")
        if value != current:
            grupper.append((value, rad.cell(gruppkolumn).plats.plats, []))
        current = value
        grupper[-1][2].append(rad)
    egna = [g for g in grupper if ar_summaetikett(g[0])]
    grupper = [g for g in grupper if not ar_summaetikett(g[0])]
    if not grupper:
        raise InputError(f"tabellen '{namn}': arket har inga grupper", fil=tabell.fil)
    blocks: list[tuple[str, str, list[Tabellrad]]] = []
    for value, where, rows in grupper:
        computed = block(rows, f" för {value}")
        for r in computed:
            r.block = value
        blocks.append((value, where, computed))
    out: list[Tabellrad] = []
    if defn.visa in ("grupper", "grupper och totalt", "totalt och grupper"):
        for value, where, computed in blocks:
            out.append(Tabellrad(value, "grupp", plats=where, block=value))
            out.extend(r for r in computed if r.typ != "grupp" or r.etikett != value)
    if defn.visa in ("totalt", "grupper och totalt", "totalt och grupper"):
        given: dict[str, Tabellrad] = {}
        for value, _where, rows in egna:
            for r in block(rows, f" för {value}", krav=False):
                if r.typ == "detalj" or (r.typ == "summa" and r.angiven):
                    given[r.etikett] = r
        out.append(Tabellrad(defn.totalrubrik, "grupp"))
        template = blocks[0][2]
        for r in template:
            if r.typ not in ("detalj", "summa"):
                continue
            total = Tabellrad(r.etikett, r.typ, grupp=r.grupp, formel=r.formel or "summan av grupperna")
            for k in r.varden:
                acc: Decimal | None = Decimal(0)
                for _v, _w, computed in blocks:
                    match = next((x for x in computed if x.etikett == r.etikett and x.typ == r.typ), None)
                    value = match.varden.get(k) if match is not None else Decimal(0)
                    acc = None if acc is None or value is None else acc + value
                total.varden[k] = acc
            if r.etikett in given:
                g = given[r.etikett]
                if g.typ == "summa":
                    total.angiven, total.angivna_platser = g.angiven, g.angivna_platser
                else:
                    total.angiven = {k: v for k, v in g.varden.items() if k in g.platser}
                    total.angivna_platser = g.platser
                total.plats = g.plats
                total.formel = "summan av grupperna"
            out.append(total)
    return out
