"""Where an output goes and what it is called: the one slug (a title as a file-name stem)
and the default path in the exports folder. The bytes are written by :mod:`koordination.files`,
the one atomic writer."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from koordination.paths import exports_dir

if TYPE_CHECKING:
    from koordination.domain.records.meetings import MeetingRecord

_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 40


def slug(text: str, *, fallback: str = "") -> str:
    """The one file-name stem for a title: ``Engagement in Gießen 2026`` →
    ``engagement-in-giessen-2026``.

    The rule: lower case; German umlauts and ß spelled out (ä → ae, ö → oe, ü → ue, ß → ss);
    other accents dropped (é → e); every run of anything but a-z and 0-9 becomes one hyphen;
    no hyphen at either end; at most 40 characters. What is left survives every file system,
    e-mail program and USB stick. A title with nothing usable in it gives ``fallback``.
    """
    folded = unicodedata.normalize("NFKD", text.lower().translate(_GERMAN_LETTERS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    stem = _NOT_SLUG.sub("-", ascii_text).strip("-")[:SLUG_LENGTH].strip("-")
    return stem or fallback


def export_path(stem: str, fmt: str) -> Path:
    """Where an output goes when nobody names a target: ``<exports folder>/<stem>.<fmt>``."""
    return exports_dir() / f"{stem}.{fmt}"


def invitation_folder(meeting: MeetingRecord) -> Path:
    """Where a meeting's invitation files go by default: one folder per meeting in
    ``<exports folder>/einladungen``, named by date, title (the one slug) and number."""
    return (
        exports_dir()
        / "einladungen"
        / f"{meeting.start:%Y-%m-%d}-{slug(meeting.title)}-{meeting.id}"
    )
