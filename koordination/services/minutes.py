"""Sittings: agenda (Tagesordnung), attendance, minutes with decisions and tasks, approval,
carried-forward tasks and workshop cards."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    AttendanceStatus,
    MeetingKind,
    MinutesStatus,
    StandingItem,
)
from koordination.domain.inputs.sittings import (
    CardInput,
    DecisionInput,
    HeaderInput,
    ItemInput,
    TaskInput,
)
from koordination.domain.models import (
    AgendaItem,
    Attendance,
    Decision,
    Group,
    Invitation,
    Meeting,
    MinutesVersion,
    Person,
    Sitting,
    Task,
    WorkshopCard,
)
from koordination.domain.records.directory import display_name, is_current
from koordination.domain.records.meetings import (
    AgendaItemRecord,
    AttendanceRow,
    CardRecord,
    DecisionRecord,
    SittingRecord,
    TaskRecord,
    VersionRecord,
    content_json,
)
from koordination.errors import ConflictError, FieldError, NotFoundError, ValidationError
from koordination.services.meetings.service import Meetings
from koordination.services.meetings.times import local

#: Agenda templates per meeting kind: (title, minutes) for a new sitting with an empty agenda.
TEMPLATES: dict[MeetingKind, tuple[tuple[str, int | None], ...]] = {
    MeetingKind.KONSORTIUMSSITZUNG: (
        ("Begrüßung und Feststellung der Tagesordnung", 5),
        ("Berichte aus den Arbeitskreisen", 30),
        ("Stand der Handlungsfelder", 30),
    ),
    MeetingKind.ARBEITSKREIS: (
        ("Begrüßung", 5),
        ("Berichte aus der Runde", 20),
    ),
    MeetingKind.WERKSTATT: (
        ("Ankommen und Begrüßung", 15),
        ("Einstieg: Wo stehen wir?", 30),
        ("Arbeitsphase in Gruppen", 90),
        ("Mittagspause", 45),
        ("Ergebnisse vorstellen und gewichten", 60),
        ("Verabredungen und Abschluss", 30),
    ),
    MeetingKind.NETZWERKTREFFEN: (("Begrüßung und Vorstellungsrunde", 15),),
    MeetingKind.SONSTIGES: (),
}

_FROZEN = (
    "Das Protokoll ist genehmigt und damit eingefroren. Für eine Korrektur bitte „Korrektur "
    "beginnen“ wählen; die genehmigte Fassung bleibt erhalten."
)


def fingerprint(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class Minutes:
    """Use cases of a sitting. Every public method is one transaction."""

    def __init__(self, db: Database, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock
        self.meetings = Meetings(db, clock=clock)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.today()

    # ------------------------------------------------------------------ loading
    def _load(self, session: Session, sitting_id: int) -> Sitting:
        sitting = session.scalar(
            select(Sitting)
            .where(Sitting.id == sitting_id)
            .options(
                selectinload(Sitting.meeting).selectinload(Meeting.groups),
                selectinload(Sitting.meeting).selectinload(Meeting.overrides),
                selectinload(Sitting.items).selectinload(AgendaItem.decisions),
                selectinload(Sitting.attendance).selectinload(Attendance.person),
                selectinload(Sitting.versions),
                selectinload(Sitting.cards),
            )
        )
        if sitting is None:
            raise NotFoundError(f"Sitzung Nr. {sitting_id} wurde nicht gefunden.")
        return sitting

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

    def _attendance(self, person: Person, status: AttendanceStatus) -> Attendance:
        today = self.today()
        current = [a for a in person.affiliations if is_current(a.valid_from, a.valid_to, today)]
        org = current[0].organisation if current else None
        return Attendance(
            person=person,
            status=status,
            organisation=org.name if org else "",
            sector=org.sector if org else None,
        )

    # ------------------------------------------------------------------ records
    def _record(self, session: Session, s: Sitting) -> SittingRecord:
        meeting = s.meeting
        occurrence = local(s.occurrence)
        start, end = occurrence, occurrence + (meeting.end_at - meeting.start_at)
        place = ", ".join(p for p in (meeting.room, meeting.address.replace("\n", ", ")) if p)
        for o in meeting.overrides:
            if local(o.recurrence_id) == occurrence and o.start_at and o.end_at:
                start, end = local(o.start_at), local(o.end_at)
                if o.room is not None or o.address is not None:
                    room = meeting.room if o.room is None else o.room
                    address = meeting.address if o.address is None else o.address
                    place = ", ".join(p for p in (room, address.replace("\n", ", ")) if p)
        if s.started_at:
            start = local(s.started_at)
        if s.ended_at:
            end = local(s.ended_at)
        tasks_by_item: dict[int, list[TaskRecord]] = {}
        for task in session.scalars(select(Task).where(Task.sitting_id == s.id).order_by(Task.id)):
            if task.item_id is not None:
                tasks_by_item.setdefault(task.item_id, []).append(self._task(session, task))
        items = self._items(s, start, tasks_by_item)
        planned = sum(i.duration_minutes or 0 for i in items)
        length = int((end - start).total_seconds() // 60)
        overrun = (
            f"Die geplanten Zeiten ({planned} Minuten) überschreiten die Dauer der Sitzung "
            f"({length} Minuten) um {planned - length} Minuten."
            if planned > length
            else ""
        )
        return SittingRecord(
            id=s.id,
            version=s.version,
            meeting_id=meeting.id,
            title=meeting.title,
            kind=meeting.kind,
            occurrence=occurrence,
            start=start,
            end=end,
            place=place,
            online_url=meeting.online_url,
            groups=tuple(g.name for g in meeting.groups),
            minutes_kind=s.minutes_kind,
            minutes_status=s.minutes_status,
            chair=_name(session.get(Person, s.chair_id)) if s.chair_id else "",
            chair_id=s.chair_id,
            minute_taker=_name(session.get(Person, s.minute_taker_id)) if s.minute_taker_id else "",
            minute_taker_id=s.minute_taker_id,
            items=items,
            attendance=tuple(
                AttendanceRow(
                    person_id=a.person_id,
                    name=_name(a.person) if a.person else "N. N.",
                    organisation=a.organisation,
                    sector=a.sector,
                    status=a.status,
                )
                for a in sorted(s.attendance, key=lambda a: _name(a.person) if a.person else "")
            ),
            open_tasks=tuple(self._open_tasks(session, s)),
            versions=tuple(
                VersionRecord(v.number, local(v.approved_at), v.approved_by, v.fingerprint)
                for v in s.versions
            ),
            cards=tuple(
                CardRecord(c.id, c.kind, c.text, c.cluster, c.votes, c.task_id) for c in s.cards
            ),
            overrun=overrun,
        )

    def _items(
        self, s: Sitting, start: datetime, tasks: dict[int, list[TaskRecord]]
    ) -> tuple[AgendaItemRecord, ...]:
        top = [i for i in s.items if i.parent_id is None]
        children: dict[int, list[AgendaItem]] = {}
        for i in s.items:
            if i.parent_id is not None:
                children.setdefault(i.parent_id, []).append(i)
        records: list[AgendaItemRecord] = []
        clock = start
        for n, item in enumerate(top, start=1):
            records.append(self._item(item, str(n), clock, tasks))
            sub_clock = clock
            for m, child in enumerate(children.get(item.id, []), start=1):
                records.append(self._item(child, f"{n}.{m}", sub_clock, tasks))
                sub_clock += timedelta(minutes=child.duration_minutes or 0)
            clock += timedelta(minutes=item.duration_minutes or 0)
        return tuple(records)

    @staticmethod
    def _item(
        item: AgendaItem, number: str, start: datetime, tasks: dict[int, list[TaskRecord]]
    ) -> AgendaItemRecord:
        return AgendaItemRecord(
            id=item.id,
            parent_id=item.parent_id,
            number=number,
            title=item.title,
            description=item.description,
            presenter=item.presenter,
            duration_minutes=item.duration_minutes,
            public=item.public,
            standing=item.standing,
            attachments=tuple(line for line in item.attachments.splitlines() if line.strip()),
            notes=item.notes,
            planned_start=start,
            decisions=tuple(
                DecisionRecord(
                    d.id,
                    d.wording,
                    d.consensus,
                    d.votes_yes,
                    d.votes_no,
                    d.votes_abstain,
                    d.result,
                )
                for d in item.decisions
            ),
            tasks=tuple(tasks.get(item.id, ())),
        )

    def _task(self, session: Session, t: Task) -> TaskRecord:
        if t.assignee_person_id is not None:
            assignee = _name(session.get(Person, t.assignee_person_id))
        elif t.assignee_group_id is not None:
            group = session.get(Group, t.assignee_group_id)
            assignee = group.name if group else ""
        else:
            assignee = ""
        group_name = ""
        if t.group_id is not None and (group := session.get(Group, t.group_id)) is not None:
            group_name = group.name
        origin = ""
        if t.sitting_id is not None and (origin_sitting := session.get(Sitting, t.sitting_id)):
            origin = f"{origin_sitting.meeting.title}, {local(origin_sitting.occurrence):%d.%m.%Y}"
        return TaskRecord(
            id=t.id,
            title=t.title,
            description=t.description,
            assignee=assignee or "N. N.",
            assignee_person_id=t.assignee_person_id,
            assignee_group_id=t.assignee_group_id,
            group_name=group_name,
            due=t.due,
            done_on=t.done_on,
            origin=origin,
        )

    def _open_tasks(self, session: Session, s: Sitting) -> list[TaskRecord]:
        """Tasks of the meeting's groups still open, from earlier sittings (carried forward),
        and those reported done in this one."""
        group_ids = [g.id for g in s.meeting.groups]
        if not group_ids:
            return []
        earlier = select(Sitting.id).where(
            Sitting.occurrence < s.occurrence,
            Sitting.meeting_id.in_(
                select(Meeting.id).where(Meeting.groups.any(Group.id.in_(group_ids)))
            ),
        )
        tasks = session.scalars(
            select(Task)
            .where(Task.group_id.in_(group_ids))
            .where((Task.sitting_id.in_(earlier)) | (Task.sitting_id.is_(None)))
            .where(Task.done_on.is_(None) | (Task.done_reported_in_id == s.id))
            .order_by(Task.due.is_(None), Task.due, Task.id)
        ).all()
        return [self._task(session, t) for t in tasks]

    # ------------------------------------------------------------------ editing guard
    def _editable(self, session: Session, sitting_id: int) -> Sitting:
        sitting = session.get(Sitting, sitting_id)
        if sitting is None:
            raise NotFoundError(f"Sitzung Nr. {sitting_id} wurde nicht gefunden.")
        if sitting.minutes_status == MinutesStatus.GENEHMIGT:
            raise ValidationError([FieldError("Protokoll", _FROZEN)])
        sitting.updated_at = self.now()
        return sitting

    def _item_of(self, session: Session, item_id: int) -> AgendaItem:
        item = session.get(AgendaItem, item_id)
        if item is None:
            raise NotFoundError(f"Tagesordnungspunkt Nr. {item_id} wurde nicht gefunden.")
        self._editable(session, item.sitting_id)
        return item

    # ------------------------------------------------------------------ agenda
    def add_item(
        self, sitting_id: int, data: ItemInput, *, parent_id: int | None = None
    ) -> SittingRecord:
        """A new TOP, or a sub-item of ``parent_id``; a new TOP goes before "Verschiedenes"."""
        if not data.title.strip():
            raise ValidationError([FieldError("Titel", "darf nicht leer sein.")])
        if data.duration_minutes is not None and not 0 <= data.duration_minutes <= 24 * 60:
            raise ValidationError([FieldError("Dauer", "bitte Minuten zwischen 0 und 1440.")])
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            if parent_id is not None:
                parent = session.get(AgendaItem, parent_id)
                if parent is None or parent.sitting_id != sitting.id or parent.parent_id:
                    raise ValidationError(
                        [FieldError("Unterpunkt", "gehört zu keinem Hauptpunkt dieser Sitzung.")]
                    )
            positions = [i.position for i in sitting.items]
            # Before "Verschiedenes", which stays last.
            last = next(
                (i for i in sitting.items if i.standing == StandingItem.VERSCHIEDENES), None
            )
            position = max(positions, default=-1) + 1
            if last is not None and parent_id is None:
                position = last.position
                last.position = position + 1
            sitting.items.append(
                AgendaItem(
                    title=data.title.strip(),
                    parent_id=parent_id,
                    description=data.description.strip(),
                    presenter=data.presenter.strip(),
                    duration_minutes=data.duration_minutes,
                    public=data.public,
                    attachments=_attachments(data.attachments),
                    position=position,
                )
            )
            session.flush()
            return self._record(session, self._load(session, sitting.id))

    def update_item(self, original: AgendaItemRecord, data: ItemInput) -> None:
        """Save the TOP as the form shows it; its minutes (notes) are left alone. TOPs carry no
        version of their own: the sitting's changes with every note typed."""
        if not data.title.strip():
            raise ValidationError([FieldError("Titel", "darf nicht leer sein.")])
        with self.db.session() as session:
            item = self._item_of(session, original.id)
            item.title = data.title.strip()
            item.presenter = data.presenter.strip()
            item.duration_minutes = data.duration_minutes
            item.description = data.description.strip()
            item.public = data.public
            item.attachments = _attachments(data.attachments)

    def set_notes(self, item_id: int, text: str) -> None:
        """The minutes on one item; called often while typing, so it only writes that column."""
        with self.db.session() as session:
            self._item_of(session, item_id).notes = text

    def move_item(self, item_id: int, delta: int) -> None:
        """Move a TOP up (delta -1) or down (+1) among its siblings."""
        with self.db.session() as session:
            item = self._item_of(session, item_id)
            siblings = sorted(
                (i for i in item.sitting.items if i.parent_id == item.parent_id),
                key=lambda i: i.position,
            )
            index = siblings.index(item)
            target = index + delta
            if not 0 <= target < len(siblings):
                return
            other = siblings[target]
            item.position, other.position = other.position, item.position

    def remove_item(self, item_id: int) -> None:
        with self.db.session() as session:
            item = self._item_of(session, item_id)
            session.delete(item)

    # ------------------------------------------------------------------ attendance
    def set_attendance(
        self, sitting_id: int, person_id: int, status: AttendanceStatus
    ) -> SittingRecord:
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            row = next((a for a in sitting.attendance if a.person_id == person_id), None)
            if row is None:
                person = session.get(Person, person_id)
                if person is None:
                    raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
                sitting.attendance.append(self._attendance(person, status))
            else:
                row.status = status
            session.flush()
            return self._record(session, self._load(session, sitting.id))

    @staticmethod
    def sector_counts(record: SittingRecord) -> dict[str, int]:
        """Present people (and guests) per sector label; "ohne Zuordnung" for the rest."""
        counts: dict[str, int] = {}
        for row in record.attendance:
            if row.status in (AttendanceStatus.ANWESEND, AttendanceStatus.GAST):
                key = row.sector.label if row.sector else "ohne Zuordnung"
                counts[key] = counts.get(key, 0) + 1
        return counts

    # ------------------------------------------------------------------ minutes
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

    def add_decision(self, item_id: int, data: DecisionInput) -> None:
        """A decision under a TOP: its exact wording, and the votes or consensus."""
        wording, consensus = data.wording, data.consensus
        yes, no, abstain = data.yes, data.no, data.abstain
        errors = []
        if not wording.strip():
            errors.append(FieldError("Beschluss", "Bitte den genauen Wortlaut eintragen."))
        if not consensus and yes is None:
            errors.append(
                FieldError("Abstimmung", "Bitte Ja/Nein/Enthaltung eintragen oder Konsens wählen.")
            )
        if any(v is not None and v < 0 for v in (yes, no, abstain)):
            errors.append(FieldError("Abstimmung", "Stimmen können nicht negativ sein."))
        if errors:
            raise ValidationError(errors)
        with self.db.session() as session:
            item = self._item_of(session, item_id)
            item.decisions.append(
                Decision(
                    wording=wording.strip(),
                    consensus=consensus,
                    votes_yes=None if consensus else yes,
                    votes_no=None if consensus else (no or 0),
                    votes_abstain=None if consensus else (abstain or 0),
                    result=data.result,
                    position=len(item.decisions),
                )
            )

    def add_task(self, sitting_id: int, data: TaskInput, *, item_id: int | None = None) -> int:
        """Who does what by when: a person or a group, from the sitting or one of its TOPs
        (``item_id``). Returns the task's number."""
        title, person_id, group_id = data.title, data.person_id, data.group_id
        errors = []
        if not title.strip():
            errors.append(FieldError("Aufgabe", "Bitte beschreiben, was zu tun ist."))
        if (person_id is None) == (group_id is None):
            errors.append(FieldError("Wer", "Bitte genau eine Person oder eine Gruppe wählen."))
        if errors:
            raise ValidationError(errors)
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            if person_id is not None and session.get(Person, person_id) is None:
                raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
            if group_id is not None and session.get(Group, group_id) is None:
                raise NotFoundError(f"Gruppe Nr. {group_id} wurde nicht gefunden.")
            groups = sitting.meeting.groups
            task = Task(
                title=title.strip(),
                description=data.description.strip(),
                sitting_id=sitting.id,
                item_id=item_id,
                group_id=groups[0].id if groups else group_id,
                assignee_person_id=person_id,
                assignee_group_id=group_id,
                due=data.due,
                created_at=self.now(),
            )
            session.add(task)
            session.flush()
            return task.id

    def complete_task(
        self, task_id: int, *, on: date | None = None, reported_in: int | None = None
    ) -> None:
        """Mark a task done; records the date and the sitting where it was reported."""
        with self.db.session() as session:
            task = session.get(Task, task_id)
            if task is None:
                raise NotFoundError(f"Aufgabe Nr. {task_id} wurde nicht gefunden.")
            if task.done_on is not None:
                raise ValidationError(
                    [FieldError("Aufgabe", f"ist schon erledigt (am {task.done_on:%d.%m.%Y}).")]
                )
            if reported_in is not None:
                self._editable(session, reported_in)
            task.done_on = on or self.today()
            task.done_reported_in_id = reported_in

    def list_tasks(
        self,
        *,
        open_only: bool = False,
        group_id: int | None = None,
        person_id: int | None = None,
    ) -> list[TaskRecord]:
        with self.db.session() as session:
            stmt = select(Task).order_by(
                Task.done_on.is_not(None), Task.due.is_(None), Task.due, Task.id
            )
            if open_only:
                stmt = stmt.where(Task.done_on.is_(None))
            if group_id is not None:
                stmt = stmt.where(
                    (Task.group_id == group_id) | (Task.assignee_group_id == group_id)
                )
            if person_id is not None:
                stmt = stmt.where(Task.assignee_person_id == person_id)
            return [self._task(session, t) for t in session.scalars(stmt)]

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

    # ------------------------------------------------------------------ approval
    def submit(self, sitting_id: int) -> None:
        """Entwurf → zur Genehmigung."""
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            sitting.minutes_status = MinutesStatus.ZUR_GENEHMIGUNG

    def approve(self, sitting_id: int, by: str) -> VersionRecord:
        """Freeze the minutes as they are now: a new version with its fingerprint."""
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            if sitting.minutes_status != MinutesStatus.ZUR_GENEHMIGUNG:
                raise ValidationError(
                    [FieldError("Protokoll", "Bitte das Protokoll zuerst zur Genehmigung geben.")]
                )
            record = self._record(session, self._load(session, sitting.id))
            content = content_json(record)
            version = MinutesVersion(
                number=len(sitting.versions) + 1,
                approved_at=self.now(),
                approved_by=by.strip(),
                content=content,
                fingerprint=fingerprint(content),
            )
            sitting.versions.append(version)
            sitting.minutes_status = MinutesStatus.GENEHMIGT
            session.flush()
            return VersionRecord(
                version.number,
                local(version.approved_at),
                version.approved_by,
                version.fingerprint,
            )

    def start_correction(self, original: SittingRecord) -> None:
        """Open approved minutes for a correction; the approved version stays as it was."""
        with self.db.session() as session:
            sitting = session.get(Sitting, original.id)
            if sitting is None:
                raise NotFoundError(f"Sitzung Nr. {original.id} wurde nicht gefunden.")
            if sitting.version != original.version:
                raise ConflictError("Das Protokoll wurde inzwischen geändert. Bitte neu laden.")
            if sitting.minutes_status != MinutesStatus.GENEHMIGT:
                raise ValidationError([FieldError("Protokoll", "ist nicht genehmigt.")])
            sitting.minutes_status = MinutesStatus.ENTWURF
            sitting.updated_at = self.now()

    def approved_content(
        self, sitting_id: int, number: int | None = None
    ) -> tuple[dict[str, Any], str]:
        """The frozen minutes (newest or version ``number``) and their fingerprint."""
        with self.db.session() as session:
            sitting = self._load(session, sitting_id)
            if not sitting.versions:
                raise ValidationError([FieldError("Protokoll", "ist noch nicht genehmigt.")])
            version = (
                sitting.versions[-1]
                if number is None
                else next((v for v in sitting.versions if v.number == number), None)
            )
            if version is None:
                raise NotFoundError(f"Fassung {number} dieses Protokolls gibt es nicht.")
            return json.loads(version.content), version.fingerprint

    # ------------------------------------------------------------------ workshop cards
    def add_card(self, sitting_id: int, data: CardInput) -> int:
        """A workshop card; returns its number."""
        if not data.text.strip():
            raise ValidationError([FieldError("Karte", "Bitte einen Text eintragen.")])
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            card = WorkshopCard(
                text=data.text.strip(),
                kind=data.kind,
                cluster=data.cluster.strip(),
                position=len(sitting.cards),
            )
            sitting.cards.append(card)
            session.flush()
            return card.id

    def _card(self, session: Session, card_id: int) -> WorkshopCard:
        card = session.get(WorkshopCard, card_id)
        if card is None:
            raise NotFoundError(f"Karte Nr. {card_id} wurde nicht gefunden.")
        self._editable(session, card.sitting_id)
        return card

    def group_card(self, card_id: int, cluster: str) -> None:
        with self.db.session() as session:
            self._card(session, card_id).cluster = cluster.strip()

    def vote(self, card_id: int, dots: int = 1) -> None:
        with self.db.session() as session:
            card = self._card(session, card_id)
            card.votes = max(0, card.votes + dots)

    def card_to_task(
        self,
        card_id: int,
        *,
        person_id: int | None = None,
        group_id: int | None = None,
        due: date | None = None,
    ) -> int:
        with self.db.session() as session:
            card = self._card(session, card_id)
            sitting_id, text = card.sitting_id, card.text
        task_id = self.add_task(sitting_id, TaskInput(text, person_id, group_id, due))
        with self.db.session() as session:
            self._card(session, card_id).task_id = task_id
        return task_id


def _attachments(paths: Iterable[str]) -> str:
    return "\n".join(a.strip() for a in paths if a.strip())


def _name(person: Person | None) -> str:
    if person is None:
        return "N. N."
    return display_name(person.title, person.given_name, person.family_name)
