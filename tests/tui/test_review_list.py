"""Rückmeldungen prüfen at 80×24: a counter-proposal, a comment and a delegation booked from
mails the way clients write them show in Termine; accepting the proposal moves the date,
dismissing takes an item off the open list, a delegate not in the directory is picked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from support.reply_mails import as_counter, as_delegated, demo_reply, rewrite, with_comment
from textual.widgets import DataTable, Static
from tui_support import make_app, settle, text_of

from koordination.calendar.replies import read_replies
from koordination.clock import CITY_ZONE
from koordination.core import open_core
from koordination.domain.enums import ReviewKind
from koordination.tui.areas.meetings import MeetingsArea
from koordination.tui.dialogs.form import ConfirmScreen
from koordination.tui.dialogs.pickers import PersonPickerScreen
from koordination.tui.screens.review import ReviewScreen

#: The AK Stadtteilarbeit's date of 08.12.2026 (its original start), and what Lukas proposes.
DECEMBER = datetime(2026, 12, 8, 18, 0, tzinfo=CITY_ZONE)
PROPOSED = datetime(2026, 12, 15, 19, 0, tzinfo=CITY_ZONE)


def book(url: str, folder: Path) -> None:
    """A Gmail counter-proposal, a Thunderbird answer with a comment and an Outlook delegation,
    read and booked as `koordination replies import` does."""
    mails = {
        "counter.eml": rewrite(
            demo_reply("google_declined_occurrence.eml"),
            as_counter("20261215T190000", "20261215T210000", "Um 18 Uhr schaffe ich es nicht"),
        ),
        "comment.eml": rewrite(
            demo_reply("thunderbird_accepted.eml"), with_comment("Ich komme 30 Minuten später")
        ),
        "delegated.eml": rewrite(
            demo_reply("outlook_accepted.eml"),
            as_delegated("Monika.Weiss@Example.NET", "vertretung@example.org", "Vera Vertretung"),
        ),
    }
    core = open_core(url)
    try:
        for name, data in mails.items():
            (folder / name).write_bytes(data)
            replies, problems = read_replies(folder / name)
            assert problems == []
            core.meetings.apply_replies(replies)
        kinds = [i.kind for i in core.meetings.review.items()]
        assert kinds == [ReviewKind.GEGENVORSCHLAG, ReviewKind.KOMMENTAR, ReviewKind.VERTRETUNG]
    finally:
        core.close()


def rows(screen: ReviewScreen) -> list[dict[str, str]]:
    """The rows as shown: column header → cell text."""
    table = screen.query_one("#review-table", DataTable)
    labels = [c.label.plain for c in table.ordered_columns]
    return [
        {label: cell.plain for label, cell in zip(labels, table.get_row_at(i), strict=True)}
        for i in range(table.row_count)
    ]


def kinds(screen: ReviewScreen) -> list[str]:
    return [r["Art"] for r in rows(screen)]


def toasts(app: object) -> str:
    return "\n".join(n.message for n in app._notifications)  # type: ignore[attr-defined]


async def test_accepting_a_proposal_moves_the_date_and_dismissing_takes_it_off_the_list(
    demo_db: str, tmp_path: Path
) -> None:
    book(demo_db, tmp_path)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        area = app.query_one(MeetingsArea)
        status = text_of(area.query_one("#meetings-status", Static))
        assert "P: 3 Rückmeldungen zu prüfen" in status
        assert len(status) <= 78  # one line at 80 columns

        await pilot.press("P")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        shown = rows(screen)
        # Kind, the whole meeting title, the date and who; low-priority columns dropped first.
        assert shown[0] == {
            "Nr.": "1",
            "Art": "Gegenvorschlag",
            "Termin": "AK Stadtteilarbeit",
            "Datum": "08.12.2026",
            "Von": "Lukas Yilmaz",
        }
        assert kinds(screen) == ["Gegenvorschlag", "Kommentar", "Vertretung"]
        detail = text_of(screen.query_one("#review-detail", Static))
        assert "15.12.2026 19:00–21:00 Uhr" in detail
        assert "„Um 18 Uhr schaffe ich es nicht“" in detail
        # Everything by keyboard, the keys in the footer.
        shown_keys = {k for k, a in screen.active_bindings.items() if a.binding.show}
        assert {"escape", "y", "d", "G", "o"} <= shown_keys

        await pilot.press("y")
        await settle(pilot, app)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "Di 15.12.2026, 19:00–21:00 Uhr" in " ".join(confirm.lines)
        await pilot.press("j")
        await settle(pilot, app)
        assert app.screen is screen
        assert "ist jetzt am 15.12.2026 um 19:00 Uhr" in toasts(app)
        # The resolved proposal left the open list; the cursor is on the comment now.
        assert kinds(screen) == ["Kommentar", "Vertretung"]

        await pilot.press("d")
        await settle(pilot, app)
        assert kinds(screen) == ["Vertretung"]
        await pilot.press("o")  # alle zeigen: the resolved ones with their state
        await settle(pilot, app)
        assert kinds(screen) == ["Gegenvorschlag", "Kommentar", "Vertretung"]
        assert [r["Stand"] for r in rows(screen)] == ["angenommen", "verworfen", "offen"]
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is not screen
        assert "P: 1 Rückmeldung zu prüfen" in text_of(area.query_one("#meetings-status", Static))

    core = open_core(demo_db)
    try:
        meeting = core.meetings.get(1)
        moved = next(o for o in meeting.overrides if o.recurrence_id == DECEMBER)
        assert moved.start == PROPOSED
        assert moved.end == datetime(2026, 12, 15, 21, 0, tzinfo=CITY_ZONE)
        review = core.meetings.review
        assert [i.kind for i in review.items(open_only=True)] == [ReviewKind.VERTRETUNG]
        assert {i.id: i.resolution for i in review.items(open_only=False) if not i.open} == {
            1: "angenommen",
            2: "verworfen",
        }
    finally:
        core.close()


async def test_a_delegate_not_in_the_directory_is_picked_and_invited_as_guest(
    demo_db: str, tmp_path: Path
) -> None:
    book(demo_db, tmp_path)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        await pilot.press("P")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("G")  # on the proposal: only a delegation can be invited
        await settle(pilot, app)
        assert app.screen is screen
        await pilot.press("down", "down", "G")
        await settle(pilot, app)
        picker = app.screen
        assert isinstance(picker, PersonPickerScreen)
        await pilot.press(*"Albrecht")
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        assert kinds(screen) == ["Gegenvorschlag", "Kommentar"]

    core = open_core(demo_db)
    try:
        delegation = core.meetings.review.get(3)
        assert delegation.resolution == "als Gast eingeladen"
        guests = [r.name for r in core.meetings.invitation_list(1) if r.via == "Gast"]
        assert any("Albrecht" in name for name in guests)
    finally:
        core.close()
