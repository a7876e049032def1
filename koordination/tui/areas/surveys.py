"""The Umfragen area: the list of surveys with their state; the questionnaire, the results
and the kiosk open from here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from koordination.domain.enums import SurveyStatus
from koordination.domain.records.surveys import SurveyForm, SurveyRecord
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.formatting import clip, escape_markup, number
from koordination.tui.keys import bind
from koordination.tui.survey_text import (
    STATUS_STYLE,
    answers_text,
    audience_cell,
    short_period,
    survey_detail,
)
from koordination.tui.widgets.column_fit import FitColumn, FittedRecords, needed_widths

if TYPE_CHECKING:
    from koordination.domain.inputs.surveys import CopyInput, SurveyInput
    from koordination.services.surveys.service import Surveys

#: What the status key does in each state: (new state, German verb).
NEXT_STATUS = {
    SurveyStatus.ENTWURF: (SurveyStatus.LAEUFT, "gestartet"),
    SurveyStatus.LAEUFT: (SurveyStatus.ABGESCHLOSSEN, "abgeschlossen"),
    SurveyStatus.ABGESCHLOSSEN: (SurveyStatus.LAEUFT, "wieder geöffnet"),
}

#: The list's columns: the title keeps 18 cells; the audience, then the period, drop out
#: first (the detail under the list names both).
COLUMNS = [
    FitColumn("title", "Titel", 18, grow=True),
    FitColumn("audience", "Zielgruppe", 26, min_width=12, priority=3),
    FitColumn("status", "Status", 13),
    FitColumn("period", "Zeitraum", 17, min_width=15, priority=2),
    FitColumn("answers", "Antworten", 9, priority=1),
]


class SurveysArea(FittedRecords[SurveyRecord], Area):
    TITLE = "Umfragen"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind(
            "open",
            "questions",
            "Fragebogen bearbeiten: Fragen, Abschnitte, Bedingungen",
            label="Fragebogen",
            # Before the table's own Enter, so the footer names it first.
            priority=True,
        ),
        bind("new", "new", "Umfrage anlegen"),
        bind("edit", "edit", "Umfrage bearbeiten: Titel, Zielgruppe, Zeitraum"),
        bind("results", "results", "Ergebnisse mit Diagrammen zeigen"),
        bind("answer", "answers", "Papierbögen schnell eintippen", label="Erfassen"),
        bind("survey_status", "status", "Umfrage starten, abschließen, wieder öffnen"),
        bind("kiosk", "kiosk", "Kiosk-Modus: Besucher füllen am Laptop aus"),
        bind(
            "import", "import_responses", "Online-Antworten (CSV, Excel, LibreOffice) importieren"
        ),
        bind("export", "export", "Umfrage ausgeben: Ergebnisbericht, Rohdaten, Fragebogen"),
        bind("copy", "copy", "Umfrage kopieren, z. B. für eine andere Zielgruppe"),
        bind("remove", "delete", "Umfrage mit allen Antworten löschen", label="Löschen"),
        bind("history", "history", "Verlauf: Änderungen an der Umfrage"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.records: list[SurveyRecord] = []
        self._select_id: int | None = None
        self._widths: dict[str, int] = {}

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        table: DataTable[Any] = DataTable(id="surveys-table", cursor_type="row")
        table.border_title = "Umfragen"
        yield table
        yield Static("", id="surveys-detail", classes="surveys-detail")
        yield Static("Wird geladen …", id="surveys-status", classes="status-line")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#surveys-table", DataTable)

    def focus_default(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.table.focus()

    @property
    def surveys(self) -> Surveys | None:
        return self.core.surveys if self.core is not None else None

    # ------------------------------------------------------------------ loading
    def reload(self, keep_position: bool = False) -> None:
        if self.surveys is not None:
            self._load()

    def data_changed(self, what: str) -> None:
        if what == "survey":
            self.reload(keep_position=True)

    @work(thread=True, exclusive=True, group="surveys")
    def _load(self) -> None:
        surveys = self.surveys
        assert surveys is not None
        try:
            records = surveys.list_surveys()
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, records)

    def _loaded(self, records: list[SurveyRecord]) -> None:
        self.show_records(records)
        running = sum(1 for r in records if r.status is SurveyStatus.LAEUFT)
        surveys = "1 Umfrage" if len(records) == 1 else f"{number(len(records))} Umfragen"
        status = f"{surveys}, {running} {'läuft' if running == 1 else 'laufen'}, " + answers_text(
            sum(r.response_count for r in records)
        )
        if not records:
            status = "Noch keine Umfrage. Eine anlegen: Taste n."
        self.query_one("#surveys-status", Static).update(status)

    def fitted_columns(self) -> list[FitColumn]:
        return COLUMNS

    def text_widths(self) -> dict[str, int]:
        return needed_widths(
            {
                "title": r.title,
                "audience": r.audience_label,
                "status": r.status.label,
                "period": short_period(r),
                "answers": number(r.response_count),
            }
            for r in self.records
        )

    def record_cells(self, r: SurveyRecord, widths: dict[str, int]) -> list[Text]:
        cells = {
            "title": lambda w: Text(clip(r.title, w)),
            "audience": lambda w: Text(audience_cell(r, w)),
            "status": lambda _w: Text(r.status.label, style=STATUS_STYLE[r.status]),
            "period": lambda _w: Text(short_period(r), style="dim"),
            "answers": lambda _w: Text(number(r.response_count), justify="right"),
        }
        return [cells[key](w) for key, w in widths.items()]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_questions()

    def _show_detail(self) -> None:
        record = self.current()
        self.query_one("#surveys-detail", Static).update(
            survey_detail(record) if record else "[dim]Nichts ausgewählt.[/dim]"
        )

    def selected(self) -> SurveyRecord | None:
        record = self.current()
        if record is None:
            self.notify("Bitte zuerst eine Umfrage in der Liste auswählen.", severity="warning")
        return record

    def _saved(self, message: str, survey_id: int | None = None) -> None:
        self._select_id = survey_id
        self.notify(message, markup=False)
        self.changed("survey")

    def needs_surveys(self) -> Surveys | None:
        core = self.needs_core()
        return core.surveys if core is not None else None

    def taking_answers(self) -> tuple[Surveys, SurveyRecord] | None:
        """The selected survey if it takes answers (it was started); else says why not."""
        surveys, record = self.needs_surveys(), self.selected()
        if surveys is None or record is None:
            return None
        if record.status is SurveyStatus.ENTWURF:
            self.notify(
                "Die Umfrage ist noch ein Entwurf. Erst starten: Taste S.", severity="warning"
            )
            return None
        return surveys, record

    # ------------------------------------------------------------------ survey
    def action_new(self) -> None:
        from koordination.tui.dialogs.survey import SurveyFormScreen

        surveys = self.needs_surveys()
        if surveys is None:
            return

        def done(data: SurveyInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: surveys.create(data),
                    lambda r: self._saved(
                        f"„{r.title}“ ist angelegt. Jetzt die Fragen: Enter.", r.id
                    ),
                )

        self.app.push_screen(SurveyFormScreen("Neue Umfrage", None), done)

    def action_edit(self) -> None:
        from koordination.tui.dialogs.survey import SurveyFormScreen

        surveys, record = self.needs_surveys(), self.selected()
        if surveys is None or record is None:
            return

        def done(data: SurveyInput | None) -> None:
            if data is None:
                return
            if not data.changes(record):
                self.notify("Nichts geändert.")
                return
            self.call_service(
                lambda: surveys.update(record, data),
                lambda r: self._saved(f"„{r.title}“ ist gespeichert.", r.id),
            )

        self.app.push_screen(SurveyFormScreen(f"Umfrage bearbeiten – {record.title}", record), done)

    def action_copy(self) -> None:
        from koordination.tui.dialogs.survey import copy_form

        surveys, record = self.needs_surveys(), self.selected()
        if surveys is None or record is None:
            return

        def done(data: CopyInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: surveys.copy(record.id, data.title, data.audience),
                    lambda r: self._saved(
                        f"„{r.title}“ ist angelegt, mit {r.question_count} Fragen.", r.id
                    ),
                )

        self.app.push_screen(copy_form(record), done)

    def action_status(self) -> None:
        surveys, record = self.needs_surveys(), self.selected()
        if surveys is None or record is None:
            return
        status, verb = NEXT_STATUS[record.status]
        hints = {
            SurveyStatus.LAEUFT: "Papierbögen: Taste r, Kiosk: Taste k.",
            SurveyStatus.ABGESCHLOSSEN: "Der Kiosk nimmt nichts mehr an; Papierbögen gehen noch.",
        }
        self.call_service(
            lambda: surveys.set_status(record.id, status),
            lambda r: self._saved(f"„{r.title}“ ist {verb}. {hints[status]}", r.id),
        )

    def action_history(self) -> None:
        from koordination.tui.screens.audit import AuditScreen

        core, record = self.needs_core(), self.selected()
        if core is not None and record is not None:
            self.app.push_screen(AuditScreen(core, "survey", record.id, record.title))

    def action_delete(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        surveys, record = self.needs_surveys(), self.selected()
        if surveys is None or record is None:
            return
        lines = [
            f"„{escape_markup(record.title)}“ wird mit {record.question_count} Fragen und "
            f"{answers_text(record.response_count)} endgültig gelöscht."
        ]
        if record.response_count:
            lines.append(
                "Die Antworten lassen sich nicht wiederherstellen. Vorher sichern: Strg+E."
            )

        def answer(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    lambda: surveys.delete(record.id),
                    lambda _none: self._saved(f"„{record.title}“ ist gelöscht."),
                )

        self.app.push_screen(ConfirmScreen("Umfrage löschen", lines, "Löschen", "Behalten"), answer)

    # ------------------------------------------------------------------ questions and answers
    def action_questions(self) -> None:
        surveys, record = self.needs_surveys(), self.selected()
        if surveys is None or record is None:
            return

        # The editor says when something changed (DataChanged): the list reloads then.
        from koordination.tui.screens.questionnaire import QuestionnaireScreen

        self.app.push_screen(QuestionnaireScreen(surveys, record.id))

    def action_answers(self) -> None:
        from koordination.tui.screens.answer_entry import AnswerEntryScreen

        chosen = self.taking_answers()
        if chosen is None:
            return
        surveys, record = chosen

        def opened(form: SurveyForm) -> None:
            screen = AnswerEntryScreen(surveys, form)

            def closed(_none: None) -> None:
                if screen.entered:
                    forms = "1 Bogen" if screen.entered == 1 else f"{screen.entered} Bögen"
                    self.notify(f"{forms} erfasst für „{record.title}“.", markup=False)

            self.app.push_screen(screen, closed)

        self.call_service(lambda: surveys.form(record.id), opened)

    def action_import_responses(self) -> None:
        from koordination.tui.dialogs.response_import import response_source
        from koordination.tui.dialogs.transfer import ImportScreen

        chosen = self.taking_answers()
        if chosen is None:
            return
        assert self.core is not None
        self.app.push_screen(ImportScreen(self.core, response_source(self.core, chosen[1])))

    def action_results(self) -> None:
        from koordination.tui.screens.survey_results import SurveyResultsScreen

        core, record = self.needs_core(), self.selected()
        if core is None or record is None:
            return
        self.app.push_screen(SurveyResultsScreen(core, record.id))

    def action_kiosk(self) -> None:
        from koordination.tui.kiosk import KioskScreen, kiosk_refusal
        from koordination.tui.screens.kiosk_pin import KioskPinDialog

        core, record = self.needs_core(), self.selected()
        if core is None or record is None:
            return
        if refusal := kiosk_refusal(record):
            self.notify(refusal, severity="warning", markup=False)
            return

        def closed(saved: int | None) -> None:
            self.changed("survey")
            if saved:
                forms = "1 Fragebogen" if saved == 1 else f"{saved} Fragebögen"
                self.notify(f"Kiosk beendet: {forms} ausgefüllt.")

        def pin_set(pin: str | None) -> None:
            if pin is not None:
                self.app.push_screen(KioskScreen(core, record.id, pin), closed)

        self.app.push_screen(KioskPinDialog(record.title), pin_set)

    def action_export(self) -> None:
        from koordination.tui.dialogs.survey import survey_export

        core, record = self.needs_core(), self.selected()
        if core is None or record is None:
            return
        self.app.push_screen(survey_export(core, record))
