"""Booking answers to invitations: iTIP REPLYs read from mail or files, and answers by hand.

A reply is booked only for a known meeting, a REPLY with exactly one attendee, an address that
was invited, and a mail sent from one of that person's addresses (a bare .ics file has no
sender: it is booked, but reported as unchecked). NEEDS-ACTION is no answer and books nothing.
Of two replies the one with the higher SEQUENCE, then the later DTSTAMP, wins; with the same
SEQUENCE and DTSTAMP the one read later counts as the same or newer, never as older.

What the coordinator must see goes on the review list (``review.add``): a reply that could not
be booked (with the German reason), a counter-proposal (COUNTER, never booked as an answer), a
delegation (booked as "abgesagt", with the delegate to invite) and an answer's comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.clock import Clock
from koordination.domain.enums import ResponseStatus, ReviewKind
from koordination.domain.models import Invitation, Meeting, Response
from koordination.errors import NotFoundError
from koordination.services.meetings import review
from koordination.services.meetings.records import event_of
from koordination.services.meetings.times import day_start, local

PARTSTAT = {
    "ACCEPTED": ResponseStatus.ZUGESAGT,
    "DECLINED": ResponseStatus.ABGESAGT,
    "TENTATIVE": ResponseStatus.VIELLEICHT,
}


@dataclass
class ReplyReport:
    applied: int = 0
    ignored_older: int = 0
    already: int = 0
    #: Replies saying NEEDS-ACTION: no answer, so an earlier answer stays.
    not_answers: int = 0
    problems: list[str] = field(default_factory=list)
    #: Booked replies whose sender nobody could check (read from a bare .ics file).
    unchecked: list[str] = field(default_factory=list)
    #: Items put on the review list now (counter-proposals, delegations, comments, problems).
    review: int = 0

    def summary(self) -> str:
        parts = [f"{self.applied} Antworten verbucht"]
        if self.unchecked:
            parts[0] += f" (davon {len(self.unchecked)} ohne Absenderprüfung)"
        if self.already:
            parts.append(f"{self.already} schon verbucht")
        if self.ignored_older:
            parts.append(f"{self.ignored_older} ältere Antworten übergangen")
        if self.not_answers:
            parts.append(f"{self.not_answers} ohne Antwort (NEEDS-ACTION) übergangen")
        if self.problems:
            parts.append(f"{len(self.problems)} nicht zugeordnet")
        if self.review:
            parts.append(f"{self.review} zur Durchsicht (koordination replies list)")
        return ", ".join(parts) + "."


def record_response(
    session: Session,
    invitation_id: int,
    status: ResponseStatus,
    recurrence_id: datetime | None,
    clock: Clock,
) -> None:
    """A coordinator records an answer by hand (phone, corridor, paper)."""
    inv = session.get(Invitation, invitation_id)
    if inv is None:
        raise NotFoundError(f"Einladung Nr. {invitation_id} wurde nicht gefunden.")
    rid = local(recurrence_id).astimezone(UTC) if recurrence_id else None
    response = next((r for r in inv.responses if r.recurrence_id == rid), None)
    if response is None:
        inv.responses.append(Response(recurrence_id=rid, status=status))
    else:
        response.status = status
        response.updated_at = clock.now()


def book_reply(session: Session, reply: object, report: ReplyReport, clock: Clock) -> None:
    """Book one iTIP REPLY or COUNTER (``koordination.calendar.replies.Reply``), or say in
    ``report`` (and on the review list) why not."""
    uid: str = getattr(reply, "uid", "")
    email: str = getattr(reply, "attendee_email", "").lower()
    source: str = getattr(reply, "source", "")
    meeting = session.scalar(select(Meeting).where(Meeting.uid == uid))
    where = f" ({source})" if source else ""

    def refuse(problem: str, inv: Invitation | None = None) -> None:
        if problem not in report.problems:  # said once, not once per attendee
            report.problems.append(problem)
        note(ReviewKind.NICHT_VERBUCHT, problem, inv)

    def note(kind: ReviewKind, reason: str, inv: Invitation | None) -> None:
        if review.add(session, kind, reply, meeting, inv, reason, clock.now()):
            report.review += 1

    if meeting is None:
        refuse(f"Antwort von {email}{where}: unbekannter Termin (UID {uid}).")
        return
    count = int(getattr(reply, "attendee_count", 1))
    if count != 1:
        refuse(
            f"Antwort{where} zu „{meeting.title}“ nennt {count} Teilnehmer (ATTENDEE); eine "
            "Antwort darf nur für eine Person sprechen. Nicht verbucht."
        )
        return
    inv = next(
        (i for i in meeting.invitations if i.sent_email.lower() == email or email in _addresses(i)),
        None,
    )
    if inv is None or inv.sent_sequence is None:
        refuse(
            f"Antwort von {email}{where} zu „{meeting.title}“: diese Adresse wurde nicht "
            "eingeladen."
        )
        return
    sender: str | None = getattr(reply, "sender", None)
    if sender is not None:
        sender = sender.lower()
        sent_by: str = getattr(reply, "sent_by", "").lower()
        if not sender:
            refuse(
                f"Antwort für {email}{where} zu „{meeting.title}“: die E-Mail nennt keinen "
                "lesbaren Absender. Nicht verbucht.",
                inv,
            )
            return
        if sent_by and sent_by != sender:
            refuse(
                f"Antwort für {email}{where} zu „{meeting.title}“: gesendet von {sender}, "
                f"angeblich im Auftrag von {sent_by} (SENT-BY). Nicht verbucht.",
                inv,
            )
            return
        if sender not in _addresses(inv) | {inv.sent_email.lower()}:
            refuse(
                f"Absender {sender} antwortet für {email}{where} zu „{meeting.title}“; "
                "die Adresse gehört nicht zu dieser Person. Nicht verbucht.",
                inv,
            )
            return
    rid_value = getattr(reply, "recurrence_id", None)
    if rid_value is not None:
        found = occurrence(meeting, rid_value, bool(getattr(reply, "recurrence_date_only", False)))
        if isinstance(found, str):
            refuse(
                f"Antwort von {email}{where} zu „{meeting.title}“ für den "
                f"{local(rid_value):%d.%m.%Y}: {found} Nicht verbucht.",
                inv,
            )
            return
        rid_value = found
    comment: str = getattr(reply, "comment", "")
    if getattr(reply, "method", "REPLY") == "COUNTER":
        # A proposal is no answer: the coordinator accepts it (the date moves) or not.
        note(ReviewKind.GEGENVORSCHLAG, "schlägt eine andere Zeit vor", inv)
        return
    given = str(getattr(reply, "partstat", ""))
    partstat = given.upper()
    if partstat == "NEEDS-ACTION":
        report.not_answers += 1  # "not answered yet" is no answer; an earlier one stays
        return
    status = PARTSTAT.get(partstat)
    if partstat == "DELEGATED":
        status = ResponseStatus.ABGESAGT  # they send someone else: they do not come
    if status is None:
        refuse(f"Antwort von {email}{where}: unbekannte Rückmeldung „{given}“.", inv)
        return
    rid = rid_value.astimezone(UTC) if rid_value else None
    sequence = int(getattr(reply, "sequence", 0))
    dtstamp = getattr(reply, "dtstamp", None) or clock.now()
    response = next((r for r in inv.responses if r.recurrence_id == rid), None)
    if response is not None and response.reply_sequence is not None:
        seen = (
            response.reply_sequence,
            response.reply_dtstamp or datetime.min.replace(tzinfo=UTC),
        )
        if (sequence, dtstamp) == seen and (response.status, response.comment) == (
            status,
            comment,
        ):
            report.already += 1  # the same reply read again
            return
        # Equal SEQUENCE and DTSTAMP is "the same or newer": the reply read later wins.
        if (sequence, dtstamp) < seen:
            report.ignored_older += 1
            return
    if response is None:
        response = Response(recurrence_id=rid)
        inv.responses.append(response)
    response.status = status
    response.comment = comment
    response.reply_sequence = sequence
    response.reply_dtstamp = dtstamp
    response.updated_at = clock.now()
    report.applied += 1
    if partstat == "DELEGATED":
        note(ReviewKind.VERTRETUNG, "lässt sich vertreten", inv)
    elif comment:
        note(ReviewKind.KOMMENTAR, f"Kommentar zur Antwort „{status.label}“", inv)
    if sender is None:
        report.unchecked.append(
            f"Antwort von {email}{where} zu „{meeting.title}“: ohne Absenderprüfung verbucht "
            "(aus einer .ics-Datei ohne E-Mail)."
        )


def occurrence(meeting: Meeting, when: datetime, date_only: bool) -> datetime | str:
    """The original start of the date a RECURRENCE-ID names, or in German why it names none.

    It must be an original start of the series as invited (a moved date answers to where it
    was); a date without a time names that day's date. A cancelled date takes no answers.
    """
    import dataclasses

    from koordination.calendar.recurrence import expand

    if not meeting.rrule:
        return "der Termin ist keine Serie, eine Antwort für einen einzelnen Tag passt nicht."
    wanted = local(when)
    day = wanted.date()
    unmoved = dataclasses.replace(event_of(meeting, ("", "")), overrides=())
    try:
        window = (day_start(day), day_start(day + timedelta(days=1)))
        dates = expand(unmoved, *window)
    except OverflowError:  # a date at the end of what a calendar can hold
        dates = []
    starts = [o.recurrence_id for o in dates if o.recurrence_id.date() == day]
    matching = starts if date_only else [s for s in starts if s == wanted]
    if not matching:
        if starts:
            return (
                f"an diesem Tag beginnt der Termin um {starts[0]:%H:%M} Uhr, "
                f"nicht um {wanted:%H:%M} Uhr."
            )
        return "an diesem Tag findet kein Termin dieser Serie statt."
    original = matching[0]
    if any(o.cancelled and o.recurrence_id == original for o in meeting.overrides):
        return "dieser Termin ist abgesagt."
    return original


def _addresses(inv: Invitation) -> set[str]:
    """Every address the invited person is known by, lower-cased."""
    return {e.address_key for e in inv.person.emails}
