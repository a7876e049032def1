"""The sittings' shared ground: loading a sitting, the editing guard of approved minutes, and
the records (the sitting, its agenda, tasks carried forward) handed to the faces."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import MinutesStatus
from koordination.domain.models import (
    AgendaItem,
    Attendance,
    Group,
    Meeting,
    Person,
    Sitting,
    Task,
)
from koordination.domain.records.directory import display_name
from koordination.domain.records.meetings import (
    AgendaItemRecord,
    AttendanceRow,
    CardRecord,
    DecisionRecord,
    SittingRecord,
    TaskRecord,
    VersionRecord,
)
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.meetings.service import Meetings
from koordination.services.meetings.times import local

_FROZEN = (
    "Das Protokoll ist genehmigt und damit eingefroren. Für eine Korrektur bitte „Korrektur "
    "beginnen“ wählen; die genehmigte Fassung bleibt erhalten."
)


class SittingsBase:
    """What every part of a sitting shares: the database, the clock, loading a sitting,
    the editing guard and turning rows into records."""

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
        # By position, not as loaded: an item just added sits at the end of the loaded list.
        ordered = sorted(s.items, key=lambda i: (i.position, i.id))
        top = [i for i in ordered if i.parent_id is None]
        children: dict[int, list[AgendaItem]] = {}
        for i in ordered:
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


def _name(person: Person | None) -> str:
    if person is None:
        return "N. N."
    return display_name(person.title, person.given_name, person.family_name)
