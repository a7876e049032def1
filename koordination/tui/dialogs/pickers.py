"""Pickers: one choice from a short list, a person or an organisation found by typing, a
decision, task or survey question to link to a measure, and the measures something drives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from koordination.domain.records.fields import LINK_LABELS, LinkKind, MeasureRecord, MeasureRef
from koordination.errors import FieldError, KoordinationError
from koordination.services.directory.search import (
    plain_spelling,
    search_terms,
    searchable,
)
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import dialog_buttons
from koordination.tui.field_text import measure_detail, measure_label, status_text
from koordination.tui.keys import bind
from koordination.tui.widgets.lazy_table import Column, LazyTable, Row
from koordination.tui.widgets.search_list import Count, Fetch, SearchList

T = TypeVar("T")

#: What a measure can be linked to, in the words of the dialogs.
LINK_KINDS: list[tuple[str, LinkKind]] = [
    ("Beschluss aus einem Protokoll", "decision"),
    ("Aufgabe aus einem Protokoll", "task"),
    ("Umfrageergebnis (eine Frage einer Umfrage)", "survey"),
]
#: "den Beschluss", ... for sentences.
LINK_ACCUSATIVE: dict[str, str] = {
    "decision": "einen Beschluss",
    "task": "eine Aufgabe",
    "survey": "eine Umfragefrage",
}


def person_list(people: Fetch, count: Count) -> SearchList:
    """The person search the member and guest dialogs share."""
    return SearchList(
        label="Person suchen",
        placeholder="Name, E-Mail oder Organisation",
        columns=[Column("Name", 28), Column("Organisation", 30)],
        empty_text="Niemand gefunden.",
        fetch=people,
        count=count,
        search_id="person-search",
        table_id="person-picker",
    )


class PersonPickerScreen(Dialog[int | None]):
    """Pick one person by typing part of the name; dismisses with the person's id."""

    BINDINGS = [
        bind("save", "save", "Markierte Person übernehmen", label="Auswählen"),
        bind("cancel", "cancel", "Schließen, niemanden wählen"),
    ]

    def __init__(
        self,
        title: str,
        people: Callable[[str, int, int], Sequence[Row]],
        count_people: Callable[[str], int],
        *,
        action: str = "Auswählen",
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.people = people
        self.count_people = count_people
        self.action_label = action
        self.note = note
        self.relabel_key("save", action)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-note")
            yield person_list(self.people, self.count_people)
            yield Static("", id="picked", classes="field-problem")
            yield dialog_buttons(self.action_label)

    def on_lazy_table_row_selected(self, event: LazyTable.RowSelected) -> None:
        event.stop()
        self.dismiss(event.row_id)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        person_id = self.query_one(SearchList).cursor_id
        if person_id is None:
            self.query_one("#picked", Static).update(
                str(FieldError("Person", "bitte eine Person auswählen."))
            )
            return
        self.dismiss(person_id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(Dialog[T | None], Generic[T]):
    """One choice from a short list: Enter takes the highlighted entry."""

    BINDINGS = [bind("cancel", "cancel", "Schließen, nichts wählen")]

    def __init__(self, title: str, options: Sequence[tuple[str, T]], *, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="choice-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-note")
            yield OptionList(
                *(Option(Text(label), id=str(i)) for i, (label, _v) in enumerate(self.options)),
                id="choice-list",
            )
            yield dialog_buttons("Auswählen", save_id="choose", save_verb="open")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index][1])

    @on(Button.Pressed, "#choose")
    def _choose(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss(self.options[index][1])

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def organisation_list(organisations: Fetch, count: Count) -> SearchList:
    return SearchList(
        label="Organisation suchen",
        placeholder="Name, Kurzname oder E-Mail",
        columns=[Column("Name", 40, 3), Column("Sektor", 18, 1)],
        empty_text="Keine Organisation gefunden.",
        fetch=organisations,
        count=count,
        search_id="organisation-search",
        table_id="organisation-picker",
    )


class SearchPickerScreen(Dialog[Row | None]):
    """Pick one row of a search list (a person, an organisation); dismisses with the row."""

    BINDINGS = [
        bind("save", "save", "Markierten Eintrag übernehmen", label="Auswählen"),
        bind("cancel", "cancel", "Schließen, nichts wählen"),
    ]

    def __init__(self, title: str, search: SearchList) -> None:
        super().__init__()
        self.title_text = title
        self.search = search

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield self.search
            yield Static("", id="picked", classes="field-problem")
            yield dialog_buttons("Auswählen")

    def on_lazy_table_row_selected(self, event: LazyTable.RowSelected) -> None:
        event.stop()
        self.dismiss(event.table.row_at(event.index))

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        table = self.search.query_one(LazyTable)
        row = table.row_at(table.cursor_row) if table.row_count else None
        if row is None:
            self.query_one("#picked", Static).update("Bitte einen Eintrag auswählen.")
            return
        self.dismiss(row)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class LinkChoice:
    target_id: int
    note: str


def candidate_search(candidates: Sequence[tuple[int, str]]) -> tuple[Fetch, Count]:
    """Search-as-you-type over a list already loaded: every word must occur in the label, as
    written or in its plain German spelling ("muller" finds "Müller"), as the core searches."""
    # Each label's searchable form once, not on every key press: the lists run to thousands.
    # The test is text_matches() with the label folded ahead and the terms folded per search.
    stored = [(i, label, searchable(label)) for i, label in candidates]

    def matching(text: str) -> list[tuple[int, str]]:
        terms = [(t, plain_spelling(t)) for t in search_terms(text)]
        return [
            (i, label) for i, label, s in stored if all(t in s or plain in s for t, plain in terms)
        ]

    def fetch(text: str, offset: int, limit: int) -> list[Row]:
        return [Row(i, (label,)) for i, label in matching(text)[offset : offset + limit]]

    def count(text: str) -> int:
        return len(matching(text))

    return fetch, count


def refs_text(refs: Sequence[MeasureRef], *, none: str) -> Text:
    """The measures something drives, one a line, with their status."""
    if not refs:
        return Text(none, style="dim")
    out = Text()
    for i, r in enumerate(refs):
        if i:
            out.append("\n")
        out.append("→ ")
        out.append(r.title, style="bold")
        out.append("  ")
        out.append_text(status_text(r.status))
        out.append(f"  ({r.field_title} › {r.goal_title})", style="dim")
        if r.note:
            out.append(f" – {r.note}", style="italic")
    return out


class LinkPickerScreen(Dialog[LinkChoice | None]):
    """Find a decision, task or survey question by typing. Under the list: which measures the
    highlighted one drives already – the way back from the minutes and surveys to the action.

    With ``trace`` the dialog only looks: it dismisses with the chosen entry, no note."""

    BINDINGS = [
        bind(
            "save",
            "save",
            "Markierten Eintrag verknüpfen (beim Rückverfolgen: seine Maßnahmen zeigen)",
            label="Verknüpfen",
        ),
        bind("cancel", "cancel", "Schließen, nichts verknüpfen"),
    ]

    def __init__(
        self,
        title: str,
        kind: LinkKind,
        candidates: Sequence[tuple[int, str]],
        refs: Callable[[int], list[MeasureRef]],
        *,
        trace: bool = False,
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.kind = kind
        self.candidates = dict(candidates)
        self.fetch, self.count = candidate_search(candidates)
        self.refs = refs
        self.trace = trace
        self.note = note
        if trace:
            self.relabel_key("save", "Maßnahmen zeigen")

    def compose(self) -> ComposeResult:
        noun = LINK_LABELS[self.kind]
        with Vertical(id="dialog", classes="form-dialog link-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-note")
            yield SearchList(
                label=f"{noun} suchen",
                placeholder="Wörter aus Text, Datum, Gruppe …",
                columns=[Column(noun, 60, 1)],
                empty_text="Nichts gefunden.",
                fetch=self.fetch,
                count=self.count,
                search_id="link-search",
                table_id="link-picker",
            )
            with VerticalScroll(id="link-detail-box"):
                yield Static("", id="link-detail")
            if not self.trace:
                yield Input(
                    placeholder="Anmerkung (optional), z. B. warum das die Maßnahme stützt",
                    id="link-note",
                    compact=True,
                )
            yield Static("", id="link-problem", classes="dialog-problem")
            yield dialog_buttons("Maßnahmen zeigen" if self.trace else "Verknüpfen")

    def _current(self) -> int | None:
        return self.query_one(SearchList).cursor_id

    def on_lazy_table_row_highlighted(self, event: LazyTable.RowHighlighted) -> None:
        event.stop()
        if event.row_id is None:
            return
        label = self.candidates.get(event.row_id, "")
        self.query_one("#link-detail", Static).update(Text(label))
        self._load_refs(event.row_id, label)

    @work(thread=True, exclusive=True, group="link-refs")
    def _load_refs(self, target_id: int, label: str) -> None:
        try:
            refs = self.refs(target_id)
        except KoordinationError:
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_refs, target_id, label, refs)

    def _show_refs(self, target_id: int, label: str, refs: list[MeasureRef]) -> None:
        if self._current() != target_id:
            return
        text = Text(label)
        text.append("\n")
        text.append("Treibt: " if refs else "", style="bold")
        text.append_text(refs_text(refs, none="Noch mit keiner Maßnahme verknüpft."))
        self.query_one("#link-detail", Static).update(text)

    def on_lazy_table_row_selected(self, event: LazyTable.RowSelected) -> None:
        event.stop()
        if self.trace:
            self.dismiss(LinkChoice(event.row_id, ""))
        else:
            self.query_one("#link-note", Input).focus()

    @on(Input.Submitted, "#link-note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        target = self._current()
        if target is None:
            problem = self.query_one("#link-problem", Static)
            problem.update(f"Bitte {LINK_ACCUSATIVE[self.kind]} in der Liste auswählen.")
            problem.add_class("-shown")
            return
        note = "" if self.trace else self.query_one("#link-note", Input).value.strip()
        self.dismiss(LinkChoice(target, note))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class MeasuresScreen(Dialog[int | None]):
    """The measures a decision, task or survey question drives, each in full when highlighted;
    Enter goes to the measure in the Handlungsfelder area (when ``can_jump``)."""

    BINDINGS = [bind("cancel", "cancel", "Schließen", label="Schließen")]

    def __init__(
        self,
        title: str,
        subject: str,
        measures: Sequence[MeasureRecord],
        today: date,
        *,
        can_jump: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.measures = list(measures)
        self.today = today
        self.can_jump = can_jump

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="measures-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(Text(self.subject), classes="dialog-note")
            if self.measures:
                yield OptionList(
                    *(Option(measure_label(m, self.today), id=str(m.id)) for m in self.measures),
                    id="measures-list",
                )
                with VerticalScroll(id="measures-detail-box"):
                    yield Static("", id="measures-detail")
            else:
                yield Static(
                    "Damit ist noch keine Maßnahme verknüpft. Verknüpfen: in den "
                    "Handlungsfeldern (Taste 9) die Maßnahme markieren, dann Taste V.",
                    classes="dialog-warning",
                )
            with Horizontal(classes="dialog-buttons"):
                if self.measures and self.can_jump:
                    yield Button("Zur Maßnahme (Enter)", variant="primary", id="jump", compact=True)
                yield Button("Schließen (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        if self.measures:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()
            self._show(0)

    def _show(self, index: int) -> None:
        detail: RenderableType = measure_detail(self.measures[index], self.today)
        self.query_one("#measures-detail", Static).update(detail)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show(event.option_index)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.can_jump:
            self.dismiss(self.measures[event.option_index].id)

    @on(Button.Pressed, "#jump")
    def _jump(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss(self.measures[index].id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
