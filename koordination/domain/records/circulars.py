"""Circular e-mails (Rundmail) as the faces see them: the draft, the plan of who receives it
and who does not (with the German reason), a stored circular and where its sending stands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from koordination.domain.enums import CircularState

#: The pace for small office servers unless the settings or the command say otherwise.
DEFAULT_PER_MINUTE = 30
#: The fastest pace accepted (a test server; an office server would refuse far earlier).
MAX_PER_MINUTE = 6000


@dataclass(frozen=True)
class CircularDraft:
    """What the office wrote: subject, Markdown text, the audience as typed ("gruppe:AK
    Stadtteilarbeit", "sektor:Wirtschaft", "organisation:Tafel e.V.", "person:12", "alle"),
    the form of address, files to attach and the pace."""

    subject: str
    body: str
    audience: tuple[str, ...]
    informal: bool = False
    attachments: tuple[Path, ...] = ()
    per_minute: int = DEFAULT_PER_MINUTE


@dataclass(frozen=True)
class PlannedRecipient:
    person_id: int
    name: str
    email: str
    #: "Sehr geehrte Frau Dr. Ulrich," or "Liebe Monika,"
    greeting: str


@dataclass(frozen=True)
class LeftOut:
    """A person of the audience who receives nothing, and why (in German)."""

    person_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class RenderedMessage:
    """The parts of one message as its recipient sees them."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class CircularPlan:
    """Who would receive the circular now, who would not (and why), and the first message."""

    draft: CircularDraft
    recipients: tuple[PlannedRecipient, ...]
    left_out: tuple[LeftOut, ...]
    #: The first recipient's message (None when nobody receives it).
    first: RenderedMessage | None
    #: The attachments as they would go: file name and size in bytes.
    attachments: tuple[tuple[str, int], ...] = ()
    #: The stored circular's number (None for a dry run).
    circular_id: int | None = None


@dataclass(frozen=True)
class RecipientRecord:
    person_id: int
    name: str
    email: str
    state: CircularState
    message_id: str
    attempted_at: datetime | None
    sent_at: datetime | None
    problem: str


@dataclass(frozen=True)
class CircularRecord:
    id: int
    subject: str
    body: str
    audience: tuple[str, ...]
    informal: bool
    per_minute: int
    left_out: int
    created_at: datetime
    created_by: str
    #: File name and size in bytes of each attachment.
    attachments: tuple[tuple[str, int], ...]
    #: How many messages stand in each state.
    counts: dict[CircularState, int] = field(default_factory=dict)
    #: Every recipient, in the order they are sent (only filled by ``show``).
    recipients: tuple[RecipientRecord, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def open(self) -> int:
        """Messages still to send (planned, or failed and worth another try)."""
        return self.counts.get(CircularState.GEPLANT, 0) + self.counts.get(
            CircularState.FEHLGESCHLAGEN, 0
        )

    def status(self) -> str:
        """ "12 von 40 gesendet, 1 fehlgeschlagen, 1 unklar" in German."""
        sent = self.counts.get(CircularState.GESENDET, 0)
        parts = [f"{sent} von {self.total} gesendet"]
        for state in (
            CircularState.FEHLGESCHLAGEN,
            CircularState.UNKLAR,
            CircularState.SENDET,
        ):
            if self.counts.get(state):
                parts.append(f"{self.counts[state]} {state.label}")
        return ", ".join(parts)


@dataclass(frozen=True)
class SendResult:
    """What one sending run did."""

    circular_id: int
    sent: int
    failed: tuple[str, ...]
    #: Messages whose delivery is unclear (a run broke off while handing them over).
    unclear: tuple[str, ...]
    #: Messages still planned after this run (it was stopped, or the server went away).
    remaining: int
    stopped: bool = False

    def summary(self) -> str:
        lines = [f"Rundmail Nr. {self.circular_id}: {self.sent} Nachricht(en) gesendet."]
        if self.failed:
            lines.append(f"{len(self.failed)} fehlgeschlagen:")
            lines += [f"  {line}" for line in self.failed]
        if self.unclear:
            lines.append(
                f"{len(self.unclear)} mit unklarer Zustellung (nicht erneut gesendet, bitte "
                "bei Bedarf nachfragen):"
            )
            lines += [f"  {line}" for line in self.unclear]
        if self.remaining:
            why = "angehalten" if self.stopped else "noch offen"
            lines.append(
                f"{self.remaining} Nachricht(en) {why}; weiter mit „koordination rundmail "
                f"resume {self.circular_id}“."
            )
        return "\n".join(lines)
