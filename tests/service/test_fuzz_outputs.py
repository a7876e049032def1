"""Hostile text on its way out: whatever people type into names, notes, addresses, agendas and
answers comes back unchanged from the CSV and JSON exports (and through the importer), stays
text in the calendar feed and in the documents, and a failed export leaves no half file."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from icalendar import Calendar
from markdown_it import MarkdownIt
from support.consents import give_consent, import_people, withdraw_consent
from support.fuzz import ANY_CHAR, assert_german, copy_of, hostile_text, migrated, scratch
from support.policy import fuzz

from koordination.calendar.events import Event, Override, Place
from koordination.calendar.ics import clean_text, description_text, feed, one_line
from koordination.calendar.recurrence import RecurrenceRule
from koordination.clock import CITY_ZONE, Clock
from koordination.domain.enums import (
    AttendanceStatus,
    Channel,
    ConsentPurpose,
    DecisionResult,
    GroupKind,
    MeetingKind,
    MinutesKind,
    MinutesStatus,
    OrganisationKind,
    Sector,
)
from koordination.domain.inputs.directory import GroupInput, OrganisationInput, PersonInput
from koordination.domain.records.directory import PersonRecord
from koordination.domain.records.meetings import (
    AgendaItemRecord,
    AttendanceRow,
    DecisionRecord,
    SittingRecord,
    TaskRecord,
)
from koordination.errors import ImportFailed, KoordinationError
from koordination.outputs.builders.directory import export_organisations, export_people
from koordination.outputs.builders.sittings import (
    draft_minutes,
    invitation_letter,
    sign_in_sheet,
    workshop_report,
)
from koordination.outputs.builders.survey_tables import write_raw
from koordination.outputs.document import render
from koordination.outputs.document.model import Letterhead
from koordination.outputs.document.text import clean
from koordination.services.directory.imports.service import Imports
from koordination.services.directory.service import Directory
from koordination.services.tables.reader import read_table

TODAY = date(2026, 11, 22)
GROUP = "AK Jugend"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty network with one group: what both ends of an export round trip start from."""
    from koordination.db.engine import Database

    path = migrated(tmp_path_factory.mktemp("vorlage") / "leer.sqlite3")
    db = Database(f"sqlite:///{path}")
    Directory(db, Clock.on(TODAY)).create_group(GroupInput(name=GROUP, kind=GroupKind.ARBEITSKREIS))
    db.dispose()
    return path


# ---------------------------------------------------------------------------- text people type

# A tag, a phone number or an e-mail address is one item of a list cell ("a, b"): the separators
# themselves cannot be part of one, in the forms as in the import.
SEPARATORS = ",;\n\r"


def field_text(max_size: int = 40) -> st.SearchStrategy[str]:
    return hostile_text(max_size)


def tag_text() -> st.SearchStrategy[str]:
    return hostile_text(20).map(lambda t: "".join(c for c in t if c not in SEPARATORS))


EMAILS = st.builds(
    "{}@{}.{}".format,
    st.text(st.sampled_from("abcxyz0189._-+äö"), min_size=1, max_size=10),
    st.text(st.sampled_from("abc-xyz0189ü"), min_size=1, max_size=10),
    st.sampled_from(["de", "org", "example"]),
)
PHONES = st.text(st.sampled_from("0123456789 +/-()"), min_size=3, max_size=20)


@st.composite
def people(draw: st.DrawFn) -> list[tuple[PersonInput, str]]:
    """One to three people with hostile text everywhere and a sharing consent in some state."""
    found = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        person = PersonInput(
            family_name=draw(field_text()),
            given_name=draw(field_text()),
            salutation=draw(st.sampled_from(["", "Frau", "Herr"]) | field_text(10)),
            title=draw(st.sampled_from(["", "Dr."]) | field_text(10)),
            emails=draw(st.lists(EMAILS, max_size=2)),
            phones=draw(st.lists(PHONES, max_size=2)),
            postal_address=draw(field_text(80)),
            notes=draw(field_text(200)),
            tags=draw(st.lists(tag_text(), max_size=3)),
            preferred_channel=draw(st.sampled_from(list(Channel))),
        )
        consent = draw(st.sampled_from(["geteilt", "widerrufen", "keine", "nur Fotos"]))
        found.append((person, consent))
    return found


def _record_consent(directory: Directory, person_id: int, state: str) -> None:
    given = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    if state == "nur Fotos":
        give_consent(directory, person_id, ConsentPurpose.FOTOS, given_at=given)
    elif state in ("geteilt", "widerrufen"):
        consent = give_consent(
            directory, person_id, ConsentPurpose.KONTAKTDATEN_TEILEN, given_at=given
        )
        if state == "widerrufen":
            withdraw_consent(directory, consent.id, at=given + timedelta(days=30))


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _round_trip(text: str) -> str:
    """What a text is after export and import: without control characters (a CSV export
    leaves them out), trimmed, line breaks as LF. A text that starts like our formula guard
    ("'=…") loses that apostrophe: the importer cannot tell the two apart (Excel itself
    treats a leading apostrophe the same way)."""
    text = CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        text = text[1:].strip()
    return text


def _exported(p: PersonRecord, shared: bool) -> tuple[Any, ...]:
    """The person as the export may show them, in the importer's normal form."""
    address = _round_trip(p.postal_address) if shared else ""
    channel = p.preferred_channel
    if channel == Channel.POST and not address:
        channel = Channel.EMAIL  # the export leaves "Post" out without an address to back it
    return (
        _round_trip(p.salutation),
        _round_trip(p.title),
        _round_trip(p.given_name),
        _round_trip(p.family_name),
        tuple(e.lower() for e in p.emails) if shared else (),
        p.phones if shared else (),
        address,
        _round_trip(p.notes) if shared else "",  # notes go with the sharing consent too
        tuple(sorted({_round_trip(t) for t in p.tags} - {""})),
        channel,
        tuple(m.group_name for m in p.memberships),
    )


def _imported(p: PersonRecord) -> tuple[Any, ...]:
    return (
        p.salutation,
        p.title,
        p.given_name,
        p.family_name,
        tuple(e.lower() for e in p.emails),
        p.phones,
        p.postal_address,
        p.notes,
        tuple(sorted(p.tags)),
        p.preferred_channel,
        tuple(m.group_name for m in p.memberships),
    )


#: The formula guard's start characters, as the rule names them (OWASP CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@fuzz(20)
@given(entries=people(), fmt=st.sampled_from(["csv", "json"]))
def test_people_come_back_from_an_export_as_typed_with_contact_data_only_when_shared(
    template: Path, entries: list[tuple[PersonInput, str]], fmt: str
) -> None:
    with scratch() as folder, copy_of(template, folder) as db:
        directory = Directory(db, Clock.on(TODAY))
        (group,) = directory.list_groups()
        shared: dict[int, bool] = {}
        for person, consent in entries:
            try:
                pid = directory.create_person(person).record.id
            except KoordinationError as exc:  # a form says what is wrong, in German
                assert_german(exc.message, person.family_name, *person.emails, *person.phones)
                continue
            directory.add_membership(group.id, pid)
            _record_consent(directory, pid, consent)
            shared[pid] = consent == "geteilt"
        target = folder / f"personen.{fmt}"
        assert export_people(directory, fmt, target) == len(shared)
        records = {pid: directory.get_person(pid) for pid in shared}

        if fmt == "json":
            rows = json.loads(target.read_text("utf-8"))
            assert {r["id"]: r["emails"] for r in rows} == {
                pid: list(records[pid].emails) if shared[pid] else [] for pid in shared
            }
            assert {r["id"]: r["name"] for r in rows} == {
                pid: r.display_name for pid, r in records.items()
            }
            return

        _header, rows = read_table(target)
        assert all(not cell.startswith(_FORMULA) for row in rows for cell in row.cells)
        assert len(rows) == len(shared)
        expected = sorted(_exported(records[pid], shared[pid]) for pid in shared)
        # Into an empty database: the same people, without what they did not agree to share.
        with scratch() as other_folder, copy_of(template, other_folder) as other:
            emails = [e for person in expected for e in person[4]]
            if len(emails) != len(set(emails)):
                # The directory lets two people share an address (it warns), the importer
                # refuses a file that repeats one (reported): it names the line.
                with pytest.raises(ImportFailed, match="steht schon in Zeile") as refused:
                    import_people(Imports(other, Clock.on(TODAY)), target, ConsentPurpose)
                assert_german(refused.value.message)
                return
            if any(not person[3] for person in expected):
                # A family name of control characters only passes the form (reported) but is
                # empty in the file: the import names the line instead of guessing.
                with pytest.raises(ImportFailed, match="Nachname") as refused:
                    import_people(Imports(other, Clock.on(TODAY)), target, ConsentPurpose)
                assert_german(refused.value.message)
                return
            report = import_people(Imports(other, Clock.on(TODAY)), target, ConsentPurpose)
            assert report.created == len(shared)
            copy = Directory(other, Clock.on(TODAY))
            imported = sorted(_imported(copy.get_person(r.id)) for r in copy.list_people())
        assert imported == expected


@fuzz(15)
@given(
    name=field_text(),
    short_name=field_text(20),
    address=field_text(80),
    notes=field_text(200),
    sector=st.sampled_from(list(Sector)),
    kind=st.sampled_from(list(OrganisationKind)),
)
def test_an_organisation_comes_back_from_an_export_as_typed(
    template: Path,
    name: str,
    short_name: str,
    address: str,
    notes: str,
    sector: Sector,
    kind: OrganisationKind,
) -> None:
    with scratch() as folder, copy_of(template, folder) as db:
        directory = Directory(db, Clock.on(TODAY))
        data = OrganisationInput(
            name=name, sector=sector, kind=kind, short_name=short_name, address=address, notes=notes
        )
        try:
            original = directory.create_organisation(data).record
        except KoordinationError as exc:
            assert_german(exc.message, name)
            return
        target = folder / "organisationen.csv"
        export_organisations(directory, "csv", target)
        with scratch() as other_folder, copy_of(template, other_folder) as other:
            if not _round_trip(original.name):
                # A name of control characters only: as for people's family names (above).
                with pytest.raises(ImportFailed) as refused:
                    Imports(other).organisations(target)
                assert_german(refused.value.message)
                return
            assert Imports(other).organisations(target).created == 1
            copy_directory = Directory(other, Clock.on(TODAY))
            (row,) = copy_directory.list_organisations()
            copy = copy_directory.get_organisation(row.id)
        assert (copy.name, copy.short_name, copy.sector, copy.kind) == (
            _round_trip(original.name),
            _round_trip(original.short_name),
            original.sector,
            original.kind,
        )
        assert (copy.address, copy.notes) == (
            _round_trip(original.address),
            _round_trip(original.notes),
        )


# ---------------------------------------------------------------------------- survey raw answers


def _raw_cells(path: Path) -> list[list[str]]:
    """The cells exactly as stored in the file, apostrophes included."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


def _stored(typed: str) -> str:
    """What the file must hold for a typed cell: control characters dropped, and a leading
    apostrophe exactly when the text then starts with a formula character. Written out here
    from the rule, not taken from the code, so a weakened guard fails."""
    text = CONTROL.sub("", typed)
    return "'" + text if text[:1] in _FORMULA else text


CELL = st.text(ANY_CHAR, max_size=30) | hostile_text(30)


@fuzz(75)
@given(
    headers=st.lists(CELL, min_size=1, max_size=5, unique=True),
    data=st.data(),
    fmt=st.sampled_from(["csv", "json"]),
)
def test_raw_answers_come_back_cell_for_cell(
    headers: list[str], data: st.DataObject, fmt: str
) -> None:
    width = len(headers)
    rows = data.draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=4))
    with scratch() as folder:
        target = folder / f"antworten.{fmt}"
        assert write_raw(headers, rows, fmt, target) == len(rows)
        if fmt == "json":
            assert json.loads(target.read_text("utf-8")) == [
                dict(zip(headers, row, strict=True)) for row in rows
            ]
            return
        # A cell starts with the apostrophe exactly when the typed text starts with a formula
        # character; otherwise it is what was typed, less control characters (invisible in a
        # spreadsheet, fatal to the importer).
        assert _raw_cells(target) == [[_stored(c) for c in row] for row in [headers, *rows]]


@fuzz(60)
@given(
    rows=st.lists(st.lists(CELL, min_size=2, max_size=2), min_size=1, max_size=6),
    fail_at=st.integers(min_value=0, max_value=6),
    fmt=st.sampled_from(["csv", "json"]),
    old=st.sampled_from([None, b"alte Datei", b""]),
)
def test_an_export_that_fails_midway_leaves_the_old_file_or_none(
    rows: list[list[str]], fail_at: int, fmt: str, old: bytes | None
) -> None:
    def failing() -> Iterator[list[str]]:
        for number, row in enumerate(rows):
            if number == fail_at:
                raise KoordinationError("Die Datenbank ist nicht erreichbar.")
            yield row

    with scratch() as folder:
        target = folder / f"antworten.{fmt}"
        if old is not None:
            target.write_bytes(old)
        try:
            write_raw(["A", "B"], failing(), fmt, target)
        except KoordinationError:
            assert fail_at < len(rows)
            assert (target.read_bytes() if target.exists() else None) == old
            assert [p.name for p in folder.iterdir()] == ([target.name] if old is not None else [])
        else:
            assert fail_at >= len(rows)


# ---------------------------------------------------------------------------- calendar feed


def at(day: int, hour: int = 18) -> datetime:
    return datetime(2026, 10, day, hour, 0, tzinfo=CITY_ZONE)


def _text(value: object) -> str:
    """A text value, less a leading U+FEFF (invisible), which the icalendar library drops."""
    return str(value).removeprefix("\ufeff")


PLACES = st.builds(Place, address=field_text(60), room=field_text(30), online_url=field_text(40))


@fuzz(50)
@given(
    name=field_text(),
    title=field_text(),
    description=field_text(200),
    place=PLACES,
    moved_to=PLACES,
    agenda=st.lists(field_text(), max_size=3).map(tuple),
    series=st.booleans(),
)
def test_any_text_in_a_feed_stays_text_and_never_names_anybody(
    name: str,
    title: str,
    description: str,
    place: Place,
    moved_to: Place,
    agenda: tuple[str, ...],
    series: bool,
) -> None:
    typed = [name, title, description, *agenda]
    typed += [t for p in (place, moved_to) for t in (p.address, p.room, p.online_url)]
    # The icalendar library writes a typed backslash before "N" as an escaped line break
    # ("\\Neubau" comes back as a new line and "eubau"): reported, not yet handled.
    assume(not any("\\N" in clean_text(t) for t in typed))
    rule = RecurrenceRule.monthly_on_weekday(2, 1, until=date(2027, 3, 31)).to_rrule()
    event = Event(
        uid="ak-jugend@musterstadt.example",
        sequence=1,
        title=title,
        start=at(13),
        end=at(13, 20),
        description=description,
        place=place,
        rrule=rule if series else None,
        overrides=(Override(at(13), start=at(14), end=at(14, 20), place=moved_to),),
        organizer_name=name,
        organizer_email="engagiert@musterstadt.example",
        agenda=agenda,
    )
    data = feed([event], name=name, dtstamp=datetime(2026, 8, 1, 9, 0, tzinfo=UTC))
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    # No attendee property (a title may say "ATTENDEE", a property line starts with it).
    assert not any(line.startswith(b"ATTENDEE") for line in data.split(b"\r\n"))
    calendar = Calendar.from_ical(data)
    assert _text(calendar.get("X-WR-CALNAME", "")) == _text(one_line(name))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == (2 if series else 1)
    for vevent in events:
        assert "ATTENDEE" not in vevent
        moved = "RECURRENCE-ID" in vevent or not series
        where = moved_to if moved else place
        assert _text(vevent.get("SUMMARY", "")) == _text(one_line(title))
        assert _text(vevent.get("LOCATION", "")) == _text(one_line(where.location))
        assert _text(vevent.get("DESCRIPTION", "")) == _text(description_text(event, where))


# ---------------------------------------------------------------------------- documents


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _markup(fmt: str, data: bytes) -> _Tags:
    """The elements and the text of a document; Markdown as a CommonMark reader renders it."""
    page = data.decode()
    if fmt == "md":
        page = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(page)
    return _html(page)


def _sitting(text: str, long_text: str) -> SittingRecord:
    start = datetime(2026, 10, 13, 18, 0, tzinfo=CITY_ZONE)
    task = TaskRecord(1, text, long_text, text, None, None, text, date(2026, 11, 1), None, text)
    decision = DecisionRecord(1, long_text, False, 3, 1, 0, DecisionResult.ANGENOMMEN)
    items = tuple(
        AgendaItemRecord(
            id=n,
            parent_id=None,
            number=str(n),
            title=text,
            description=long_text,
            presenter=text,
            duration_minutes=30,
            public=True,
            standing=None,
            attachments=(text,),
            notes=long_text,
            planned_start=start + timedelta(minutes=30 * (n - 1)),
            decisions=(decision,),
            tasks=(task,),
        )
        for n in (1, 2)
    )
    attendance = tuple(
        AttendanceRow(n, text, text, Sector.ZIVILGESELLSCHAFT, status)
        for n, status in enumerate((AttendanceStatus.ANWESEND, AttendanceStatus.ENTSCHULDIGT))
    )
    return SittingRecord(
        id=1,
        version=1,
        meeting_id=1,
        title=text,
        kind=MeetingKind.ARBEITSKREIS,
        occurrence=start,
        start=start,
        end=start + timedelta(hours=2),
        place=text,
        online_url=text,
        groups=(text,),
        minutes_kind=MinutesKind.ERGEBNIS,
        minutes_status=MinutesStatus.ENTWURF,
        chair=text,
        chair_id=None,
        minute_taker=text,
        minute_taker_id=None,
        items=items,
        attendance=attendance,
        open_tasks=(task,),
        versions=(),
        cards=(),
    )


BUILDERS = {
    "Einladung": invitation_letter,
    "Protokoll": draft_minutes,
    "Teilnehmendenliste": sign_in_sheet,
    "Ergebnisbericht": workshop_report,
}
HEAD = Letterhead(office_name="Koordinierungsstelle Musterstadt")


@pytest.fixture(scope="module")
def harmless_markup() -> dict[tuple[str, str], set[str]]:
    """The elements each document has when every text is harmless."""
    # With a line break and a tab: both are text, and may become a <br> or a space.
    record = _sitting("harmlos\nzweite Zeile\tTab", "harmlos\nzweite Zeile\tTab")
    return {
        (kind, fmt): set(_markup(fmt, render(build(record, HEAD), fmt)).tags)
        for kind, build in BUILDERS.items()
        for fmt in ("md", "html")
    }


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@fuzz(20)
@given(text=field_text(60), long_text=field_text(200), kind=st.sampled_from(sorted(BUILDERS)))
def test_text_typed_into_a_sitting_never_becomes_markup_in_its_documents(
    harmless_markup: dict[tuple[str, str], set[str]], text: str, long_text: str, kind: str
) -> None:
    record = _sitting(text, long_text)
    document = BUILDERS[kind](record, HEAD)
    for fmt in ("md", "html"):
        read = _markup(fmt, render(document, fmt))
        injected = set(read.tags) - harmless_markup[(kind, fmt)]
        assert not injected, f"{kind} ({fmt}): eingeschleuste Elemente {injected}"
        assert not any(name.startswith("on") for name, _ in read.attributes)
        assert not any(value and "javascript:" in value for _, value in read.attributes)
        # The title heads every document: it comes back as typed, as text.
        # Long words get soft hyphens, so a line can break inside them.
        visible = _squeezed(clean(text)).replace("\xad", "")
        shown = _squeezed("".join(read.text)).replace("\xad", "")
        assert visible in shown, f"{kind} ({fmt}): Text fehlt"
