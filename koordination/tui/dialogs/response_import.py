"""Importing the responses an online form tool collected: read the file, match its columns to
the questions, check, then import all or nothing (the shared import dialog's parts)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import (
    SurveyForm,
    SurveyRecord,
)
from koordination.errors import ImportFailed, KoordinationError
from koordination.tui.dialogs.transfer import (
    MAX_PROBLEMS_SHOWN,
    TransferScreen,
    transfer_buttons,
)
from koordination.tui.formatting import escape_markup
from koordination.tui.messages import DataChanged

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.services.surveys.column_mapping import ColumnMapping
    from koordination.services.surveys.response_import import ResponseImportReport

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
            yield transfer_buttons(read=True)

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
