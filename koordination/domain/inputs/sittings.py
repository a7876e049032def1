"""What the forms of a sitting hand to the minutes service (agenda item, decision, task,
workshop card, minutes header), with their validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from koordination.domain.enums import CardKind, DecisionResult, MinutesKind
from koordination.domain.inputs.validation import date_value, text_value, time_value
from koordination.errors import FieldError

# ---------------------------------------------------------------------- agenda item


@dataclass(frozen=True)
class ItemInput:
    title: str
    presenter: str = ""
    duration_minutes: int | None = None
    description: str = ""
    public: bool = True
    #: Paths or links, one per entry.
    attachments: tuple[str, ...] = ()


def build_item(values: Mapping[str, Any]) -> tuple[ItemInput | None, list[FieldError]]:
    problems: list[FieldError] = []
    title = text_value(values, "title")
    if not title:
        problems.append(FieldError("Titel", "darf nicht leer sein."))
    duration: int | None = None
    text = text_value(values, "duration")
    if text:
        if not text.isdigit() or int(text) > 24 * 60:
            problems.append(FieldError("Dauer (Minuten)", "bitte Minuten zwischen 0 und 1440."))
        else:
            duration = int(text)
    if problems:
        return None, problems
    public = values.get("public")
    attachments = str(values.get("attachments") or "").splitlines()
    return (
        ItemInput(
            title,
            text_value(values, "presenter"),
            duration,
            text_value(values, "description"),
            public is not False,
            tuple(line.strip() for line in attachments if line.strip()),
        ),
        [],
    )


# ---------------------------------------------------------------------- decision

NO_VOTE = "Bitte Ja/Nein/Enthaltung eintragen oder Konsens wählen."


@dataclass(frozen=True)
class DecisionInput:
    wording: str
    consensus: bool = False
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    result: DecisionResult = DecisionResult.ANGENOMMEN


def _count(
    values: Mapping[str, Any], key: str, label: str, problems: list[FieldError]
) -> int | None:
    text = text_value(values, key)
    if not text:
        return None
    if not text.isdigit():
        problems.append(FieldError(label, "bitte eine ganze Zahl ab 0 eingeben."))
        return None
    return int(text)


def build_decision(values: Mapping[str, Any]) -> tuple[DecisionInput | None, list[FieldError]]:
    problems: list[FieldError] = []
    wording = text_value(values, "wording")
    if not wording:
        problems.append(FieldError("Beschluss", "Bitte den genauen Wortlaut eintragen."))
    yes = _count(values, "yes", "Ja-Stimmen", problems)
    no = _count(values, "no", "Nein-Stimmen", problems)
    abstain = _count(values, "abstain", "Enthaltungen", problems)
    consensus = values.get("how") == "konsens"
    if not consensus and yes is None:
        problems.append(FieldError("Abstimmung", NO_VOTE))
    if problems:
        return None, problems
    result = values.get("result") or DecisionResult.ANGENOMMEN
    return DecisionInput(wording, consensus, yes, no, abstain, result), []


# ---------------------------------------------------------------------- task


@dataclass(frozen=True)
class TaskInput:
    """Who does what by when: exactly one of a person or a group."""

    title: str
    person_id: int | None = None
    group_id: int | None = None
    due: date | None = None
    description: str = ""


def build_task(values: Mapping[str, Any]) -> tuple[TaskInput | None, list[FieldError]]:
    problems: list[FieldError] = []
    title = text_value(values, "title")
    if not title:
        problems.append(FieldError("Aufgabe", "Bitte beschreiben, was zu tun ist."))
    person, group = values.get("person_id"), values.get("group_id")
    if (person is None) == (group is None):
        problems.append(FieldError("Wer", "Bitte genau eine Person oder eine Gruppe wählen."))
    due = date_value(values, "due", "Fällig am", problems)
    if problems:
        return None, problems
    return TaskInput(title, person, group, due), []


# ---------------------------------------------------------------------- workshop cards


@dataclass(frozen=True)
class CardInput:
    text: str
    kind: CardKind = CardKind.IDEE
    cluster: str = ""


def build_card(values: Mapping[str, Any]) -> tuple[CardInput | None, list[FieldError]]:
    text = text_value(values, "text")
    if not text:
        return None, [FieldError("Karte", "Bitte einen Text eintragen.")]
    kind = values.get("kind") or CardKind.IDEE
    return CardInput(text, kind, text_value(values, "cluster")), []


# ---------------------------------------------------------------------- minutes header


@dataclass(frozen=True)
class HeaderInput:
    """The head of the minutes; what is None stays as it is."""

    chair_id: int | None = None
    minute_taker_id: int | None = None
    #: Times of day on the sitting's day.
    started: time | None = None
    ended: time | None = None
    kind: MinutesKind | None = None


def build_header(values: Mapping[str, Any]) -> tuple[HeaderInput | None, list[FieldError]]:
    problems: list[FieldError] = []
    started = time_value(values, "started", "Beginn", problems)
    ended = time_value(values, "ended", "Ende", problems)
    if started and ended and ended <= started:
        problems.append(FieldError("Ende", "muss nach dem Beginn liegen."))
    if problems:
        return None, problems
    return (
        HeaderInput(
            values.get("chair_id"), values.get("minute_taker_id"), started, ended, values["kind"]
        ),
        [],
    )
