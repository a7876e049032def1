"""A reply on the coordinator's review list, as the faces show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from koordination.domain.enums import ReviewKind

#: What can be done with an item: the resolve actions of ``Meetings.review``.
ACCEPT = "accept"
DISMISS = "dismiss"
INVITE_DELEGATE = "invite_delegate"


@dataclass(frozen=True)
class ReviewItem:
    """A counter-proposal, a comment, a delegation, or a reply that could not be booked.

    Times are in the city's zone. ``recurrence_id`` names the date the reply speaks of (its
    original start), None for the whole meeting or series.
    """

    id: int
    kind: ReviewKind
    received_at: datetime
    meeting_id: int | None
    meeting_title: str
    invitation_id: int | None
    person_id: int | None
    person_name: str
    attendee_email: str
    sender: str
    source: str
    recurrence_id: datetime | None
    proposed_start: datetime | None
    proposed_end: datetime | None
    comment: str
    delegate_email: str
    delegate_name: str
    reason: str
    resolved_at: datetime | None
    resolution: str

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    @property
    def actions(self) -> tuple[str, ...]:
        """What may be done with it while it is open (``ACCEPT``, ``INVITE_DELEGATE``,
        ``DISMISS``); nothing once it is resolved."""
        if not self.open:
            return ()
        if self.kind == ReviewKind.GEGENVORSCHLAG and self.proposed_start is not None:
            return (ACCEPT, DISMISS)
        if self.kind == ReviewKind.VERTRETUNG and self.delegate_email:
            return (INVITE_DELEGATE, DISMISS)
        return (DISMISS,)

    @property
    def who(self) -> str:
        return self.person_name or self.attendee_email or self.sender or "unbekannt"

    def text(self) -> str:
        """One German line saying what it is about."""
        day = f" am {self.recurrence_id:%d.%m.%Y}" if self.recurrence_id else ""
        comment = f" – „{self.comment}“" if self.comment else ""
        if self.kind == ReviewKind.GEGENVORSCHLAG and self.proposed_start is not None:
            end = f"–{self.proposed_end:%H:%M}" if self.proposed_end else ""
            return (
                f"{self.who} schlägt für „{self.meeting_title}“{day} vor: "
                f"{self.proposed_start:%d.%m.%Y %H:%M}{end} Uhr{comment}"
            )
        if self.kind == ReviewKind.VERTRETUNG:
            delegate = self.delegate_name or self.delegate_email or "jemand ohne Angabe"
            if self.delegate_name and self.delegate_email:
                delegate = f"{self.delegate_name} <{self.delegate_email}>"
            return (
                f"{self.who} lässt sich bei „{self.meeting_title}“{day} vertreten "
                f"durch {delegate}{comment}"
            )
        if self.kind == ReviewKind.KOMMENTAR:
            return f"{self.who} zu „{self.meeting_title}“{day}: {self.reason}{comment}"
        return self.reason
