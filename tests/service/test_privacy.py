"""Data protection on SQLite and PostgreSQL, with the demo city: the access report (Art. 15/20
DSGVO) holds every kind of record about a person; erasure (Art. 17) leaves no trace of the
name or e-mail anywhere while minutes and statistics still add up; a withdrawn consent stops
the invitations of a running series."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import Enum, String, select
from support.consents import give_consent, withdraw_consent

from koordination.clock import CITY_ZONE, Clock
from koordination.core import Core
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import (
    CardKind,
    ConsentPurpose,
    DecisionResult,
    QuestionType,
    ResponseSource,
    ResponseStatus,
    SurveyAudience,
    SurveyStatus,
)
from koordination.domain.inputs.directory import PersonInput
from koordination.domain.inputs.sittings import CardInput, DecisionInput, HeaderInput, TaskInput
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.models import (
    AuditEntry,
    Base,
    Invitation,
    Measure,
    Meeting,
    MinutesVersion,
    Sitting,
    Task,
)
from koordination.errors import KoordinationError, NotFoundError
from koordination.outputs import document as documents
from koordination.outputs.builders.access_letter import access_document
from koordination.outputs.builders.directory import export_people
from koordination.outputs.builders.sittings import letterhead, minutes_document
from koordination.outputs.oparl import export_oparl
from koordination.outputs.registry import export_table, produce
from koordination.services.directory.search import PeopleFilter
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings
from koordination.services.open_data import OpenData
from koordination.services.privacy.access_report import LABELS
from koordination.services.privacy.mentions import Mentions
from koordination.services.privacy.service import Privacy
from koordination.services.sittings.service import Sittings
from koordination.services.surveys.service import Surveys

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
SERIES_UID = "demo-1@wiesenbrueck.example.org"


@dataclass(frozen=True)
class DemoPerson:
    id: int
    given: str
    family: str
    email: str
    label: str
    #: The sittings of the AK Stadtteilarbeit (September, October, November).
    sittings: tuple[int, ...]


def _sitting(db: Database, day: date) -> int:
    with db.session() as session:
        sitting_id = session.scalar(
            select(Sitting.id)
            .join(Meeting, Meeting.id == Sitting.meeting_id)
            .where(Meeting.uid == SERIES_UID)
            .where(
                Sitting.occurrence == datetime(day.year, day.month, day.day, 18, tzinfo=CITY_ZONE)
            )
        )
    assert sitting_id is not None
    return sitting_id


@pytest.fixture
def demo(built_db: Callable[..., tuple[Database, DemoPerson]]) -> tuple[Database, DemoPerson]:
    """The demo city, and the member of the AK Stadtteilarbeit who took on the room for the
    street party, with a record of every kind: consents with history, an answer to an
    invitation, chairing a sitting, mentions in notes, a decision, a task and a workshop card
    (then frozen in approved minutes), a named survey answer and a measure. Built once per run
    and backend on the demo city and copied per test."""
    return built_db(_build_demo_person, on="demo")


def _build_demo_person(db: Database) -> DemoPerson:
    with db.session() as session:
        pid = session.scalar(
            select(Task.assignee_person_id).where(
                Task.title == "Raum für das Stadtteilfest anfragen"
            )
        )
    assert pid is not None
    directory = Directory(db, Clock.on(TODAY))
    person = directory.get_person(pid)
    given, family, email = person.given_name, person.family_name, person.emails[0]
    # Nobody else's full name contains this one, so a search for it finds only this person.
    others = [r.name for r in directory.list_people(PeopleFilter(archived=False))]
    others += [r.name for r in directory.list_people(PeopleFilter(archived=True))]
    assert sum(f"{given} {family}" in name for name in others) == 1

    photos = give_consent(
        directory, pid, ConsentPurpose.FOTOS, given_at=datetime(2025, 1, 5, tzinfo=UTC)
    )
    withdraw_consent(directory, photos.id, datetime(2025, 9, 1, tzinfo=UTC))
    give_consent(directory, pid, ConsentPurpose.KONTAKTDATEN_TEILEN)

    meetings = Meetings(db, clock=Clock.fixed(NOW))
    with db.session() as session:
        invitation_id = session.scalar(
            select(Invitation.id)
            .join(Meeting, Meeting.id == Invitation.meeting_id)
            .where(Meeting.uid == SERIES_UID, Invitation.person_id == pid)
        )
    assert invitation_id is not None
    meetings.set_response(invitation_id, ResponseStatus.ZUGESAGT)

    minutes = Sittings(db, clock=Clock.fixed(NOW))
    sittings = tuple(
        _sitting(db, d) for d in (date(2026, 9, 8), date(2026, 10, 13), date(2026, 11, 10))
    )
    november = minutes.get(sittings[2])
    reports = next(i for i in november.items if i.title == "Berichte aus der Runde")
    minutes.set_header(november, HeaderInput(chair_id=pid))
    minutes.set_notes(
        reports.id,
        f"{given} {family} berichtet vom Sprachcafé; Rückfragen bitte an {email}.",
    )
    minutes.add_decision(
        reports.id,
        DecisionInput(
            f"Der AK dankt {family}, {given} für die Organisation.",
            result=DecisionResult.ANGENOMMEN,
            consensus=True,
        ),
    )
    group_id = next(g.id for g in directory.list_groups() if g.name == "AK Stadtteilarbeit")
    minutes.add_task(
        november.id,
        TaskInput(
            f"Protokoll an {given} {family} schicken",
            group_id=group_id,
            description=f"Per E-Mail an {email}.",
        ),
        item_id=reports.id,
    )
    minutes.submit(november.id)
    minutes.approve(november.id, "Konsortium")
    with db.session() as session:
        workshop = session.scalar(
            select(Sitting.id)
            .join(Meeting, Meeting.id == Sitting.meeting_id)
            .where(Meeting.uid == "demo-6@wiesenbrueck.example.org")
        )
        measure = session.scalars(select(Measure).order_by(Measure.id)).first()
        assert measure is not None
        measure.responsible_person_id = pid
    assert workshop is not None
    minutes.add_card(
        workshop, CardInput(f"Patenschaften für Neue (Idee von {given} {family})", CardKind.IDEE)
    )

    surveys = Surveys(db)
    survey = surveys.create(
        SurveyInput("Rückmeldung zum Engagementtag", SurveyAudience.ORGANISATIONEN, anonymous=False)
    )
    scale = surveys.add_question(
        survey.id, QuestionInput("Wie zufrieden waren Sie?", QuestionType.SKALA)
    )
    wish = surveys.add_question(
        survey.id, QuestionInput("Was wünschen Sie sich?", QuestionType.TEXT)
    )
    surveys.set_status(survey.id, SurveyStatus.LAEUFT)
    surveys.submit(
        survey.id,
        {scale.id: 4, wish.id: "Mehr Austausch zwischen den Stadtteilen"},
        source=ResponseSource.PAPIER,
        person_id=pid,
        contact=f"{given} {family} <{email}>",
    )
    org = next(a for a in directory.get_person(pid).affiliations if a.current(TODAY))
    label = f"N. N. ({org.sector.label}, {org.organisation_name})"
    return DemoPerson(pid, given, family, email, label, sittings)


def _needles(p: DemoPerson) -> list[str]:
    """Every spelling of the person the tests look for: name both ways, e-mail, lower case."""
    return [f"{p.given} {p.family}", f"{p.family}, {p.given}", p.email]


def _traces(db: Database, p: DemoPerson) -> list[str]:
    """Where any text column of any table still holds the name or the e-mail."""
    found = []
    needles = [n.casefold() for n in _needles(p)]
    with db.session() as session:
        for table in Base.metadata.sorted_tables:
            columns = [
                c
                for c in table.columns
                if isinstance(c.type, String) and not isinstance(c.type, Enum)
            ]
            if not columns:
                continue
            for row in session.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    text = (value or "").casefold()
                    found += [f"{table.name}.{column.name}" for n in needles if n in text]
    return found


# --------------------------------------------------------------------------- spellings


def _mentions(*, family_unique: bool = True) -> Mentions:
    return Mentions.of(
        salutation="Frau",
        title="Dr.",
        given="Anna Lena",
        family="Muster",
        emails=["anna.muster@example.org"],
        phones=["0123 4567-1003"],
        label="N. N. (Zivilgesellschaft, Tafel e.V.)",
        family_unique=family_unique,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna Lena Muster berichtet.", "X berichtet."),
        ("Bericht von Frau Dr. Anna Lena Muster.", "Bericht von X."),
        ("Muster, Anna Lena (Tafel)", "X (Tafel)"),
        ("ANNA LENA  MUSTER", "X"),
        ("Dank an A. Muster und Frau Muster", "Dank an X und X"),
        ("Dr. Muster leitet.", "X leitet."),
        ("Mail an anna.muster@example.org.", "Mail an X."),
        ("Tel. 0123 4567-1003", "Tel. X"),
        # Other names and addresses stay.
        ("Anna Lena Musterfrau", "Anna Lena Musterfrau"),
        ("Lena Muster", "Lena Muster"),
        ("joanna.muster@example.org", "joanna.muster@example.org"),
        ("anna.muster@example.org.uk", "anna.muster@example.org.uk"),
        ("0123 4567-10034", "0123 4567-10034"),
    ],
)
def test_mentions_find_the_usual_spellings_and_nothing_else(text: str, expected: str) -> None:
    mentions = _mentions()
    assert mentions.replace(text).replace(mentions.label, "X") == expected


def test_the_family_name_alone_counts_only_when_nobody_else_has_it() -> None:
    mentions = _mentions(family_unique=False)
    assert mentions.replace("Frau Muster kommt.") == "Frau Muster kommt."
    assert mentions.replace("Frau Anna Lena Muster kommt.") == f"{mentions.label} kommt."


# --------------------------------------------------------------------------- access report


def test_access_report_holds_every_kind_of_record_of_a_demo_person(
    demo: tuple[Database, DemoPerson],
) -> None:
    db, p = demo
    report = Privacy(db, Clock.fixed(NOW)).access_report(p.id)
    json.dumps(report, ensure_ascii=False)  # JSON-ready as it is

    assert report["person_id"] == p.id
    assert report["name"].endswith(f"{p.given} {p.family}")
    assert list(report["labels"]) == list(LABELS)
    assert report["profile"]["emails"] == [p.email]
    assert report["profile"]["family_name"] == p.family
    assert report["affiliations"] and report["affiliations"][0]["sector"]
    assert any(m["group"] == "AK Stadtteilarbeit" for m in report["memberships"])
    states = {(c["purpose"], c["state"]) for c in report["consents"]}
    assert ("Fotos", "widerrufen") in states
    assert any(s == "gültig" for _, s in states)
    series = next(i for i in report["invitations"] if i["meeting"] == "AK Stadtteilarbeit")
    assert series["series"] and series["sent_email"] == p.email
    assert {"date": None, "status": "zugesagt"}.items() <= series["responses"][0].items()
    assert len(report["attendance"]) >= 3
    assert {a["meeting"] for a in report["attendance"]} >= {"AK Stadtteilarbeit"}
    assert {"role": "Sitzungsleitung"}.items() <= report["sitting_roles"][0].items()
    assert [t["title"] for t in report["tasks"]] == ["Raum für das Stadtteilfest anfragen"]
    kinds = {m["kind"] for m in report["mentions"]}
    assert {
        "Tagesordnungspunkt",
        "Beschluss",
        "Aufgabe",
        "Werkstattkarte",
        "genehmigtes Protokoll",
    } <= kinds
    notes = next(m for m in report["mentions"] if m["field"] == "Notizen")
    assert "Berichte aus der Runde" in notes["where"] and "10.11.2026" in notes["where"]
    assert any(p.email in e for e in notes["excerpts"])
    frozen = [m for m in report["mentions"] if m["kind"] == "genehmigtes Protokoll"]
    assert any("Anwesenheitsliste" in e for m in frozen for e in m["excerpts"])
    (answer,) = report["survey_responses"]
    assert answer["survey"] == "Rückmeldung zum Engagementtag"
    assert answer["contact"] == f"{p.given} {p.family} <{p.email}>"
    assert {"question": "Wie zufrieden waren Sie?", "answer": "4"} in answer["answers"]
    assert report["measures"]
    assert report["audit"] and all(e["at"] for e in report["audit"])
    assert report["information"]["rights"].startswith("Sie können Berichtigung")


def test_access_letter_as_pdf_names_the_person_and_every_section(
    demo: tuple[Database, DemoPerson], tmp_path: Path
) -> None:
    db, p = demo
    report = Privacy(db, Clock.fixed(NOW)).access_report(p.id)
    head = letterhead(Directory(db).get_city())
    path = documents.write(access_document(report, head), "pdf", tmp_path / "auskunft.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "Auskunft nach Art. 15 DSGVO" in text
    assert f"Guten Tag {report['name']}" in text
    assert p.email in text
    for key, label in LABELS.items():
        assert " ".join(label.split()) in text, key
    assert "Stand 22. November 2026" in text

    json_path = produce(Core(db), "auskunft", p.id, "json", tmp_path / "auskunft.json")
    assert json.loads(json_path.read_text(encoding="utf-8"))["profile"]["emails"] == [p.email]
    default = produce(Core(db), "auskunft", p.id, "pdf")
    assert default.parent.name == "exports" and default.name.startswith(f"auskunft-person-{p.id}-")
    assert p.family not in default.name  # the file name outlives an erasure


def test_access_report_for_an_unknown_person_says_so(db: Database) -> None:
    with pytest.raises(NotFoundError, match=r"Person Nr\. 999 wurde nicht gefunden"):
        Privacy(db).access_report(999)


# --------------------------------------------------------------------------- erasure


def _sector_counts(db: Database, sittings: tuple[int, ...]) -> list[dict[str, int]]:
    minutes = Sittings(db, clock=Clock.fixed(NOW))
    return [Sittings.sector_counts(minutes.get(s)) for s in sittings]


def _balances(db: Database) -> dict[str, dict[object, int]]:
    directory = Directory(db, Clock.on(TODAY))
    return {g.name: directory.get_group(g.id).sector_balance for g in directory.list_groups()}


def test_erasure_leaves_no_trace_while_minutes_and_statistics_add_up(
    demo: tuple[Database, DemoPerson], tmp_path: Path
) -> None:
    db, p = demo
    assert _traces(db, p)  # the test looks in the right places
    counts_before = _sector_counts(db, p.sittings)
    balances_before = _balances(db)
    minutes = Sittings(db, clock=Clock.fixed(NOW))
    rows_before = [len(minutes.get(s).attendance) for s in p.sittings]

    report = Privacy(db, Clock.fixed(NOW)).erase_person(p.id)

    assert report.label == p.label
    assert report.counts["E-Mail-Adressen gelöscht"] == 1
    assert report.counts["genehmigtes Protokoll (Erwähnung ersetzt)"] == 3
    assert "Maßnahme" in " ".join(report.notes)
    assert _traces(db, p) == []

    # Statistics and the minutes still add up, with "N. N. (…)" where the person stood.
    assert _sector_counts(db, p.sittings) == counts_before
    assert _balances(db) == balances_before
    assert [len(minutes.get(s).attendance) for s in p.sittings] == rows_before
    november = minutes.get(p.sittings[2])
    assert november.chair == p.label
    assert p.label in [a.name for a in november.attendance]
    reports = next(i for i in november.items if i.title == "Berichte aus der Runde")
    assert reports.notes == f"{p.label} berichtet vom Sprachcafé; Rückfragen bitte an {p.label}."
    assert reports.decisions[0].wording == f"Der AK dankt {p.label} für die Organisation."
    assert reports.tasks[0].title == f"Protokoll an {p.label} schicken"
    tasks = minutes.list_tasks(person_id=p.id)
    assert [(t.title, t.assignee) for t in tasks] == [
        ("Raum für das Stadtteilfest anfragen", p.label)
    ]

    # Frozen minutes: the name replaced, a fingerprint that matches, and a note in the trail.
    content, fingerprint = minutes.approved_content(p.sittings[2])
    assert content["chair"] == p.label
    with db.session() as session:
        for version in session.scalars(select(MinutesVersion)):
            assert hashlib.sha256(version.content.encode()).hexdigest() == version.fingerprint
        notes = session.scalars(
            select(AuditEntry.changes).where(
                AuditEntry.kind == "minutes_version", AuditEntry.action == "update"
            )
        ).all()
    assert len(notes) == 3 and all("Art. 17 DSGVO" in n for n in notes)
    text = documents.render(
        minutes_document(
            content, letterhead(None), status=november.minutes_status, fingerprint=fingerprint
        ),
        "md",
    ).decode("utf-8")
    assert p.label in text
    assert not [n for n in _needles(p) if n in text]

    # The person: a tombstone without personal data, archived, shown by the label only.
    person = Directory(db, Clock.on(TODAY)).get_person(p.id)
    assert person.display_name == p.label
    assert (person.given_name, person.emails, person.phones, person.consents) == ("", (), (), ())
    assert person.archived and person.notes == "" and person.postal_address == ""
    assert all(a.function == "" for a in person.affiliations)


def test_erasure_blanks_the_trail_and_logs_itself_with_the_number_only(
    demo: tuple[Database, DemoPerson],
) -> None:
    db, p = demo
    Privacy(db, Clock.fixed(NOW)).erase_person(p.id)
    with db.session() as session:
        owned = session.scalars(
            select(AuditEntry).where(AuditEntry.owner_kind == "person", AuditEntry.owner_id == p.id)
        ).all()
    erase = [e for e in owned if e.action == "erase"]
    assert len(erase) == 1 and erase[0].changes == "{}" and erase[0].record_id == p.id
    for entry in owned:
        for old, new in json.loads(entry.changes).values():
            assert old in (None, audit.ERASED) and new in (None, audit.ERASED)


def test_erasure_needs_an_existing_person_and_happens_once(
    demo: tuple[Database, DemoPerson],
) -> None:
    db, p = demo
    with pytest.raises(NotFoundError):
        Privacy(db).erase_person(99_999)
    Privacy(db, Clock.fixed(NOW)).erase_person(p.id)
    with pytest.raises(KoordinationError, match=rf"Person Nr. {p.id} wurde bereits am 22.11.2026"):
        Privacy(db).erase_person(p.id)


def test_a_namesake_keeps_their_name_and_the_office_is_told(
    demo: tuple[Database, DemoPerson],
) -> None:
    db, p = demo
    directory = Directory(db, Clock.on(TODAY))
    namesake = directory.create_person(
        PersonInput(given_name=p.given, family_name=p.family, emails=["namensvetter@example.org"])
    ).record
    report = Privacy(db, Clock.fixed(NOW)).erase_person(p.id)
    assert directory.get_person(namesake.id).display_name == f"{p.given} {p.family}"
    found = directory.list_people(PeopleFilter(search=f"{p.given} {p.family}"))
    assert [r.id for r in found] == [namesake.id]
    assert any(f"Nr. {namesake.id}" in note for note in report.notes)


def test_erased_database_file_and_its_log_hold_neither_name_nor_email(
    demo: tuple[Database, DemoPerson],
) -> None:
    db, p = demo
    if not db.is_sqlite:
        pytest.skip("the file check is for SQLite; PostgreSQL's files are its own")
    assert db.path is not None
    spellings = [*_needles(p), f"{p.given} {p.family}".lower(), p.email.lower()]

    def contents() -> bytes:
        data = db.path.read_bytes()  # type: ignore[union-attr]
        wal = db.path.with_name(db.path.name + "-wal")  # type: ignore[union-attr]
        return data + (wal.read_bytes() if wal.exists() else b"")

    before = contents()
    assert any(s.encode("utf-8") in before for s in spellings)
    Privacy(db, Clock.fixed(NOW)).erase_person(p.id)
    after = contents()
    assert [s for s in spellings if s.encode("utf-8") in after] == []


def test_exports_after_erasure_hold_no_trace(
    demo: tuple[Database, DemoPerson], tmp_path: Path
) -> None:
    db, p = demo
    directory = Directory(db, Clock.on(TODAY))
    before = tmp_path / "vorher"
    export_oparl(OpenData(db).source(NOW), "https://daten.example.org/oparl", before)
    assert any(p.email in f.read_text(encoding="utf-8") for f in before.rglob("*.json"))

    Privacy(db, Clock.fixed(NOW)).erase_person(p.id)
    folder = tmp_path / "nachher"
    files = []
    for fmt in ("csv", "json"):
        files.append(folder / f"personen.{fmt}")
        export_table(directory, "people", fmt, files[-1])
        files.append(folder / f"archiv.{fmt}")
        export_people(directory, fmt, files[-1], people=PeopleFilter(archived=True))
        assert p.label in files[-1].read_text(encoding="utf-8")
    export_oparl(OpenData(db).source(NOW), "https://daten.example.org/oparl", folder / "oparl")
    files += list((folder / "oparl").rglob("*.json"))
    report = Privacy(db, Clock.fixed(NOW)).access_report(p.id)
    files.append(folder / "auskunft.json")
    files[-1].write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    for path in files:
        text = path.read_text(encoding="utf-8").casefold()
        for needle in _needles(p):
            assert needle.casefold() not in text, (path.name, needle)
    assert report["name"] == p.label and report["profile"]["emails"] == []


# --------------------------------------------------------------------------- consent


def test_withdrawn_consent_cancels_a_running_series_and_no_invitation_follows(
    demo: tuple[Database, DemoPerson],
) -> None:
    db, p = demo
    directory = Directory(db, Clock.on(TODAY))
    meetings = Meetings(db, clock=Clock.fixed(NOW))
    series = meetings.find_by_uid(SERIES_UID)
    assert series is not None
    assert meetings.plan_delivery(series.id).deliveries == ()  # everybody is up to date
    consent = next(
        c
        for c in directory.get_person(p.id).consents
        if c.purpose == ConsentPurpose.EINLADUNGEN and c.active
    )
    withdraw_consent(directory, consent.id)

    plan = meetings.plan_delivery(series.id)
    (cancel,) = [d for d in plan.deliveries if d.person_id == p.id]
    assert (cancel.method, cancel.email, cancel.recurrence_id) == ("CANCEL", p.email, None)
    event = next(iter(Calendar.from_ical(cancel.ics).walk("VEVENT")))
    assert str(event["STATUS"]) == "CANCELLED"
    assert (f"{p.given} {p.family}", "Einwilligung für Einladungen widerrufen") in [
        (name.removeprefix("Dr. "), reason) for name, reason in plan.excluded
    ]
    assert all(d.method == "CANCEL" for d in plan.deliveries)
    meetings.mark_delivered(series.id, plan.deliveries, plan.meeting.sequence)

    # The series goes on: a date is cancelled, everything is sent again (invite --all).
    meetings.cancel_occurrence(series.id, datetime(2027, 3, 9, 18, tzinfo=CITY_ZONE))
    for everything in (False, True):
        plan = meetings.plan_delivery(series.id, everything=everything)
        assert [d for d in plan.deliveries if d.person_id == p.id] == []
        assert plan.deliveries  # the others do get the change
