"""`koordination minutes send`: the approved minutes of a sitting, as PDF with its SHA-256
checksum in the text, to the members of the meeting's groups and the people present.

They go out under the consent to invitations, by the rule invitations follow
(:func:`koordination.services.meetings.invitations.excluded_because`): nobody restricted,
archived, without consent or address; the others are listed with the reason. One message per
person, recorded in the ``notice`` table per minutes version (:mod:`koordination.services.notices`):
a version goes to nobody twice, and a new approved version may go out again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db.engine import Database
from koordination.domain.enums import AttendanceStatus, MinutesStatus
from koordination.domain.models import (
    Attendance,
    GroupMembership,
    Meeting,
    MeetingGroup,
    MinutesVersion,
    Person,
    Sitting,
)
from koordination.domain.records.directory import display_name, is_current
from koordination.errors import KoordinationError, NotFoundError
from koordination.services.circulars.text import greeting
from koordination.services.meetings.invitation_text import german_day
from koordination.services.meetings.invitations import excluded_because
from koordination.services.meetings.records import office
from koordination.services.meetings.times import local
from koordination.services.notices import Delivered, Notices, Outgoing, Recorded, consent_sentence

Progress = Callable[[int, int], None]

#: Who was there: present members and guests.
PRESENT = (AttendanceStatus.ANWESEND, AttendanceStatus.GAST)


@dataclass(frozen=True)
class Addressee:
    """A person who receives the minutes: name, address and the first line of the message."""

    person_id: int
    name: str
    email: str
    greeting: str


@dataclass(frozen=True)
class LeftOut:
    person_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class MinutesPlan:
    """What ``minutes send`` would send for one approved version of a sitting's minutes."""

    sitting_id: int
    title: str
    start: datetime
    version: int
    approved_at: datetime
    #: SHA-256 of the approved content (printed in the PDF's footer and the archive's index).
    fingerprint: str
    pdf: bytes
    filename: str
    office_name: str
    office_email: str
    #: Who still gets it now.
    recipients: tuple[Addressee, ...]
    #: Who got (or may have got) this version already.
    already: tuple[Recorded, ...]
    left_out: tuple[LeftOut, ...]

    @property
    def occasion(self) -> str:
        return occasion(self.sitting_id, self.version)

    @property
    def checksum(self) -> str:
        """SHA-256 of the PDF file attached."""
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def subject(self) -> str:
        return f"Protokoll: {self.title} vom {self.start:%d.%m.%Y} (Fassung {self.version})"

    def text(self, greeting_line: str) -> str:
        """The German body of one message."""
        lines = [
            greeting_line,
            "",
            f"anbei das genehmigte Protokoll „{self.title}“ vom {german_day(self.start)} "
            f"(Fassung {self.version}, genehmigt am {local(self.approved_at):%d.%m.%Y}) als "
            "PDF-Datei.",
            "",
            f"Prüfsumme (SHA-256) der PDF-Datei {self.filename}:",
            self.checksum,
            "Prüfsumme (SHA-256) des genehmigten Inhalts, wie sie im Protokoll steht:",
            self.fingerprint,
            "",
            "Mit den Prüfsummen lässt sich nachweisen, dass Datei und Inhalt unverändert sind.",
            "",
            "Mit freundlichen Grüßen",
            self.office_name,
            "",
            consent_sentence(self.office_email),
        ]
        return "\n".join(lines) + "\n"


def occasion(sitting_id: int, version: int) -> str:
    return f"protokoll:{sitting_id}:{version}"


class MinutesMail:
    """Plan and send approved minutes; sending records each message (see module doc)."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock
        self.notices = Notices(db, clock)

    def plan(self, meeting_id: int, when: datetime | None = None) -> MinutesPlan:
        """Who receives the newest approved minutes of the meeting's date (``when`` for a
        series), who got them already and who does not and why. Refused in German when the
        date or its approved minutes do not exist."""
        from koordination.services.meetings.service import Meetings

        now = self.clock.now()
        with self.db.session() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None:
                raise NotFoundError(
                    f"Termin Nr. {meeting_id} wurde nicht gefunden. `koordination meetings "
                    "list` zeigt alle."
                )
            start = Meetings(self.db, clock=self.clock).occurrence_start(session, meeting, when)
            sitting = session.scalar(
                select(Sitting).where(
                    Sitting.meeting_id == meeting.id,
                    Sitting.occurrence == start.astimezone(UTC),
                )
            )
            version = None
            if sitting is not None:
                version = session.scalar(
                    select(MinutesVersion)
                    .where(MinutesVersion.sitting_id == sitting.id)
                    .order_by(MinutesVersion.number.desc())
                    .limit(1)
                )
            if sitting is None or version is None:
                raise KoordinationError(
                    f"Das Protokoll von „{meeting.title}“ am {start:%d.%m.%Y} ist noch nicht "
                    "genehmigt; es wurde nichts gesendet. Versandt wird nur ein genehmigtes "
                    "Protokoll (Termine → Protokoll: zur Genehmigung geben, dann genehmigen)."
                )
            content = json.loads(version.content)
            title = str(content.get("title") or meeting.title)
            day = local(datetime.fromisoformat(str(content.get("start") or start.isoformat())))
            people = _audience(session, meeting.id, sitting.id, self.clock.today())
            office_name, office_email = office(session)
            number, approved_at, print_ = version.number, version.approved_at, version.fingerprint
            sitting_id = sitting.id
        pdf = self._pdf(content, print_, number)
        key = occasion(sitting_id, number)
        recorded = self.notices.recorded([key])
        recipients: list[Addressee] = []
        already: list[Recorded] = []
        left_out: list[LeftOut] = []
        for p in people:
            name = display_name(p.title, p.given_name, p.family_name)
            before = recorded.get((key, p.id))
            if before is not None and before.done:
                already.append(before)
                continue
            reason = "gelöscht" if p.erased_at is not None else excluded_because(p, now)
            if reason:
                left_out.append(LeftOut(p.id, name, reason))
                continue
            hello = greeting(p.salutation, p.title, p.given_name, p.family_name, informal=False)
            recipients.append(Addressee(p.id, name, p.emails[0].address, hello))
        return MinutesPlan(
            sitting_id,
            title,
            day,
            number,
            approved_at,
            print_,
            pdf,
            f"protokoll-{day:%Y-%m-%d}-fassung-{number}.pdf",
            office_name,
            office_email,
            tuple(recipients),
            tuple(already),
            tuple(left_out),
        )

    def send(
        self, plan: MinutesPlan, settings: object, progress: Progress | None = None
    ) -> Delivered:
        """One message per recipient of ``plan`` through ``[smtp]``; each recorded."""
        from koordination.delivery.settings import SmtpSettings

        assert isinstance(settings, SmtpSettings)
        items = [
            Outgoing(
                plan.occasion,
                r.person_id,
                r.name,
                r.email,
                plan.subject,
                _builder(plan, r, settings.from_name or plan.office_name, settings.from_email),
            )
            for r in plan.recipients
        ]
        return self.notices.send(items, settings, progress=progress)

    def unsent(self) -> list[tuple[int, int, str, datetime, int]]:
        """Approved minutes whose newest version went to nobody yet: (meeting, sitting,
        title, date, version), newest first, for the Übersicht and ``reminders list``."""
        with self.db.session() as session:
            newest = (
                select(MinutesVersion.sitting_id, MinutesVersion.number)
                .join(Sitting, Sitting.id == MinutesVersion.sitting_id)
                .where(
                    Sitting.minutes_status == MinutesStatus.GENEHMIGT,
                    MinutesVersion.approved_at <= self.clock.now(),
                )
            )
            versions: dict[int, int] = {}
            for sitting_id, number in session.execute(newest):
                versions[sitting_id] = max(number, versions.get(sitting_id, 0))
            if not versions:
                return []
            rows = session.execute(
                select(Sitting.id, Sitting.meeting_id, Sitting.occurrence, Meeting.title)
                .join(Meeting, Meeting.id == Sitting.meeting_id)
                .where(Sitting.id.in_(versions))
            ).all()
        keys = {occasion(s, n): s for s, n in versions.items()}
        sent = {o for (o, _), r in self.notices.recorded(keys).items() if r.done}
        found = [
            (meeting_id, sitting_id, title, local(occ), versions[sitting_id])
            for sitting_id, meeting_id, occ, title in rows
            if occasion(sitting_id, versions[sitting_id]) not in sent
        ]
        return sorted(found, key=lambda row: row[3], reverse=True)

    def _pdf(self, content: dict[str, object], print_: str, number: int) -> bytes:
        from koordination.outputs import document as documents
        from koordination.outputs.builders.sittings import letterhead, minutes_document
        from koordination.services.directory.service import Directory

        head = letterhead(Directory(self.db, self.clock).get_city())
        document = minutes_document(
            content, head, status=MinutesStatus.GENEHMIGT, fingerprint=print_, version=number
        )
        return documents.render(document, "pdf")


def _audience(session: Session, meeting_id: int, sitting_id: int, today: date) -> list[Person]:
    """The current members of the meeting's groups, then who was present, each once."""
    groups = select(MeetingGroup.group_id).where(MeetingGroup.meeting_id == meeting_id)
    members = [
        m.person_id
        for m in session.scalars(
            select(GroupMembership)
            .where(GroupMembership.group_id.in_(groups))
            .order_by(GroupMembership.id)
        )
        if is_current(m.valid_from, m.valid_to, today)
    ]
    present = session.scalars(
        select(Attendance.person_id)
        .where(
            Attendance.sitting_id == sitting_id,
            Attendance.status.in_(PRESENT),
            Attendance.person_id.is_not(None),
        )
        .order_by(Attendance.id)
    ).all()
    ids = [i for i in dict.fromkeys([*members, *present]) if i is not None]
    people = {
        p.id: p
        for p in session.scalars(
            select(Person)
            .where(Person.id.in_(ids))
            .options(selectinload(Person.emails), selectinload(Person.consents))
        )
    }
    return [people[i] for i in ids if i in people]


def _builder(
    plan: MinutesPlan, r: Addressee, sender_name: str, sender_email: str
) -> Callable[[str], EmailMessage]:
    def build(message_id: str) -> EmailMessage:
        from koordination.delivery.text_mail import text_mail

        message = text_mail(
            sender_name=sender_name,
            sender_email=sender_email,
            recipient_name=r.name,
            recipient_email=r.email,
            subject=plan.subject,
            body=plan.text(r.greeting),
            reply_to=plan.office_email,
        )
        message.replace_header("Message-ID", message_id)
        message.add_attachment(
            plan.pdf, maintype="application", subtype="pdf", filename=plan.filename
        )
        return message

    return build
