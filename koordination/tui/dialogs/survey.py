"""Dialogs of the Umfragen area: survey and question forms, the question bank, export."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Static,
)

from koordination.domain.enums import QuestionType, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import (
    build_copy,
    build_question,
    build_survey,
    question_value,
)
from koordination.domain.records.surveys import (
    BankItemRecord,
    QuestionRecord,
    SurveyForm,
    SurveyRecord,
)
from koordination.errors import FieldError, KoordinationError
from koordination.outputs.registry import SURVEY_OUTPUTS
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.export import ExportDialog
from koordination.tui.dialogs.form import FormScreen, dialog_buttons
from koordination.tui.formatting import escape_markup
from koordination.tui.keys import bind
from koordination.tui.widgets.column_fit import (
    FitColumn,
    FittedTable,
    needed_widths,
    row_cells,
    set_columns,
)
from koordination.tui.widgets.form import FieldSpec, FormFields

if TYPE_CHECKING:
    from koordination.core import Core

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

    def first_field(self) -> Widget | None:
        return self.query_one("#field-text")

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


#: The question keeps its text whole where it can: the type drops out first, then the key.
BANK_COLUMNS = [
    FitColumn("key", "Schlüssel", 22, min_width=12, priority=1),
    FitColumn("text", "Frage", 40, min_width=24, grow=True),
    FitColumn("type", "Typ", 15, min_width=8, priority=2),
    FitColumn("used", "Umfragen", 9),
]


class BankPickerScreen(Dialog[BankChoice | None]):
    """Pick a question of the shared bank by typing part of its key or text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "save", "Markierte Frage übernehmen", label="Übernehmen"),
        bind("cancel", "cancel", "Dialog schließen"),
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
            yield FittedTable(id="bank-table", cursor_type="row")
            with Horizontal(classes="field-row"):
                yield Label("Abschnitt", classes="field-label")
                yield Input(self.section, id="bank-section", compact=True)
            yield Static("", id="bank-problem", classes="dialog-problem")
            yield dialog_buttons("Übernehmen")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#bank-search", Input).focus()

    def _fill(self, text: str) -> None:
        table = self.query_one("#bank-table", DataTable)
        table.clear()
        self.shown = [item for item in self.items if bank_matches(item, text)]
        rows: list[dict[str, Any]] = [
            {
                "key": Text(item.key),
                "text": Text(item.text),
                "type": item.type.label,
                "used": f"{item.used_in}{' ✓' if item.id in self.in_survey else ''}",
            }
            for item in self.shown
        ]
        widths = set_columns(table, BANK_COLUMNS, needed_widths(rows))
        for values in rows:
            table.add_row(*row_cells(widths, values, clip=True))
        if not self.items:
            self._problem(
                "Die Fragensammlung ist leer. Eine Frage aufnehmen: im Fragebogen Taste m."
            )

    def _problem(self, text: str) -> None:
        self.query_one("#bank-problem", Static).update(escape_markup(text))

    @on(FittedTable.Resized, "#bank-table")
    def _refit(self, event: FittedTable.Resized) -> None:
        event.stop()
        self._fill(self.query_one("#bank-search", Input).value)

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
