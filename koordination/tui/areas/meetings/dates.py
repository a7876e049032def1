"""The Termine area's actions on dates: a new meeting or series, editing, moving and cancelling
a date or the whole series, with holiday and clash warnings, and opening the history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from koordination.domain.enums import MeetingStatus
from koordination.domain.records.directory import Saved
from koordination.domain.records.meetings import MeetingRecord
from koordination.tui.areas.meetings.rows import Key, day_start, key_of, meeting_input
from koordination.tui.areas.meetings.view import AgendaView
from koordination.tui.formatting import short_day

if TYPE_CHECKING:
    from koordination.domain.inputs.meetings import MeetingInput, MoveInput
    from koordination.services.meetings.service import Meetings
    from koordination.tui.dialogs.meeting import MeetingFormResult, Preview

#: How many clashes a warning lists before "… und N weitere".
CLASHES_SHOWN = 3


def clash_lines(meetings: Meetings, data: MeetingInput, meeting_id: int) -> list[str]:
    """Runs in a worker: the German lines for other meetings ``data`` overlaps (a warning,
    never a refusal: the meeting is saved)."""
    from koordination.services.meetings.clashes import clash_warnings

    found = meetings.clashes(data, exclude_meeting_id=meeting_id)
    return clash_warnings(found, CLASHES_SHOWN)


class DateActions(AgendaView):
    """Creating and changing meetings and their dates."""

    def _warn_clashes(self, lines: list[str]) -> None:
        if lines:
            self.notify(
                "\n".join(lines),
                title="Überschneidung – trotzdem gespeichert",
                severity="warning",
                timeout=15,
                markup=False,
            )

    # ------------------------------------------------------------------ create and edit
    def preview_function(self) -> Callable[[MeetingInput], Preview]:
        meetings = self.meetings
        assert meetings is not None
        today = self.today()

        def preview(data: MeetingInput) -> Preview:
            from koordination.calendar.events import Event
            from koordination.calendar.recurrence import expand
            from koordination.services.meetings.times import LOOKAHEAD
            from koordination.tui.dialogs.meeting import Preview

            assert data.start is not None and data.end is not None
            event = Event(
                uid="vorschau",
                sequence=0,
                title=data.title,
                start=data.start,
                end=data.end,
                rrule=data.rrule,
            )
            start = max(data.start, day_start(today)) if data.rrule else data.start
            found = expand(event, start, start + LOOKAHEAD)
            starts = tuple((o.start, o.end) for o in found[:6])
            warnings = tuple(meetings.holiday_warnings(data))
            return Preview(starts, warnings, more=len(found) > 6)

        return preview

    def action_new(self) -> None:
        from koordination.tui.dialogs.meeting import MeetingFormScreen, meeting_values

        if self._service() is None:
            return

        def done(result: MeetingFormResult | None) -> None:
            if result is not None:
                self._save(None, result)

        self.app.push_screen(
            MeetingFormScreen(
                "Termin oder Serie anlegen",
                meeting_values(None, self.today()),
                self.groups,
                self.preview_function(),
            ),
            done,
        )

    def action_edit(self) -> None:
        from koordination.tui.dialogs.meeting import MeetingFormScreen, meeting_values

        picked = self.selected()
        if picked is None:
            return
        _row, meeting = picked

        def done(result: MeetingFormResult | None) -> None:
            if result is not None:
                self._save(meeting, result)

        kind = "Serie" if meeting.rrule else "Termin"
        self.app.push_screen(
            MeetingFormScreen(
                f"{kind} bearbeiten – {meeting.title}",
                meeting_values(meeting, self.today()),
                self.groups,
                self.preview_function(),
                series_edit=bool(meeting.rrule),
            ),
            done,
        )

    def _save(self, original: MeetingRecord | None, result: MeetingFormResult) -> None:
        meetings = self.meetings
        assert meetings is not None
        data = result.data

        def call() -> tuple[Saved[MeetingRecord], list[str]]:
            if original is None:
                saved = meetings.create(data)
            elif result.from_day is not None and original.rrule:
                saved = meetings.split_series(original, result.from_day, data)
            else:
                saved = meetings.update(original, data)
            return saved, clash_lines(meetings, data, saved.record.id)

        def done(outcome: tuple[Saved[MeetingRecord], list[str]]) -> None:
            saved, clashes = outcome
            record = saved.record
            verb = "angelegt" if original is None else "gespeichert"
            first = record.start.date()
            start, end = self.window_start, self.window_end
            if original is None and start and end and not start <= first < end:
                # Show the new meeting: the agenda reaches out to its first date.
                self.window_start = min(start, first)
                self.window_end = max(end, first + timedelta(weeks=self.WEEKS))
            for warning in saved.warnings:
                self.notify(warning, title="Feiertag", severity="warning", timeout=10)
            hint = " Einladungen verschicken: Taste s." if original is None else ""
            self._saved(f"„{record.title}“ wurde {verb}.{hint}", record.id)
            self._warn_clashes(clashes)

        self.call_service(call, done)

    def action_history(self) -> None:
        from koordination.tui.screens.audit import AuditScreen

        picked, core = self.selected(), self.core
        if picked is not None and core is not None:
            meeting = picked[1]
            self.app.push_screen(AuditScreen(core, "meeting", meeting.id, meeting.title))

    # ------------------------------------------------------------------ exceptions
    def action_move(self) -> None:
        from koordination.tui.dialogs.meeting import move_form

        picked = self.selected()
        if picked is None:
            return
        row, meeting = picked
        if row.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist abgesagt.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None

        def done(move: MoveInput | None) -> None:
            if move is None:
                return

            data = meeting_input(
                meeting,
                start=move.start,
                end=move.end,
                address=move.address,
                room=move.room,
                online_url=move.online_url,
            )

            def call() -> list[str]:
                if meeting.rrule:
                    meetings.move_occurrence(
                        meeting.id,
                        row.recurrence_id,
                        start=move.start,
                        end=move.end,
                        address=move.address,
                        room=move.room,
                        online_url=move.online_url,
                    )
                    # The one date where it goes now, against everything else.
                    return clash_lines(meetings, replace(data, rrule=None), meeting.id)
                meetings.update(meeting, data)
                return clash_lines(meetings, data, meeting.id)

            def moved(clashes: list[str]) -> None:
                self._saved(
                    f"Termin verschoben auf {short_day(move.start)}, {move.start:%H:%M} Uhr. "
                    "Die Aktualisierung verschicken: Taste s.",
                    key,
                )
                self._warn_clashes(clashes)

            key: Key = (meeting.id, row.recurrence_id if meeting.rrule else move.start)
            self.call_service(call, moved)

        self.app.push_screen(move_form(row, meeting), done)

    def action_cancel_occurrence(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        picked = self.selected()
        if picked is None:
            return
        row, meeting = picked
        if not meeting.rrule:
            self.action_cancel_meeting()
            return
        if row.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist schon abgesagt.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None
        when = f"{short_day(row.start)}, {row.start:%H:%M} Uhr"

        def answer(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    lambda: meetings.cancel_occurrence(meeting.id, row.recurrence_id),
                    lambda _m: self._saved(
                        f"Der Termin am {short_day(row.start)} ist abgesagt. "
                        "Die Absagen verschicken: Taste s.",
                        key_of(row),
                    ),
                )

        self.app.push_screen(
            ConfirmScreen(
                f"Termin absagen – {meeting.title}",
                [
                    f"Nur der Termin am {when} entfällt; die Serie läuft weiter.",
                    "Die Eingeladenen erhalten die Absage mit dem nächsten Versand (Taste s).",
                ],
                "Termin absagen",
                "Nicht absagen",
            ),
            answer,
        )

    def action_cancel_meeting(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        picked = self.selected()
        if picked is None:
            return
        row, meeting = picked
        if meeting.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist schon abgesagt.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None
        what = "die ganze Serie" if meeting.rrule else "den Termin"

        def answer(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    lambda: meetings.cancel(meeting),
                    lambda _m: self._saved(
                        f"„{meeting.title}“ ist abgesagt. Die Absagen verschicken: Taste s.",
                        key_of(row),
                    ),
                )

        lines = [
            f"Wirklich {what} „{meeting.title}“ absagen?",
            "Alle Eingeladenen erhalten mit dem nächsten Versand (Taste s) eine Absage, "
            "ihre Kalender entfernen den Eintrag.",
        ]
        if meeting.rrule:
            lines.insert(1, "Nur einen Termin absagen: Taste a.")
        self.app.push_screen(
            ConfirmScreen(
                f"{'Serie' if meeting.rrule else 'Termin'} absagen",
                lines,
                "Absagen",
                "Nicht absagen",
            ),
            answer,
        )
