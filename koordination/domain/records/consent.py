"""Plain frozen records of provable consent: the catalogue's wordings and who still awaits
the information owed under Art. 14 DSGVO."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from koordination.domain.enums import ConsentPurpose


@dataclass(frozen=True)
class ConsentTextRecord:
    """One wording of the office's consent catalogue."""

    id: int
    purpose: ConsentPurpose
    version: str
    wording: str
    valid_from: date

    @property
    def label(self) -> str:
        """How a list or a choice names it: "Einladungen, Fassung 2026-01 (ab 01.01.2026)"."""
        return f"{self.purpose.label}, Fassung {self.version} (ab {self.valid_from:%d.%m.%Y})"


@dataclass(frozen=True)
class Art14Row:
    """A person whose data came from someone else's list and who has not been informed yet."""

    id: int
    name: str
    source: str
    since: datetime
