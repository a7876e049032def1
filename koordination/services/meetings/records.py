"""A stored meeting as the faces see it: loading one, its MeetingRecord, its calendar Event,
its invitation list as InvitationRows, and the office that organises it (its dates as the lists
show them: listing.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.calendar.events import Event, Place
from koordination.domain.enums import MeetingStatus, ResponseStatus
from koordination.domain.models import CityProfile, Group, Invitation, Meeting
from koordination.domain.records.directory import display_name
from koordination.domain.records.meetings import (
    InvitationRow,
    MeetingRecord,
    OverrideRecord,
)
from koordination.errors import FieldError, NotFoundError, ValidationError
from koordination.services.meetings.overrides import override_of as override_of
from koordination.services.meetings.times import local


def load(session: Session, meeting_id: int) -> Meeting:
    meeting = session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.groups), selectinload(Meeting.overrides))
    )
    if meeting is None:
        raise NotFoundError(f"Termin Nr. {meeting_id} wurde nicht gefunden.")
    return meeting


def to_record(m: Meeting) -> MeetingRecord:
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


def office(session: Session) -> tuple[str, str]:
    """The Koordinierungsstelle: name and e-mail from the city profile."""
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


def event_of(m: Meeting | MeetingRecord, organizer: tuple[str, str]) -> Event:
    record = m if isinstance(m, MeetingRecord) else to_record(m)
    place = Place(record.address, record.room, record.online_url)
    overrides = tuple(override_of(o, place, record.sequence) for o in record.overrides)
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


def invitation_row(session: Session, inv: Invitation, excluded_because: str) -> InvitationRow:
    """One line of a meeting's invitation list; ``excluded_because``: why the person receives
    nothing (invitations.excluded_because), empty when they are invited."""
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
        status=whole.status if whole else _unanswered(inv),
        occurrence_answers=tuple(
            (local(r.recurrence_id), r.status) for r in inv.responses if r.recurrence_id is not None
        ),
        excluded_because=excluded_because,
        answer_comments=tuple(
            (local(r.recurrence_id) if r.recurrence_id else None, r.comment)
            for r in inv.responses
            if r.comment
        ),
    )


def _unanswered(inv: Invitation) -> ResponseStatus:
    """No answer yet: invited once the invitation went out, else not even that."""
    if inv.sent_sequence is None:
        return ResponseStatus.KEINE_ANTWORT
    return ResponseStatus.EINGELADEN
