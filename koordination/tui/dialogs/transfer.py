"""The import dialog (Excel, LibreOffice or CSV), and what the export dialog says about the
list it writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Button, Input, Label, ProgressBar, RadioButton, RadioSet, Static
from textual.worker import get_current_worker

from koordination.errors import ImportFailed, KoordinationError
from koordination.outputs.registry import DIRECTORY_TABLES
from koordination.services.directory.imports.report import Existing, ImportReport
from koordination.services.directory.search import GroupFilter, OrganisationFilter, PeopleFilter
from koordination.tui.dialogs.base import Dialog
from koordination.tui.formatting import number
from koordination.tui.keys import bind
from koordination.tui.messages import DataChanged
from koordination.tui.progress import Throttled

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.tui.dialogs.export import ExportDialog

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


def transfer_buttons(*, read: bool = False) -> Horizontal:
    """The import dialogs' buttons; the keys stand on the buttons that have one."""
    buttons = [
        Button("Prüfen", id="check", tooltip="Probelauf: nichts wird gespeichert", compact=True),
        Button("Importieren (Strg+S)", variant="primary", id="import", compact=True),
        Button("Schließen (Esc)", id="close", compact=True),
    ]
    if read:
        buttons.insert(
            0, Button("Datei lesen", id="read", tooltip="Spalten und Fragen zuordnen", compact=True)
        )
    return Horizontal(*buttons, classes="dialog-buttons")


class TransferScreen(Dialog[None]):
    """What both dialogs share: a progress bar, a worker that must finish before Esc closes."""

    BINDINGS = [
        bind("save", "import", "Importieren: alles oder nichts", label="Importieren"),
        bind("cancel", "close", "Dialog schließen", label="Schließen"),
    ]

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.running = False
        self._focus_before: Widget | None = None

    @property
    def progress_bar(self) -> ProgressBar:
        return self.query_one(ProgressBar)

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

    def set_buttons(self) -> None:
        for button in self.query(Button):
            button.disabled = self.running and button.id != "close"

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


class ImportScreen(TransferScreen):
    """Read people or organisations from a table (.xlsx, .ods, .csv): check first, then
    import all or nothing."""

    def __init__(self, core: Core, kind: ImportKind) -> None:
        super().__init__(core)
        self.kind = kind
        #: The last import went through: importing the same file again needs a change first.
        self.imported = False

    def compose(self) -> ComposeResult:
        noun = NOUNS[self.kind]
        with Vertical(id="dialog", classes="transfer-dialog"):
            yield Static(f"{noun} importieren", classes="dialog-title")
            yield Static(
                "Eine Tabelle (Excel, LibreOffice oder CSV) mit Kopfzeile "
                f"(z. B. {EXAMPLE_COLUMNS[self.kind]}). Ist eine Zeile fehlerhaft, "
                "wird nichts importiert.",
                classes="dialog-note",
            )
            yield Label("Datei", classes="field-label")
            yield Input(placeholder="z. B. ~/Downloads/adressen.xlsx", id="import-path")
            yield Static("", id="import-path-problem", classes="transfer-problem")
            yield Label(
                f"Schon vorhandene Einträge ({SAME_ENTRY[self.kind]})", classes="field-label"
            )
            with RadioSet(id="import-existing", classes="transfer-choice"):
                for i, (value, label) in enumerate(EXISTING_CHOICES):
                    yield RadioButton(label, value=i == 0, id=f"existing-{value}")
            yield ProgressBar(id="import-progress", show_eta=False)
            with VerticalScroll(id="import-result", classes="transfer-result"):
                yield Static("", id="import-result-text")
            yield transfer_buttons()

    def on_mount(self) -> None:
        self.progress_bar.display = False
        self.query_one("#import-result").display = False
        self.query_one("#import-path", Input).focus()

    @property
    def existing(self) -> Existing:
        pressed = self.query_one(RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return "error"
        value = pressed.id.removeprefix("existing-")
        return next((v for v, _label in EXISTING_CHOICES if v == value), "error")

    def set_buttons(self) -> None:
        super().set_buttons()
        if self.imported:
            self.query_one("#import", Button).disabled = True

    # ------------------------------------------------------------------ as you type
    @on(Input.Changed, "#import-path")
    def path_changed(self, event: Input.Changed) -> None:
        self.changed()
        self.check_path(event.value)

    @on(RadioSet.Changed)
    def choice_changed(self) -> None:
        self.changed()

    def changed(self) -> None:
        if self.imported:
            self.imported = False
            self.set_buttons()

    @work(thread=True, exclusive=True, group="import-path")
    def check_path(self, text: str) -> None:
        # Looking at the disk may be slow (a network drive), so not on the UI thread.
        problem = ""
        if text.strip():
            try:
                import_file(text)
            except KoordinationError as exc:
                problem = exc.message
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_path_problem, problem)

    def _show_path_problem(self, problem: str) -> None:
        self.query_one("#import-path-problem", Static).update(escape(problem))

    # ------------------------------------------------------------------ running
    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        self.run_import(dry_run=True)

    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        self.run_import(dry_run=False)

    def run_import(self, dry_run: bool) -> None:
        if self.running or (self.imported and not dry_run):
            return
        self.start()
        self.show_result("Datei wird geprüft …" if dry_run else "Wird importiert …")
        self.import_worker(self.query_one("#import-path", Input).value, self.existing, dry_run)

    @work(thread=True, exclusive=True, group="import")
    def import_worker(self, text: str, existing: Existing, dry_run: bool) -> None:
        imports = self.core.imports
        importer = imports.people if self.kind == "people" else imports.organisations
        try:
            path = import_file(text)
            report = importer(
                path,
                existing=existing,
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

    def _done(self, report: ImportReport) -> None:
        lines = [f"[b]{escape(report.summary())}[/b]"]
        if report.dry_run:
            lines.append("Es wurde noch nichts gespeichert; „Importieren“ übernimmt die Einträge.")
        if report.warnings:
            lines += ["", f"Hinweise ({number(len(report.warnings))}):"]
            lines += [f"• {escape(w)}" for w in report.warnings]
        self.show_result("\n".join(lines))
        if not report.dry_run:
            self.imported = True
            self.post_message(DataChanged(CHANGED[self.kind]))
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


@dataclass(frozen=True)
class ExportScope:
    """What the list shows right now: the filter the export uses and how to say it in German.

    ``described`` names each search or filter that is set ("Suche „mül“", "Sektor Verwaltung");
    empty means the whole list (everything but the archive).
    """

    filter: PeopleFilter | OrganisationFilter | GroupFilter | None = None
    described: Sequence[str] = ()


def scope_note(kind: ExportKind, scope: ExportScope, count: int | None) -> str:
    """The sentence the export dialog starts with, e.g. "Es werden die 37 Einträge … exportiert"."""
    if not scope.described:
        amount = f"alle {number(count)}" if count is not None else "alle"
        return f"Es werden {amount} {NOUNS[kind]} außer dem Archiv exportiert."
    what = f"({', '.join(scope.described)})"
    if count is None:
        return f"Es werden die Einträge der aktuellen Liste exportiert {what}."
    if count == 0:
        return f"Die aktuelle Liste ist leer {what}; es wird nur die Kopfzeile geschrieben."
    if count == 1:
        return f"Es wird der 1 Eintrag der aktuellen Liste exportiert {what}."
    return f"Es werden die {number(count)} Einträge der aktuellen Liste exportiert {what}."


def list_filter(
    kind: ExportKind, scope: ExportScope
) -> PeopleFilter | OrganisationFilter | GroupFilter:
    """The filter of the list, or the whole list but the archive."""
    if scope.filter is not None:
        return scope.filter
    defaults = {"people": PeopleFilter, "organisations": OrganisationFilter}
    return defaults.get(kind, GroupFilter)()


def count_entries(core: Core, kind: ExportKind, scope: ExportScope) -> int:
    """How many entries the export will write (runs in a worker)."""
    d, f = core.directory, list_filter(kind, scope)
    if isinstance(f, PeopleFilter):
        return d.count_people(f)
    if isinstance(f, OrganisationFilter):
        return d.count_organisations(f)
    return len(d.list_groups(f.search, f.archived, f.sector))


def export_dialog(core: Core, kind: ExportKind, scope: ExportScope | None = None) -> ExportDialog:
    """The export dialog for what the list shows; its note says how many entries it writes."""
    from koordination.tui.dialogs.export import ExportDialog

    what = scope or ExportScope()

    def describe() -> str:
        return scope_note(kind, what, count_entries(core, kind, what))

    return ExportDialog(
        core,
        DIRECTORY_TABLES[kind],
        list_filter(kind, what),
        title=f"{NOUNS[kind]} exportieren",
        note=scope_note(kind, what, None),
        describe=describe,
    )
