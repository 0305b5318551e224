"""The body of a report, written with python-docx into docxtpl subdocuments.

Headings use the template's Heading 1-4 styles (so the PDF bookmarks follow
them); every heading is recorded, and the table of contents is a real Word TOC
field whose cached result lists the same headings. Tables repeat their header
row on every page; wide economy tables sit in a landscape section.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ...format import Formatter, format_period
from ...inputs.markdown import Block, Rubrik, Run, parse_body
from ...model.tabelldef import ENHETSTEXT, Definierad, Kolumndef, jamforelse_mening
from ...model.mal import FARGER, PILAR, Mal, Malbild
from ...render.blocks import BlockWriter, column_widths, set_table_style
from ...render.ooxml import cant_split, repeat_header, shade
from ...render.stilar import stilar
from ...model.rapport import Rapport
from . import diagram, prosa

SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

RUBRIKFARG = "DCE3EE"
GRUPPFARG = "F2F4F7"
TOC_INSTR = ' TOC \\o "1-3" \\h \\z \\u '
log = logging.getLogger("rapportgen")


def _run(paragraph, text: str, bold: bool | None = None, italic: bool | None = None,
         size: float | None = None, color: str | None = None, font: str | None = None):
    r = paragraph.add_run(text)
    r.bold = bold
    r.italic = italic
    if size:
        r.font.size = Pt(size)
    if color:
        r.font.color.rgb = RGBColor.from_string(color)
    if font:
        r.font.name = font
        rpr = r._r.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), font)
    return r


@dataclass
class Skrivare:
    """Writes the report body into a subdocument and records its headings."""

    tpl: DocxTemplate
    fmt: Formatter
    rubriker: list[tuple[int, str]] = field(default_factory=list)
    brytningar: int = 0
    liggande_sidfot: dict[str, str] = field(default_factory=dict)  # portrait footer rId -> landscape copy

    def __post_init__(self) -> None:
        self.sd: Subdoc = self.tpl.new_subdoc()
        docx = self.tpl.get_docx()
        self.sectpr = copy.deepcopy(docx.sections[-1]._sectPr)
        sec = docx.sections[-1]
        self.bredd_cm = (sec.page_width - sec.left_margin - sec.right_margin) / 360000
        # A landscape section keeps the side margins: its text is page height minus them wide.
        self.liggande_bredd_cm = (sec.page_height - sec.left_margin - sec.right_margin) / 360000
        self.block_writer = BlockWriter(self.tpl)
        self.stilar = stilar(self.tpl)
        self._rader: dict[tuple, object] = {}  # row shape -> the first row of that shape (_row)

    def _stycke(self, text: str = "", style: str | None = None):
        """A paragraph at the end of the body (sd.add_paragraph, with memoised style lookups)."""
        return self.stilar.stycke(self.sd, text, style)

    # text ----------------------------------------------------------------
    def rubrik(self, level: int, text: str) -> None:
        self._stycke(text, style=f"Heading {level}")
        self.rubriker.append((level, text))

    def stycke(self, text: str, bold: bool | None = None, italic: bool | None = None):
        p = self._stycke(style="Body Text")
        _run(p, text, bold=bold, italic=italic)
        return p

    def etikett(self, text: str) -> None:
        p = self._stycke(style="Body Text")
        _run(p, text, bold=True)
        p.paragraph_format.space_after = Pt(2)
        p.paragraph_format.keep_with_next = True

    def punkter(self, items: Iterable[str]) -> None:
        for item in items:
            self._stycke(item, style="List Bullet")

    def markdown(self, blocks: list[Block], bas: int) -> None:
        """Markdown blocks; their headings (#, ##) start at level bas and enter the TOC."""
        self.block_writer.rubrik_bas = bas
        for block in blocks:
            self.block_writer.write(self.sd, block, 1)
            if isinstance(block, Rubrik):
                self.rubriker.append((min(9, bas + max(0, block.niva - 2)), block.text))

    def markdown_text(self, text: str, bas: int, fil) -> None:
        if text.strip():
            self.markdown(parse_body(text, fil), bas)

    def status(self, mal: Mal) -> None:
        if mal.status is None:
            return
        p = self._stycke(style="Body Text")
        _run(p, PILAR[mal.status], bold=True, size=16, color=FARGER[mal.status], font="DejaVu Sans")
        _run(p, "  " + (mal.statusetikett or ""), bold=True)

    def bild(self, bild: diagram.Diagram, text: str) -> None:
        """A chart: the SVG is the picture (vector, text in the body font), with the alt text from the data."""
        p = self._stycke(style="Body Text")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        shape = p.add_run().add_picture(bild.storlek_png(), width=Cm(bild.bredd_cm))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", bild.alt)
        doc_pr.set("title", text)
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        png_rid = blip.get(qn("r:embed"))
        part = self.sd.part
        name = PackURI(f"/word/media/diagram-{hashlib.sha256(bild.svg).hexdigest()[:16]}.svg")
        svg_part = next((q for q in part.package.iter_parts() if q.partname == name), None)
        if svg_part is None:
            svg_part = Part(name, "image/svg+xml", bild.svg, part.package)
        svg_rid = part.relate_to(svg_part, RT.IMAGE)
        # LibreOffice draws the main picture (SVG: vector); Word 2016+ reads the SVG extension.
        blip.set(qn("r:embed"), svg_rid)
        ext_list = OxmlElement("a:extLst")
        ext = OxmlElement("a:ext")
        ext.set("uri", "{96DAC541-7B7A-43D3-8B79-37D633B846F1}")
        svg_blip = parse_xml(f'<asvg:svgBlip xmlns:asvg="{SVG_NS}" xmlns:r="{R_NS}" r:embed="{svg_rid}"/>')
        ext.append(svg_blip)
        ext_list.append(ext)
        blip.append(ext_list)
        if not any(b.get(qn("r:embed")) == png_rid for b in part.element.iter(qn("a:blip"))):
            part.drop_rel(png_rid)
        cap = self._stycke(style="Body Text")
        _run(cap, text, italic=True, size=9)

    # sections --------------------------------------------------------------
    def sektionsbrytning(self, liggande: bool) -> None:
        """End the current section here; it is landscape when liggande."""
        sect = copy.deepcopy(self.sectpr)
        if self.brytningar:
            title_pg = sect.find(qn("w:titlePg"))
            if title_pg is not None:
                sect.remove(title_pg)
        if liggande:
            pg = sect.find(qn("w:pgSz"))
            w, h = pg.get(qn("w:w")), pg.get(qn("w:h"))
            pg.set(qn("w:w"), h)
            pg.set(qn("w:h"), w)
            pg.set(qn("w:orient"), "landscape")
            self._liggande_sidfot(sect)
        p = self._stycke()
        p._p.get_or_add_pPr().append(sect)
        self.brytningar += 1

    def _liggande_sidfot(self, sect) -> None:
        """Point a landscape section at copies of its footers whose right tab stops (the page
        number) sit at the landscape text width instead of the portrait one."""
        docx = self.tpl.get_docx()
        sec = docx.sections[-1]
        delta = int((sec.page_height - sec.page_width) / 635)  # EMU -> twips
        for ref in sect.findall(qn("w:footerReference")):
            rid = ref.get(qn("r:id"))
            if rid not in self.liggande_sidfot:
                part = docx.part.related_parts[rid]
                copy_part, copy_rid = docx.part.add_footer_part()
                copy_part._element = copy.deepcopy(part.element)
                for tab in copy_part.element.iter(qn("w:tab")):
                    if tab.get(qn("w:val")) in ("right", "end", "center") and tab.get(qn("w:pos")):
                        shift = delta if tab.get(qn("w:val")) != "center" else delta // 2
                        tab.set(qn("w:pos"), str(int(tab.get(qn("w:pos"))) + shift))
                self.liggande_sidfot[rid] = copy_rid
            ref.set(qn("r:id"), self.liggande_sidfot[rid])

    # tables ----------------------------------------------------------------
    def _table(self, header: list[str], widths: list[float], size: float = 8.5, right: list[bool] | None = None):
        table = self.sd.add_table(rows=1, cols=len(header))
        set_table_style(table, self.sd, self.stilar)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        for i, col in enumerate(table.columns):
            col.width = Cm(widths[i])
        row = table.rows[0]
        cells = row.cells  # python-docx lays out the whole row on every .cells
        for i, text in enumerate(header):
            cell = cells[i]
            cell.width = Cm(widths[i])
            p = cell.paragraphs[0]
            _run(p, text, bold=True, size=size)
            if (right[i] if right is not None else i):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            shade(cell, RUBRIKFARG)
        # Schema order within w:trPr: cantSplit before tblHeader.
        cant_split(row)
        repeat_header(row)
        return table

    def _row(self, table, values: list[str], widths: list[float], bold: bool = False,
             italic: bool = False, fill: str | None = None, size: float = 8.5, keep: bool = False,
             right: list[bool] | None = None) -> None:
        """A table row. The first row of each shape (widths, which cells have text, the flags) is
        written with python-docx; a later row of the same shape is a copy of it with its own
        texts, set as python-docx sets a run's text (a report's tables have hundreds of rows)."""
        tbl = table._tbl
        grid = tuple(g.w for g in tbl.tblGrid.gridCol_lst)
        shape = (grid, tuple(widths), tuple(bool(t) for t in values), bold, italic, fill, size, keep,
                 None if right is None else tuple(right))
        prototype = self._rader.get(shape)
        if prototype is None:
            self._rad_med_python_docx(table, values, widths, bold, italic, fill, size, keep, right)
            self._rader[shape] = copy.deepcopy(tbl.tr_lst[-1])
            return
        tr = copy.deepcopy(prototype)
        for tc, text in zip(tr.tc_lst, values):
            if text:
                tc.p_lst[0].r_lst[0].text = text
        tbl.append(tr)

    def _rad_med_python_docx(self, table, values: list[str], widths: list[float], bold: bool, italic: bool,
                             fill: str | None, size: float, keep: bool, right: list[bool] | None) -> None:
        row = table.add_row()
        cant_split(row)
        cells = row.cells
        for i, text in enumerate(values):
            cell = cells[i]
            cell.width = Cm(widths[i])
            p = cell.paragraphs[0]
            if text:
                _run(p, text, bold=bold or None, italic=italic or None, size=size)
            if (right[i] if right is not None else i):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if keep:  # a group's rows stay on one page
                p.paragraph_format.keep_with_next = True
            if fill:
                shade(cell, fill)

    def _after_table(self) -> None:
        p = self._stycke(style="Body Text")
        p.paragraph_format.space_after = Pt(4)

    def _stil(self, namn: str | None, standard: str, vad: str) -> str:
        """A style the definition names, if the template has it; else the shipped one (noted)."""
        if not namn:
            return standard
        try:
            self.stilar[namn]
            return namn
        except KeyError:
            log.warning("Obs: mallen saknar %s '%s'; tabellen använder '%s' (lägg till formatet i mallen "
                        "för att styra utseendet själv)", vad, namn, standard)
            return standard

    def definierad(self, t: Definierad, rubrik: bool = True, period: str = "", namnd: str = "") -> None:
        """A table by its definition: heading (unless the caller wrote its own section heading),
        unit line, the table (with visa: totalt och grupper, the total's table and the groups'
        table), the note under it. period and namnd fill the headings' placeholders."""
        defn = t.definition
        kolumner = list(t.visade)
        if not any(k.typ == "etikett" for k in kolumner):
            kolumner.insert(0, Kolumndef.model_construct(namn=defn.fyll(defn.etikettrubrik, period, namnd),
                                                         typ="etikett", art=None, ar=None, synonymer=[], formel=None,
                                                         valfri=False))
        n = len(kolumner)
        liggande = defn.liggande if defn.liggande is not None else n >= defn.liggande_fran
        if liggande:
            self.sektionsbrytning(liggande=False)
        if rubrik:
            rubrikstil = self._stil(defn.rubrikstil, "Heading 2", "rubrikformatet")
            self._stycke(defn.titel, style=rubrikstil)
            if rubrikstil.startswith("Heading ") and rubrikstil[8:].isdigit():
                self.rubriker.append((int(rubrikstil[8:]), defn.titel))
        bredd = self.liggande_bredd_cm if liggande else self.bredd_cm
        enhetstext = ENHETSTEXT[defn.enhet] if defn.enhetstext is None else defn.enhetstext
        if enhetstext:
            p = self._stycke(style="Body Text")
            _run(p, enhetstext, italic=True, size=8.5)
            p.paragraph_format.space_after = Pt(2)
            p.paragraph_format.keep_with_next = True
        size = defn.storlek or (8.5 if n <= 8 else 7.5)
        # Widths: text columns by their content (at most a third of the page each).
        texts = {k.rubrik: max([len(k.namn or "")] + [len(r.etikett if k.typ == "etikett" else r.texter.get(k.rubrik, ""))
                                                  for r in t.rader]) for k in kolumner if k.typ != "belopp"}
        char = 0.16 if size < 8 else 0.18
        text_w = {name: min(max(1.2, w * char + 0.4), bredd * 0.35) for name, w in texts.items()}
        belopp = [k for k in kolumner if k.typ == "belopp"]
        # Amount columns get room for their longest heading word ('Projektbudget') and a figure;
        # text columns give way (they wrap) when the page is too narrow; the rest is shared.
        minst = {k.rubrik: max(1.6, max(len(w) for w in k.rubrik.split()) * 0.13 + 0.3) for k in belopp}
        ord_w = {k.rubrik: max([1.0, *(len(w) * char + 0.4 for r in t.rader for w in
                                       (r.etikett if k.typ == "etikett" else r.texter.get(k.rubrik, "")).split())])
                 for k in kolumner if k.typ != "belopp"}
        over = sum(text_w.values()) + sum(minst.values()) - bredd
        for name in sorted(text_w, key=lambda n: -text_w[n]):  # the widest text column wraps first
            if over <= 0:
                break
            give = min(over, max(0.0, text_w[name] - ord_w[name]))
            text_w[name] -= give
            over -= give
        rest = max(0.0, bredd - sum(text_w.values()) - sum(minst.values()))
        vikt = {k.rubrik: max(7, min(len(k.rubrik), 12)) for k in belopp}
        widths = [text_w[k.rubrik] if k.typ != "belopp"
                  else minst[k.rubrik] + rest * vikt[k.rubrik] / sum(vikt.values()) for k in kolumner]
        if defn.bredd is not None and belopp:  # fixed widths: the label column, the amounts share the rest
            label_w = defn.bredd.etikett(bredd, len(belopp))
            widths = [label_w if k.typ == "etikett" else (bredd - label_w) / len(belopp) for k in kolumner]
        delar = [([(k.namn or "") for k in kolumner if k.typ == "etikett"], t.rader)]
        if defn.visa == "totalt och grupper":  # the total first, as its own table
            total = defn.fyll(defn.total_etikettrubrik or defn.etikettrubrik, period, namnd)
            delar = [([total] * sum(k.typ == "etikett" for k in kolumner), [r for r in t.rader if r.block is None]),
                     ([(k.namn or "") for k in kolumner if k.typ == "etikett"],
                      [r for r in t.rader if r.block is not None])]
        for i, (etiketter, rader) in enumerate(delar):
            if i:
                self._after_table()
            self._definierad_tabell(t, kolumner, list(etiketter), rader, widths, size, namnd)
        if defn.not_:
            p = self._stycke(style="Body Text")
            _run(p, defn.not_, italic=True, size=8.5)
        else:
            self._after_table()
        if liggande:
            self.sektionsbrytning(liggande=True)

    def _definierad_tabell(self, t: Definierad, kolumner: list[Kolumndef], etiketter: list[str],
                           rader: list, widths: list[float], size: float, namnd: str) -> None:
        defn = t.definition
        rubriker = iter(etiketter)
        header = [next(rubriker) if k.typ == "etikett" else k.rubrik for k in kolumner]
        table = self._table(header, widths, size=size, right=[k.typ == "belopp" for k in kolumner])
        stil = self._stil(defn.tabellstil, "", "tabellformatet")
        if stil:
            self.stilar.tabellstil(table, self.stilar[stil])
        summor = [r for r in rader if r.typ == "summa"]
        sista = summor[-1] if summor and defn.skugga_summa else None
        lang = bool(defn.lasning.gruppkolumn)
        shown: list[tuple[str, list[Decimal | None]]] = []  # the exact kronor behind the table
        for r in rader:
            values = []
            for k in kolumner:
                if k.typ == "etikett":  # the total's title row may name the nämnd
                    values.append(defn.fyll(r.etikett, namnd=namnd) if r.typ == "grupp" and r.block is None
                                  else r.etikett)
                elif k.typ == "text":
                    values.append(r.texter.get(k.rubrik, ""))
                elif r.typ == "grupp":
                    values.append("")
                else:
                    values.append(self.fmt.belopp(r.varden.get(k.rubrik), defn.enhet, med_enhet=False))
            bold = r.typ in ("grupp", "summa")
            fill = GRUPPFARG if r.typ == "grupp" or r is sista else None
            # A group's heading stays with its first row; a long sheet's group (and total) stays on one page.
            keep = r.typ == "grupp" or (lang and r.typ != "summa")
            self._row(table, values, widths, bold=bold, italic=r.typ == "varav", fill=fill, size=size,
                      keep=keep, right=[k.typ == "belopp" for k in kolumner])
            shown.append((values[0] if kolumner[0].typ == "etikett" else r.etikett,
                          [None if r.typ == "grupp" else r.varden.get(k.rubrik) for k in kolumner if k.typ == "belopp"]))
        _verifiera_genererad(header[0], [header[0], *(k.rubrik for k in kolumner if k.typ == "belopp")], shown, t.fil)

    def nyckeltal(self, header: list[str], rows: list[list[str]]) -> None:
        n = len(header)
        cells = [[[Run(t)] for t in row] for row in [header, *rows]]
        widths = column_widths(cells, n, self.bredd_cm, 0.17)
        table = self._table(header, widths, size=8.5)
        for values in rows:
            self._row(table, values + [""] * (n - len(values)), widths)
        self._after_table()


def _verifiera_genererad(namn: str, huvud: list[str], rader: list[tuple[str, list[Decimal | None]]],
                         fil: str) -> None:
    """A generated table passes the table model's checks on the exact kronor behind it (a
    summary row counted twice, a difference of the wrong columns); a failure stops the build."""
    from ...checks.base import Kontrollkontext
    from ...checks.tabell import verifiera
    from ...config import Profil
    from ...exceptions import CheckFailed
    from ...model.tabell import Tabellcell, Tabellmodell, Tabellrad

    model = Tabellmodell(str(fil), f"den genererade tabellen '{namn}'", huvud[0], huvud[1:], enhet="kr")
    for label, values in rader:
        model.rader.append(Tabellrad(label, [Tabellcell("", v, Decimal(0), None) for v in values]))
    fel = list(verifiera(model, Kontrollkontext(Profil())))
    if fel:
        raise CheckFailed("en genererad tabell stämmer inte med sina egna summor:\n"
                          + "\n".join("  " + f.format() for f in fel))


def toc(tpl: DocxTemplate, rubriker: list[tuple[int, str]]) -> Subdoc:
    """A Word TOC field over Heading 1-3; its cached result lists the headings (no page numbers
    until a converter or Word updates the field)."""
    sd = tpl.new_subdoc()
    st = stilar(tpl)
    entries = [(lvl, text) for lvl, text in rubriker if lvl <= 3]

    def fld(p, kind: str) -> None:
        r = OxmlElement("w:r")
        fc = OxmlElement("w:fldChar")
        fc.set(qn("w:fldCharType"), kind)
        r.append(fc)
        p._p.append(r)

    for i, (lvl, text) in enumerate(entries):
        p = st.stycke(sd, style=f"toc {lvl}")
        if i == 0:
            fld(p, "begin")
            r = OxmlElement("w:r")
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = TOC_INSTR
            r.append(instr)
            p._p.append(r)
            fld(p, "separate")
        p.add_run(text)
        if i == len(entries) - 1:
            fld(p, "end")
    return sd


def _mal(s: Skrivare, doc: Rapport, mal: Mal, malfil) -> None:
    s.rubrik(3, mal.rubrik)
    s.status(mal)
    s.markdown_text(mal.text, 4, malfil)
    if mal.bidrag:
        vad = "inriktningsmålet" if mal.typ == "inriktningsmål" else "uppdraget"
        s.etikett(f"{doc.falt.namnd} bidrar till {vad} genom att:")
        s.punkter(mal.bidrag)
    if mal.forvantad_effekt:
        s.etikett("Förväntad effekt:")
        s.punkter(mal.forvantad_effekt)
    if mal.uppfoljning.strip():
        s.etikett("Uppföljning och effekt:")
        s.markdown_text(mal.uppfoljning, 4, malfil)
    if mal.analys.strip():
        s.etikett("Analys:")
        s.markdown_text(mal.analys, 4, malfil)


def _malbild(s: Skrivare, doc: Rapport, mb: Malbild) -> None:
    malfil = doc.malfil or doc.fil
    s.rubrik(2, mb.rubrik)
    s.markdown_text(mb.text, 4, malfil)
    for mal in mb.mal:
        _mal(s, doc, mal, malfil)
    if mb.namn in doc.nyckeltal:
        header, rows = doc.nyckeltal[mb.namn]
        # A sibling of the goals (same level), so it belongs to the målbild in the bookmarks.
        s.rubrik(3, "Nyckeltal")
        s.nyckeltal(header, rows)


def _kommentar(s: Skrivare, doc: Rapport, namn: str, redan: str | None = None) -> None:
    """The comment written for namn; none when it was already written under redan (an område
    named like its verksamhet shares one comment)."""
    if namn in doc.kommentarer and namn != redan:
        s.markdown(doc.kommentarer[namn], 4)


def _ekonomi_definierad(s: Skrivare, doc: Rapport) -> None:
    """Economy from tables declared by definitions: the comparisons, then each table with the
    comments on its rows."""
    s.rubrik(1, "Ekonomi")
    meningar = [jamforelse_mening(t, j, s.fmt) for t in doc.tabeller for j in t.definition.jamforelse]
    if meningar or doc.falt.namnd in doc.kommentarer:
        s.rubrik(2, "Sammanfattning")
        for text in meningar:
            s.stycke(text)
        _kommentar(s, doc, doc.falt.namnd)
    skrivna = {doc.falt.namnd}
    for t in doc.tabeller:
        s.definierad(t)
        for r in t.rader:
            # Comments on a row, or on a long sheet's group (a verksamhet), after the table.
            if (r.typ == "detalj" or (r.typ == "grupp" and r.block)) and r.etikett in doc.kommentarer \
                    and r.etikett not in skrivna:
                s.rubrik(3, r.etikett)
                _kommentar(s, doc, r.etikett)
                skrivna.add(r.etikett)


def _ekonomi(s: Skrivare, doc: Rapport) -> None:
    if doc.drift is None:
        _ekonomi_definierad(s, doc)
        return
    d = doc.drift
    fmt = s.fmt
    delar = doc.typ == "delarsrapport"
    s.rubrik(1, "Ekonomi")
    s.rubrik(2, "Sammanfattning")
    for text in (prosa.delar_sammanfattning(doc, fmt) if delar else prosa.plan_sammanfattning(doc, fmt)):
        s.stycke(text)
    _kommentar(s, doc, doc.falt.namnd)
    # The definition draws the tables: heading, labels, widths, landscape (Timrå: rapportgen/tabeller/timra.yaml).
    period = format_period(doc.period, "kort") if doc.period else ""
    s.definierad(d.tabell, period=period, namnd=doc.falt.namnd)
    if delar:
        # After the tables, on the portrait page that opens the area comments (not alone on a page).
        s.bild(diagram.budget_prognos(d, fmt, bredd_cm=min(15.0, s.bredd_cm)),
               f"Diagram: nettokostnad per verksamhet, {d.rollkolumn('budget').lower()} och "
               f"{d.rollkolumn('prognos').lower()} (mnkr).")
    for omrade in d.omraden():
        kort = doc.omrade_kort.get(omrade)
        s.rubrik(3, f"{omrade} ({kort})" if kort else omrade)
        s.stycke(prosa.delar_omrade(doc, fmt, omrade) if delar else prosa.plan_omrade(doc, fmt, omrade))
        _kommentar(s, doc, omrade)
        if delar:
            for v in d.i_omrade(omrade):
                first, forecast = prosa.delar_verksamhet(doc, fmt, v)
                s.etikett(first)
                _kommentar(s, doc, v.namn, omrade)
                s.stycke(forecast)
        else:
            for v in d.i_omrade(omrade):
                _kommentar(s, doc, v.namn, omrade)
    if delar and doc.volymer is not None:
        s.rubrik(2, "Volymer")
        s.stycke(f"Volymer per månad {doc.volymer.ar} enligt volymrapporten.")
        s.bild(diagram.volymer(doc.volymer, fmt, bredd_cm=min(16.0, s.bredd_cm)), "Diagram: volymer per månad.")
    if doc.investeringar is not None:
        inv = doc.investeringar
        s.rubrik(2, "Investeringsredovisning med prognos" if delar else "Investeringsbudget")
        s.stycke(prosa.delar_investeringar(inv, fmt) if delar else prosa.plan_investeringar(inv, fmt))
        s.definierad(inv.tabell, rubrik=False)  # under the section heading and its prose
    for t in doc.tabeller:
        s.definierad(t)


def skriv(doc: Rapport, tpl: DocxTemplate, fmt: Formatter) -> tuple[Subdoc, Subdoc, list[tuple[int, str]]]:
    """The body and the table of contents of a report, and its headings."""
    s = Skrivare(tpl, fmt)
    s.rubrik(1, "Nämndens ansvars- och verksamhetsområden")
    people = [(label, value) for label, value in (("Nämndens ordförande", doc.falt.ordforande),
                                                  ("Förvaltningschef", doc.falt.forvaltningschef)) if value]
    for label, value in people:
        p = s._stycke(style="Body Text")
        _run(p, f"{label}: ", bold=True)
        _run(p, value)
    s.markdown(doc.texter["ansvarsomraden"], 2)
    if "omvarld" in doc.texter:
        s.rubrik(1, "Omvärld och förutsättningar")
        s.markdown(doc.texter["omvarld"], 2)
    s.rubrik(1, "Bidrag till mål och uppdrag")
    for mb in doc.malbilder:
        _malbild(s, doc, mb)
    _ekonomi(s, doc)
    if "privata_utforare" in doc.texter:
        s.rubrik(1, "Uppföljning av privata utförare")
        s.markdown(doc.texter["privata_utforare"], 2)
    if "strategier" in doc.texter:
        s.rubrik(1, "Strategier för måluppfyllelse")
        s.markdown(doc.texter["strategier"], 2)
    if s.brytningar:
        # The cover's first-page setting belongs to the first section only.
        final = tpl.get_docx().sections[-1]
        final.different_first_page_header_footer = False
        _sista_liggande(s, tpl)
    return s.sd, toc(tpl, s.rubriker), s.rubriker


def _sista_liggande(s: Skrivare, tpl: DocxTemplate) -> None:
    """A body that ends on a landscape section (a wide table last) would leave an empty portrait
    page after it. When nothing in the template follows the body, the break is dropped and the
    document's final section becomes that landscape section."""
    body = s.sd.subdocx.element.body
    blocks = [el for el in body if el.tag != qn("w:sectPr")]
    if not blocks or blocks[-1].tag != qn("w:p"):
        return
    ppr = blocks[-1].find(qn("w:pPr"))
    sect = ppr.find(qn("w:sectPr")) if ppr is not None else None
    pg = sect.find(qn("w:pgSz")) if sect is not None else None
    if pg is None or pg.get(qn("w:orient")) != "landscape":
        return
    doc_body = tpl.get_docx().element.body
    tail = False
    for el in doc_body:
        if el.tag == qn("w:sectPr"):
            continue
        text = "".join(t.text or "" for t in el.iter(qn("w:t")))
        if tail and (text.strip() or el.tag != qn("w:p") or next(el.iter(qn("w:drawing")), None) is not None):
            return  # the template has content after the body: keep the break
        if re.search(r"\{\{p\s*innehall\s*\}\}", text):
            tail = True
    if not tail:
        return
    final = doc_body.find(qn("w:sectPr"))
    if final is None:
        return
    body.remove(blocks[-1])
    for child in list(final):
        if child.tag in (qn("w:pgSz"), qn("w:footerReference"), qn("w:headerReference")):
            final.remove(child)
    for child in sect:
        if child.tag in (qn("w:footerReference"), qn("w:headerReference")):
            final.insert(0, copy.deepcopy(child))
    # Schema order: header/footer references first, then pgSz before pgMar.
    pg_mar = final.find(qn("w:pgMar"))
    if pg_mar is not None:
        pg_mar.addprevious(copy.deepcopy(pg))
    else:
        final.append(copy.deepcopy(pg))
    s.brytningar -= 1
