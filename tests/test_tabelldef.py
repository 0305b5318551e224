"""Economy tables declared as data (issue 16): definitions, formulas, reading sheets by them,
verified sums, prose comparisons, and Norrvik's verksamhetsplan end to end."""

from __future__ import annotations

import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import EXAMPLES
from rapportgen.checks import run_checks
from rapportgen.config import load_profile
from rapportgen.exceptions import InputError
from rapportgen.format import Formatter
from rapportgen.inputs.excel import table_from_rows
from rapportgen.inputs.rapport import load
from rapportgen.inputs.tabelldef import las, load_definitioner, validera_definitioner
from rapportgen.inputs.yamlsrc import parse_yaml
from rapportgen.model.tabelldef import Tabelldefinition, jamforelse_mening, parse_formel

NORRVIK = EXAMPLES / "norrvik"

RESULTAT = textwrap.dedent("""\
    tabeller:
      resultat:
        titel: Resultatbudget
        enhet: tkr
        kolumner:
          - {art: Bokslut, år: 2021}
          - {art: Budget, år: 2022}
          - {art: Budget, år: 2023}
          - {namn: Budget totalt, formel: summa(Budget)}
          - {namn: Förändring, formel: "[Budget 2023] - [Budget 2022]"}
        rader:
          - grupp: Intäkter
            rader:
              - Taxor och avgifter
              - {namn: Hyror, synonymer: [Hyror och arrenden]}
              - {namn: Försäljning, valfri: true}
            summa: Summa intäkter
          - grupp: Kostnader
            kostnader: true
            rader:
              - namn: Lönekostnader
                varav: [Varav sociala avgifter]
              - Övriga kostnader
            summa: Summa kostnader
          - summa: Nettokostnad
            formel: "[Summa intäkter] + [Summa kostnader]"
        läsning:
          etikettkolumn: [Post]
          enhet: tkr
        jämförelse: {a: Budget 2023, b: Budget 2022}
    """)

RADER = [
    ["Post", "Bokslut 2021", "Budget 2022", "Budget 2023"],
    ["Intäkter", None, None, None],
    ["Taxor och avgifter", 100, 110, 120],
    ["Hyror och arrenden", 50, 50, 55],
    ["Summa intäkter", 150, 160, 175],
    ["Lönekostnader", 400, 420, 450],
    ["Varav sociala avgifter", 120, 126, 135],
    ["Övriga kostnader", 80, 85, 90],
    ["Summa kostnader", 480, 505, 540],
    ["Nettokostnad", -330, -345, -365],
]


def _defs(tmp_path: Path, text: str = RESULTAT) -> dict[str, Tabelldefinition]:
    f = tmp_path / "tabeller.yaml"
    f.write_text(text, encoding="utf-8")
    return load_definitioner(f)


def _las(tmp_path: Path, rader=RADER, text: str = RESULTAT, kostnader: str = "positiva", enhet: str = "tkr"):
    defs = _defs(tmp_path, text)
    name = next(iter(defs))
    return las(defs[name], name, table_from_rows(tmp_path / "m.yaml", "Resultat", rader, enhet), kostnader)


# formulas -------------------------------------------------------------------------------------

def test_formulas_parse_and_bad_ones_are_refused():
    terms = parse_formel("[Summa intäkter] + [Summa kostnader] - summa(Utgift)")
    assert [(t.tecken, t.namn, t.summa) for t in terms] == [
        (1, "Summa intäkter", False), (1, "Summa kostnader", False), (-1, "Utgift", True)]
    for bad in ("", "Summa + [A]", "[A] [B]", "[A] * [B]", "summa(A"):
        with pytest.raises(ValueError):
            parse_formel(bad)


NETTO_FORMEL = '        formel: "[Summa intäkter] + [Summa kostnader]"\n'


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[]()+- summaBudgetÅr0123456789<&>\"'", max_size=40))
def test_any_formula_text_parses_or_is_refused_in_swedish(text):
    try:
        terms = parse_formel(text)
    except ValueError as exc:
        assert "formeln" in str(exc)
    else:
        assert terms and all(t.namn and t.tecken in (1, -1) for t in terms)


@pytest.mark.parametrize("old, new, line, words", [
    ("    titel: Resultatbudget\n", "    titl: Resultatbudget\n", 3, ["okänt fält", "titl"]),
    (NETTO_FORMEL, '        formel: "[Summa intäkter] * [Summa kostnader]"\n', 26, ["kan inte läsas"]),
    (NETTO_FORMEL, '        formel: "[Summa intäkter] + [Summa kostnad]"\n', 26, ["'Summa kostnad'", "finns inte"]),
    (NETTO_FORMEL, '        formel: "[Summa intäkter] + [Nettokostnad]"\n', 26, ["'Nettokostnad'", "ovanför"]),
    (NETTO_FORMEL, '        formel: "summa(Övrigt)"\n', 26, ["summa(Övrigt)", "finns inte"]),
    ('formel: "[Budget 2023] - [Budget 2022]"', 'formel: "[Budget 2033] - [Budget 2022]"', 10,
     ["'Budget 2033'", "finns inte"]),
    ("formel: summa(Budget)", "formel: summa(Budgt)", 9, ["summa(Budgt)", "okänd art"]),
    ("{a: Budget 2023, b: Budget 2022}", "{a: Budget 2023, b: Budget 2020}", 30, ["'Budget 2020'"]),
])
def test_definition_errors_name_file_and_line(tmp_path, old, new, line, words):
    text = RESULTAT.replace(old, new)
    assert text != RESULTAT
    with pytest.raises(InputError) as exc:
        _defs(tmp_path, text)
    msg = str(exc.value)
    assert "tabeller.yaml" in msg and f"rad {line}" in msg, msg
    for w in words:
        assert w in msg, msg


def test_profile_tables_are_validated_with_lines(tmp_path):
    (tmp_path / "rapportgen.yaml").write_text("kommun: Testby kommun\n" + RESULTAT.replace(
        "[Budget 2023] - [Budget 2022]", "[Budget 2023] - [Budget 2020]"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_profile(tmp_path / "rapportgen.yaml")
    assert "rapportgen.yaml" in str(exc.value) and "rad 11" in str(exc.value) and "Budget 2020" in str(exc.value)


# reading sheets -------------------------------------------------------------------------------

def test_rows_columns_sums_and_synonyms(tmp_path):
    t = _las(tmp_path)
    k = Decimal(1000)
    assert t.kolumner == ["Bokslut 2021", "Budget 2022", "Budget 2023", "Budget totalt", "Förändring"]
    # The synonym 'Hyror och arrenden' is shown as the definition's 'Hyror'; the optional row is absent.
    assert [r.etikett for r in t.rader] == [
        "Intäkter", "Taxor och avgifter", "Hyror", "Summa intäkter", "Kostnader", "Lönekostnader",
        "Varav sociala avgifter", "Övriga kostnader", "Summa kostnader", "Nettokostnad"]
    # tkr in the sheet -> kronor; costs written positive -> held negative.
    assert t.varde("Hyror", "Budget 2023") == 55 * k
    assert t.varde("Lönekostnader", "Budget 2023") == -450 * k
    assert t.varde("Summa kostnader", "Budget 2022") == -505 * k
    assert t.varde("Nettokostnad", "Budget 2023") == (175 - 540) * k
    # summa(Budget) adds the budget years only, never the bokslut year.
    assert t.varde("Taxor och avgifter", "Budget totalt") == (110 + 120) * k
    assert t.varde("Nettokostnad", "Förändring") == (-365 + 345) * k
    # A varav row is shown but not summed.
    assert t.rad("Varav sociala avgifter").typ == "varav"
    # The sheet's own sum rows are kept as given, to be verified.
    assert t.rad("Summa kostnader").angiven["Budget 2023"] == -540 * k


def test_kr_and_tkr_give_the_same_kronor(tmp_path):
    in_kr = [RADER[0]] + [[r[0], *(None if v is None else v * 1000 for v in r[1:])] for r in RADER[1:]]
    a = _las(tmp_path, enhet="tkr")
    b = _las(tmp_path, in_kr, text=RESULTAT.replace("enhet: tkr\n        jämförelse", "enhet: kr\n        jämförelse"),
             enhet="kr")
    assert [r.varden for r in a.rader] == [r.varden for r in b.rader]


def test_inkomst_and_utgift_are_added_only_by_a_formula(tmp_path):
    text = textwrap.dedent("""\
        inv:
          titel: Investeringar
          kolumner:
            - {namn: Proj nr, typ: text}
            - {namn: Projekt, typ: etikett}
            - {art: Inkomst, år: 2024}
            - {art: Utgift, år: 2024}
            - {art: Inkomst, år: 2025}
            - {art: Utgift, år: 2025}
            - {namn: Utgift totalt, formel: summa(Utgift)}
          rader:
            - {grupp: Projekt, rubrik: false, rader: alla, summa: Summa}
          läsning: {etikettkolumn: [Projekt]}
        """)
    rader = [["Proj nr", "Projekt", "Inkomst 2024", "Utgift 2024", "Inkomst 2025", "Utgift 2025"],
             ["4101", "Förskola <Solen> & \"Månen\"", 100, -900, 0, -100],
             ["4102", "Larm", 0, -50, 0, -50],
             [None, "Summa", 100, -950, 0, -150]]
    t = _las(tmp_path, rader, text=text, enhet="kr")
    assert t.varde("Summa", "Utgift totalt") == Decimal(-1100)  # Utgift only, no Inkomst
    assert t.varde("Summa", "Inkomst 2024") == Decimal(100)
    assert t.rad("Förskola <Solen> & \"Månen\"").texter["Proj nr"] == "4101"


def test_missing_unknown_and_duplicate_rows_are_located(tmp_path):
    missing = [r for r in RADER if r[0] != "Taxor och avgifter"]
    with pytest.raises(InputError, match="'Taxor och avgifter' saknas i arket"):
        _las(tmp_path, missing)
    unknown = RADER + [["Räntor", 1, 2, 3]]
    with pytest.raises(InputError) as exc:
        _las(tmp_path, unknown)
    assert "cell A11" in str(exc.value) and "Räntor" in str(exc.value) and "finns inte i tabelldefinitionen" in str(exc.value)
    twice = RADER + [["Taxor och avgifter", 1, 2, 3]]
    with pytest.raises(InputError, match="två gånger"):
        _las(tmp_path, twice)
    bad_column = [RADER[0][:3] + ["Budget 2024"]] + RADER[1:]
    with pytest.raises(InputError) as exc:
        _las(tmp_path, bad_column)
    assert "'Budget 2023' saknas" in str(exc.value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
       .filter(lambda s: s.strip() and " ".join(s.split()) == s and not s.strip().casefold().startswith("summa")))
def test_odd_labels_are_read_as_written(tmp_path, etikett):
    text = textwrap.dedent("""\
        t:
          titel: T
          kolumner: [{art: Budget, år: 2024}]
          rader: [{grupp: G, rubrik: false, rader: alla, summa: Summa}]
        """)
    t = _las(tmp_path, [["Rad", "Budget 2024"], [etikett, 5], ["Summa", 5]], text=text, enhet="kr")
    assert t.rader[0].etikett == etikett
    assert t.varde("Summa", "Budget 2024") == Decimal(5)


# checks ----------------------------------------------------------------------------------------

def _manifest(tmp_path: Path, rader, ekonomi: str = "") -> Path:
    import yaml

    d = tmp_path / "plan"
    d.mkdir(exist_ok=True)
    (d / "tabeller.yaml").write_text(RESULTAT, encoding="utf-8")
    (d / "verksamhetsplan.yaml").write_text(yaml.safe_dump({
        "typ": "verksamhetsplan", "titel": "Plan", "nämnd": "Socialnämnden", "år": 2023,
        "tabeller": [{"tabell": "resultat", "rader": rader}],
        "målbilder": [{"namn": "M"}],
        "texter": {"ansvarsområden": "Text.", **({"ekonomi": ekonomi} if ekonomi else {})},
    }, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return d / "verksamhetsplan.yaml"


def test_every_given_sum_is_verified_and_a_wrong_one_names_its_cell(tmp_path):
    from rapportgen.config import Profil

    profil = Profil(kontroller={"kostnader": "positiva"})
    ok = load(_manifest(tmp_path, RADER), profil)
    assert not [f for f in run_checks(ok, profil) if f.kod == "summarad"]
    wrong = [list(r) for r in RADER]
    wrong[8][2] = 515  # Summa kostnader, Budget 2022
    doc = load(_manifest(tmp_path, wrong), profil)
    found = [f for f in run_checks(doc, profil) if f.kod == "summarad"]
    assert len(found) == 1, found
    assert found[0].plats == "blad resultat, cell C9" and "Summa kostnader" in found[0].meddelande


def test_prose_comparison_comes_from_the_definition_and_is_checked(tmp_path):
    from rapportgen.config import Profil

    profil = Profil(kontroller={"kostnader": "positiva"})
    fmt = Formatter.from_profil(profil)
    # Hundred times the amounts: a change of 2,0 mnkr.
    rader = [RADER[0]] + [[r[0], *(None if v is None else v * 100 for v in r[1:])] for r in RADER[1:]]
    good = "## Socialnämnden\n\nNettokostnaden är 2,0 mnkr högre jämfört med budget 2022.\n"
    doc = load(_manifest(tmp_path, rader, good), profil)
    t = doc.tabeller[0]
    text = jamforelse_mening(t, t.definition.jamforelse[0], fmt)
    assert "nettokostnad för budget 2023" in text and "jämfört med budget 2022" in text and "högre" in text
    assert not [f for f in run_checks(doc, profil) if f.kod == "prosa_mot_tabell"]
    bad = "## Socialnämnden\n\nNettokostnaden är 3,0 mnkr lägre jämfört med budget 2022.\n"
    doc = load(_manifest(tmp_path, rader, bad), profil)
    found = [f for f in run_checks(doc, profil) if f.kod == "prosa_mot_tabell"]
    # The comment is written inline in the manifest: the finding names the manifest and its line.
    assert len(found) == 1 and found[0].dokument.endswith("verksamhetsplan.yaml"), found
    assert found[0].plats and found[0].plats.startswith("rad ") and "lägre" in (found[0].funnet or "")


def test_unknown_definition_name_points_at_the_manifest_line(tmp_path):
    f = _manifest(tmp_path, RADER)
    f.write_text(f.read_text(encoding="utf-8").replace("tabell: resultat", "tabell: resultaat"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(f)
    assert "resultaat" in str(exc.value) and "rad 6" in str(exc.value) and "resultat" in str(exc.value)


# Norrvik end to end ----------------------------------------------------------------------------

def test_norrvik_verksamhetsplan_pdf(tmp_path, monkeypatch, runner):
    from pypdf import PdfReader

    from rapportgen.cli import cli

    dst = tmp_path / "norrvik"
    shutil.copytree(NORRVIK, dst)
    monkeypatch.chdir(dst)  # Norrvik's profile (rapportgen.yaml) is found in the working directory
    result = runner.invoke(cli, ["verksamhetsplan", "verksamhetsplan", "-o", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "ut" / "verksamhetsplan.pdf").pages)
    for titel in ("Driftbudget", "Resultatbudget", "Investeringsbudget", "Investeringar per projekt"):
        assert titel in text
    for kolumn in ("Bokslut 2021", "Budget 2022", "Budget 2023", "Plan 2024", "Plan 2025"):
        assert text.count(kolumn) >= 2, kolumn  # the driftbudget and the resultatbudget
    assert "jämfört med budget 2022" in text
    assert "Summa intäkter" in text and "Nettokostnad" in text and "Projektbudget totalt" in text
    assert "Belopp i tkr" in text


# generated documentation -----------------------------------------------------------------------

def test_docs_are_generated_from_the_model(runner):
    """docs/tabelldefinitioner.md is generated; run `rapportgen mallar tabeller > docs/tabelldefinitioner.md`."""
    from rapportgen.cli import cli
    from rapportgen.commands import tabelldefinitioner

    root = Path(__file__).resolve().parents[1]
    text = tabelldefinitioner.markdown()
    assert (root / "docs" / "tabelldefinitioner.md").read_text(encoding="utf-8") == text, \
        "docs/tabelldefinitioner.md är inaktuell: kör `make docs`"
    # Every field of the definition model is documented, and one worked example per table kind.
    for name, f in Tabelldefinition.model_fields.items():
        assert f"`{f.alias or name}`" in text
    for kind in ("bara netto", "intäkter och kostnader", "långt format", "Resultatbudget per slag", "inkomst, utgift",
                 "Investeringsbilaga"):
        assert kind in text
    result = runner.invoke(cli, ["mallar", "tabeller"])
    assert result.exit_code == 0 and result.output == text


# the template's styles, XML-special text --------------------------------------------------------

def _docx(tmp_path: Path, profil, rader=RADER, text: str = RESULTAT, mallar: Path | None = None):
    from docx import Document

    from rapportgen.doctypes.rapport import render

    f = _manifest(tmp_path, rader)
    (f.parent / "tabeller.yaml").write_text(text, encoding="utf-8")
    out = render(load(f, profil), tmp_path / "ut.docx", profil, mallar)
    return Document(str(out))


def test_table_style_from_the_template_and_a_missing_one_falls_back_with_a_note(tmp_path, caplog):
    from rapportgen.config import Profil

    profil = Profil(kontroller={"kostnader": "positiva"})
    norrvik_mallar = NORRVIK / "mallar"
    styled = RESULTAT.replace("    titel: Resultatbudget\n", "    titel: Resultatbudget\n    tabellstil: Norrvik tabell\n")
    doc = _docx(tmp_path, profil, text=styled, mallar=norrvik_mallar)
    assert [t.style.name for t in doc.tables] == ["Norrvik tabell"]
    missing = RESULTAT.replace("    titel: Resultatbudget\n", "    titel: Resultatbudget\n    tabellstil: Finns inte\n")
    with caplog.at_level("WARNING", logger="rapportgen"):
        doc = _docx(tmp_path, profil, text=missing)
    assert [t.style.name for t in doc.tables] != ["Finns inte"]
    assert any("Finns inte" in r.getMessage() and "tabellformatet" in r.getMessage() for r in caplog.records)


def test_title_unit_note_and_labels_with_xml_special_text_reach_the_document(tmp_path):
    from rapportgen.config import Profil

    profil = Profil(kontroller={"kostnader": "positiva"})
    odd = 'Hyror <lokaler> & "mark"'
    text = (RESULTAT.replace("    titel: Resultatbudget\n",
                             "    titel: Resultat & <budget>\n    enhetstext: Belopp i tkr <avrundat>\n"
                             "    not: 'Not: \"A & B\" < C'\n")
            .replace("{namn: Hyror, synonymer: [Hyror och arrenden]}", "{namn: '" + odd + "', synonymer: [Hyror och arrenden]}")
            .replace("{a: Budget 2023, b: Budget 2022}", "[]"))
    doc = _docx(tmp_path, profil, text=text)
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Resultat & <budget>" in paragraphs
    assert "Belopp i tkr <avrundat>" in paragraphs
    assert 'Not: "A & B" < C' in paragraphs
    assert odd in [c.text for row in doc.tables[0].rows for c in row.cells]


def test_the_init_profiles_commented_table_example_is_valid(tmp_path):
    from rapportgen.commands.init import PROFIL_MALL

    i = PROFIL_MALL.index("# tabeller:")
    uncommented = "\n".join(line[2:] for line in PROFIL_MALL[i:].splitlines())
    (tmp_path / "mallar").mkdir()
    (tmp_path / "rapportgen.yaml").write_text(PROFIL_MALL[:i] + uncommented + "\n", encoding="utf-8")
    profil = load_profile(tmp_path / "rapportgen.yaml")
    assert list(profil.tabeller) == ["driftbudget"]
    assert [k.rubrik for k in profil.tabeller["driftbudget"].kolumner] == ["Budget 2023", "Plan 2024"]


def test_a_delarsrapport_keeps_its_driftredovisning_and_adds_declared_tables(tmp_path):
    from docx import Document

    from rapportgen.config import Profil
    from rapportgen.doctypes.rapport import render

    from .test_rapporter import kopiera_exempel

    src = kopiera_exempel(tmp_path)
    (src / "tabeller.yaml").write_text(textwrap.dedent("""\
        personal:
          titel: Personalkostnader per slag
          enhet: mnkr
          kolumner: [{art: Budget, år: 2023}, {art: Utfall, år: 2023}]
          rader:
            - {grupp: Slag, rubrik: false, rader: [Löner, Sociala avgifter], summa: Summa personal}
          läsning: {etikettkolumn: [Slag], enhet: tkr}
        """), encoding="utf-8")
    manifest = src / "delarsrapport.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + textwrap.dedent("""\
        tabeller:
          - tabell: personal
            rader:
              - [Slag, Budget 2023, Utfall 2023]
              - [Löner, 210000, 141500]
              - [Sociala avgifter, 66000, 44600]
        """), encoding="utf-8")
    profil = Profil()
    doc = load(src, profil)
    assert doc.drift is not None and [t.namn for t in doc.tabeller] == ["personal"]
    assert doc.tabeller[0].varde("Summa personal", "Utfall 2023") == Decimal(186_100_000)
    out = Document(str(render(doc, tmp_path / "d.docx", profil)))
    texts = [p.text for p in out.paragraphs]
    assert "Personalkostnader per slag" in texts and "Belopp i mnkr" in texts
    cells = [[c.text for c in row.cells] for t in out.tables for row in t.rows]
    assert ["Summa personal", "276,0", "186,1"] in cells


def test_relative_years_follow_the_reports_year(tmp_path):
    text = textwrap.dedent("""\
        drift:
          titel: Driftbudget
          kolumner:
            - {art: Bokslut, år: år-2}
            - {art: Budget, år: år - 1}
            - {art: Budget, år: år}
            - {namn: Ändring, formel: "[Budget {år}] - [Budget {år-1}]"}
          rader: [{grupp: V, rubrik: false, rader: alla, summa: Summa}]
          jämförelse: {a: "Budget {år}", b: "Budget {år-1}"}
        """)
    defn = _defs(tmp_path, text)["drift"]
    for ar, expected in ((2023, ["Bokslut 2021", "Budget 2022", "Budget 2023"]),
                         (2025, ["Bokslut 2023", "Budget 2024", "Budget 2025"])):
        resolved = defn.for_ar(ar)
        assert [k.rubrik for k in resolved.kolumner] == expected + ["Ändring"]
        assert (resolved.jamforelse[0].a, resolved.jamforelse[0].b) == (expected[2], expected[1])
        sheet = [["Rad", *expected], ["Hemtjänst", 1, 2, 5], ["Summa", 1, 2, 5]]
        t = las(resolved, "drift", table_from_rows(tmp_path / "m.yaml", "D", sheet, "kr"))
        assert t.varde("Summa", "Ändring") == Decimal(3)
    with pytest.raises(InputError) as exc:
        _defs(tmp_path, text.replace("år: år-2", "år: förra"))
    assert "rad 4" in str(exc.value) and "förra" in str(exc.value)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)
       .map(lambda s: " ".join(s.split())).filter(lambda s: s and not s.casefold().startswith("summa")))
def test_odd_row_names_in_yaml_match_the_sheet(tmp_path, namn):
    import yaml

    data = {"t": {"titel": "T", "kolumner": [{"art": "Budget", "år": 2024}],
                  "rader": [{"grupp": "G", "rubrik": False, "rader": [namn, "Övrigt"], "summa": "Summa"}]}}
    f = tmp_path / "tabeller.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    defn = load_definitioner(f)["t"]
    sheet = [["Rad", "Budget 2024"], [namn, 7], ["Övrigt", 3]]
    t = las(defn, "t", table_from_rows(tmp_path / "m.yaml", "T", sheet, "kr"))
    assert t.varde(namn, "Budget 2024") == Decimal(7) and t.varde("Summa", "Budget 2024") == Decimal(10)


def test_norrvik_templates_pass_mallar_kontrollera_under_its_profile(monkeypatch, runner):
    from rapportgen.cli import cli

    monkeypatch.chdir(NORRVIK)
    for mall in ("mallar/verksamhetsplan.docx", "mallar/tjansteskrivelse.docx"):
        result = runner.invoke(cli, ["mallar", "kontrollera", mall])
        assert result.exit_code == 0, result.output
        assert "Mallen är godkänd" in result.output


def test_a_definition_error_reaches_the_cli_as_file_and_line(tmp_path, runner):
    from rapportgen.cli import cli

    f = _manifest(tmp_path, RADER)
    (f.parent / "tabeller.yaml").write_text(RESULTAT.replace("[Summa kostnader]\"", "[Summa kostnadr]\""),
                                            encoding="utf-8")
    result = runner.invoke(cli, ["check", str(f)])
    assert result.exit_code == 2, result.output
    assert "tabeller.yaml" in result.output and "rad 26" in result.output and "Traceback" not in result.output


def test_two_rows_with_the_same_label_are_refused(tmp_path):
    text = RESULTAT.replace("          - Taxor och avgifter\n", "          - Taxor och avgifter\n          - TAXOR OCH AVGIFTER\n")
    assert text != RESULTAT
    with pytest.raises(InputError, match="TAXOR OCH AVGIFTER' finns två gånger"):
        _defs(tmp_path, text)


def test_a_wide_table_last_leaves_no_empty_page(tmp_path, monkeypatch, runner):
    from pypdf import PdfReader

    from rapportgen.cli import cli

    dst = tmp_path / "norrvik"
    shutil.copytree(NORRVIK, dst)
    manifest = dst / "verksamhetsplan" / "verksamhetsplan.yaml"
    manifest.write_text("".join(line for line in manifest.read_text(encoding="utf-8").splitlines(keepends=True)
                                if "strategier" not in line), encoding="utf-8")
    monkeypatch.chdir(dst)
    result = runner.invoke(cli, ["verksamhetsplan", "verksamhetsplan", "-o", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    pages = PdfReader(tmp_path / "ut" / "verksamhetsplan.pdf").pages
    last = pages[-1]
    assert float(last.mediabox.width) > float(last.mediabox.height)  # the landscape bilaga
    assert "Investeringar per projekt" in last.extract_text()
    assert float(pages[0].mediabox.width) < float(pages[0].mediabox.height)  # the cover stays portrait


def test_the_built_in_plan_compares_the_columns_its_manifest_names(tmp_path):
    from rapportgen.config import Profil
    from rapportgen.doctypes.rapport import prosa

    src = tmp_path / "vp"
    shutil.copytree(EXAMPLES / "verksamhetsplan", src)
    manifest = src / "verksamhetsplan.yaml"
    original = manifest.read_text(encoding="utf-8")
    fmt = Formatter()
    standard = prosa.plan_sammanfattning(load(src, Profil()), fmt)[0]
    assert "än bokslut 2022" in standard  # the default: the budget year against the latest bokslut
    manifest.write_text(original + "jämförelse: {a: Plan 2025, b: Budget 2024}\n", encoding="utf-8")
    text = prosa.plan_sammanfattning(load(src, Profil()), fmt)[0]
    assert text.startswith("Socialnämndens plan 2025 innebär nettokostnader på") and "än budget 2024 (" in text
    manifest.write_text(original + "jämförelse: {a: Plan 2025, b: Budget 2023}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(src, Profil())
    assert "Budget 2023" in str(exc.value) and f"rad {len(original.splitlines()) + 1}" in str(exc.value)


def test_only_one_group_takes_the_other_rows(tmp_path):
    text = textwrap.dedent("""\
        t:
          titel: T
          kolumner: [{art: Budget, år: 2024}]
          rader:
            - {grupp: A, rader: alla}
            - grupp: B
              rader: alla
        """)
    with pytest.raises(InputError) as exc:
        _defs(tmp_path, text)
    assert "rader: alla" in str(exc.value) and "rad 7" in str(exc.value)


# the shipped Timrå definitions ------------------------------------------------------------------

@pytest.mark.parametrize("exempel, namn", [("verksamhetsplan", "timra_driftbudget"),
                                            ("delarsrapport", "timra_driftredovisning")])
def test_the_drift_model_of_an_ekonomi_manifest_holds_every_figure_its_definition_reads(exempel, namn):
    # The manifest's ekonomi: goes through the shipped definition; the drift model the writers and
    # prose use must hold exactly the figures the definition computes (every row, column, total).
    from rapportgen.inputs.excel import Tabellkalla, load_source
    from rapportgen.inputs.tabelldef import shipped_definitioner
    from rapportgen.model.ekonomi import INTAKTER, KOSTNADER, NETTO

    src = EXAMPLES / exempel
    doc = load(src)
    d = doc.drift
    e = doc.falt.ekonomi
    defn = shipped_definitioner()[namn].for_ar(doc.falt.ar)
    t = las(defn, namn, load_source(Tabellkalla(fil=e.fil, blad=e.blad, rubrikrad=e.rubrikrad, enhet=e.enhet), src))
    assert t.kolumner == [k.namn for k in d.kolumner]
    rader = ((INTAKTER, "INTÄKTER"), (KOSTNADER, "KOSTNADER (-)"), (NETTO, "NETTOKOSTNADER (-)"))
    compared = 0
    for v in d.verksamheter:
        for rad, label in rader:
            for k in t.kolumner:
                assert t.rad(label, v.namn).varden[k] == d.varde(v, rad, k), (v.namn, label, k)
                compared += 1
        for varav in v.varav:
            for k in d.indata:
                assert t.rad(varav.etikett, v.namn).varden[k] == varav.varden[k]
    for rad, label in rader:  # the total block: the nämnd's sums
        for k in t.kolumner:
            assert t.rad(label).varden[k] == d.varde(d.verksamheter, rad, k)
    assert compared == len(d.verksamheter) * 3 * len(t.kolumner)


def test_a_long_sheet_keeps_each_groups_rows_together_and_names_them(tmp_path):
    from rapportgen.inputs.tabelldef import shipped_definitioner

    defn = shipped_definitioner()["timra_driftbudget"].for_ar(2024)
    header = ["Verksamhet", "Radtyp", "Bokslut 2022", "Budget 2024", "Plan 2025", "Plan 2026"]
    ok = [header, ["A", "Intäkter", 1, 2, 3, 4], [None, "Kostnader", -5, -6, -7, -8],
          ["B", "Intäkter", 1, 1, 1, 1], [None, "Kostnader", -2, -2, -2, -2],
          ["Summa", "Nettokostnader", -5, -5, -5, -5]]
    t = las(defn, "d", table_from_rows(tmp_path / "m.yaml", "D", ok, "kr"))
    assert t.rad("NETTOKOSTNADER (-)", "A").varden["Budget 2024"] == Decimal(-4)
    total = t.rad("NETTOKOSTNADER (-)")
    assert total.varden["Budget 2024"] == Decimal(-5) and total.angiven["Budget 2024"] == Decimal(-5)
    split = ok[:3] + [["B", "Intäkter", 1, 1, 1, 1], ["A", "Varav lön", -1, -1, -1, -1]] + ok[4:5]
    with pytest.raises(InputError, match="gruppen 'A' finns redan"):
        las(defn, "d", table_from_rows(tmp_path / "m.yaml", "D", split, "kr"))
    missing = [header, ["A", "Intäkter", 1, 2, 3, 4], ["B", "Intäkter", 1, 1, 1, 1], [None, "Kostnader", -2, -2, -2, -2]]
    with pytest.raises(InputError, match="'KOSTNADER \\(-\\)' saknas i arket för A"):
        las(defn, "d", table_from_rows(tmp_path / "m.yaml", "D", missing, "kr"))


def test_a_manifest_can_use_the_shipped_timra_definition_and_comment_on_its_groups(tmp_path):
    src = tmp_path / "vp"
    shutil.copytree(EXAMPLES / "verksamhetsplan", src)
    manifest = src / "verksamhetsplan.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text[:text.index("ekonomi:")] + "tabeller:\n  - {tabell: timra_driftbudget, fil: budget.xlsx}\n" + \
        text[text.index("investeringar:"):]
    (src / "texter" / "kommentar.md").write_text("## Hälso- och sjukvård\n\nFler sjuksköterskor.\n", encoding="utf-8")
    manifest.write_text(text.replace("ekonomi: texter/ekonomi.md", "ekonomi: texter/kommentar.md"), encoding="utf-8")
    doc = load(src)
    assert doc.drift is None and [t.namn for t in doc.tabeller] == ["timra_driftbudget"]
    assert "Hälso- och sjukvård" in doc.kommentarer
    t = doc.tabeller[0]
    assert t.kolumner == ["Bokslut 2022", "Budget 2024", "Plan 2025", "Plan 2026"]  # år: 2024 in the manifest
    assert t.rader[-1].etikett == "NETTOKOSTNADER (-)" and t.rader[-1].block is None  # the total block last


# year columns from the sheet's header row, and old manifests through the shipped definitions ----

FRAN_RUBRIKRADEN = textwrap.dedent("""\
    tabeller:
      netto:
        titel: Driftbudget
        kolumner:
          - {från: rubrikraden, arter: [Bokslut, Budget, Plan]}
          - {namn: Förändring, formel: "[Budget {år}] - [Budget {år-1}]"}
        rader:
          - grupp: Verksamheter
            rubrik: false
            rader: alla
          - {summa: Summa, formel: summa(Verksamheter)}
        läsning: {etikettkolumn: [Verksamhet]}
        jämförelse: {a: "Budget {år}", b: "Budget {år-1}"}
    """)


def test_year_columns_can_come_from_the_sheets_header_row_in_its_order(tmp_path):
    (tmp_path / "t.yaml").write_text(FRAN_RUBRIKRADEN, encoding="utf-8")
    defn = load_definitioner(tmp_path / "t.yaml")["netto"].for_ar(2023)
    header = ["Verksamhet", "Bokslut 2021", "Budget 2022", "Budget 2023", "Plan 2024", "Plan 2025"]
    rows = [header, ["Vård och omsorg", 1, 2, 5, 4, 5], ["IFO", 10, 20, 30, 40, 50]]
    t = las(defn, "netto", table_from_rows(tmp_path / "m.yaml", "D", rows, "kr"))
    assert t.kolumner == header[1:] + ["Förändring"]
    assert [k.art for k in t.definition.beloppskolumner][:5] == ["Bokslut", "Budget", "Budget", "Plan", "Plan"]
    assert t.varde("Summa", "Plan 2025") == Decimal(55) and t.varde("Summa", "Förändring") == Decimal(13)
    # A column that is no 'Art År' of the declared kinds is an error at its cell.
    bad = [header[:3] + ["Prognos 2023"], ["A", 1, 2, 3]]
    with pytest.raises(InputError) as exc:
        las(defn, "netto", table_from_rows(tmp_path / "m.yaml", "D", bad, "kr"))
    assert "kolumnen 'Prognos 2023' ska heta t.ex. 'Bokslut 2024'" in str(exc.value) and "cell D1" in str(exc.value)
    with pytest.raises(InputError, match="arket har inga årskolumner"):
        las(defn, "netto", table_from_rows(tmp_path / "m.yaml", "D", [["Verksamhet"], ["A"]], "kr"))


@pytest.mark.parametrize("kolumn, fel", [
    ("{från: rubrikraden}", "ange 'arter'"),
    ("{från: rubrikraden, arter: [Budget], namn: X}", "har bara 'arter'"),
    ("{från: rubrikraden, arter: [Budget], roll: budget}", "har bara 'arter'"),
    ("{namn: Proj nr, typ: text, roll: budget}", "har varken art, år, formel eller roll"),
    ("{namn: X, roll: kassa}", "'kolumner[1].roll' har ett otillåtet värde (värde: 'kassa')"),
    ("{namn: X, arter: [Budget]}", "hör till en kolumn 'från: rubrikraden'"),
    ("{från: rubriken, arter: [Budget]}", "'kolumner[1].från' har ett otillåtet värde (värde: 'rubriken')"),
])
def test_a_header_row_column_is_validated_at_its_line(tmp_path, kolumn, fel):
    text = FRAN_RUBRIKRADEN.replace("{från: rubrikraden, arter: [Bokslut, Budget, Plan]}", kolumn)
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_definitioner(tmp_path / "t.yaml")
    assert fel in str(exc.value) and "rad 5" in str(exc.value)


def test_an_old_ekonomi_manifest_is_read_by_the_shipped_definition_which_a_tabeller_yaml_can_redefine(tmp_path):
    from rapportgen.inputs.tabelldef import shipped_definitioner
    from rapportgen.model.ekonomi import INTAKTER

    from .test_rapporter import kopiera_exempel

    src = kopiera_exempel(tmp_path)
    before = load(src).drift
    from openpyxl import load_workbook

    wb = load_workbook(src / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    for row in range(4, ws.max_row + 1):
        if ws.cell(row, 2).value == "Intäkter":
            ws.cell(row, 2).value = "Bidrag och avgifter"
    wb.save(src / "ekonomi.xlsx")
    with pytest.raises(InputError, match="raden 'Bidrag och avgifter' för .* finns inte i tabelldefinitionen "
                                         "'timra_driftredovisning'"):
        load(src)
    # The kommun's own words for the row, declared as data under the shipped name: no code.
    import yaml

    data = shipped_definitioner()["timra_driftredovisning"].model_dump(by_alias=True, exclude_defaults=True)
    data["rader"][0]["rader"][0]["synonymer"].append("Bidrag och avgifter")
    (src / "tabeller.yaml").write_text(yaml.safe_dump({"tabeller": {"timra_driftredovisning": data}},
                                                      allow_unicode=True), encoding="utf-8")
    after = load(src).drift
    assert [v.namn for v in after.verksamheter] == [v.namn for v in before.verksamheter]
    for v, w in zip(after.verksamheter, before.verksamheter):
        assert v.intakter.etikett == after.etiketter[INTAKTER] == "INTÄKTER" and v.intakter.varden == w.intakter.varden


def _inv_manifest(tmp_path: Path, rows) -> Path:
    src = tmp_path / "vp"
    shutil.copytree(EXAMPLES / "verksamhetsplan", src)
    from openpyxl import Workbook, load_workbook

    wb = load_workbook(src / "budget.xlsx")
    del wb["Investeringar"]
    ws = wb.create_sheet("Investeringar")
    ws.append(["Investeringar"])
    ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(src / "budget.xlsx")
    assert Workbook
    return src


def test_the_plans_investment_total_adds_every_year_as_its_definition_says_and_an_unlabelled_sum_is_verified(tmp_path):
    from rapportgen.inputs.tabelldef import shipped_definitioner

    formel = shipped_definitioner()["timra_investeringar_plan"].kolumn("Total").formel
    assert formel == "summa(Bokslut) + summa(Budget) + summa(Plan) + summa(Prognos)"
    rows = [["Projekt", "Bokslut 2022", "Budget 2024", "Plan 2025"], ["Inventarier", 100, 200, 300],
            ["Välfärdsteknik", 10, 20, 30], [None, 110, 220, 400]]
    doc = load(_inv_manifest(tmp_path, rows))
    inv = doc.investeringar
    assert inv.visade_kolumner == ["Bokslut 2022", "Budget 2024", "Plan 2025", "Total"]
    assert [p.projekt for p in inv.projekt] == ["Inventarier", "Välfärdsteknik"]
    assert inv.varde(inv.projekt, "Total") == Decimal(660)
    found = [f for f in run_checks(doc) if f.kod == "summarad"]
    assert [f.plats for f in found] == ["blad Investeringar, cell D6"]
    # 'Totalt investeringar' is the sheet's sum row too, never a project.
    rows[-1][0] = "Totalt investeringar"
    rows[-1][3] = 330
    doc = load(_inv_manifest(tmp_path / "b", rows))
    assert [p.projekt for p in doc.investeringar.projekt] == ["Inventarier", "Välfärdsteknik"]
    assert not [f for f in run_checks(doc) if f.kod == "summarad"]


EGEN_DRIFT = textwrap.dedent("""\
    tabeller:
      timra_driftbudget:
        titel: Driftbudget
        kolumner: [{från: rubrikraden, arter: [Bokslut, Budget, Plan]}]
        rader:
          - {grupp: In, rubrik: false, rader: [{namn: Intäkter totalt, synonymer: [Intäkter]}]}
          - grupp: Ut
            rubrik: false
            kostnader: true
            rader: [{namn: Kostnader totalt, synonymer: [Kostnader], varav: [{namn: "Varav *", valfri: true}]}]
          - {summa: Nettokostnad, formel: "[Intäkter totalt] + [Kostnader totalt]", synonymer: [Nettokostnader]}
        läsning: {blad: Driftbudget, rubrikrad: 3, gruppkolumn: [Verksamhet], etikettkolumn: [Radtyp]}
    """)


def test_the_drift_tables_row_labels_come_from_its_definition_not_from_code(tmp_path):
    from docx import Document

    from rapportgen.doctypes.rapport import render
    from rapportgen.model.ekonomi import INTAKTER, KOSTNADER, NETTO

    src = tmp_path / "vp"
    shutil.copytree(EXAMPLES / "verksamhetsplan", src)
    before = load(src).drift
    (src / "tabeller.yaml").write_text(EGEN_DRIFT, encoding="utf-8")
    doc = load(src)
    d = doc.drift
    assert d.etiketter == {INTAKTER: "Intäkter totalt", KOSTNADER: "Kostnader totalt", NETTO: "Nettokostnad"}
    for k in d.indata:
        assert d.varde(d.verksamheter, NETTO, k) == before.varde(before.verksamheter, NETTO, k)
    word = Document(str(render(doc, src / "ut.docx")))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "Nettokostnad" in cells and "Kostnader totalt" in cells and "Intäkter totalt" in cells
    assert "NETTOKOSTNADER (-)" not in cells and "INTÄKTER" not in cells
    # A definition that is no income row + cost row = netto cannot read 'ekonomi:'.
    (src / "tabeller.yaml").write_text(EGEN_DRIFT.replace('formel: "[Intäkter totalt] + [Kostnader totalt]"',
                                                          'formel: "[Intäkter totalt] - [Kostnader totalt]"'),
                                       encoding="utf-8")
    with pytest.raises(InputError, match="summaraden 'Nettokostnad' ska vara '\\[Intäkter totalt\\] \\+ "
                                         "\\[Kostnader totalt\\]'"):
        load(src)


def test_samma_tal_compares_a_tjansteskrivelse_with_a_report_that_only_has_declared_tables(tmp_path):
    from rapportgen.assemble import load_handling
    from rapportgen.format import Formatter

    src = tmp_path / "norrvik"
    shutil.copytree(NORRVIK, src)
    profil = load_profile(src / "rapportgen.yaml")
    plan = load(src / "verksamhetsplan", profil)
    drift = next(t for t in plan.tabeller if t.namn == "driftbudget")
    fmt = Formatter.from_profil(profil)
    summa = fmt.tkr(drift.varde("Summa", "Budget 2023")).replace("\u00a0", " ")
    vard = drift.varde("Vård och omsorg", "Budget 2023")
    fel = fmt.tkr(vard + 2_000_000).replace("\u00a0", " ")
    manifest = src / "sammantrade.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "        fil: bilagor/avgifter.md\n        typ: dokument\n",
        "        fil: bilagor/avgifter.md\n        typ: dokument\n"
        "      - etikett: Verksamhetsplan 2023\n        fil: verksamhetsplan/verksamhetsplan.yaml\n"), encoding="utf-8")
    ts = src / "tjansteskrivelser" / "02-taxor-hemtjanst.md"
    ts.write_text(ts.read_text(encoding="utf-8") + "\n| Belopp (tkr) | Budget 2023 |\n|---|---|\n"
                  f"| Vård och omsorg | {fel} |\n| Summa | {summa} |\n", encoding="utf-8")
    found = [f for f in run_checks(load_handling(manifest, profil), profil) if f.kod == "samma_tal"]
    assert [(f.funnet, f.forvantat) for f in found] == [
        (fmt.belopp(vard + 2_000_000, "tkr", 0), fmt.belopp(vard, "tkr", 0))]
    assert "'Vård och omsorg', Budget 2023" in found[0].meddelande and "Verksamhetsplan 2023" in found[0].meddelande
    assert found[0].dokument.endswith("02-taxor-hemtjanst.md") and found[0].plats.endswith("kolumn 'Budget 2023'")


def test_a_redefined_plan_investment_total_keeps_its_own_name_in_table_and_prose(tmp_path):
    import yaml
    from docx import Document

    from rapportgen.doctypes.rapport import render
    from rapportgen.inputs.tabelldef import shipped_definitioner

    src = tmp_path / "vp"
    shutil.copytree(EXAMPLES / "verksamhetsplan", src)
    data = shipped_definitioner()["timra_investeringar_plan"].model_dump(by_alias=True, exclude_defaults=True)
    data["kolumner"][1]["namn"] = "Summa perioden"
    (src / "tabeller.yaml").write_text(yaml.safe_dump({"tabeller": {"timra_investeringar_plan": data}},
                                                      allow_unicode=True), encoding="utf-8")
    doc = load(src)
    inv = doc.investeringar
    assert inv.summa_kolumn == "Summa perioden"
    total = inv.varde(inv.projekt, "Summa perioden")
    assert total == sum(inv.varde(inv.projekt, k) for k in inv.indata)
    word = Document(str(render(doc, src / "ut.docx")))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "Summa perioden" in cells and "Total" not in cells
    prose = " ".join(p.text for p in word.paragraphs).replace("\u00a0", " ")
    mnkr = Formatter().belopp(total, "mnkr", 1).replace("\u00a0", " ")
    assert f"totalt {mnkr} för perioden" in prose


def test_the_delarsrapports_prose_and_chart_take_their_columns_from_the_definitions_roles(tmp_path):
    """Which column is the budget, outcome, forecast and deviation is the definition's kolumner: roll:
    (no column names in code): moved roles move the figures in the sentences and the chart."""
    import yaml

    from rapportgen.doctypes.rapport import diagram, prosa
    from rapportgen.inputs.tabelldef import shipped_definitioner
    from rapportgen.model.ekonomi import NETTO

    from .test_rapporter import kopiera_exempel

    src = kopiera_exempel(tmp_path)
    fmt = Formatter()
    doc = load(src)
    d, inv = doc.drift, doc.investeringar
    assert d.roller == {"utfall": "Utfall period", "avvikelse": "Avvikelse period", "budget": "Budget helår",
                        "prognos": "Årsprognos", "prognosavvikelse": "Årsprognos budgetavvikelse"}
    alla = d.verksamheter
    avv, prog = d.varde(alla, NETTO, "Avvikelse period"), d.varde(alla, NETTO, "Årsprognos budgetavvikelse")
    assert fmt.mnkr(avv) != fmt.mnkr(prog)
    before = prosa.delar_sammanfattning(doc, fmt)
    assert fmt.mnkr(abs(avv)) in before[0] and fmt.mnkr(abs(prog)) in before[1]
    assert "budget helår och årsprognos" in diagram.budget_prognos(d, fmt).alt

    defs = shipped_definitioner()
    drift = defs["timra_driftredovisning"].model_dump(by_alias=True, exclude_defaults=True)
    roll = {"Avvikelse period": "prognosavvikelse", "Årsprognos budgetavvikelse": "avvikelse",
            "Budget helår": None, "Budget period": "budget"}
    for k in drift["kolumner"]:
        if k["namn"] in roll:
            k.pop("roll", None)
            if roll[k["namn"]]:
                k["roll"] = roll[k["namn"]]
    drift["titel"] = "Drift & prognos"
    drift["total_etikettrubrik"] = "Sammanställning {period}"
    drift["etikettrubrik"] = "Per enhet {period} ({enhet})"
    drift["totalrubrik"] = "Hela {nämnd}"
    drift["enhet"] = "mnkr"  # the unit of the headings and the figures
    invdef = defs["timra_investeringar_delar"].model_dump(by_alias=True, exclude_defaults=True)
    for k in invdef["kolumner"]:
        k["roll"] = {"utfall": "prognos", "prognos": "utfall"}.get(k.get("roll"), k.get("roll"))
    invdef["titel"] = "Projekt <år>"
    invdef["rader"][-1]["synonymer"].append(invdef["rader"][-1]["summa"])
    invdef["rader"][-1]["summa"] = "Summa projekt"
    (src / "tabeller.yaml").write_text(yaml.safe_dump(
        {"tabeller": {"timra_driftredovisning": drift, "timra_investeringar_delar": invdef}}, allow_unicode=True),
        encoding="utf-8")
    doc = load(src)
    after = prosa.delar_sammanfattning(doc, fmt)
    assert fmt.mnkr(abs(prog)) in after[0] and fmt.mnkr(abs(avv)) in after[1]
    assert "budget period och årsprognos" in diagram.budget_prognos(doc.drift, fmt).alt
    utfall, prognos = inv.varde(inv.projekt, "Utfall period"), inv.varde(inv.projekt, "Årsprognos")
    assert fmt.mnkr(utfall) != fmt.mnkr(prognos)
    text = prosa.delar_investeringar(doc.investeringar, fmt)
    assert text.startswith(f"Utfallet för investeringar under perioden är {fmt.mnkr(prognos)}\u00a0mnkr")
    assert f"Årsprognosen är {fmt.mnkr(utfall)}\u00a0mnkr" in text
    # The drift tables' heading is the definition's titel; the chart's caption names the role columns.
    from docx import Document

    from rapportgen.doctypes.rapport import render

    word = Document(str(render(doc, src / "ut.docx")))
    paras = [p.text for p in word.paragraphs]
    # The investment table's label heading and total row are the definition's titel and sum row.
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "Projekt <år> (tkr)" in cells and "Summa projekt" in cells
    assert "Investeringar (tkr)" not in cells and "SUMMA" not in cells
    assert "Drift & prognos" in paras and "Driftredovisning med prognos" not in paras
    # The drift's label headings and its total's title row are the definition's, placeholders filled.
    rubriker = [t.rows[0].cells[0].text for t in word.tables]
    assert "Sammanställning jan-aug" in rubriker and "Per enhet jan-aug (mnkr)" in rubriker
    assert "Hela Socialnämnden" in cells and "SOCIALNÄMNDEN" not in cells
    netto = d.varde(alla, NETTO, "Budget period")
    assert netto < 0  # the sign's character is the template's; the digits are the definition's unit
    assert any(c.endswith(fmt.belopp(-netto, "mnkr", med_enhet=False)) for c in cells)
    assert not any(c.endswith(fmt.tkr(-netto)) for c in cells)
    assert not any(r.startswith(("Resultaträkning", "Resultat per verksamhet")) for r in rubriker)
    assert "Diagram: nettokostnad per verksamhet, budget period och årsprognos (mnkr)." in paras

    # A role the report needs and the definition lacks is the definition's error, named.
    drift["kolumner"] = [{k2: v for k2, v in k.items() if v != "avvikelse"} for k in drift["kolumner"]]
    (src / "tabeller.yaml").write_text(yaml.safe_dump(
        {"tabeller": {"timra_driftredovisning": drift}}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="tabelldefinitionen 'timra_driftredovisning' har ingen kolumn med "
                                         "'roll: avvikelse'"):
        prosa.delar_sammanfattning(load(src), fmt)


def test_a_role_is_given_to_one_column_only(tmp_path):
    text = FRAN_RUBRIKRADEN.replace("{från: rubrikraden, arter: [Bokslut, Budget, Plan]}",
                                    "{från: rubrikraden, arter: [Bokslut, Budget, Plan]}\n"
                                    "      - {namn: A, roll: budget}\n      - {namn: B, roll: budget}")
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="rollen 'budget' har redan en annan kolumn"):
        load_definitioner(tmp_path / "t.yaml")


def test_a_blank_is_allowed_in_the_columns_the_definition_makes_optional_only(tmp_path):
    """Which drift column may stay blank is the definition's valfri: true (Timrå's 'Avvikelse
    innevarande månad'), not a name in code."""
    import yaml
    from openpyxl import load_workbook

    from rapportgen.inputs.tabelldef import shipped_definitioner

    from .test_rapporter import kopiera_exempel

    src = kopiera_exempel(tmp_path)
    wb = load_workbook(src / "ekonomi.xlsx")
    ws = wb["Driftredovisning"]
    assert ws["G3"].value == "Avvikelse innevarande månad"
    ws["G5"] = None
    wb.save(src / "ekonomi.xlsx")
    assert not [f for f in run_checks(load(src)) if f.kod == "tomt_belopp"]
    drift = shipped_definitioner()["timra_driftredovisning"].model_dump(by_alias=True, exclude_defaults=True)
    for k in drift["kolumner"]:
        k.pop("valfri", None)
    (src / "tabeller.yaml").write_text(yaml.safe_dump({"tabeller": {"timra_driftredovisning": drift}},
                                                      allow_unicode=True), encoding="utf-8")
    found = [f for f in run_checks(load(src)) if f.kod == "tomt_belopp"]
    assert len(found) == 1 and "'Avvikelse innevarande månad' saknas" in found[0].meddelande


def test_fixed_widths_and_heading_placeholders():
    from rapportgen.model.tabelldef import Bredd

    drift = Bredd.model_validate({"etikett_andel": 0.28, "etikett_minst": 4.5, "etikett_högst": 6.5})
    assert drift.etikett(16.0, 4) == pytest.approx(4.5) and drift.etikett(20.0, 4) == pytest.approx(5.6)
    assert drift.etikett(25.0, 7) == pytest.approx(6.5)
    inv = Bredd.model_validate({"belopp": 2.6, "etikett_minst": 5.0})
    assert inv.etikett(16.0, 4) == pytest.approx(5.6) and inv.etikett(16.0, 6) == pytest.approx(5.0)
    for fel in ({}, {"etikett_andel": 0.3, "belopp": 2.0}):
        with pytest.raises(ValueError, match="ange antingen etikett_andel eller belopp"):
            Bredd.model_validate(fel)
    defn = Tabelldefinition.model_validate({
        "titel": "Drift", "enhet": "mnkr", "etikettrubrik": "{titel} {period} ({enhet})", "totalrubrik": "{NÄMND}",
        "kolumner": [{"art": "Budget", "år": 2024}], "rader": [{"summa": "Netto", "formel": "[Budget 2024]"}]})
    assert defn.fyll(defn.etikettrubrik, "jan-aug") == "Drift jan-aug (mnkr)"
    assert defn.fyll(defn.totalrubrik, namnd="Socialnämnden") == "SOCIALNÄMNDEN"
    with pytest.raises(ValueError, match="'bredd' gäller tabeller utan textkolumner"):
        Tabelldefinition.model_validate({
            "titel": "Projekt", "bredd": {"belopp": 2.0},
            "kolumner": [{"namn": "SB", "typ": "text"}, {"art": "Budget", "år": 2024}],
            "rader": [{"grupp": "Projekt", "rubrik": False, "rader": "alla"}]})


def test_no_timra_table_is_drawn_by_its_own_python():
    """The Timrå drift and investment tables are drawn by the generic writer from timra.yaml."""
    import rapportgen.doctypes.rapport.innehall as innehall
    from rapportgen.inputs.tabelldef import shipped_definitioner

    source = Path(innehall.__file__).read_text(encoding="utf-8")
    for word in ("Resultaträkning", "Resultat per verksamhet", "Budget per verksamhet", "(tkr)", "def drift",
                 "def investeringar", "INTAKTER"):
        assert word not in source
    defs = shipped_definitioner()
    assert defs["timra_driftredovisning"].total_etikettrubrik == "Resultaträkning {period} ({enhet})"
    assert defs["timra_investeringar_plan"].etikettrubrik == "{titel} ({enhet})"
