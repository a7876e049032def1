"""Single dates of a series: which date is meant, its exception (moved or cancelled), where the
series ends, and carrying exceptions over when the series' time or rule changes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from koordination.clock import CITY_ZONE
from koordination.domain.models import Meeting, MeetingOverride
from koordination.domain.records.meetings import MeetingRecord
from koordination.errors import FieldError, ValidationError
from koordination.services.meetings.records import event_of, to_record
from koordination.services.meetings.times import day_start, local


def last_end(meeting: Meeting) -> datetime | None:
    """When the last date ends, for the "overlaps the window" query; None: only the expansion
    knows (endless, or bounded by COUNT)."""
    from koordination.calendar.recurrence import RecurrenceRule

    if not meeting.rrule:
        return meeting.end_at
    rule = RecurrenceRule.from_rrule(meeting.rrule)
    if rule.until is not None:
        return day_start(rule.until + timedelta(days=2)).astimezone(UTC)
    if rule.count is not None:
        return None  # bounded, but only the expansion knows where; keep it in every query
    return None


def resolve(meeting: Meeting, when: datetime) -> datetime:
    """The original start (RECURRENCE-ID) of the date meant by ``when``: a date, or date and
    time, of the rule's own day or of the day a moved date was moved to."""
    from koordination.calendar.recurrence import expand

    if not meeting.rrule:
        raise ValidationError(
            [FieldError("Termin", "ist kein Serientermin; bitte den Termin selbst ändern.")]
        )
    wanted = local(when)
    event = event_of(meeting, ("", ""))
    window = (day_start(wanted.date()), day_start(wanted.date() + timedelta(days=1)))
    # (original start, where it takes place now) of every date touching that day.
    dates = [(o.recurrence_id, o.start) for o in expand(event, *window)]
    unmoved = dataclasses.replace(event, overrides=())
    moved_away = {
        local(o.recurrence_id): local(o.start_at or o.recurrence_id) for o in meeting.overrides
    }
    dates += [
        (o.recurrence_id, moved_away.get(o.recurrence_id, o.start))
        for o in expand(unmoved, *window)
    ]
    exact = [rid for rid, start in dates if wanted in (rid, start)]
    same_day = [rid for rid, start in dates if wanted.date() in (rid.date(), start.date())]
    found = exact or same_day
    if not found:
        raise ValidationError(
            [FieldError("Datum", f"Am {wanted:%d.%m.%Y} findet kein Termin dieser Serie statt.")]
        )
    return found[0]


def override_for(meeting: Meeting, recurrence_id: datetime) -> MeetingOverride:
    """The exception of one date, made on first use."""
    rid = recurrence_id.astimezone(UTC)
    for o in meeting.overrides:
        if o.recurrence_id == rid:
            return o
    override = MeetingOverride(recurrence_id=rid, cancelled=False)
    meeting.overrides.append(override)
    return override


def carry_overrides(
    meeting: Meeting, before: MeetingRecord, overrides: Sequence[MeetingOverride]
) -> list[str]:
    """Keep the moved and cancelled dates of a series whose time or rule changed.

    Each exception keeps its date and follows the series' new time of day (18:00 → 19:00
    moves the exception of 12.01. 18:00 to 12.01. 19:00); one whose date the rule no longer has
    is dropped with a German warning. ``overrides`` may belong to another meeting (a
    series split off); they are copied onto ``meeting``.
    """
    from koordination.calendar.recurrence import expand

    new_time, old_time = local(meeting.start_at), before.start
    shift = timedelta(
        hours=new_time.hour - old_time.hour, minutes=new_time.minute - old_time.minute
    )
    event = event_of(dataclasses.replace(to_record(meeting), overrides=()), ("", ""))
    warnings: list[str] = []
    kept: list[MeetingOverride] = []
    for o in list(overrides):
        old = local(o.recurrence_id)
        moved = (old.replace(tzinfo=None) + shift).replace(tzinfo=CITY_ZONE)
        dates = expand(event, moved - timedelta(minutes=1), moved + timedelta(minutes=1))
        if meeting.rrule and any(d.recurrence_id == moved for d in dates):
            if o.meeting_id == meeting.id:
                o.recurrence_id = moved.astimezone(UTC)
                kept.append(o)
            else:
                kept.append(
                    MeetingOverride(
                        recurrence_id=moved.astimezone(UTC),
                        cancelled=o.cancelled,
                        start_at=o.start_at,
                        end_at=o.end_at,
                        address=o.address,
                        room=o.room,
                        online_url=o.online_url,
                        sequence=o.sequence,
                    )
                )
        elif o.meeting_id == meeting.id or o.meeting_id is None:
            what = "Absage" if o.cancelled else "Verschiebung"
            warnings.append(
                f"Die {what} des Termins vom {old:%d.%m.%Y} passt nicht mehr zur Serie "
                "und wurde entfernt."
            )
    meeting.overrides = kept
    return warnings
