"""Dialogs of the Umfragen area: survey and question forms, question bank, fast entry of paper
questionnaires, response import and export."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)

from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import (
    build_copy,
    build_question,
    build_survey,
    question_value,
)
from koordination.domain.records.surveys import (
    AnswerValue,
    BankItemRecord,
    QuestionRecord,
    SurveyForm,
    SurveyRecord,
)
from koordination.errors import FieldError, ImportFailed, KoordinationError, ValidationError
from koordination.outputs.registry import SURVEY_OUTPUTS
from koordination.services.surveys.answers import AnswerProblem, check_answers, parse_answer
from koordination.tui.dialogs.export import ExportDialog
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.dialogs.transfer import MAX_PROBLEMS_SHOWN, TransferScreen
from koordination.tui.formatting import escape_markup
from koordination.tui.messages import DataChanged
from koordination.tui.widgets.form import FieldSpec, FormFields

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.services.surveys.column_mapping import ColumnMapping
    from koordination.services.surveys.response_import import ResponseImportReport
    from koordination.services.surveys.service import Surveys

YES_NO_CHOICES: list[tuple[str, bool]] = [("ja", True), ("nein", False)]


def _text(values: dict[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


class SwitchingFormScreen(FormScreen):
    """A form whose rows show or hide with what is chosen (the type of a question, ...)."""

    def hidden_fields(self, values: dict[str, Any]) -> set[str]:
        return set()

    # Textual calls the handlers of every class of the MRO: no super() calls here.
    def on_mount(self) -> None:
        self._show_fields()

    def _show_fields(self) -> None:
        hidden = self.hidden_fields(self.form.values())
        for spec in self.form.fields:
            widget = self.query_one(f"#field-{spec.key}")
            if widget.parent is not None:
                widget.parent.display = spec.key not in hidden
            if spec.key in hidden:
                self.query_one(f"#problem-{spec.key}").display = False

    def on_form_fields_validated(self, event: FormFields.Validated) -> None:
        if self.is_mounted:
            self._show_fields()


# ---------------------------------------------------------------------- survey


SURVEY_FIELDS = [
    FieldSpec("title", "Titel", placeholder="z. B. Engagement in Musterstadt 2026"),
    FieldSpec(
        "audience",
        "Zielgruppe",
        kind="select",
        choices=SurveyAudience.choices(),
        allow_blank=False,
    ),
    FieldSpec("audience_note", "Welche Gruppe", placeholder="z. B. Jugendliche, Schulen"),
    FieldSpec("starts_on", "Beginn", placeholder="TT.MM.JJJJ"),
    FieldSpec("ends_on", "Ende", placeholder="TT.MM.JJJJ", error_names=("Ende", "Zeitraum")),
    FieldSpec(
        "introduction",
        "Einleitung",
        kind="lines",
        placeholder="steht über den Fragen: worum es geht, wer fragt",
    ),
    FieldSpec(
        "anonymous",
        "Anonym",
        kind="select",
        choices=[("ja, anonym", True), ("nein, mit Name oder Kontakt", False)],
        allow_blank=False,
    ),
]


def survey_values(record: SurveyRecord | None) -> dict[str, Any]:
    if record is None:
        return {"audience": SurveyAudience.ORGANISATIONEN, "anonymous": True}
    return {
        "title": record.title,
        "audience": record.audience,
        "audience_note": record.audience_note,
        "starts_on": record.starts_on.strftime("%d.%m.%Y") if record.starts_on else "",
        "ends_on": record.ends_on.strftime("%d.%m.%Y") if record.ends_on else "",
        "introduction": record.introduction,
        "anonymous": record.anonymous,
    }


class SurveyFormScreen(SwitchingFormScreen):
    """Title, audience, period, introduction and anonymity of a survey."""

    def __init__(self, title: str, record: SurveyRecord | None) -> None:
        note = ""
        if record is not None and record.response_count:
            note = "Es gibt schon Antworten: ob die Umfrage anonym ist, bleibt, wie es war."
        super().__init__(title, SURVEY_FIELDS, survey_values(record), build_survey, note=note)

    def hidden_fields(self, values: dict[str, Any]) -> set[str]:
        return set() if values.get("audience") is SurveyAudience.ANDERE else {"audience_note"}


def copy_form(record: SurveyRecord) -> FormScreen:
    fields = [
        FieldSpec("title", "Titel"),
        FieldSpec(
            "audience",
            "Zielgruppe",
            kind="select",
            choices=SurveyAudience.choices(),
            allow_blank=False,
        ),
    ]
    return FormScreen(
        f"Umfrage kopieren – {record.title}",
        fields,
        {"title": f"Kopie von {record.title}", "audience": record.audience},
        build_copy,
        note="Die Kopie ist ein Entwurf mit denselben Fragen, ohne Antworten. Fragen aus der "
        "Fragensammlung bleiben verknüpft: so lassen sich die Ergebnisse vergleichen.",
    )


# ---------------------------------------------------------------------- question


#: The choice "no display condition" (Select needs a value that is not ``None``).
ALWAYS = "immer"


def condition_choices(form: SurveyForm, before: int | None) -> list[tuple[str, Any]]:
    """ "F1 = Ja", ... for every option of the choice questions before position ``before``."""
    choices: list[tuple[str, Any]] = [("immer zeigen", ALWAYS)]
    for q in form.questions:
        if before is not None and q.position >= before:
            break
        if q.type.has_options:
            for o in q.options:
                choices.append((f"{q.code} = {o.label}", (q.id, o.id)))
    return choices


SCALE_FIELDS = {"scale_min", "scale_max", "low_label", "high_label"}


def question_fields(
    new: bool, sections: Sequence[str], conditions: Sequence[tuple[str, Any]]
) -> list[FieldSpec]:
    fields = [
        FieldSpec(
            "section", "Abschnitt", placeholder="Überschrift im Fragebogen", suggestions=sections
        ),
        FieldSpec("text", "Fragetext"),
        FieldSpec("hint", "Hinweis", placeholder="erscheint klein unter der Frage"),
        FieldSpec(
            "type", "Fragetyp", kind="select", choices=QuestionType.choices(), allow_blank=False
        ),
        FieldSpec(
            "options",
            "Antworten",
            kind="lines",
            placeholder="eine Antwortmöglichkeit je Zeile",
            error_names=("Antwortmöglichkeiten",),
        ),
        FieldSpec(
            "scale_min", "Skala von", placeholder="z. B. 1", error_names=("Skala von", "Skala")
        ),
        FieldSpec("scale_max", "Skala bis", placeholder="z. B. 5", error_names=("Skala bis",)),
        FieldSpec("low_label", "Beschriftung unten", placeholder="z. B. gar nicht zufrieden"),
        FieldSpec("high_label", "Beschriftung oben", placeholder="z. B. sehr zufrieden"),
        FieldSpec(
            "required", "Pflichtfrage", kind="select", choices=YES_NO_CHOICES, allow_blank=False
        ),
        FieldSpec(
            "condition",
            "Nur zeigen, wenn",
            kind="select",
            choices=list(conditions),
            allow_blank=False,
            error_names=("Bedingung",),
        ),
        FieldSpec(
            "breakdown",
            "Aufschlüsseln",
            kind="select",
            choices=[("nein", False), ("ja, Ergebnisse nach dieser Frage aufteilen", True)],
            allow_blank=False,
        ),
    ]
    if new:
        fields.insert(
            0, FieldSpec("code", "Kürzel", placeholder="leer: das nächste freie (F1, F2, …)")
        )
    return fields


def question_values(question: QuestionRecord | None, section: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "section": section,
        "type": QuestionType.EINFACH,
        "scale_min": "1",
        "scale_max": "5",
        "required": False,
        "condition": ALWAYS,
        "breakdown": False,
    }
    if question is None:
        return values
    q = question
    condition = question_value(q, "condition")
    values.update(
        section=q.section,
        text=q.text,
        hint=q.hint,
        type=q.type,
        options="\n".join(o.label for o in q.options) if q.type != QuestionType.JA_NEIN else "",
        low_label=q.low_label,
        high_label=q.high_label,
        required=q.required,
        condition=condition or ALWAYS,
        breakdown=q.breakdown,
    )
    if q.scale_min is not None and q.scale_max is not None:
        values.update(scale_min=str(q.scale_min), scale_max=str(q.scale_max))
    return values


class QuestionFormScreen(SwitchingFormScreen):
    """A question of the questionnaire: text, type, answers or scale, required, condition."""

    def __init__(
        self,
        title: str,
        form: SurveyForm,
        question: QuestionRecord | None,
        *,
        note: str = "",
    ) -> None:
        sections = list(dict.fromkeys(q.section for q in form.questions if q.section))
        conditions = condition_choices(form, question.position if question else None)
        last_section = form.questions[-1].section if form.questions else ""
        values = question_values(question, last_section)
        if values["condition"] not in {value for _label, value in conditions}:
            values["condition"] = ALWAYS
        self.conditions = conditions
        super().__init__(
            title,
            question_fields(question is None, sections, conditions),
            values,
            build_question,
            note=note,
        )

    def on_mount(self) -> None:
        # After the form's own handler has put the focus on its first field.
        self.call_after_refresh(self.query_one("#field-text").focus)

    def hidden_fields(self, values: dict[str, Any]) -> set[str]:
        kind = values.get("type") or QuestionType.EINFACH
        hidden: set[str] = set()
        if kind not in (QuestionType.EINFACH, QuestionType.MEHRFACH):
            hidden.add("options")
        if kind is not QuestionType.SKALA:
            hidden |= SCALE_FIELDS
        if not kind.has_options:
            hidden.add("breakdown")
        if len(self.conditions) == 1:
            hidden.add("condition")  # no earlier choice question to depend on
        return hidden


# ---------------------------------------------------------------------- question bank


def bank_key(text: str) -> str:
    """A key for the bank from a question's first words: "zufriedenheit-mit-dem-netzwerk"."""
    words = re.findall(r"\w+", text.lower())
    return "-".join(words[:4])[:40]


def bank_key_form(question: QuestionRecord) -> FormScreen:
    def build(values: dict[str, Any]) -> tuple[str | None, list[FieldError]]:
        key = _text(values, "key")
        if not key:
            return None, [FieldError("Schlüssel", "darf nicht leer sein.")]
        if len(key) > 80:
            return None, [FieldError("Schlüssel", "höchstens 80 Zeichen.")]
        return key, []

    return FormScreen(
        f"In die Fragensammlung – {question.label}",
        [FieldSpec("key", "Schlüssel", placeholder="kurz und eindeutig")],
        {"key": bank_key(question.text)},
        build,
        note="Andere Umfragen können die Frage dann übernehmen; gleiche Fragen lassen sich "
        "über Umfragen hinweg vergleichen.",
    )


@dataclass(frozen=True)
class BankChoice:
    item_id: int
    section: str


def bank_matches(item: BankItemRecord, text: str) -> bool:
    key = text.strip().casefold()
    return not key or key in item.key.casefold() or key in item.text.casefold()


class BankPickerScreen(ModalScreen[BankChoice | None]):
    """Pick a question of the shared bank by typing part of its key or text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Übernehmen", tooltip="Markierte Frage übernehmen"),
        Binding("escape", "cancel", "Abbrechen", tooltip="Dialog schließen"),
    ]

    def __init__(
        self,
        survey_title: str,
        items: Sequence[BankItemRecord],
        in_survey: set[int],
        section: str,
    ) -> None:
        super().__init__()
        self.survey_title = survey_title
        self.items = list(items)
        self.in_survey = in_survey
        self.section = section
        self.shown: list[BankItemRecord] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog bank-dialog"):
            yield Static(
                f"Aus der Fragensammlung – {escape_markup(self.survey_title)}",
                classes="dialog-title",
            )
            yield Static(
                "Übernommene Fragen bleiben mit der Sammlung verknüpft: so lassen sich Umfragen "
                "vergleichen. Umfragen: wie viele sie nutzen, ✓ auch diese.",
                classes="dialog-note",
            )
            yield Input(placeholder="Suchen: Schlüssel oder Fragetext", id="bank-search")
            table: DataTable[Any] = DataTable(id="bank-table", cursor_type="row")
            table.add_column("Schlüssel", width=22)
            table.add_column("Frage", width=40)
            table.add_column("Typ", width=15)
            table.add_column("Umfragen", width=9)
            yield table
            with Horizontal(classes="field-row"):
                yield Label("Abschnitt", classes="field-label")
                yield Input(self.section, id="bank-section", compact=True)
            yield Static("", id="bank-problem", classes="dialog-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Übernehmen", variant="primary", id="save")
                yield Button("Abbrechen", id="cancel")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#bank-search", Input).focus()

    def _fill(self, text: str) -> None:
        table = self.query_one("#bank-table", DataTable)
        table.clear()
        self.shown = [item for item in self.items if bank_matches(item, text)]
        for item in self.shown:
            here = " ✓" if item.id in self.in_survey else ""
            table.add_row(Text(item.key), Text(item.text), item.type.label, f"{item.used_in}{here}")
        if not self.items:
            self._problem(
                "Die Fragensammlung ist leer. Eine Frage aufnehmen: im Fragebogen Taste m."
            )

    def _problem(self, text: str) -> None:
        self.query_one("#bank-problem", Static).update(escape_markup(text))

    @on(Input.Changed, "#bank-search")
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#bank-search")
    def _to_table(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#bank-table").focus()

    @on(DataTable.RowSelected, "#bank-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        row = self.query_one("#bank-table", DataTable).cursor_row
        if not 0 <= row < len(self.shown):
            self._problem("Bitte eine Frage der Sammlung auswählen.")
            return
        section = self.query_one("#bank-section", Input).value.strip()
        self.dismiss(BankChoice(self.shown[row].id, section))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------------- answer entry


def choices_hint(question: QuestionRecord) -> str:
    """What may be typed, next to the field: "1 Sport  2 Kultur  3 Soziales"."""
    q = question
    if q.type is QuestionType.JA_NEIN:
        return "j Ja  n Nein"
    if q.type.has_options:
        hint = "  ".join(f"{i} {o.label}" for i, o in enumerate(q.options, start=1))
        return hint + ("   (mehrere: z. B. 1 3)" if q.type is QuestionType.MEHRFACH else "")
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

    def _hint(self) -> str:
        hint = escape_markup(choices_hint(self.question))
        if self.condition:
            when = f"[i]{escape_markup(self.condition)}[/i]"
            if self.skipped:
                return f"entfällt – {when}"
            hint = f"{hint}   {when}" if hint else when
        return hint

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
        Binding("ctrl+s", "save", "Speichern", tooltip="Bogen speichern, nächsten beginnen"),
        Binding("ctrl+l", "clear", "Leeren", tooltip="Bogen leeren, nichts speichern"),
        Binding(
            "ctrl+z",
            "undo_last",
            "Letzten löschen",
            tooltip="Zuletzt gespeicherten Bogen wieder löschen",
        ),
        Binding("escape", "close", "Fertig", tooltip="Antworterfassung beenden"),
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
            "Enter: weiter · leer lassen: keine Angabe · Enter auf der letzten Frage: speichern",
            classes="status-line",
        )
        yield Footer()

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


# ---------------------------------------------------------------------- response import

#: The choice "do not import this column" (Select needs a value that is not ``None``).
SKIP_COLUMN = ""


def target_choices(form: SurveyForm) -> list[tuple[str, str]]:
    """Everything a column of a response file can be: a question, one option of a multiple
    choice (ticked or not), the form tool's response id, the submission time, or nothing."""
    from koordination.services.surveys.column_mapping import ID, SUBMITTED, describe_target

    choices = [(describe_target(form, None), SKIP_COLUMN)]
    choices += [(describe_target(form, t), t) for t in (ID, SUBMITTED)]
    for q in form.questions:
        choices.append((describe_target(form, q.code), q.code))
        if q.type is QuestionType.MEHRFACH:
            for o in q.options:
                target = f"{q.code}={o.label}"
                choices.append((describe_target(form, target), target))
    return choices


@dataclass(frozen=True)
class ImportPreview:
    """A response file as read before importing: the questionnaire, the file's columns with
    the suggested targets, and how many responses it holds."""

    form: SurveyForm
    path: Path
    mapping: tuple[tuple[str, str | None], ...]
    rows: int


class ResponseImportScreen(TransferScreen):
    """Responses an online form tool collected (CSV, .xlsx or .ods): the file is read, each
    column shows the question it was matched to and can be corrected; then check or import,
    all or nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "import", "Importieren", tooltip="Antworten importieren"),
        Binding("escape", "close", "Schließen", tooltip="Dialog schließen"),
    ]

    class Read(Message):
        """The file was read: its columns and the suggested questions can be shown."""

        def __init__(self, preview: ImportPreview) -> None:
            super().__init__()
            self.preview = preview

    def __init__(self, core: Core, survey: SurveyRecord) -> None:
        super().__init__(core)
        self.survey = survey
        self.preview: ImportPreview | None = None
        #: The last import went through: importing the same file again needs a change first.
        self.imported = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="transfer-dialog response-import-dialog"):
            yield Static(
                f"Antworten importieren – {escape_markup(self.survey.title)}",
                classes="dialog-title",
            )
            yield Static(
                "Tabelle aus einem Online-Formular (CSV, .xlsx, .ods; LimeSurvey, Google "
                "Forms …), eine Zeile je Antwort. Die Zuordnung der Spalten zu Fragen bitte "
                "prüfen. Ist eine Zeile fehlerhaft, wird nichts importiert.",
                classes="dialog-note",
            )
            yield Label("Datei", classes="field-label")
            yield Input(
                placeholder="z. B. ~/Downloads/antworten.csv (Enter: lesen)",
                id="import-path",
                compact=True,
            )
            yield Static("", id="import-path-problem", classes="transfer-problem")
            yield Static("", id="import-columns-note", classes="dialog-note")
            yield VerticalScroll(id="import-columns", classes="import-columns")
            yield ProgressBar(id="import-progress", show_eta=False)
            with VerticalScroll(id="import-result", classes="transfer-result"):
                yield Static("", id="import-result-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Datei lesen", id="read", tooltip="Spalten und Fragen zuordnen")
                yield Button("Prüfen", id="check", tooltip="Probelauf: nichts wird gespeichert")
                yield Button("Importieren", variant="primary", id="import")
                yield Button("Schließen", id="close")

    def on_mount(self) -> None:
        self.progress_bar.display = False
        self.query_one("#import-result").display = False
        self.query_one("#import-columns").display = False
        self.query_one("#import-columns-note").display = False
        self.set_buttons()
        self.query_one("#import-path", Input).focus()

    def set_buttons(self) -> None:
        super().set_buttons()
        if self.preview is None:
            self.query_one("#check", Button).disabled = True
        if self.preview is None or self.imported:
            self.query_one("#import", Button).disabled = True

    # ------------------------------------------------------------------ reading the file
    @on(Input.Changed, "#import-path")
    def path_changed(self) -> None:
        if self.preview is not None or self.imported:
            self.preview = None
            self.imported = False
            self.query_one("#import-columns").display = False
            self.query_one("#import-columns-note").display = False
            self.query_one("#dialog").remove_class("-read")
            self.set_buttons()
        self.query_one("#import-path-problem", Static).update("")

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#read")
    def read_file(self) -> None:
        if not self.running:
            self.start()
            self.read_worker(self.query_one("#import-path", Input).value)

    @work(thread=True, exclusive=True, group="import-read")
    def read_worker(self, text: str) -> None:
        from koordination.tui.dialogs.transfer import import_file

        try:
            path = import_file(text)
            found = self.core.survey_import.preview(self.survey.id, path)
            form = self.core.surveys.form(self.survey.id)
        except KoordinationError as exc:
            self.app.call_from_thread(self._unreadable, exc.message)
        except Exception as exc:  # the dialog must survive anything the file throws
            self.app.call_from_thread(self._unreadable, f"Unerwarteter Fehler: {exc}")
        else:
            mapping = tuple((m.column, m.target) for m in found.mapping)
            self.post_message(self.Read(ImportPreview(form, path, mapping, found.rows)))

    def _unreadable(self, message: str) -> None:
        self.stop()
        self.progress_bar.display = False
        self.query_one("#import-path-problem", Static).update(escape_markup(message))

    async def on_response_import_screen_read(self, message: Read) -> None:
        preview = self.preview = message.preview
        choices = target_choices(preview.form)
        known = {value for _label, value in choices}
        rows = []
        for i, (column, target) in enumerate(preview.mapping):
            value = target if target in known else SKIP_COLUMN
            rows.append(
                Horizontal(
                    Label(column or "(ohne Überschrift)", classes="import-column", markup=False),
                    Select(choices, value=value, allow_blank=False, id=f"column-{i}", compact=True),
                    classes="import-column-row",
                )
            )
        columns = self.query_one("#import-columns", VerticalScroll)
        await columns.remove_children()
        await columns.mount_all(rows)
        columns.display = True
        self.query_one("#dialog").add_class("-read")
        self.query_one("#import-columns-note").display = True
        self._describe_mapping()
        self.progress_bar.display = False
        self.query_one("#import-result").display = False
        self.stop()
        if rows:
            self.query_one("#column-0", Select).focus()

    def mapping(self) -> list[ColumnMapping]:
        from koordination.services.surveys.column_mapping import ColumnMapping

        assert self.preview is not None
        out = []
        for i, (column, _suggested) in enumerate(self.preview.mapping):
            value = self.query_one(f"#column-{i}", Select).value
            out.append(ColumnMapping(column, value if isinstance(value, str) and value else None))
        return out

    def _describe_mapping(self) -> None:
        preview = self.preview
        if preview is None:
            return
        targets = [m.target for m in self.mapping()]
        used = sum(1 for t in targets if t)
        responses = "1 Antwort" if preview.rows == 1 else f"{preview.rows} Antworten"
        self.query_one("#import-columns-note", Static).update(
            f"{responses} in {escape_markup(preview.path.name)}; {used} von {len(targets)} Spalten "
            "zugeordnet. Spalte → Frage:"
        )

    @on(Select.Changed)
    def target_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.imported:
            self.imported = False
            self.set_buttons()
        self._describe_mapping()

    # ------------------------------------------------------------------ importing
    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        self.run_import(dry_run=True)

    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        self.run_import(dry_run=False)

    def run_import(self, dry_run: bool) -> None:
        if self.running or self.preview is None or (self.imported and not dry_run):
            return
        self.start()
        self.show_result("Die Datei wird geprüft …" if dry_run else "Wird importiert …")
        self.import_worker(self.preview.path, self.mapping(), dry_run)

    @work(thread=True, exclusive=True, group="import")
    def import_worker(self, path: Path, mapping: list[ColumnMapping], dry_run: bool) -> None:
        try:
            report = self.core.survey_import.run(
                self.survey.id,
                path,
                mapping,
                dry_run=dry_run,
                progress=self.throttled_progress(),
            )
        except ImportFailed as exc:
            self.app.call_from_thread(self._rejected, exc)
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
        except Exception as exc:  # the dialog must survive anything the file or database throws
            self.app.call_from_thread(self._failed, f"Unerwarteter Fehler: {exc}")
        else:
            self.app.call_from_thread(self._done, report)

    def _done(self, report: ResponseImportReport) -> None:
        self.progress_bar.display = False  # the result says it all; the columns keep the room
        lines = [f"[b]{escape_markup(report.summary())}[/b]"]
        if report.dry_run:
            lines.append("Es wurde noch nichts gespeichert; „Importieren“ übernimmt die Antworten.")
        if report.warnings:
            lines += ["", "Hinweise:"] + [f"• {escape_markup(w)}" for w in report.warnings]
        self.show_result("\n".join(lines))
        if not report.dry_run:
            self.imported = True
            self.post_message(DataChanged("survey"))
            self.notify(report.summary(), title="Import", markup=False)
        self.stop()

    def _rejected(self, exc: ImportFailed) -> None:
        headline = exc.message.splitlines()[0]
        lines = [f"[b]{escape_markup(headline)}[/b]", "Es wurde nichts importiert.", ""]
        shown = exc.problems[:MAX_PROBLEMS_SHOWN]
        lines += [f"• {escape_markup(str(p))}" for p in shown]
        if len(exc.problems) > len(shown):
            lines.append(f"… und {len(exc.problems) - len(shown)} weitere Fehler")
        self.show_result("\n".join(lines), failed=True)
        self.stop()

    def _failed(self, message: str) -> None:
        self.show_result(escape_markup(message), failed=True)
        self.stop()

    def show_result(self, text: str, failed: bool = False) -> None:
        if failed:
            self.progress_bar.display = False
        area = self.query_one("#import-result", VerticalScroll)
        area.display = True
        area.set_class(failed, "-failed")
        self.query_one("#import-result-text", Static).update(text)
        area.scroll_home(animate=False)


# ---------------------------------------------------------------------- export


def survey_subject(core: Core, survey_id: int, key: str) -> Any:
    """What the registry builds ``key`` from; runs in the export dialog's worker. Results are
    always the published ones: small cells hidden."""
    if key == "fragebogen":
        form = core.surveys.form(survey_id)
        if not form.questions:
            raise KoordinationError("Die Umfrage hat noch keine Fragen; erst Fragen anlegen.")
        return form
    if key == "rohdaten":
        return survey_id
    return core.survey_results.results(survey_id, published=True)


def survey_export(core: Core, survey: SurveyRecord) -> ExportDialog:
    """Results report, tables of counts or raw answers, or the questionnaire to print; the
    formats follow what is chosen."""
    default = "fragebogen" if survey.status is SurveyStatus.ENTWURF else "umfragebericht"
    return ExportDialog(
        core,
        SURVEY_OUTPUTS,
        subject_for=lambda key: survey_subject(core, survey.id, key),
        title=f"Exportieren – {survey.title}",
        key=default,
        fmt="pdf",
    )
