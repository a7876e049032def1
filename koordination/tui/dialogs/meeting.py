"""Dialogs of the Termine area: meeting/series form with preview, move, go to, answer, and
taking people off the invitation list."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from dateutil.rrule import rrulestr
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static
from textual.worker import get_current_worker

from koordination.calendar.recurrence import WEEKDAY_NAMES, RecurrenceRule
from koordination.clock import CITY_ZONE
from koordination.domain.enums import MeetingKind, ResponseStatus
from koordination.domain.inputs.meetings import (
    AnswerInput,
    MeetingInput,
    build_answer,
    build_move,
)
from koordination.domain.inputs.validation import (
    date_value,
    parse_date,
    required_date,
    required_time,
    text_value,
)
from koordination.domain.records.meetings import InvitationRow, MeetingRecord, OccurrenceRow
from koordination.errors import FieldError, KoordinationError, ValidationError
from koordination.tui.dialogs.form import FormScreen, dialog_buttons
from koordination.tui.formatting import short_day, time_span
from koordination.tui.keys import bind
from koordination.tui.widgets.form import CheckList, FieldSpec, FormFields

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------------- parsing


def _positive(
    values: dict[str, Any], key: str, label: str, problems: list[FieldError], *, most: int
) -> int | None:
    text = text_value(values, key)
    if not text.isdigit() or not 1 <= int(text) <= most:
        problems.append(FieldError(label, f"bitte eine Zahl von 1 bis {most} eingeben."))
        return None
    return int(text)


# ---------------------------------------------------------------------- meeting form

REPEAT_CHOICES: list[tuple[str, str]] = [
    ("keine (einzelner Termin)", "none"),
    ("wöchentlich / alle N Wochen", "weekly"),
    ("monatlich an einem Tag", "monthly_day"),
    ("monatlich am n-ten Wochentag", "monthly_nth"),
]
NTH_CHOICES: list[tuple[str, int]] = [
    ("1.", 1),
    ("2.", 2),
    ("3.", 3),
    ("4.", 4),
    ("letzten", -1),
]
ENDING_CHOICES: list[tuple[str, str]] = [
    ("nie (offen)", "never"),
    ("am Datum", "until"),
    ("nach Anzahl Terminen", "count"),
]
WEEKDAY_CHOICES = [(name, i) for i, name in enumerate(WEEKDAY_NAMES)]


def meeting_fields(series_edit: bool) -> list[FieldSpec]:
    fields = [
        FieldSpec("kind", "Art", kind="select", choices=MeetingKind.choices(), allow_blank=False),
        FieldSpec("title", "Titel"),
        FieldSpec("day", "Datum", placeholder="TT.MM.JJJJ, erster Termin"),
        FieldSpec("start", "Beginn", placeholder="HH:MM"),
        FieldSpec("end", "Ende", placeholder="HH:MM"),
        FieldSpec("address", "Adresse", placeholder="Straße Nr., PLZ Ort"),
        FieldSpec("room", "Raum"),
        FieldSpec("online_url", "Online-Link", placeholder="https://"),
        FieldSpec(
            "public",
            "Abo-Kalender",
            kind="select",
            choices=[("ja, öffentlich", True), ("nein, intern", False)],
            allow_blank=False,
        ),
        FieldSpec("description", "Beschreibung", placeholder="Tagesordnung, Hinweise"),
        FieldSpec(
            "repeat", "Wiederholung", kind="select", choices=REPEAT_CHOICES, allow_blank=False
        ),
        FieldSpec("interval", "Abstand", placeholder="1 = jede Woche / jeden Monat"),
        FieldSpec("nth", "Welcher", kind="select", choices=NTH_CHOICES, allow_blank=False),
        FieldSpec(
            "weekday", "Wochentag", kind="select", choices=WEEKDAY_CHOICES, allow_blank=False
        ),
        FieldSpec("month_day", "Tag im Monat", placeholder="1 bis 31"),
        FieldSpec(
            "ending", "Serie endet", kind="select", choices=ENDING_CHOICES, allow_blank=False
        ),
        FieldSpec("until", "Bis", placeholder="TT.MM.JJJJ, letzter möglicher Tag"),
        FieldSpec("count", "Anzahl", placeholder="Zahl der Termine"),
    ]
    if series_edit:
        fields.append(
            FieldSpec(
                "from_day",
                "Gilt ab",
                placeholder="TT.MM.JJJJ; leer: die ganze Serie ändern",
            )
        )
    return fields


#: Which repetition fields a repetition kind shows.
REPEAT_FIELDS: dict[str, set[str]] = {
    "none": set(),
    "weekly": {"interval", "weekday", "ending"},
    "monthly_day": {"interval", "month_day", "ending"},
    "monthly_nth": {"interval", "nth", "weekday", "ending"},
}


def visible_repeat_fields(values: dict[str, Any]) -> set[str]:
    shown = set(REPEAT_FIELDS.get(values.get("repeat") or "none", set()))
    if "ending" in shown:
        ending = values.get("ending") or "never"
        if ending == "until":
            shown.add("until")
        elif ending == "count":
            shown.add("count")
    if shown:
        shown.add("from_day")
    return shown


@dataclass(frozen=True)
class MeetingFormResult:
    data: MeetingInput
    #: Change a series only from this day on (the old part ends before); ``None``: all of it.
    from_day: date | None = None
    #: The typed date did not fit the rule: the series starts on the first day that does.
    shifted: bool = False


def _rule(values: dict[str, Any], first: date, problems: list[FieldError]) -> RecurrenceRule | None:
    repeat = values.get("repeat") or "none"
    if repeat == "none":
        return None
    before = len(problems)
    interval = (
        _positive(values, "interval", "Abstand", problems, most=99)
        if text_value(values, "interval")
        else 1
    )
    until = count = None
    ending = values.get("ending") or "never"
    if ending == "until":
        until = required_date(values, "until", "Bis", problems)
        if until is not None and until < first:
            problems.append(FieldError("Bis", "liegt vor dem ersten Termin."))
    elif ending == "count":
        count = _positive(values, "count", "Anzahl", problems, most=999)
    weekday = values.get("weekday")
    if weekday is None:
        weekday = first.weekday()
    month_day = None
    if repeat == "monthly_day":
        month_day = _positive(values, "month_day", "Tag im Monat", problems, most=31)
    if len(problems) > before or interval is None:
        return None
    try:
        if repeat == "weekly":
            return RecurrenceRule.weekly(weekday, interval=interval, until=until, count=count)
        if repeat == "monthly_day":
            assert month_day is not None
            return RecurrenceRule.monthly_on_day(
                month_day, interval=interval, until=until, count=count
            )
        nth = values.get("nth") or 1
        return RecurrenceRule.monthly_on_weekday(
            nth, weekday, interval=interval, until=until, count=count
        )
    except ValidationError as exc:
        problems.extend(exc.errors)
        return None


def first_occurrence(rule: RecurrenceRule, start: datetime) -> datetime | None:
    """The first wall-clock start on or after ``start`` that the rule produces (its end aside)."""
    open_rule = dataclasses.replace(rule, until=None, count=None)
    found = rrulestr(open_rule.to_rrule(), dtstart=start)
    return next(iter(found), None)


def build_meeting(values: dict[str, Any]) -> tuple[MeetingFormResult | None, list[FieldError]]:
    """The form's values as a :class:`MeetingInput`; German problems per field."""
    problems: list[FieldError] = []
    day = required_date(values, "day", "Datum", problems)
    start_time = required_time(values, "start", "Beginn", problems)
    end_time = required_time(values, "end", "Ende", problems)
    start = end = None
    if day is not None and start_time is not None:
        start = datetime.combine(day, start_time)
    if day is not None and end_time is not None:
        end = datetime.combine(day, end_time)
    rule = _rule(values, day, problems) if day is not None else None
    shifted = False
    if rule is not None and start is not None and end is not None:
        first = first_occurrence(rule, start)
        if first is None:
            problems.append(FieldError("Wiederholung", "Diese Regel ergibt keinen Termin."))
        elif first != start:
            # The typed date does not fit the rule ("jeden 2. Dienstag", typed a Monday):
            # the series starts on the first day that does, as calendars expect.
            end = first + (end - start)
            start, shifted = first, True
            if rule.until is not None and first.date() > rule.until:
                problems.append(FieldError("Bis", "vor diesem Tag findet kein Termin statt."))
    from_day = date_value(values, "from_day", "Gilt ab", problems)
    data = MeetingInput(
        title=text_value(values, "title"),
        kind=values.get("kind") or MeetingKind.SONSTIGES,
        start=start.replace(tzinfo=CITY_ZONE) if start else None,
        end=end.replace(tzinfo=CITY_ZONE) if end else None,
        description=text_value(values, "description"),
        address=text_value(values, "address"),
        room=text_value(values, "room"),
        online_url=text_value(values, "online_url"),
        group_ids=list(values.get("group_ids") or []),
        public=values.get("public") is not False,
        rrule=rule.to_rrule() if rule is not None else None,
    )
    own = {p.field for p in problems}
    # The service's checks, but not twice for a field already reported here.
    problems += [
        p
        for p in data.problems()
        if p.field not in own and not (p.field in ("Beginn", "Ende") and start is None)
    ]
    if problems:
        return None, problems
    return MeetingFormResult(data, from_day, shifted), []


def meeting_values(m: MeetingRecord | None, today: date) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": MeetingKind.ARBEITSKREIS,
        "public": True,
        "repeat": "none",
        "interval": "1",
        "nth": 1,
        "weekday": today.weekday(),
        "month_day": str(today.day),
        "ending": "never",
        "group_ids": [],
    }
    if m is None:
        return values
    values.update(
        kind=m.kind,
        title=m.title,
        day=m.start.strftime("%d.%m.%Y"),
        start=m.start.strftime("%H:%M"),
        end=m.end.strftime("%H:%M"),
        address=m.address,
        room=m.room,
        online_url=m.online_url,
        public=m.public,
        description=m.description,
        weekday=m.start.weekday(),
        month_day=str(m.start.day),
        group_ids=list(m.group_ids),
    )
    if m.rrule:
        try:
            rule = RecurrenceRule.from_rrule(m.rrule)
        except ValidationError:
            return values
        values["interval"] = str(rule.interval)
        if rule.weekdays:
            values.update(repeat="weekly", weekday=rule.weekdays[0])
        elif rule.month_day is not None:
            values.update(repeat="monthly_day", month_day=str(rule.month_day))
        else:
            values.update(repeat="monthly_nth", nth=rule.nth, weekday=rule.weekday)
        if rule.until is not None:
            values.update(ending="until", until=rule.until.strftime("%d.%m.%Y"))
        elif rule.count is not None:
            values.update(ending="count", count=str(rule.count))
    return values


@dataclass(frozen=True)
class Preview:
    """What the form shows under "Vorschau": the next dates and holiday warnings."""

    starts: tuple[tuple[datetime, datetime], ...]
    warnings: tuple[str, ...]
    more: bool = False


PreviewFunction = Callable[[MeetingInput], Preview]


class MeetingFormScreen(FormScreen):
    """Create or edit a meeting or series; validates as you type, previews the next dates.
    From 100 columns on the groups and the preview stand beside the fields, below that under
    them."""

    BINDINGS = [
        bind("save", "save", "Termin speichern"),
        bind("cancel", "cancel", "Formular schließen (fragt, wenn etwas geändert ist)"),
    ]

    def __init__(
        self,
        title: str,
        values: dict[str, Any],
        groups: Sequence[tuple[str, int]],
        preview: PreviewFunction,
        *,
        series_edit: bool = False,
    ) -> None:
        super().__init__(title, [], {}, self._build)
        self.groups = list(groups)
        self.initial_groups = list(values.get("group_ids") or [])
        self.preview = preview
        self.form = FormFields(
            meeting_fields(series_edit), values, self._build, id="meeting-fields"
        )
        self._last_preview: MeetingInput | None = None
        #: Values the form filled in itself; a field still holding one follows the date.
        self._auto = {key: values.get(key) for key in ("weekday", "nth", "month_day")}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="meeting-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            with Horizontal(classes="meeting-columns"):
                yield self.form
                # The preview above the groups: under 100 columns the groups come last, and
                # with them in view the preview is too.
                with Vertical(classes="meeting-side"):
                    yield Label("Vorschau", classes="field-label")
                    yield Static("", id="meeting-preview", classes="meeting-preview")
                    yield Label("Einladende Gruppen (Leertaste: an/aus)", classes="field-label")
                    yield CheckList[int](
                        *[(name, gid, gid in self.initial_groups) for name, gid in self.groups],
                        id="meeting-groups",
                    )
            yield Static("", id="form-summary", classes="form-summary")
            yield dialog_buttons()

    def first_field(self) -> Widget | None:
        return self.query_one("#field-title")

    def snapshot(self) -> Any:
        return (self.form.values(), sorted(self._group_ids()))

    def on_mount(self) -> None:
        self._show_fields(self.form.values())
        self.form.validate_now()

    def _group_ids(self) -> list[int]:
        found = self.query("#meeting-groups")
        if not found:
            return list(self.initial_groups)
        return list(found.first(CheckList).selected)

    def _build(self, values: dict[str, Any]) -> tuple[MeetingFormResult | None, list[FieldError]]:
        return build_meeting({**values, "group_ids": self._group_ids()})

    def _show_fields(self, values: dict[str, Any]) -> None:
        shown = visible_repeat_fields(values)
        for key in ("interval", "nth", "weekday", "month_day", "ending", "until", "count"):
            self._set_field_display(key, key in shown)
        if self.query("#field-from_day"):
            self._set_field_display("from_day", "from_day" in shown)
        unit = "Monate" if (values.get("repeat") or "").startswith("monthly") else "Wochen"
        row = self.query_one("#field-interval").parent
        if row is not None:
            row.query_one(Label).update(f"Alle … {unit}")

    def _set_field_display(self, key: str, shown: bool) -> None:
        widget = self.query_one(f"#field-{key}")
        if widget.parent is not None:
            widget.parent.display = shown
        if not shown:
            self.query_one(f"#problem-{key}").display = False

    def _follow_start_day(self, values: dict[str, Any]) -> bool:
        """Weekday, n-th and day of month follow the date until the user sets them."""
        try:
            day = parse_date(text_value(values, "day"))
        except ValueError:
            return False
        nth = (day.day - 1) // 7 + 1
        wanted: dict[str, Any] = {
            "weekday": day.weekday(),
            "nth": nth if nth <= 4 else -1,
            "month_day": str(day.day),
        }
        changed = False
        for key, value in wanted.items():
            if values.get(key) != self._auto.get(key) or values.get(key) == value:
                continue  # set by the user, or right already
            self._auto[key] = value
            widget = self.query_one(f"#field-{key}")
            with widget.prevent(Select.Changed, Input.Changed):
                if isinstance(widget, Select | Input):
                    widget.value = value
            changed = True
        return changed

    def on_form_fields_validated(self, event: FormFields.Validated) -> None:
        values = self.form.values()
        if self._follow_start_day(values):
            self.form.validate_now()
            return
        self._show_fields(values)
        result, _ = self._build(values)
        if result is None:
            self._last_preview = None
            self._preview_text(
                "[dim]Die Vorschau erscheint, sobald Datum und Uhrzeiten stimmen.[/dim]"
                if event.problems
                else ""
            )
        elif result.data != self._last_preview:
            self._last_preview = result.data
            self.compute_preview(result)

    def on_selection_list_selected_changed(self, event: CheckList.SelectedChanged) -> None:
        event.stop()
        self.form.validate_now()

    def _preview_text(self, text: str) -> None:
        self.query_one("#meeting-preview", Static).update(text)

    @work(thread=True, exclusive=True, group="meeting-preview")
    def compute_preview(self, result: MeetingFormResult) -> None:
        try:
            preview = self.preview(result.data)
        except KoordinationError as exc:
            text = f"[red]{escape(exc.message)}[/red]"
        except Exception as exc:  # the form must stay usable whatever the preview hits
            text = f"[red]Vorschau nicht möglich: {escape(str(exc))}[/red]"
        else:
            text = preview_text(result, preview)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._preview_text, text)


def preview_text(result: MeetingFormResult, preview: Preview) -> str:
    data = result.data
    lines: list[str] = []
    if data.rrule:
        lines.append(f"[b]{escape(RecurrenceRule.from_rrule(data.rrule).describe())}[/b]")
    if result.shifted and data.start is not None:
        lines.append(f"[yellow]Erster Termin: {short_day(data.start)} (passt zur Regel)[/yellow]")
    if preview.starts:
        lines.append("Nächste Termine:" if data.rrule else "Termin:")
        for start, end in preview.starts:
            lines.append(f"  {short_day(start)}  {time_span(start, end)}")
        if preview.more:
            lines.append("  [dim]…[/dim]")
    else:
        lines.append("[dim]Keine kommenden Termine.[/dim]")
    if preview.warnings:
        lines.append("")
        shown = list(preview.warnings[:4])
        lines += [f"[b yellow]⚠ {escape(w)}[/b yellow]" for w in shown]
        if len(preview.warnings) > len(shown):
            lines.append(f"[yellow]… und {len(preview.warnings) - len(shown)} weitere[/yellow]")
    return "\n".join(lines)


# ---------------------------------------------------------------------- move an occurrence


def move_form(row: OccurrenceRow, meeting: MeetingRecord) -> FormScreen:
    fields = [
        FieldSpec("day", "Neues Datum", placeholder="TT.MM.JJJJ"),
        FieldSpec("start", "Beginn", placeholder="HH:MM"),
        FieldSpec("end", "Ende", placeholder="HH:MM"),
        FieldSpec("room", "Raum"),
        FieldSpec("address", "Adresse"),
        FieldSpec("online_url", "Online-Link", placeholder="https://"),
    ]
    override = next(
        (o for o in meeting.overrides if o.recurrence_id == row.recurrence_id and not o.cancelled),
        None,
    )

    def pick(value: str | None, default: str) -> str:
        return default if value is None else value

    values = {
        "day": row.start.strftime("%d.%m.%Y"),
        "start": row.start.strftime("%H:%M"),
        "end": row.end.strftime("%H:%M"),
        "room": pick(override.room if override else None, meeting.room),
        "address": pick(override.address if override else None, meeting.address),
        "online_url": pick(override.online_url if override else None, meeting.online_url),
    }
    original = f"{short_day(row.recurrence_id)} {row.recurrence_id:%H:%M}"
    note = (
        f"Nur dieser Termin der Serie (ursprünglich {original}) wird verschoben; "
        "die Eingeladenen erhalten eine Aktualisierung."
        if meeting.rrule
        else "Der Termin wird verlegt; die Eingeladenen erhalten eine Aktualisierung."
    )
    return FormScreen(f"Termin verschieben – {row.title}", fields, values, build_move, note=note)


def goto_form(current: date) -> FormScreen:
    def build(values: dict[str, Any]) -> tuple[date | None, list[FieldError]]:
        problems: list[FieldError] = []
        day = required_date(values, "day", "Datum", problems)
        return (day if not problems else None), problems

    fields = [FieldSpec("day", "Datum", placeholder="TT.MM.JJJJ")]
    return FormScreen(
        "Gehe zu Datum",
        fields,
        {"day": current.strftime("%d.%m.%Y")},
        build,
        note="Die Agenda beginnt an diesem Tag.",
    )


# ---------------------------------------------------------------------- answer by hand


ANSWER_CHOICES = [
    (s.label, s)
    for s in (
        ResponseStatus.ZUGESAGT,
        ResponseStatus.ABGESAGT,
        ResponseStatus.VIELLEICHT,
        ResponseStatus.KEINE_ANTWORT,
    )
]


def answer_form(
    meeting: MeetingRecord, row: OccurrenceRow | None, invitations: Sequence[InvitationRow]
) -> FormScreen:
    people = [
        (
            f"{r.name} ({r.status.label if r.sent_sequence is not None else 'nicht versandt'})",
            r.invitation_id,
        )
        for r in sorted(invitations, key=lambda r: r.name)
        if not r.removed
    ]
    scopes: list[tuple[str, Any]] = [("ganze Serie" if meeting.rrule else "der Termin", "all")]
    if meeting.rrule and row is not None:
        scopes.append((f"nur am {short_day(row.recurrence_id)}", "one"))
    fields = [
        FieldSpec("invitation_id", "Person", kind="select", choices=people),
        FieldSpec("status", "Antwort", kind="select", choices=ANSWER_CHOICES, allow_blank=False),
        FieldSpec("scope", "Gilt für", kind="select", choices=scopes, allow_blank=False),
    ]

    def build(values: dict[str, Any]) -> tuple[AnswerInput | None, list[FieldError]]:
        return build_answer(values, row.recurrence_id if row is not None else None)

    return FormScreen(
        f"Antwort erfassen – {meeting.title}",
        fields,
        {"status": ResponseStatus.ZUGESAGT, "scope": "all"},
        build,
        note="Für Antworten per Telefon, im Gespräch oder auf Papier.",
    )


# ---------------------------------------------------------------------- invitation list


def invitation_label(r: InvitationRow) -> str:
    """A person on the list as a choice: name, how they got there, whether it went out."""
    sent = "Einladung erhalten" if r.sent_sequence is not None else "noch nicht versandt"
    return f"{r.name} ({r.via}, {sent})"


def uninvite_form(meeting: MeetingRecord, invitations: Sequence[InvitationRow]) -> FormScreen:
    """Which person to take off the list; dismisses with the person's id."""
    people = [
        (invitation_label(r), r.person_id)
        for r in sorted(invitations, key=lambda r: r.name)
        if not r.removed
    ]
    fields = [FieldSpec("person_id", "Person", kind="select", choices=people)]

    def build(values: dict[str, Any]) -> tuple[int | None, list[FieldError]]:
        if values["person_id"] is None:
            return None, [FieldError("Person", "bitte eine Person wählen.")]
        return values["person_id"], []

    return FormScreen(
        f"Von der Einladungsliste nehmen – {meeting.title}",
        fields,
        {},
        build,
        note="Wer die Einladung schon erhalten hat, bekommt mit dem nächsten Versand eine Absage.",
    )
