"""Meetings and series: scheduling, exceptions, invitation lists, delivery bookkeeping, replies."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from koordination.calendar.events import Attendee, Event, Occurrence, Override, Place
from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    Channel,
    ConsentPurpose,
    MeetingStatus,
    ResponseStatus,
)
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.models import (
    CityProfile,
    Group,
    GroupMembership,
    Invitation,
    Meeting,
    MeetingGroup,
    MeetingOverride,
    Person,
    Response,
)
from koordination.domain.records.directory import Saved, display_name, is_current
from koordination.domain.records.meetings import (
    InvitationRow,
    MeetingRecord,
    OccurrenceRow,
    OverrideRecord,
)
from koordination.errors import ConflictError, FieldError, NotFoundError, ValidationError
from koordination.services.consent import has_current_consent

#: How far ahead holiday warnings and "next occurrences" look for an endless series.
LOOKAHEAD = timedelta(days=2 * 366)

_PARTSTAT = {
    "ACCEPTED": ResponseStatus.ZUGESAGT,
    "DECLINED": ResponseStatus.ABGESAGT,
    "TENTATIVE": ResponseStatus.VIELLEICHT,
    "NEEDS-ACTION": ResponseStatus.KEINE_ANTWORT,
}


def local(value: datetime) -> datetime:
    """A wall-clock time in Berlin: naive values are taken as Berlin time."""
    return value.replace(tzinfo=CITY_ZONE) if value.tzinfo is None else value.astimezone(CITY_ZONE)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=CITY_ZONE)


def new_uid(domain: str = "koordination.local") -> str:
    return f"{uuid.uuid4()}@{domain}"


@dataclass(frozen=True)
class Delivery:
    """One message to one person: a REQUEST (the whole meeting) or a CANCEL."""

    invitation_id: int
    person_id: int
    name: str
    email: str
    method: str  # "REQUEST" or "CANCEL"
    #: For a CANCEL of a single occurrence: its original start.
    recurrence_id: datetime | None
    ics: bytes
    #: For a CANCEL of a single occurrence: when it would have taken place (a moved date's
    #: new start), the date people know it by.
    occurrence_start: datetime | None = None


@dataclass(frozen=True)
class DeliveryPlan:
    meeting: MeetingRecord
    event: Event
    deliveries: tuple[Delivery, ...]
    #: People on the list who receive nothing, with the German reason.
    excluded: tuple[tuple[str, str], ...]
    #: People who already have the current version.
    up_to_date: int


@dataclass
class ReplyReport:
    applied: int = 0
    ignored_older: int = 0
    already: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.applied} Antworten verbucht"]
        if self.already:
            parts.append(f"{self.already} schon verbucht")
        if self.ignored_older:
            parts.append(f"{self.ignored_older} ältere Antworten übergangen")
        if self.problems:
            parts.append(f"{len(self.problems)} nicht zugeordnet")
        return ", ".join(parts) + "."


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

    def now(self) -> datetime:
        return self.clock.now()

    # ------------------------------------------------------------------ conversions
    @staticmethod
    def _load(session: Session, meeting_id: int) -> Meeting:
        meeting = session.scalar(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(selectinload(Meeting.groups), selectinload(Meeting.overrides))
        )
        if meeting is None:
            raise NotFoundError(f"Termin Nr. {meeting_id} wurde nicht gefunden.")
        return meeting

    @staticmethod
    def _record(m: Meeting) -> MeetingRecord:
        return MeetingRecord(
            id=m.id,
            version=m.version,
            uid=m.uid,
            kind=m.kind,
            title=m.title,
            description=m.description,
            start=local(m.start_at),
            end=local(m.end_at),
            address=m.address,
            room=m.room,
            online_url=m.online_url,
            status=m.status,
            public=m.public,
            rrule=m.rrule,
            sequence=m.sequence,
            group_ids=tuple(g.id for g in m.groups),
            group_names=tuple(g.name for g in m.groups),
            overrides=tuple(
                OverrideRecord(
                    recurrence_id=local(o.recurrence_id),
                    cancelled=o.cancelled,
                    start=local(o.start_at) if o.start_at else None,
                    end=local(o.end_at) if o.end_at else None,
                    address=o.address,
                    room=o.room,
                    online_url=o.online_url,
                )
                for o in m.overrides
            ),
            previous_id=m.previous_id,
        )

    def organizer(self, session: Session) -> tuple[str, str]:
        """The Koordinierungsstelle: name and e-mail from the city profile."""
        if self._organizer is not None:
            return self._organizer
        city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
        if city is None or not city.office_email:
            raise ValidationError(
                [
                    FieldError(
                        "Stadtprofil",
                        "Name und E-Mail der Koordinierungsstelle fehlen; sie sind der "
                        "Absender jeder Einladung. Bitte im Stadtprofil eintragen.",
                    )
                ]
            )
        return city.office_name or f"Koordinierungsstelle {city.name}", city.office_email

    @staticmethod
    def event_of(m: Meeting | MeetingRecord, organizer: tuple[str, str]) -> Event:
        record = m if isinstance(m, MeetingRecord) else Meetings._record(m)
        place = Place(record.address, record.room, record.online_url)
        overrides = tuple(_override(o, place, record.sequence) for o in record.overrides)
        return Event(
            uid=record.uid,
            sequence=record.sequence,
            title=record.title,
            start=record.start,
            end=record.end,
            description=record.description,
            place=place,
            rrule=record.rrule,
            overrides=overrides,
            cancelled=record.status == MeetingStatus.ABGESAGT,
            organizer_name=organizer[0],
            organizer_email=organizer[1],
            categories=(record.kind.label,),
        )

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
        """Every date between ``start`` and ``end`` (series expanded), in time order.

        Read with plain column queries rather than ORM objects: two years of a busy city are
        thousands of meetings, and listing them must stay well under a second.
        """
        from koordination.calendar.recurrence import expand

        start, end = local(start), local(end)
        ids = (
            select(Meeting.id)
            .where(Meeting.start_at < end)
            .where(or_(Meeting.last_end_at.is_(None), Meeting.last_end_at > start))
        )
        if group_id is not None:
            ids = ids.where(Meeting.groups.any(Group.id == group_id))
        o = MeetingOverride
        with self.db.session() as session:
            meetings = session.execute(
                select(
                    Meeting.id,
                    Meeting.uid,
                    Meeting.kind,
                    Meeting.title,
                    Meeting.start_at,
                    Meeting.end_at,
                    Meeting.address,
                    Meeting.room,
                    Meeting.online_url,
                    Meeting.status,
                    Meeting.rrule,
                ).where(Meeting.id.in_(ids))
            ).all()
            overrides: dict[int, list[Any]] = {}
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
                overrides.setdefault(row.meeting_id, []).append(row)
            groups: dict[int, list[str]] = {}
            for meeting_id, name in session.execute(
                select(MeetingGroup.meeting_id, Group.name)
                .join(Group, Group.id == MeetingGroup.group_id)
                .where(MeetingGroup.meeting_id.in_(ids))
                .order_by(Group.name)
            ):
                groups.setdefault(meeting_id, []).append(name)
        rows: list[OccurrenceRow] = []
        for m in meetings:
            place = Place(m.address, m.room, m.online_url)
            event = Event(
                uid=m.uid,
                sequence=0,
                title=m.title,
                start=local(m.start_at),
                end=local(m.end_at),
                place=place,
                rrule=m.rrule,
                overrides=tuple(_override(r, place, 0) for r in overrides.get(m.id, ())),
            )
            names = tuple(groups.get(m.id, ()))
            for occ in expand(event, start, end):
                rows.append(_occurrence_row(m, occ, names))
        rows.sort(key=lambda r: (r.start, r.title, r.meeting_id))
        return rows

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
        warnings = self.holiday_warnings(data)
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
        meeting.last_end_at = self._last_end(meeting)

    @staticmethod
    def _last_end(meeting: Meeting) -> datetime | None:
        from koordination.calendar.recurrence import RecurrenceRule

        if not meeting.rrule:
            return meeting.end_at
        rule = RecurrenceRule.from_rrule(meeting.rrule)
        if rule.until is not None:
            return day_start(rule.until + timedelta(days=2)).astimezone(UTC)
        if rule.count is not None:
            return None  # bounded, but only the expansion knows where; keep it in every query
        return None

    def _check_version(self, meeting: Meeting, original: MeetingRecord) -> None:
        if meeting.version != original.version:
            raise ConflictError(
                f"Der Termin „{original.title}“ wurde inzwischen an anderer Stelle geändert. "
                "Ihre Änderungen wurden nicht gespeichert. Bitte neu laden."
            )

    def _bump(self, meeting: Meeting, *, request: bool) -> None:
        meeting.sequence += 1
        if request:
            meeting.request_sequence = meeting.sequence
        meeting.updated_at = self.now()

    def update(self, original: MeetingRecord, data: MeetingInput) -> Saved[MeetingRecord]:
        """Change a meeting or a whole series; calendars get it as an update (higher SEQUENCE)."""
        if errors := self.problems(data):
            raise ValidationError(errors)
        warnings = self.holiday_warnings(data)
        with self.db.session() as session:
            meeting = self._load(session, original.id)
            self._check_version(meeting, original)
            before = self._record(meeting)
            self._apply(session, meeting, data)
            warnings += self._carry_overrides(meeting, before, meeting.overrides)
            session.flush()
            after = self._record(meeting)
            if _calendar_relevant(before) != _calendar_relevant(after):
                self._bump(meeting, request=True)
            meeting.updated_at = self.now()
            session.flush()
            return Saved(self._record(meeting), tuple(warnings))

    def _carry_overrides(
        self, meeting: Meeting, before: MeetingRecord, overrides: Sequence[MeetingOverride]
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
        event = self.event_of(dataclasses.replace(self._record(meeting), overrides=()), ("", ""))
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

    def _occurrence(self, meeting: Meeting, when: datetime) -> datetime:
        """The original start (RECURRENCE-ID) of the date meant by ``when``: a date, or date and
        time, of the rule's own day or of the day a moved date was moved to."""
        from koordination.calendar.recurrence import expand

        if not meeting.rrule:
            raise ValidationError(
                [FieldError("Termin", "ist kein Serientermin; bitte den Termin selbst ändern.")]
            )
        wanted = local(when)
        event = self.event_of(meeting, ("", ""))
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
                [
                    FieldError(
                        "Datum", f"Am {wanted:%d.%m.%Y} findet kein Termin dieser Serie statt."
                    )
                ]
            )
        return found[0]

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
        return self._occurrence(meeting, when)

    def _override(self, meeting: Meeting, recurrence_id: datetime) -> MeetingOverride:
        rid = recurrence_id.astimezone(UTC)
        for o in meeting.overrides:
            if o.recurrence_id == rid:
                return o
        override = MeetingOverride(recurrence_id=rid, cancelled=False)
        meeting.overrides.append(override)
        return override

    def cancel_occurrence(self, meeting_id: int, occurrence: datetime) -> MeetingRecord:
        """Cancel one date of a series (``occurrence``: its date, or date and time)."""
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            rid = self._occurrence(meeting, occurrence)
            override = self._override(meeting, rid)
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
            rid = self._occurrence(meeting, occurrence)
            override = self._override(meeting, rid)
            duration = meeting.end_at - meeting.start_at
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
            meeting.last_end_at = self._last_end(meeting)
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
        warnings = self.holiday_warnings(data)
        with self.db.session() as session:
            old = self._load(session, original.id)
            self._check_version(old, original)
            rule = RecurrenceRule.from_rrule(old.rrule or "")
            last_day = from_day - timedelta(days=1)
            old.rrule = dataclasses.replace(rule, until=last_day, count=None).to_rrule()
            old.last_end_at = self._last_end(old)
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
            warnings += self._carry_overrides(new, original, later)
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
        today = self.now().astimezone(CITY_ZONE).date()
        added = 0
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            existing = {inv.person_id: inv for inv in meeting.invitations}
            wanted: list[tuple[int, int | None, bool]] = []  # person, via group, guest
            for gid in group_ids:
                if session.get(Group, gid) is None:
                    raise NotFoundError(f"Gruppe Nr. {gid} wurde nicht gefunden.")
                members = session.scalars(
                    select(GroupMembership).where(GroupMembership.group_id == gid)
                ).all()
                wanted += [
                    (m.person_id, gid, False)
                    for m in members
                    if is_current(m.valid_from, m.valid_to, today)
                ]
            for pid in person_ids:
                if session.get(Person, pid) is None:
                    raise NotFoundError(f"Person Nr. {pid} wurde nicht gefunden.")
                wanted.append((pid, None, True))
            for pid, via, guest in wanted:
                inv = existing.get(pid)
                if inv is None:
                    inv = Invitation(
                        person_id=pid, via_group_id=via, guest=guest, added_at=self.now()
                    )
                    meeting.invitations.append(inv)
                    existing[pid] = inv
                    added += 1
                elif inv.removed_at is not None and guest:
                    # Only naming the person brings back someone taken off the list; their
                    # group's members are added again without them.
                    inv.removed_at = None
                    added += 1
                    if inv.cancel_sent_sequence is not None:
                        # After a CANCEL, calendars only accept a REQUEST with a higher SEQUENCE.
                        self._bump(meeting, request=False)
            session.flush()
        return added

    def uninvite(self, meeting_id: int, person_id: int) -> None:
        """Take a person off the list; if they had received the invitation, they get a CANCEL."""
        with self.db.session() as session:
            inv = session.scalar(
                select(Invitation).where(
                    Invitation.meeting_id == meeting_id, Invitation.person_id == person_id
                )
            )
            if inv is None or inv.removed_at is not None:
                raise NotFoundError("Diese Person steht nicht auf der Einladungsliste.")
            inv.removed_at = self.now()

    def invitation_list(self, meeting_id: int) -> list[InvitationRow]:
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            return [
                self._invitation_row(session, inv) for inv in self._invitations(session, meeting)
            ]

    @staticmethod
    def _invitations(session: Session, meeting: Meeting) -> Sequence[Invitation]:
        return session.scalars(
            select(Invitation)
            .where(Invitation.meeting_id == meeting.id)
            .options(
                selectinload(Invitation.person).selectinload(Person.emails),
                selectinload(Invitation.person).selectinload(Person.consents),
                selectinload(Invitation.responses),
            )
            .order_by(Invitation.id)
        ).all()

    def _invitation_row(self, session: Session, inv: Invitation) -> InvitationRow:
        p = inv.person
        whole = next((r for r in inv.responses if r.recurrence_id is None), None)
        via = "Gast"
        if inv.via_group_id is not None:
            group = session.get(Group, inv.via_group_id)
            via = group.name if group else "Gruppe"
        return InvitationRow(
            invitation_id=inv.id,
            person_id=p.id,
            name=display_name(p.title, p.given_name, p.family_name),
            email=p.emails[0].address if p.emails else "",
            via=via,
            removed=inv.removed_at is not None,
            sent_sequence=inv.sent_sequence,
            status=whole.status
            if whole
            else (ResponseStatus.EINGELADEN if inv.sent_sequence is not None else _NOT_SENT),
            occurrence_answers=tuple(
                (local(r.recurrence_id), r.status)
                for r in inv.responses
                if r.recurrence_id is not None
            ),
            excluded_because=_excluded_because(p, self.now()),
        )

    def plan_delivery(
        self, meeting_id: int, *, dtstamp: datetime | None = None, everything: bool = False
    ) -> DeliveryPlan:
        """What has to go out so every invitee's calendar shows the current state, and no more:
        nothing is sent twice unless the meeting changed since. ``everything`` plans the current
        state for every invitee again (after handing out files, to send by e-mail as well)."""
        from koordination.calendar import ics

        stamp = dtstamp or self.now()
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            record = self._record(meeting)
            event = self.event_of(record, self.organizer(session))
            event = dataclasses.replace(event, agenda=self._agenda(session, meeting))
            deliveries: list[Delivery] = []
            excluded: list[tuple[str, str]] = []
            up_to_date = 0
            for inv in self._invitations(session, meeting):
                p = inv.person
                name = display_name(p.title, p.given_name, p.family_name)
                reason = _excluded_because(p, self.now())
                sent = inv.sent_sequence
                if everything and inv.removed_at is None:
                    sent = None
                if inv.removed_at is not None or meeting.status == MeetingStatus.ABGESAGT:
                    # Only who got the invitation needs the cancellation, once per version.
                    if sent is not None:
                        email = inv.sent_email
                        attendee = Attendee(name, email, partstat="NEEDS-ACTION")
                        data = ics.cancellation(_cancelled(event), attendee, dtstamp=stamp)
                        deliveries.append(Delivery(inv.id, p.id, name, email, "CANCEL", None, data))
                    continue
                if reason:
                    if (
                        inv.sent_sequence is not None
                        and inv.sent_email
                        and _withdrew(p, self.now())
                    ):
                        # Consent withdrawn after the invitation went out: one CANCEL takes the
                        # dates out of their calendar; after it nothing more is sent to them.
                        email = inv.sent_email
                        attendee = Attendee(name, email, partstat="NEEDS-ACTION")
                        data = ics.cancellation(_cancelled(event), attendee, dtstamp=stamp)
                        deliveries.append(Delivery(inv.id, p.id, name, email, "CANCEL", None, data))
                    excluded.append((name, reason))
                    continue
                email = p.emails[0].address
                attendee = Attendee(name, email, partstat=_partstat(inv))
                old_address = inv.sent_email
                if sent is not None and old_address and old_address.lower() != email.lower():
                    # A new address: the calendar behind the old one drops the meeting first.
                    gone = Attendee(name, old_address)
                    data = ics.cancellation(_cancelled(event), gone, dtstamp=stamp)
                    deliveries.append(
                        Delivery(inv.id, p.id, name, old_address, "CANCEL", None, data)
                    )
                if sent is None or sent < meeting.request_sequence or email != inv.sent_email:
                    data = ics.invitation(event, attendee, dtstamp=stamp)
                    deliveries.append(Delivery(inv.id, p.id, name, email, "REQUEST", None, data))
                    continue
                cancels = [o for o in meeting.overrides if o.cancelled and o.sequence > sent]
                for o in cancels:
                    rid = local(o.recurrence_id)
                    data = ics.cancellation(event, attendee, dtstamp=stamp, recurrence_id=rid)
                    day = local(o.start_at) if o.start_at else rid
                    deliveries.append(Delivery(inv.id, p.id, name, email, "CANCEL", rid, data, day))
                if not cancels:
                    up_to_date += 1
            return DeliveryPlan(record, event, tuple(deliveries), tuple(excluded), up_to_date)

    @staticmethod
    def _agenda(session: Session, meeting: Meeting) -> tuple[str, ...]:
        """The public agenda of a one-off meeting, once one is written, for the description."""
        from koordination.domain.models import AgendaItem, Sitting

        if meeting.rrule:
            return ()  # each date of a series has its own agenda
        titles = session.scalars(
            select(AgendaItem.title)
            .join(Sitting, Sitting.id == AgendaItem.sitting_id)
            .where(
                Sitting.meeting_id == meeting.id,
                Sitting.occurrence == meeting.start_at,
                AgendaItem.parent_id.is_(None),
                AgendaItem.public.is_(True),
            )
            .order_by(AgendaItem.position)
        ).all()
        return tuple(titles)

    def mark_delivered(self, meeting_id: int, delivered: Iterable[Delivery], sequence: int) -> None:
        """Record what went out (at ``sequence``), so a second run sends nothing again."""
        with self.db.session() as session:
            meeting = self._load(session, meeting_id)
            by_id = {inv.id: inv for inv in meeting.invitations}
            now = self.now()
            any_request = False
            for d in delivered:
                inv = by_id[d.invitation_id]
                if d.method == "REQUEST" or d.recurrence_id is not None:
                    inv.sent_sequence = sequence
                    inv.sent_email = d.email
                    inv.sent_at = now
                    any_request = any_request or d.method == "REQUEST"
                else:
                    # Their calendar no longer holds the meeting: a later invitation starts over.
                    inv.sent_sequence = None
                    inv.cancel_sent_sequence = sequence
            if any_request and meeting.status == MeetingStatus.GEPLANT:
                meeting.status = MeetingStatus.EINGELADEN

    # ------------------------------------------------------------------ responses
    def set_response(
        self,
        invitation_id: int,
        status: ResponseStatus,
        recurrence_id: datetime | None = None,
    ) -> None:
        """A coordinator records an answer by hand (phone, corridor, paper)."""
        with self.db.session() as session:
            inv = session.get(Invitation, invitation_id)
            if inv is None:
                raise NotFoundError(f"Einladung Nr. {invitation_id} wurde nicht gefunden.")
            rid = local(recurrence_id).astimezone(UTC) if recurrence_id else None
            response = next((r for r in inv.responses if r.recurrence_id == rid), None)
            if response is None:
                inv.responses.append(Response(recurrence_id=rid, status=status))
            else:
                response.status = status
                response.updated_at = self.now()

    def apply_replies(self, replies: Iterable[object]) -> ReplyReport:
        """Book iTIP REPLYs (``koordination.calendar.replies.Reply``). A reply for an unknown
        meeting or from an address that was not invited is reported, not applied; of two
        replies the one with the higher SEQUENCE, then the later DTSTAMP, wins."""
        report = ReplyReport()
        with self.db.session() as session:
            for reply in replies:
                self._apply_reply(session, reply, report)
        return report

    def _apply_reply(self, session: Session, reply: object, report: ReplyReport) -> None:
        uid: str = getattr(reply, "uid", "")
        email: str = getattr(reply, "attendee_email", "").lower()
        source: str = getattr(reply, "source", "")
        meeting = session.scalar(select(Meeting).where(Meeting.uid == uid))
        where = f" ({source})" if source else ""
        if meeting is None:
            report.problems.append(f"Antwort von {email}{where}: unbekannter Termin (UID {uid}).")
            return
        inv = next(
            (
                i
                for i in meeting.invitations
                if i.sent_email.lower() == email
                or any(e.address_key == email for e in i.person.emails)
            ),
            None,
        )
        if inv is None or inv.sent_sequence is None:
            report.problems.append(
                f"Antwort von {email}{where} zu „{meeting.title}“: diese Adresse wurde nicht "
                "eingeladen."
            )
            return
        status = _PARTSTAT.get(getattr(reply, "partstat", "").upper())
        if status is None:
            report.problems.append(
                f"Antwort von {email}{where}: unbekannte Rückmeldung "
                f"„{getattr(reply, 'partstat', '')}“."
            )
            return
        rid_value = getattr(reply, "recurrence_id", None)
        rid = rid_value.astimezone(UTC) if rid_value else None
        sequence = int(getattr(reply, "sequence", 0))
        dtstamp = getattr(reply, "dtstamp", None) or self.now()
        response = next((r for r in inv.responses if r.recurrence_id == rid), None)
        if response is not None and response.reply_sequence is not None:
            seen = (
                response.reply_sequence,
                response.reply_dtstamp or datetime.min.replace(tzinfo=UTC),
            )
            if (sequence, dtstamp) == seen and response.status == status:
                report.already += 1  # the same reply read again
                return
            if (sequence, dtstamp) <= seen:
                report.ignored_older += 1
                return
        if response is None:
            response = Response(recurrence_id=rid, status=status)
            inv.responses.append(response)
        response.status = status
        response.reply_sequence = sequence
        response.reply_dtstamp = dtstamp
        response.updated_at = self.now()
        report.applied += 1

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


_NOT_SENT = ResponseStatus.KEINE_ANTWORT


def _partstat(inv: Invitation) -> str:
    whole = next((r for r in inv.responses if r.recurrence_id is None), None)
    if whole is None:
        return "NEEDS-ACTION"
    return {
        ResponseStatus.ZUGESAGT: "ACCEPTED",
        ResponseStatus.ABGESAGT: "DECLINED",
        ResponseStatus.VIELLEICHT: "TENTATIVE",
    }.get(whole.status, "NEEDS-ACTION")


def _excluded_because(p: Person, now: datetime) -> str:
    """Why a person on the list gets no invitation; empty when they get one."""
    if p.archived:
        return "archiviert"
    if p.preferred_channel == Channel.KEINE:
        return "möchte keine Einladungen"
    if not has_current_consent(p.consents, ConsentPurpose.EINLADUNGEN, now):
        withdrawn = any(
            c.purpose == ConsentPurpose.EINLADUNGEN and c.withdrawn_at is not None
            for c in p.consents
        )
        return (
            "Einwilligung für Einladungen widerrufen"
            if withdrawn
            else "keine Einwilligung für Einladungen"
        )
    if not p.emails:
        return "keine E-Mail-Adresse"
    return ""


def _withdrew(p: Person, now: datetime) -> bool:
    """The person withdrew their consent to invitations and has not given it again."""
    invitations = [c for c in p.consents if c.purpose == ConsentPurpose.EINLADUNGEN]
    return bool(invitations) and not has_current_consent(
        invitations, ConsentPurpose.EINLADUNGEN, now
    )


def _cancelled(event: Event) -> Event:
    return dataclasses.replace(event, cancelled=True)


def _calendar_relevant(r: MeetingRecord) -> tuple[object, ...]:
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


def _override(o: Any, base: Place, sequence: int) -> Override:
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


def _occurrence_row(record: Any, occ: Occurrence, groups: tuple[str, ...]) -> OccurrenceRow:
    """``record``: anything with id, uid, kind and status (a MeetingRecord or a result row)."""
    status = MeetingStatus.ABGESAGT if occ.cancelled else record.status
    return OccurrenceRow(
        meeting_id=record.id,
        uid=record.uid,
        recurrence_id=occ.recurrence_id,
        start=local(occ.start),
        end=local(occ.end),
        title=occ.title,
        kind=record.kind,
        place=occ.place.location if occ.place.address or occ.place.room else "",
        online_url=occ.place.online_url,
        status=status,
        moved=occ.moved,
        groups=groups,
    )
