"""Hostile input, generated: CSV imports of people, organisations and survey responses, dates and
times as people type them, survey answers, and replies in mailboxes. Whatever comes in, the
result is either the import or a German message, never a traceback, and a refused import
leaves the database exactly as it was."""

from __future__ import annotations

import argparse
import csv
import io
import json
import mailbox
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support.consents import give_consent
from support.fuzz import (
    assert_german,
    copy_of,
    dump,
    hostile_text,
    long_text,
    migrated,
    pick,
    scratch,
)
from support.policy import fuzz

from koordination.calendar.recurrence import RecurrenceRule
from koordination.calendar.replies import read_replies
from koordination.cli.common import when
from koordination.clock import CITY_ZONE, Clock
from koordination.db.engine import Database
from koordination.domain.enums import (
    Bundesland,
    Channel,
    ConsentPurpose,
    GroupKind,
    GroupRole,
    MeetingKind,
    OrganisationKind,
    QuestionType,
    Sector,
    SurveyAudience,
    SurveyStatus,
)
from koordination.domain.inputs.directory import (
    CityProfileInput,
    GroupInput,
    OrganisationInput,
    PersonInput,
)
from koordination.domain.inputs.meetings import MeetingInput
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.inputs.validation import format_date, parse_date, parse_datetime
from koordination.domain.records.surveys import OptionRecord, QuestionRecord
from koordination.errors import KoordinationError
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings
from koordination.services.surveys.answers import AnswerProblem, parse_answer, parse_number
from koordination.services.surveys.column_mapping import load_mapping
from koordination.services.surveys.response_import import ResponseImport
from koordination.services.surveys.service import Surveys

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
ORGANISATION = "Tafel Musterstadt e.V."
GROUPS = ("AK Jugend", "Steuerungsgruppe")
INVITED = "anna@example.org"


# ---------------------------------------------------------------------------- the city


@dataclass(frozen=True)
class City:
    """The template database, and the survey and meeting in it that imports and replies aim at."""

    template: Path
    survey_id: int
    meeting_uid: str


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> City:
    """A small city to import into: an organisation, two groups, two people (one without
    e-mail), a running survey with every kind of question, and a series Anna was invited to."""
    path = migrated(tmp_path_factory.mktemp("vorlage") / "stadt.sqlite3")
    db = Database(f"sqlite:///{path}")
    directory = Directory(db, Clock.on(TODAY))
    directory.save_city(
        None,
        CityProfileInput(
            name="Musterstadt",
            bundesland=Bundesland.HE,
            office_name="Koordinierungsstelle Musterstadt",
            office_email="engagiert@musterstadt.example.org",
        ),
    )
    org = directory.create_organisation(
        OrganisationInput(name=ORGANISATION, sector=Sector.ZIVILGESELLSCHAFT)
    ).record
    directory.create_organisation(
        OrganisationInput(name="Stadt Musterstadt", sector=Sector.VERWALTUNG)
    )
    groups = [
        directory.create_group(GroupInput(name=GROUPS[0], kind=GroupKind.ARBEITSKREIS)).record,
        directory.create_group(GroupInput(name=GROUPS[1], kind=GroupKind.KONSORTIUM)).record,
    ]
    anna = directory.create_person(
        PersonInput(given_name="Anna", family_name="Schäfer", emails=[INVITED])
    ).record
    directory.add_affiliation(anna.id, org.id, "Vorsitz")
    directory.add_membership(groups[0].id, anna.id, GroupRole.SPRECHER)
    give_consent(directory, anna.id, ConsentPurpose.EINLADUNGEN)
    directory.create_person(PersonInput(given_name="Jürgen", family_name="Weiß"))

    survey_id = _survey(db)

    meetings = Meetings(db, clock=Clock.fixed(NOW))
    meeting = meetings.create(
        MeetingInput(
            title="AK Jugend",
            kind=MeetingKind.ARBEITSKREIS,
            start=datetime(2026, 9, 8, 18, 0),
            end=datetime(2026, 9, 8, 20, 0),
            group_ids=[groups[0].id],
            rrule=RecurrenceRule.monthly_on_weekday(2, 1, until=date(2027, 6, 30)).to_rrule(),
        )
    ).record
    meetings.invite(meeting.id, group_ids=[groups[0].id])
    plan = meetings.plan_delivery(meeting.id)
    meetings.mark_delivered(meeting.id, plan.deliveries, plan.meeting.sequence)
    db.dispose()
    return City(path, survey_id, meeting.uid)


def _survey(db: Database) -> int:
    surveys = Surveys(db)
    sid = surveys.create(SurveyInput("Umfrage 2026", SurveyAudience.ORGANISATIONEN)).id
    add = surveys.add_question
    add(
        sid,
        QuestionInput(
            "Sektor?", QuestionType.EINFACH, options=("Zivilgesellschaft", "Verwaltung", "5")
        ),
    )
    add(
        sid,
        QuestionInput(
            "Angebote?", QuestionType.MEHRFACH, options=("Räume", "Beratung, Technik", "Feste")
        ),
    )
    add(sid, QuestionInput("Zufrieden?", QuestionType.SKALA))
    add(sid, QuestionInput("Gefördert?", QuestionType.JA_NEIN))
    add(sid, QuestionInput("Wie viele?", QuestionType.ZAHL))
    add(sid, QuestionInput("Seit wann?", QuestionType.DATUM))
    add(sid, QuestionInput("Wünsche?", QuestionType.TEXT))
    surveys.set_status(sid, SurveyStatus.LAEUFT)
    return sid


# ---------------------------------------------------------------------------- CSV files

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1")
DELIMITERS = (";", ",", "\t")


def _csv_bytes(
    rows: list[list[str]], encoding: str, delimiter: str, quote_all: bool, crlf: bool
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\r\n" if crlf else "\n",
    )
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def date_text() -> st.SearchStrategy[str]:
    """Dates as offices write them, and what comes out of a spreadsheet by mistake."""
    day = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    written = st.builds(
        lambda d, fmt: d.strftime(fmt) if d.year >= 1000 else d.isoformat(),
        day,
        st.sampled_from(["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y %H:%M"]),
    )
    composed = st.lists(
        st.sampled_from(["0", "1", "2", "9", "00", "29", "31", "02", "13", "0001", "9999"])
        | st.sampled_from([".", "-", "/", " ", ":", "T", ",", "Uhr"]),
        min_size=1,
        max_size=9,
    ).map("".join)
    # The ends of the calendar, where conversions to UTC or a few weeks on overflow.
    edges = st.builds(
        "{}{}".format,
        st.sampled_from(["01.01.0001", "0001-01-01", "31.12.9999", "9999-12-31", "01.01.0099"]),
        st.sampled_from(["", " 00:30", " 23:59", "T00:00"]),
    )
    return pick(written, edges, composed, hostile_text(20))


@st.composite
def cell(draw: st.DrawFn, *valid: str) -> str:
    """A cell: mostly something plausible for its column (the odd ones among them, "²" or 20
    digits, are where the bugs were), else anything. Weighted by hand: Hypothesis draws the
    branches of ``one_of`` by simplicity, which would leave the plausible values rare."""
    kind = draw(st.integers(min_value=0, max_value=5))
    if kind < 4 and valid:
        return draw(st.sampled_from(valid))
    if kind == 4:
        return draw(hostile_text())
    return ""


def _labels(enum: Any) -> tuple[str, ...]:
    return tuple(member.label for member in enum)


PEOPLE_COLUMNS: dict[str, st.SearchStrategy[str]] = {
    "Nr.": cell("1", "2", "3", "0", "²", "١", "99999999999999999999", "9" * 5000, "-1", " 2 "),
    "Anrede": cell("Herr", "Frau"),
    "Titel": cell("Dr.", "Prof. Dr."),
    "Vorname": cell("Anna", "Jürgen", "Renate"),
    "Nachname": cell("Schäfer", "Weiß", "Krüger") | long_text(),
    "E-Mail": cell(INVITED, "ANNA@Example.org", "neu@example.org", "a@b.de; c@d.de", "a@", "@"),
    "Telefon": cell("+49 341 1234", "'+49 170 1", "0341 55, 0170 2", "Telefon"),
    "Anschrift": cell("Ringstraße 1\n04109 Leipzig", "Postfach"),
    "Straße": cell("Ringstraße 1"),
    "PLZ": cell("04109", "1234"),
    "Ort": cell("Leipzig"),
    "Organisation": cell(ORGANISATION, "Neuer Verein e.V.", "tafel musterstadt ev"),
    "Funktion": cell("Vorsitz", "Kasse"),
    "Sektor": cell(*_labels(Sector), "Politik", "Quatsch"),
    "Gruppe": cell(*GROUPS, "AK Jugend; Steuerungsgruppe", "Unbekannte Gruppe"),
    "Rolle": cell(*_labels(GroupRole), "Sprecher:in; Mitglied"),
    "Mitglied seit": date_text(),
    "Mitglied bis": date_text(),
    "Schlagworte": cell("Presse, Ehrenamt"),
    "Einladungsweg": cell(*_labels(Channel)),
    "Einwilligung": cell(*_labels(ConsentPurpose), "ja", "Einladungen, Fotos"),
    "Einwilligung am": date_text(),
    "Notizen": cell("spricht Türkisch") | long_text(),
    "Unbekannte Spalte": hostile_text(),
}
ORGANISATION_COLUMNS: dict[str, st.SearchStrategy[str]] = {
    "Nr.": PEOPLE_COLUMNS["Nr."],
    "Name": cell(ORGANISATION, "Neuer Verein e.V.", "Stadt Musterstadt") | long_text(),
    "Kurzname": cell("Tafel"),
    "Sektor": cell(*_labels(Sector), "Quatsch"),
    "Art": cell(*_labels(OrganisationKind), "Quatsch"),
    "Anschrift": cell("Hauptstraße 5\n12345 Musterstadt"),
    "Telefon": cell("+49 341 1234"),
    "E-Mail": cell("info@tafel.de", "kaputt@"),
    "Webseite": cell("https://tafel.de", "javascript:alert(1)"),
    "Notizen": hostile_text(),
    "Personen": cell("3", "viele"),
}


@st.composite
def tables(
    draw: st.DrawFn, columns: dict[str, st.SearchStrategy[str]], core: tuple[str, ...]
) -> list[list[str]]:
    """A header and a few rows for it. Mostly the ``core`` columns and some others, unique,
    in any order, so rows get past the header check; sometimes any header at all."""
    names = sorted(columns)
    if draw(st.integers(min_value=0, max_value=3)):
        extra = [name for name in names if draw(st.booleans())]  # about half of them
        header = draw(st.permutations(list(dict.fromkeys([*core, *extra]))))
    else:
        header = draw(st.lists(st.sampled_from(names), min_size=1, max_size=10))
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        row = [draw(columns[name]) for name in header]
        if draw(st.integers(min_value=0, max_value=3)) == 0:
            # Spreadsheets leave rows short or long; both must be handled.
            width = draw(st.integers(min_value=0, max_value=len(header) + 2))
            row = [*row, "x", "y"][:width]
        rows.append(row)
    return [header, *rows]


FILE_SHAPE = {
    "encoding": st.sampled_from(ENCODINGS),
    "delimiter": st.sampled_from(DELIMITERS),
    "quote_all": st.booleans(),
    "crlf": st.booleans(),
}


def _all_cells(rows: list[list[str]]) -> list[str]:
    return [c for row in rows for c in row]


def _check_refusal(exc: KoordinationError, texts: list[str]) -> None:
    assert_german(exc.message, *texts)
    for problem in getattr(exc, "problems", []):
        assert problem.line >= 0
        assert_german(problem.reason, *texts)


# ---------------------------------------------------------------------------- people, organisations


@fuzz(50)
@given(
    rows=tables(PEOPLE_COLUMNS, ("Vorname", "Nachname")),
    existing=st.sampled_from(["error", "update", "skip"]),
    **FILE_SHAPE,
)
# Found by this test: the "Nr." column took "²" and a 20-digit number for person numbers.
@example(
    rows=[["Nr.", "Nachname"], ["²", "Weiß"]],
    existing="error",
    encoding="utf-8",
    delimiter=";",
    quote_all=False,
    crlf=True,
)
@example(
    rows=[["Nr.", "Nachname"], ["9" * 20, "Weiß"]],
    existing="skip",
    encoding="utf-8",
    delimiter=";",
    quote_all=False,
    crlf=True,
)
def test_a_people_file_is_imported_whole_or_refused_in_german_without_a_trace(
    city: City,
    rows: list[list[str]],
    existing: Any,
    encoding: str,
    delimiter: str,
    quote_all: bool,
    crlf: bool,
) -> None:
    with scratch() as workdir:
        template = city.template
        path = workdir / "personen.csv"
        path.write_bytes(_csv_bytes(rows, encoding, delimiter, quote_all, crlf))
        with copy_of(template, workdir) as db:
            before = dump(db)
            try:
                report = Imports(db, Clock.on(TODAY)).people(path, existing=existing)
            except KoordinationError as exc:
                _check_refusal(exc, _all_cells(rows))
                assert dump(db) == before, "ein abgelehnter Import hat geschrieben"
                return
            after = dump(db)
            assert len(after["person"]) == len(before["person"]) + report.created
            assert report.created + report.updated + report.skipped <= max(len(rows) - 1, 0)
            if report.created == report.updated == 0:
                assert after["person"] == before["person"]


@fuzz(30)
@given(
    rows=tables(ORGANISATION_COLUMNS, ("Name", "Sektor")),
    existing=st.sampled_from(["error", "update", "skip"]),
    **FILE_SHAPE,
)
def test_an_organisation_file_is_imported_whole_or_refused_in_german_without_a_trace(
    city: City,
    rows: list[list[str]],
    existing: Any,
    encoding: str,
    delimiter: str,
    quote_all: bool,
    crlf: bool,
) -> None:
    with scratch() as workdir:
        template = city.template
        path = workdir / "organisationen.csv"
        path.write_bytes(_csv_bytes(rows, encoding, delimiter, quote_all, crlf))
        with copy_of(template, workdir) as db:
            before = dump(db)
            try:
                report = Imports(db).organisations(path, existing=existing)
            except KoordinationError as exc:
                _check_refusal(exc, _all_cells(rows))
                assert dump(db) == before, "ein abgelehnter Import hat geschrieben"
                return
            after = dump(db)
            assert len(after["organisation"]) == len(before["organisation"]) + report.created


FILE_STARTS = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"sep=;\r\n",
    b"Vorname;Nachname;E-Mail\r\n",
    "Name;Sektor\n".encode("cp1252"),
    b"id;submitdate;F1;F2[SQ001];F3;F4;F5;F6;F7\n",
    b"PK\x03\x04",  # an .xlsx renamed to .csv
    b"\x00\x00\x00",
]


@fuzz(60)
@given(
    start=st.sampled_from(FILE_STARTS),
    body=st.binary(max_size=600),
    kind=st.sampled_from(["people", "organisations", "responses"]),
)
def test_any_bytes_in_a_table_file_end_in_an_import_or_a_german_refusal(
    city: City, start: bytes, body: bytes, kind: str
) -> None:
    with scratch() as workdir:
        template = city.template
        path = workdir / "datei.csv"
        path.write_bytes(start + body)
        with copy_of(template, workdir) as db:
            before = dump(db)
            try:
                if kind == "people":
                    Imports(db, Clock.on(TODAY)).people(path)
                elif kind == "organisations":
                    Imports(db).organisations(path)
                else:
                    ResponseImport(db).run(city.survey_id, path)
            except KoordinationError as exc:
                texts = [t for t in body.decode("latin-1").split() if len(t) >= 3]
                _check_refusal(exc, [*texts, body.decode("utf-8", "replace")])
                assert dump(db) == before, "ein abgelehnter Import hat geschrieben"


# ---------------------------------------------------------------------------- survey responses

RESPONSE_COLUMNS: dict[str, st.SearchStrategy[str]] = {
    "id": cell("11", "12", "A-1", "x" * 150),
    "submitdate": pick(date_text(), cell("2026-09-14 10:22:03", "14.09.2026 10:22")),
    "F1": cell("Zivilgesellschaft", "1", "2", "3", "5", "²", "١", "0", "Verwaltung, Wirtschaft"),
    "F2": cell("Räume", "Beratung, Technik", "1 3", "1,3", "Räume; Feste", "²", "٣"),
    "F2[SQ001]": cell("Y", "Ja", "x", "1", "Nicht gewählt", "vielleicht"),
    "F2[SQ002]": cell("Y", "", "N"),
    "F3": cell("1", "3", "5", "3,0", "7", "-1", "1e309", "NaN", "2.5", "1.000"),
    "F4": cell("Ja", "Nein", "Y", "1", "2", "²"),
    "F5": cell("25", "3,5", "1.250", "1.250,75", "-3", "1e309", "inf", "٣", "9" * 400),
    "F6": date_text(),
    "F7": cell("Mehr Treffen", "") | long_text(),
    "lastpage": cell("3"),
}


@fuzz(40)
@given(rows=tables(RESPONSE_COLUMNS, ("id", "F1")), **FILE_SHAPE)
# Found by these tests: a submission at 01.01.0001 00:00 (before the first UTC instant) and
# the option "²" (a digit to str.isdigit, none to int) ended in a traceback.
@example(
    rows=[["id", "submitdate", "F1"], ["1", "01.01.0001", "Verwaltung"]],
    encoding="utf-8",
    delimiter=";",
    quote_all=False,
    crlf=True,
)
@example(
    rows=[["id", "F1"], ["1", "²"]], encoding="utf-8", delimiter=";", quote_all=False, crlf=True
)
def test_a_response_file_is_imported_whole_or_refused_in_german_without_a_trace(
    city: City,
    rows: list[list[str]],
    encoding: str,
    delimiter: str,
    quote_all: bool,
    crlf: bool,
) -> None:
    with scratch() as workdir:
        template = city.template
        path = workdir / "antworten.csv"
        path.write_bytes(_csv_bytes(rows, encoding, delimiter, quote_all, crlf))
        with copy_of(template, workdir) as db:
            before = dump(db)
            try:
                report = ResponseImport(db).run(city.survey_id, path)
            except KoordinationError as exc:
                _check_refusal(exc, _all_cells(rows))
                assert dump(db) == before, "ein abgelehnter Import hat geschrieben"
                return
            after = dump(db)
            assert len(after["survey_response"]) == len(before["survey_response"]) + report.imported


COLUMNS = ["id", "F1", "F2[SQ001]", "F3", "Unbekannt"]
TARGETS = ["F1", "f3", "F2=Räume", "F2=1", "F2=²", "F2=٣", "F2=99", "F1=Räume", "#id", "#submitted"]


@fuzz(60)
@given(
    mapping=st.dictionaries(
        pick(st.sampled_from(COLUMNS), st.sampled_from(COLUMNS), hostile_text(15)),
        pick(
            *[st.sampled_from(TARGETS)] * 4, st.none(), hostile_text(15), st.integers(), st.just([])
        ),
        max_size=5,
    ),
    garbage=pick(
        st.none(), st.none(), st.sampled_from([b"", b"[1, 2]", b'{"F1": ', b"\xff\xfe{}", b"null"])
    ),
)
@example(mapping={"F2[SQ001]": "F2=²"}, garbage=None)  # found by this test
def test_a_mapping_file_is_used_or_refused_in_german(
    city: City, mapping: dict[str, Any], garbage: bytes | None
) -> None:
    """The column mapping a coordinator saves and edits by hand (``--mapping datei.json``)."""
    with scratch() as workdir:
        path = workdir / "zuordnung.json"
        path.write_bytes(json.dumps(mapping).encode() if garbage is None else garbage)
        table = workdir / "antworten.csv"
        table.write_text("id;F1;F2[SQ001];F3\n1;Verwaltung;Y;4\n", encoding="utf-8")
        texts = [str(t) for pair in mapping.items() for t in pair]
        with copy_of(city.template, workdir) as db:
            try:
                resolved = ResponseImport(db).resolve_mapping(
                    city.survey_id, table, load_mapping(path)
                )
            except KoordinationError as exc:
                _check_refusal(exc, texts)
                return
            assert [m.column for m in resolved] == ["id", "F1", "F2[SQ001]", "F3"]


# ---------------------------------------------------------------------------- dates and times


@fuzz(300)
@given(text=date_text())
def test_a_typed_date_is_a_date_or_a_german_message_quoting_it(text: str) -> None:
    try:
        day = parse_date(text)
    except ValueError as exc:
        assert_german(str(exc), text)
        assert f"„{text}“" in str(exc)
    else:
        assert isinstance(day, date)


@fuzz(200)
@given(day=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
@example(day=date(99, 1, 1))  # found by this test: written as "01.01.99", read as 1999
def test_every_date_written_out_reads_back_as_the_same_date(day: date) -> None:
    """Exports write dates with format_date; the importers read them with parse_date."""
    assert parse_date(format_date(day)) == day


@fuzz(300)
@given(text=date_text())
def test_a_typed_moment_is_a_wall_clock_time_or_a_german_message(text: str) -> None:
    try:
        moment = parse_datetime(text)
    except ValueError as exc:
        assert_german(str(exc), text)
    else:
        assert moment.tzinfo is None


@fuzz(300)
@given(text=date_text())
# Found by this test: both made ``meetings list --from …`` end in a traceback.
@example(text="01.01.0001")
@example(text="31.12.9999 23:59")
def test_a_command_line_date_works_as_a_period_start_or_is_refused_in_german(text: str) -> None:
    """``meetings list --from X`` looks twelve weeks ahead and queries in UTC: whatever the
    option accepts must survive both."""
    try:
        moment = when(text)
    except argparse.ArgumentTypeError as exc:
        assert_german(str(exc), text)
        return
    assert moment.tzinfo is CITY_ZONE
    for instant in (moment, moment + timedelta(weeks=12), moment - timedelta(weeks=12)):
        instant.astimezone(UTC)


# ---------------------------------------------------------------------------- survey answers


def _question(kind: QuestionType, labels: tuple[str, ...] = ()) -> QuestionRecord:
    low, high = (1, 5) if kind is QuestionType.SKALA else (None, None)
    return QuestionRecord(
        id=1,
        survey_id=1,
        code="F1",
        version=1,
        position=1,
        section="",
        text="Frage",
        hint="",
        type=kind,
        required=False,
        scale_min=low,
        scale_max=high,
        low_label="",
        high_label="",
        breakdown=False,
        bank_item_id=None,
        condition_question_id=None,
        condition_option_id=None,
        retired=False,
        options=tuple(OptionRecord(10 + i, i + 1, label) for i, label in enumerate(labels)),
    )


QUESTIONS = [
    _question(QuestionType.EINFACH, ("Zivilgesellschaft", "Verwaltung", "5")),
    _question(QuestionType.MEHRFACH, ("Räume", "Beratung, Technik", "Feste")),
    _question(QuestionType.JA_NEIN, ("Ja", "Nein")),
    _question(QuestionType.SKALA),
    _question(QuestionType.ZAHL),
    _question(QuestionType.DATUM),
    _question(QuestionType.TEXT),
]
ANSWER_TEXT = pick(
    st.sampled_from(["1", "2", "3", "4", "١", "²", "³", "½", "Ⅻ", "1 ²", "1,²", "3,5", "1.250"]),
    st.text(st.sampled_from("0123456789²³¹١٢٣,.;| -+eE"), max_size=12),
    date_text(),
    hostile_text(),
)


@fuzz(300)
@given(question=st.sampled_from(QUESTIONS), text=ANSWER_TEXT)
@example(question=QUESTIONS[0], text="²")  # found by this test
def test_a_typed_answer_fits_its_question_or_gets_a_german_message(
    question: QuestionRecord, text: str
) -> None:
    try:
        value = parse_answer(question, text)
    except AnswerProblem as exc:
        assert_german(str(exc), text)
        return
    ids = {o.id for o in question.options}
    if value is None:
        assert not text.strip()
    elif question.type in (QuestionType.EINFACH, QuestionType.JA_NEIN):
        assert value in ids
    elif question.type is QuestionType.MEHRFACH:
        assert isinstance(value, frozenset) and value <= ids
    elif question.type is QuestionType.SKALA:
        assert value in question.scale_values()
    elif question.type is QuestionType.ZAHL:
        assert isinstance(value, int | float) and math.isfinite(value)


@fuzz(200)
@given(
    number=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
    | st.integers(min_value=-(10**12), max_value=10**12).map(float)
)
def test_a_number_written_the_german_way_reads_back(number: float) -> None:
    german = f"{number:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    assert parse_number(german) == pytest.approx(float(f"{number:.6f}"))


@fuzz(100)
@given(question=st.sampled_from(QUESTIONS[:3]), data=st.data())
def test_an_option_typed_as_its_label_or_number_is_that_option(
    question: QuestionRecord, data: st.DataObject
) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(question.options) - 1))
    option = question.options[position]
    by_label = parse_answer(
        question, data.draw(st.sampled_from([option.label, option.label.upper()]))
    )
    expected: Any = frozenset({option.id}) if question.type is QuestionType.MEHRFACH else option.id
    assert by_label == expected
    if option.label.isdecimal():
        return  # a label that is a number wins over the position, see survey_answers
    if not any(o.label == str(position + 1) for o in question.options):
        assert parse_answer(question, str(position + 1)) == expected


# ---------------------------------------------------------------------------- replies

PARTSTATS = ["ACCEPTED", "DECLINED", "TENTATIVE", "NEEDS-ACTION", "DELEGATED", "accepted", "", "X"]
#: The ends of the calendar: year 1 in Berlin lies before the first instant UTC can hold,
#: year 9999 after the last one.
EDGE_MOMENTS = ["00010101T000000", "00010101T003000Z", "99991231T235959Z", "99991231T235959"]
ODD_MOMENTS = ["20261301T000000", "2026", "", "x"]


def moment(draw: st.DrawFn) -> str:
    """A real occurrence, an edge of the calendar or nonsense, a third each."""
    kind = draw(st.integers(min_value=0, max_value=2))
    if kind == 0:
        return draw(st.sampled_from(["20261208T180000", "20261122T100000Z"]))
    return draw(st.sampled_from(EDGE_MOMENTS if kind == 1 else ODD_MOMENTS))


def often(draw: st.DrawFn, usual: str, *odd: str) -> str:
    """``usual`` two times in three, else one of the odd values: a reply must get far enough
    (right meeting, invited address, known answer) for its odd parts to reach the booking."""
    if draw(st.integers(min_value=0, max_value=2)) or not odd:
        return usual
    return draw(st.sampled_from(odd))


@st.composite
def reply_calendar(draw: st.DrawFn, uid: str) -> str:
    """A METHOD:REPLY with the meeting's UID (mostly), odd values and hostile text."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Fuzz//DE"]
    lines.append("METHOD:" + often(draw, "REPLY", "reply", "REQUEST", ""))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        lines.append("BEGIN:VEVENT")
        lines.append("UID:" + often(draw, uid, uid.upper(), "", "fremd@x"))
        if draw(st.booleans()):
            value = moment(draw)
            param = draw(st.sampled_from(["", ";VALUE=DATE", ";TZID=Europe/Berlin", ";TZID=Mars"]))
            if param == ";VALUE=DATE":
                value = value[:8]
            lines.append(f"RECURRENCE-ID{param}:{value}")
        if draw(st.booleans()):
            param = draw(st.sampled_from(["", ";TZID=Europe/Berlin"]))
            lines.append(f"DTSTAMP{param}:{moment(draw)}")
        if draw(st.booleans()):
            lines.append("SEQUENCE:" + draw(st.sampled_from(["0", "3", "-5", "2147483648", "x"])))
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            partstat = often(draw, "ACCEPTED", *PARTSTATS)
            name = draw(hostile_text(20)).replace('"', "")
            address = often(draw, INVITED, "ANNA@EXAMPLE.ORG", "fremd@x.de", "x", "")
            lines.append(f'ATTENDEE;PARTSTAT={partstat};CN="{name}":mailto:{address}')
        if draw(st.booleans()):
            lines.append("SUMMARY:" + draw(hostile_text(30)))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    text = "\r\n".join(lines) + "\r\n"
    if not draw(st.integers(min_value=0, max_value=3)):
        # Cut anywhere: mail gateways truncate.
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    return text


@st.composite
def reply_mail(draw: st.DrawFn, uid: str) -> bytes:
    """An e-mail carrying a reply, the way clients and gateways mangle them."""
    message = EmailMessage()
    message["From"] = draw(st.sampled_from([INVITED, "Anna <anna@example.org>", "kaputt"]))
    message["Subject"] = draw(st.sampled_from(["Angenommen: AK Jugend", "Re:", ""]))
    date_header = draw(st.sampled_from(["Tue, 06 Oct 2026 12:00:00 +0200", "gestern", ""]))
    if date_header:
        message["Date"] = date_header
    calendar = draw(reply_calendar(uid))
    charset = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "x-unbekannt", "utf-7"]))
    try:
        payload = calendar.encode(charset)
    except (LookupError, UnicodeEncodeError):
        payload = calendar.encode("utf-8")
    message.set_content("Siehe Anhang.")
    subtype, filename = draw(
        st.sampled_from(
            [("calendar", None), ("calendar", "invite.ics"), ("octet-stream", "antwort.ics")]
        )
    )
    message.add_attachment(
        payload,
        maintype="application" if subtype == "octet-stream" else "text",
        subtype=subtype,
        filename=filename,
        params={"method": "REPLY", "charset": charset},
    )
    message.set_boundary("grenze-0815")  # the library would draw one at random
    data = message.as_bytes()
    if draw(st.booleans()):
        # Written raw: the e-mail library refuses to build the broken ones itself.
        message_id = draw(st.sampled_from([b"<1@x>", b"<>", b"ohne Klammern", b"\xff\xfe"]))
        data = b"Message-ID: " + message_id + b"\r\n" + data
    if not draw(st.integers(min_value=0, max_value=3)):
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    return data


@fuzz(40)
@given(data=st.data(), container=st.sampled_from(["ics", "eml", "mbox", "maildir"]))
def test_replies_from_any_mailbox_are_booked_or_reported_in_german(
    city: City, data: st.DataObject, container: str
) -> None:
    with scratch() as workdir:
        template = city.template
        if container == "ics":
            path = workdir / "antwort.ics"
            path.write_text(data.draw(reply_calendar(city.meeting_uid)), encoding="utf-8")
        elif container == "eml":
            path = workdir / "antwort.eml"
            path.write_bytes(data.draw(reply_mail(city.meeting_uid)))
        else:
            mails = data.draw(st.lists(reply_mail(city.meeting_uid), min_size=0, max_size=3))
            path = workdir / ("antworten.mbox" if container == "mbox" else "Antworten")
            box: mailbox.Mailbox[Any] = (
                mailbox.mbox(path) if container == "mbox" else mailbox.Maildir(path)
            )
            for mail in mails:
                box.add(mail)
            box.close()
        replies, problems = read_replies(path)
        for problem in problems:
            assert_german(problem, city.meeting_uid)
        with copy_of(template, workdir) as db:
            before = dump(db)
            meetings = Meetings(db, clock=Clock.fixed(NOW))
            try:
                report = meetings.apply_replies(replies)
            except KoordinationError as exc:
                assert_german(exc.message)
                assert dump(db) == before
                return
            assert report.applied <= len(replies)
            for problem in report.problems:
                assert_german(problem, *(r.partstat for r in replies), city.meeting_uid)
            if report.applied == 0:
                assert dump(db)["response"] == before["response"]


def test_a_reply_for_the_first_day_of_the_calendar_is_reported_not_a_crash(
    city: City, tmp_path: Path
) -> None:
    """RECURRENCE-ID 0001-01-01 in Berlin lies before the first instant UTC can hold: booking
    such a reply failed with OverflowError. The reader now reports it like any unreadable one."""
    path = tmp_path / "antwort.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        f"UID:{city.meeting_uid}\r\nRECURRENCE-ID;VALUE=DATE:00010101\r\n"
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{INVITED}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert read_replies(path) == (
        [],
        ["Datei antwort.ics: RECURRENCE-ID unlesbar, Antwort übersprungen."],
    )


def test_a_plain_reply_of_the_fuzzed_shape_is_booked(city: City, tmp_path: Path) -> None:
    """The generators above do reach the booking: a plain reply of their shape is applied."""
    template = city.template
    path = tmp_path / "antwort.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        f"UID:{city.meeting_uid}\r\nDTSTAMP:20261122T100000Z\r\n"
        f'ATTENDEE;PARTSTAT=ACCEPTED;CN="Anna":mailto:{INVITED}\r\nEND:VEVENT\r\n'
        "END:VCALENDAR\r\n"
    )
    replies, problems = read_replies(path)
    assert problems == []
    with copy_of(template, tmp_path) as db:
        assert Meetings(db, clock=Clock.fixed(NOW)).apply_replies(replies).applied == 1
