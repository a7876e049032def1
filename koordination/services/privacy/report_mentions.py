"""The mentions section of the access report: where the person is named in free text, as the
sentences that name them with other people's names masked; and what the office checks before
sending (mentions by a family name another person shares, missing controller data)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from koordination.clock import CITY_ZONE
from koordination.db.engine import Database
from koordination.domain.models import (
    AgendaItem,
    Decision,
    MinutesVersion,
    Person,
    Sitting,
    Task,
    WorkshopCard,
)
from koordination.services.privacy.information import city_profile, review_points
from koordination.services.privacy.mentions import (
    JSON_COLUMNS,
    NOT_SCANNED,
    TABLE_LABELS,
    Mentions,
    NameMask,
    name_mask,
    scan,
    surname_mentions,
)
from koordination.services.privacy.person import load_person

#: German names of the text columns a mention is found in.
_COLUMN_LABELS = {
    "title": "Titel",
    "description": "Beschreibung",
    "presenter": "Wer",
    "notes": "Notizen",
    "attachments": "Anlagen",
    "wording": "Wortlaut",
    "text": "Text",
    "cluster": "Gruppe",
    "content": "Inhalt",
    "contact": "Kontakt",
    "approved_by": "Genehmigt durch",
    "postal_address": "Anschrift",
    "note": "Notiz",
    "portrait": "Porträt",
    "achievements": "Erfolge",
    "value": "Wert",
}


def sitting_place(session: Session, sitting_id: int | None) -> str:
    """How a sitting is named: „AK Stadtteilarbeit am 08.09.2026“ ("" for none)."""
    sitting = session.get(Sitting, sitting_id) if sitting_id is not None else None
    if sitting is None:
        return ""
    return f"{sitting.meeting.title} am {sitting.occurrence.astimezone(CITY_ZONE):%d.%m.%Y}"


#: Records that belong to a sitting, and how to find the sitting from one of them.
_IN_SITTING: dict[str, Any] = {
    "agenda_item": select(AgendaItem.sitting_id).where(AgendaItem.id == bindparam("id")),
    "workshop_card": select(WorkshopCard.sitting_id).where(WorkshopCard.id == bindparam("id")),
    "minutes_version": select(MinutesVersion.sitting_id).where(
        MinutesVersion.id == bindparam("id")
    ),
    "task": select(Task.sitting_id).where(Task.id == bindparam("id")),
    "decision": select(AgendaItem.sitting_id)
    .join(Decision, Decision.item_id == AgendaItem.id)
    .where(Decision.id == bindparam("id")),
}


def _where(session: Session, table: str, row: Mapping[str, Any]) -> str:
    """Where a mention was found, in words the person understands."""
    what = TABLE_LABELS.get(table, table)
    if table in _IN_SITTING:
        place = sitting_place(session, session.scalar(_IN_SITTING[table], {"id": row["id"]}))
        if table == "minutes_version":
            number = session.scalar(
                select(MinutesVersion.number).where(MinutesVersion.id == row["id"])
            )
            return f"Genehmigtes Protokoll {place}, Fassung {number}"
        if table in ("agenda_item", "task") and row.get("title"):
            what = f"{what} „{row['title']}“"
        return f"{what} ({place})" if place else what
    row_id = row.get("id")
    return f"{what} Nr. {row_id}" if row_id is not None else what


#: The parts of frozen minutes, for saying where in them a mention stands.
_MINUTES_PARTS = {
    "attendance": "Anwesenheitsliste",
    "chair": "Sitzungsleitung",
    "minute_taker": "Protokollführung",
    "items": "Tagesordnung und Protokoll",
    "open_tasks": "Aufgaben",
    "cards": "Werkstattkarten",
}


def _strings(data: Any, part: str = "") -> Iterator[tuple[str, str]]:
    """Every string in JSON data, with the top-level key it stands under."""
    if isinstance(data, str):
        yield part, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, part or str(key))
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value, part)


#: The person's own records, with the column naming them: reported in their own sections.
_OWN = {
    "person": "id",
    "person_tag": "person_id",
    "consent": "person_id",
    "affiliation": "person_id",
    "invitation": "person_id",
    "survey_response": "person_id",
    "circular_recipient": "person_id",
}


def mentions_section(session: Session, person: Person, mentions: Mentions) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    mask: NameMask | None = None
    for table, row, columns in scan(session, mentions, skip=NOT_SCANNED):
        if table.name in _OWN:
            keys = [c == row[c.name] for c in table.primary_key.columns]
            owner = session.scalar(select(table.c[_OWN[table.name]]).where(*keys))
            if owner == person.id:
                continue
        # Other people's names are masked in the excerpts; known names are read once.
        mask = mask or name_mask(session, person)
        for column in columns:
            text = row[column]
            if (table.name, column) in JSON_COLUMNS:
                passages = [
                    f"{_MINUTES_PARTS.get(part, part)}: {passage}"
                    for part, value in _strings(json.loads(text))
                    for passage in mentions.excerpts(value, mask)
                ]
            else:
                passages = mentions.excerpts(text, mask)
            found.append(
                {
                    "kind": TABLE_LABELS.get(table.name, table.name),
                    "where": _where(session, table.name, row),
                    "field": _COLUMN_LABELS.get(column, column),
                    "excerpts": list(dict.fromkeys(passages)),
                }
            )
    return found


# ------------------------------------------------------------------ before sending


@dataclass(frozen=True)
class AmbiguousMention:
    """A mention that may be the person or a namesake ("Frau Weiß"): for the office to look
    at before the letter goes out; never put into the letter by itself."""

    where: str
    field: str
    excerpt: str


@dataclass(frozen=True)
class AccessReview:
    """What the office checks before sending an access report."""

    ambiguous: tuple[AmbiguousMention, ...]
    #: The controller's data that is missing or only proposed.
    missing: tuple[str, ...]

    def lines(self) -> list[str]:
        out = [f"- {m}" for m in self.missing]
        if self.ambiguous:
            out.append(
                f"- {len(self.ambiguous)} Erwähnung(en) nur mit Nachnamen, die auch eine andere "
                "Person meinen können (nicht im Brief; bitte prüfen und bei Bedarf ergänzen):"
            )
            out += [f"  {m.where}, {m.field}: {m.excerpt}" for m in self.ambiguous]
        return out


def access_review(db: Database, person_id: int) -> AccessReview:
    """Mentions by family name only that may be a namesake, and missing controller data."""
    with db.session() as session:
        person = load_person(session, person_id)
        found: list[AmbiguousMention] = []
        surname = surname_mentions(session, person) if not person.erased_at else None
        if surname is not None:
            for table, row, columns in scan(session, surname, skip=NOT_SCANNED):
                for column in columns:
                    text = row[column]
                    values = (
                        [v for _, v in _strings(json.loads(text))]
                        if (table.name, column) in JSON_COLUMNS
                        else [text]
                    )
                    found += [
                        AmbiguousMention(
                            _where(session, table.name, row),
                            _COLUMN_LABELS.get(column, column),
                            excerpt,
                        )
                        for value in values
                        for excerpt in surname.excerpts(value)
                    ]
        missing = review_points(city_profile(session))
        return AccessReview(tuple(dict.fromkeys(found)), tuple(missing))
