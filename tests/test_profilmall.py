"""LibreOffice's profile template (convert/server.profilmall, convert/_unoserve): made once, then
every instance starts from a copy of it; a template that is not the user's own 0700 folder is
neither used nor touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rapportgen.convert import server


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def _start() -> tuple[server.Instance, Path]:
    inst = server.Instance()
    inst.start()
    assert inst.folder is not None
    return inst, inst.folder / "profil"


def test_first_start_makes_the_template_then_instances_copy_it(data_home):
    mall = Path(server.profilmall())
    assert mall.parent == data_home / "rapportgen" / "libreoffice"
    inst, _profil = _start()
    try:
        assert (mall / "user" / "extensions").is_dir()
        assert mall.stat().st_mode & 0o777 == 0o700
        assert not [p for p in mall.parent.iterdir() if p.name.startswith(".mall-")]  # no half-made copy left
    finally:
        inst.kill()
    # A file put in the template shows up in the next instance's profile: it is copied, not made anew.
    (mall / "user" / "rapportgen-markering").write_text("från mallen")
    inst, profil = _start()
    try:
        assert (profil / "user" / "rapportgen-markering").read_text() == "från mallen"
        assert inst.alive()
    finally:
        inst.kill()


def test_a_template_others_can_write_is_not_used(data_home):
    mall = Path(server.profilmall())
    (mall / "user").mkdir(parents=True)
    (mall / "user" / "rapportgen-markering").write_text("planterad")
    os.chmod(mall, 0o777)
    inst, profil = _start()
    try:
        assert inst.alive()
        assert not (profil / "user" / "rapportgen-markering").exists()
    finally:
        inst.kill()
    assert (mall / "user" / "rapportgen-markering").read_text() == "planterad"  # left as it was
    assert mall.stat().st_mode & 0o777 == 0o777
