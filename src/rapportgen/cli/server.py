"""`rapportgen server`: the background pool (convert/kommando.py), with Swedish spellings (`server kör`)."""

from __future__ import annotations

from ..convert.kommando import server_group as _server_group
from .svenska import svensk_grupp

server_group = svensk_grupp()(
    name=_server_group.name, commands=dict(_server_group.commands), callback=_server_group.callback,
    params=_server_group.params, help=_server_group.help, short_help=_server_group.short_help,
)
