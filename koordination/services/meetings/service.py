"""The Meetings service: creating, changing and cancelling meetings and series, their dates,
and the use cases on invitations and replies (whose rules live in the modules beside it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.calendar.events import Event
from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import MeetingStatus, ResponseStatus
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.models import (
    CityProfile,
    Group,
    Invitation,
    Meeting,
)
from koordination.domain.records.directory import Saved
from koordination.domain.records.meetings import (
    Clash,
    InvitationRow,
    MeetingRecord,
    OccurrenceRow,
)
from koordination.errors import ConflictError, FieldError, NotFoundError, ValidationError
from koordination.services.meetings import answers, invitations, replies
from koordination.services.meetings.calendar_change import bump, calendar_relevant
from koordination.services.meetings.invitations import Delivery, DeliveryPlan
from koordination.services.meetings.records import (
    event_of,
    invitation_row,
    load,
    office,
    to_record,
)
from koordination.services.meetings.replies import ReplyReport
from koordination.services.meetings.review import ReplyReview
from koordination.services.meetings.series import carry_overrides, last_end, override_for, resolve
from koordination.services.meetings.times import (
    LOOKAHEAD,
    clock_warnings,
    day_start,
    local,
    new_uid,
)


class Meetings:
    """Use cases around meetings. Every public method is one transaction."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = SYSTEM_CLOCK,
        organizer: tuple[str, str] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self._organizer = organizer
        #: The review list: counter-proposals, comments, delegations, replies not booked.
        self.review = ReplyReview(self)

    def now(self) -> datetime:
        return self.clock.now()

    # ------------------------------------------------------------------ conversions
    _load = staticmethod(load)
    _record = staticmethod(to_record)
    event_of = staticmethod(event_of)

    def organizer(self, session: Session) -> tuple[str, str]:
        """The Koordinierungsstelle: name and e-mail from the city profile."""
        return self._organizer if self._organizer is not None else office(session)

    # ------------------------------------------------------------------ reading
    def get(self, meeting_id: int) -> MeetingRecord:
        with self.db.session() as session:
            return self._record(self._load(session, meeting_id))

    def event(self, meeting_id: int) -> Event:
        with self.db.session() as session:
            return self.event_of(self._load(session, meeting_id), self.organizer(session))

    def occurrences(
        self, start: datetime, end: datetime, group_id: int | None = None
    ) -> list[OccurrenceRow]:
        """Every date between ``start`` and ``end`` (series expanded), in time order."""
        from koordination.services.meetings.listing import window_dates

        return [OccurrenceRow(*row) for row in window_dates(self.db, start, end, group_id)]

    def list_meetings(self) -> list[MeetingRecord]:
        with self.db.session() as session:
            meetings = session.scalars(
                select(Meeting)
                .options(selectinload(Meeting.groups), selectinload(Meeting.overrides))
                .order_by(Meeting.start_at, Meeting.id)
            ).all()
            return [self._record(m) for m in meetings]

    def find_by_uid(self, uid: str) -> MeetingRecord | None:
        with self.db.session() as session:
            m = session.scalar(select(Meeting.id).where(Meeting.uid == uid))
            return self._record(self._load(session, m)) if m is not None else None

    # ------------------------------------------------------------------ writing
    def holiday_warnings(self, data: MeetingInput | MeetingRecord) -> list[str]:
        """German warnings for dates that fall on a public holiday of the city's Bundesland."""
        from koordination.calendar.holidays import holiday_warnings
        from koordination.calendar.recurrence import expand

        if data.start is None or data.end is None:
            return []
        with self.db.session() as session:
            city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
        if city is None or city.bundesland is None:
            return []
        event = Event(
            uid="preview",
            sequence=0,
            title=data.title,
            start=local(data.start),
            end=local(data.end),
            rrule=data.rrule,
        )
        occurrences = expand(event, local(data.start), local(data.start) + LOOKAHEAD)
        return list(holiday_warnings(occurrences, city.bundesland.value))

    def clashes(self, data: MeetingInput, *, exclude_meeting_id: int | None = None) -> list[Clash]:
        """Other meetings' dates that overlap ``data`` (a new meeting or series, or the edited
        meeting ``exclude_meeting_id``) and share a group or the room: warnings, in time order.

        A series is compared for a year ahead (or to its end), honouring moved and cancelled
        dates on both sides; cancelled meetings and dates never clash, nor do times that only
        touch. ``clash_warnings`` gives the lines to show (at most a handful).
        """
        from koordination.services.meetings.clashes import find_clashes

        with self.db.session() as session:
            return find_clashes(session, data, exclude_meeting_id, self.clock.today())

    def clash_warnings(
        self, data: MeetingInput, *, exclude_meeting_id: int | None = None
    ) -> list[str]:
        """The German warnings for :meth:`clashes`: the first few, then "… und N weitere"."""
        from koordination.services.meetings.clashes import clash_warnings

        return clash_warnings(self.clashes(data, exclude_meeting_id=exclude_meeting_id))

    @staticmethod
    def problems(data: MeetingInput) -> list[FieldError]:
        """The form's own checks, plus: a series must start on one of its own dates (calendars
        disagree about a first date that the rule does not produce)."""
        from koordination.calendar.recurrence import RecurrenceRule, expand

        errors = data.problems()
        if errors or not data.rrule or data.start is None or data.end is None:
            return errors
        start = local(data.start)
        probe = Event("probe", 0, "", start, local(data.end), rrule=data.rrule)
        if not any(o.start == start for o in expand(probe, start, start + timedelta(minutes=1))):
            rule = RecurrenceRule.from_rrule(data.rrule).describe()
            errors.append(
                FieldError(
                    "Beginn",
                    f"Der {start:%d.%m.%Y} passt nicht zur Wiederholung „{rule}“. Bitte den "
                    "ersten Termin der Serie als Beginn wählen.",
                )
            )
        return errors

    def create(self, data: MeetingInput) -> Saved[MeetingRecord]:
        if errors := self.problems(data):
            raise ValidationError(errors)
        warnings = self.holiday_warnings(data) + clock_warnings(data)
        assert data.start is not None
        if local(data.start) < self.now():
            warnings.append("Der Termin liegt in der Vergangenheit.")
        with self.db.session() as session:
            meeting = Meeting(
                uid=new_uid(self._uid_domain(session)), sequence=0, request_sequence=0
            )
            self._apply(session, meeting, data)
            session.add(meeting)
            session.flush()
            return Saved(self._record(meeting), tuple(warnings))

    @staticmethod
    def _uid_domain(session: Session) -> str:
        """UIDs end in the office's own mail domain, so they are unique across offices."""
        city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
        email = city.office_email if city else ""
        return email.rsplit("@", 1)[1] if "@" in email else "koordination.local"

    def _apply(self, session: Session, meeting: Meeting, data: MeetingInput) -> None:
        assert data.start is not None and data.end is not None
        meeting.kind = data.kind
        meeting.title = data.title.strip()
        meeting.description = data.description.strip()
        meeting.start_at = local(data.start).astimezone(UTC)
        meeting.end_at = local(data.end).astimezone(UTC)
        meeting.address = data.address.strip()
        meeting.room = data.room.strip()
        meeting.online_url = data.online_url.strip()
        meeting.public = data.public
        meeting.rrule = data.rrule or None
        groups = [session.get(Group, gid) for gid in data.group_ids]
        if None in groups:
            raise NotFoundError("Eine der gewählten Gruppen gibt es nicht mehr.")
        meeting.groups = [g for g in groups if g is not None]
        meeting.last_end_at = last_end(meeting)

    def _check_version(self, meeting: Meeting, original: MeetingRecord) -> None:
        if meeting.version != original.version:
            raise ConflictError(
                f"Der Termin „{original.title}“ wurde inzwischen an anderer Stelle geändert. "
                "Ihre Änderungen wurden nicht gespeichert. Bitte neu laden."
            )

    def _bump(self, meeting: Meeting, *, request: bool) -> None:
        bump(meeting, self.now(), request=request)

    def update(self, original: MeetingRecord, data: MeetingInput) -> Saved[MeetingRecord]:
        """Change a meeting or a whole series; calendars get it as an update (higher SEQUENCE).
        A change of time asks everyone again (``answers.after_update``)."""
        if errors := self.problems(data):
            raise ValidationError(errors)
        warnings = self.holiday_warnings(data) + clock_warnings(data)
        with self.db.session() as session:
            meeting = self._load(session, original.id)
            self._check_version(meeting, original)
            before = self._record(meeting)
            self._apply(session, meeting, data)
            warnings += carry_overrides(meeting, before, meeting.overrides)
            session.flush()
            after = self._record(meeting)
            if calendar_relevant(before) != calendar_relevant(after):
                self._bump(meeting, request=True)
                answers.after_update(meeting, before, after, meeting.sequence)
            meeting.updated_at = self.now()
            session.flush()
            return Saved(self._record(meeting), tuple(warnings))

    def set_status(self, original: MeetingRecord, status: MeetingStatus) -> MeetingRecord:
        if status == MeetingStatus.ABGESAGT:
            return self.cancel(original)
        with self.db.session() as session:
            meeting = self._load(session, original.id)
            self._check_version(meeting, original)
            meeting.status = status
            meeting.updated_at = self.now()
            session.flush()
            return self._record(meeting)

    def cancel(self, original: MeetingRecord) -> MeetingRecord:
        """Cancel a meeting or a whole series: everybody invited gets a CANCEL."""
        with self.db.session() as session:
            meeting = self._load(session, original.id)
            self._check_version(meeting, original)
            if meeting.status == MeetingStatus.ABGESAGT:
                raise ValidationError([FieldError("Status", "Der Termin ist schon abgesagt.")])
            meeting.status = MeetingStatus.ABGESAGT
            self._bump(meeting, request=False)
            session.flush()
            return self._record(meeting)

    def occurrence_start(
        self, session: Session, meeting: Meeting, when: datetime | None
    ) -> datetime:
        """Which date of a meeting is meant: its own start for a one-off meeting, else the
        original start of the series date on ``when`` (a German error if there is none)."""
        if not meeting.rrule:
            return local(meeting.start_at)
        if when is None:
            raise ValidationError(
                [FieldError("Datum", "Bei einer Serie bitte das Datum des Termins angeben.")]
            )
        return resolve(meeting, when)

    def cancel_occurrence(self, meeting_id: int, occurrence: datetime) -> MeetingRecord:
        """Cancel one date of a series (``occurrence``: its date, or date and time)."""
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            rid = resolve(meeting, occurrence)
            override = override_for(meeting, rid)
            if override.cancelled:
                raise ValidationError(
                    [FieldError("Datum", f"Der Termin am {rid:%d.%m.%Y} ist schon abgesagt.")]
                )
            override.cancelled = True
            self._bump(meeting, request=False)
            override.sequence = meeting.sequence
            session.flush()
            return self._record(meeting)

    def move_occurrence(
        self,
        meeting_id: int,
        occurrence: datetime,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        address: str | None = None,
        room: str | None = None,
        online_url: str | None = None,
    ) -> MeetingRecord:
        """Move one date of a series in time and/or place; the rest of the series stays."""
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            rid = resolve(meeting, occurrence)
            override = override_for(meeting, rid)
            duration = meeting.end_at - meeting.start_at
            was = (override.start_at or rid, override.end_at or rid + duration)
            new_start = local(start) if start else local(override.start_at or rid)
            new_end = local(end) if end else new_start + duration
            if new_end <= new_start:
                raise ValidationError([FieldError("Ende", "muss nach dem Beginn liegen.")])
            override.cancelled = False
            override.start_at = new_start.astimezone(UTC)
            override.end_at = new_end.astimezone(UTC)
            if address is not None:
                override.address = address.strip()
            if room is not None:
                override.room = room.strip()
            if online_url is not None:
                override.online_url = online_url.strip()
            self._bump(meeting, request=True)
            override.sequence = meeting.sequence
            if (new_start, new_end) != was:  # another time: everyone is asked again
                answers.after_move(meeting, rid, meeting.sequence)
            meeting.last_end_at = last_end(meeting)
            if meeting.last_end_at is not None and override.end_at > meeting.last_end_at:
                meeting.last_end_at = override.end_at
            session.flush()
            return self._record(meeting)

    def split_series(
        self, original: MeetingRecord, from_day: date, data: MeetingInput
    ) -> Saved[MeetingRecord]:
        """Change a series from a date on: the old part ends the day before, a new series starts.

        Calendars handle two series reliably, unlike RANGE=THISANDFUTURE; invitees of the old
        series are carried over to the new one.
        """
        from koordination.calendar.recurrence import RecurrenceRule

        if not original.rrule:
            raise ValidationError([FieldError("Termin", "ist kein Serientermin.")])
        if from_day <= original.start.date():
            return self.update(original, data)
        if errors := self.problems(data):
            raise ValidationError(errors)
        warnings = self.holiday_warnings(data) + clock_warnings(data)
        with self.db.session() as session:
            old = self._load(session, original.id)
            self._check_version(old, original)
            rule = RecurrenceRule.from_rrule(old.rrule or "")
            last_day = from_day - timedelta(days=1)
            old.rrule = dataclasses.replace(rule, until=last_day, count=None).to_rrule()
            old.last_end_at = last_end(old)
            self._bump(old, request=True)
            new = Meeting(
                uid=new_uid(self._uid_domain(session)),
                sequence=0,
                request_sequence=0,
                previous_id=old.id,
            )
            self._apply(session, new, data)
            session.add(new)
            session.flush()
            boundary = day_start(from_day).astimezone(UTC)
            later = [o for o in old.overrides if o.recurrence_id >= boundary]
            warnings += carry_overrides(new, original, later)
            old.overrides = [o for o in old.overrides if o.recurrence_id < boundary]
            session.flush()
            for inv in old.invitations:
                if inv.removed_at is None:
                    new.invitations.append(
                        Invitation(
                            person_id=inv.person_id,
                            via_group_id=inv.via_group_id,
                            guest=inv.guest,
                            added_at=self.now(),
                        )
                    )
            session.flush()
            return Saved(self._record(new), tuple(warnings))

    # ------------------------------------------------------------------ invitations
    def invite(
        self, meeting_id: int, *, group_ids: Iterable[int] = (), person_ids: Iterable[int] = ()
    ) -> int:
        """Put the current members of groups and single people on the list; returns how many
        were added. Nobody is on the list twice; a removed person is put back."""
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            added = invitations.add_invitees(session, meeting, group_ids, person_ids, self.clock)
            session.flush()
        return added

    def uninvite(self, meeting_id: int, person_id: int) -> None:
        """Take a person off the list; if they had received the invitation, they get a CANCEL."""
        with self.db.session() as session:
            self._take_off(session, meeting_id, person_id)

    def _take_off(self, session: Session, meeting_id: int, person_id: int) -> None:
        inv = session.scalar(
            select(Invitation).where(
                Invitation.meeting_id == meeting_id, Invitation.person_id == person_id
            )
        )
        if inv is None or inv.removed_at is not None:
            raise NotFoundError("Diese Person steht nicht auf der Einladungsliste.")
        inv.removed_at = self.now()

    def preview_list_change(
        self,
        meeting_id: int,
        *,
        group_ids: Iterable[int] = (),
        person_ids: Iterable[int] = (),
        remove: Iterable[int] = (),
        everything: bool = False,
    ) -> tuple[int, DeliveryPlan]:
        """A dry run of ``invite``, ``uninvite`` and ``plan_delivery``: how many would be added
        and what would go out, in one transaction that is rolled back, so nothing changes."""
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            added = invitations.add_invitees(session, meeting, group_ids, person_ids, self.clock)
            for person_id in remove:
                self._take_off(session, meeting_id, person_id)
            session.flush()
            plan = invitations.plan(
                session,
                meeting,
                self.organizer(session),
                stamp=self.now(),
                everything=everything,
                clock=self.clock,
            )
            session.rollback()
        return added, plan

    def invitation_list(self, meeting_id: int) -> list[InvitationRow]:
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            now = self.clock.now()
            return [
                invitation_row(session, inv, invitations.excluded_because(inv.person, now))
                for inv in invitations.invitations(session, meeting)
            ]

    def plan_delivery(
        self, meeting_id: int, *, dtstamp: datetime | None = None, everything: bool = False
    ) -> DeliveryPlan:
        """What has to go out so every invitee's calendar shows the current state, and no more
        (the rules are in ``invitations.plan``)."""
        stamp = dtstamp or self.now()
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            organizer = self.organizer(session)
            return invitations.plan(
                session, meeting, organizer, stamp=stamp, everything=everything, clock=self.clock
            )

    def mark_delivered(self, meeting_id: int, delivered: Iterable[Delivery], sequence: int) -> None:
        """Record what went out (at ``sequence``), so a second run sends nothing again."""
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            invitations.mark_delivered(meeting, delivered, sequence, self.now())

    # ------------------------------------------------------------------ responses
    def set_response(
        self,
        invitation_id: int,
        status: ResponseStatus,
        recurrence_id: datetime | None = None,
    ) -> None:
        """A coordinator records an answer by hand (phone, corridor, paper)."""
        with self.db.session() as session:
            replies.record_response(session, invitation_id, status, recurrence_id, self.clock)

    def apply_replies(self, replies_: Iterable[object]) -> ReplyReport:
        """Book iTIP REPLYs (``koordination.calendar.replies.Reply``). A reply for an unknown
        meeting or from an address that was not invited is reported, not applied; of two
        replies the one with the higher SEQUENCE, then the later DTSTAMP, wins."""
        report = ReplyReport()
        with self.db.session() as session:
            for reply in replies_:
                replies.book_reply(session, reply, report, self.clock)
        return report

    # ------------------------------------------------------------------ feeds
    def feed_events(self, group_id: int | None = None) -> list[Event]:
        """Public meetings (of one group), as subscription feeds show them."""
        with self.db.session() as session:
            organizer = self.organizer(session)
            stmt = (
                select(Meeting)
                .where(Meeting.public.is_(True))
                .options(selectinload(Meeting.groups), selectinload(Meeting.overrides))
                .order_by(Meeting.start_at, Meeting.id)
            )
            if group_id is not None:
                stmt = stmt.where(Meeting.groups.any(Group.id == group_id))
            return [self.event_of(m, organizer) for m in session.scalars(stmt)]
