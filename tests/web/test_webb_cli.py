"""The `rapportgen serve` command: registered, local by default, refuses a missing folder."""

from __future__ import annotations

from rapportgen.cli import cli


def test_serve_is_a_command_with_safe_defaults(runner):
    r = runner.invoke(cli, ["serve", "--help"])
    assert r.exit_code == 0
    assert "--ingen-webblasare" in r.output and "--vard" in r.output and "127.0.0.1" in r.output
    cmd = cli.get_command(None, "serve")
    params = {p.name: p for p in cmd.params}
    assert params["vard"].default == "127.0.0.1"


def test_serve_refuses_a_missing_folder(runner, tmp_path):
    r = runner.invoke(cli, ["serve", str(tmp_path / "finns-inte"), "--ingen-webblasare"])
    assert r.exit_code == 2
    assert "finns-inte" in r.output
