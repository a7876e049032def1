"""The questionnaire of one survey: add, edit, order and remove questions, new versions, the
question bank."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from koordination.domain.records.surveys import QuestionRecord, SurveyForm, SurveyRecord
from koordination.errors import ConflictError, KoordinationError
from koordination.tui.formatting import clip, escape_markup
from koordination.tui.keys import bind
from koordination.tui.messages import DataChanged
from koordination.tui.survey_text import (
    STATUS_STYLE,
    answers_text,
    question_cells,
    question_detail,
    question_texts,
)
from koordination.tui.widgets.column_fit import FitColumn, FittedRecords, needed_widths
from koordination.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from koordination.domain.inputs.surveys import QuestionInput
    from koordination.services.surveys.service import Surveys
    from koordination.tui.dialogs.survey import BankChoice

T = TypeVar("T")


class QuestionnaireScreen(FittedRecords[QuestionRecord], Screen[None]):
    """The questions of one survey: add, edit, order, remove, new versions, the question bank."""

    TITLE = "Fragebogen"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Fragebogen schließen, zurück zu den Umfragen", label="Zurück"),
        bind("new", "new", "Frage anlegen", label="Neue Frage"),
        bind("edit", "edit", "Frage bearbeiten"),
        bind("remove", "remove", "Frage aus dem Fragebogen nehmen", label="Entfernen"),
        bind("item_up", "up", "Frage nach oben"),
        bind("item_down", "down", "Frage nach unten"),
        bind("from_bank", "from_bank", "Frage aus der Fragensammlung übernehmen"),
        bind("to_bank", "to_bank", "Frage in die Fragensammlung aufnehmen"),
        bind(
            "new_version",
            "new_version",
            "Neue Fassung der Frage (die alte bleibt mit ihren Antworten)",
        ),
    ]

    def __init__(self, surveys: Surveys, survey_id: int) -> None:
        super().__init__()
        self.surveys = surveys
        self.survey_id = survey_id
        self.survey: SurveyRecord | None = None
        #: Every question with its retired versions, in questionnaire order.
        self.records: list[QuestionRecord] = []
        self.form: SurveyForm | None = None
        #: One use case at a time: a move never overtakes the edit before it.
        self.db_lock = threading.Lock()
        self.dirty = False
        self._select_id: int | None = None
        self._widths: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Fragebogen wird geladen …", id="editor-title", classes="sitting-title")
        yield Static("", id="editor-warning", classes="editor-warning")
        table: DataTable[Any] = DataTable(id="editor-table", cursor_type="row")
        table.border_title = "Fragen"
        yield table
        yield Static("", id="editor-detail", classes="surveys-detail")
        yield Static("", id="editor-status", classes="status-line")
        yield KeyFooter()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#editor-table", DataTable)

    def on_mount(self) -> None:
        self.query_one("#editor-warning").display = False
        self.table.focus()
        self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="editor-load")
    def load(self) -> None:
        try:
            with self.db_lock:
                survey = self.surveys.get(self.survey_id)
                rows = self.surveys.questions(self.survey_id, include_retired=True)
        except KoordinationError as exc:
            self.app.call_from_thread(self._open_failed, exc.message)
            return
        self.app.call_from_thread(self._loaded, survey, rows)

    def _open_failed(self, message: str) -> None:
        self.app.notify(message, title="Fragebogen", severity="error", timeout=12)
        self.dismiss(None)

    def _loaded(self, survey: SurveyRecord, rows: list[QuestionRecord]) -> None:
        self.survey = survey
        self.form = SurveyForm(survey, tuple(q for q in rows if not q.retired))
        self.query_one("#editor-title", Static).update(
            f"[b]Fragebogen – {escape_markup(survey.title)}[/b]  "
            f"[dim]{escape_markup(survey.audience_label)} · [/dim]"
            f"[{STATUS_STYLE[survey.status]}]{survey.status.label}[/]"
        )
        warning = self.query_one("#editor-warning", Static)
        warning.display = survey.response_count > 0
        warning.update(
            f"{answers_text(survey.response_count)} liegen vor: Text, Typ und Antworten "
            "einer beantworteten Frage ändern sich nur als neue Fassung (N)."
        )
        self.show_records(rows)
        current = self.form.questions
        sections = len({q.section for q in current if q.section})
        retired = len(rows) - len(current)
        status = (
            f"{len(current)} Fragen in {sections} Abschnitten"
            if sections
            else (f"{len(current)} Fragen")
        )
        if retired:
            status += f", {retired} abgelöste Fassung{'en' if retired > 1 else ''}"
        if not rows:
            status = "Noch keine Fragen. Neue Frage: n · aus der Fragensammlung: b"
        self.query_one("#editor-status", Static).update(status)

    def fitted_columns(self) -> list[FitColumn]:
        code = max((len(q.label) for q in self.records), default=6)
        # The question keeps 40 cells: at 80 columns whether it is required and the section
        # drop out first (the detail under the list says them), then the condition.
        return [
            FitColumn("code", "Kürzel", max(code, 3), min_width=min(max(code, 3), 14)),
            FitColumn("section", "Abschnitt", 16, min_width=8, priority=5),
            FitColumn("type", "Typ", 15, min_width=8, priority=2),
            FitColumn("text", "Frage", 40, grow=True),
            FitColumn("required", "Pflicht", 7, priority=4),
            FitColumn("condition", "Bedingung", 14, min_width=8, priority=3),
            FitColumn("answers", "Antw.", 5, priority=1),
        ]

    def text_widths(self) -> dict[str, int]:
        form = self.form
        return needed_widths(question_texts(q, form) for q in self.records) if form else {}

    def record_cells(self, q: QuestionRecord, widths: dict[str, int]) -> list[Any]:
        assert self.form is not None
        return question_cells(q, self.form, widths)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _show_detail(self) -> None:
        q = self.current()
        detail = self.query_one("#editor-detail", Static)
        detail.update(question_detail(q, self.form) if q and self.form else "")

    def selected(self) -> QuestionRecord | None:
        q = self.current()
        if q is None:
            self.notify("Bitte zuerst eine Frage auswählen.", severity="warning")
        elif q.retired:
            self.notify(
                f"{q.label} ist abgelöst und bleibt, wie sie beantwortet wurde.",
                severity="warning",
            )
            return None
        return q

    # ------------------------------------------------------------------ saving
    @work(thread=True, group="editor-service")
    def run_service(
        self,
        call: Callable[[], T],
        done: Callable[[T], Any],
        conflict: Callable[[ConflictError], Any] | None = None,
    ) -> None:
        """One use case off the UI thread, then the questions as stored now."""
        try:
            with self.db_lock:
                result = call()
        except ConflictError as exc:
            if conflict is not None:
                self.app.call_from_thread(conflict, exc)
            else:
                self.app.call_from_thread(self._failed, exc.message)
            return
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        except Exception as exc:  # the editor must survive anything the database throws
            self.app.call_from_thread(self._failed, f"Unerwarteter Fehler: {exc}")
            return
        self.app.call_from_thread(done, result)

    def _failed(self, message: str) -> None:
        self.notify(message, title="Fehler", severity="error", timeout=12, markup=False)

    def _saved(self, message: str, question_id: int | None = None) -> None:
        self.dirty = True
        self._select_id = question_id
        if message:
            self.notify(message, markup=False)
        self.load()

    # ------------------------------------------------------------------ actions
    def action_close(self) -> None:
        if self.dirty:
            self.post_message(DataChanged("survey"))
        self.dismiss(None)

    def action_new(self) -> None:
        from koordination.tui.dialogs.survey import QuestionFormScreen

        if self.form is None:
            return

        def done(data: QuestionInput | None) -> None:
            if data is None:
                return
            self.run_service(
                lambda: self.surveys.add_question(self.survey_id, data),
                lambda q: self._saved(f"{q.code} ist angelegt.", q.id),
            )

        self.app.push_screen(QuestionFormScreen("Neue Frage", self.form, None), done)

    def action_edit(self) -> None:
        from koordination.tui.dialogs.survey import QuestionFormScreen

        q = self.selected()
        if q is None or self.form is None:
            return
        note = ""
        if q.answer_count:
            note = (
                f"Auf {q.code} gibt es {answers_text(q.answer_count)}: Text, Typ, Antworten "
                "und Skala ändern sich nur als neue Fassung."
            )

        def done(data: QuestionInput | None) -> None:
            if data is None:
                return
            if not data.changes(q):
                self.notify("Nichts geändert.")
                return
            self.run_service(
                lambda: self.surveys.update_question(q, data),
                lambda r: self._saved(f"{r.label} ist gespeichert.", r.id),
                conflict=lambda exc: self._offer_new_version(q, data, exc.message),
            )

        self.app.push_screen(
            QuestionFormScreen(f"Frage bearbeiten – {q.label}", self.form, q, note=note), done
        )

    def _offer_new_version(self, q: QuestionRecord, data: QuestionInput, why: str) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._new_version(q, data)

        self.app.push_screen(
            ConfirmScreen(
                f"Neue Fassung von {q.code}?",
                [
                    escape_markup(why),
                    f"Die neue Fassung ersetzt {q.code} im Fragebogen; neue Antworten gehören zu "
                    "ihr. Die alte Fassung bleibt mit ihren Antworten in den Ergebnissen.",
                ],
                "Neue Fassung anlegen",
                "Nicht ändern",
            ),
            answer,
        )

    def _new_version(self, q: QuestionRecord, data: QuestionInput) -> None:
        self.run_service(
            lambda: self.surveys.new_version(q, data),
            lambda r: self._saved(f"{r.label} ist angelegt; die alte Fassung ist abgelöst.", r.id),
        )

    def action_new_version(self) -> None:
        from koordination.tui.dialogs.survey import QuestionFormScreen

        q = self.selected()
        if q is None or self.form is None:
            return

        def done(data: QuestionInput | None) -> None:
            if data is None:
                return
            if not data.changes(q):
                self.notify("Nichts geändert: keine neue Fassung angelegt.")
                return
            self._new_version(q, data)

        self.app.push_screen(
            QuestionFormScreen(
                f"Neue Fassung von {q.label}",
                self.form,
                q,
                note="Die alte Fassung bleibt mit ihren Antworten erhalten und wird abgelöst.",
            ),
            done,
        )

    def _move(self, delta: int) -> None:
        q = self.selected()
        if q is None:
            return
        self.run_service(
            lambda: self.surveys.move_question(q.id, delta),
            lambda _rows: self._saved("", q.id),
        )

    def action_up(self) -> None:
        self._move(-1)

    def action_down(self) -> None:
        self._move(1)

    def action_remove(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        q = self.selected()
        if q is None or self.form is None:
            return
        if q.answer_count:
            lines = [
                f"Auf {q.code} gibt es {answers_text(q.answer_count)}. Die Frage verschwindet "
                "aus dem Fragebogen; ihre Antworten bleiben in den Ergebnissen."
            ]
        else:
            lines = [f"{q.code} „{escape_markup(clip(q.text, 80))}“ wird gelöscht."]
        dependants = [d.code for d in self.form.questions if d.condition_question_id == q.id]
        if dependants:
            lines.append(
                f"{', '.join(dependants)} hängt von dieser Frage ab und wird dann immer gezeigt."
            )

        def removed(deleted: bool) -> None:
            verb = "gelöscht" if deleted else "aus dem Fragebogen genommen"
            self._saved(f"{q.code} ist {verb}.")

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_service(lambda: self.surveys.remove_question(q.id), removed)

        self.app.push_screen(
            ConfirmScreen(f"Frage {q.code} entfernen", lines, "Entfernen", "Behalten"), answer
        )

    def action_from_bank(self) -> None:
        from koordination.tui.dialogs.survey import BankPickerScreen

        form = self.form
        if form is None:
            return
        in_survey = {q.bank_item_id for q in form.questions if q.bank_item_id is not None}
        section = form.questions[-1].section if form.questions else ""

        def chosen(choice: BankChoice | None) -> None:
            if choice is not None:
                self.run_service(
                    lambda: self.surveys.add_from_bank(
                        self.survey_id, choice.item_id, section=choice.section
                    ),
                    lambda q: self._saved(f"{q.code} ist aus der Fragensammlung übernommen.", q.id),
                )

        self.run_service(
            self.surveys.bank,
            lambda items: self.app.push_screen(
                BankPickerScreen(form.survey.title, items, in_survey, section), chosen
            ),
        )

    def action_to_bank(self) -> None:
        from koordination.tui.dialogs.survey import bank_key_form

        q = self.selected()
        if q is None:
            return
        if q.bank_item_id is not None:
            self.notify(f"{q.code} ist schon mit der Fragensammlung verknüpft.", severity="warning")
            return

        def done(key: str | None) -> None:
            if key is not None:
                self.run_service(
                    lambda: self.surveys.add_to_bank(q.id, key),
                    lambda item: self._saved(
                        f"{q.code} steht jetzt in der Fragensammlung („{item.key}“).", q.id
                    ),
                )

        self.app.push_screen(bank_key_form(q), done)

    def palette_entries(self) -> list[tuple[str, str, str]]:
        from koordination.tui.screens.survey_results import screen_palette_entries

        return screen_palette_entries(self, "Fragebogen")
