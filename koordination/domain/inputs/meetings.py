"""What a meeting form hands to the meetings service, with its validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from koordination.domain.enums import (
    MeetingKind,
)
from koordination.domain.inputs.validation import (
    required,
    website_problem,
)
from koordination.errors import FieldError


@dataclass
class MeetingInput:
    """A meeting or series as a form fills it in; times are wall-clock times in Berlin."""

    title: str = ""
    kind: MeetingKind = MeetingKind.SONSTIGES
    start: datetime | None = None
    end: datetime | None = None
    description: str = ""
    address: str = ""
    room: str = ""
    online_url: str = ""
    group_ids: list[int] = field(default_factory=list)
    public: bool = True
    #: An RFC 5545 RRULE value (see koordination.calendar.recurrence.RecurrenceRule.to_rrule).
    rrule: str | None = None

    def problems(self) -> list[FieldError]:
        errors = [e for e in (required("Titel", self.title),) if e]
        if self.start is None:
            errors.append(FieldError("Beginn", "bitte Datum und Uhrzeit angeben."))
        if self.end is None:
            errors.append(FieldError("Ende", "bitte Datum und Uhrzeit angeben."))
        if self.start and self.end:
            if self.end <= self.start:
                errors.append(FieldError("Ende", "muss nach dem Beginn liegen."))
            elif self.end - self.start > timedelta(days=3):
                errors.append(FieldError("Ende", "ein Termin dauert höchstens drei Tage."))
        if self.online_url.strip() and (msg := website_problem(self.online_url.strip())):
            errors.append(FieldError("Online-Link", msg))
        if any(ch in self.title for ch in "\r\n"):
            errors.append(FieldError("Titel", "darf keinen Zeilenumbruch enthalten."))
        return errors
