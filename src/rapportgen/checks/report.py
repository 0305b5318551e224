"""Print findings grouped by document, as plain text or with rich."""

from __future__ import annotations

from pathlib import Path

from typing import TextIO

from ..model.finding import Finding, Severity
from ..model.kontroll import Dokumentresultat, Kontrollrapport

_STYLE = {Severity.FEL: "bold red", Severity.VARNING: "yellow", Severity.INFO: "cyan"}


def _title(d: Dokumentresultat) -> str:
    return f"{d.fil} ({d.typ})" if d.typ else str(d.fil)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(rapport: Kontrollrapport) -> str:
    parts = [_plural(rapport.antal_fel, "fel", "fel"),
             _plural(rapport.antal_varningar, "varning", "varningar")]
    if rapport.antal_indatafel:
        parts.append(_plural(rapport.antal_indatafel, "oläslig fil", "olästa filer"))
    return f"Totalt: {', '.join(parts)} i {_plural(len(rapport.dokument), 'dokument', 'dokument')}."


def _plats(f: Finding, fil: Path | None = None) -> str:
    """Where the finding is; names its file when that is not the checked one (a package's parts)."""
    if fil is not None and f.dokument and Path(f.dokument) != Path(fil):
        return ", ".join(p for p in (f.dokument, f.plats) if p)
    return f.plats or ""


def _indata_plats(d) -> str:
    """Where an input error is; names the file when it is another than the checked one."""
    fel = d.indatafel
    fil = fel.fil if fel.fil and Path(fel.fil) != Path(d.fil) else None
    return ", ".join(p for p in (fil, fel.plats) if p)


def finding_line(f: Finding, fil: Path | None = None) -> str:
    plats = _plats(f, fil)
    where = f"{plats}: " if plats else ""
    extra = f" ({f.jamforelse})" if f.jamforelse else ""
    return f"{f.severity.value.upper():<8} {where}{f.meddelande}{extra} [{f.kod}]"


def format_plain(rapport: Kontrollrapport) -> str:
    lines: list[str] = []
    for d in rapport.dokument:
        if d.indatafel is not None:
            lines.append(_title(d))
            plats = _indata_plats(d)
            where = f"{plats}: " if plats else ""
            lines.append(f"  {'INDATA':<8} {where}{d.indatafel.detalj}")
        elif not d.findings:
            lines.append(f"{_title(d)}: inga anmärkningar")
        else:
            lines.append(_title(d))
            lines.extend(f"  {finding_line(f, d.fil)}" for f in d.findings)
    lines.append("")
    lines.append(summary(rapport))
    return "\n".join(lines)


def print_rich(rapport: Kontrollrapport, file: TextIO | None = None) -> None:
    from rich.console import Console  # only for a terminal: plain text needs none of it
    from rich.table import Table
    from rich.text import Text

    console = Console(file=file, highlight=False)
    for d in rapport.dokument:
        if d.indatafel is None and not d.findings:
            console.print(Text.assemble((_title(d), "bold"), ": ", ("inga anmärkningar", "green")))
            continue
        table = Table(title=_title(d), title_justify="left", title_style="bold", expand=False,
                      show_lines=False)
        for col in ("Allvar", "Plats", "Vad", "Förväntat", "Funnet", "Kontroll"):
            table.add_column(col, overflow="fold")
        if d.indatafel is not None:
            table.add_row(Text("INDATA", "bold magenta"), _indata_plats(d),
                          d.indatafel.detalj, "", "", "")
        for f in d.findings:
            table.add_row(Text(f.severity.value.upper(), _STYLE[f.severity]), _plats(f, d.fil),
                          f.meddelande, f.forvantat or "", f.funnet or "", f.kod)
        console.print(table)
    style = "bold red" if rapport.exit_code else "bold green"
    console.print(Text(summary(rapport), style))
