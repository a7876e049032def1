"""A meeting's exceptions (moved and cancelled dates): reading them for many meetings at once,
and each as the calendar's Override."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, exists, select
from sqlalchemy.orm import Session

from koordination.calendar.events import Override, Place
from koordination.domain.models import Meeting, MeetingOverride
from koordination.services.meetings.times import local

# The tables' columns: the lists read overrides without configuring the ORM's mappers.
_override = cast(Table, MeetingOverride.__table__)


def overrides_by_meeting(
    session: Session | Connection, ids: Iterable[int] | Any
) -> dict[int, list[Any]]:
    """Each meeting's overrides as rows (recurrence_id, cancelled, start, end, address, room,
    online_url), by meeting id; ``ids`` may be a list or a select of ids."""
    return _by_meeting(session, _override.c.meeting_id.in_(ids))


def overrides_of_meetings(
    session: Session | Connection, meetings: ColumnElement[bool]
) -> dict[int, list[Any]]:
    """As :func:`overrides_by_meeting`, for the meetings that meet ``meetings`` (a condition on
    the meeting table): the few overrides look their meeting up, where a list of the meetings'
    ids would be built and searched for each override."""
    m = cast(Table, Meeting.__table__).c
    return _by_meeting(session, exists().where(m.id == _override.c.meeting_id, meetings))


def _by_meeting(session: Session | Connection, which: ColumnElement[bool]) -> dict[int, list[Any]]:
    o = _override.c
    found: dict[int, list[Any]] = {}
    for row in session.execute(
        select(
            o.meeting_id,
            o.recurrence_id,
            o.cancelled,
            o.start_at.label("start"),
            o.end_at.label("end"),
            o.address,
            o.room,
            o.online_url,
        ).where(which)
    ):
        found.setdefault(row.meeting_id, []).append(row)
    return found


def override_of(o: Any, base: Place, sequence: int) -> Override:
    """An exception of a series (an OverrideRecord or a result row with the same names);
    place fields that are None keep the series' value."""
    return Override(
        recurrence_id=local(o.recurrence_id),
        cancelled=o.cancelled,
        start=local(o.start) if o.start else None,
        end=local(o.end) if o.end else None,
        place=Place(
            base.address if o.address is None else o.address,
            base.room if o.room is None else o.room,
            base.online_url if o.online_url is None else o.online_url,
        ),
        sequence=sequence,
    )
