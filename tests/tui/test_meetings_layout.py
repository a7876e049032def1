"""Termine at the user's seat: what the agenda shows at 80×24 and at 120×40, each date's own
answers and comments in the detail, and the warning when a date is put where another meeting
already is."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from support.reply_mails import demo_reply, rewrite, with_comment
from textual.widgets import DataTable, Input, SelectionList, Static
from tui_support import make_app, settle, text_of

from koordination.calendar.replies import read_replies
from koordination.clock import CITY_ZONE
from koordination.core import open_core
from koordination.domain.enums import ResponseStatus
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.dialogs.form import FormScreen


async def open_meetings(pilot: object, app: KoordinationApp) -> MeetingsArea:
    await settle(pilot, app)
    await pilot.press("6")  # type: ignore[attr-defined]
    await settle(pilot, app)
    return app.query_one(MeetingsArea)


def columns(area: MeetingsArea) -> dict[str, int]:
    return {c.label.plain: c.width for c in area.table.ordered_columns}


def cells(area: MeetingsArea, row: int) -> list[str]:
    return [cell.plain for cell in area.table.get_row_at(row)]


def toasts(app: KoordinationApp) -> list[tuple[str, str, str]]:
    return [(n.title, n.message, n.severity) for n in app._notifications]


async def test_agenda_shows_date_time_and_title_at_80_and_whole_statuses_at_120(
    demo_db: str,
) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        area = await open_meetings(pilot, app)
        shown = columns(area)
        assert list(shown) == ["Tag", "Zeit", "Termin"]
        # The title has the room of the year and of the time's end (it had 18 cells); the
        # detail pane says both of the date in the cursor.
        assert shown["Termin"] >= 26
        first = cells(area, 0)
        assert first[:3] == ["Di 08.09.", "18:00", "AK Stadtteilarbeit"]
        assert "Di 08.09.2026, 18:00–20:00" in text_of(area.query_one("#meetings-detail", Static))
        titles = [cells(area, i)[2] for i in range(len(area.rows))]
        assert "Sprechstunde Digitales En…" in titles
        # The hint beside the group filter stays on one line.
        hint = area.query_one("#meetings-range", Static)
        assert hint.size.height <= 3 and len(text_of(hint)) <= hint.size.width
        # Status and place dropped out of the table; the detail pane names them.
        assert "eingeladen" in text_of(area.query_one("#meetings-detail", Static))

        await pilot.resize_terminal(120, 40)
        await settle(pilot, app)
        shown = columns(area)
        assert "Status" in shown and shown["Status"] >= len("verschoben")
        assert shown["Termin"] >= 18
        statuses = {cells(area, i)[list(shown).index("Status")] for i in range(len(area.rows))}
        assert "eingeladen" in statuses
        assert cells(area, 0)[:2] == ["Di 08.09.26", "18:00–20:00"]  # room for year and end


async def test_moving_a_date_into_an_occupied_room_warns_but_saves(demo_db: str) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        area = await open_meetings(pilot, app)
        index = next(
            i
            for i, r in enumerate(area.rows)
            if r.title == "AK Stadtteilarbeit" and r.start.day == 13 and r.start.month == 10
        )
        area.table.move_cursor(row=index, animate=False)
        await settle(pilot, app)
        await pilot.press("v")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        # The Konsortiumssitzung meets in the Großer Saal on 21.10.2026 from 17:00 to 19:00.
        for key, value in {
            "day": "21.10.2026",
            "start": "17:30",
            "end": "19:00",
            "room": "Großer Saal",
        }.items():
            form.query_one(f"#field-{key}", Input).value = value
            await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        warnings = [(t, m) for t, m, s in toasts(app) if s == "warning"]
        assert len(warnings) == 1
        title, message = warnings[0]
        assert "Überschneidung" in title
        assert "Konsortiumssitzung" in message and "21.10.2026" in message
        # A warning, not a refusal: the date moved.
        row = area.rows[area.table.cursor_row]
        assert row.title == "AK Stadtteilarbeit"
        assert row.start == datetime(2026, 10, 21, 17, 30, tzinfo=CITY_ZONE)
        assert isinstance(area.table, DataTable)


def detail_text(area: MeetingsArea) -> str:
    return text_of(area.query_one("#meetings-detail", Static))


def person_line(text: str, name: str) -> str:
    """The invitation list's line of ``name`` and the comment lines under it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if name in line)
    end = start + 1
    while end < len(lines) and lines[end].strip().startswith("„"):
        end += 1
    return " ".join(line.strip() for line in lines[start:end])


async def test_the_detail_shows_each_dates_own_answers_and_the_comments_at_80x24(
    demo_db: str, tmp_path: Path
) -> None:
    """Lukas declines only 13.10. (Gmail, with a comment) and Renate accepts the series with
    "Ich komme 30 Minuten später" (Thunderbird): the 13.10. shows Lukas as abgesagt, the
    10.11. shows his answer for the series."""
    mails = {
        "lukas.eml": rewrite(
            demo_reply("google_declined_occurrence.eml"),
            lambda text: with_comment("Im Oktober bin ich verreist")(
                text.replace(
                    "RECURRENCE-ID;TZID=Europe/Berlin:20261208T180000",
                    "RECURRENCE-ID;TZID=Europe/Berlin:20261013T180000",
                )
            ),
        ),
        "renate.eml": rewrite(
            demo_reply("thunderbird_accepted.eml"), with_comment("Ich komme 30 Minuten später")
        ),
    }
    core = open_core(demo_db)
    try:
        for name, data in mails.items():
            (tmp_path / name).write_bytes(data)
            replies, _problems = read_replies(tmp_path / name)
            assert core.meetings.apply_replies(replies).applied == 1
        lukas = next(r for r in core.meetings.invitation_list(1) if r.name == "Lukas Yilmaz")
    finally:
        core.close()
    assert lukas.status != ResponseStatus.ABGESAGT  # his answer for the series stays

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        area = await open_meetings(pilot, app)
        october = next(i for i, r in enumerate(area.rows) if r.start.date() == date(2026, 10, 13))
        area.table.move_cursor(row=october, animate=False)
        await settle(pilot, app)
        shown = detail_text(area)
        assert "Di 13.10.2026" in shown
        line = person_line(shown, "Lukas Yilmaz")
        assert "abgesagt nur an diesem Termin" in line
        assert "„Im Oktober bin ich verreist“" in line
        assert "„Ich komme 30 Minuten später“" in person_line(shown, "Renate Schäfer")

        november = next(i for i, r in enumerate(area.rows) if r.start.date() == date(2026, 11, 10))
        area.table.move_cursor(row=november, animate=False)
        await settle(pilot, app)
        shown = detail_text(area)
        assert "Di 10.11.2026" in shown
        line = person_line(shown, "Lukas Yilmaz")
        assert "abgesagt" not in line and "verreist" not in line
        assert "„Ich komme 30 Minuten später“" in person_line(shown, "Renate Schäfer")


async def test_a_new_meeting_in_the_slot_of_its_groups_meeting_warns_but_is_saved(
    demo_db: str,
) -> None:
    """The AK Stadtteilarbeit meets on Tuesday 13.10.2026 from 18:00 to 20:00; a new meeting of
    the same group at 19:00, typed into the form, is saved with a German warning."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_meetings(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, FormScreen)
        typed = {
            "title": "Vorbereitung Stadtteilfest",
            "day": "13.10.2026",
            "start": "19:00",
            "end": "20:30",
        }
        for key, value in typed.items():
            field = form.query_one(f"#field-{key}", Input)
            for _ in range(20):  # Tab through the form to the field
                if app.focused is field:
                    break
                await pilot.press("tab")
            assert app.focused is field
            await pilot.press(*value)
        groups = form.query_one(SelectionList)
        for _ in range(30):
            if app.focused is groups:
                break
            await pilot.press("tab")
        assert app.focused is groups
        wanted = next(
            i
            for i in range(groups.option_count)
            if "AK Stadtteilarbeit" in str(groups.get_option_at_index(i).prompt)
        )
        for _ in range(wanted):
            await pilot.press("down")
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, FormScreen)
        warnings = [(t, m) for t, m, s in toasts(app) if s == "warning"]
        assert [t for t, _m in warnings] == ["Überschneidung – trotzdem gespeichert"]
        assert "AK Stadtteilarbeit" in warnings[0][1] and "13.10.2026" in warnings[0][1]
    core = open_core(demo_db)
    try:
        saved = next(
            m for m in core.meetings.list_meetings() if m.title == "Vorbereitung Stadtteilfest"
        )
    finally:
        core.close()
    assert saved.start == datetime(2026, 10, 13, 19, 0, tzinfo=CITY_ZONE)
    assert saved.group_names == ("AK Stadtteilarbeit",)
