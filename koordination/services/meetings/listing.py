"""The dates of a window, as the lists show them: every meeting and series date that overlaps
two instants, read through Core and expanded in the city's wall-clock time, as plain tuples.

Two years of a busy city are 10,000 dates. A statement naming a mapped attribute would configure
every ORM mapper first (~50 ms), and a calendar event, an occurrence and a frozen row per date
cost more than the query; ``meetings list`` writes these tuples as they are, and
``Meetings.occurrences`` makes OccurrenceRows of them.
"""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, exists, or_, select

from koordination.calendar.events import Place
from koordination.calendar.recurrence import dates
from koordination.db.engine import Database
from koordination.db.stored import Converted, stored
from koordination.domain.enums import MeetingKind, MeetingStatus
from koordination.domain.models import Group, Meeting, MeetingGroup
from koordination.services.meetings.overrides import override_of, overrides_of_meetings
from koordination.services.meetings.times import local


class DateRow(NamedTuple):
    """One date of a meeting or series: the fields of an OccurrenceRow, in its order."""

    meeting_id: int
    uid: str
    recurrence_id: datetime
    start: datetime
    end: datetime
    title: str
    kind: MeetingKind
    place: str
    online_url: str
    status: MeetingStatus
    moved: bool
    groups: tuple[str, ...]


meeting = cast(Table, Meeting.__table__)
meeting_group = cast(Table, MeetingGroup.__table__)
group = cast(Table, Group.__table__)


def _location(address: str, room: str, online_url: str) -> str:
    """What the lists show as the place: room and address (the online link stands apart)."""
    return Place(address, room, online_url).location if address or room else ""


def window_dates(
    db: Database, start: datetime, end: datetime, group_id: int | None = None
) -> list[DateRow]:
    """Every date between ``start`` and ``end`` (series expanded), in time order (then title
    and number); only the meetings of ``group_id`` if given."""
    start, end = local(start), local(end)
    m, mg, g = meeting.c, meeting_group.c, group.c
    shown_here = and_(m.start_at < end, or_(m.last_end_at.is_(None), m.last_end_at > start))
    if group_id is not None:
        shown_here = and_(
            shown_here, exists().where(mg.meeting_id == m.id, mg.group_id == group_id)
        )
    with db.session() as session:
        conn = session.connection()
        # Kinds, states and instants as stored, each distinct one converted once.
        kinds, states = Converted(conn, m.kind), Converted(conn, m.status)
        instants = Converted(conn, m.start_at, local)
        meetings = conn.execute(
            select(
                m.id,
                m.uid,
                stored(m.kind),
                m.title,
                stored(m.start_at),
                stored(m.end_at),
                m.address,
                m.room,
                m.online_url,
                stored(m.status),
                m.rrule,
            ).where(shown_here)
        ).all()
        # The overrides and group links (a few per meeting) look their meeting up.
        overrides = overrides_of_meetings(conn, shown_here)
        names: dict[int, list[str]] = {}
        for meeting_id, name in conn.execute(
            select(mg.meeting_id, g.name)
            .join(group, g.id == mg.group_id)
            .where(exists().where(m.id == mg.meeting_id, shown_here))
            .order_by(g.name)
        ):
            names.setdefault(meeting_id, []).append(name)
    in_groups = {meeting_id: tuple(found) for meeting_id, found in names.items()}
    # A city has a few dozen rooms and addresses: each place's text is worked out once.
    places: dict[tuple[str, str, str], str] = {}
    cancelled = MeetingStatus.ABGESAGT
    rows: list[DateRow] = []
    append = rows.append
    for (
        mid,
        uid,
        stored_kind,
        title,
        start_at,
        end_at,
        address,
        room,
        url,
        stored_status,
        rrule,
    ) in meetings:
        kind, status = kinds[stored_kind], states[stored_status]
        shown = places.get((address, room, url))
        if shown is None:
            shown = places[address, room, url] = _location(address, room, url)
        groups = in_groups.get(mid, ())
        stored_overrides = overrides.get(mid)
        exceptions: tuple[Any, ...] = ()
        if stored_overrides:
            base = Place(address, room, url)
            exceptions = tuple(override_of(row, base, 0) for row in stored_overrides)
        for rid, begins, ends, override in dates(
            instants[start_at], instants[end_at], rrule, exceptions, start, end
        ):
            where, link, state, moved = shown, url, status, False
            if override is not None:
                if override.cancelled:
                    state = cancelled
                else:
                    place = override.place or base
                    where = _location(place.address, place.room, place.online_url)
                    link, moved = place.online_url, True
            append(
                DateRow(mid, uid, rid, begins, ends, title, kind, where, link, state, moved, groups)
            )
    rows.sort(key=itemgetter(3, 5, 0))  # start, title, number
    return rows
