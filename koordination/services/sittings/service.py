"""The Sittings service: opening the sitting of a meeting date, its minutes' header and the
sittings of a group's year, over the agenda, attendance, decisions and tasks, approval and
workshop cards in the modules beside it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import CITY_ZONE
from koordination.domain.enums import AttendanceStatus, StandingItem
from koordination.domain.inputs.sittings import HeaderInput
from koordination.domain.models import AgendaItem, Group, Invitation, Meeting, Person, Sitting
from koordination.domain.records.meetings import SittingRecord
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.sittings.agenda import TEMPLATES, Agenda
from koordination.services.sittings.approval import Approval
from koordination.services.sittings.attendance import AttendanceList
from koordination.services.sittings.decisions_tasks import DecisionsAndTasks
from koordination.services.sittings.workshop import Workshop


class Sittings(Agenda, AttendanceList, Workshop, DecisionsAndTasks, Approval):
    """Use cases of a sitting. Every public method is one transaction."""

    def open(self, meeting_id: int, when: datetime | None = None) -> SittingRecord:
        """The sitting of a meeting (a one-off meeting, or the series date on ``when``);
        created on first use with the agenda template, standing items and the invitees."""
        with self.db.session() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None:
                raise NotFoundError(f"Termin Nr. {meeting_id} wurde nicht gefunden.")
            occurrence = self.meetings.occurrence_start(session, meeting, when)
            sitting = session.scalar(
                select(Sitting).where(
                    Sitting.meeting_id == meeting.id,
                    Sitting.occurrence == occurrence.astimezone(UTC),
                )
            )
            if sitting is None:
                sitting = self._create(session, meeting, occurrence)
            return self._record(session, self._load(session, sitting.id))

    def find(self, meeting_id: int, occurrence: datetime) -> SittingRecord | None:
        """The sitting of that date if one was started; never creates one."""
        with self.db.session() as session:
            sitting_id = session.scalar(
                select(Sitting.id).where(
                    Sitting.meeting_id == meeting_id,
                    Sitting.occurrence == occurrence.astimezone(UTC),
                )
            )
            if sitting_id is None:
                return None
            return self._record(session, self._load(session, sitting_id))

    def get(self, sitting_id: int) -> SittingRecord:
        with self.db.session() as session:
            return self._record(session, self._load(session, sitting_id))

    def _create(self, session: Session, meeting: Meeting, occurrence: datetime) -> Sitting:
        sitting = Sitting(meeting=meeting, occurrence=occurrence.astimezone(UTC))
        session.add(sitting)
        items = [
            AgendaItem(title=title, duration_minutes=minutes)
            for title, minutes in TEMPLATES.get(meeting.kind, ())
        ]
        if meeting.rrule:
            # Series get the standing items: last minutes, open tasks, any other business.
            items.insert(
                min(1, len(items)),
                AgendaItem(
                    title=StandingItem.PROTOKOLL.label,
                    standing=StandingItem.PROTOKOLL,
                    duration_minutes=5,
                ),
            )
            items.insert(
                min(2, len(items)),
                AgendaItem(
                    title=StandingItem.AUFGABEN.label,
                    standing=StandingItem.AUFGABEN,
                    duration_minutes=10,
                ),
            )
            items.append(
                AgendaItem(
                    title=StandingItem.VERSCHIEDENES.label,
                    standing=StandingItem.VERSCHIEDENES,
                    duration_minutes=10,
                )
            )
        for position, item in enumerate(items):
            item.position = position
            sitting.items.append(item)
        invited = session.scalars(
            select(Invitation)
            .where(Invitation.meeting_id == meeting.id, Invitation.removed_at.is_(None))
            .options(selectinload(Invitation.person))
        ).all()
        for inv in invited:
            status = AttendanceStatus.GAST if inv.guest else AttendanceStatus.ABWESEND
            sitting.attendance.append(self._attendance(inv.person, status))
        session.flush()
        return sitting

    def set_header(self, original: SittingRecord, data: HeaderInput) -> None:
        """Chair, minute taker, the times it began and ended on the sitting's day, and the kind
        of minutes; what ``data`` leaves empty stays. No version check: the notes typed on the
        same screen change the sitting all the time, and the header writes its own columns only."""
        day = original.start.date()
        started_at = datetime.combine(day, data.started, CITY_ZONE) if data.started else None
        ended_at = datetime.combine(day, data.ended, CITY_ZONE) if data.ended else None
        if started_at and ended_at and ended_at <= started_at:
            raise ValidationError([FieldError("Ende", "muss nach dem Beginn liegen.")])
        with self.db.session() as session:
            sitting = self._editable(session, original.id)
            for person_id in (data.chair_id, data.minute_taker_id):
                if person_id is not None and session.get(Person, person_id) is None:
                    raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
            if data.chair_id is not None:
                sitting.chair_id = data.chair_id
            if data.minute_taker_id is not None:
                sitting.minute_taker_id = data.minute_taker_id
            if started_at is not None:
                sitting.started_at = started_at.astimezone(UTC)
            if ended_at is not None:
                sitting.ended_at = ended_at.astimezone(UTC)
            if data.kind is not None:
                sitting.minutes_kind = data.kind

    def sittings_of_group(self, group_id: int, year: int) -> list[SittingRecord]:
        """The sittings of a group's meetings in a calendar year, in date order."""
        first = datetime(year, 1, 1, tzinfo=CITY_ZONE).astimezone(UTC)
        last = datetime(year + 1, 1, 1, tzinfo=CITY_ZONE).astimezone(UTC)
        with self.db.session() as session:
            ids = session.scalars(
                select(Sitting.id)
                .join(Meeting, Meeting.id == Sitting.meeting_id)
                .where(Meeting.groups.any(Group.id == group_id))
                .where(Sitting.occurrence >= first, Sitting.occurrence < last)
                .order_by(Sitting.occurrence)
            ).all()
            return [self._record(session, self._load(session, i)) for i in ids]
