"""What the meeting forms hand to the meetings service (a meeting or series, a moved
occurrence, an answer taken by hand), with their validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from koordination.clock import CITY_ZONE
from koordination.domain.enums import MeetingKind, ResponseStatus
from koordination.domain.inputs.validation import (
    required,
    required_date,
    required_time,
    text_value,
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


@dataclass(frozen=True)
class MoveInput:
    """One occurrence moved to another day, time or place (aware times in the city's zone)."""

    start: datetime
    end: datetime
    address: str
    room: str
    online_url: str


def build_move(values: Mapping[str, Any]) -> tuple[MoveInput | None, list[FieldError]]:
    problems: list[FieldError] = []
    day = required_date(values, "day", "Neues Datum", problems)
    start_time = required_time(values, "start", "Beginn", problems)
    end_time = required_time(values, "end", "Ende", problems)
    if problems or day is None or start_time is None or end_time is None:
        return None, problems
    start = datetime.combine(day, start_time, tzinfo=CITY_ZONE)
    end = datetime.combine(day, end_time, tzinfo=CITY_ZONE)
    if end <= start:
        return None, [FieldError("Ende", "muss nach dem Beginn liegen.")]
    return (
        MoveInput(
            start,
            end,
            text_value(values, "address"),
            text_value(values, "room"),
            text_value(values, "online_url"),
        ),
        [],
    )


@dataclass(frozen=True)
class AnswerInput:
    """An answer taken by phone or on paper: for the whole series, or one occurrence."""

    invitation_id: int
    status: ResponseStatus
    recurrence_id: datetime | None


def build_answer(
    values: Mapping[str, Any], occurrence: datetime | None
) -> tuple[AnswerInput | None, list[FieldError]]:
    """``occurrence``: the occurrence the scope "one" stands for (``None``: none offered)."""
    if values.get("invitation_id") is None:
        return None, [FieldError("Person", "bitte eine Person wählen.")]
    rid = occurrence if values.get("scope") == "one" else None
    return AnswerInput(values["invitation_id"], values["status"], rid), []
