"""Typing in paper questionnaires: every question on one screen, Enter moves on, each answer
checked as it is typed, Strg+S saves the form and starts the next."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Header,
    Input,
    Static,
)

from koordination.domain.enums import QuestionType, ResponseSource, SurveyStatus
from koordination.domain.records.surveys import (
    AnswerValue,
    QuestionRecord,
    SurveyForm,
)
from koordination.errors import FieldError, KoordinationError, ValidationError
from koordination.services.surveys.answers import AnswerProblem, check_answers, parse_answer
from koordination.tui.dialogs.form import ConfirmScreen
from koordination.tui.formatting import clip, escape_markup
from koordination.tui.keys import bind
from koordination.tui.messages import DataChanged
from koordination.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from koordination.services.surveys.service import Surveys


#: An answer option longer than this ends in "…" beside the field.
OPTION_CELLS = 40


def choice_items(question: QuestionRecord) -> list[str]:
    """What may be typed, one item per choice: ["1 Sport", "2 Kultur", "3 Soziales"]."""
    q = question
    if q.type is QuestionType.JA_NEIN:
        return ["j Ja", "n Nein"]
    if q.type.has_options:
        items = [f"{i} {clip(o.label, OPTION_CELLS)}" for i, o in enumerate(q.options, start=1)]
        return items + (["(mehrere: z. B. 1 3)"] if q.type is QuestionType.MEHRFACH else [])
    hint = choices_hint(q)
    return [hint] if hint else []


class Packed:
    """Items in lines as wide as the place they are drawn in, a line breaking only between
    two items: "5 65 und älter" never splits into "65 und" and "älter"."""

    GAP = "  "

    def __init__(self, items: list[Text]) -> None:
        self.items = items

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        line = Text()
        for item in self.items:
            if line.cell_len and line.cell_len + len(self.GAP) + item.cell_len > width:
                yield line
                line = Text()
            if line.cell_len:
                line.append(self.GAP)
            line.append_text(item)
        if line.cell_len:
            yield line


def choices_hint(question: QuestionRecord) -> str:
    """What may be typed, next to the field: "1 Sport  2 Kultur  3 Soziales"."""
    q = question
    if q.type is QuestionType.JA_NEIN or q.type.has_options:
        return Packed.GAP.join(choice_items(q))
    if q.type is QuestionType.SKALA:
        low = f" {q.low_label}" if q.low_label else ""
        high = f" {q.high_label}" if q.high_label else ""
        return f"{q.scale_min}{low} … {q.scale_max}{high}"
    if q.type is QuestionType.ZAHL:
        return "eine Zahl, z. B. 12 oder 3,5"
    if q.type is QuestionType.DATUM:
        return "ein Datum, z. B. 31.12.2026"
    return ""


def answer_placeholder(question: QuestionRecord) -> str:
    return {
        QuestionType.EINFACH: "Nr.",
        QuestionType.MEHRFACH: "Nr. Nr. …",
        QuestionType.JA_NEIN: "j / n",
        QuestionType.SKALA: f"{question.scale_min}–{question.scale_max}",
        QuestionType.ZAHL: "Zahl",
        QuestionType.DATUM: "TT.MM.JJJJ",
        QuestionType.TEXT: "Text, wie auf dem Bogen",
    }[question.type]


class AnswerRow(Horizontal):
    """One question of the paper form: code and text, the field to type into, what is wrong."""

    def __init__(self, question: QuestionRecord, condition: str) -> None:
        super().__init__(classes="entry-row")
        self.question = question
        self.condition = condition
        self.skipped = False
        self.problem = ""
        #: The problem shown is a required question left empty (found when saving).
        self.missing = False

    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(escape_markup(q.code), classes="entry-code")
        with Vertical(classes="entry-body"):
            required = " [b $warning]*[/]" if q.required else ""
            yield Static(escape_markup(q.text) + required, classes="entry-text")
            with Horizontal(classes="entry-line"):
                wide = " -wide" if q.type is QuestionType.TEXT else ""
                yield Input(
                    placeholder=answer_placeholder(q),
                    id=f"answer-{q.id}",
                    classes="entry-input" + wide,
                    compact=True,
                )
                yield Static(self._hint(), classes="entry-choices")
            problem = Static("", classes="entry-problem")
            problem.display = False
            yield problem

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def _hint(self) -> Packed:
        items = [Text(item) for item in choice_items(self.question)]
        if self.condition:
            when = Text(self.condition, style="italic")
            if self.skipped:
                return Packed([Text("entfällt – ") + when])
            items.append(when)
        return Packed(items)

    def skip(self, skipped: bool) -> None:
        if skipped == self.skipped:
            return
        self.skipped = skipped
        self.set_class(skipped, "-skipped")
        self.input.disabled = skipped
        self.query_one(".entry-choices", Static).update(self._hint())
        if skipped:
            self.show_problem("")

    def show_problem(self, text: str, missing: bool = False) -> None:
        self.missing = missing
        if text == self.problem:
            return
        self.problem = text
        box = self.query_one(".entry-problem", Static)
        box.update(escape_markup(text))
        box.display = bool(text)
        self.input.set_class(bool(text), "-invalid")


class AnswerEntryScreen(Screen[None]):
    """Paper questionnaires typed in quickly: every question on one screen, Enter moves on,
    each field checked as it is typed, Strg+S (or Enter on the last field) saves the form and
    starts the next. ``entered`` counts the forms saved while it was open."""

    TITLE = "Antworten erfassen"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "save", "Bogen speichern, nächsten beginnen"),
        bind("clear_form", "clear", "Bogen leeren, nichts speichern"),
        bind(
            "undo",
            "undo_last",
            "Zuletzt gespeicherten Bogen wieder löschen",
            label="Letzten löschen",
        ),
        bind(
            "cancel",
            "close",
            "Antworterfassung beenden (fragt bei angefangenem Bogen)",
            label="Fertig",
        ),
        Binding("down", "next_field", "Nächste Frage", show=False, tooltip="Nächste Frage"),
        Binding("up", "previous_field", "Vorige Frage", show=False, tooltip="Vorige Frage"),
    ]

    def __init__(self, surveys: Surveys, form: SurveyForm) -> None:
        super().__init__()
        self.surveys = surveys
        self.survey_form = form
        #: Forms saved since the screen opened, and the number of the last one.
        self.entered = 0
        self.last_saved: int | None = None
        self.saving = False
        #: One row per question, in order (filled once the screen is mounted).
        self.rows: list[AnswerRow] = []

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        survey = self.survey_form.survey
        yield Header()
        state = "" if survey.status is SurveyStatus.LAEUFT else f" · {survey.status.label}"
        yield Static(
            f"[b]Papierbögen erfassen – {escape_markup(survey.title)}[/b]  "
            f"[dim]{escape_markup(survey.audience_label)}{state}[/dim]",
            classes="entry-title",
        )
        yield Static(self._counter(), id="entry-status", classes="entry-status")
        # Not focusable itself: Tab goes from field to field only.
        with VerticalScroll(id="entry-fields", can_focus=False):
            if not survey.anonymous:
                with Horizontal(classes="entry-row entry-contact"):
                    yield Static("", classes="entry-code")
                    with Vertical(classes="entry-body"):
                        yield Static("Name oder Kontakt (freiwillig)", classes="entry-text")
                        yield Input(id="answer-contact", classes="entry-input -wide", compact=True)
            section = ""
            for q in self.survey_form.questions:
                if q.section and q.section != section:
                    yield Static(escape_markup(q.section), classes="entry-section")
                section = q.section
                yield AnswerRow(q, self.survey_form.condition_label(q))
        yield Static(
            "Enter: nächste Frage, nach der letzten speichern · leer: keine Angabe",
            classes="status-line",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.rows = list(self.query(AnswerRow))
        self.evaluate()
        self.focus_first()

    def fields(self) -> list[Input]:
        """The fields in order that take an answer now (skipped questions left out)."""
        found = self.query("#answer-contact")
        contact = [found.first(Input)] if found else []
        return contact + [r.input for r in self.rows if not r.skipped]

    def focus_first(self) -> None:
        fields = self.fields()
        if fields:
            fields[0].focus()
        self.query_one("#entry-fields", VerticalScroll).scroll_home(animate=False)

    def _counter(self) -> str:
        if self.last_saved is None:
            return "Noch kein Bogen in dieser Sitzung erfasst."
        forms = "1 Bogen" if self.entered == 1 else f"{self.entered} Bögen"
        return f"[b]Bogen {self.last_saved} gespeichert.[/b]  In dieser Sitzung: {forms} erfasst."

    def _status(self, text: str) -> None:
        self.query_one("#entry-status", Static).update(text)

    # ------------------------------------------------------------------ as you type
    def evaluate(self) -> tuple[dict[int, AnswerValue], dict[int, str]]:
        """The answers read so far and what is wrong with typed ones; shows which questions
        their display condition skips (conditions point to earlier questions only)."""
        given: dict[int, AnswerValue] = {}
        problems: dict[int, str] = {}
        for row in self.rows:
            q = row.question
            shown = self.survey_form.visible(q, given)
            row.skip(not shown)
            if not shown:
                continue
            try:
                value = parse_answer(q, row.input.value)
            except AnswerProblem as exc:
                problems[q.id] = str(exc)
                row.show_problem(str(exc))
                continue
            if value is not None:
                given[q.id] = value
            if value is not None or not row.missing:
                # "ist eine Pflichtfrage" stays until something is typed.
                row.show_problem("")
        return given, problems

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id != "answer-contact":
            self.evaluate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        row = next((r for r in self.rows if r.input is event.input), None)
        if row is not None and row.problem and event.input.value.strip():
            self.app.bell()
            return
        fields = self.fields()
        if event.input in fields and event.input is fields[-1]:
            self.action_save()
        else:
            self.action_next_field()

    def _move(self, step: int) -> None:
        fields = self.fields()
        if not fields:
            return
        focused = self.focused
        if focused not in fields:
            fields[0].focus()
            return
        assert isinstance(focused, Input)
        index = fields.index(focused) + step
        if 0 <= index < len(fields):
            fields[index].focus()

    def action_next_field(self) -> None:
        self._move(1)

    def action_previous_field(self) -> None:
        self._move(-1)

    def _typed(self) -> bool:
        return any(field.value.strip() for field in self.query(Input))

    def unsaved_changes(self) -> bool:
        """A form begun but not saved (saved forms are in the database at once)."""
        return self._typed()

    def flush_saves(self) -> None:
        """Nothing waits: each form is saved when Strg+S or Enter on the last field says so."""

    # ------------------------------------------------------------------ saving
    def action_save(self) -> None:
        if self.saving:
            return
        given, problems = self.evaluate()
        by_code = {r.question.code: r for r in self.rows}
        for p in check_answers(self.survey_form, given):
            row = by_code.get(p.field)
            if row is not None and row.question.id not in problems:
                problems[row.question.id] = p.message
                row.show_problem(p.message, missing=row.question.id not in given)
        if problems:
            self._refuse(problems)
            return
        if not given:
            self.notify("Der Bogen ist leer: keine Frage beantwortet.", severity="warning")
            return
        contact = self.query("#answer-contact")
        self.saving = True
        self._submit(given, contact.first(Input).value if contact else "")

    def _refuse(self, problems: dict[int, str]) -> None:
        rows = [r for r in self.rows if r.question.id in problems]
        if rows:
            rows[0].input.focus()
        listing = "; ".join(f"{r.question.code}: {problems[r.question.id]}" for r in rows[:3])
        if len(rows) > 3:
            listing += f"; … und {len(rows) - 3} weitere"
        self.notify(
            "Bitte korrigieren: " + listing,
            title="Nicht gespeichert",
            severity="error",
            markup=False,
        )

    @work(thread=True, exclusive=True, group="entry-save")
    def _submit(self, answers: dict[int, AnswerValue], contact: str) -> None:
        survey_id = self.survey_form.survey.id
        try:
            number = self.surveys.submit(
                survey_id, answers, source=ResponseSource.PAPIER, contact=contact
            )
        except ValidationError as exc:
            self.app.call_from_thread(self._rejected, exc.errors)
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
        except Exception as exc:  # the typed form must survive anything the database throws
            self.app.call_from_thread(self._failed, f"Unerwarteter Fehler: {exc}")
        else:
            self.app.call_from_thread(self._saved, number)

    def _saved(self, number: int) -> None:
        self.saving = False
        self.entered += 1
        self.last_saved = number
        self._status(self._counter())
        self.notify(f"Bogen {number} gespeichert.", timeout=3)
        self.action_clear()

    def _rejected(self, errors: list[FieldError]) -> None:
        self.saving = False
        by_code = {r.question.code: r for r in self.rows}
        problems: dict[int, str] = {}
        for e in errors:
            row = by_code.get(e.field)
            if row is not None:
                problems[row.question.id] = e.message
                row.show_problem(e.message)
        if problems:
            self._refuse(problems)
        else:
            self._failed("Bitte korrigieren: " + "; ".join(str(e) for e in errors))

    def _failed(self, message: str) -> None:
        self.saving = False
        self.notify(message, title="Nicht gespeichert", severity="error", timeout=12, markup=False)

    def action_clear(self) -> None:
        for field in self.query(Input):
            with field.prevent(Input.Changed):
                field.value = ""
        for row in self.rows:
            row.show_problem("")
        self.evaluate()
        self.focus_first()

    def action_undo_last(self) -> None:
        number = self.last_saved
        if number is None:
            self.notify("In dieser Sitzung wurde noch kein Bogen gespeichert.", severity="warning")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._delete(number)

        self.app.push_screen(
            ConfirmScreen(
                f"Bogen {number} löschen",
                [f"Die Antworten von Bogen {number} werden gelöscht.", "Das Tippen beginnt neu."],
                "Löschen",
                "Behalten",
            ),
            answer,
        )

    @work(thread=True, exclusive=True, group="entry-save")
    def _delete(self, number: int) -> None:
        try:
            self.surveys.delete_response(number)
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
        else:
            self.app.call_from_thread(self._deleted, number)

    def _deleted(self, number: int) -> None:
        self.entered -= 1
        self.last_saved = None
        self._status(f"[b]Bogen {number} gelöscht.[/b]  In dieser Sitzung: {self.entered} erfasst.")
        self.notify(f"Bogen {number} gelöscht.")

    def action_close(self) -> None:
        if not self._typed():
            self._leave()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._leave()

        self.app.push_screen(
            ConfirmScreen(
                "Erfassung beenden",
                ["Der angefangene Bogen ist nicht gespeichert und geht verloren."],
                "Beenden",
                "Weiter erfassen",
                default="no",
            ),
            answer,
        )

    def _leave(self) -> None:
        if self.entered:
            self.post_message(DataChanged("survey"))
        self.dismiss(None)

    def palette_entries(self) -> list[tuple[str, str, str]]:
        from koordination.tui.screens.survey_results import screen_palette_entries

        return screen_palette_entries(self, "Antworten erfassen")
