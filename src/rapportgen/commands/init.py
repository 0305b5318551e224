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
# Har dokumenten ärendets nummer med ett tillägg (ärendet 2023SOCN60, dokumentet
# 2023SOCN60 042 med dnr_mönster "{år}{organ}{löpnummer}[ {klass}]"), ange ärendenumrets
# mönster här; då avser de samma ärende när dessa fält är lika. Tomt: numren ska vara lika.
# dnr_ärende: "{år}{organ}{löpnummer}"
# Undertecknare när indata inte anger några (en eller flera).
underskrifter:
  - namn: Förnamn Efternamn
    titel: Förvaltningschef
# Egna Word-mallar: mappen går före de inbyggda mallarna (rapportgen mallar lista).
mallar: mallar
# Era konventioner för tjänsteskrivelser.
tjänsteskrivelse:
  # Avsnitten i er ordning och med era rubriker (tomt: rapportgens lista: Sammanfattning,
  # Ärendet, Förvaltningens bedömning, Ekonomiska konsekvenser, Barnperspektiv, Jämställdhet,
  # Miljö). En rubrik här känns igen i indata: "- arendet: Sammanfattning av ärendet" gör
  # "# Sammanfattning av ärendet" till huvudavsnittet.
  # avsnitt:
  #   - sammanfattning
  #   - arendet: Sammanfattning av ärendet
  #   - bedomning: Förvaltningens bedömning
  #   - ekonomiska_konsekvenser
  #   - barnperspektiv
  # Fält som annars är obligatoriska men som ni inte använder (möjligt: handläggare).
  valfria_fält: []
  # Fält som annars är valfria men som ska finnas (tidigare_behandling, beslutsunderlag,
  # protokollsutdrag_till).
  obligatoriska_fält: []
  # Uppgifterna i brevhuvudet (datum, diarienummer, handläggare).
  brevhuvud: [datum, diarienummer, handläggare]
  beslut:
    # Raden före förslaget till beslut; {nämnd} blir nämndens namn. null: ingen sådan rad.
    inledning: "{nämnd} beslutar:"
    # true: punkterna numreras när de är fler än en. false: varje punkt blir ett eget stycke.
    numrerade: true
  # Raden "Exp / år" före underskrifterna.
  expedieringsrad: false
  # En tjänsteskrivelse får stå bland sina egna beslutsunderlag ("Tjänsteskrivelse
  # 2 februari 2023", med sitt eget datum); den räknas inte som en bilaga som saknas.
format:
  minustecken: "-"
  procent_mellanslag: true
# Nämndens sammanträden (ÅÅÅÅ-MM-DD), för revisionsregistrets svarsdagar.
sammanträden: []
# Era egna ekonomitabeller som data (driftbudget, resultatbudget, investeringar): rader,
# kolumner, summor med formler, rubrik, enhet, not och hur arket läses. En verksamhetsplan
# väljer dem med "tabeller: - {tabell: driftbudget, fil: budget.xlsx}". Alla fält och ett
# exempel per tabellsort: rapportgen mallar tabeller. Kan också stå i tabeller.yaml bredvid
# manifestet.
# tabeller:
#   driftbudget:
#     titel: Driftbudget
#     enhet: tkr
#     kolumner:
#       - {art: Budget, år: 2023}
#       - {art: Plan, år: 2024}
#     rader:
#       - grupp: Verksamheter
#         rubrik: false
#         rader: [Vård och omsorg, Individ- och familjeomsorg]
#         summa: Summa
#     läsning: {blad: Driftbudget, rubrikrad: 1, enhet: tkr, etikettkolumn: [Verksamhet]}
#     jämförelse: {a: Plan 2024, b: Budget 2023}
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
