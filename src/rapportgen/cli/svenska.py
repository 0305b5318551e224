"""Swedish texts for Click's own messages (help headings, usage errors).

Click marks its user-facing strings for gettext; we look them up in a small
Swedish table instead of shipping a compiled catalogue. Strings not in the
table stay as Click wrote them.
"""

from __future__ import annotations

import importlib

TEXTER: dict[str, str] = {
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
    "Usage:": "Användning:",
    "Options": "Flaggor",
    "Commands": "Kommandon",
    "Positional arguments": "Argument",
    "Aborted!": "Avbrutet.",
    "Error: {message}": "Fel: {message}",
    "Try '{command} {option}' for help.": "Se '{command} {option}' för hjälp.",
    "Missing command.": "Kommando saknas.",
    "Missing argument": "Argument saknas",
    "Missing option": "Flagga saknas",
    "Missing parameter": "Parameter saknas",
    "Missing parameter: {param_name}": "Parameter saknas: {param_name}",
    "Missing {param_type}": "{param_type} saknas",
    "No such option {name!r}.": "Okänd flagga {name!r}.",
    "No such command {name!r}.": "Okänt kommando {name!r}.",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "Could not open file {filename!r}: {message}": "Kunde inte öppna filen {filename!r}: {message}",
    "unknown error": "okänt fel",
    "default: {default}": "standard: {default}",
    "env var: {var}": "miljövariabel: {var}",
    "deprecated": "utfasad",
    "file": "fil",
    "directory": "mapp",
    "path": "sökväg",
    "Choose from:\n\t{choices}": "Välj bland:\n\t{choices}",
    "{value} is not in the range {range}.": "{value} ligger inte inom {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} är inte ett giltigt tal ({number_type}).",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} är inte ett sanningsvärde. Giltiga värden: {states}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finns inte.",
    "{name} {filename!r} is a file.": "{name} {filename!r} är en fil.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} är en mapp.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} går inte att läsa.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} går inte att skriva till.",
    "Option {name!r} does not take a value.": "Flaggan {name!r} tar inget värde.",
    "Argument {name!r} takes {nargs} values.": "Argumentet {name!r} tar {nargs} värden.",
    "Do you want to continue?": "Vill du fortsätta?",
}

PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Oväntat extra argument ({args})", "Oväntade extra argument ({args})"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} är inte {choice}.", "{value!r} är inte något av {choices}."),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Menade du {possibility}?", "(Menade du något av: {possibilities}?)"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Flaggan {name!r} kräver ett värde.", "Flaggan {name!r} kräver {nargs} värden."),
}

_MODULES = ("core", "types", "exceptions", "formatting", "decorators", "parser")


def _(text: str) -> str:
    return TEXTER.get(text, text)


def ngettext(singular: str, plural: str, n: int) -> str:
    sv = PLURAL.get((singular, plural))
    if sv is None:
        return singular if n == 1 else plural
    return sv[0] if n == 1 else sv[1]


def installera() -> None:
    """Make Click's messages Swedish (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def metavariabler(command) -> None:
    """Swedish placeholders in every usage line of a command tree."""
    import click

    command.options_metavar = "[FLAGGOR]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "KOMMANDO [ARGUMENT]..."
        for sub in command.commands.values():
            metavariabler(sub)


# Other names of commands: the Swedish verb is the name, the English one an alias.
ALIAS: dict[str, str] = {"check": "kontrollera"}

_ASCII = str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE")


def ascii_namn(name: str) -> str:
    """'tjänsteskrivelse' -> 'tjansteskrivelse', 'kör' -> 'kor' (the command names are ASCII)."""
    import unicodedata

    return unicodedata.normalize("NFC", name).translate(_ASCII)


def las_namn(name: str, known) -> str:
    """The command a name means: itself, an alias, or the ASCII name of a spelling with å/ä/ö."""
    if name in known:
        return name
    for candidate in (ALIAS.get(name), ascii_namn(name), ALIAS.get(ascii_namn(name))):
        if candidate and candidate in known:
            return candidate
    return name


def svensk_grupp():
    """A click.Group class that accepts aliases and spellings with å/ä/ö (made on first use: Click is heavy)."""
    import click

    class SvenskGrupp(click.Group):
        def get_command(self, ctx, cmd_name):
            return super().get_command(ctx, las_namn(cmd_name, self.commands))

        def resolve_command(self, ctx, args):
            if args:
                args = [las_namn(args[0], self.commands), *args[1:]]
            return super().resolve_command(ctx, args)

    return SvenskGrupp
