"""The one export dialog: what the output registry produces for a subject, in which format, to
which file; written in a worker, reported with its path (and row count for tables); and what
it says about the directory list it writes (the search or filter that is set)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static
from textual.worker import get_current_worker

from koordination.errors import KoordinationError
from koordination.outputs.formats import ALL_FORMAT_LABELS, FOLDER
from koordination.outputs.registry import DIRECTORY_TABLES, OUTPUTS, Produced, make, output_for
from koordination.paths import exports_dir
from koordination.services.directory.search import GroupFilter, OrganisationFilter, PeopleFilter
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import dialog_buttons
from koordination.tui.dialogs.transfer import NOUNS, ExportKind
from koordination.tui.formatting import number
from koordination.tui.keys import bind
from koordination.tui.progress import Throttled

if TYPE_CHECKING:
    from koordination.core import Core

#: The format choice that writes every format of the output into one folder.
EVERY_FORMAT = "*"
#: Said under the format when it is CSV: the one dialect carries a byte-order mark.
CSV_HINT = "CSV öffnet Excel mit Umlauten richtig."


def _german_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} und {items[-1]}"


def target_path(text: str) -> Path:
    """The file or folder a user typed (``~`` expanded, quotes from a file manager dropped)."""
    text = text.strip().strip("\"'").strip()
    if not text:
        raise KoordinationError("Bitte eine Zieldatei angeben.")
    return Path(text).expanduser()


def written(made: Sequence[Produced], counted: str = "Einträge") -> str:
    """What the dialog reports: the path written, with the row count of a table."""
    if len(made) == 1:
        one = made[0]
        if one.count is not None:
            return f"{number(one.count)} {counted} nach {one.path} geschrieben."
        return f"Gespeichert: {one.path}"
    return "Gespeichert:\n" + "\n".join(str(m.path) for m in made)


class ExportDialog(Dialog[list[Produced] | None]):
    """Choose what (when a screen offers several outputs), the format and the file; the file is
    written by the registry in a worker with a progress bar.

    ``keys`` are registry keys; ``subject`` is what each is built from, or ``subject_for(key)``
    gives it (called in the worker, so it may read the database). ``describe`` (also in a
    worker) replaces ``note`` once it is known, e.g. with how many rows will be written.
    ``lock`` is held while reading and writing, so the export never overtakes a save of the
    screen below. ``every_format`` offers all formats at once, written into one folder.
    """

    BINDINGS = [
        bind("save", "export", "Datei schreiben", label="Exportieren"),
        bind("cancel", "close", "Dialog schließen"),
    ]
    #: What the button (and the footer, BINDINGS) says the dialog does.
    CONFIRM: ClassVar[str] = "Exportieren"
    #: The titles of the notices when it is done and when it failed.
    DONE: ClassVar[str] = "Export"
    FAILED: ClassVar[str] = "Export fehlgeschlagen"

    def __init__(
        self,
        core: Core,
        keys: str | Sequence[str],
        subject: Any = None,
        *,
        subject_for: Callable[[str], Any] | None = None,
        title: str = "",
        key: str | None = None,
        fmt: str | None = None,
        note: str = "",
        describe: Callable[[], str] | None = None,
        lock: contextlib.AbstractContextManager[Any] | None = None,
        every_format: bool = False,
        counted: str = "Einträge",
    ) -> None:
        super().__init__()
        self.core = core
        self.keys = [keys] if isinstance(keys, str) else list(keys)
        for k in self.keys:
            output_for(k)  # an unknown key is a programming error: refuse it at once
        self.key = key if key in self.keys else self.keys[0]
        self.subject = subject
        self.subject_for = subject_for
        self.heading = title or f"{OUTPUTS[self.key].label} exportieren"
        self.note = note
        self.describe = describe
        self.guard = lock
        self.every_format = every_format
        self.counted = counted
        self.fmt = self._default_format(self.key, fmt)
        self.running = False
        #: File-name stem per key, as the registry names the product (found in a worker).
        self.stems: dict[str, str] = {}
        self._suggested = ""
        self._focus_before: Widget | None = None

    # ------------------------------------------------------------------ choices
    def _format_options(self, key: str) -> list[tuple[str, str]]:
        output = OUTPUTS[key]
        options = [(label, fmt) for fmt, label in output.format_choices()]
        if self.every_format and len(output.formats) > 1:
            names = _german_list([fmt.upper() for fmt in output.formats])
            options.insert(0, (f"Alle Formate ({names})", EVERY_FORMAT))
        return options

    def _default_format(self, key: str, wanted: str | None) -> str:
        values = [value for _label, value in self._format_options(key)]
        return wanted if wanted in values else values[0]

    def _choice(self) -> tuple[str, str]:
        key = self.query_one("#export-document", Select).value
        fmt = self.query_one("#export-format", Select).value
        return str(key), str(fmt)

    def _subject(self, key: str) -> Any:
        return self.subject_for(key) if self.subject_for is not None else self.subject

    def _locked(self) -> contextlib.AbstractContextManager[Any]:
        return self.guard if self.guard is not None else contextlib.nullcontext()

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="transfer-dialog export-dialog"):
            yield Static(escape(self.heading), classes="dialog-title", id="export-title")
            yield Static(escape(self.note), id="export-scope", classes="dialog-note export-scope")
            with Horizontal(classes="field-row", id="export-document-row"):
                yield Label("Dokument", classes="field-label")
                yield Select(
                    [(OUTPUTS[k].label, k) for k in self.keys],
                    value=self.key,
                    allow_blank=False,
                    id="export-document",
                    compact=True,
                )
            with Horizontal(classes="field-row"):
                yield Label("Format", classes="field-label")
                yield Select(
                    self._format_options(self.key),
                    value=self.fmt,
                    allow_blank=False,
                    id="export-format",
                    compact=True,
                )
            yield Static("", id="export-hint", classes="dialog-note export-hint")
            yield Label("Zieldatei", classes="field-label export-label", id="export-path-label")
            yield Input(id="export-path")
            yield Static("", id="export-path-problem", classes="transfer-problem")
            yield ProgressBar(id="export-progress", show_eta=False, show_percentage=False)
            yield dialog_buttons(self.CONFIRM, save_id="export", cancel_id="close")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#export-scope").display = bool(self.note)
        self.query_one("#export-document-row").display = len(self.keys) > 1
        self._format_changed()
        if self.describe is not None:
            self._describe_worker()
        first = "#export-document" if len(self.keys) > 1 else "#export"
        self.query_one(first).focus()

    # ------------------------------------------------------------------ as you choose
    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        if not self.is_mounted:
            return
        if event.select.id == "export-document":
            key, fmt = self._choice()
            formats = self.query_one("#export-format", Select)
            with formats.prevent(Select.Changed):
                formats.set_options(self._format_options(key))
                formats.value = self._default_format(key, fmt)
        self._format_changed()

    def _format_changed(self) -> None:
        _key, fmt = self._choice()
        hint = self.query_one("#export-hint", Static)
        hint.update(CSV_HINT if fmt == "csv" else "")
        hint.display = fmt == "csv"
        label = "Zielordner" if fmt in (EVERY_FORMAT, FOLDER) else "Zieldatei"
        self.query_one("#export-path-label", Label).update(label)
        self._suggest()

    def _suggest(self) -> None:
        """Prefill the registry's file name in the exports folder; a path the user typed keeps
        its folder and name, only a known ending follows the format."""
        key, fmt = self._choice()
        path = self.query_one("#export-path", Input)
        if path.value and path.value != self._suggested:
            typed = Path(path.value)
            if fmt not in (EVERY_FORMAT, FOLDER) and typed.suffix.lower().lstrip(".") in (
                ALL_FORMAT_LABELS
            ):
                path.value = str(typed.with_suffix(f".{fmt}"))
            return
        if fmt == EVERY_FORMAT:
            suggestion = str(exports_dir())
        elif key in self.stems:
            # A folder output (the offers' website) is the folder itself, without an ending.
            name = self.stems[key] if fmt == FOLDER else f"{self.stems[key]}.{fmt}"
            suggestion = str(exports_dir() / name)
        else:
            self._name_worker(key)
            return
        self._suggested = suggestion
        path.value = suggestion

    @work(thread=True, exclusive=True, group="export-name")
    def _name_worker(self, key: str) -> None:
        # The name may depend on what is read (the day of an access report, a survey's title).
        output = OUTPUTS[key]
        try:
            with self._locked():
                subject = self._subject(key)
                stem = output.name(self.core, subject)
        except KoordinationError as exc:
            problem = exc.message
        except Exception as exc:  # the dialog must survive anything the database throws
            problem = f"Unerwarteter Fehler: {exc}"
        else:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._named, key, stem)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_problem, problem)

    def _named(self, key: str, stem: str) -> None:
        self.stems[key] = stem
        if self._choice()[0] == key:
            self._suggest()

    @work(thread=True, exclusive=True, group="export-describe")
    def _describe_worker(self) -> None:
        assert self.describe is not None
        try:
            note = self.describe()
        except Exception:  # only the note suffers; the export reports its own errors
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._described, note)

    def _described(self, note: str) -> None:
        scope = self.query_one("#export-scope", Static)
        scope.update(escape(note))
        scope.display = bool(note)

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        self._show_problem("")

    def _show_problem(self, message: str) -> None:
        self.query_one("#export-path-problem", Static).update(escape(message))

    # ------------------------------------------------------------------ writing
    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#export-path")
    def action_export(self) -> None:
        if self.running:
            return
        key, fmt = self._choice()
        try:
            target = target_path(self.query_one("#export-path", Input).value)
        except KoordinationError as exc:
            self._show_problem(exc.message)
            return
        self._start()
        self._export_worker(key, fmt, target)

    @work(thread=True, exclusive=True, group="export")
    def _export_worker(self, key: str, fmt: str, target: Path) -> None:
        progress = self._throttled()
        try:
            with self._locked():
                subject = self._subject(key)
                if fmt == EVERY_FORMAT:
                    formats = OUTPUTS[key].formats
                    _folder(target)
                else:
                    formats = (fmt,)
                made = [
                    make(self.core, key, subject, one, target, progress=progress) for one in formats
                ]
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc.message)
        except OSError as exc:
            message = f"{target} kann nicht geschrieben werden ({exc.strerror or exc})."
            self.app.call_from_thread(self._failed, message)
        except Exception as exc:  # say what happened instead of a traceback
            self.app.call_from_thread(self._failed, f"Unerwarteter Fehler: {exc}")
        else:
            self.app.call_from_thread(self._done, made)

    def _throttled(self) -> Throttled:
        worker = get_current_worker()

        def send(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._progress, done, total)

        return Throttled(send)

    def _start(self) -> None:
        # Disabling the pressed button moves the focus away; it comes back on a failure.
        self._focus_before = self.focused
        self.running = True
        self._set_buttons()
        self._show_problem("")
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def _stop(self) -> None:
        self.running = False
        self._set_buttons()
        before = self._focus_before
        if before is not None and before.is_attached and before.focusable:
            before.focus()

    def _set_buttons(self) -> None:
        for button in self.query(Button):
            button.disabled = self.running and button.id != "close"

    def _done(self, made: list[Produced]) -> None:
        self._stop()
        self.app.notify(written(made, self.counted), title=self.DONE, markup=False, timeout=10)
        self.dismiss(made)

    def _failed(self, message: str) -> None:
        self._stop()
        self.query_one(ProgressBar).display = False
        self._show_problem(message)
        self.notify(message, title=self.FAILED, severity="error", timeout=12, markup=False)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.running:
            # The file is written anyway; closing would only hide how it ended.
            self.notify("Bitte warten, bis die Datei geschrieben ist.", severity="warning")
            return
        self.dismiss(None)


class PublishDialog(ExportDialog):
    """The export dialog for what is written to be published (the offers' website): it says
    so on its button, in the footer and in its notices."""

    BINDINGS = [
        bind("save", "export", "Veröffentlichen", label="Veröffentlichen"),
        bind("cancel", "close", "Dialog schließen"),
    ]
    CONFIRM = "Veröffentlichen"
    DONE = "Veröffentlicht"
    FAILED = "Veröffentlichen fehlgeschlagen"


def _folder(target: Path) -> None:
    """Every format goes into one folder: refuse a file, create a missing folder."""
    if target.exists() and not target.is_dir():
        raise KoordinationError(f"{target} ist eine Datei, kein Ordner.")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KoordinationError(
            f"Der Ordner {target} kann nicht angelegt werden ({exc.strerror or exc})."
        ) from exc


# ------------------------------------------------------------------ a list of the directory
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
