"""External PDFs read in a process of their own while the build renders, and then the converted
parts as each is converted (assemble.bygg._Forlasning): the package is the same as when the build
reads them itself, and a PDF that cannot be read gives the same error."""

from __future__ import annotations

import json
import shutil

import pytest

from pypdf import PdfReader

from .handling_helpers import REALWORLD, dokument, outline, write_manifest
from rapportgen.assemble import bygg, build_handling
from rapportgen.exceptions import InputError

PDFS = ["pdflatex-4-pages.pdf", "pdflatex-outline.pdf", "multicolumn.pdf", "google-doc-document.pdf"]


def _meeting(folder, extra: str = ""):
    for name in PDFS:
        shutil.copy(REALWORLD / name, folder / name)
    for n in range(3):
        dokument(folder, f"dok{n}.md", f"Genererad bilaga {n}", body=f"Text i den genererade bilagan {n}.")
    items = "".join(f"      - etikett: {name}\n        fil: {name}\n" for name in PDFS) + \
        "".join(f"      - etikett: Bilaga {n}\n        fil: dok{n}.md\n" for n in range(3)) + extra
    return write_manifest(folder, f"  - punkt: 5\n    ärendemening: Externa handlingar\n    bilagor:\n{items}")


def _delar(result) -> list:
    data = json.loads(result.manifest_json.read_text(encoding="utf-8"))
    return [{k: v for k, v in d.items() if k != "sha256"} for d in data["delar"]]


def test_pre_read_parts_give_the_same_package(tmp_path, monkeypatch):
    from .conftest import pdf_text

    hamtade = []
    real = bygg._Forlasning.hamta

    def hamta(self, plan):
        data = real(self, plan)
        hamtade.append(data is not None)
        return data

    monkeypatch.setattr(bygg._Forlasning, "hamta", hamta)
    monkeypatch.setattr(bygg, "FORLASNING_MIN_SIDOR", 10**9)
    (tmp_path / "a").mkdir()
    here = build_handling(_meeting(tmp_path / "a"), tmp_path / "a" / "ut", tvinga=True)
    assert not any(hamtade)
    monkeypatch.setattr(bygg, "FORLASNING_MIN_SIDOR", 1)
    monkeypatch.setenv("RAPPORTGEN_CACHE", str(tmp_path / "annan-cache"))  # read again, not from the cache
    (tmp_path / "b").mkdir()
    there = build_handling(_meeting(tmp_path / "b"), tmp_path / "b" / "ut", tvinga=True)
    # Every external PDF, and the converted parts taken there, came from the other process.
    assert hamtade.count(True) == len(PDFS) + 3
    h1, h2 = here, there
    assert _delar(h1) == _delar(h2)
    assert pdf_text(h1.handling) == pdf_text(h2.handling)
    assert h1.pdfua_problem == h2.pdfua_problem
    assert outline(PdfReader(h1.handling)) == outline(PdfReader(h2.handling))
    assert any(depth == 2 for depth, _t, _p in outline(PdfReader(h2.handling)))  # a PDF's own bookmarks


def test_a_broken_pdf_gives_the_same_error_when_pre_read(tmp_path, monkeypatch):
    errors = []
    for n, minst in enumerate((10**9, 1)):
        monkeypatch.setattr(bygg, "FORLASNING_MIN_SIDOR", minst)
        folder = tmp_path / str(n)
        folder.mkdir()
        (folder / "trasig.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        manifest = _meeting(folder, "      - etikett: Trasig\n        fil: trasig.pdf\n")
        with pytest.raises(InputError) as exc:
            build_handling(manifest, folder / "ut", tvinga=True)
        errors.append(str(exc.value).replace(str(folder), "MAPP"))
    assert errors[0] == errors[1]
    assert "trasig.pdf" in errors[0]
