"""Organisation profile: kommun-wide settings read from rapportgen.yaml.

The profile lives in the working directory (or is named with --profil).
Fields of an input override the profile's defaults.
"""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
from pathlib import Path
from typing import Iterable, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from ..exceptions import InputError
from ..granser import Granser, anvand
from ..inputs.yamlsrc import load_yaml_file, validate
from ..model.common import PersonList, Strict, Text, ny_lista, ny_mappning, parse_date
from ..model.tabelldef import Tabelldefinition

PROFILE_NAMES = ("rapportgen.yaml", "rapportgen.yml")


class Formatinstallningar(Strict):
    minustecken: Literal["-", "−"] = Field("-", description="Minustecken i belopp: '-' eller '−' (U+2212)")
    procent_mellanslag: bool = Field(True, description="Mellanslag före procenttecknet (74 %)")
    avrundningstolerans_tkr: float = Field(1.0, description="Tolerans i tkr när summor kontrolleras")


class AvsnittInstallning(Strict):
    """One body section of the tjänsteskrivelse in the organisation's order, with its heading."""

    nyckel: str = Field(description="Avsnittets nyckel, t.ex. 'arendet' eller 'bedomning'")
    rubrik: Text | None = Field(None, description="Rubriken i dokumentet (standard: rapportgens rubrik)")

    @field_validator("nyckel")
    @classmethod
    def _known(cls, value: str) -> str:
        from ..model.tjansteskrivelse import AVSNITT

        keys = [t.key for t in AVSNITT]
        if value not in keys:
            raise ValueError(f"okänt avsnitt '{value}'; kända avsnitt: {', '.join(keys)}")
        return value


# Front matter fields a kommun may leave out (required by default), and optional ones it may require.
VALFRIA_FALT = ("handläggare",)
OBLIGATORISKA_FALT = ("tidigare_behandling", "beslutsunderlag", "protokollsutdrag_till")
# What the tjänsteskrivelse's letterhead may show besides kommun and förvaltning.
BREVHUVUD_FALT = ("datum", "diarienummer", "handläggare")
_ASCII_FALT = {"handlaggare": "handläggare", "handlaggaren": "handläggare", "handläggaren": "handläggare",
               "dnr": "diarienummer"}


def _field_names(value, known: tuple[str, ...], what: str):
    """A list of field names, ASCII spellings accepted; an unknown name lists the known ones."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return value
    out = []
    for item in value:
        name = _ASCII_FALT.get(str(item).strip(), str(item).strip())
        if name not in known:
            raise ValueError(f"'{item}' kan inte anges här ({what}); möjliga: {', '.join(known)}")
        out.append(name)
    return out


def _section_list(value):
    """'- arendet' or '- arendet: Bakgrund' as well as '- {nyckel: arendet, rubrik: Bakgrund}'."""
    if not isinstance(value, list):
        return value
    out = []
    for item in value:
        if isinstance(item, str):
            out.append({"nyckel": item})
        elif isinstance(item, dict) and len(item) == 1 and "nyckel" not in item:
            (key, heading), = item.items()
            out.append({"nyckel": key, "rubrik": heading})
        else:
            out.append(item)
    return out


class Beslutsformat(Strict):
    """How the proposed decision is written: an opening line or none, numbered points or paragraphs."""

    inledning: str | None = Field(
        "{nämnd} beslutar:",
        description="Raden före beslutet; {nämnd} blir nämndens namn. Tom eller null: ingen inledande rad",
    )
    numrerade: bool = Field(True, description="Numrera beslutspunkterna när de är fler än en; "
                                              "false: varje punkt ett eget stycke utan nummer")

    @field_validator("inledning")
    @classmethod
    def _placeholders(cls, value):
        if value is None or not value.strip():
            return None
        try:
            value.format_map({"nämnd": "", "namnd": ""})
        except (KeyError, ValueError, IndexError) as exc:
            raise ValueError(f"bara {{nämnd}} kan fyllas i ({exc})") from None
        return value

    def text(self, namnd: str) -> str:
        """The opening line for this nämnd, '' when there is none."""
        if not self.inledning:
            return ""
        name = namnd[:1].upper() + namnd[1:]
        line = self.inledning.format_map({"nämnd": name, "namnd": name})
        return line[:1].upper() + line[1:]


class TjansteskrivelseInstallning(Strict):
    """The organisation's conventions for tjänsteskrivelser."""

    valfria_falt: list[str] = Field(
        default_factory=ny_lista, alias="valfria_fält",
        description="Fält som annars är obligatoriska men som organisationen inte använder: handläggare")
    obligatoriska_falt: list[str] = Field(
        default_factory=ny_lista, alias="obligatoriska_fält",
        description="Fält som annars är valfria men som ska finnas: tidigare_behandling, beslutsunderlag, "
                    "protokollsutdrag_till")
    beslut: Beslutsformat = Field(default_factory=Beslutsformat,
                                  description="Hur förslaget till beslut skrivs")
    brevhuvud: list[str] = Field(
        default_factory=lambda: list(BREVHUVUD_FALT),
        description="Uppgifterna i brevhuvudet, i ordning: datum, diarienummer, handläggare")
    expedieringsrad: bool = Field(False, description="Raden 'Exp / år' före underskrifterna")
    avsnitt: list[AvsnittInstallning] = Field(
        default_factory=ny_lista,
        description="Avsnitten i organisationens ordning och med egna rubriker (samma som profilens "
                    "'avsnitt', här per dokumenttyp)")

    @field_validator("avsnitt", mode="before")
    @classmethod
    def _sections(cls, value):
        return _section_list(value)

    @field_validator("valfria_falt", mode="before")
    @classmethod
    def _valfria(cls, value):
        return _field_names(value, VALFRIA_FALT, "valfria_fält")

    @field_validator("obligatoriska_falt", mode="before")
    @classmethod
    def _obligatoriska(cls, value):
        return _field_names(value, OBLIGATORISKA_FALT, "obligatoriska_fält")

    @field_validator("brevhuvud", mode="before")
    @classmethod
    def _brevhuvud(cls, value):
        return _field_names(value, BREVHUVUD_FALT, "brevhuvud")

    def valfritt(self, falt: str) -> bool:
        return falt in self.valfria_falt


class Konvertering(Strict):
    """How documents are converted to PDF with LibreOffice (see rapportgen.convert)."""

    arbetare: int | None = Field(None, ge=1, description="Antal LibreOffice-instanser (standard: antal kärnor)")
    servrar: list[Text] = Field(default_factory=ny_lista,
                                description="Fjärrservrar med unoserver, 'värd:port', som tar del av arbetet")
    bara_fjarr: bool = Field(False, alias="bara_fjärr",
                             description="Använd bara servrarna i 'servrar', inga lokala instanser")
    tidsgrans: float = Field(120.0, gt=0, alias="tidsgräns", description="Tidsgräns per dokument i sekunder")
    vila: float = Field(0.0, ge=0, description="Låt LibreOffice vara igång så här många sekunder efter "
                        "bygget (0: stoppa direkt), så att nästa bygge slipper starttiden")
    pdfa: bool = Field(True, description="PDF/A-2b (arkiv)")
    taggad: bool = Field(True, description="Taggad PDF (tillgänglighet)")
    cache: bool = Field(True, description="Återanvänd PDF:er för oförändrade dokument")
    token: str | None = Field(None, description="Token för konverteringsservrar (server kor och 'servrar'); "
                              "miljövariabeln RAPPORTGEN_SERVER_TOKEN går före")
    ca_fil: Path | None = Field(None, description="CA-certifikat (PEM) som https-servrar i 'servrar' verifieras mot "
                                "(standard: systemets)")

    @field_validator("servrar", mode="before")
    @classmethod
    def _servrar(cls, value):
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator("servrar")
    @classmethod
    def _host_port(cls, value):
        from ..convert.pool import parse_server  # the pool reads them the same way

        for s in value:
            try:
                parse_server(s)
            except ValueError:
                raise ValueError(f"'{s}' ska skrivas värd:port eller https://värd:port, "
                                 "t.ex. 127.0.0.1:2003") from None
        return value


class Kontrollinstallningar(Strict):
    """What the checks of figures, texts and packages need to know about the organisation."""

    synonymer: dict[Text, list[Text]] = Field(
        default_factory=ny_mappning,
        description="Radrubriker och kolumnrubriker som betyder samma sak i olika dokument, t.ex. "
                    "'Nettokostnader: [Summa SOCN, Nettokostnad]'")
    platshallare: list[Text] = Field(
        default_factory=ny_lista, alias="platshållare",
        description="Fler mallhjälptexter och platshållare som inte får stå kvar, t.ex. 'Fyll i här'")
    kostnader: Literal["negativa", "positiva"] = Field(
        "negativa", description="Teckenkonvention i ekonomiarken: kostnader som negativa belopp "
                                "(som ekonomisystemets utdrag) eller som positiva")


class AnslagInstallning(Strict):
    """When a justerat protokoll goes up on the anslagstavla (see rapportgen.kalender)."""

    dagar_efter_justering: int = Field(
        1, ge=0, le=2, description="Anslaget sätts upp så här många dagar efter justeringen (0–2, KL 8 kap. 12 §)")
    bara_vardagar: bool = Field(
        True, description="Anslaget sätts upp en vardag: lördag, söndag och helgdag flyttas till nästa vardag")
    lediga_dagar: list[dt.date] = Field(
        default_factory=ny_lista, description="Egna lediga dagar (t.ex. klämdagar) som inte räknas som vardagar")
    forvaringsplats: Text | None = Field(
        None, alias="förvaringsplats", description="Var protokollet förvaras, t.ex. 'Socialförvaltningen, Timrå'")

    @field_validator("lediga_dagar", mode="before")
    @classmethod
    def _dates(cls, value):
        if value is None:
            return []
        return [parse_date(v) for v in value] if isinstance(value, list) else value


class Profil(Strict):
    """Settings for one organisation (kommun and förvaltning)."""

    kommun: Text = Field("Kommunen", description="Kommunens namn, t.ex. 'Timrå kommun'")
    forvaltning: Text = Field("Förvaltningen", alias="förvaltning", description="Förvaltningens namn")
    namnd: Text = Field("Nämnden", alias="nämnd", description="Nämnd som tjänsteskrivelser ställs till")
    ort: Text | None = Field(None, description="Ort, t.ex. för underskrifter")
    adress: Text | None = Field(None, description="Postadress i brevhuvudet")
    telefon: Text | None = Field(None, description="Växelnummer")
    webbplats: Text | None = Field(None, description="Webbplats")
    dnr_monster: Text = Field(
        "{organ}/{år}:{löpnummer}", alias="dnr_mönster",
        description="Mönster för diarienummer, t.ex. '{organ}/{år}:{löpnummer}'",
    )
    dnr_arende: Text | None = Field(
        None, alias="dnr_ärende",
        description="Mönster för ärendets diarienummer när dokumentens nummer har ett tillägg, t.ex. "
                    "'{år}{organ}{löpnummer}': ärendet 2023SOCN60 och dokumentet 2023SOCN60 042 "
                    "avser samma ärende när fälten i detta mönster är lika",
    )
    underskrifter: PersonList = Field(default_factory=ny_lista, description="Standardundertecknare")
    mallar: Path | None = Field(None, description="Mapp med egna Word-mallar")
    format: Formatinstallningar = Field(default_factory=Formatinstallningar)
    avsnitt: list[AvsnittInstallning] = Field(
        default_factory=ny_lista,
        description="Tjänsteskrivelsens avsnitt i organisationens ordning och med egna rubriker, "
                    "t.ex. '- arendet: Bakgrund'; tomt: rapportgens standardlista",
    )
    tjansteskrivelse: TjansteskrivelseInstallning = Field(
        default_factory=TjansteskrivelseInstallning, alias="tjänsteskrivelse",
        description="Organisationens konventioner för tjänsteskrivelser: valfria och obligatoriska fält, "
                    "beslutsformat, brevhuvud")
    sammantraden: list[dt.date] = Field(
        default_factory=ny_lista, alias="sammanträden",
        description="Nämndens planerade sammanträden (ÅÅÅÅ-MM-DD), t.ex. för revisionsregistrets svarsdagar",
    )

    @field_validator("avsnitt", mode="before")
    @classmethod
    def _sections(cls, value):
        return _section_list(value)

    @model_validator(mode="after")
    def _sections_per_type(self):
        own = self.tjansteskrivelse.avsnitt
        if own and self.avsnitt:
            raise ValueError("avsnitten anges på två ställen, 'avsnitt' och 'tjänsteskrivelse: avsnitt'; "
                             "behåll ett av dem")
        if own:
            self.avsnitt = list(own)
        return self

    @field_validator("sammantraden", mode="before")
    @classmethod
    def _dates(cls, value):
        if value is None:
            return []
        return [parse_date(v) for v in value] if isinstance(value, list) else value

    konvertering: Konvertering = Field(default_factory=Konvertering)
    kontroller: Kontrollinstallningar = Field(default_factory=Kontrollinstallningar)
    anslag: AnslagInstallning = Field(default_factory=AnslagInstallning,
                                      description="Protokollets anslag: uppsättning och helgdagsregler")
    granser: Granser = Field(default_factory=Granser, alias="gränser")
    tabeller: dict[str, Tabelldefinition] = Field(
        default_factory=ny_mappning,
        description="Organisationens ekonomitabeller som data: namn -> titel, enhet, kolumner, rader, läsning "
                    "(se docs/tabelldefinitioner.md); en plan eller rapport väljer dem med 'tabeller: - tabell: namn'")

    _source: Path | None = PrivateAttr(None)

    @property
    def source(self) -> Path | None:
        """The file this profile was read from, if any."""
        return self._source


def find_profile(start: str | Path = ".") -> Path | None:
    start = Path(start).resolve()
    for name in PROFILE_NAMES:
        candidate = start / name
        if candidate.is_file():
            return candidate
    return None


def load_profile(path: str | Path | None = None, *, search_dir: str | Path = ".") -> Profil:
    """Load the profile at path, or the one in search_dir, or the defaults."""
    if path is None:
        path = find_profile(search_dir)
        if path is None:
            return Profil()
    located = load_yaml_file(path)
    data = located.data or {}
    profil = validate(Profil, located, data)
    profil._source = Path(path)
    if profil.tabeller:
        from ..inputs.tabelldef import kontrollera_formler

        for namn, defn in profil.tabeller.items():
            kontrollera_formler(defn, located, ("tabeller", namn))
    anvand(profil.granser)
    if profil.mallar is not None:
        written = profil.mallar
        if not profil.mallar.is_absolute():
            profil.mallar = (Path(path).parent / profil.mallar).resolve()
        if not profil.mallar.is_dir():
            what = "är en fil, inte en mapp" if profil.mallar.exists() else "finns inte"
            raise InputError(f"fältet 'mallar': mappen för egna mallar '{written}' {what} ({profil.mallar})",
                             fil=path, plats=located.where(("mallar",)))
    return profil


def profile_for(inputs: Iterable[Path], explicit: Path | None = None) -> Profil:
    """The explicit profile, else rapportgen.yaml in the working directory, else beside the inputs."""
    if explicit is not None:
        return load_profile(explicit)
    found = find_profile(Path.cwd())
    if found is None:
        for inp in inputs:
            for folder in Path(inp).resolve().parents:
                found = find_profile(folder)
                if found:
                    break
            if found:
                break
    return load_profile(found) if found else Profil()
