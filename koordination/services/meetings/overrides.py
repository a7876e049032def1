"""Reading a meeting's exceptions (moved and cancelled dates) for many meetings at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.domain.models import MeetingOverride


def overrides_by_meeting(session: Session, ids: Iterable[int] | Any) -> dict[int, list[Any]]:
    """Each meeting's overrides as rows (recurrence_id, cancelled, start, end, address, room,
    online_url), by meeting id; ``ids`` may be a list or a select of ids."""
    o = MeetingOverride
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
        ).where(o.meeting_id.in_(ids))
    ):
        found.setdefault(row.meeting_id, []).append(row)
    return found
