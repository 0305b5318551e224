"""Check stage: small functions over a model that yield findings.

A check is registered for a model type and yields Finding objects:

    from rapportgen.checks import Finding, Kontrollkontext, Severity, check

    @check(Delarsrapport, "netto")                  # runs for every Delarsrapport
    def netto(doc, ktx: Kontrollkontext):           # ktx is optional: def netto(doc) also works
        ...
        yield Finding(Severity.FEL, "netto", str(doc.fil), "NETTO är inte INTÄKTER + KOSTNADER",
                      plats="blad Drift, cell D14", forvantat="-335 978", funnet="-335 970")

run_checks(obj, profil) runs every check registered for obj's type (and its
base types). Checks get the organisation profile through Kontrollkontext:
its formatter, rounding tolerance (checks.numeric) and dnr pattern. Shared
building blocks: checks.numeric (sums and differences within tolerance),
checks.text (placeholders, empty required sections), checks.period (period
consistency), checks.dnr (dnr and decision references). group_by_document and
checks.report print findings grouped per document.
"""

from ..model.finding import Finding, Severity
from .base import (CheckFn, Kontroll, Kontrollkontext, anmal, check, errors, falt_plats, group_by_document,
                   importera, iter_texts, raise_on_errors, registered, run_checks, sort_findings, warnings)

# Importing a check module registers its checks; each is imported when the checks of a model type
# it serves are asked for (registered, run_checks), or when named (checks.dnr). A document type
# module may register checks of its own (those that need another stage, e.g. opening a bilaga's
# PDF): the registry announces those. A new check module is listed here with the types it checks.
KONTROLLMODULER: dict[str, tuple[str, ...]] = {
    "rapportgen.model.tjansteskrivelse.TjansteskrivelseDoc": ("dnr", "period", "text", "tabell"),
    "rapportgen.model.dokument.DokumentDoc": ("dokument", "tabell"),
    "rapportgen.model.rapport.Rapport": ("ekonomi", "tabell"),
    "rapportgen.model.uppdragslista.UppdragslistaDoc": ("text",),
    "rapportgen.model.revision.RevisionssvarDoc": ("revision",),
    "rapportgen.model.protokoll.Protokoll": ("protokoll",),
    "rapportgen.model.sammantrade.Handling": ("sammantrade",),
    "rapportgen.config.profil.Profil": ("profil",),
}
SUBMODULER = ("dnr", "dokument", "ekonomi", "numeric", "period", "profil", "protokoll", "revision", "sammantrade",
              "tabell", "text")
for _typ, _moduler in KONTROLLMODULER.items():
    for _m in _moduler:
        anmal(_typ, f"{__name__}.{_m}")
# The checks of a sheet checked on its own (rapportgen kontrollera budget.xlsx, or run_checks on a
# load_table result): announced here, so a library caller gets them without the command's module.
anmal("rapportgen.inputs.excel.Tabell", "rapportgen.commands.tabellkontroll")


def __getattr__(name: str):
    if name in SUBMODULER:
        return importera(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CheckFn", "Finding", "Kontroll", "Kontrollkontext", "Severity", "anmal", "importera", "check", "errors",
           "falt_plats",
           "group_by_document", "iter_texts", "raise_on_errors", "registered", "run_checks", "sort_findings",
           "warnings", *SUBMODULER]
