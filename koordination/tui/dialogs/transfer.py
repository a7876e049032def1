"""The one import dialog (Excel, LibreOffice or CSV: people, organisations, a survey's
responses); the export dialog and what it says about a list live in export.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    Label,
    ProgressBar,
    RadioButton,
    RadioSet,
    Select,
    Static,
)
from textual.worker import get_current_worker

from koordination.domain.records.consent import ConsentTextRecord
from koordination.errors import ImportFailed, KoordinationError
from koordination.services.directory.imports.report import Existing, Progress
from koordination.services.tables import ods, reader, xlsx
from koordination.tui.dialogs.base import Dialog
from koordination.tui.formatting import number
from koordination.tui.keys import bind
from koordination.tui.messages import DataChanged
from koordination.tui.progress import Throttled

if TYPE_CHECKING:
    from koordination.core import Core

ImportKind = Literal["people", "organisations"]
ExportKind = Literal["people", "organisations", "groups"]

#: German names of what is imported or exported, as in the navigation.
NOUNS = {"people": "Personen", "organisations": "Organisationen", "groups": "Gruppen"}
#: What a finished import changed, for :class:`DataChanged`.
CHANGED = {"people": "person", "organisations": "organisation"}
#: How the importer recognises an entry that is already in the database.
SAME_ENTRY = {"people": "gleiche E-Mail-Adresse", "organisations": "gleicher Name"}
EXAMPLE_COLUMNS = {
    "people": "Vorname; Nachname; E-Mail; Organisation; Sektor …",
    "organisations": "Name; Sektor; Art; E-Mail …",
}
EXISTING_CHOICES: list[tuple[Existing, str]] = [
    ("error", "Fehler melden"),
    ("update", "aktualisieren"),
    ("skip", "überspringen"),
]
#: More problems than this are counted, not listed: nobody reads 10,000 lines in a dialog.
MAX_PROBLEMS_SHOWN = 500


def import_file(text: str) -> Path:
    """The file a user typed (``~`` expanded, quotes from a file manager dropped), or why not."""
    text = text.strip().strip("\"'").strip()
    if not text:
        raise KoordinationError("Bitte eine Datei angeben.")
    path = Path(text).expanduser()
    if not path.exists():
        raise KoordinationError(f"Die Datei {path} gibt es nicht.")
    if path.is_dir():
        raise KoordinationError(f"{path} ist ein Ordner, keine Datei.")
    return path


def workbook_sheets(path: Path) -> list[tuple[str, bool]]:
    """A workbook's sheets (name, visible) in its order; none for a CSV file."""
    kind = reader.kind_of(path)
    if kind == "csv":
        return []
    return (xlsx if kind == "xlsx" else ods).sheets(path)


class Report(Protocol):
    """What the core's importers report, with ``dry_run`` or for real."""

    @property
    def dry_run(self) -> bool: ...
    @property
    def warnings(self) -> Sequence[str]: ...
    def summary(self) -> str: ...


#: A column of the file and what it is imported as (``None``: not at all).
ColumnTarget = tuple[str, str | None]


@dataclass(frozen=True)
class ImportChoices:
    """What the user chose besides the file: the sheet, what to do with entries that are
    there already (directory imports), the columns' targets (after reading the file)."""

    sheet: str | None = None
    existing: Existing = "error"
    columns: tuple[ColumnTarget, ...] = ()
    #: The catalogue wording the list's consent cells agree to (people imports).
    consent_text: ConsentTextRecord | None = None


@dataclass(frozen=True)
class ImportPreview:
    """A file as read before importing: its columns with the suggested targets, the targets
    a column can have (label, value; the first one means "do not import") and its rows."""

    path: Path
    columns: tuple[ColumnTarget, ...]
    targets: tuple[tuple[str, str], ...]
    rows: int


@dataclass(frozen=True)
class ImportSource:
    """What one import dialog imports and which core calls it makes.

    ``run(path, choices, dry_run, progress)`` checks (``dry_run``) or imports, all or nothing,
    raising :class:`ImportFailed` with the problems. With ``preview(path, sheet)`` the file is
    read first and each column matched to a target the user can correct; with ``same_entry``
    the user chooses what happens to entries that are there already.
    """

    title: str
    note: str
    placeholder: str
    #: What a finished import changed, for :class:`DataChanged`.
    changed: str
    #: What "Importieren" takes over, for the dry run's last line ("die Einträge").
    taken: str
    run: Callable[[Path, ImportChoices, bool, Progress], Report]
    same_entry: str = ""
    preview: Callable[[Path, str | None], ImportPreview] | None = None
    #: The consent catalogue to choose the list's wording from (people imports).
    consent_texts: Callable[[], Sequence[ConsentTextRecord]] | None = None


def directory_source(core: Core, kind: ImportKind) -> ImportSource:
    """People or organisations from a table; entries there already by e-mail or name."""

    def run(path: Path, choices: ImportChoices, dry_run: bool, progress: Progress) -> Report:
        imports = core.imports
        if kind == "people":
            text = choices.consent_text
            return imports.people(
                path,
                existing=choices.existing,
                dry_run=dry_run,
                progress=progress,
                sheet=choices.sheet,
                consents={text.purpose: text.version} if text else None,
            )
        return imports.organisations(
            path,
            existing=choices.existing,
            dry_run=dry_run,
            progress=progress,
            sheet=choices.sheet,
        )

    return ImportSource(
        title=f"{NOUNS[kind]} importieren",
        note="Eine Tabelle (Excel, LibreOffice oder CSV) mit Kopfzeile "
        f"(z. B. {EXAMPLE_COLUMNS[kind]}). Ist eine Zeile fehlerhaft, wird nichts importiert.",
        placeholder="z. B. ~/Downloads/adressen.xlsx",
        changed=CHANGED[kind],
        taken="die Einträge",
        run=run,
        same_entry=SAME_ENTRY[kind],
        consent_texts=core.consents.texts if kind == "people" else None,
    )


def transfer_buttons(*, read: bool = False) -> Horizontal:
    """The import dialog's buttons; the keys stand on the buttons that have one."""
    buttons = [
        Button("Prüfen", id="check", tooltip="Probelauf: nichts wird gespeichert", compact=True),
        Button("Importieren (Strg+S)", variant="primary", id="import", compact=True),
        Button("Schließen (Esc)", id="close", compact=True),
    ]
    if read:
        buttons.insert(
            0, Button("Datei lesen", id="read", tooltip="Spalten zuordnen", compact=True)
        )
    return Horizontal(*buttons, classes="dialog-buttons")


class ImportScreen(Dialog[None]):
    """The one import dialog: a table (.xlsx, .ods, .csv) and, in a workbook, its sheet; read
    first where columns are matched to targets; check (a dry run) and import, all or nothing.
    What it imports comes from an :class:`ImportSource`: people or organisations
    (``kind``), or any other source, such as a survey's responses (``response_source``)."""

    BINDINGS = [
        bind("save", "import", "Importieren: alles oder nichts", label="Importieren"),
        bind("cancel", "close", "Dialog schließen", label="Schließen"),
    ]

    class Read(Message):
        """The file was read: its columns and the suggested targets can be shown."""

        def __init__(self, preview: ImportPreview) -> None:
            super().__init__()
            self.preview = preview

    def __init__(self, core: Core, what: ImportKind | ImportSource) -> None:
        super().__init__()
        self.core = core
        self.source = directory_source(core, what) if isinstance(what, str) else what
        self.running = False
        self._focus_before: Widget | None = None
        #: The file as read (sources with a preview only).
        self.preview: ImportPreview | None = None
        #: The last import went through: importing the same file again needs a change first.
        self.imported = False

    def compose(self) -> ComposeResult:
        source = self.source
        reads = source.preview is not None
        with Vertical(id="dialog", classes="transfer-dialog import-dialog"):
            yield Static(source.title, classes="dialog-title", markup=False)
            yield Static(source.note, classes="dialog-note", markup=False)
            yield Label("Datei", classes="field-label")
            hint = " (Enter: lesen)" if reads else ""
            yield Input(placeholder=source.placeholder + hint, id="import-path", compact=True)
            yield Static("", id="import-path-problem", classes="transfer-problem")
            with Horizontal(id="import-sheet-row", classes="field-row"):
                yield Label("Tabellenblatt", classes="field-label")
                yield Select[str]([], allow_blank=True, id="import-sheet", compact=True)
            if source.consent_texts is not None:
                with Horizontal(id="import-consent-row", classes="field-row"):
                    yield Label("Einwilligungstext", classes="field-label")
                    yield Select[ConsentTextRecord](
                        [],
                        prompt="– keiner –",
                        id="import-consent",
                        compact=True,
                    )
            if source.same_entry:
                yield Label(
                    f"Schon vorhandene Einträge ({source.same_entry})", classes="field-label"
                )
                with RadioSet(id="import-existing", classes="transfer-choice"):
                    for i, (value, label) in enumerate(EXISTING_CHOICES):
                        yield RadioButton(label, value=i == 0, id=f"existing-{value}")
            if reads:
                yield Static("", id="import-columns-note", classes="dialog-note")
                yield VerticalScroll(id="import-columns", classes="import-columns")
            yield ProgressBar(id="import-progress", show_eta=False)
            with VerticalScroll(id="import-result", classes="transfer-result"):
                yield Static("", id="import-result-text")
            yield transfer_buttons(read=reads)

    def on_mount(self) -> None:
        self.progress_bar.display = False
        self.query_one("#import-result").display = False
        self.query_one("#import-sheet-row").display = False
        self._show_columns(False)
        self.set_buttons()
        self.query_one("#import-path", Input).focus()
        if self.source.consent_texts is not None:
            self.load_consent_texts(self.source.consent_texts)

    @property
    def progress_bar(self) -> ProgressBar:
        return self.query_one(ProgressBar)

    @property
    def existing(self) -> Existing:
        sets = self.query(RadioSet)
        pressed = sets.first().pressed_button if sets else None
        if pressed is None or pressed.id is None:
            return "error"
        value = pressed.id.removeprefix("existing-")
        return next((v for v, _label in EXISTING_CHOICES if v == value), "error")

    @property
    def sheet(self) -> str | None:
        """The sheet chosen, or ``None``: the reader takes the first visible one."""
        value = self.query_one("#import-sheet", Select).value
        return value if isinstance(value, str) else None

    @property
    def consent_text(self) -> ConsentTextRecord | None:
        """The wording chosen for the list's consent cells, or ``None``."""
        found = self.query("#import-consent")
        value = found.first(Select).value if found else None
        return value if isinstance(value, ConsentTextRecord) else None

    def choices(self) -> ImportChoices:
        return ImportChoices(self.sheet, self.existing, tuple(self.mapping()), self.consent_text)

    @work(thread=True, exclusive=True, group="import-consent")
    def load_consent_texts(self, texts: Callable[[], Sequence[ConsentTextRecord]]) -> None:
        found = list(texts())
        self.app.call_from_thread(self._show_consent_texts, found)

    def _show_consent_texts(self, texts: list[ConsentTextRecord]) -> None:
        select = self.query_one("#import-consent", Select)
        with self.prevent(Select.Changed):
            select.set_options((t.label, t) for t in texts)

    @on(Select.Changed, "#import-consent")
    def consent_changed(self) -> None:
        self.changed()

    def set_buttons(self) -> None:
        for button in self.query(Button):
            button.disabled = self.running and button.id != "close"
        unread = self.source.preview is not None and self.preview is None
        if unread:
            self.query_one("#check", Button).disabled = True
        if unread or self.imported:
            self.query_one("#import", Button).disabled = True

    # ------------------------------------------------------------------ as you type
    @on(Input.Changed, "#import-path")
    def path_changed(self, event: Input.Changed) -> None:
        self.query_one("#import-sheet-row").display = False
        self.query_one("#import-sheet", Select).set_options([])
        self.changed(forget_file=True)
        self.check_path(event.value)

    @on(Select.Changed, "#import-sheet")
    def sheet_changed(self) -> None:
        reread = self.preview is not None
        self.changed(forget_file=True)
        if reread:
            self.read_file()

    @on(RadioSet.Changed)
    def choice_changed(self) -> None:
        self.changed()

    def changed(self, *, forget_file: bool = False) -> None:
        """Something the import depends on changed: the last import no longer stands for it;
        another file or sheet needs reading again."""
        if forget_file and self.preview is not None:
            self.preview = None
            self._show_columns(False)
        if self.imported or forget_file:
            self.imported = False
            self.set_buttons()

    @work(thread=True, exclusive=True, group="import-path")
    def check_path(self, text: str) -> None:
        # Looking at the disk may be slow (a network drive), so not on the UI thread.
        problem, sheets = "", []
        if text.strip():
            try:
                sheets = workbook_sheets(import_file(text))
            except KoordinationError as exc:
                problem = exc.message
            except Exception as exc:  # a file that cannot be opened is said, not raised
                problem = f"Die Datei lässt sich nicht öffnen: {exc}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_path, text, problem, sheets)

    def _show_path(self, text: str, problem: str, sheets: list[tuple[str, bool]]) -> None:
        if self.query_one("#import-path", Input).value != text:
            return  # typed on meanwhile
        self.query_one("#import-path-problem", Static).update(escape(problem))
        if len(sheets) > 1:
            select = self.query_one("#import-sheet", Select)
            with self.prevent(Select.Changed):
                select.set_options(
                    (name if visible else f"{name} (ausgeblendet)", name)
                    for name, visible in sheets
                )
                # The sheet the reader takes by itself: the first one the office sees.
                select.value = next((n for n, visible in sheets if visible), sheets[0][0])
            self.query_one("#import-sheet-row").display = True

    # ------------------------------------------------------------------ reading the file
    @on(Input.Submitted, "#import-path")
    def path_submitted(self) -> None:
        if self.source.preview is None:
            self.action_check()
        else:
            self.read_file()

    @on(Button.Pressed, "#read")
    def read_file(self) -> None:
        if not self.running and self.source.preview is not None:
            self.start()
            self.read_worker(self.query_one("#import-path", Input).value, self.sheet)

    @work(thread=True, exclusive=True, group="import-read")
    def read_worker(self, text: str, sheet: str | None) -> None:
        assert self.source.preview is not None
        try:
            preview = self.source.preview(import_file(text), sheet)
        except KoordinationError as exc:
            self.app.call_from_thread(self._unreadable, exc.message)
        except Exception as exc:  # the dialog must survive anything the file throws
            self.app.call_from_thread(self._unreadable, f"Unerwarteter Fehler: {exc}")
        else:
            self.post_message(self.Read(preview))

    def _unreadable(self, message: str) -> None:
        self.stop()
        self.progress_bar.display = False
        self.query_one("#import-path-problem", Static).update(escape(message))

    async def on_import_screen_read(self, message: Read) -> None:
        preview = self.preview = message.preview
        known = {value for _label, value in preview.targets}
        skip = preview.targets[0][1]
        rows = []
        for i, (column, target) in enumerate(preview.columns):
            rows.append(
                Horizontal(
                    Label(column or "(ohne Überschrift)", classes="import-column", markup=False),
                    Select(
                        preview.targets,
                        value=target if target in known else skip,
                        allow_blank=False,
                        id=f"column-{i}",
                        compact=True,
                    ),
                    classes="import-column-row",
                )
            )
        columns = self.query_one("#import-columns", VerticalScroll)
        await columns.remove_children()
        await columns.mount_all(rows)
        self._show_columns(True)
        self._describe_mapping()
        self.progress_bar.display = False
        self.query_one("#import-result").display = False
        self.stop()
        if rows:
            self.query_one("#column-0", Select).focus()

    def _show_columns(self, shown: bool) -> None:
        for widget in self.query("#import-columns, #import-columns-note"):
            widget.display = shown
        self.query_one("#dialog").set_class(shown, "-read")

    def mapping(self) -> list[ColumnTarget]:
        if self.preview is None:
            return []
        out: list[ColumnTarget] = []
        for i, (column, _suggested) in enumerate(self.preview.columns):
            value = self.query_one(f"#column-{i}", Select).value
            out.append((column, value if isinstance(value, str) and value else None))
        return out

    def _describe_mapping(self) -> None:
        preview = self.preview
        if preview is None:
            return
        used = sum(1 for _column, target in self.mapping() if target)
        rows = "1 Antwort" if preview.rows == 1 else f"{number(preview.rows)} Antworten"
        self.query_one("#import-columns-note", Static).update(
            f"{rows} in {escape(preview.path.name)}; {used} von {len(preview.columns)} Spalten "
            "zugeordnet. Spalte → Frage:"
        )

    @on(Select.Changed, ".import-column-row Select")
    def target_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.changed()
        self._describe_mapping()

    # ------------------------------------------------------------------ running
    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        self.run_import(dry_run=True)

    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        self.run_import(dry_run=False)

    def run_import(self, dry_run: bool) -> None:
        unread = self.source.preview is not None and self.preview is None
        if self.running or unread or (self.imported and not dry_run):
            return
        self.start()
        self.show_result("Die Datei wird geprüft …" if dry_run else "Wird importiert …")
        text = self.query_one("#import-path", Input).value
        path = self.preview.path if self.preview is not None else text
        self.import_worker(str(path), self.choices(), dry_run)

    @work(thread=True, exclusive=True, group="import")
    def import_worker(self, text: str, choices: ImportChoices, dry_run: bool) -> None:
        try:
            report = self.source.run(import_file(text), choices, dry_run, self.throttled_progress())
        except ImportFailed as exc:
            self.app.call_from_thread(self._rejected, exc)
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
        except Exception as exc:  # the dialog must survive anything the file or database throws
            self.app.call_from_thread(self._failed, f"Unerwarteter Fehler: {exc}")
        else:
            self.app.call_from_thread(self._done, report)

    def _done(self, report: Report) -> None:
        if self.preview is not None:
            self.progress_bar.display = False  # the result says it all; the columns keep the room
        lines = [f"[b]{escape(report.summary())}[/b]"]
        if report.dry_run:
            lines.append(
                f"Es wurde noch nichts gespeichert; „Importieren“ übernimmt {self.source.taken}."
            )
        if report.warnings:
            lines += ["", f"Hinweise ({number(len(report.warnings))}):"]
            lines += [f"• {escape(w)}" for w in report.warnings]
        self.show_result("\n".join(lines))
        if not report.dry_run:
            self.imported = True
            self.post_message(DataChanged(self.source.changed))
            self.notify(report.summary(), title="Import", markup=False)
        self.stop()

    def _rejected(self, exc: ImportFailed) -> None:
        headline = exc.message.splitlines()[0]
        lines = [f"[b]{escape(headline)}[/b]", "Es wurde nichts importiert.", ""]
        shown = exc.problems[:MAX_PROBLEMS_SHOWN]
        lines += [f"• {escape(str(p))}" for p in shown]
        if len(exc.problems) > len(shown):
            lines.append(f"… und {number(len(exc.problems) - len(shown))} weitere Fehler")
        self.show_result("\n".join(lines), failed=True)
        self.stop()

    def _failed(self, message: str) -> None:
        self.show_result(escape(message), failed=True)
        self.stop()

    def show_result(self, text: str, failed: bool = False) -> None:
        if failed:
            self.progress_bar.display = False  # no bar stuck half-way next to the reasons
        area = self.query_one("#import-result", VerticalScroll)
        area.display = True
        area.set_class(failed, "-failed")
        self.query_one("#import-result-text", Static).update(text)
        area.scroll_home(animate=False)

    @property
    def result_text(self) -> str:
        """What the result area says, without markup (for tests and screen readers)."""
        visual = self.query_one("#import-result-text", Static).visual
        return str(getattr(visual, "plain", visual))

    # ------------------------------------------------------------------ the worker's state
    def start(self) -> None:
        # Disabling the pressed button moves the focus away; it comes back when done.
        self._focus_before = self.focused
        self.running = True
        self.set_buttons()
        self.progress_bar.update(total=None, progress=0)
        self.progress_bar.display = True

    def progress(self, done: int, total: int) -> None:
        self.progress_bar.update(total=max(total, 1), progress=done)

    def stop(self) -> None:
        self.running = False
        self.set_buttons()
        before = self._focus_before
        if before is not None and before.is_attached and before.focusable:
            before.focus()

    def throttled_progress(self) -> Throttled:
        worker = get_current_worker()

        def send(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.progress, done, total)

        return Throttled(send)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.running:
            # A running import writes anyway; closing would only hide how it ended.
            self.notify("Bitte warten, bis der Vorgang abgeschlossen ist.", severity="warning")
            return
        self.dismiss(None)
