"""Delivering a meeting's delivery plan: as .ics files in a folder, or as iMIP e-mails.

Both faces (CLI and TUI) go through here, so what counts as delivered is decided in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from koordination.domain.records.meetings import MeetingRecord
from koordination.services.meetings import Delivery, DeliveryPlan, Meetings

Progress = Callable[[int, int], None]


def label(d: Delivery) -> str:
    """What a file or a line of a report calls this message, in German."""
    if d.method == "REQUEST":
        return "Einladung"
    if d.occurrence_start is not None:
        return f"Absage {d.occurrence_start:%d.%m.%Y}"
    return "Absage"


def folder_name(meeting: MeetingRecord) -> str:
    """One folder per meeting: date, title and number."""
    slug = re.sub(r"[^\w-]+", "-", meeting.title.lower()).strip("-")[:40]
    return f"{meeting.start:%Y-%m-%d}-{slug}-{meeting.id}"


def default_folder(meeting: MeetingRecord) -> Path:
    from koordination.paths import exports_dir

    return exports_dir() / "einladungen" / folder_name(meeting)


def write_files(
    meetings: Meetings,
    plan: DeliveryPlan,
    folder: Path | None = None,
    progress: Progress | None = None,
) -> tuple[int, Path]:
    """One file per recipient, written atomically; the plan then counts as delivered."""
    from koordination.delivery.files import write_invitations

    target = folder or default_folder(plan.meeting)
    files = [(f"{d.name} {label(d)}", d.ics) for d in plan.deliveries]
    if progress is not None:
        progress(0, len(files))
    written = write_invitations(target, files)
    meetings.mark_delivered(plan.meeting.id, plan.deliveries, plan.meeting.sequence)
    if progress is not None:
        progress(len(files), len(files))
    return len(written), target


@dataclass(frozen=True)
class MailResult:
    sent: int
    total: int
    failures: tuple[str, ...]

    def summary(self) -> str:
        return f"{self.sent} von {self.total} Nachrichten gesendet."


def send_mails(
    meetings: Meetings, plan: DeliveryPlan, settings: object, progress: Progress | None = None
) -> MailResult:
    """Send every message of the plan through SMTP; who received theirs counts as delivered,
    so running it again sends only what failed or changed."""
    from koordination.delivery.mail import build_imip, send_all
    from koordination.delivery.settings import SmtpSettings
    from koordination.services.invitation_text import body_text, subject

    assert isinstance(settings, SmtpSettings)
    messages = [
        build_imip(
            sender_name=settings.from_name or plan.event.organizer_name,
            sender_email=settings.from_email or plan.event.organizer_email,
            recipient_name=d.name,
            recipient_email=d.email,
            subject=subject(plan.meeting, d.method, d.occurrence_start),
            body_text=body_text(
                plan.meeting, d.method, d.occurrence_start, plan.event.organizer_name
            ),
            ics=d.ics,
            method=d.method,
        )
        for d in plan.deliveries
    ]
    letter = _invitation_letter(meetings, plan)
    if letter is not None:
        for message, d in zip(messages, plan.deliveries, strict=True):
            if d.method == "REQUEST":
                message.add_attachment(
                    letter, maintype="application", subtype="pdf", filename="einladung.pdf"
                )
    report = send_all(settings, messages, progress=progress)
    delivered = {address.lower() for address in report.delivered}
    sent = [d for d in plan.deliveries if d.email.lower() in delivered]
    meetings.mark_delivered(plan.meeting.id, sent, plan.meeting.sequence)
    return MailResult(len(sent), len(plan.deliveries), tuple(str(f) for f in report.failures))


def _invitation_letter(meetings: Meetings, plan: DeliveryPlan) -> bytes | None:
    """The Einladung with the agenda as PDF, for a one-off meeting whose agenda is written."""
    if plan.meeting.rrule:
        return None
    from koordination.outputs import document as documents
    from koordination.outputs.builders.sittings import invitation_letter, letterhead
    from koordination.services.directory import Directory
    from koordination.services.minutes import Minutes

    record = Minutes(meetings.db).find(plan.meeting.id, plan.meeting.start)
    if record is None or not record.items:
        return None
    head = letterhead(Directory(meetings.db).get_city())
    return documents.render(invitation_letter(record, head), "pdf")
