"""Command line interface: a thin client of the library (rapportgen.commands).

The group lists its verbs by name; a verb's module (cli/<verb>.py) is imported only when
that verb runs or `--help` lists it, so `rapportgen --version` imports little besides Click.
"""

from __future__ import annotations

import importlib

import click

from .._version import __version__
from . import svenska

svenska.installera()  # before any option is declared: Path types name themselves at creation

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# Verb -> "module:attribute" (relative to rapportgen); --help lists them in alphabetical order.
KOMMANDON: dict[str, str] = {
    "tjansteskrivelse": "cli.tjansteskrivelse:tjansteskrivelse_cmd",
    "revisionssvar": "cli.revisionssvar:revisionssvar_cmd",
    "uppdragslista": "cli.uppdragslista:uppdragslista_cmd",
    "delarsrapport": "cli.rapport:delarsrapport_cmd",
    "verksamhetsplan": "cli.rapport:verksamhetsplan_cmd",
    "handling": "cli.handling:handling_cmd",
    "kontrollera": "cli.kontrollera:kontrollera_cmd",
    "protokoll": "cli.protokoll:protokoll_cmd",
    "utdrag": "cli.protokoll:utdrag_cmd",
    "anslagsbevis": "cli.protokoll:anslagsbevis_cmd",
    "revision": "cli.revision:revision_group",
    "mallar": "cli.mallar:mallar_group",
    "init": "cli.init:init_cmd",
    "server": "cli.server:server_group",
    "serve": "web.cli:serve_cmd",
    "cache": "cli.cache:cache_group",
}


class _Kommandon(dict):
    """A group's commands by name; a command's module is imported the first time it is looked up."""

    def __init__(self, lazy: dict[str, str]):
        super().__init__()
        self.lazy = lazy

    def _load(self, name: str) -> None:
        if name in self.lazy and not dict.__contains__(self, name):
            module, attr = self.lazy[name].split(":")
            command = getattr(importlib.import_module(f"rapportgen.{module}"), attr)
            svenska.metavariabler(command)
            dict.__setitem__(self, name, command)

    def __contains__(self, name: object) -> bool:
        return name in self.lazy or dict.__contains__(self, name)

    def __getitem__(self, name: str) -> click.Command:
        self._load(name)
        return dict.__getitem__(self, name)

    def get(self, name: str, default=None):
        self._load(name)
        return dict.get(self, name, default)

    def __iter__(self):
        return iter(sorted(set(self.lazy) | set(dict.keys(self))))

    def __len__(self) -> int:
        return len(set(self.lazy) | set(dict.keys(self)))

    def keys(self):
        return list(self)

    def values(self):
        return [self[n] for n in self]

    def items(self):
        return [(n, self[n]) for n in self]


class LazyGroup(svenska.svensk_grupp()):
    """A group whose subcommands are imported on first use (cli.commands behaves as a dict).

    Names are Swedish; `check` is an alias of `kontrollera`, and a name written with å/ä/ö
    (`tjänsteskrivelse`, `delårsrapport`) means the command of the same ASCII name.
    """

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        commands = _Kommandon(dict(lazy or {}))
        for name, command in self.commands.items():
            dict.__setitem__(commands, name, command)
        self.commands = commands


@click.group(cls=LazyGroup, lazy=KOMMANDON, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="rapportgen", help="Visa versionen och avsluta.",
                      message="%(prog)s version %(version)s")
def cli() -> None:
    """rapportgen – dokument för nämndens sammanträden.

    Fyller Word-mallar med data från Markdown, YAML och Excel, gör PDF med
    LibreOffice och sätter ihop sammanträdeshandlingar.

    Kommandona får skrivas med å, ä och ö (tjänsteskrivelse, delårsrapport,
    server kör); check är ett annat namn för kontrollera.
    """


# Swedish placeholders in the usage line; each verb gets them when it is loaded (_Kommandon).
cli.options_metavar = "[FLAGGOR]"
cli.subcommand_metavar = "KOMMANDO [ARGUMENT]..."


def main() -> None:
    """Console entry: as cli(), but Ctrl-C ends with the shell's code for an interrupt (130).

    A build or check runs in the background server's warm process when one runs (rapportgen.varm).
    """
    import sys

    from .. import varm

    code = varm.delegera(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    kor_har()


def kor_har() -> None:
    """The command in sys.argv, in this process."""
    import sys

    try:
        rv = cli.main(prog_name="rapportgen", standalone_mode=False)
    except click.exceptions.Abort as exc:
        click.echo(svenska.TEXTER["Aborted!"], err=True)
        sys.exit(130 if isinstance(exc.__cause__, KeyboardInterrupt) else 1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # the reader of our output went away (`| head`): end as the shell would
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        sys.exit(141)
    except OSError as exc:  # a folder that cannot be written, a full disk: a message, not a traceback
        from ..exceptions import FilsystemError

        fel = FilsystemError.fran(exc)
        fel.show()
        sys.exit(fel.exit_code)
    sys.exit(rv if isinstance(rv, int) else 0)
