"""A minus sign stays with its figure: no line ends in '-' before the number on the next line."""

from docx import Document

from rapportgen.cli import cli
from rapportgen.render.docx import WORD_JOINER

from .conftest import EXAMPLES, pdf_text, squash

HUVUD = (EXAMPLES / "tjansteskrivelser" / "05-familjehemsorganisation.md").read_text(encoding="utf-8")
HUVUD = HUVUD[: HUVUD.index("---", 3) + 3]


def test_minus_sign_never_ends_a_line(tmp_path, runner, profil_file):
    stycken = []
    for k in range(0, 20):
        stycken.append("Nu " * k + "Stöd och omsorg har en nettobudget på -70,1 mnkr för 2024 "
                       "(plan 2025: -71,5 mnkr, plan 2026: -72,9 mnkr) och ett resultat på −3 tkr.")
    src = tmp_path / "minus.md"
    src.write_text(HUVUD + "\n\n# Ärendet\n\n" + "\n\n".join(stycken) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["tjansteskrivelse", str(src), "-o", str(tmp_path / "ut"), "--profil",
                                 str(profil_file)])
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "ut" / "minus.pdf", layout=True)
    assert [line for line in text.splitlines() if line.rstrip().endswith(("-", "−"))] == []
    flat = squash(text)
    assert flat.count("(plan 2025: -71,5 mnkr, plan 2026: -72,9 mnkr)") == len(stycken)
    assert WORD_JOINER not in text
    # The .docx carries the joiner; dates, ranges and phone numbers are left alone.
    body = "\n".join(p.text for p in Document(tmp_path / "ut" / "minus.docx").paragraphs)
    assert f"-{WORD_JOINER}71,5" in body and f"−{WORD_JOINER}3" in body
    assert WORD_JOINER not in body.replace(f"-{WORD_JOINER}7", "").replace(f"−{WORD_JOINER}3", "")
