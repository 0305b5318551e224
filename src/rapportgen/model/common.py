"""Model pieces shared by several document types."""

# No `from __future__ import annotations`: pydantic then gets the models' annotations as objects
# instead of text it evaluates field by field when it builds them at import (issue 19).

import datetime as dt
import inspect
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


# Characters XML 1.0 cannot hold; they would break the Word document.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Drop characters that are not allowed in XML and normalise line ends."""
    return _XML_INVALID.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


class Strict(BaseModel):
    """Base: unknown fields are errors, Swedish aliases (åäö) or ASCII names both accepted."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


def ny_lista() -> list:
    """An empty list: a field's default_factory. pydantic reads a factory's signature when it builds
    a model, and the builtin `list`'s costs a parse of its text signature; a function's does not."""
    return []


def ny_mappning() -> dict:
    """An empty dict: a field's default_factory (see ny_lista)."""
    return {}


def _as_list(value: Any) -> Any:
    """Accept one value where a list is expected."""
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    return value


def _as_text(value: Any) -> Any:
    """Numbers in YAML (e.g. a punkt or a phone number) are kept as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_as_text), Field(min_length=1)]
TextList = Annotated[list[Annotated[str, BeforeValidator(_as_text), Field(min_length=1)]], BeforeValidator(_as_list)]


def _as_date(value: Any) -> Any:
    """ISO dates written as text (the YAML loader keeps dates as text)."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"är inte ett giltigt datum ({value!r}); skriv ÅÅÅÅ-MM-DD") from None
    return value


Datum = Annotated[dt.date, BeforeValidator(_as_date)]


def parse_date(value: Any) -> Any:
    """ISO text (YAML leaves dates as text) or an Excel datetime to a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    return _as_date(value)


# pydantic reads a validator's and a default factory's signature for every field that uses it
# (Text alone is in some 150 fields) and inspect computes it anew each time. Kept on the function,
# inspect.signature returns it at once: the same signature, computed once.
for _fn in (_as_text, _as_list, _as_date, parse_date, ny_lista, ny_mappning):
    _fn.__signature__ = inspect.signature(_fn)  # type: ignore[attr-defined]
del _fn


class Person(Strict):
    """A person: an official (name + title) or a contact."""

    namn: Text = Field(description="Namn")
    titel: Text | None = Field(None, description="Titel, t.ex. 'Förvaltningschef'")
    telefon: Text | None = Field(None, description="Telefonnummer")
    epost: Text | None = Field(None, alias="e-post", description="E-postadress")


PersonList = Annotated[list[Person], BeforeValidator(_as_list)]

