"""The controller's processing purposes and their legal bases (Art. 6 DSGVO), with the defaults
of a public body: its own task under lit. e and a state-law norm, consent (lit. a) for what
goes beyond the task. Never lit. f: a public authority performing its tasks cannot rely on
legitimate interests (Art. 6 Abs. 1 UAbs. 2 DSGVO).

The city profile stores only the bases the office changed (JSON ``{purpose: text}``); every
reader takes :func:`legal_bases`, so a default follows the state norm when it is filled in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

CONSENT = "Einwilligung, Art. 6 Abs. 1 lit. a DSGVO"
#: What stands for the state norm while the office has not named it.
NORM_MISSING = "[Landesnorm]"
#: What the letter says about third countries while the office wrote nothing.
NO_TRANSFERS = "keine"


@dataclass(frozen=True)
class Purpose:
    key: str
    label: str
    #: True: the office's public task (lit. e + state norm); False: consent (lit. a).
    public_task: bool
    #: The Stadtprofil's field label (at most 22 characters, the form's label column).
    short: str


PURPOSES: dict[str, Purpose] = {
    p.key: p
    for p in (
        Purpose(
            "netzwerk",
            "Verzeichnis und Netzwerkarbeit (Personen, Organisationen, Gruppen)",
            True,
            "Grundlage Netzwerk",
        ),
        Purpose(
            "sitzungen",
            "Sitzungen, Tagesordnungen, Anwesenheit, Protokolle und Aufgaben",
            True,
            "Grundlage Sitzungen",
        ),
        Purpose(
            "einladungen",
            "Einladungen per E-Mail, Post oder Kalender",
            False,
            "Grundlage Einladungen",
        ),
        Purpose(
            "kontaktdaten_teilen",
            "Weitergabe von Kontaktdaten im Netzwerk",
            False,
            "Grundlage Kontakte",
        ),
        Purpose("fotos", "Fotos", False, "Grundlage Fotos"),
        Purpose("newsletter", "Newsletter und Rundmails", False, "Grundlage Newsletter"),
        Purpose("offene_daten", "Veröffentlichung in offenen Daten", False, "Grundlage Open Data"),
        Purpose("umfragen", "Umfragen mit Namen", False, "Grundlage Umfragen"),
        Purpose(
            "informationen",
            "Informationen der Koordinierungsstelle erhalten (Rundmails an das Netzwerk)",
            False,
            "Grundlage Info-Mails",
        ),
        # The organisations' offers are the office's task; a contact person is named on them
        # only with their consent "Kontaktdaten im Netzwerk teilen" (services/offers).
        Purpose(
            "angebote",
            "Veröffentlichung von Mitwirkungsmöglichkeiten der Organisationen (eine "
            "Kontaktperson nur mit ihrer Einwilligung in die Weitergabe ihrer Kontaktdaten)",
            True,
            "Grundlage Angebote",
        ),
    )
}


def public_task_basis(state_norm: str) -> str:
    norm = state_norm.strip() or NORM_MISSING
    return f"Art. 6 Abs. 1 lit. e DSGVO i. V. m. {norm}"


def default_basis(key: str, state_norm: str) -> str:
    return public_task_basis(state_norm) if PURPOSES[key].public_task else CONSENT


def stored_bases(text: str) -> dict[str, str]:
    """The bases the office set, from the profile's JSON (unknown purposes and junk ignored)."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v.strip() for k, v in data.items() if k in PURPOSES and isinstance(v, str)}


def legal_bases(stored: Mapping[str, str], state_norm: str) -> dict[str, str]:
    """Every purpose's legal basis: the office's text, else the default."""
    return {
        key: (stored.get(key) or "").strip() or default_basis(key, state_norm) for key in PURPOSES
    }


def bases_to_store(bases: Mapping[str, str], state_norm: str, *old_norms: str) -> str:
    """The JSON the profile keeps: only the bases that differ from the default. A text that is
    the default for an earlier norm (the form showed it before the norm was changed) is the
    default too, so it follows the new norm."""
    kept = {}
    for key, text in bases.items():
        text = text.strip()
        defaults = {default_basis(key, norm) for norm in (state_norm, *old_norms)}
        if key in PURPOSES and text and text not in defaults:
            kept[key] = text
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else ""


_LIT_F = re.compile(r"lit\.?\s*f\b|berechtigte[sn]?\s+Interesse", re.IGNORECASE)


def lit_f_problem(text: str) -> str | None:
    """Why a public body cannot give lit. f as a basis (None for any other text)."""
    if _LIT_F.search(text):
        return (
            "eine öffentliche Stelle kann sich bei ihren Aufgaben nicht auf berechtigte "
            "Interessen (lit. f) stützen (Art. 6 Abs. 1 UAbs. 2 DSGVO); bitte lit. e mit der "
            "Landesnorm oder eine Einwilligung (lit. a) angeben."
        )
    return None
