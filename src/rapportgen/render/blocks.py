"""Markdown blocks to a docxtpl subdocument, using the template's own styles.

Styles are looked up by their built-in names (Heading 3, List Bullet, ...),
which Word keeps in every language, so a Swedish Word template works too.
"""

from __future__ import annotations

import re

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ..exceptions import TemplateError
from ..inputs.markdown import Block, Lista, Rubrik, Run, Stycke, Tabell
from .ooxml import cant_split, repeat_header
from .stilar import Stilar, stilar

TABLE_STYLE_CANDIDATES = ("Rapportgen tabell", "Table Grid")
# Spaces inside numbers ("-392 928") must not wrap.
NUMBER_SPACE = re.compile(r"(?<=\d) (?=\d{3}\b)")
_ALIGN = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}


def _style(st: Stilar, name: str, fallback: str | None = None):
    try:
        return st[name]
    except KeyError:
        if fallback:
            return _style(st, fallback)
        raise TemplateError(f"mallen saknar formatmallen '{name}'") from None


def set_table_style(table, doc, st: Stilar | None = None) -> None:
    """The template's own table style if it has one, else Word's Table Grid."""
    st = st or Stilar(doc)
    for candidate in TABLE_STYLE_CANDIDATES:
        try:
            st.tabellstil(table, st[candidate])
            return
        except KeyError:
            continue


def add_runs(paragraph, runs: list[Run]) -> None:
    for run in runs:
        if run.radbrytning:
            paragraph.add_run().add_break()
        r = paragraph.add_run(run.text)
        r.bold = run.fet or None
        r.italic = run.kursiv or None
        if run.kod:
            r.font.name = "Liberation Mono"


def column_widths(rows: list[list[list[Run]]], ncols: int, total_cm: float, char_cm: float = 0.2) -> list[float]:
    """Share the text width: each column gets room for its longest word, the rest by content."""
    pad = 0.4
    longest, word = [1] * ncols, [1] * ncols
    for cells in rows:
        for ci in range(min(ncols, len(cells))):
            text = "".join(r.text for r in cells[ci])
            longest[ci] = max(longest[ci], len(text))
            word[ci] = max([word[ci], *(len(w) for w in text.split())])
    floor = [w * char_cm + pad for w in word]
    if sum(floor) >= total_cm:
        scale = total_cm / sum(floor)
        return [round(f * scale, 2) for f in floor]
    extra = [max(0, min(l, 60) - w) for l, w in zip(longest, word)]
    spare = total_cm - sum(floor)
    share = sum(extra) or 1
    return [round(f + spare * e / share, 2) if sum(extra) else round(f + spare / ncols, 2)
            for f, e in zip(floor, extra)]


def _restart_numbering(doc, style) -> int | None:
    """A new w:num for the style's list, starting at 1, so each list counts from 1."""
    pPr = style.element.pPr
    if pPr is None or pPr.numPr is None or pPr.numPr.numId is None:
        return None
    numbering = doc.part.numbering_part.element
    num = numbering.num_having_numId(pPr.numPr.numId.val)
    new = numbering.add_num(num.abstractNumId.val)
    new.add_lvlOverride(ilvl=0).add_startOverride(1)
    return new.numId


def _set_num(paragraph, num_id: int, ilvl: int = 0) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    numPr = pPr.get_or_add_numPr()
    numPr.get_or_add_ilvl().val = ilvl
    numPr.get_or_add_numId().val = num_id


class BlockWriter:
    def __init__(self, tpl: DocxTemplate, rubrik_bas: int = 3):
        self.tpl = tpl
        self.rubrik_bas = rubrik_bas
        section = tpl.get_docx().sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        self.textbredd_cm = width / 360000 if width else 16.0
        self.stilar = stilar(tpl)

    def subdoc(self, blocks: list[Block], sektionsniva: int = 1) -> Subdoc:
        sd = self.tpl.new_subdoc()
        for block in blocks:
            self.write(sd, block, sektionsniva)
        return sd

    def write(self, sd: Subdoc, block: Block, sektionsniva: int) -> None:
        if isinstance(block, Rubrik):
            level = min(9, self.rubrik_bas + max(0, block.niva - sektionsniva - 1))
            p = self.stilar.stycke(sd, style=_style(self.stilar, f"Heading {level}"))
            add_runs(p, block.runs)
        elif isinstance(block, Stycke):
            p = self.stilar.stycke(sd, style=_style(self.stilar, "Body Text", "Normal"))
            add_runs(p, block.runs)
        elif isinstance(block, Lista):
            self.lista(sd, block, 1)
        elif isinstance(block, Tabell):
            self.tabell(sd, block)

    def lista(self, sd: Subdoc, lista: Lista, depth: int) -> None:
        base = "List Number" if lista.numrerad else "List Bullet"
        name = base if depth == 1 else f"{base} {min(depth, 3)}"
        style = _style(self.stilar, name, base)
        num_id = _restart_numbering(sd, style) if lista.numrerad else None
        for punkt in lista.punkter:
            p = self.stilar.stycke(sd, style=style)
            if num_id is not None:
                _set_num(p, num_id, 0)
            add_runs(p, punkt.runs)
            if punkt.underlista is not None:
                self.lista(sd, punkt.underlista, depth + 1)

    def tabell(self, sd: Subdoc, tabell: Tabell) -> None:
        ncols = max([len(tabell.huvud)] + [len(r) for r in tabell.rader])
        rows = [tabell.huvud] + tabell.rader
        table = sd.add_table(rows=len(rows), cols=ncols)
        table.autofit = False
        small = ncols > 5
        widths = column_widths(rows, ncols, self.textbredd_cm, 0.17 if small else 0.2)
        set_table_style(table, sd, self.stilar)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for ci, col in enumerate(table.columns):
            col.width = Cm(widths[ci])
        for ri, cells in enumerate(rows):
            row = table.rows[ri]
            row_cells = row.cells  # python-docx lays out the whole row on every .cells
            for ci in range(ncols):
                runs = [Run(NUMBER_SPACE.sub("\u00a0", r.text), r.fet, r.kursiv, r.kod, r.radbrytning)
                        for r in (cells[ci] if ci < len(cells) else [])]
                cell = row_cells[ci]
                cell.width = Cm(widths[ci])
                p = cell.paragraphs[0]
                if ri == 0:
                    runs = [Run(r.text, True, r.kursiv, r.kod) for r in runs]
                add_runs(p, runs)
                if small:
                    for r in p.runs:
                        r.font.size = Pt(9)
                align = tabell.justering[ci] if ci < len(tabell.justering) else "left"
                if align in _ALIGN:
                    p.alignment = _ALIGN[align]
                p.paragraph_format.space_after = Pt(0)
        # Header row repeats on every page and never splits.
        repeat_header(table.rows[0])
        for row in table.rows:
            cant_split(row)
        self.stilar.stycke(sd, style=_style(self.stilar, "Body Text", "Normal"))
