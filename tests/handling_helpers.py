"""Shared helpers for the sammanträdeshandling tests."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from .conftest import pdf_page_text, pdf_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sammantrade-2023-09-19"
REALWORLD = Path("/work/shared/realworld-pdfs")
PROFILE = ROOT / "examples" / "rapportgen.yaml"


def page_text(pdf: Path, page: int) -> str:
    """pdftotext of one 1-based page."""
    return pdf_page_text(pdf, page)


def all_text(pdf: Path) -> str:
    return pdf_text(pdf)


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every outline item."""
    out: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for it in items:
            if isinstance(it, list):
                walk(it, depth + 1)
            else:
                out.append((depth, it.title, reader.get_destination_page_number(it) + 1))

    walk(reader.outline, 0)
    return out


MEETING = """\
nämnd: Socialnämnden
datum: 2023-09-19
klockan: "08:00"
lokal: Alliancen
ort: Timrå
sammankallande: {namn: Johanna Bergsten, roll: ordförande}
ledamöter: [Johanna Bergsten (S), Håkan Svensson (M)]
ersättare: [Pirjo Jonsson (S)]
vid_förhinder: {namn: Christina Hjalte, telefon: 060-16 32 99}
"""


def write_manifest(folder: Path, arenden_yaml: str, name: str = "sammantrade.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(MEETING + "ärenden:\n" + arenden_yaml, encoding="utf-8")
    return path


def dokument(folder: Path, name: str, titel: str, body: str = "Text i dokumentet.") -> Path:
    path = folder / name
    path.write_text(f"---\ntyp: dokument\ntitel: {titel}\n---\n\n{body}\n", encoding="utf-8")
    return path
