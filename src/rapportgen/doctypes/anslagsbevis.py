"""Anslagsbevis: when the justerat protokoll went up on the anslagstavla and comes down
(templates/anslagsbevis.docx). Input and checks are the protokoll's (doctypes/protokoll.py);
the dates are computed by rapportgen.kalender from the profile's `anslag:` rules.
"""

from __future__ import annotations

from ..checks import protokoll as protokoll_checks
from ..model.protokoll import Protokoll
from .base import DocType
from .protokoll import (
    ANSLAGSBEVIS, EXEMPEL_PROTOKOLL, KONTEXT, _plain, anslagsbevis_kontext, load, render_anslagsbevis,
    utdata_anslagsbevis,
)

DOKUMENTTYP = DocType(
    name=ANSLAGSBEVIS, label="Anslagsbevis", model=Protokoll, context_model=f"{KONTEXT}:AnslagsbevisKontext",
    load=load, context=lambda prot, _tpl, profil: _plain(anslagsbevis_kontext(prot, profil)),
    render=render_anslagsbevis,
    checks=(protokoll_checks,), suffixes=(), utdata=utdata_anslagsbevis, sammansatt=True,
    description="Anslagsbevis: justering, uppsättning och nedtagning på anslagstavlan; `rapportgen anslagsbevis`",
    exempel=EXEMPEL_PROTOKOLL,
)
