"""The Termine area driven like a user on the demo city: series, moves, cancellations, sending."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from textual.widgets import DataTable, Input, Select, SelectionList, Static
from tui_support import make_app, settle, text_of

from koordination.clock import CITY_ZONE
from koordination.db.engine import Database
from koordination.domain.enums import MeetingKind, MeetingStatus
from koordination.domain.inputs.meetings import MeetingInput
from koordination.services.directory.service import Directory
from koordination.services.meetings.service import Meetings
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.dialogs.meeting import MeetingFormScreen
from koordination.tui.dialogs.send import SendScreen

SIZE = (140, 40)
#: The demo's meetings lie in 2026/2027: the app believes it is this day.
TODAY = date(2026, 9, 1)


def group_id(url: str, name: str) -> int:
    db = Database(url)
    try:
        return next(g.id for g in Directory(db).list_groups() if g.name == name)
    finally:
        db.dispose()


def stored(url: str) -> Meetings:
    return Meetings(Database(url))


async def open_meetings(pilot: object, app: KoordinationApp) -> MeetingsArea:
    await settle(pilot, app)
    await pilot.press("6")  # type: ignore[attr-defined]
    await settle(pilot, app)
    return app.query_one(MeetingsArea)


def agenda(area: MeetingsArea) -> list[tuple[str, str, str]]:
    """(day, title, status) as the agenda shows them."""
    table = area.query_one("#meetings-agenda", DataTable)
    rows = []
    for i in range(table.row_count):
        cells = table.get_row_at(i)
        rows.append((cells[0].plain, cells[2].plain, cells[4].plain.strip()))
    return rows


async def put_cursor_on(pilot: object, app: KoordinationApp, area: MeetingsArea, day: str) -> None:
    """Highlight the AK Stadtteilarbeit date on ``day`` (like "13.10.26")."""
    index = next(
        i for i, (d, title, _s) in enumerate(agenda(area)) if day in d and "Stadtteil" in title
    )
    area.query_one("#meetings-agenda", DataTable).move_cursor(row=index)
    await settle(pilot, app)


def detail(app: KoordinationApp) -> str:
    return text_of(app.query_one("#meetings-detail", Static))


async def fill(pilot: object, app: KoordinationApp, **values: object) -> None:
    for key, value in values.items():
        widget = app.screen.query_one(f"#field-{key}")
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, Select):
            widget.value = value
        await pilot.pause()  # type: ignore[attr-defined]
    await settle(pilot, app)


async def test_agenda_shows_the_coming_weeks_with_moved_and_cancelled_dates(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        rows = agenda(area)
        assert rows[0] == ("Di 08.09.26", "AK Stadtteilarbeit", "eingeladen")
        assert "Agenda 01.09.2026 – 23.11.2026" in str(area.query_one(DataTable).border_title)
        await pilot.press("l")
        await settle(pilot, app)
        rows = agenda(area)
        assert ("Di 15.12.26", "AK Stadtteilarbeit", "verschoben") in rows
        assert ("Di 12.01.27", "AK Stadtteilarbeit", "abgesagt") in rows
        assert "Agenda 01.09.2026 – 15.02.2027" in str(area.query_one(DataTable).border_title)
        assert ("Di 09.02.27", "AK Stadtteilarbeit", "eingeladen") in rows
        assert not any("27" in d and int(d[6:8]) > 2 for d, _t, _s in rows)
        assert "AK Stadtteilarbeit" in detail(app)


async def test_detail_shows_rule_exceptions_and_answers(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        await put_cursor_on(pilot, app, area, "08.09.26")
        text = detail(app)
        assert "jeden 2. Dienstag im Monat, bis 31.07.2027" in text
        assert "Di 08.12.2026 → Di 15.12.2026 18:00" in text
        assert "Di 12.01.2027 abgesagt" in text
        assert "zugesagt" in text and "nicht einladbar" in text
        assert "UID demo-1@wiesenbrueck.example.org · SEQUENCE 2" in text


async def test_month_view_shows_the_meetings_of_each_day(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        await pilot.press("m")
        await settle(pilot, app)
        month = area.month
        assert month.display and not area.table.display
        assert month.cursor == date(2026, 9, 8)
        await pilot.press("pagedown", "pagedown", "pagedown")
        await settle(pilot, app)
        assert month.cursor == date(2026, 12, 8)
        assert [r.title for r in month.day_rows(date(2026, 12, 15))] == ["AK Stadtteilarbeit"]
        assert month.day_rows(date(2026, 12, 8)) == []
        assert "Dezember 2026" in text_of_widget(month)
        await pilot.press("right", "right", "right", "right", "right", "right", "right")
        await settle(pilot, app)
        assert month.cursor == date(2026, 12, 15)
        assert "verschoben" in detail(app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert area.table.display
        row = area.rows[area.table.cursor_row]
        assert (row.title, row.start.date()) == ("AK Stadtteilarbeit", date(2026, 12, 15))


def text_of_widget(widget: object) -> str:
    import io

    from rich.console import Console

    console = Console(width=100, file=io.StringIO(), color_system=None, record=True)
    console.print(widget.render())  # type: ignore[attr-defined]
    return console.export_text()


async def test_creating_a_series_every_second_tuesday_through_the_form(demo_db: str) -> None:
    ak = group_id(demo_db, "AK Junges Engagement")
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, MeetingFormScreen)
        await pilot.press(*"AK Ehrenamt")
        await fill(pilot, app, day="13.10.2026", start="18:7", end="20:00")
        problem = text_of(form.query_one("#problem-start", Static))
        assert problem == "„18:7“ ist keine Uhrzeit (erwartet wird z. B. 18:00)."
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form  # not saved
        await fill(pilot, app, start="18:00", repeat="monthly_nth")
        assert text_of(form.query_one("#problem-start", Static)) == ""
        # Weekday and n-th follow the date: 13.10.2026 is the second Tuesday.
        assert form.query_one("#field-weekday", Select).value == 1
        assert form.query_one("#field-nth", Select).value == 2
        form.query_one(SelectionList).select(ak)
        await settle(pilot, app)
        preview = text_of(form.query_one("#meeting-preview", Static))
        assert "jeden 2. Dienstag im Monat" in preview
        assert "Di 13.10.2026  18:00–20:00" in preview
        assert "Di 10.11.2026  18:00–20:00" in preview
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, MeetingFormScreen)
        assert ("Di 13.10.26", "AK Ehrenamt", "geplant") in agenda(area)
        assert ("Di 10.11.26", "AK Ehrenamt", "geplant") in agenda(area)
    saved = next(m for m in stored(demo_db).list_meetings() if m.title == "AK Ehrenamt")
    assert saved.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    assert saved.start == datetime(2026, 10, 13, 18, 0, tzinfo=CITY_ZONE)
    assert saved.end == datetime(2026, 10, 13, 20, 0, tzinfo=CITY_ZONE)
    assert saved.group_ids == (ak,)
    assert saved.kind == MeetingKind.ARBEITSKREIS


async def test_preview_warns_when_a_date_falls_on_a_holiday(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_meetings(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, MeetingFormScreen)
        await fill(
            pilot,
            app,
            title="Ehrenamtsbörse",
            day="01.10.2026",
            start="10:00",
            end="14:00",
            repeat="monthly_day",
            month_day="3",
            ending="count",
            count="3",
        )
        preview = text_of(form.query_one("#meeting-preview", Static))
        assert "monatlich am 3., 3 Termine" in preview
        assert "Erster Termin: Sa 03.10.2026" in preview
        assert "Der Termin am 03.10.2026 fällt auf einen Feiertag (Tag der Deutschen Einheit)." in (
            preview.replace("\n", " ")
        )


async def test_moving_an_occurrence_shows_it_on_the_new_date_as_moved(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        await put_cursor_on(pilot, app, area, "13.10.26")
        await pilot.press("v")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, app, day="20.10.2026", start="19:00", end="21:00", room="Raum 3")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        rows = agenda(area)
        assert ("Di 20.10.26", "AK Stadtteilarbeit", "verschoben") in rows
        assert not any(d == "Di 13.10.26" and "Stadtteil" in t for d, t, _s in rows)
        row = area.rows[area.table.cursor_row]
        assert row.start == datetime(2026, 10, 20, 19, 0, tzinfo=CITY_ZONE)
        assert "Raum 3" in detail(app)


async def test_cancelling_an_occurrence_marks_it_abgesagt(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        await put_cursor_on(pilot, app, area, "10.11.26")
        await pilot.press("a")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await settle(pilot, app)
        assert ("Di 10.11.26", "AK Stadtteilarbeit", "abgesagt") in agenda(area)
        assert ("Di 13.10.26", "AK Stadtteilarbeit", "eingeladen") in agenda(area)
    meeting = stored(demo_db).get(1)
    assert meeting.status == MeetingStatus.EINGELADEN
    assert [o.recurrence_id.date() for o in meeting.overrides if o.cancelled] == [
        date(2026, 11, 10),
        date(2027, 1, 12),
    ]


async def test_sending_invitations_as_files_writes_one_file_per_recipient(
    demo_db: str, tmp_path: Path
) -> None:
    jung = group_id(demo_db, "AK Junges Engagement")
    meetings = stored(demo_db)
    created = meetings.create(
        MeetingInput(
            title="Jugendforum",
            kind=MeetingKind.NETZWERKTREFFEN,
            start=datetime(2026, 9, 24, 17, 0, tzinfo=CITY_ZONE),
            end=datetime(2026, 9, 24, 19, 0, tzinfo=CITY_ZONE),
            room="Jugendzentrum",
            group_ids=[jung],
        )
    ).record
    meetings.db.dispose()
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        index = next(i for i, (_d, t, _s) in enumerate(agenda(area)) if t == "Jugendforum")
        area.table.move_cursor(row=index)
        await settle(pilot, app)
        assert "noch niemand eingeladen" in detail(app)
        await pilot.press("s")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, SendScreen)
        plan = text_of(dialog.query_one("#send-plan", Static))
        requests = len(dialog.offer.plan.deliveries)
        assert requests > 0
        assert plan.startswith(f"{requests} Einladungen, 0 Absagen")
        excluded = dialog.offer.plan.excluded
        for name, reason in excluded:
            assert f"{name} – {reason}" in plan
        assert dialog.query_one("#mail").disabled  # no SMTP settings in this test
        await pilot.click("#files")
        await settle(pilot, app)
        result = text_of(dialog.query_one("#send-result", Static))
        assert result.startswith(f"{requests} Dateien in ")
        await pilot.press("escape")
        await settle(pilot, app)
        text = detail(app)
        assert text.count("eingeladen, keine Antwort") == requests
        assert f"{requests} keine Antwort" in text
        # Nothing changed since: a second run has nothing to send.
        await pilot.press("s")
        await settle(pilot, app)
        assert isinstance(app.screen, SendScreen)
        assert app.screen.offer.plan.deliveries == ()
        await pilot.press("escape")
        await settle(pilot, app)
    folder = tmp_path / "exports" / "einladungen" / f"2026-09-24-jugendforum-{created.id}"
    files = sorted(folder.glob("*.ics"))
    assert len(files) == requests
    names = {d.name for d in dialog.offer.plan.deliveries}
    assert {f.name.removesuffix(" Einladung.ics") for f in files} == names
    for f in files:
        content = f.read_bytes()
        assert b"METHOD:REQUEST" in content
        assert content.count(b"ATTENDEE") == 1


async def test_recording_an_answer_by_hand(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_meetings(pilot, app)
        await put_cursor_on(pilot, app, area, "13.10.26")
        before = area.current_invitations
        person = next(r for r in before if r.sent_sequence is not None and not r.excluded_because)
        await pilot.press("r")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, app, invitation_id=person.invitation_id, status=_status("abgesagt"))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        after = next(r for r in area.current_invitations if r.invitation_id == person.invitation_id)
        assert after.status.label == "abgesagt"


def _status(label: str) -> object:
    from koordination.domain.enums import ResponseStatus

    return next(s for s in ResponseStatus if s.label == label)


async def test_overview_lists_next_meetings_and_open_answers(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        text = text_of(app.query_one("#overview-meetings", Static))
        lines = text.splitlines()
        assert lines[0] == "Nächste Termine"
        assert lines[1].split()[:4] == ["Di", "08.09.2026", "18:00–20:00", "AK"]
        assert len([line for line in lines if "2026" in line]) == 5
        assert "Offene Antworten" in text


def toasts(app: KoordinationApp) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast").results(Static)]


def someone_not_invited(url: str, meeting_id: int) -> tuple[int, str]:
    """A person with an e-mail address who is not on the meeting's list: (id, name)."""
    db = Database(url)
    try:
        listed = {r.person_id for r in Meetings(db).invitation_list(meeting_id)}
        person = next(p for p in Directory(db).list_people() if p.id not in listed and p.emails)
        return person.id, person.name
    finally:
        db.dispose()


async def test_inviting_a_guest_and_taking_someone_off_the_list(demo_db: str) -> None:
    from koordination.tui.dialogs.pickers import PersonPickerScreen
    from koordination.tui.widgets.lazy_table import LazyTable

    guest_id, guest_name = someone_not_invited(demo_db, 1)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        area = await open_meetings(pilot, app)
        await put_cursor_on(pilot, app, area, "13.10.26")
        assert guest_name not in detail(app)
        before = len([r for r in area.current_invitations if not r.removed])
        await pilot.press("G")
        await settle(pilot, app)
        picker = app.screen
        assert isinstance(picker, PersonPickerScreen)
        picker.query_one("#person-search", Input).value = guest_name
        await settle(pilot, app)
        table = picker.query_one("#person-picker", LazyTable)
        index = table.index_of(guest_id)
        assert index is not None
        table.cursor_row = index
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, PersonPickerScreen)
        text = detail(app)
        assert f"Einladungsliste ({before + 1})" in text
        assert guest_name in text
        assert any(f"{guest_name} steht jetzt auf der Einladungsliste" in n for n in toasts(app))
        row = next(r for r in area.current_invitations if r.person_id == guest_id)
        assert row.via == "Gast" and not row.removed and row.sent_sequence is None

        # Take off someone who already received the invitation.
        gone = next(
            r for r in area.current_invitations if r.sent_sequence is not None and not r.removed
        )
        await pilot.press("x")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, app, person_id=gone.person_id)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await settle(pilot, app)
        text = detail(app)
        assert f"Einladungsliste ({before})" in text
        assert gone.name not in text
        assert any(
            "bekommt mit dem nächsten Versand (Taste s) eine Absage" in n for n in toasts(app)
        )
        assert not any(
            r.person_id == gone.person_id for r in area.current_invitations if not r.removed
        )
    meetings = stored(demo_db)
    rows = {r.person_id: r for r in meetings.invitation_list(1)}
    assert rows[guest_id].via == "Gast" and not rows[guest_id].removed
    assert rows[gone.person_id].removed
    plan = meetings.plan_delivery(1)
    cancels = [d for d in plan.deliveries if d.person_id == gone.person_id]
    assert [d.method for d in cancels] == ["CANCEL"]
    if not rows[guest_id].excluded_because:
        assert any(d.person_id == guest_id and d.method == "REQUEST" for d in plan.deliveries)
