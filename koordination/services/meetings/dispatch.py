"""Delivering a meeting's delivery plan: as .ics files in a folder, or as iMIP e-mails.

Both faces (CLI and TUI) go through here, so what counts as delivered is decided in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from koordination.services.meetings.invitations import Delivery, DeliveryPlan
from koordination.services.meetings.service import Meetings

Progress = Callable[[int, int], None]


def label(d: Delivery) -> str:
    """What a file or a line of a report calls this message, in German."""
    if d.method == "REQUEST":
        return "Einladung"
    if d.occurrence_start is not None:
        return f"Absage {d.occurrence_start:%d.%m.%Y}"
    return "Absage"


def write_files(
    meetings: Meetings,
    plan: DeliveryPlan,
    folder: Path,
    progress: Progress | None = None,
) -> tuple[int, Path]:
    """One file per recipient into ``folder`` (the faces name it with
    ``outputs.files.invitation_folder``), written atomically; the plan then counts as
    delivered."""
    from koordination.delivery.files import write_invitations

    target = folder
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
    meetings: Meetings,
    plan: DeliveryPlan,
    settings: object,
    progress: Progress | None = None,
    letter: bytes | None = None,
) -> MailResult:
    """Send every message of the plan through SMTP; who received theirs counts as delivered,
    so running it again sends only what failed or changed. ``letter``, the invitation with the
    agenda as PDF (the faces get it from ``outputs.registry.invitation_attachment``), goes
    with every invitation."""
    from koordination.delivery.mail import build_imip, send_all
    from koordination.delivery.settings import SmtpSettings
    from koordination.services.meetings.invitation_text import body_text, subject

    assert isinstance(settings, SmtpSettings)
    messages = [
        build_imip(
            sender_name=settings.from_name or plan.event.organizer_name,
            sender_email=settings.from_email or plan.event.organizer_email,
            recipient_name=d.name,
            recipient_email=d.email,
            subject=subject(plan.meeting, d.method, d.occurrence_start),
            body_text=body_text(
                plan.meeting,
                d.method,
                d.occurrence_start,
                plan.event.organizer_name,
                plan.event.organizer_email,
            ),
            ics=d.ics,
            method=d.method,
        )
        for d in plan.deliveries
    ]
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
