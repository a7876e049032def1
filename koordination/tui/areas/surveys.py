"""The Umfragen area: the list of surveys with their state, and the questionnaire editor."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from koordination.domain.enums import QuestionType, SurveyAudience, SurveyStatus
from koordination.domain.records.surveys import QuestionRecord, SurveyForm, SurveyRecord
from koordination.errors import ConflictError, KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.formatting import clip, escape_markup, fit_widths, number
from koordination.tui.messages import DataChanged
from koordination.tui.screens.survey_results import answers_text

if TYPE_CHECKING:
    from koordination.domain.inputs.surveys import CopyInput, QuestionInput, SurveyInput
    from koordination.services.surveys.service import Surveys
    from koordination.tui.dialogs.survey import BankChoice

T = TypeVar("T")

STATUS_STYLE = {
    SurveyStatus.ENTWURF: "yellow",
    SurveyStatus.LAEUFT: "bold green",
    SurveyStatus.ABGESCHLOSSEN: "dim",
}

#: What the status key does in each state: (new state, German verb).
NEXT_STATUS = {
    SurveyStatus.ENTWURF: (SurveyStatus.LAEUFT, "gestartet"),
    SurveyStatus.LAEUFT: (SurveyStatus.ABGESCHLOSSEN, "abgeschlossen"),
    SurveyStatus.ABGESCHLOSSEN: (SurveyStatus.LAEUFT, "wieder geöffnet"),
}


def table_widths(table: DataTable[Any], wanted: Sequence[int], least: Sequence[int]) -> list[int]:
    """Widths for the fixed columns of ``table``, plus the rest for its one flexible column
    (the last number): two cells of padding per column and the scrollbar aside."""
    width = table.size.width or 76
    free = width - 2 * len(wanted) - 1
    fixed = fit_widths(free - least[-1], wanted[:-1], least[:-1])
    return [*fixed, max(least[-1], free - sum(fixed))]


#: The audience in a narrow column (the detail below the list says it in full).
AUDIENCE_SHORT = {
    SurveyAudience.ORGANISATIONEN: "Organisationen",
    SurveyAudience.BUERGER: "Bürgerschaft",
}


def audience_cell(record: SurveyRecord, width: int) -> str:
    """The audience in full where it fits, else its short form."""
    full = record.audience_label
    if len(full) <= width:
        return full
    return clip(AUDIENCE_SHORT.get(record.audience) or full, width)


def short_period(record: SurveyRecord) -> str:
    """The period in a narrow column: "01.09.–30.11.26", across years "01.12.26–31.01.27"."""

    def fmt(d: date) -> str:
        return d.strftime("%d.%m.%y")

    start, end = record.starts_on, record.ends_on
    if start and end:
        first = f"{start:%d.%m.}" if start.year == end.year else fmt(start)
        return f"{first}–{fmt(end)}"
    if start:
        return f"ab {fmt(start)}"
    if end:
        return f"bis {fmt(end)}"
    return "–"


def survey_detail(s: SurveyRecord) -> str:
    """The highlighted survey under the list (Textual markup)."""
    facts = [
        f"{number(s.question_count)} Fragen",
        answers_text(s.response_count),
        "anonym" if s.anonymous else "mit Name oder Kontakt",
    ]
    if s.copied_from_id:
        facts.append(f"Kopie von Nr. {s.copied_from_id}")
    lines = [
        f"[b]{escape_markup(s.title)}[/b]  [dim]Nr. {s.id}[/dim]",
        f"{escape_markup(s.audience_label)} · {escape_markup(s.period_label or 'ohne Zeitraum')} · "
        f"[{STATUS_STYLE[s.status]}]{s.status.label}[/] · " + " · ".join(facts),
    ]
    if s.introduction:
        intro = " ".join(s.introduction.split())
        lines.append(f"[dim]{escape_markup(clip(intro, 220))}[/dim]")
    if s.status is SurveyStatus.ENTWURF:
        nxt = "f: Fragen bearbeiten · s: starten · Strg+E: Fragebogen drucken"
    elif s.status is SurveyStatus.LAEUFT:
        nxt = "a: Papierbögen · k: Kiosk · i: Import · e: Ergebnisse · s: abschließen"
    else:
        nxt = "e: Ergebnisse · Strg+E: Bericht · a: späte Papierbögen · s: wieder öffnen"
    lines.append(f"[dim]{nxt}[/dim]")
    return "\n".join(lines)


class SurveysArea(Area):
    TITLE = "Umfragen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "Neu", tooltip="Umfrage anlegen"),
        Binding(
            "b",
            "edit",
            "Bearbeiten",
            tooltip="Umfrage bearbeiten: Titel, Zielgruppe, Zeitraum",
        ),
        Binding(
            "f",
            "questions",
            "Fragebogen",
            tooltip="Fragebogen bearbeiten: Fragen, Abschnitte, Bedingungen",
        ),
        Binding("s", "status", "Start/Ende", tooltip="Umfrage starten, abschließen, wieder öffnen"),
        Binding("a", "answers", "Erfassen", tooltip="Papierbögen schnell eintippen"),
        Binding("k", "kiosk", "Kiosk", tooltip="Kiosk-Modus: Besucher füllen am Laptop aus"),
        Binding(
            "i",
            "import_responses",
            "Import",
            tooltip="Online-Antworten (CSV, Excel, LibreOffice) importieren",
        ),
        Binding("e", "results", "Ergebnisse", tooltip="Ergebnisse mit Diagrammen zeigen"),
        Binding(
            "ctrl+e",
            "export",
            "Export",
            tooltip="Umfrage exportieren: Ergebnisbericht, Rohdaten, Fragebogen",
        ),
        Binding(
            "c", "copy", "Kopieren", tooltip="Umfrage kopieren, z. B. für eine andere Zielgruppe"
        ),
        Binding("x", "delete", "Löschen", tooltip="Umfrage mit allen Antworten löschen"),
        Binding("h", "history", "Verlauf", tooltip="Verlauf: Änderungen an der Umfrage"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.records: list[SurveyRecord] = []
        self._select_id: int | None = None
        self._widths: list[int] = []

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
        table = self.table
        wanted = self._select_id
        if wanted is None and 0 <= table.cursor_row < len(self.records):
            wanted = self.records[table.cursor_row].id
        self._select_id = None
        self.records = records
        self._render_rows()
        index = next((i for i, r in enumerate(records) if r.id == wanted), 0)
        if records:
            table.move_cursor(row=index, animate=False)
        self._show_detail()
        running = sum(1 for r in records if r.status is SurveyStatus.LAEUFT)
        surveys = "1 Umfrage" if len(records) == 1 else f"{number(len(records))} Umfragen"
        status = f"{surveys}, {running} {'läuft' if running == 1 else 'laufen'}, " + answers_text(
            sum(r.response_count for r in records)
        )
        if not records:
            status = "Noch keine Umfrage. Eine anlegen: Taste n."
        self.query_one("#surveys-status", Static).update(status)

    def _column_widths(self) -> list[int]:
        #        Zielgruppe, Status, Zeitraum, Antworten, Titel
        return table_widths(self.table, [26, 13, 17, 9, 0], [12, 13, 15, 9, 16])

    def _render_rows(self) -> None:
        table = self.table
        self._widths = self._column_widths()
        audience, status, period, answers, title = self._widths
        table.clear(columns=True)
        table.add_column("Titel", width=title, key="title")
        table.add_column("Zielgruppe", width=audience, key="audience")
        table.add_column("Status", width=status, key="status")
        table.add_column("Zeitraum", width=period, key="period")
        table.add_column("Antworten", width=answers, key="answers")
        for r in self.records:
            table.add_row(
                Text(clip(r.title, title)),
                Text(audience_cell(r, audience)),
                Text(r.status.label, style=STATUS_STYLE[r.status]),
                Text(short_period(r), style="dim"),
                Text(number(r.response_count), justify="right"),
                key=str(r.id),
            )

    def on_resize(self) -> None:
        if self.records and self._column_widths() != self._widths:
            index = self.table.cursor_row
            self._render_rows()
            self.table.move_cursor(row=index, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_questions()

    def current(self) -> SurveyRecord | None:
        row = self.table.cursor_row
        return self.records[row] if 0 <= row < len(self.records) else None

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
                        f"„{r.title}“ ist angelegt. Jetzt die Fragen: Taste f.", r.id
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
            SurveyStatus.LAEUFT: "Papierbögen: Taste a, Kiosk: Taste k.",
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
        self.app.push_screen(QuestionnaireScreen(surveys, record.id))

    def action_answers(self) -> None:
        from koordination.tui.dialogs.survey import AnswerEntryScreen

        surveys, record = self.needs_surveys(), self.selected()
        if surveys is None or record is None:
            return
        if record.status is SurveyStatus.ENTWURF:
            self.notify(
                "Die Umfrage ist noch ein Entwurf. Erst starten: Taste s.", severity="warning"
            )
            return

        def opened(form: SurveyForm) -> None:
            screen = AnswerEntryScreen(surveys, form)

            def closed(_none: None) -> None:
                if screen.entered:
                    forms = "1 Bogen" if screen.entered == 1 else f"{screen.entered} Bögen"
                    self.notify(f"{forms} erfasst für „{record.title}“.", markup=False)

            self.app.push_screen(screen, closed)

        self.call_service(lambda: surveys.form(record.id), opened)

    def action_import_responses(self) -> None:
        from koordination.tui.dialogs.survey import ResponseImportScreen

        surveys, record = self.needs_surveys(), self.selected()
        if surveys is None or record is None:
            return
        if record.status is SurveyStatus.ENTWURF:
            self.notify(
                "Die Umfrage ist noch ein Entwurf. Erst starten: Taste s.", severity="warning"
            )
            return
        assert self.core is not None
        self.app.push_screen(ResponseImportScreen(self.core, record))

    def action_results(self) -> None:
        from koordination.tui.screens.survey_results import SurveyResultsScreen

        core, record = self.needs_core(), self.selected()
        if core is None or record is None:
            return
        self.app.push_screen(SurveyResultsScreen(core, record.id))

    def action_kiosk(self) -> None:
        from koordination.tui.kiosk import KioskPinDialog, KioskScreen, kiosk_refusal

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


# ---------------------------------------------------------------------- questionnaire editor


def question_cells(q: QuestionRecord, form: SurveyForm, widths: Sequence[int]) -> tuple[Text, ...]:
    code_w, section_w, type_w, _required, condition_w, _answers, text_w = widths
    style = "dim" if q.retired else ""
    text = ("abgelöst: " if q.retired else "") + q.text
    condition = form.condition_label(q).removeprefix("Nur wenn ")
    return (
        Text(clip(q.label, code_w), style="dim" if q.retired else "bold"),
        Text(clip(q.section, section_w), style="dim"),
        Text(clip(q.type.label, type_w), style=style),
        Text(clip(text, text_w), style="dim strike" if q.retired else ""),
        Text("ja" if q.required else "", style=style),
        Text(clip(condition, condition_w), style="dim"),
        Text(number(q.answer_count) if q.answer_count else "–", style=style, justify="right"),
    )


def question_detail(q: QuestionRecord, form: SurveyForm) -> str:
    lines = [f"[b]{escape_markup(q.label)}[/b] {escape_markup(q.text)}"]
    if q.hint:
        lines.append(f"[dim]{escape_markup(q.hint)}[/dim]")
    if q.type.has_options:
        options = "  ".join(f"{i} {o.label}" for i, o in enumerate(q.options, start=1))
        lines.append(f"{q.type.label}: {escape_markup(options)}")
    elif q.type is QuestionType.SKALA:
        labels = f" ({q.low_label} … {q.high_label})" if q.low_label or q.high_label else ""
        lines.append(f"Skala {q.scale_min} bis {q.scale_max}{escape_markup(labels)}")
    else:
        lines.append(q.type.label)
    facts = []
    if q.required:
        facts.append("Pflichtfrage")
    if condition := form.condition_label(q):
        facts.append(escape_markup(condition))
    if q.breakdown:
        facts.append("Ergebnisse werden danach aufgeschlüsselt")
    if q.bank_item_id:
        facts.append("mit der Fragensammlung verknüpft")
    if q.retired:
        facts.append("abgelöst durch eine neuere Fassung; die Antworten bleiben erhalten")
    if facts:
        lines.append("[dim]" + " · ".join(facts) + "[/dim]")
    return "\n".join(lines)


class QuestionnaireScreen(Screen[None]):
    """The questions of one survey: add, edit, order, remove, new versions, the question bank."""

    TITLE = "Fragebogen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "close", "Zurück", tooltip="Fragebogen schließen, zurück zu den Umfragen"
        ),
        Binding("n", "new", "Neue Frage", tooltip="Frage anlegen"),
        Binding("b", "edit", "Bearbeiten", tooltip="Frage bearbeiten"),
        Binding(
            "v",
            "new_version",
            "Neue Fassung",
            tooltip="Neue Fassung der Frage (die alte bleibt mit ihren Antworten)",
        ),
        Binding("ctrl+up,K", "up", "Nach oben", key_display="Strg+↑/K", tooltip="Frage nach oben"),
        Binding(
            "ctrl+down,J",
            "down",
            "Nach unten",
            key_display="Strg+↓/J",
            tooltip="Frage nach unten",
        ),
        Binding("x", "remove", "Entfernen", tooltip="Frage aus dem Fragebogen nehmen"),
        Binding("s", "from_bank", "Aus Sammlung", tooltip="Frage aus der Fragensammlung"),
        Binding("m", "to_bank", "In Sammlung", tooltip="Frage in die Fragensammlung aufnehmen"),
    ]

    def __init__(self, surveys: Surveys, survey_id: int) -> None:
        super().__init__()
        self.surveys = surveys
        self.survey_id = survey_id
        self.survey: SurveyRecord | None = None
        #: Every question with its retired versions, in questionnaire order.
        self.rows: list[QuestionRecord] = []
        self.form: SurveyForm | None = None
        #: One use case at a time: a move never overtakes the edit before it.
        self.db_lock = threading.Lock()
        self.dirty = False
        self._select_id: int | None = None
        self._widths: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Fragebogen wird geladen …", id="editor-title", classes="sitting-title")
        yield Static("", id="editor-warning", classes="editor-warning")
        table: DataTable[Any] = DataTable(id="editor-table", cursor_type="row")
        table.border_title = "Fragen"
        yield table
        yield Static("", id="editor-detail", classes="surveys-detail")
        yield Static("", id="editor-status", classes="status-line")
        yield Footer()

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
        table = self.table
        wanted = self._select_id
        if wanted is None and 0 <= table.cursor_row < len(self.rows):
            wanted = self.rows[table.cursor_row].id
        self._select_id = None
        self.survey = survey
        self.rows = rows
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
            "einer beantworteten Frage ändern sich nur als neue Fassung (v)."
        )
        self._render_rows()
        if rows:
            index = next((i for i, q in enumerate(rows) if q.id == wanted), 0)
            table.move_cursor(row=index, animate=False)
        self._show_detail()
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
            status = "Noch keine Fragen. Neue Frage: n · aus der Fragensammlung: s"
        self.query_one("#editor-status", Static).update(status)

    def _column_widths(self) -> list[int]:
        #        Kürzel, Abschnitt, Typ, Pflicht, Bedingung, Antw., Frage
        code = max((len(q.label) for q in self.rows), default=6)
        least = [min(code, 14), 5, 6, 7, 5, 5, 20]
        return table_widths(self.table, [code, 16, 15, 7, 14, 5, 0], least)

    def _render_rows(self) -> None:
        assert self.form is not None
        table = self.table
        self._widths = self._column_widths()
        code, section, kind, required, condition, answers, text = self._widths
        table.clear(columns=True)
        table.add_column("Kürzel", width=code)
        table.add_column("Abschnitt", width=section)
        table.add_column("Typ", width=kind)
        table.add_column("Frage", width=text)
        table.add_column("Pflicht", width=required)
        table.add_column("Bedingung", width=condition)
        table.add_column("Antw.", width=answers)
        for q in self.rows:
            table.add_row(*question_cells(q, self.form, self._widths), key=str(q.id))

    def on_resize(self) -> None:
        if self.rows and self._column_widths() != self._widths:
            index = self.table.cursor_row
            self._render_rows()
            self.table.move_cursor(row=index, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def current(self) -> QuestionRecord | None:
        row = self.table.cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

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
