"""Data protection for one person: the access report (Art. 15/20 DSGVO) and erasure (Art. 17).

The access report is a dict that JSON can hold. Its keys are English and stable, like those of
the other JSON exports, so programs can read it (Art. 20); the German title of every section
is under ``"labels"``, values are German (labels of roles, sectors, statuses). The PDF letter
is built from the same dict, so both always say the same.

Erasure keeps the person's row as a tombstone: every personal field is emptied and the family
name becomes "N. N. (Sektor, Organisation)". Everything that shows a person (attendance lists,
minutes, tasks, group lists, exports) goes through that name and so shows the label without a
special case, and minutes, attendance counts and group statistics still add up. The person's
name in its usual spellings and their e-mail addresses and phone numbers are replaced by the
label in every text column of every table — frozen minutes get a new fingerprint — and in the
audit trail, whose entries about the person are blanked. One audit entry records the erasure
with nothing but the person's number. On SQLite the file is vacuumed afterwards, so the old
bytes are gone from the file and its write-ahead log, not just unreachable.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Enum, String, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from koordination.clock import CITY_ZONE, SYSTEM_CLOCK, Clock
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import Channel
from koordination.domain.models import (
    Affiliation,
    AgendaItem,
    Attendance,
    AuditEntry,
    Base,
    CityProfile,
    Decision,
    GroupMembership,
    Invitation,
    Measure,
    Meeting,
    MinutesVersion,
    Person,
    QuestionOption,
    Sitting,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Task,
    WorkshopCard,
)
from koordination.domain.records.directory import display_name, erased_name, is_current
from koordination.errors import KoordinationError, NotFoundError
from koordination.services.directory.search import like_pattern, person_sort_key

#: The sections of the access report in their order, with their German titles.
LABELS: dict[str, str] = {
    "profile": "Stammdaten",
    "affiliations": "Zugehörigkeit zu Organisationen",
    "memberships": "Mitgliedschaften in Gruppen",
    "consents": "Einwilligungen mit Verlauf",
    "invitations": "Einladungen und Rückmeldungen",
    "attendance": "Anwesenheit bei Sitzungen",
    "sitting_roles": "Sitzungsleitung und Protokollführung",
    "tasks": "Aufgaben",
    "mentions": "Erwähnungen in Tagesordnungen, Protokollen, Aufgaben und Notizen",
    "survey_responses": "Antworten in nicht anonymen Umfragen",
    "measures": "Verantwortung für Maßnahmen",
    "city_contact": "Feste Ansprechperson der Stadt",
    "audit": "Änderungsprotokoll",
    "information": "Angaben nach Art. 15 Abs. 1 DSGVO",
}

REPORT_FORMAT = "koordination-auskunft/1"

#: What the office tells every person along with their data (Art. 15 Abs. 1 lit. a–h DSGVO).
INFORMATION: dict[str, str] = {
    "purposes": (
        "Koordination des Netzwerks Engagierte Stadt: Einladungen zu Sitzungen und Treffen, "
        "Tagesordnungen und Protokolle, Aufgaben, Umfragen und Berichte an das Programm."
    ),
    "legal_bases": (
        "Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO) für die oben genannten Zwecke; die "
        "Mitwirkung in Gremien des Netzwerks (Art. 6 Abs. 1 lit. b und f DSGVO)."
    ),
    "recipients": (
        "Die Mitglieder der Gruppen, in denen Sie mitwirken (Einladungslisten, Protokolle). "
        "Ihre Kontaktdaten erscheinen in offenen Daten nur mit Ihrer Einwilligung "
        "„Kontaktdaten im Netzwerk teilen“."
    ),
    "storage": (
        "Solange Sie im Netzwerk mitwirken; danach nach den Aufbewahrungsregeln der "
        "Koordinierungsstelle. Protokolle bleiben als Gedächtnis des Netzwerks erhalten, "
        "nach einer Löschung ohne Ihren Namen."
    ),
    "source": "Ihre eigenen Angaben und Eintragungen der Koordinierungsstelle.",
    "rights": (
        "Sie können Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung "
        "(Art. 18) und die Übertragung Ihrer Daten (Art. 20) verlangen, der Verarbeitung "
        "widersprechen (Art. 21) und Einwilligungen jederzeit für die Zukunft widerrufen "
        "(Art. 7 Abs. 3). Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren "
        "(Art. 77 DSGVO)."
    ),
}

#: German names of the tables, for the mentions section and the erasure report.
_TABLE_LABELS: dict[str, str] = {
    model.__tablename__: audit.KIND_LABELS[tracked.kind] for model, tracked in audit.TRACKED.items()
}
_TABLE_LABELS["app_setting"] = "Einstellung"

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

#: Text columns holding JSON: replaced value by value, so the JSON stays valid.
_JSON_COLUMNS = {
    ("minutes_version", "content"),
    ("survey_snapshot", "content"),
    ("audit_entry", "changes"),
}
#: Frozen content with a SHA-256 fingerprint over it: (content column, fingerprint column).
_FINGERPRINTED = {
    "minutes_version": ("content", "fingerprint"),
    "survey_snapshot": ("content", "fingerprint"),
}

_SPACE = r"[\s\u00a0]+"
_SALUTATIONS = ("Frau", "Herrn", "Herr")


# --------------------------------------------------------------------------- finding a person


def _words(text: str) -> str:
    """A regular expression for ``text`` that tolerates any run of spaces between words."""
    return _SPACE.join(re.escape(word) for word in text.split())


@dataclass(frozen=True)
class Mentions:
    """Finds one person's name (in its usual spellings), e-mail addresses and phone numbers in
    free text, and replaces them by the label an erased person is shown with."""

    pattern: re.Pattern[str]
    #: Substrings every match contains, for a cheap first filter in SQL.
    needles: tuple[str, ...]
    label: str
    #: Further exact strings (lower case) replaced by "[gelöscht]" rather than the label.
    literals: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        *,
        salutation: str,
        title: str,
        given: str,
        family: str,
        emails: Sequence[str],
        phones: Sequence[str],
        label: str,
        family_unique: bool,
    ) -> Mentions:
        family_re = _words(family)
        title_re = f"(?:{_words(title)}{_SPACE})?" if title.strip() else ""
        forms = sorted({*_SALUTATIONS, *salutation.split()[:1]}, key=len, reverse=True)
        address_re = "(?:" + "|".join(re.escape(f) for f in forms) + ")"
        names: list[str] = []
        if given.strip():
            given_re = _words(given)
            initial = re.escape(given.strip()[0])
            names += [
                # [Frau] [Dr.] Anna Muster
                f"(?:{address_re}{_SPACE})?{title_re}{given_re}{_SPACE}{family_re}",
                # Muster, [Dr.] Anna
                rf"{family_re},[\s\u00a0]*{title_re}{given_re}",
                # [Frau] [Dr.] A. Muster
                rf"(?:{address_re}{_SPACE})?{title_re}{initial}\.[\s\u00a0]*{family_re}",
            ]
        else:
            names.append(family_re)  # the family name is the whole name
        if family_unique:
            # "Frau Muster", "Dr. Muster": only when nobody else has this family name.
            names.append(f"{address_re}{_SPACE}{title_re}{family_re}")
            if title.strip():
                names.append(f"{_words(title)}{_SPACE}{family_re}")
        alternatives = [rf"(?<!\w)(?:{'|'.join(names)})(?!\w)"]
        needles = [max(family.split(), key=len)]
        for email in emails:
            alternatives.append(rf"(?<![\w.+-]){re.escape(email.strip())}(?![\w-]|\.\w)")
            needles.append(email.strip())
        for phone in phones:
            if sum(ch.isdigit() for ch in phone) >= 6:  # not "110" in every text
                alternatives.append(rf"(?<![\d+]){_words(phone)}(?!\d)")
                needles.append(max(phone.split(), key=len))
        pattern = re.compile("|".join(alternatives), re.IGNORECASE)
        return cls(pattern, tuple(dict.fromkeys(n for n in needles if n)), label)

    def with_literals(self, literals: Iterable[str]) -> Mentions:
        """These mentions, plus exact strings to blank (the fingerprints of frozen content
        before the erasure: with the new content, they would let one test guesses of the
        name against them)."""
        extra = sorted({literal.lower() for literal in literals})
        if not extra:
            return self
        pattern = re.compile(
            "|".join([self.pattern.pattern, *(re.escape(x) for x in extra)]), re.IGNORECASE
        )
        return Mentions(pattern, (*self.needles, *extra), self.label, frozenset(extra))

    def found_in(self, text: str | None) -> bool:
        return bool(text) and self.pattern.search(text or "") is not None

    def replace(self, text: str) -> str:
        def substitute(match: re.Match[str]) -> str:
            return audit.ERASED if match.group(0).lower() in self.literals else self.label

        return self.pattern.sub(substitute, text)

    def excerpts(self, text: str, width: int = 90) -> list[str]:
        """The passages around each mention, for the access report (not whole minutes)."""
        found: list[str] = []
        for match in self.pattern.finditer(text):
            start, end = max(0, match.start() - width), min(len(text), match.end() + width)
            passage = " ".join(text[start:end].split())
            found.append(("… " if start else "") + passage + (" …" if end < len(text) else ""))
        return list(dict.fromkeys(found))

    def sql_filter(self, columns: Sequence[Any]) -> Any:
        """Rows whose text columns may hold a mention (each needle as written, in lower and in
        upper case: SQLite folds only ASCII letters, so "Özdemir" needs its own spellings)."""
        variants = sorted({v for n in self.needles for v in (n, n.lower(), n.upper())})
        return or_(
            *(
                column.ilike(like_pattern(variant), escape="\\")
                for column in columns
                for variant in variants
            )
        )


def _mentions(session: Session, person: Person, label: str) -> Mentions:
    others = session.scalar(
        select(func.count(Person.id)).where(
            Person.id != person.id,
            Person.erased_at.is_(None),
            func.lower(Person.family_name) == person.family_name.lower(),
        )
    )
    return Mentions.of(
        salutation=person.salutation,
        title=person.title,
        given=person.given_name,
        family=person.family_name,
        emails=[e.address for e in person.emails],
        phones=[p.number for p in person.phones],
        label=label,
        family_unique=not others,
    )


#: Other people's own names: a namesake's name is theirs, never a mention of the person.
_NAME_COLUMNS = {
    ("person", name)
    for name in ("salutation", "title", "given_name", "family_name", "sort_key", "search_text")
}


def _text_columns(table: Table) -> list[Any]:
    return [
        c
        for c in table.columns
        if isinstance(c.type, String)
        and not isinstance(c.type, Enum)
        and (table.name, c.name) not in _NAME_COLUMNS
    ]


def _namesakes(session: Session, person: Person) -> list[int]:
    """Other people (not erased) with the same given and family name."""
    return list(
        session.scalars(
            select(Person.id)
            .where(
                Person.id != person.id,
                Person.erased_at.is_(None),
                func.lower(Person.given_name) == person.given_name.lower(),
                func.lower(Person.family_name) == person.family_name.lower(),
            )
            .order_by(Person.id)
        )
    )


def _scan(
    session: Session,
    mentions: Mentions,
    *,
    only: set[str] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Iterator[tuple[Table, dict[str, Any], list[str]]]:
    """Every row of every table whose text mentions the person: (table, row, columns found)."""
    for table in Base.metadata.sorted_tables:
        if (only is not None and table.name not in only) or table.name in skip:
            continue
        columns = _text_columns(table)
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        stmt = select(*keys, *columns).where(mentions.sql_filter(columns))
        for row in session.execute(stmt).mappings():
            values = dict(row)
            hits = [c.name for c in columns if mentions.found_in(values[c.name])]
            if hits:
                yield table, values, hits


# --------------------------------------------------------------------------- access report


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(CITY_ZONE).isoformat(timespec="minutes")
    return value.isoformat()


def _label(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "label", value))


def _load_person(session: Session, person_id: int) -> Person:
    person = session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(
            selectinload(Person.emails),
            selectinload(Person.phones),
            selectinload(Person.tags),
            selectinload(Person.consents),
            selectinload(Person.affiliations).selectinload(Affiliation.organisation),
            selectinload(Person.memberships).selectinload(GroupMembership.group),
            selectinload(Person.memberships).selectinload(GroupMembership.representing),
        )
    )
    if person is None:
        raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
    return person


def _sitting_place(session: Session, sitting_id: int | None) -> str:
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
    what = _TABLE_LABELS.get(table, table)
    if table in _IN_SITTING:
        place = _sitting_place(session, session.scalar(_IN_SITTING[table], {"id": row["id"]}))
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
}


def _mentions_section(session: Session, person: Person, mentions: Mentions) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for table, row, columns in _scan(session, mentions, skip=_NOT_SCANNED):
        if table.name in _OWN:
            keys = [c == row[c.name] for c in table.primary_key.columns]
            owner = session.scalar(select(table.c[_OWN[table.name]]).where(*keys))
            if owner == person.id:
                continue
        for column in columns:
            text = row[column]
            if (table.name, column) in _JSON_COLUMNS:
                passages = [
                    f"{_MINUTES_PARTS.get(part, part)}: {passage}"
                    for part, value in _strings(json.loads(text))
                    for passage in mentions.excerpts(value)
                ]
            else:
                passages = mentions.excerpts(text)
            found.append(
                {
                    "kind": _TABLE_LABELS.get(table.name, table.name),
                    "where": _where(session, table.name, row),
                    "field": _COLUMN_LABELS.get(column, column),
                    "excerpts": list(dict.fromkeys(passages)),
                }
            )
    return found


def _access_report(db: Database, person_id: int, now: datetime) -> dict[str, Any]:
    """Everything stored about one person, grouped by kind (see :data:`LABELS`), JSON-ready."""
    created = now
    with db.session() as session:
        p = _load_person(session, person_id)
        report: dict[str, Any] = {
            "format": REPORT_FORMAT,
            "created_at": _iso(created),
            "legal_basis": "Art. 15 und Art. 20 DSGVO",
            "person_id": p.id,
            "name": display_name(p.title, p.given_name, p.family_name),
            "labels": dict(LABELS),
        }
        report["profile"] = {
            "id": p.id,
            "salutation": p.salutation,
            "title": p.title,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "emails": [e.address for e in p.emails],
            "phones": [ph.number for ph in p.phones],
            "postal_address": p.postal_address,
            "notes": p.notes,
            "tags": [t.tag for t in p.tags],
            "preferred_channel": _label(p.preferred_channel),
            "archived": p.archived,
            "created_at": _iso(p.created_at),
            "updated_at": _iso(p.updated_at),
            "erased_at": _iso(p.erased_at),
        }
        report["affiliations"] = [
            {
                "organisation": a.organisation.name,
                "sector": _label(a.organisation.sector),
                "function": a.function,
                "valid_from": _iso(a.valid_from),
                "valid_to": _iso(a.valid_to),
            }
            for a in p.affiliations
        ]
        report["memberships"] = [
            {
                "group": m.group.name,
                "group_kind": _label(m.group.kind),
                "role": _label(m.role),
                "valid_from": _iso(m.valid_from),
                "valid_to": _iso(m.valid_to),
                "voting_right": m.voting_right,
                "representing": m.representing.name if m.representing else None,
            }
            for m in p.memberships
        ]
        report["consents"] = [
            {
                "purpose": _label(c.purpose),
                "legal_basis": _label(c.legal_basis),
                "text_version": c.text_version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                "state": "widerrufen" if c.withdrawn_at else "gültig",
            }
            for c in p.consents
        ]
        report["invitations"] = _invitations(session, p.id)
        report["attendance"] = [
            {
                "meeting": meeting.title,
                "date": _iso(sitting.occurrence),
                "status": _label(a.status),
                "organisation": a.organisation,
                "sector": _label(a.sector),
            }
            for a, sitting, meeting in session.execute(
                select(Attendance, Sitting, Meeting)
                .join(Sitting, Sitting.id == Attendance.sitting_id)
                .join(Meeting, Meeting.id == Sitting.meeting_id)
                .where(Attendance.person_id == p.id)
                .order_by(Sitting.occurrence, Attendance.id)
            )
        ]
        roles = []
        for sitting in session.scalars(
            select(Sitting)
            .where(or_(Sitting.chair_id == p.id, Sitting.minute_taker_id == p.id))
            .order_by(Sitting.occurrence)
        ):
            for role, holder in (
                ("Sitzungsleitung", sitting.chair_id),
                ("Protokoll", sitting.minute_taker_id),
            ):
                if holder == p.id:
                    roles.append(
                        {
                            "meeting": sitting.meeting.title,
                            "date": _iso(sitting.occurrence),
                            "role": role,
                        }
                    )
        report["sitting_roles"] = roles
        report["tasks"] = [
            {
                "title": t.title,
                "description": t.description,
                "due": _iso(t.due),
                "done_on": _iso(t.done_on),
                "origin": _sitting_place(session, t.sitting_id),
            }
            for t in session.scalars(
                select(Task).where(Task.assignee_person_id == p.id).order_by(Task.id)
            )
        ]
        label = _erasure_label(p, created.astimezone(CITY_ZONE).date())
        # After an erasure the label stands where the name stood; it is nobody's mention.
        report["mentions"] = (
            _mentions_section(session, p, _mentions(session, p, label)) if not p.erased_at else []
        )
        report["survey_responses"] = _survey_responses(session, p.id)
        report["measures"] = [
            {"title": m.title, "status": _label(m.status), "due": _iso(m.due_on)}
            for m in session.scalars(
                select(Measure).where(Measure.responsible_person_id == p.id).order_by(Measure.id)
            )
        ]
        report["city_contact"] = bool(
            session.scalar(
                select(func.count(CityProfile.id)).where(CityProfile.contact_person_id == p.id)
            )
        )
        report["audit"] = _audit_entries(session, p.id)
        city = session.scalar(select(CityProfile).order_by(CityProfile.id).limit(1))
        report["information"] = {
            "controller": _controller(city),
            **INFORMATION,
        }
        return report


def _controller(city: CityProfile | None) -> str:
    if city is None:
        return "Koordinierungsstelle"
    name = city.office_name or f"Koordinierungsstelle {city.name}"
    parts = [name, city.office_address.replace("\n", ", "), city.office_email]
    return ", ".join(part for part in parts if part)


def _invitations(session: Session, person_id: int) -> list[dict[str, Any]]:
    from koordination.domain.models import Group

    rows = []
    for inv in session.scalars(
        select(Invitation)
        .where(Invitation.person_id == person_id)
        .options(selectinload(Invitation.meeting), selectinload(Invitation.responses))
        .order_by(Invitation.id)
    ):
        via = "Gast"
        if inv.via_group_id is not None:
            group = session.get(Group, inv.via_group_id)
            via = group.name if group else "Gruppe"
        rows.append(
            {
                "meeting": inv.meeting.title,
                "start": _iso(inv.meeting.start_at),
                "series": inv.meeting.rrule is not None,
                "via": via,
                "added_at": _iso(inv.added_at),
                "removed_at": _iso(inv.removed_at),
                "sent_at": _iso(inv.sent_at),
                "sent_email": inv.sent_email,
                "responses": [
                    {
                        "date": _iso(r.recurrence_id),
                        "status": _label(r.status),
                        "updated_at": _iso(r.updated_at),
                    }
                    for r in inv.responses
                ],
            }
        )
    return rows


def _survey_responses(session: Session, person_id: int) -> list[dict[str, Any]]:
    rows = []
    for response, survey in session.execute(
        select(SurveyResponse, Survey)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.person_id == person_id)
        .order_by(SurveyResponse.id)
    ):
        answers: dict[int, tuple[str, list[str]]] = {}
        for answer, question, option in session.execute(
            select(SurveyAnswer, SurveyQuestion, QuestionOption)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .outerjoin(QuestionOption, QuestionOption.id == SurveyAnswer.option_id)
            .where(SurveyAnswer.response_id == response.id)
            .order_by(SurveyQuestion.position, SurveyAnswer.id)
        ):
            if option is not None:
                value = option.label
            elif answer.number is not None:
                value = f"{answer.number:g}"
            else:
                value = answer.text or ""
            answers.setdefault(question.id, (question.text, []))[1].append(value)
        rows.append(
            {
                "survey": survey.title,
                "submitted_at": _iso(response.submitted_at),
                "source": _label(response.source),
                "contact": response.contact,
                "answers": [
                    {"question": text, "answer": "; ".join(values)}
                    for text, values in answers.values()
                ],
            }
        )
    return rows


def _audit_entries(session: Session, person_id: int) -> list[dict[str, Any]]:
    """The trail of changes about the person: when, what, which fields (the values are in the
    other sections)."""
    stmt = (
        select(AuditEntry)
        .where(
            or_(
                and_(AuditEntry.owner_kind == "person", AuditEntry.owner_id == person_id),
                and_(AuditEntry.kind == "person", AuditEntry.record_id == person_id),
                AuditEntry.refs.like(f"% person:{person_id} %"),
            )
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [
        {
            "at": _iso(e.at),
            "action": audit.ACTIONS.get(e.action, e.action),
            "kind": audit.KIND_LABELS.get(e.kind, e.kind),
            "fields": sorted(json.loads(e.changes or "{}")),
        }
        for e in session.scalars(stmt)
    ]


# --------------------------------------------------------------------------- erasure


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure changed: how many records of each kind (German labels), and what the
    office still has to do."""

    person_id: int
    label: str
    erased_at: datetime
    counts: dict[str, int]
    notes: tuple[str, ...] = ()
    #: The tables the erasure changed (for :func:`compact_storage`).
    tables: frozenset[str] = frozenset()

    def summary(self) -> str:
        lines = [
            f"Person Nr. {self.person_id} wurde gelöscht und erscheint jetzt als „{self.label}“."
        ]
        lines += [f"  {what}: {count}" for what, count in self.counts.items() if count]
        lines += list(self.notes)
        return "\n".join(lines)


def _erasure_label(person: Person, today: date) -> str:
    """The label an erased person is shown with: from their first current organisation (the
    one attendance and the statistics count them for), else from the one they left last."""
    affiliations = sorted(person.affiliations, key=lambda a: a.id)
    current = [a for a in affiliations if is_current(a.valid_from, a.valid_to, today)]
    ended = sorted(affiliations, key=lambda a: a.valid_to or date.max)
    chosen = current[0] if current else (ended[-1] if ended else None)
    if chosen is None:
        return erased_name(None, "")
    return erased_name(chosen.organisation.sector, chosen.organisation.name)


def _json_dump_like(original: str, old: Any, new: Any) -> str:
    """``new`` as JSON in the form ``original`` was written in (keys sorted or not, compact or
    not), so unchanged parts stay byte for byte the same."""
    for sort_keys in (True, False):
        for separators in ((",", ":"), None):
            if (
                json.dumps(old, ensure_ascii=False, sort_keys=sort_keys, separators=separators)
                == original
            ):
                return json.dumps(
                    new, ensure_ascii=False, sort_keys=sort_keys, separators=separators
                )
    return json.dumps(new, ensure_ascii=False, sort_keys=True)


def _replace_values(data: Any, replace: Callable[[str], str]) -> Any:
    if isinstance(data, str):
        return replace(data)
    if isinstance(data, dict):
        return {key: _replace_values(value, replace) for key, value in data.items()}
    if isinstance(data, list):
        return [_replace_values(value, replace) for value in data]
    return data


def _replace_json(text: str, replace: Callable[[str], str]) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return replace(text)
    new = _replace_values(data, replace)
    return text if new == data else _json_dump_like(text, data, new)


def _fingerprint(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _person_to_erase(db: Database, person_id: int) -> str:
    """The name of a person who can be erased, for the question before; raises the German
    error the erasure itself would raise (unknown, or erased already)."""
    with db.session() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError(f"Person Nr. {person_id} wurde nicht gefunden.")
        _refuse_erased(person)
        return display_name(person.title, person.given_name, person.family_name)


def _refuse_erased(person: Person) -> None:
    if person.erased_at is not None:
        raise KoordinationError(
            f"Person Nr. {person.id} wurde bereits am "
            f"{person.erased_at.astimezone(CITY_ZONE):%d.%m.%Y} gelöscht."
        )


def erase_in_session(
    session: Session,
    person_id: int,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> ErasureReport:
    """The erasure inside a transaction the caller holds (a retention run erases several
    people in one): nothing is committed here. After the commit, call
    :meth:`Privacy.compact_storage` with the report's tables, so the old bytes leave the
    database files too."""
    when = now or datetime.now(UTC)
    day = today or when.astimezone(CITY_ZONE).date()
    counts: Counter[str] = Counter()
    notes: list[str] = []
    touched: set[str] = set()
    # The audit listener stays off: it would copy the old values into the trail. The erasure
    # writes its own entry, with the number only.
    was_off = session.info.get("audit_off", False)
    session.info["audit_off"] = True
    try:
        person = _load_person(session, person_id)
        _refuse_erased(person)
        label = _erasure_label(person, day)
        mentions = _mentions(session, person, label)
        namesakes = _namesakes(session, person)

        # Their own records: addresses, numbers, keywords and consents go entirely.
        counts["E-Mail-Adressen gelöscht"] = len(person.emails)
        counts["Telefonnummern gelöscht"] = len(person.phones)
        counts["Schlagworte gelöscht"] = len(person.tags)
        counts["Einwilligungen gelöscht"] = len(person.consents)
        person.emails.clear()
        person.phones.clear()
        person.tags.clear()
        person.consents.clear()
        for affiliation in person.affiliations:
            affiliation.function = ""  # organisation and period stay: sector statistics

        # The tombstone: the row stays for minutes, attendance and statistics.
        person.salutation = ""
        person.title = ""
        person.given_name = ""
        person.family_name = label[:200]
        person.postal_address = ""
        person.notes = ""
        person.preferred_channel = Channel.KEINE
        person.archived = True
        person.erased_at = when
        person.sort_key = person_sort_key(person.family_name, "")
        person.search_text = ""
        person.updated_at = when

        invitations = session.scalars(
            select(Invitation).where(Invitation.person_id == person_id, Invitation.sent_email != "")
        ).all()
        for invitation in invitations:
            invitation.sent_email = ""
        counts["Einladungen (Zustelladresse entfernt)"] = len(invitations)
        responses = session.scalars(
            select(SurveyResponse).where(
                SurveyResponse.person_id == person_id, SurveyResponse.contact != ""
            )
        ).all()
        for response in responses:
            response.contact = ""
        counts["Umfrageantworten (Kontakt entfernt)"] = len(responses)

        city = session.scalar(select(CityProfile).where(CityProfile.contact_person_id == person_id))
        if city is not None:
            city.contact_person_id = None
            city.updated_at = when
            notes.append(
                "Die Person war die feste Ansprechperson der Stadt: bitte im Stadtprofil eine "
                "neue wählen."
            )
        measures = session.scalar(
            select(func.count(Measure.id)).where(Measure.responsible_person_id == person_id)
        )
        if measures:
            notes.append(
                f"{measures} Maßnahme(n) nennen jetzt „{label}“ als verantwortlich: bitte neu "
                "besetzen."
            )
        session.flush()
        touched.update(
            ("person", "person_email", "person_phone", "person_tag", "consent", "affiliation")
        )
        touched.update(("invitation", "survey_response", "city_profile"))

        # Free text everywhere: the name and addresses become the label.
        fingerprints: list[str] = []
        for table, row, columns in list(_scan(session, mentions, skip=_NOT_SCANNED)):
            _rewrite(session, table, row, columns, mentions, counts, fingerprints)
            touched.add(table.name)
        if namesakes and any(what.endswith(_REPLACED) for what in counts):
            numbers = ", ".join(str(n) for n in namesakes[:10])
            more = " …" if len(namesakes) > 10 else ""
            notes.append(
                f"Weitere Personen tragen denselben Namen (Nr. {numbers}{more}): Erwähnungen "
                "des Namens wurden überall ersetzt; bitte prüfen, ob welche davon diese "
                "Personen meinten."
            )

        # The trail: entries about the person blanked, their mentions elsewhere replaced,
        # and the fingerprints frozen content had before the erasure dropped.
        counts["Einträge im Änderungsprotokoll geleert"] = audit.scrub(session, "person", person_id)
        trail = mentions.with_literals(fingerprints)
        for table, row, columns in list(_scan(session, trail, only={"audit_entry"})):
            _rewrite(session, table, row, columns, trail, counts, [])
        touched.add("audit_entry")
        audit.log(session, "erase", "person", person_id)
        session.flush()
        # The text was rewritten beside the ORM: what the caller holds must be read again.
        session.expire_all()
    finally:
        session.info["audit_off"] = was_off
    return ErasureReport(
        person_id,
        label,
        when,
        {k: v for k, v in counts.items() if v},
        tuple(notes),
        frozenset(touched),
    )


_REPLACED = " (Erwähnung ersetzt)"

#: Not searched for mentions during an erasure: the trail comes last, on its own; other
#: people's own addresses and numbers stay theirs even when they share one with the person.
_NOT_SCANNED = {"audit_entry", "person_email", "person_phone"}

_MODEL_OF: dict[str, type[Any]] = {model.__tablename__: model for model in audit.TRACKED}


def _rewrite(
    session: Session,
    table: Table,
    row: Mapping[str, Any],
    columns: Sequence[str],
    mentions: Mentions,
    counts: Counter[str],
    fingerprints: list[str],
) -> None:
    """Replace the mentions in one row. A Core update, so the audit trail gets no copy of the
    old text; frozen content gets a new fingerprint and an entry saying why."""
    values: dict[str, Any] = {}
    for column in columns:
        text = row[column]
        if (table.name, column) in _JSON_COLUMNS:
            values[column] = _replace_json(text, mentions.replace)
        else:
            values[column] = mentions.replace(text)
    values = {k: v for k, v in values.items() if v != row[k]}
    if not values:
        return
    keys = [c == row[c.name] for c in table.primary_key.columns]
    refrozen: dict[str, list[str]] | None = None
    if table.name in _FINGERPRINTED and _FINGERPRINTED[table.name][0] in values:
        content, fingerprint = _FINGERPRINTED[table.name]
        old = session.scalar(select(table.c[fingerprint]).where(*keys))
        if old:
            fingerprints.append(str(old))
        values[fingerprint] = _fingerprint(values[content])
        refrozen = {
            content: [audit.ERASED, "Personendaten ersetzt (Art. 17 DSGVO)"],
            fingerprint: [audit.ERASED, values[fingerprint]],
        }
    if "version" in table.c:
        # Versioned rows: a form still open on the old text must not save it back unnoticed.
        values["version"] = table.c.version + 1
    session.execute(update(table).where(*keys).values(**values))
    if table.name != "audit_entry":
        counts[f"{_TABLE_LABELS.get(table.name, table.name)}{_REPLACED}"] += 1
    if refrozen is not None:
        tracked = audit.TRACKED[_MODEL_OF[table.name]]
        owner = None
        if tracked.owner is not None:
            owner_kind, attribute = tracked.owner
            owner = (owner_kind, session.scalar(select(table.c[attribute]).where(*keys)))
        audit.log(session, "update", tracked.kind, row["id"], owner=owner, changes=refrozen)


def _compact_storage(db: Database, tables: Iterable[str] = ()) -> list[str]:
    """After the commit of an erasure: rewrite the storage so the old bytes are gone, not just
    unreachable; returns what the office should know (German), empty when all went well.

    SQLite keeps deleted text in free pages and in the write-ahead log until VACUUM and a
    checkpoint; PostgreSQL keeps dead row versions until VACUUM (of ``tables``, all tables
    when none are named). Both run outside any transaction. A failure leaves the erasure in
    place and is reported."""
    notes: list[str] = []
    if db.is_sqlite:
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()
            cursor.close()
        except Exception as exc:  # sqlite3.OperationalError: another program holds a lock
            notes.append(
                f"Die Datenbankdatei konnte nicht neu geschrieben werden ({exc}). Die Löschung "
                "gilt, aber Reste der alten Daten können noch in freien Bereichen der Datei "
                "stehen: bitte alle Programme schließen, die sie geöffnet haben, und "
                f"„sqlite3 {db.path} VACUUM“ ausführen."
            )
            return notes
        finally:
            raw.close()
        if busy and busy[0]:
            notes.append(
                "Ein anderes Programm liest gerade die Datenbank: ihr Protokoll (-wal) wird "
                "erst geleert, wenn alle Programme sie geschlossen haben."
            )
        return notes
    names = sorted(set(tables) & set(Base.metadata.tables)) or sorted(Base.metadata.tables)
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names:
                conn.exec_driver_sql(f'VACUUM "{name}"')
    except SQLAlchemyError:
        notes.append(
            "Die alten Zeilenversionen konnten nicht sofort bereinigt werden (VACUUM); "
            "PostgreSQL erledigt das später selbst (autovacuum)."
        )
    return notes


class Privacy:
    """Data protection for one person: the access report (Art. 15/20) and erasure (Art. 17)."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def access_report(self, person_id: int) -> dict[str, Any]:
        """Everything stored about the person, as of now, as a dict JSON can hold (see the
        module's description); the letter is built from it in ``outputs``."""
        return _access_report(self.db, person_id, self.clock.now())

    def person_to_erase(self, person_id: int) -> str:
        """The name of a person who can be erased, for the question before; raises the German
        error the erasure itself would raise (unknown, or erased already)."""
        return _person_to_erase(self.db, person_id)

    def erase_person(self, person_id: int) -> ErasureReport:
        """Erase one person (Art. 17 DSGVO) in one transaction, then rewrite the storage; see
        the module's description.

        Cannot be undone except from a backup. Raises when the person does not exist or was
        erased already; then nothing is changed."""
        with self.db.session() as session:
            report = erase_in_session(
                session, person_id, today=self.clock.today(), now=self.clock.now()
            )
        notes = self.compact_storage(report.tables)
        return dataclasses.replace(report, notes=(*report.notes, *notes))

    def compact_storage(self, tables: Iterable[str] = ()) -> list[str]:
        """Make erased values unreachable in the database files too; see
        :func:`_compact_storage`."""
        return _compact_storage(self.db, tables)
