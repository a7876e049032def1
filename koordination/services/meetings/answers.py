"""A changed time asks again: when a meeting's or a date's time changes, its answers go back to
"keine Antwort" (the old ones stay in the audit trail), and the next REQUEST carries
PARTSTAT=NEEDS-ACTION with RSVP=TRUE (RFC 5546 2.1.4). A change of place or text keeps them.

Answers for single dates belong to the date as invited (its RECURRENCE-ID). When the series'
time changes, every date that now takes place at another time is asked again; a moved date
keeps its own time, so its answer stays and follows the date's new RECURRENCE-ID.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from koordination.calendar.events import Event
from koordination.clock import CITY_ZONE
from koordination.db import audit
from koordination.domain.enums import ResponseStatus
from koordination.domain.models import Invitation, Meeting, Response
from koordination.domain.records.meetings import MeetingRecord
from koordination.services.meetings.records import event_of
from koordination.services.meetings.times import local

_NO_ORGANIZER = ("", "")


def _rule_without_end(rrule: str | None) -> object:
    from koordination.calendar.recurrence import RecurrenceRule

    if not rrule:
        return None
    return dataclasses.replace(RecurrenceRule.from_rrule(rrule), until=None, count=None)


def times_changed(before: MeetingRecord, after: MeetingRecord) -> bool:
    """The meeting's time or dates changed (a series only ending earlier or later is not)."""
    return (before.start, before.end, _rule_without_end(before.rrule)) != (
        after.start,
        after.end,
        _rule_without_end(after.rrule),
    )


def _when(event: Event, rid: datetime) -> tuple[datetime, datetime] | None:
    """When the date ``rid`` of ``event`` takes place (moved or not); None if it has no such
    date (any more) or it is cancelled."""
    from koordination.calendar.recurrence import expand

    if not event.rrule:
        return (event.start, event.end) if rid == event.start else None
    minute = timedelta(minutes=1)
    for o in expand(event, rid - minute, rid + minute):
        if o.recurrence_id == rid:
            return None if o.cancelled else (o.start, o.end)
    for moved in event.overrides:  # moved far away from its own day
        if moved.recurrence_id == rid and not moved.cancelled and moved.start is not None:
            return (moved.start, moved.end or moved.start + (event.end - event.start))
    return None


def after_update(
    meeting: Meeting, before: MeetingRecord, after: MeetingRecord, sequence: int
) -> int:
    """After an edit of a meeting or a whole series: reset the answers whose time changed and
    move single-date answers along with their date. Returns how many answers were reset."""
    if not times_changed(before, after):
        return 0
    old_event = event_of(before, _NO_ORGANIZER)
    new_event = event_of(after, _NO_ORGANIZER)
    # The same shift of time of day that carried the series' exceptions (series.carry_overrides).
    shift = timedelta(
        hours=after.start.hour - before.start.hour, minutes=after.start.minute - before.start.minute
    )
    reset = 0
    for inv in meeting.invitations:
        old = [_describe(r) for r in inv.responses if _answered(r)]
        for response in list(inv.responses):
            if response.recurrence_id is None:
                if _answered(response):
                    _reset(response, sequence)
                    reset += 1
                continue
            rid = local(response.recurrence_id)
            new_rid = (rid.replace(tzinfo=None) + shift).replace(tzinfo=CITY_ZONE)
            was, now = _when(old_event, rid), _when(new_event, new_rid)
            if was is not None and was == now:
                response.recurrence_id = new_rid.astimezone(UTC)  # the same date, kept
            elif _answered(response):
                _reset(response, sequence)
                response.recurrence_id = new_rid.astimezone(UTC)
                reset += 1
        _log(inv, old, meeting.id)
    return reset


def after_move(meeting: Meeting, rid: datetime, sequence: int) -> int:
    """After one date of a series moved to another time: everyone is asked again for it."""
    key = rid.astimezone(UTC)
    reset = 0
    for inv in meeting.invitations:
        if inv.removed_at is not None:
            continue
        response = next((r for r in inv.responses if r.recurrence_id == key), None)
        whole = next((r for r in inv.responses if r.recurrence_id is None), None)
        said = response if response is not None and _answered(response) else whole
        old = [_describe(said)] if said is not None and _answered(said) else []
        if response is None:
            response = Response(recurrence_id=key, status=ResponseStatus.KEINE_ANTWORT)
            inv.responses.append(response)
        if old:
            reset += 1
        _reset(response, sequence)
        _log(inv, old, meeting.id, day=local(rid))
    return reset


def _answered(r: Response) -> bool:
    return r.status not in (ResponseStatus.KEINE_ANTWORT, ResponseStatus.EINGELADEN)


def _reset(r: Response, sequence: int) -> None:
    r.status = ResponseStatus.KEINE_ANTWORT
    r.comment = ""
    # A reply to the old time (lower SEQUENCE) is late from now on; one to the new time wins.
    r.reply_sequence = sequence
    r.reply_dtstamp = None


def _describe(r: Response) -> str:
    day = f" ({local(r.recurrence_id):%d.%m.%Y %H:%M})" if r.recurrence_id else ""
    return f"{r.status.label}{day}"


def _log(inv: Invitation, old: list[str], meeting_id: int, day: datetime | None = None) -> None:
    """The answers given before, in the audit trail of the invitation."""
    if not old:
        return
    from sqlalchemy.orm import object_session

    session = object_session(inv)
    assert session is not None
    what = f"Antworten ({day:%d.%m.%Y})" if day else "Antworten"
    audit.log(
        session,
        "update",
        "invitation",
        inv.id,
        owner=("meeting", meeting_id),
        changes={what: ["; ".join(old), "keine Antwort (Zeit geändert)"]},
    )
