"""Reminders that go out by themselves (`koordination reminders run`, meant for cron): of a
meeting date some days before it, and of a task some days before it is due.

A meeting's date is reminded ``reminders.days.<group number>`` days before (an ``app_setting``;
default :data:`DEFAULT_MEETING_DAYS`, 0 switches a group off; a meeting of several groups
takes the longest lead) to everyone on its invitation list who accepted or did not answer,
never to who declined, and only under the rule invitations follow
(:func:`koordination.services.meetings.invitations.excluded_because`: consent to invitations,
not restricted, not archived, an address). A task's owner is reminded
``reminders.task_days`` days before it is due (default :data:`DEFAULT_TASK_DAYS`) under the
same rule. Whoever is left out is listed with the reason.

Each reminder is one message to one person, recorded per occasion in the ``notice`` table
(:mod:`koordination.services.notices`): a date ("termin:<meeting>:<original start>") and a task
with its due day ("aufgabe:<task>:<day>") are reminded once, however often the command runs;
a task given a new due day is reminded again before that day.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import MeetingStatus, ResponseStatus
from koordination.domain.models import (
    AppSetting,
    Group,
    Invitation,
    MeetingGroup,
    Person,
    Task,
)
from koordination.domain.records.directory import display_name
from koordination.domain.records.meetings import OccurrenceRow
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.circulars.text import greeting
from koordination.services.meetings.invitation_text import german_day
from koordination.services.meetings.invitations import excluded_because
from koordination.services.meetings.records import office
from koordination.services.meetings.times import day_start, local
from koordination.services.notices import Delivered, Notices, Outgoing, consent_sentence

Progress = Callable[[int, int], None]

DEFAULT_MEETING_DAYS = 2
DEFAULT_TASK_DAYS = 3
#: The longest lead accepted (a reminder weeks ahead is an invitation, not a reminder).
MAX_DAYS = 30
MEETING_PREFIX = "reminders.days."
DEFAULT_KEY = MEETING_PREFIX + "standard"
TASK_KEY = "reminders.task_days"


@dataclass(frozen=True)
class LeadTimes:
    """How many days before a date or a due day the reminders go out."""

    meeting_default: int = DEFAULT_MEETING_DAYS
    #: Per group number, where one was set.
    groups: dict[int, int] = field(default_factory=dict)
    task: int = DEFAULT_TASK_DAYS

    def for_groups(self, group_ids: list[int]) -> int:
        if not group_ids:
            return self.meeting_default
        return max(self.groups.get(g, self.meeting_default) for g in group_ids)


@dataclass(frozen=True)
class Reminder:
    """One reminder to one person (``reason`` set: left out, and why)."""

    kind: str  # "termin" or "aufgabe"
    occasion: str
    person_id: int
    name: str
    email: str
    #: What it is about: the meeting's or the task's title.
    about: str
    #: The meeting's start, or the task's due day at midnight.
    when: datetime
    subject: str = ""
    text: str = ""
    reason: str = ""

    @property
    def label(self) -> str:
        what = "Termin" if self.kind == "termin" else "Aufgabe"
        day = f"{self.when:%d.%m.%Y %H:%M}" if self.kind == "termin" else f"{self.when:%d.%m.%Y}"
        return f"{what} „{self.about}“ ({day})"


@dataclass(frozen=True)
class ReminderPlan:
    """What is due to go out now, who is left out and why, and how many went out before."""

    due: tuple[Reminder, ...]
    left_out: tuple[Reminder, ...]
    already: int

    def count(self, kind: str) -> int:
        return sum(1 for r in self.due if r.kind == kind)


@dataclass(frozen=True)
class RunResult:
    plan: ReminderPlan
    delivered: Delivered

    @property
    def ok(self) -> bool:
        return not self.delivered.failed and not self.delivered.stopped

    def summary(self) -> str:
        """One line for cron's mail."""
        d = self.delivered
        text = (
            f"Erinnerungen: {d.sent} gesendet ({self.plan.count('termin')} zu Terminen, "
            f"{self.plan.count('aufgabe')} zu Aufgaben geplant), "
            f"{len(self.plan.left_out)} nicht berücksichtigt"
        )
        if d.failed:
            text += f", {len(d.failed)} fehlgeschlagen (nächster Lauf versucht sie erneut)"
        if d.unclear:
            text += f", {len(d.unclear)} unklar"
        if d.skipped:
            text += f", {d.skipped} inzwischen von einem anderen Lauf gesendet"
        return text + "."


class Reminders:
    """Lead times, what is due, and sending it."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock
        self.notices = Notices(db, clock)

    # ------------------------------------------------------------------ lead times
    def lead_times(self) -> LeadTimes:
        with self.db.session() as session:
            rows = dict(
                session.execute(
                    select(AppSetting.key, AppSetting.value).where(
                        AppSetting.key.startswith("reminders.")
                    )
                ).all()
            )
        groups = {
            int(key.removeprefix(MEETING_PREFIX)): _days(value, DEFAULT_MEETING_DAYS)
            for key, value in rows.items()
            if key.startswith(MEETING_PREFIX) and key.removeprefix(MEETING_PREFIX).isdecimal()
        }
        return LeadTimes(
            _days(rows.get(DEFAULT_KEY), DEFAULT_MEETING_DAYS),
            groups,
            _days(rows.get(TASK_KEY), DEFAULT_TASK_DAYS),
        )

    def set_meeting_days(self, group_id: int | None, days: int) -> None:
        """The lead of a group's meetings (``None``: of every group without its own)."""
        _check(days)
        with self.db.session() as session:
            if group_id is not None and session.get(Group, group_id) is None:
                raise NotFoundError(f"Gruppe Nr. {group_id} wurde nicht gefunden.")
            key = DEFAULT_KEY if group_id is None else f"{MEETING_PREFIX}{group_id}"
            session.merge(AppSetting(key=key, value=str(days)))

    def set_task_days(self, days: int) -> None:
        _check(days)
        with self.db.session() as session:
            session.merge(AppSetting(key=TASK_KEY, value=str(days)))

    # ------------------------------------------------------------------ planning
    def plan(self) -> ReminderPlan:
        """Every reminder due now that was not sent before (failed ones again)."""
        leads = self.lead_times()
        found = [*self._meeting_reminders(leads), *self._task_reminders(leads)]
        recorded = self.notices.recorded({r.occasion for r in found})
        due: list[Reminder] = []
        left_out: list[Reminder] = []
        already = 0
        for r in found:
            before = recorded.get((r.occasion, r.person_id))
            if before is not None and before.done:
                already += 1
            elif r.reason:
                left_out.append(r)
            else:
                due.append(r)
        return ReminderPlan(tuple(due), tuple(left_out), already)

    def _meeting_reminders(self, leads: LeadTimes) -> list[Reminder]:
        from koordination.services.meetings.service import Meetings

        now, today = self.clock.now(), self.clock.today()
        longest = max([leads.meeting_default, *leads.groups.values()])
        if longest <= 0:
            return []
        meetings = Meetings(self.db, clock=self.clock)
        rows = [
            o
            for o in meetings.occurrences(now, day_start(today + timedelta(days=longest + 1)))
            if o.start > now and o.status != MeetingStatus.ABGESAGT
        ]
        if not rows:
            return []
        ids = {o.meeting_id for o in rows}
        with self.db.session() as session:
            office_name, office_email = _signature(session)
            groups: dict[int, list[int]] = {}
            for meeting_id, group_id in session.execute(
                select(MeetingGroup.meeting_id, MeetingGroup.group_id).where(
                    MeetingGroup.meeting_id.in_(ids)
                )
            ):
                groups.setdefault(meeting_id, []).append(group_id)
            rows = [
                o
                for o in rows
                if (lead := leads.for_groups(groups.get(o.meeting_id, []))) > 0
                and o.start.date() - timedelta(days=lead) <= today
            ]
            invitations: dict[int, list[Invitation]] = {}
            for inv in session.scalars(
                select(Invitation)
                .where(
                    Invitation.meeting_id.in_({o.meeting_id for o in rows}),
                    Invitation.removed_at.is_(None),
                )
                .options(
                    selectinload(Invitation.person).selectinload(Person.emails),
                    selectinload(Invitation.person).selectinload(Person.consents),
                    selectinload(Invitation.responses),
                )
                .order_by(Invitation.id)
            ):
                invitations.setdefault(inv.meeting_id, []).append(inv)
            found: list[Reminder] = []
            for o in rows:
                key = f"termin:{o.meeting_id}:{o.recurrence_id.astimezone(UTC).isoformat()}"
                for inv in invitations.get(o.meeting_id, []):
                    found.append(_meeting_reminder(o, inv, key, now, office_name, office_email))
        return found

    def _task_reminders(self, leads: LeadTimes) -> list[Reminder]:
        if leads.task <= 0:
            return []
        now, today = self.clock.now(), self.clock.today()
        with self.db.session() as session:
            office_name, office_email = _signature(session)
            rows = session.execute(
                select(Task, Group.name)
                .outerjoin(Group, Group.id == Task.group_id)
                .where(
                    Task.done_on.is_(None),
                    Task.assignee_person_id.is_not(None),
                    Task.due >= today,
                    Task.due <= today + timedelta(days=leads.task),
                )
                .order_by(Task.due, Task.id)
            ).all()
            people = {
                p.id: p
                for p in session.scalars(
                    select(Person)
                    .where(Person.id.in_({t.assignee_person_id for t, _ in rows}))
                    .options(selectinload(Person.emails), selectinload(Person.consents))
                )
            }
            found = []
            for task, group_name in rows:
                person = people.get(task.assignee_person_id or 0)
                if person is None or task.due is None:
                    continue
                found.append(
                    _task_reminder(task, group_name, person, now, office_name, office_email)
                )
        return found

    # ------------------------------------------------------------------ sending
    def run(
        self,
        settings: object,
        *,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
        only: Collection[str] | None = None,
    ) -> RunResult:
        """Send what is due now through ``[smtp]``, one message per reminder, each recorded;
        ``only``: just the reminders of these occasions (the interface sends one date)."""
        from koordination.delivery.settings import SmtpSettings

        assert isinstance(settings, SmtpSettings)
        plan = self.plan()
        if only is not None:
            plan = ReminderPlan(
                tuple(r for r in plan.due if r.occasion in only),
                tuple(r for r in plan.left_out if r.occasion in only),
                plan.already,
            )
        with self.db.session() as session:
            office_name, office_email = office(session) if plan.due else ("", "")
        sender = settings.from_name or office_name
        items = [
            Outgoing(
                r.occasion,
                r.person_id,
                r.name,
                r.email,
                r.subject,
                _builder(r, sender, settings.from_email, office_email),
            )
            for r in plan.due
        ]
        delivered = self.notices.send(items, settings, progress=progress, stop=stop)
        return RunResult(plan, delivered)


def _signature(session: Session) -> tuple[str, str]:
    """The office's name and address for the texts; planning works without them (sending
    refuses in German, naming the city profile)."""
    try:
        return office(session)
    except ValidationError:
        return "Ihre Koordinierungsstelle", ""


def _days(value: str | None, default: int) -> int:
    return int(value) if value is not None and value.strip().isdecimal() else default


def _check(days: int) -> None:
    if not 0 <= days <= MAX_DAYS:
        raise ValidationError(
            [FieldError("Tage", f"muss zwischen 0 (keine Erinnerung) und {MAX_DAYS} liegen.")]
        )


def _answer(inv: Invitation, recurrence_id: datetime) -> ResponseStatus | None:
    """The person's answer for this date: for the date itself, else for the whole meeting."""
    own = recurrence_id.astimezone(UTC)
    for r in inv.responses:
        if r.recurrence_id is not None and r.recurrence_id.astimezone(UTC) == own:
            return r.status
    whole = next((r for r in inv.responses if r.recurrence_id is None), None)
    return whole.status if whole is not None else None


def _meeting_reminder(
    o: OccurrenceRow,
    inv: Invitation,
    key: str,
    now: datetime,
    office_name: str,
    office_email: str,
) -> Reminder:
    p = inv.person
    name = display_name(p.title, p.given_name, p.family_name)
    base = Reminder("termin", key, p.id, name, "", o.title, o.start)
    answer = _answer(inv, o.recurrence_id)
    if answer == ResponseStatus.ABGESAGT:
        return _left(base, "hat abgesagt")
    reason = "gelöscht" if p.erased_at is not None else excluded_because(p, now)
    if reason:
        return _left(base, reason)
    lines = [
        greeting(p.salutation, p.title, p.given_name, p.family_name, informal=False),
        "",
        "wir erinnern an den Termin:",
        "",
        o.title,
        f"Wann: {german_day(o.start)}, {o.start:%H:%M}–{o.end:%H:%M} Uhr",
    ]
    if o.place:
        lines.append(f"Wo: {o.place}")
    if o.online_url:
        lines.append(f"Online: {o.online_url}")
    lines.append("")
    if answer == ResponseStatus.ZUGESAGT:
        lines.append("Sie haben zugesagt – wir freuen uns auf Sie.")
    elif answer == ResponseStatus.VIELLEICHT:
        lines.append(
            "Sie haben mit „vielleicht“ geantwortet. Bitte sagen Sie kurz zu oder ab, damit "
            "wir planen können."
        )
    else:
        lines.append(
            "Wir haben noch keine Antwort von Ihnen. Bitte sagen Sie kurz zu oder ab, damit "
            "wir planen können."
        )
    lines += ["", "Mit freundlichen Grüßen", office_name, "", consent_sentence(office_email)]
    return Reminder(
        "termin",
        key,
        p.id,
        name,
        p.emails[0].address,
        o.title,
        o.start,
        f"Erinnerung: {o.title} am {german_day(o.start)}, {o.start:%H:%M} Uhr",
        "\n".join(lines) + "\n",
    )


def _task_reminder(
    task: Task,
    group_name: str | None,
    p: Person,
    now: datetime,
    office_name: str,
    office_email: str,
) -> Reminder:
    assert task.due is not None
    name = display_name(p.title, p.given_name, p.family_name)
    key = f"aufgabe:{task.id}:{task.due.isoformat()}"
    when = day_start(task.due)
    base = Reminder("aufgabe", key, p.id, name, "", task.title, when)
    reason = "gelöscht" if p.erased_at is not None else excluded_because(p, now)
    if reason:
        return _left(base, reason)
    due: date = task.due
    lines = [
        greeting(p.salutation, p.title, p.given_name, p.family_name, informal=False),
        "",
        f"wir erinnern an Ihre Aufgabe, fällig am {german_day(local(when))}:",
        "",
        task.title,
    ]
    if task.description.strip():
        lines += ["", task.description.strip()]
    if group_name:
        lines += ["", f"Sie stammt aus „{group_name}“."]
    lines += [
        "",
        "Ist sie schon erledigt, geben Sie uns bitte kurz Bescheid; dann tragen wir es ein.",
        "",
        "Mit freundlichen Grüßen",
        office_name,
        "",
        consent_sentence(office_email),
    ]
    return Reminder(
        "aufgabe",
        key,
        p.id,
        name,
        p.emails[0].address,
        task.title,
        when,
        f"Erinnerung: Aufgabe „{task.title}“ fällig am {due:%d.%m.%Y}",
        "\n".join(lines) + "\n",
    )


def _left(base: Reminder, reason: str) -> Reminder:
    from dataclasses import replace

    return replace(base, reason=reason)


def _builder(
    r: Reminder, sender_name: str, sender_email: str, office_email: str
) -> Callable[[str], EmailMessage]:
    def build(message_id: str) -> EmailMessage:
        from koordination.delivery.text_mail import text_mail

        message = text_mail(
            sender_name=sender_name,
            sender_email=sender_email,
            recipient_name=r.name,
            recipient_email=r.email,
            subject=r.subject,
            body=r.text,
            reply_to=office_email,
        )
        message.replace_header("Message-ID", message_id)
        return message

    return build
