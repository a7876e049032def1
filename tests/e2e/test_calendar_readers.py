"""Cross-reader proof: koordination's own expansion, vobject, ical.js (Thunderbird's parser) and a
real Radicale CalDAV server's expansion agree on every occurrence of our invitations and feeds.

The series cross the daylight-saving switches (last Sunday of October and of March), have a moved
and a cancelled occurrence, and are compared by local date and time, UTC instant and place.

ical.js runs on the machine's ``node`` from ``tests/readers`` (``make readers`` or
``npm ci --prefix tests/readers``; the test installs it itself when npm is there). Without node
the test fails with a German message saying how to install it (``KOORDINATION_REQUIRE_READERS=0``
skips it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
import vobject
from radicale_server import RadicaleServer

from koordination.calendar.events import Attendee, Event, Override, Place
from koordination.calendar.ics import feed, invitation
from koordination.calendar.recurrence import RecurrenceRule, expand
from koordination.clock import CITY_ZONE
from koordination.delivery.caldav import publish

READERS = Path(__file__).resolve().parents[1] / "readers"
REQUIRE_READERS = "KOORDINATION_REQUIRE_READERS"
DTSTAMP = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)
WINDOW_FROM = date(2026, 8, 1)
WINDOW_TO = date(2027, 9, 1)
TU, WE, FR = 1, 2, 4

#: (uid, local start, local end, UTC start, location): what a calendar shows, and when.
Row = tuple[str, str, str, int, str]

OFFICE = {
    "organizer_name": "Koordinierungsstelle Engagierte Stadt",
    "organizer_email": "koordination@stadt.example",
}
RATHAUS = Place(address="Berliner Platz 1\n35390 Gießen", room="Raum 2.14")
SAAL = Place(address="Kongresshalle, Südanlage 3", room="Saal „Hessen“")
ONLINE = Place(online_url="https://meet.example/ak-umwelt?pw=a;b")


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time()).replace(
        hour=hour, minute=minute, tzinfo=CITY_ZONE
    )


def scenario() -> list[Event]:
    """Series as coordinators make them, each with one moved and one cancelled occurrence."""
    second_tuesday = Event(
        uid="ak-umwelt-2026@koordination.example",
        sequence=4,
        title="Arbeitskreis Umwelt",
        description="Monatliches Treffen des Arbeitskreises.",
        start=at("2026-09-08", 18),
        end=at("2026-09-08", 20),
        place=RATHAUS,
        rrule=RecurrenceRule.monthly_on_weekday(2, TU, until=date(2027, 6, 30)).to_rrule(),
        overrides=(
            # Moved across the October switch, to a different room and hour.
            Override(
                recurrence_id=at("2026-10-13", 18),
                start=at("2026-10-27", 19),
                end=at("2026-10-27", 21, 30),
                place=SAAL,
                sequence=4,
            ),
            Override(recurrence_id=at("2027-03-09", 18), cancelled=True),
        ),
        agenda=("Begrüßung", "Baumpflanzaktion"),
        **OFFICE,
    )
    weekly = Event(
        uid="sprechstunde@koordination.example",
        sequence=1,
        title="Sprechstunde Ehrenamt",
        start=at("2026-10-06", 18),
        end=at("2026-10-06", 19, 30),
        place=RATHAUS,
        rrule=RecurrenceRule.weekly(TU, until=date(2027, 4, 20)).to_rrule(),
        overrides=(
            # From summer time (20.10.) to winter time (26.10., a Monday).
            Override(
                recurrence_id=at("2026-10-20", 18),
                start=at("2026-10-26", 17),
                end=at("2026-10-26", 18, 30),
            ),
            # The first Tuesday after the March switch.
            Override(recurrence_id=at("2027-03-30", 18), cancelled=True),
        ),
        **OFFICE,
    )
    fortnightly = Event(
        uid="werkstatt-digital@koordination.example",
        sequence=0,
        title="Digitalwerkstatt (online)",
        start=at("2026-09-16", 19, 30),
        end=at("2026-09-16", 21),
        place=ONLINE,
        rrule=RecurrenceRule.weekly(WE, interval=2, count=20).to_rrule(),
        overrides=(
            Override(
                recurrence_id=at("2027-03-24", 19, 30),
                start=at("2027-03-31", 19, 30),
                end=at("2027-03-31", 21),
                place=RATHAUS,
            ),
            Override(recurrence_id=at("2026-10-28", 19, 30), cancelled=True),
        ),
        **OFFICE,
    )
    last_friday = Event(
        uid="netzwerktreffen@koordination.example",
        sequence=2,
        title='Netzwerktreffen "Engagierte Stadt"',
        start=at("2026-09-25", 16),
        end=at("2026-09-25", 18),
        place=SAAL,
        rrule=RecurrenceRule.monthly_on_weekday(-1, FR, count=8).to_rrule(),
        overrides=(Override(recurrence_id=at("2026-10-30", 16), cancelled=True),),
        **OFFICE,
    )
    monthly_date = Event(
        uid="konsortium@koordination.example",
        sequence=0,
        title="Konsortiumssitzung",
        start=at("2026-09-15", 10),
        end=at("2026-09-15", 12),
        place=RATHAUS,
        rrule=RecurrenceRule.monthly_on_day(15, interval=2, until=date(2027, 7, 15)).to_rrule(),
        **OFFICE,
    )
    # A one-off workshop on the very day of the October switch.
    one_off = Event(
        uid="werkstatt-2026-10-25@koordination.example",
        sequence=0,
        title="Zukunftswerkstatt",
        start=at("2026-10-25", 10),
        end=at("2026-10-25", 16),
        place=SAAL,
        **OFFICE,
    )
    return [second_tuesday, weekly, fortnightly, last_friday, monthly_date, one_off]


def _row(uid: str, start: datetime, end: datetime, location: str) -> Row:
    local_start = start.astimezone(CITY_ZONE)
    local_end = end.astimezone(CITY_ZONE)
    return (
        uid,
        local_start.strftime("%Y-%m-%dT%H:%M"),
        local_end.strftime("%Y-%m-%dT%H:%M"),
        int(start.timestamp()),
        location,
    )


def _window() -> tuple[datetime, datetime]:
    start = datetime.combine(WINDOW_FROM, datetime.min.time(), tzinfo=CITY_ZONE)
    end = datetime.combine(WINDOW_TO, datetime.min.time(), tzinfo=CITY_ZONE)
    return start, end


# --- (a) koordination -------------------------------------------------------------------------


def own_rows(events: Iterable[Event]) -> list[Row]:
    start, end = _window()
    return sorted(
        _row(o.uid, o.start, o.end, o.place.location)
        for event in events
        for o in expand(event, start, end)
        if not o.cancelled
    )


# --- (b) vobject --------------------------------------------------------------------------------


def vobject_rows(data: bytes) -> list[Row]:
    """vobject's own parser and VTIMEZONE; RECURRENCE-ID components replace their instance."""
    window_start, window_end = _window()
    # vobject keeps the first VTIMEZONE it ever saw per TZID for the whole process; forget it,
    # so that this file is read with its own VTIMEZONE.
    vobject.icalendar.__dict__["__tzidMap"].pop("Europe/Berlin", None)
    calendar = vobject.readOne(data.decode("utf-8"))
    by_uid: dict[str, list[vobject.base.Component]] = {}
    for vevent in calendar.vevent_list:
        by_uid.setdefault(vevent.uid.value, []).append(vevent)
    rows: list[Row] = []
    for uid, components in by_uid.items():
        master = next(c for c in components if not hasattr(c, "recurrence_id"))
        if getattr(master, "status", None) and master.status.value == "CANCELLED":
            continue
        exceptions = {c.recurrence_id.value: c for c in components if hasattr(c, "recurrence_id")}
        duration = master.dtend.value - master.dtstart.value
        location = master.location.value if hasattr(master, "location") else ""
        ruleset = master.getrruleset(addRDate=True)
        starts = list(ruleset) if ruleset is not None else [master.dtstart.value]
        for start in starts:
            exception = next((c for rid, c in exceptions.items() if rid == start), None)
            if exception is not None:
                begin, finish = exception.dtstart.value, exception.dtend.value
                where = exception.location.value if hasattr(exception, "location") else ""
            else:
                begin, finish, where = start, start + duration, location
            if begin < window_end and finish > window_start:
                rows.append(_row(uid, begin, finish, where))
    return sorted(rows)


# --- (c) ical.js --------------------------------------------------------------------------------


def _no_readers(reason: str) -> None:
    if os.environ.get(REQUIRE_READERS, "1") != "0":
        pytest.fail(
            f"{reason}. Die Kalender werden mit ical.js (Thunderbird) gegengelesen: bitte Node.js "
            "und npm installieren (Debian/Ubuntu: sudo apt-get install nodejs npm) und "
            f"`make readers` ausführen. Nur ohne diesen Leser prüfen: {REQUIRE_READERS}=0.",
            pytrace=False,
        )
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with ical.js installed in tests/readers (installed here if npm exists)."""
    node = shutil.which("node")
    if node is None:
        _no_readers("node fehlt: ical.js (Thunderbirds Parser) kann nicht mitlesen")
    assert node is not None
    if not (READERS / "node_modules" / "ical.js" / "package.json").is_file():
        npm = shutil.which("npm")
        if npm is None:
            _no_readers("npm fehlt: ical.js kann nicht installiert werden")
        assert npm is not None
        result = subprocess.run(
            [npm, "ci", "--prefix", str(READERS), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            _no_readers(f"npm ci für ical.js schlug fehl:\n{result.stderr[-2000:]}")
    return node


def icaljs_rows(node: str, *paths: Path) -> dict[Path, list[Row]]:
    """ical.js's occurrences per file (one node process for all files)."""
    result = subprocess.run(
        [
            node,
            str(READERS / "expand.mjs"),
            WINDOW_FROM.isoformat(),
            WINDOW_TO.isoformat(),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {
        Path(path): sorted(
            (o["uid"], o["start"], o["end"], o["startUtc"], o["location"]) for o in occurrences
        )
        for path, occurrences in json.loads(result.stdout).items()
    }


# --- (d) Radicale -----------------------------------------------------------------------------

EXPAND_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data><C:expand start="{start}" end="{end}"/></C:calendar-data></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


def radicale_rows(server: RadicaleServer, calendar_url: str) -> list[Row]:
    """The server's own expansion (CalDAV REPORT with <C:expand>), read back as plain instants."""
    window_start, window_end = _window()
    stamp = "%Y%m%dT%H%M%SZ"
    query = EXPAND_QUERY.format(
        start=window_start.astimezone(UTC).strftime(stamp),
        end=window_end.astimezone(UTC).strftime(stamp),
    )
    status, body = server.request(
        "REPORT",
        calendar_url,
        query.encode(),
        {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
    )
    assert status == 207, body
    from xml.etree import ElementTree

    rows: list[Row] = []
    tree = ElementTree.fromstring(body)
    for data in tree.iter("{urn:ietf:params:xml:ns:caldav}calendar-data"):
        calendar = icalendar.Calendar.from_ical(data.text or "")
        for vevent in calendar.walk("VEVENT"):
            if str(vevent.get("STATUS", "")) == "CANCELLED":
                continue
            start = vevent.decoded("DTSTART")
            end = vevent.decoded("DTEND")
            rows.append(_row(str(vevent["UID"]), start, end, str(vevent.get("LOCATION", ""))))
    return sorted(rows)


# --- the proof ----------------------------------------------------------------------------------


def test_own_expansion_keeps_wall_clock_time_across_both_switches() -> None:
    rows = own_rows(scenario())
    tuesdays = [r for r in rows if r[0] == "ak-umwelt-2026@koordination.example"]
    assert [r[1] for r in tuesdays] == [
        "2026-09-08T18:00",
        "2026-10-27T19:00",  # moved, now in winter time
        "2026-11-10T18:00",
        "2026-12-08T18:00",
        "2027-01-12T18:00",
        "2027-02-09T18:00",
        # 09.03.2027 cancelled
        "2027-04-13T18:00",
        "2027-05-11T18:00",
        "2027-06-08T18:00",
    ]
    # 18:00 in September is 16:00 UTC, in November 17:00 UTC.
    assert tuesdays[0][3] == int(datetime(2026, 9, 8, 16, tzinfo=UTC).timestamp())
    assert tuesdays[2][3] == int(datetime(2026, 11, 10, 17, tzinfo=UTC).timestamp())


ATTENDEE = Attendee(name="Jörg Müller-Lüdenscheidt", email="joerg@example.org")


def files(tmp_path: Path) -> list[tuple[Path, list[Event]]]:
    """The feed of all events and one invitation per event, written out, with their events."""
    events = scenario()
    feed_path = tmp_path / "feed.ics"
    feed_path.write_bytes(feed(events, name="Engagierte Stadt – alle Termine", dtstamp=DTSTAMP))
    written = [(feed_path, events)]
    for number, event in enumerate(events):
        path = tmp_path / f"einladung-{number}.ics"
        path.write_bytes(invitation(event, ATTENDEE, dtstamp=DTSTAMP))
        written.append((path, [event]))
    return written


def test_feed_and_invitations_read_the_same_in_vobject(tmp_path: Path) -> None:
    for path, events in files(tmp_path):
        expected = own_rows(events)
        assert len(expected) >= (60 if len(events) > 1 else 1)
        assert vobject_rows(path.read_bytes()) == expected, path.name


def test_feed_and_invitations_read_the_same_in_icaljs(node: str, tmp_path: Path) -> None:
    written = files(tmp_path)
    rows = icaljs_rows(node, *(path for path, _ in written))
    for path, events in written:
        assert rows[path] == own_rows(events), path.name


def test_radicale_expands_published_events_exactly_like_koordination(
    radicale: RadicaleServer,
) -> None:
    events = scenario()
    calendar_url = radicale.new_calendar()
    report = publish(events, calendar_url, radicale.username, radicale.password, dtstamp=DTSTAMP)
    assert report.ok, report.summary()
    assert radicale_rows(radicale, calendar_url) == own_rows(events)


def test_radicale_reads_the_feed_events_as_put_by_hand(radicale: RadicaleServer) -> None:
    """The same objects PUT under other names, split from the feed exactly as it is served."""
    calendar = icalendar.Calendar.from_ical(feed(scenario(), name="Alle", dtstamp=DTSTAMP))
    (vtimezone,) = calendar.walk("VTIMEZONE")
    by_uid: dict[str, list[icalendar.cal.Component]] = {}
    for vevent in calendar.walk("VEVENT"):
        by_uid.setdefault(str(vevent["UID"]), []).append(vevent)
    calendar_url = radicale.new_calendar()
    for number, components in enumerate(by_uid.values()):
        single = icalendar.Calendar()
        for key in ("VERSION", "PRODID", "CALSCALE"):
            single.add(key, calendar[key])
        single.add_component(vtimezone)
        for component in components:
            single.add_component(component)
        status, body = radicale.request(
            "PUT",
            f"{calendar_url}feed-{number}.ics",
            single.to_ical(),
            {"Content-Type": "text/calendar; charset=utf-8"},
        )
        assert status == 201, body
    assert radicale_rows(radicale, calendar_url) == own_rows(scenario())


def broken_feed() -> tuple[bytes, list[Row]]:
    events = scenario()[:1]
    data = feed(events, name="kaputt", dtstamp=DTSTAMP)
    # Summer time at +03:00: a reader that really uses the file's VTIMEZONE gets other instants.
    return data.replace(b"TZOFFSETTO:+0200", b"TZOFFSETTO:+0300"), own_rows(events)


def test_vobject_comparison_notices_a_wrong_vtimezone() -> None:
    data, expected = broken_feed()
    assert vobject_rows(data) != expected


def test_icaljs_comparison_notices_a_wrong_vtimezone(node: str, tmp_path: Path) -> None:
    data, expected = broken_feed()
    path = tmp_path / "kaputt.ics"
    path.write_bytes(data)
    assert icaljs_rows(node, path)[path] != expected
