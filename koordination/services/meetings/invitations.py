"""Who is invited and what has to go out: the invitation list (groups and guests), who receives
nothing and why (archived, no channel, no consent, no address), and the delivery plan that brings
every invitee's calendar to the meeting's current state without sending anything twice."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from koordination.calendar.events import Attendee, Event
from koordination.clock import CITY_ZONE, Clock
from koordination.domain.enums import Channel, ConsentPurpose, MeetingStatus, ResponseStatus
from koordination.domain.models import Group, GroupMembership, Invitation, Meeting, Person
from koordination.domain.records.directory import display_name, is_current
from koordination.domain.records.meetings import MeetingRecord
from koordination.errors import NotFoundError
from koordination.services.consent import has_current_consent
from koordination.services.meetings.calendar_change import bump
from koordination.services.meetings.records import event_of, to_record
from koordination.services.meetings.times import local
from koordination.services.privacy.restriction import RESTRICTED, is_restricted


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


def add_invitees(
    session: Session,
    meeting: Meeting,
    group_ids: Iterable[int],
    person_ids: Iterable[int],
    clock: Clock,
) -> int:
    """Put the current members of groups and single people on the list; returns how many
    were added. Nobody is on the list twice; a removed person is put back."""
    today = clock.now().astimezone(CITY_ZONE).date()
    added = 0
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
            inv = Invitation(person_id=pid, via_group_id=via, guest=guest, added_at=clock.now())
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
                bump(meeting, clock.now(), request=False)
    return added


def invitations(session: Session, meeting: Meeting) -> Sequence[Invitation]:
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


def plan(
    session: Session,
    meeting: Meeting,
    organizer: tuple[str, str],
    *,
    stamp: datetime,
    everything: bool,
    clock: Clock,
) -> DeliveryPlan:
    """What has to go out so every invitee's calendar shows the current state, and no more:
    nothing is sent twice unless the meeting changed since. ``everything`` plans the current
    state for every invitee again (after handing out files, to send by e-mail as well)."""
    from koordination.calendar import ics

    record = to_record(meeting)
    event = event_of(record, organizer)
    event = dataclasses.replace(event, agenda=_agenda(session, meeting))
    deliveries: list[Delivery] = []
    excluded: list[tuple[str, str]] = []
    up_to_date = 0
    for inv in invitations(session, meeting):
        p = inv.person
        name = display_name(p.title, p.given_name, p.family_name)
        reason = excluded_because(p, clock.now())
        if is_restricted(p):
            # Restricted (Art. 18 DSGVO): no message at all, not even a cancellation.
            excluded.append((name, reason))
            continue
        sent = inv.sent_sequence
        if everything and inv.removed_at is None:
            sent = None
        if inv.removed_at is not None or meeting.status == MeetingStatus.ABGESAGT:
            # Only who got the invitation needs the cancellation, once per version.
            if sent is not None:
                email = inv.sent_email
                attendee = Attendee(name, email)
                data = ics.cancellation(_cancelled(event), attendee, dtstamp=stamp)
                deliveries.append(Delivery(inv.id, p.id, name, email, "CANCEL", None, data))
            continue
        if reason:
            if inv.sent_sequence is not None and inv.sent_email and withdrew(p, clock.now()):
                # Consent withdrawn after the invitation went out: one CANCEL takes the
                # dates out of their calendar; after it nothing more is sent to them.
                email = inv.sent_email
                attendee = Attendee(name, email)
                data = ics.cancellation(_cancelled(event), attendee, dtstamp=stamp)
                deliveries.append(Delivery(inv.id, p.id, name, email, "CANCEL", None, data))
            excluded.append((name, reason))
            continue
        email = p.emails[0].address
        attendee = Attendee(name, email, partstat=partstat(inv))
        old_address = inv.sent_email
        if sent is not None and old_address and old_address.lower() != email.lower():
            # A new address: the calendar behind the old one drops the meeting first.
            gone = Attendee(name, old_address)
            data = ics.cancellation(_cancelled(event), gone, dtstamp=stamp)
            deliveries.append(Delivery(inv.id, p.id, name, old_address, "CANCEL", None, data))
        if sent is None or sent < meeting.request_sequence or email != inv.sent_email:
            per_date = occurrence_partstats(inv)
            data = ics.invitation(event, attendee, dtstamp=stamp, occurrence_partstats=per_date)
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


def mark_delivered(
    meeting: Meeting, delivered: Iterable[Delivery], sequence: int, now: datetime
) -> None:
    """Record what went out (at ``sequence``), so a second run sends nothing again."""
    by_id = {inv.id: inv for inv in meeting.invitations}
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


_PARTSTATS = {
    ResponseStatus.ZUGESAGT: "ACCEPTED",
    ResponseStatus.ABGESAGT: "DECLINED",
    ResponseStatus.VIELLEICHT: "TENTATIVE",
}


def partstat(inv: Invitation) -> str:
    """The invitee's own answer to the whole meeting, as the calendar spells it (after a
    change of time it is "keine Antwort" again, so NEEDS-ACTION)."""
    whole = next((r for r in inv.responses if r.recurrence_id is None), None)
    if whole is None:
        return "NEEDS-ACTION"
    return _PARTSTATS.get(whole.status, "NEEDS-ACTION")


def occurrence_partstats(inv: Invitation) -> dict[datetime, str]:
    """The invitee's answers for single dates (by original start), as the calendar spells
    them: a moved date's component in the REQUEST carries its own."""
    return {
        local(r.recurrence_id): _PARTSTATS.get(r.status, "NEEDS-ACTION")
        for r in inv.responses
        if r.recurrence_id is not None
    }


def excluded_because(p: Person, now: datetime) -> str:
    """Why a person on the list gets no invitation; empty when they get one."""
    if is_restricted(p):
        return RESTRICTED
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


def withdrew(p: Person, now: datetime) -> bool:
    """The person withdrew their consent to invitations and has not given it again."""
    given = [c for c in p.consents if c.purpose == ConsentPurpose.EINLADUNGEN]
    return bool(given) and not has_current_consent(given, ConsentPurpose.EINLADUNGEN, now)


def _cancelled(event: Event) -> Event:
    return dataclasses.replace(event, cancelled=True)
