"""Context pieces every document type's template sees, and how a context model becomes variables."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..config import Profil


class Kontextmodell(BaseModel):
    """Base of what templates see: built (pydantic's schema) on first use, so commands that only
    load and check documents do not pay for every document type's template context."""

    model_config = ConfigDict(defer_build=True)


class PersonKontext(Kontextmodell):
    namn: str = Field(description="Namn")
    titel: Optional[str] = Field(None, description="Titel")
    telefon: Optional[str] = Field(None, description="Telefon")
    epost: Optional[str] = Field(None, description="E-post")


class ProfilKontext(Kontextmodell):
    kommun: str = Field(description="Kommunens namn")
    forvaltning: str = Field(description="Förvaltningens namn")
    ort: Optional[str] = Field(None, description="Ort")
    adress: Optional[str] = Field(None, description="Postadress")
    telefon: Optional[str] = Field(None, description="Växelnummer")
    webbplats: Optional[str] = Field(None, description="Webbplats")

    @classmethod
    def of(cls, profil: Profil) -> "ProfilKontext":
        return cls(kommun=profil.kommun, forvaltning=profil.forvaltning, ort=profil.ort,
                   adress=profil.adress, telefon=profil.telefon, webbplats=profil.webbplats)


def kontext_dict(model: BaseModel) -> dict[str, Any]:
    """A context model as plain dicts and lists, keeping dates and subdocuments as objects."""
    return {name: _plain(getattr(model, name)) for name in type(model).model_fields}


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return kontext_dict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Subdoc:
    """The type of a context field holding body text rendered into the template (a docxtpl Subdoc).

    Declaring the fields with this type, not docxtpl's, keeps docxtpl out of every command that
    only loads or checks documents; a value is checked to be a docxtpl Subdoc when a context is
    built, which happens only while rendering. `mallar variabler` knows it by its name.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: Any, _handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(_ar_subdoc)


def _ar_subdoc(value: Any) -> Any:
    from docxtpl.subdoc import Subdoc as DocxtplSubdoc

    if not isinstance(value, DocxtplSubdoc):
        raise ValueError(f"väntade brödtext (docxtpl Subdoc), fick {type(value).__name__}")
    return value
