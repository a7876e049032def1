"""Clash warnings: other meetings' dates that overlap a meeting or series being saved, because
they belong to one of the same groups or take place in the same room. A warning, never a
refusal: two groups may well share a room on purpose."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from koordination.calendar.events import Event, Occurrence, Place
from koordination.domain.enums import MeetingStatus
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.models import Meeting, MeetingGroup
from koordination.domain.records.meetings import Clash
from koordination.errors import ValidationError
from koordination.services.meetings.overrides import overrides_by_meeting
from koordination.services.meetings.records import override_of
from koordination.services.meetings.times import day_start, local

#: How far ahead a series is compared (from its start, or from today for a running series).
HORIZON = timedelta(days=366)
#: How many clashes a face lists before it says "und N weitere".
SHOWN = 5

_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def room_key(place: Place) -> tuple[str, str] | None:
    """Room and address compared case- and whitespace-insensitively; None without a room."""
    room = " ".join(place.room.split()).casefold()
    if not room:
        return None
    return room, " ".join(place.address.split()).casefold()


def find_clashes(
    session: Session, data: MeetingInput, exclude_meeting_id: int | None, today: date
) -> list[Clash]:
    """The dates of other, not cancelled meetings that overlap the dates of ``data`` and share
    a group or the room with it, in time order (one per date of the other meeting)."""
    if data.problems() or data.start is None or data.end is None:
        return []
    mine = _own_dates(session, data, exclude_meeting_id, today)
    if not mine:
        return []
    groups = set(data.group_ids)
    rooms = {key for o in mine if (key := room_key(o.place)) is not None}
    if not groups and not rooms:
        return []
    low = min(o.start for o in mine)
    high = max(o.end for o in mine)
    starts = [o.start for o in mine]
    longest = max(o.end - o.start for o in mine)
    found: list[Clash] = []
    for meeting, overrides, shared in _candidates(session, low, high, exclude_meeting_id, groups):
        place = Place(meeting.address, meeting.room, meeting.online_url)
        event_overrides = tuple(override_of(r, place, 0) for r in overrides)
        if not shared and not any(
            room_key(p) in rooms for p in (place, *(o.place for o in event_overrides if o.place))
        ):
            continue
        event = Event(
            uid=meeting.uid,
            sequence=0,
            title=meeting.title,
            start=local(meeting.start_at),
            end=local(meeting.end_at),
            place=place,
            rrule=meeting.rrule,
            overrides=event_overrides,
        )
        try:
            theirs = _expand(event, low, high)
        except ValidationError:
            continue  # a rule koordination cannot read is shown elsewhere, not here
        for other in theirs:
            if other.cancelled:
                continue
            first = bisect_left(starts, other.start - longest)
            last = bisect_left(starts, other.end)
            overlapping = [
                n for n in mine[first:last] if n.start < other.end and other.start < n.end
            ]
            if not overlapping:
                continue
            key = room_key(other.place)
            same_room = key is not None and any(room_key(n.place) == key for n in overlapping)
            if shared or same_room:
                found.append(_clash(meeting.id, meeting.title, other, shared, same_room))
    found.sort(key=lambda c: (c.start, c.title, c.meeting_id))
    return found


def clash_warnings(clashes: Sequence[Clash], shown: int = SHOWN) -> list[str]:
    """The German lines a face prints: the first ``shown`` clashes, then how many more."""
    lines = [c.message for c in clashes[:shown]]
    more = len(clashes) - shown
    if more > 0:
        lines.append(
            "… und 1 weitere Überschneidung."
            if more == 1
            else f"… und {more} weitere Überschneidungen."
        )
    return lines


def _expand(event: Event, low: datetime, high: datetime) -> list[Occurrence]:
    from koordination.calendar.recurrence import expand

    return expand(event, low, high)


def _own_dates(
    session: Session, data: MeetingInput, exclude_meeting_id: int | None, today: date
) -> list[Occurrence]:
    """The dates of the meeting or series being saved, within the horizon, not cancelled; an
    edited series keeps its own moved and cancelled dates."""
    from koordination.calendar.recurrence import RecurrenceRule

    assert data.start is not None and data.end is not None
    start, end = local(data.start), local(data.end)
    place = Place(data.address.strip(), data.room.strip(), data.online_url.strip())
    overrides: tuple[Any, ...] = ()
    if exclude_meeting_id is not None and data.rrule:
        rows = overrides_by_meeting(session, [exclude_meeting_id]).get(exclude_meeting_id, [])
        overrides = tuple(override_of(r, place, 0) for r in rows)
    event = Event(
        uid="neu",
        sequence=0,
        title=data.title,
        start=start,
        end=end,
        place=place,
        rrule=data.rrule or None,
        overrides=overrides,
    )
    if not data.rrule:
        low, high = start, end
    else:
        low = max(start, day_start(today))
        high = low + HORIZON
        try:
            rule = RecurrenceRule.from_rrule(data.rrule)
        except ValidationError:
            return []
        if rule.until is not None:
            high = min(high, day_start(rule.until + timedelta(days=1)))
        if high <= low:
            return []
    try:
        dates = _expand(event, low, high)
    except ValidationError:
        return []
    return sorted((d for d in dates if not d.cancelled), key=lambda d: d.start)


def _candidates(
    session: Session,
    low: datetime,
    high: datetime,
    exclude_meeting_id: int | None,
    groups: set[int],
) -> list[tuple[Any, list[Any], bool]]:
    """Every other meeting that is not cancelled and may have a date in ``[low, high)``: its
    columns, its exceptions and whether it shares a group (read with three plain queries)."""
    ids = (
        select(Meeting.id)
        .where(Meeting.status != MeetingStatus.ABGESAGT)
        .where(Meeting.start_at < high.astimezone(UTC))
        .where(or_(Meeting.last_end_at.is_(None), Meeting.last_end_at > low.astimezone(UTC)))
    )
    if exclude_meeting_id is not None:
        ids = ids.where(Meeting.id != exclude_meeting_id)
    meetings = session.execute(
        select(
            Meeting.id,
            Meeting.uid,
            Meeting.title,
            Meeting.start_at,
            Meeting.end_at,
            Meeting.address,
            Meeting.room,
            Meeting.online_url,
            Meeting.rrule,
        )
        .where(Meeting.id.in_(ids))
        .order_by(Meeting.id)
    ).all()
    if not meetings:
        return []
    overrides = overrides_by_meeting(session, ids)
    sharing: set[int] = set()
    if groups:
        sharing = set(
            session.scalars(
                select(MeetingGroup.meeting_id)
                .where(MeetingGroup.meeting_id.in_(ids))
                .where(MeetingGroup.group_id.in_(sorted(groups)))
            )
        )
    return [(m, overrides.get(m.id, []), m.id in sharing) for m in meetings]


def _clash(meeting_id: int, title: str, date_: Occurrence, group: bool, room: bool) -> Clash:
    start, end = local(date_.start), local(date_.end)
    when = f"{_WEEKDAYS[start.weekday()]} {start:%d.%m.%Y}, {start:%H:%M}–"
    if end.date() == start.date():
        when += f"{end:%H:%M}"
    else:
        when += f"{_WEEKDAYS[end.weekday()]} {end:%d.%m.%Y}, {end:%H:%M}"
    room_name = " ".join(date_.place.room.split()) if room else ""
    reasons = (["gleiche Gruppe"] if group else []) + (
        [f"gleicher Raum: {room_name}"] if room else []
    )
    return Clash(
        meeting_id=meeting_id,
        title=title,
        start=date_.start.astimezone(UTC),
        end=date_.end.astimezone(UTC),
        same_group=group,
        room=room_name,
        message=f"Am {when} trifft sich „{title}“ schon ({', '.join(reasons)}).",
    )
