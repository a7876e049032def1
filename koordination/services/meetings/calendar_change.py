"""What counts as a calendar-relevant change, and how a meeting's SEQUENCE rises.

A change to one of these fields must reach every calendar as an update with a higher SEQUENCE
(and a new REQUEST); anything else (kind, visibility, status by hand) sends nothing.
"""

from __future__ import annotations

from datetime import datetime

from koordination.domain.models import Meeting
from koordination.domain.records.meetings import MeetingRecord


def calendar_relevant(r: MeetingRecord) -> tuple[object, ...]:
    """What a calendar shows: a change here needs an update with a higher SEQUENCE."""
    return (
        r.title,
        r.description,
        r.start,
        r.end,
        r.address,
        r.room,
        r.online_url,
        r.rrule,
    )


def bump(meeting: Meeting, now: datetime, *, request: bool) -> None:
    """Raise the SEQUENCE; ``request``: invitees need the whole meeting again (a REQUEST)."""
    meeting.sequence += 1
    if request:
        meeting.request_sequence = meeting.sequence
    meeting.updated_at = now
