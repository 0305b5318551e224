"""The library side of `rapportgen init`: a working folder with a profile, templates and example inputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import doctypes
from ..fileio import atomic_path
from ..render.templates import SHIPPED

PROFIL_MALL = """\
# Organisationsprofil för rapportgen. Fyll i era uppgifter; fält som indata
# saknar hämtas härifrån. Se LÄSMIG.md.
kommun: Exempelkommun
förvaltning: Socialförvaltningen
nämnd: Socialnämnden
ort: Exempelstad
adress: 123 45 Exempelstad
telefon: 0123-45 67 00
webbplats: www.exempelkommun.se
# Diarienummer: fälten {organ}, {år}, {löpnummer} och {klass}; [ ] är valfritt.
# T.ex. "{organ}/{år}:{löpnummer}" (SN/2023:197) eller "{år}/{löpnummer}" (2023/197).
dnr_mönster: "{organ}/{år}:{löpnummer}"
# Undertecknare när indata inte anger några (en eller flera).
underskrifter:
  - namn: Förnamn Efternamn
    titel: Förvaltningschef
# Egna Word-mallar: mappen går före de inbyggda mallarna (rapportgen mallar lista).
mallar: mallar
format:
  minustecken: "-"
  procent_mellanslag: true
# Nämndens sammanträden (ÅÅÅÅ-MM-DD), för revisionsregistrets svarsdagar.
sammanträden: []
"""

LASMIG = """\
# Arbetsmapp för rapportgen

Mappen skapades med `rapportgen init`. Den innehåller:

- `rapportgen.yaml` – organisationsprofilen: kommun, förvaltning, nämnd, diarienummermönster,
  undertecknare. Fyll i den först; exemplen nedan hämtar kommun och förvaltning därifrån.
  `rapportgen kontrollera inputs` påpekar exempelvärdena (Exempelkommun, Förnamn Efternamn) tills
  de är utbytta.
- `mallar/` – kopior av rapportgens Word-mallar, en per dokumenttyp. Ändra dem i Word;
  `rapportgen mallar lista` visar vilken mall som används, och varifrån.
- `inputs/` – ett exempel på indata för varje dokumenttyp.

## Exemplen och kommandot som gör dokumentet av dem

Kör kommandona i den här mappen. Dokumenten hamnar i `ut/`.

| Indata | Dokument | Kommando |
|---|---|---|
| `inputs/tjansteskrivelse.md` | tjänsteskrivelse | `rapportgen tjansteskrivelse inputs/tjansteskrivelse.md -o ut` |
| `inputs/revisionssvar.yaml` | revisionssvar och dess tjänsteskrivelse | `rapportgen revisionssvar inputs/revisionssvar.yaml -o ut` |
| `inputs/delarsrapport.yaml` | delårsrapport | `rapportgen delarsrapport inputs/delarsrapport.yaml -o ut` |
| `inputs/verksamhetsplan.yaml` | verksamhetsplan och budget | `rapportgen verksamhetsplan inputs/verksamhetsplan.yaml -o ut` |
| `inputs/uppdragslista.xlsx` | uppdragslista | `rapportgen uppdragslista inputs/uppdragslista.xlsx -o ut` |
| `inputs/kallelse.yaml` | kallelse och sammanträdeshandling | `rapportgen handling inputs/kallelse.yaml -o ut/handling` |
| `inputs/protokoll.yaml` | protokoll (efter sammanträdet) | `rapportgen protokoll inputs/protokoll.yaml -o ut` |
| `inputs/protokoll.yaml` | protokollsutdrag, ett per § | `rapportgen utdrag inputs/protokoll.yaml -o ut` |
| `inputs/protokoll.yaml` | anslagsbevis | `rapportgen anslagsbevis inputs/protokoll.yaml -o ut` |
| `inputs/dokument.md` | bilaga (se nedan) | – |

`inputs/dokument.md` är en bilaga skriven i Markdown (`typ: dokument`). Den blir inget
dokument på egen hand: den tas med från ett sammanträdesmanifest, under ett ärendes
`bilagor:`, så som ärende 5 i `inputs/kallelse.yaml` gör:

    ärenden:
      - punkt: 5
        ärendemening: Genomlysning av bemanning …
        tjänsteskrivelse: tjansteskrivelse.md
        bilagor:
          - {etikett: Återredovisning av uppdrag …, fil: dokument.md}

`rapportgen handling inputs/kallelse.yaml -o ut/handling` gör då kallelsen och en
sammanträdeshandling där tjänsteskrivelsen och bilagan ingår.

## Fler kommandon

    rapportgen kontrollera inputs
    rapportgen mallar variabler tjansteskrivelse
    rapportgen mallar kontrollera mallar/tjansteskrivelse.docx

Mallarna letas upp i ordningen: `--mallar MAPP`, profilens `mallar:`, `mallar/` i
arbetsmappen, `templates/` i arbetsmappen, och sist rapportgens inbyggda mallar.
Ta bort en mall ur `mallar/` så används den inbyggda igen.
"""


@dataclass
class InitResultat:
    skrivna: list[Path]
    hoppade_over: list[Path]  # already there, left alone


def skapa_arbetsmapp(mapp: str | Path = ".", *, tvinga: bool = False) -> InitResultat:
    """Create a working folder: profile, template copies, example inputs and LÄSMIG.md.

    Existing files are left alone unless tvinga is set.
    """
    import shutil


    mapp = Path(mapp)
    result = InitResultat([], [])

    def write(target: Path, *, text: str | None = None, source: Path | None = None) -> None:
        if target.exists() and not tvinga:
            result.hoppade_over.append(target)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            if text is not None:
                Path(tmp).write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(source, tmp)
        result.skrivna.append(target)

    write(mapp / "rapportgen.yaml", text=PROFIL_MALL)
    write(mapp / "LÄSMIG.md", text=LASMIG)
    exempel: set[Path] = set()
    for t in doctypes.all_types():
        shipped = SHIPPED / f"{t.name}.docx"
        if shipped.is_file():
            write(mapp / "mallar" / shipped.name, source=shipped)
        # Types that share an example (protokoll, protokollsutdrag, anslagsbevis) get one copy,
        # named after the type the example is named after.
        if t.exempel is not None and t.exempel.is_file() and t.exempel not in exempel:
            exempel.add(t.exempel)
            namn = t.exempel.stem if t.exempel.stem in {x.name for x in doctypes.all_types()} else t.name
            write(mapp / "inputs" / f"{namn}{t.exempel.suffix}", source=t.exempel)
    return result
