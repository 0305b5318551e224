"""XML-special text, åäö, emoji and very long words survive into the document intact."""

from __future__ import annotations

import yaml
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapportgen.doctypes import tjansteskrivelse
from rapportgen.doctypes.tjansteskrivelse import DOKUMENTTYP

build_tjansteskrivelser = DOKUMENTTYP.build
from rapportgen.inputs.markdown import load_markdown
from rapportgen.inputs.text import clean_text
from rapportgen.config import Profil

from .conftest import pdf_text, squash

NASTY = "&<>\"'åäöÅÄÖ€§½😀🇸🇪{}%#"
words = st.one_of(
    st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz" + NASTY)), min_size=1, max_size=12),
    st.text(alphabet="abcåäö", min_size=120, max_size=300),  # a very long word
)
phrase = st.lists(words, min_size=1, max_size=8).map(lambda ws: "Text " + " ".join(ws))
# YAML 1.1 folds NEL, LS and PS as line breaks in quoted scalars, and PyYAML's safe_dump
# does not escape them; the written front matter itself would differ, so leave them out.
any_text = st.text(
    min_size=1, max_size=60,
    alphabet=st.characters(blacklist_characters="\x85\u2028\u2029", blacklist_categories=("Cs",)),
).filter(lambda s: clean_text(s).strip())

PROFIL = Profil(kommun="Kommunen", **{"förvaltning": "Förvaltningen", "nämnd": "Nämnden"},
                underskrifter=[{"namn": "Anna Andersson", "titel": "Chef"}])


def write_input(path, titel: str, punkt: str, body: str) -> None:
    front = {
        "handläggare": {"namn": "Åsa <Öberg> & Co"},
        "datum": "2023-09-19",
        "dnr": "SN/2023:1",
        "titel": titel,
        "förslag_till_beslut": [punkt, "Andra punkten"],
    }
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n# Ärendet\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def norm(s: str) -> str:
    return " ".join(clean_text(s).split())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titel=any_text, punkt=any_text, body=phrase)
def test_any_text_renders_and_reopens(tmp_path, titel, punkt, body):
    src = tmp_path / "a.md"
    write_input(src, titel, punkt, body)
    doc = tjansteskrivelse.load(src, PROFIL)
    out = tmp_path / "a.docx"
    tjansteskrivelse.render(doc, out, PROFIL)
    reopened = Document(str(out))
    texts = [p.text for p in reopened.paragraphs]
    assert norm(titel) in [norm(t) for t in texts]
    assert any(norm(t) == norm(f"1.\t{punkt}") for t in texts)
    assert norm(body) in [norm(t) for t in texts]
    header = " ".join(c.text for t in reopened.sections[0].header.tables for r in t.rows for c in r.cells)
    assert "Åsa <Öberg> & Co" in header


@settings(max_examples=60, deadline=None)
@given(value=any_text)
def test_front_matter_loader_round_trips_strings(tmp_path_factory, value):
    src = tmp_path_factory.mktemp("fm") / "a.md"
    write_input(src, value, "x", "text")
    md = load_markdown(src)
    assert md.front.data["titel"] == clean_text(value)


def test_special_text_in_pdf(tmp_path):
    titel = "Avtal med Bröderna Åkesson & Söner <AB> om \"särskilt\" boende 😀"
    body = ("<AB> först. Ett ord som aldrig tar slut: " + "å" * 150 + " och text med & < > \" ' ÅÄÖ.")
    src = tmp_path / "special.md"
    write_input(src, titel, "Godkänna avtalet med 'Åkesson & Söner'.", body)
    result = build_tjansteskrivelser([src], tmp_path / "ut", PROFIL)
    text = squash(pdf_text(result.pdf[0]))
    assert "Avtal med Bröderna Åkesson & Söner <AB> om \"särskilt\" boende" in text
    assert "1. Godkänna avtalet med 'Åkesson & Söner'." in text
    assert "text med & < > \" ' ÅÄÖ." in text
    assert "<AB> först." in text
    assert "å" * 40 in text.replace(" ", "")
