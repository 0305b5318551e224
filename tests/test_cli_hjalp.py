"""Every command's help and Click's own usage errors are in Swedish."""

import click
from click.testing import CliRunner

from rapportgen.cli import cli

ENGELSKA = ("Show this message", "Options:", "[OPTIONS]", "Commands:", "Usage:", "DIRECTORY", "Error:")


def _kommandon(command, path=()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _kommandon(sub, (*path, name))


def test_every_help_text_is_swedish():
    runner = CliRunner()
    checked = 0
    for path, command in _kommandon(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Användning:" in result.output
        for word in ENGELSKA:
            assert word not in result.output, (path, word)
        assert command.help or command.short_help, path
        checked += 1
    assert checked >= 15


def test_usage_errors_are_swedish_and_exit_2():
    runner = CliRunner()
    result = runner.invoke(cli, ["tjansteskrivelse", "--okand-flagga"])
    assert result.exit_code == 2
    assert "Okänd flagga" in result.output and "Fel:" in result.output
    result = runner.invoke(cli, ["finns-inte"])
    assert result.exit_code == 2 and "Okänt kommando" in result.output
