"""Protokollsutdrag: one § of the protokoll with its recipients (templates/protokollsutdrag.docx).

The input, the checks and the paragraph's context are the protokoll's (doctypes/protokoll.py).
"""

from __future__ import annotations

from ..checks import protokoll as protokoll_checks
from ..model.protokoll import Protokoll
from .base import DocType
from .protokoll import (
    EXEMPEL_PROTOKOLL, KONTEXT, UTDRAG, _plain, load, render_utdrag, utdata_utdrag, utdrag_kontext,
    utdrag_paragrafer,
)


def _render(prot: Protokoll, out, profil=None, mallar=None):
    """DocType render: the first paragraph's utdrag (template checks render one)."""
    return render_utdrag(prot, utdrag_paragrafer(prot)[0], out, profil, mallar)


DOKUMENTTYP = DocType(
    name=UTDRAG, label="Protokollsutdrag", model=Protokoll, context_model=f"{KONTEXT}:UtdragKontext", load=load,
    context=lambda prot, tpl, profil: _plain(utdrag_kontext(prot, utdrag_paragrafer(prot)[0],
                                                                               profil, tpl)),
    render=_render, checks=(protokoll_checks,), suffixes=(), utdata=utdata_utdrag, sammansatt=True,
    description="Protokollsutdrag: en paragraf med mottagare; `rapportgen utdrag`",
    exempel=EXEMPEL_PROTOKOLL,
)
