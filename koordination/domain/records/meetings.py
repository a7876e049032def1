"""Plain frozen records of meetings, series, invitations, sittings and minutes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime

from koordination.domain.enums import (
    AttendanceStatus,
    CardKind,
    DecisionResult,
    MeetingKind,
    MeetingStatus,
    MinutesKind,
    MinutesStatus,
    ResponseStatus,
    Sector,
    StandingItem,
)


@dataclass(frozen=True)
class OverrideRecord:
    recurrence_id: datetime
    cancelled: bool
    start: datetime | None
    end: datetime | None
    address: str | None
    room: str | None
    online_url: str | None


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting or series; times are aware datetimes in the city's zone."""

    id: int
    version: int
    uid: str
    kind: MeetingKind
    title: str
    description: str
    start: datetime
    end: datetime
    address: str
    room: str
    online_url: str
    status: MeetingStatus
    public: bool
    rrule: str | None
    sequence: int
    group_ids: tuple[int, ...]
    group_names: tuple[str, ...]
    overrides: tuple[OverrideRecord, ...] = ()
    previous_id: int | None = None

    @property
    def mode(self) -> str:
        """Präsenz, Online or Hybrid, from what is filled in."""
        on_site = bool(self.address or self.room)
        if on_site and self.online_url:
            return "Hybrid"
        return "Online" if self.online_url else "Präsenz"


@dataclass(frozen=True)
class OccurrenceRow:
    """One date of a meeting or series, as lists and the CLI show it."""

    meeting_id: int
    uid: str
    recurrence_id: datetime
    start: datetime
    end: datetime
    title: str
    kind: MeetingKind
    place: str
    online_url: str
    status: MeetingStatus
    moved: bool
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Clash:
    """Another meeting's date that overlaps a meeting or series being saved: a warning only.

    ``start``/``end`` are that date's times (aware, UTC); ``same_group`` says it belongs to one
    of the same groups, ``room`` names the shared room ("" when the room is not the reason).
    ``message`` is the German sentence for the user, e.g. "Am Di 15.12.2026, 18:00–20:00
    trifft sich „AK Stadtteilarbeit“ schon (gleiche Gruppe)."
    """

    meeting_id: int
    title: str
    start: datetime
    end: datetime
    same_group: bool
    room: str
    message: str


@dataclass(frozen=True)
class InvitationRow:
    """A person on the invitation list: may they receive it, and how did they answer?"""

    invitation_id: int
    person_id: int
    name: str
    email: str
    via: str
    removed: bool
    sent_sequence: int | None
    #: Answer for the meeting or whole series.
    status: ResponseStatus
    #: Answers that differ for single occurrences: (original start, status).
    occurrence_answers: tuple[tuple[datetime, ResponseStatus], ...]
    #: Empty when an invitation can be delivered; else why not, in German.
    excluded_because: str
    #: The comments given with answers: (original start, or None for the whole, comment).
    answer_comments: tuple[tuple[datetime | None, str], ...] = ()


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    wording: str
    consensus: bool
    votes_yes: int | None
    votes_no: int | None
    votes_abstain: int | None
    result: DecisionResult

    @property
    def vote_text(self) -> str:
        if self.consensus:
            return "im Konsens"
        counts = (self.votes_yes or 0, self.votes_no or 0, self.votes_abstain or 0)
        return "Ja {} · Nein {} · Enthaltung {}".format(*counts)


@dataclass(frozen=True)
class TaskRecord:
    id: int
    title: str
    description: str
    assignee: str
    assignee_person_id: int | None
    assignee_group_id: int | None
    group_name: str
    due: date | None
    done_on: date | None
    origin: str

    def overdue(self, today: date) -> bool:
        return self.done_on is None and self.due is not None and self.due < today


@dataclass(frozen=True)
class AgendaItemRecord:
    id: int
    parent_id: int | None
    number: str
    title: str
    description: str
    presenter: str
    duration_minutes: int | None
    public: bool
    standing: StandingItem | None
    attachments: tuple[str, ...]
    notes: str
    planned_start: datetime | None
    decisions: tuple[DecisionRecord, ...] = ()
    tasks: tuple[TaskRecord, ...] = ()


@dataclass(frozen=True)
class AttendanceRow:
    person_id: int | None
    name: str
    organisation: str
    sector: Sector | None
    status: AttendanceStatus


@dataclass(frozen=True)
class CardRecord:
    id: int
    kind: CardKind
    text: str
    cluster: str
    votes: int
    task_id: int | None


@dataclass(frozen=True)
class VersionRecord:
    number: int
    approved_at: datetime
    approved_by: str
    fingerprint: str


@dataclass(frozen=True)
class SittingRecord:
    """One date of a meeting with everything recorded about it."""

    id: int
    version: int
    meeting_id: int
    title: str
    kind: MeetingKind
    occurrence: datetime
    start: datetime
    end: datetime
    place: str
    online_url: str
    groups: tuple[str, ...]
    minutes_kind: MinutesKind
    minutes_status: MinutesStatus
    chair: str
    chair_id: int | None
    minute_taker: str
    minute_taker_id: int | None
    items: tuple[AgendaItemRecord, ...]
    attendance: tuple[AttendanceRow, ...]
    open_tasks: tuple[TaskRecord, ...]
    versions: tuple[VersionRecord, ...]
    cards: tuple[CardRecord, ...]
    #: German warning when the planned durations run past the meeting's end; else empty.
    overrun: str = ""

    @property
    def frozen(self) -> bool:
        return self.minutes_status == MinutesStatus.GENEHMIGT


def content_json(record: SittingRecord) -> str:
    """The minutes as canonical JSON: what approval freezes and the fingerprint covers."""
    data = asdict(record)
    for key in ("id", "version", "minutes_status", "versions"):
        data.pop(key)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
