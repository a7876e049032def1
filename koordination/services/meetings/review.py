"""The review list: replies the coordinator has to look at (counter-proposals, comments,
delegations, replies that could not be booked), and resolving them.

``add`` is called while a reply is booked; ``ReplyReview`` (``Meetings.review``) lists the
items and resolves them: accepting a counter-proposal moves the date (which asks everyone
again, as any change of time does), a delegate is invited as a guest, anything can be dismissed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.calendar.wallclock import clock_change_warnings
from koordination.domain.enums import ReviewKind
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.models import Invitation, Meeting, PersonEmail
from koordination.domain.models import ReplyReview as ReviewRow
from koordination.domain.records.directory import display_name
from koordination.domain.records.review import ACCEPT, DISMISS, INVITE_DELEGATE, ReviewItem
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.meetings.times import local

if TYPE_CHECKING:
    from koordination.services.meetings.service import Meetings


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def add(
    session: Session,
    kind: ReviewKind,
    reply: object,
    meeting: Meeting | None,
    inv: Invitation | None,
    reason: str,
    now: datetime,
) -> bool:
    """Put a reply on the review list; False when it is there already (read again)."""
    fields = {
        "uid": str(getattr(reply, "uid", ""))[:500],
        "recurrence_id": _utc(getattr(reply, "recurrence_id", None)),
        "attendee_email": str(getattr(reply, "attendee_email", "")).lower()[:320],
        "sender": str(getattr(reply, "sender", None) or "")[:320],
        "source": str(getattr(reply, "source", ""))[:500],
        "proposed_start": _utc(getattr(reply, "proposed_start", None)),
        "proposed_end": _utc(getattr(reply, "proposed_end", None)),
        "comment": str(getattr(reply, "comment", "")),
        "delegate_email": str(getattr(reply, "delegated_to", ""))[:320],
        "delegate_name": str(getattr(reply, "delegate_name", ""))[:300],
        "reason": reason,
    }
    identity = (
        kind.value,
        getattr(reply, "method", "REPLY"),
        getattr(reply, "partstat", ""),
        getattr(reply, "sequence", 0),
        getattr(reply, "dtstamp", None),
        *(fields[k] for k in fields if k not in ("attendee_email", "source")),
    )
    key = hashlib.sha256(repr(identity).encode()).hexdigest()
    if session.scalar(select(ReviewRow.id).where(ReviewRow.key == key)) is not None:
        return False
    session.add(
        ReviewRow(
            kind=kind,
            key=key,
            received_at=now,
            meeting_id=meeting.id if meeting is not None else None,
            invitation_id=inv.id if inv is not None else None,
            resolution="",
            **fields,
        )
    )
    session.flush()
    return True


def _item(session: Session, row: ReviewRow) -> ReviewItem:
    meeting = session.get(Meeting, row.meeting_id) if row.meeting_id is not None else None
    inv = session.get(Invitation, row.invitation_id) if row.invitation_id is not None else None
    person = inv.person if inv is not None else None
    return ReviewItem(
        id=row.id,
        kind=row.kind,
        received_at=local(row.received_at),
        meeting_id=row.meeting_id,
        meeting_title=meeting.title if meeting is not None else "",
        invitation_id=row.invitation_id,
        person_id=person.id if person is not None else None,
        person_name=(
            display_name(person.title, person.given_name, person.family_name) if person else ""
        ),
        attendee_email=row.attendee_email,
        sender=row.sender,
        source=row.source,
        recurrence_id=local(row.recurrence_id) if row.recurrence_id else None,
        proposed_start=local(row.proposed_start) if row.proposed_start else None,
        proposed_end=local(row.proposed_end) if row.proposed_end else None,
        comment=row.comment,
        delegate_email=row.delegate_email,
        delegate_name=row.delegate_name,
        reason=row.reason,
        resolved_at=local(row.resolved_at) if row.resolved_at else None,
        resolution=row.resolution,
    )


@dataclass(frozen=True)
class Resolution:
    """What resolving an item did: the item as it is now, one German sentence, and warnings
    (holidays, clocks changing) from moving a date."""

    item: ReviewItem
    message: str
    warnings: tuple[str, ...] = ()


class ReplyReview:
    """The review list of one database (``Meetings.review``). Every method is a transaction."""

    def __init__(self, meetings: Meetings) -> None:
        self.meetings = meetings
        self.db = meetings.db

    def items(self, *, open_only: bool = True, meeting_id: int | None = None) -> list[ReviewItem]:
        """The items, oldest first; ``open_only``: only those not yet resolved."""
        stmt = select(ReviewRow).order_by(ReviewRow.received_at, ReviewRow.id)
        if open_only:
            stmt = stmt.where(ReviewRow.resolved_at.is_(None))
        if meeting_id is not None:
            stmt = stmt.where(ReviewRow.meeting_id == meeting_id)
        with self.db.session() as session:
            return [_item(session, row) for row in session.scalars(stmt)]

    def get(self, item_id: int) -> ReviewItem:
        with self.db.session() as session:
            return _item(session, self._row(session, item_id))

    def open_count(self) -> int:
        return len(self.items(open_only=True))

    @staticmethod
    def _row(session: Session, item_id: int) -> ReviewRow:
        row = session.get(ReviewRow, item_id)
        if row is None:
            raise NotFoundError(
                f"Eintrag Nr. {item_id} steht nicht auf der Liste der Rückmeldungen "
                "(koordination replies list --alle zeigt alle)."
            )
        return row

    def resolve(self, item_id: int, action: str, *, person_id: int | None = None) -> Resolution:
        """Do ``action`` (``accept``, ``invite_delegate`` or ``dismiss``) with an open item."""
        item = self.get(item_id)
        if not item.open:
            raise ValidationError(
                [
                    FieldError(
                        "Rückmeldung",
                        f"Nr. {item_id} ist schon erledigt ({item.resolution}).",
                    )
                ]
            )
        if action not in item.actions:
            what = {
                ACCEPT: "annehmen lässt sich nur ein Gegenvorschlag mit Zeit",
                INVITE_DELEGATE: "einladen lässt sich nur eine Vertretung mit Adresse",
            }.get(action, f"unbekannte Aktion „{action}“")
            raise ValidationError([FieldError("Rückmeldung", f"Nr. {item_id}: {what}.")])
        if action == ACCEPT:
            return self.accept(item_id)
        if action == INVITE_DELEGATE:
            return self.invite_delegate(item_id, person_id=person_id)
        return self.dismiss(item_id)

    def dismiss(self, item_id: int) -> Resolution:
        item = self._close(item_id, "verworfen", {DISMISS})
        return Resolution(item, f"Nr. {item_id} ist erledigt (verworfen).")

    def accept(self, item_id: int) -> Resolution:
        """Accept a counter-proposal: the date (or the one meeting) moves to the proposed
        time; as with any change of time, everyone is asked again."""
        item = self.get(item_id)
        self._check(item, ACCEPT)
        assert item.meeting_id is not None and item.proposed_start is not None
        meetings = self.meetings
        meeting = meetings.get(item.meeting_id)
        duration = meeting.end - meeting.start
        start = item.proposed_start
        end = item.proposed_end or start + duration
        warnings: tuple[str, ...] = ()
        if meeting.rrule and item.recurrence_id is not None:
            meetings.move_occurrence(meeting.id, item.recurrence_id, start=start, end=end)
            warnings = tuple(clock_change_warnings(start, end))
            where = f"Der Termin vom {item.recurrence_id:%d.%m.%Y}"
        else:
            data = MeetingInput(
                title=meeting.title,
                kind=meeting.kind,
                start=start,
                end=end,
                description=meeting.description,
                address=meeting.address,
                room=meeting.room,
                online_url=meeting.online_url,
                group_ids=list(meeting.group_ids),
                public=meeting.public,
                rrule=meeting.rrule,
            )
            warnings = meetings.update(meeting, data).warnings
            where = "Die Serie" if meeting.rrule else "Der Termin"
        closed = self._close(item_id, "angenommen", {ACCEPT})
        return Resolution(
            closed,
            f"{where} „{meeting.title}“ ist jetzt am {start:%d.%m.%Y} um {start:%H:%M} Uhr; "
            f"die Einladungen gehen mit `koordination invite {meeting.id}` neu hinaus, die "
            "Antworten sind zurückgesetzt.",
            warnings,
        )

    def invite_delegate(self, item_id: int, *, person_id: int | None = None) -> Resolution:
        """Invite the delegate as a guest: the person with that address in the directory, or
        ``person_id``. Someone not in the directory must be added first (with consent)."""
        item = self.get(item_id)
        self._check(item, INVITE_DELEGATE)
        assert item.meeting_id is not None
        if person_id is None:
            with self.db.session() as session:
                person_id = session.scalar(
                    select(PersonEmail.person_id).where(
                        PersonEmail.address_key == item.delegate_email.lower()
                    )
                )
        if person_id is None:
            raise NotFoundError(
                f"{item.delegate_email} steht nicht im Verzeichnis. Bitte die Person zuerst "
                "anlegen (mit Einwilligung für Einladungen) und dann mit --person NR einladen."
            )
        added = self.meetings.invite(item.meeting_id, person_ids=[person_id])
        closed = self._close(item_id, "als Gast eingeladen", {INVITE_DELEGATE})
        already = "" if added else " (stand schon auf der Liste)"
        return Resolution(
            closed,
            f"Die Vertretung ist als Gast eingeladen{already}; die Einladung geht mit "
            f"`koordination invite {item.meeting_id}` hinaus.",
        )

    @staticmethod
    def _check(item: ReviewItem, action: str) -> None:
        if action not in item.actions:
            raise ValidationError(
                [FieldError("Rückmeldung", f"Nr. {item.id} lässt sich so nicht erledigen.")]
            )

    def _close(self, item_id: int, resolution: str, allowed: set[str]) -> ReviewItem:
        with self.db.session() as session:
            row = self._row(session, item_id)
            item = _item(session, row)
            if not item.open or not allowed & set(item.actions):
                raise ValidationError(
                    [FieldError("Rückmeldung", f"Nr. {item_id} ist schon erledigt.")]
                )
            row.resolved_at = self.meetings.now()
            row.resolution = resolution
            session.flush()
            return _item(session, row)
