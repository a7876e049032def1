"""The Handlungsfelder area: action fields → goals → measures as a tree, with status colours,
progress bars, indicators and the decisions, tasks and survey results behind each measure."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from koordination.domain.enums import MeasureStatus
from koordination.domain.records.fields import (
    LINK_LABELS,
    FieldRecord,
    GoalRecord,
    IndicatorRecord,
    LinkKind,
    LinkRecord,
    MeasureRecord,
    MeasureRef,
)
from koordination.errors import KoordinationError
from koordination.tui.areas.base import Area
from koordination.tui.field_text import (
    OVERDUE_STYLE,
    NodeData,
    NodeKey,
    field_detail,
    field_label,
    goal_detail,
    goal_label,
    hint,
    indicator_detail,
    indicator_label,
    indicator_value,
    link_detail,
    link_label,
    measure_detail,
    measure_label,
)

if TYPE_CHECKING:
    from koordination.domain.inputs.fields import (
        FieldInput,
        GoalInput,
        IndicatorInput,
        MeasureInput,
    )
    from koordination.services.fields.service import ActionFields
    from koordination.tui.dialogs.field import LinkChoice
    from koordination.tui.widgets.search_list import Count, Fetch

NARROW = 110


def node_key(data: object) -> NodeKey | None:
    kinds: dict[type, str] = {
        FieldRecord: "field",
        GoalRecord: "goal",
        MeasureRecord: "measure",
        IndicatorRecord: "indicator",
        LinkRecord: "link",
    }
    kind = kinds.get(type(data))
    return (kind, data.id) if kind is not None else None  # type: ignore[attr-defined]


def refs_of(fields: ActionFields, kind: LinkKind) -> Callable[[int], list[MeasureRef]]:
    """The service's way back (to the measures) for ``kind``."""
    return {
        "decision": fields.measures_for_decision,
        "task": fields.measures_for_task,
        "survey": fields.measures_for_question,
    }[kind]


def link_target(kind: LinkKind, target_id: int) -> dict[str, int]:
    """The keyword ``ActionFields.link`` takes for ``kind``."""
    return {
        {"decision": "decision_id", "task": "task_id", "survey": "survey_question_id"}[
            kind
        ]: target_id
    }


# ---------------------------------------------------------------------- the area


class FieldTree(Tree[NodeData]):
    """The tree of the area: Enter or a double click opens the entry; a single click only
    moves the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open",
            "Öffnen",
            show=False,
            tooltip="Eintrag bearbeiten; bei einer Verknüpfung: welche Maßnahmen hängen daran?",
        ),
        Binding(
            "space",
            "toggle_node",
            "Auf/zu",
            key_display="Leertaste",
            show=False,
            tooltip="Auf- oder zuklappen (eine Maßnahme zeigt dann Kennzahlen und Verknüpfungen)",
        ),
    ]

    class Opened(Message):
        def __init__(self, node: TreeNode[NodeData]) -> None:
            super().__init__()
            self.node = node

    def action_open(self) -> None:
        if self.cursor_node is not None:
            self.post_message(self.Opened(self.cursor_node))

    def on_click(self, event: events.Click) -> None:
        if event.chain >= 2:
            self.action_open()


class FieldsArea(Area):
    TITLE = "Handlungsfelder"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "Neu", tooltip="Handlungsfeld, Ziel oder Maßnahme anlegen"),
        Binding(
            "b",
            "edit",
            "Bearbeiten",
            tooltip="Handlungsfeld, Ziel, Maßnahme oder Kennzahl bearbeiten",
        ),
        Binding(
            "x", "delete", "Löschen", tooltip="Handlungsfeld, Ziel, Maßnahme oder Kennzahl löschen"
        ),
        Binding(
            "l",
            "link",
            "Verknüpfen",
            tooltip="Maßnahme mit Beschluss, Aufgabe oder Umfrageergebnis verknüpfen",
        ),
        Binding("u", "unlink", "Lösen", show=False, tooltip="Verknüpfung einer Maßnahme lösen"),
        Binding(
            "k", "indicator", "Kennzahl", tooltip="Kennzahl einer Maßnahme anlegen oder bearbeiten"
        ),
        Binding(
            "plus",
            "progress_up",
            "+10 %",
            key_display="+",
            show=False,
            tooltip="Fortschritt der Maßnahme um 10 % erhöhen",
        ),
        Binding(
            "minus",
            "progress_down",
            "−10 %",
            key_display="-",
            show=False,
            tooltip="Fortschritt der Maßnahme um 10 % senken",
        ),
        Binding(
            "r",
            "trace",
            "Rückverfolgen",
            tooltip="Rückverfolgen: welche Maßnahmen treibt ein Beschluss, eine Aufgabe, "
            "eine Umfragefrage?",
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields: list[FieldRecord] = []
        self.groups: list[tuple[str, int]] = []
        self._by_key: dict[NodeKey, TreeNode[NodeData]] = {}
        #: Where the cursor goes after the next load (a new or changed entry).
        self._select: NodeKey | None = None
        self._loaded_once = False

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="fields-body"):
            tree = FieldTree("Handlungsfelder", id="fields-tree")
            tree.show_root = False
            tree.auto_expand = False
            tree.guide_depth = 3
            tree.border_title = "Handlungsfeld › Ziel › Maßnahme"
            yield tree
            with VerticalScroll(id="fields-detail", classes="fields-detail"):
                yield Static("", id="fields-detail-text")
        yield Static("Wird geladen …", id="fields-status", classes="status-line")

    @property
    def field_tree(self) -> FieldTree:
        return self.query_one("#fields-tree", FieldTree)

    def on_resize(self) -> None:
        self.query_one("#fields-body").set_class(self.size.width < NARROW, "-narrow")

    def focus_default(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.field_tree.focus()

    @property
    def service(self) -> ActionFields | None:
        return self.core.fields if self.core is not None else None

    # ------------------------------------------------------------------ loading
    def reload(self, keep_position: bool = False) -> None:
        if self.service is not None:
            self._load()

    @work(thread=True, exclusive=True, group="fields")
    def _load(self) -> None:
        core = self.core
        assert core is not None
        try:
            fields = core.fields.tree()
            groups = [(g.name, g.id) for g in core.directory.list_groups()]
        except KoordinationError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, fields, groups)

    def _loaded(self, fields: list[FieldRecord], groups: list[tuple[str, int]]) -> None:
        tree = self.field_tree
        current = node_key(tree.cursor_node.data) if tree.cursor_node else None
        line = tree.cursor_line
        wanted = self._select or current
        self._select = None
        open_measures = {
            key for key, node in self._by_key.items() if key[0] == "measure" and node.is_expanded
        }
        self.fields, self.groups = fields, groups
        today = self.today()
        tree.clear()
        self._by_key = {}
        for f in fields:
            field_node = tree.root.add(
                field_label(f), data=f, expand=True, allow_expand=bool(f.goals)
            )
            self._by_key[("field", f.id)] = field_node
            for g in f.goals:
                goal_node = field_node.add(
                    goal_label(g), data=g, expand=True, allow_expand=bool(g.measures)
                )
                self._by_key[("goal", g.id)] = goal_node
                for m in g.measures:
                    key = ("measure", m.id)
                    node = goal_node.add(
                        measure_label(m, today),
                        data=m,
                        expand=key in open_measures or key == wanted,
                        allow_expand=bool(m.indicators or m.links),
                    )
                    self._by_key[key] = node
                    for i in m.indicators:
                        self._by_key[("indicator", i.id)] = node.add_leaf(
                            indicator_label(i), data=i
                        )
                    for link in m.links:
                        self._by_key[("link", link.id)] = node.add_leaf(link_label(link), data=link)
        target = self._by_key.get(wanted) if wanted else None
        if target is not None and target.parent is not None and not target.parent.is_root:
            target.parent.expand()
        last = tree.last_line  # lays the lines out, so nodes know their line
        self._loaded_once = True
        if target is not None:
            tree.move_cursor(target)
        elif last >= 0:
            # What was there is gone (deleted): stay about where the cursor was.
            tree.move_cursor_to_line(min(max(line, 0), last))
        self._show_detail()
        self._show_status()

    def _show_status(self) -> None:
        measures = [m for f in self.fields for m in f.measures]
        today = self.today()
        if not self.fields:
            text = Text("Noch keine Handlungsfelder. Eins anlegen: Taste n.")
        else:
            goals = sum(len(f.goals) for f in self.fields)
            text = Text(
                f"{len(self.fields)} Handlungsfelder, {goals} Ziele, {len(measures)} Maßnahmen"
            )
            late = sum(1 for m in measures if m.overdue(today))
            if late:
                text.append(f", {late} überfällig", style=OVERDUE_STYLE)
            text.append(
                "  ·  Enter: bearbeiten · Leertaste: auf/zu · u: lösen · +/−: Fortschritt",
                style="dim",
            )
        self.query_one("#fields-status", Static).update(text)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        event.stop()
        self._show_detail()

    def on_tree_node_selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        event.stop()  # a click: the cursor moved, nothing opens

    def on_field_tree_opened(self, event: FieldTree.Opened) -> None:
        event.stop()
        if isinstance(event.node.data, LinkRecord):
            link = event.node.data
            self.trace(link.kind, link.target_id, link.label)
        else:
            self.action_edit()

    def _show_detail(self) -> None:
        node = self.field_tree.cursor_node
        data = node.data if node is not None else None
        today = self.today()
        detail: RenderableType
        if isinstance(data, MeasureRecord):
            detail = Group(
                measure_detail(data, today),
                Text(""),
                hint("b: bearbeiten · l: verknüpfen · k: Kennzahl · +/−: Fortschritt"),
            )
        elif isinstance(data, FieldRecord):
            detail = field_detail(data, today)
        elif isinstance(data, GoalRecord):
            detail = goal_detail(data, self._field(data.field_id).title, today)
        elif isinstance(data, IndicatorRecord | LinkRecord) and node is not None:
            measure = self._measure_of(node)
            assert measure is not None
            if isinstance(data, IndicatorRecord):
                detail = indicator_detail(data, measure)
            else:
                detail = link_detail(data, measure)
        elif self._loaded_once or self.fields:
            detail = hint(
                "Handlungsfelder bündeln, woran die Engagierte Stadt arbeitet: "
                "Handlungsfeld → Ziel → Maßnahme. Anlegen: Taste n."
            )
        else:
            detail = Text("")
        self.query_one("#fields-detail-text", Static).update(detail)

    # ------------------------------------------------------------------ lookups
    def _field(self, field_id: int) -> FieldRecord:
        return next(f for f in self.fields if f.id == field_id)

    def _goal(self, goal_id: int) -> GoalRecord:
        return next(g for f in self.fields for g in f.goals if g.id == goal_id)

    @staticmethod
    def _measure_of(node: TreeNode[NodeData] | None) -> MeasureRecord | None:
        while node is not None:
            if isinstance(node.data, MeasureRecord):
                return node.data
            node = node.parent
        return None

    def current(self) -> NodeData | None:
        node = self.field_tree.cursor_node
        return node.data if node is not None else None

    def selected_measure(self) -> MeasureRecord | None:
        measure = self._measure_of(self.field_tree.cursor_node)
        if measure is None:
            self.notify("Bitte zuerst eine Maßnahme markieren.", severity="warning")
        return measure

    def needs_service(self) -> ActionFields | None:
        return self.service if self.needs_core() is not None else None

    def _saved(self, message: str, select: NodeKey | None = None) -> None:
        self._select = select
        self.notify(message, markup=False)
        self.changed("fields")

    def show_measure(self, measure_id: int) -> None:
        """Show the Handlungsfelder with the cursor on the measure."""
        show_area = getattr(self.app, "action_show_area", None)
        if show_area is not None:
            show_area(self.id or "fields")
        node = self._by_key.get(("measure", measure_id))
        if node is None:
            self._select = ("measure", measure_id)
            self.reload()
            return
        if node.parent is not None:
            node.parent.expand()
        _lines = self.field_tree.last_line
        self.field_tree.move_cursor(node)
        self.field_tree.focus()

    def _people_and_organisations(self) -> tuple[tuple[Fetch, Count], tuple[Fetch, Count]]:
        from koordination.services.directory.search import OrganisationFilter
        from koordination.tui.areas.people import person_search
        from koordination.tui.widgets.lazy_table import Row

        assert self.core is not None
        directory = self.core.directory

        def organisations(text: str, offset: int, limit: int) -> list[Row]:
            found = directory.list_organisations(OrganisationFilter(text), offset, limit)
            return [Row(o.id, (o.name, o.sector.label)) for o in found]

        def count(text: str) -> int:
            return directory.count_organisations(OrganisationFilter(text))

        return person_search(directory), (organisations, count)

    # ------------------------------------------------------------------ new
    def action_new(self) -> None:
        from koordination.tui.dialogs.field import ChoiceScreen

        if self.needs_service() is None:
            return
        data = self.current()
        if data is None:
            self._new_field()
            return
        options: list[tuple[str, Callable[[], None]]] = []
        goal: GoalRecord | None = None
        field: FieldRecord
        if isinstance(data, FieldRecord):
            field = data
        else:
            if isinstance(data, GoalRecord):
                goal = data
            else:
                measure = self._measure_of(self.field_tree.cursor_node)
                assert measure is not None
                goal = self._goal(measure.goal_id)
            field = self._field(goal.field_id)
        if goal is not None:
            target = goal
            options.append((f"Maßnahme im Ziel „{goal.title}“", lambda: self._new_measure(target)))
        options.append((f"Ziel im Handlungsfeld „{field.title}“", lambda: self._new_goal(field)))
        options.append(("Neues Handlungsfeld", self._new_field))

        def chosen(run: Callable[[], None] | None) -> None:
            if run is not None:
                run()

        self.app.push_screen(ChoiceScreen("Was soll neu angelegt werden?", options), chosen)

    def _new_field(self) -> None:
        from koordination.tui.dialogs.field import field_form

        service = self.needs_service()
        if service is None:
            return

        def done(data: FieldInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: service.create_field(data),
                    lambda fid: self._saved(
                        f"Handlungsfeld „{data.title}“ ist angelegt. Jetzt ein Ziel: Taste n.",
                        ("field", fid),
                    ),
                )

        self.app.push_screen(field_form("Neues Handlungsfeld", None, self.groups), done)

    def _new_goal(self, field: FieldRecord) -> None:
        from koordination.tui.dialogs.field import goal_form

        service = self.needs_service()
        if service is None:
            return

        def done(data: GoalInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: service.add_goal(field.id, data),
                    lambda gid: self._saved(
                        f"Ziel „{data.title}“ ist angelegt. Jetzt eine Maßnahme: Taste n.",
                        ("goal", gid),
                    ),
                )

        self.app.push_screen(goal_form("Neues Ziel", None, field.title), done)

    def _new_measure(self, goal: GoalRecord) -> None:
        from koordination.tui.dialogs.field import MeasureFormScreen

        service = self.needs_service()
        if service is None:
            return

        def done(data: MeasureInput | None) -> None:
            if data is not None:
                self.call_service(
                    lambda: service.add_measure(goal.id, data),
                    lambda m: self._saved(f"Maßnahme „{m.title}“ ist angelegt.", ("measure", m.id)),
                )

        people, organisations = self._people_and_organisations()
        self.app.push_screen(
            MeasureFormScreen(
                "Neue Maßnahme",
                None,
                self.groups,
                people,
                organisations,
                note=f"Ziel: {goal.title}",
            ),
            done,
        )

    # ------------------------------------------------------------------ edit
    def action_edit(self) -> None:
        from koordination.tui.dialogs.field import field_form, goal_form

        service = self.needs_service()
        data = self.current()
        if service is None:
            return
        if data is None:
            self.notify("Noch nichts da. Anlegen: Taste n.", severity="warning")
            return
        if isinstance(data, FieldRecord):
            field = data

            def field_done(values: FieldInput | None) -> None:
                if values is None:
                    return
                if not values.changes(field):
                    self.notify("Nichts geändert.")
                    return
                self.call_service(
                    lambda: service.update_field(field, values),
                    lambda _none: self._saved(
                        f"Handlungsfeld „{values.title}“ ist gespeichert.", ("field", field.id)
                    ),
                )

            self.app.push_screen(
                field_form(f"Handlungsfeld bearbeiten – {field.title}", field, self.groups),
                field_done,
            )
        elif isinstance(data, GoalRecord):
            goal = data

            def goal_done(values: GoalInput | None) -> None:
                if values is not None:
                    self.call_service(
                        lambda: service.update_goal(goal, values),
                        lambda _none: self._saved(
                            f"Ziel „{values.title}“ ist gespeichert.", ("goal", goal.id)
                        ),
                    )

            self.app.push_screen(
                goal_form("Ziel bearbeiten", goal, self._field(goal.field_id).title), goal_done
            )
        elif isinstance(data, MeasureRecord):
            self._edit_measure(data)
        elif isinstance(data, IndicatorRecord):
            self.action_indicator()
        else:
            self.notify(
                "Eine Verknüpfung hat nichts zu bearbeiten: lösen mit u, neu verknüpfen mit l.",
                severity="warning",
            )

    def _edit_measure(self, measure: MeasureRecord) -> None:
        from koordination.tui.dialogs.field import MeasureFormScreen

        service = self.needs_service()
        if service is None:
            return

        def done(data: MeasureInput | None) -> None:
            if data is None:
                return
            if not data.changes(measure):
                self.notify("Nichts geändert.")
                return
            self.call_service(
                lambda: service.update_measure(measure, data),
                lambda m: self._saved(f"Maßnahme „{m.title}“ ist gespeichert.", ("measure", m.id)),
            )

        people, organisations = self._people_and_organisations()
        self.app.push_screen(
            MeasureFormScreen(
                f"Maßnahme bearbeiten – {measure.title}",
                measure,
                self.groups,
                people,
                organisations,
                note=f"{measure.field_title} › {measure.goal_title}",
            ),
            done,
        )

    # ------------------------------------------------------------------ delete
    def action_delete(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen

        service = self.needs_service()
        data = self.current()
        if service is None:
            return
        if data is None:
            self.notify("Nichts markiert.", severity="warning")
            return
        if isinstance(data, LinkRecord):
            self._unlink(data)
            return
        keep = "Beschlüsse, Aufgaben und Umfragen bleiben, wie sie sind."
        call: Callable[[], None]
        if isinstance(data, FieldRecord):
            field = data
            title, what = "Handlungsfeld löschen", f"Das Handlungsfeld „{field.title}“"
            lines = [
                f"{what} wird mit {len(field.goals)} Zielen und {len(field.measures)} "
                "Maßnahmen gelöscht, samt Kennzahlen und Verknüpfungen.",
                keep,
            ]

            def call() -> None:
                service.delete_field(field.id)

        elif isinstance(data, GoalRecord):
            goal = data
            title, what = "Ziel löschen", f"Das Ziel „{goal.title}“"
            lines = [
                f"{what} wird mit {len(goal.measures)} Maßnahmen gelöscht, samt Kennzahlen "
                "und Verknüpfungen.",
                keep,
            ]

            def call() -> None:
                service.delete_goal(goal.id)

        elif isinstance(data, MeasureRecord):
            measure = data
            title, what = "Maßnahme löschen", f"Die Maßnahme „{measure.title}“"
            lines = [
                f"{what} wird mit {len(measure.indicators)} Kennzahlen und "
                f"{len(measure.links)} Verknüpfungen gelöscht.",
                keep,
            ]

            def call() -> None:
                service.delete_measure(measure.id)

        else:
            indicator = data
            title, what = "Kennzahl löschen", f"Die Kennzahl „{indicator.name}“"
            lines = [f"{what} wird gelöscht."]

            def call() -> None:
                service.delete_indicator(indicator.id)

        from koordination.tui.formatting import escape_markup

        def answer(yes: bool | None) -> None:
            if yes:
                self.call_service(call, lambda _none: self._saved(f"{what} ist gelöscht."))

        self.app.push_screen(
            ConfirmScreen(title, [escape_markup(line) for line in lines], "Löschen", "Behalten"),
            answer,
        )

    # ------------------------------------------------------------------ indicators, progress
    def action_indicator(self) -> None:
        from koordination.tui.dialogs.field import indicator_form

        service = self.needs_service()
        measure = self.selected_measure()
        if service is None or measure is None:
            return
        data = self.current()
        record = data if isinstance(data, IndicatorRecord) else None

        def done(values: IndicatorInput | None) -> None:
            if values is None:
                return
            self.call_service(
                lambda: (
                    service.update_indicator(record, values)
                    if record is not None
                    else service.add_indicator(measure.id, values)
                ),
                lambda i: self._saved(
                    f"Kennzahl „{i.name}“ ist gespeichert: {indicator_value(i)}.",
                    ("indicator", i.id),
                ),
            )

        title = f"Kennzahl bearbeiten – {record.name}" if record else "Neue Kennzahl"
        self.app.push_screen(indicator_form(title, record, measure.title, self.today()), done)

    def action_progress_up(self) -> None:
        self._progress(10)

    def action_progress_down(self) -> None:
        self._progress(-10)

    def _progress(self, delta: int) -> None:
        from dataclasses import replace

        from koordination.domain.inputs.fields import MeasureInput

        service = self.needs_service()
        measure = self.selected_measure()
        if service is None or measure is None:
            return
        if measure.status is MeasureStatus.ABGESCHLOSSEN:
            self.notify(
                "Die Maßnahme ist abgeschlossen (100 %). Status ändern: Taste b.",
                severity="warning",
            )
            return
        progress = max(0, min(100, measure.progress + delta))
        if progress == measure.progress:
            return
        self.call_service(
            lambda: service.update_measure(
                measure, replace(MeasureInput.from_record(measure), progress=progress)
            ),
            lambda m: self._saved(f"„{m.title}“: {m.progress} %.", ("measure", m.id)),
        )

    # ------------------------------------------------------------------ links
    def action_link(self) -> None:
        from koordination.tui.dialogs.field import LINK_KINDS, ChoiceScreen

        service = self.needs_service()
        measure = self.selected_measure()
        if service is None or measure is None:
            return

        def kind_chosen(kind: LinkKind | None) -> None:
            if kind is not None:
                self.call_service(
                    lambda: service.link_candidates(kind),
                    lambda found: self._pick_link(measure, kind, found),
                )

        self.app.push_screen(
            ChoiceScreen(
                f"Verknüpfen – {measure.title}",
                LINK_KINDS,
                note="Was treibt oder stützt die Maßnahme?",
            ),
            kind_chosen,
        )

    def _pick_link(
        self, measure: MeasureRecord, kind: LinkKind, candidates: list[tuple[int, str]]
    ) -> None:
        from koordination.tui.dialogs.field import LinkPickerScreen

        service = self.service
        assert service is not None
        if not candidates:
            nothing = {
                "decision": "Es gibt noch keine Beschlüsse in den Protokollen.",
                "task": "Es gibt noch keine Aufgaben in den Protokollen.",
                "survey": "Es gibt noch keine Umfragefragen.",
            }
            self.notify(nothing[kind], severity="warning")
            return

        def done(choice: LinkChoice | None) -> None:
            if choice is None:
                return
            self.call_service(
                lambda: service.link(
                    measure.id, note=choice.note, **link_target(kind, choice.target_id)
                ),
                lambda link: self._saved(
                    f"„{measure.title}“ ist verknüpft: {link.label}", ("link", link.id)
                ),
            )

        self.app.push_screen(
            LinkPickerScreen(
                f"{LINK_LABELS[kind]} verknüpfen – {measure.title}",
                kind,
                candidates,
                refs_of(service, kind),
            ),
            done,
        )

    def action_unlink(self) -> None:
        from koordination.tui.dialogs.field import ChoiceScreen

        if self.needs_service() is None:
            return
        data = self.current()
        if isinstance(data, LinkRecord):
            self._unlink(data)
            return
        measure = self.selected_measure()
        if measure is None:
            return
        if not measure.links:
            self.notify("Die Maßnahme ist mit nichts verknüpft.", severity="warning")
            return

        def chosen(link: LinkRecord | None) -> None:
            if link is not None:
                self._unlink(link, confirm=False)

        self.app.push_screen(
            ChoiceScreen(
                f"Verknüpfung lösen – {measure.title}",
                [(f"← {link.label}", link) for link in measure.links],
            ),
            chosen,
        )

    def _unlink(self, link: LinkRecord, *, confirm: bool = True) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen
        from koordination.tui.formatting import escape_markup

        service = self.service
        assert service is not None

        def run() -> None:
            self.call_service(
                lambda: service.unlink(link.id),
                lambda _none: self._saved(
                    f"Verknüpfung gelöst: {link.label}", ("measure", link.measure_id)
                ),
            )

        if not confirm:
            run()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                run()

        self.app.push_screen(
            ConfirmScreen(
                "Verknüpfung lösen",
                [
                    escape_markup(link.label),
                    f"{link.kind_label} selbst bleibt; nur die Verbindung zur Maßnahme geht.",
                ],
                "Lösen",
                "Behalten",
            ),
            answer,
        )

    # ------------------------------------------------------------------ the way back
    def action_trace(self) -> None:
        from koordination.tui.dialogs.field import LINK_KINDS, ChoiceScreen, LinkPickerScreen

        service = self.needs_service()
        if service is None:
            return

        def picked(kind: LinkKind, candidates: list[tuple[int, str]]) -> None:
            labels = dict(candidates)

            def done(choice: LinkChoice | None) -> None:
                if choice is not None:
                    self.trace(kind, choice.target_id, labels.get(choice.target_id))

            self.app.push_screen(
                LinkPickerScreen(
                    f"Rückverfolgen: {LINK_LABELS[kind]}",
                    kind,
                    candidates,
                    refs_of(service, kind),
                    trace=True,
                    note="Unter der Liste steht, welche Maßnahmen der markierte Eintrag treibt.",
                ),
                done,
            )

        def kind_chosen(kind: LinkKind | None) -> None:
            if kind is not None:
                self.call_service(
                    lambda: service.link_candidates(kind),
                    lambda found: picked(kind, found),
                )

        self.app.push_screen(
            ChoiceScreen("Rückverfolgen: wovon ausgehen?", LINK_KINDS), kind_chosen
        )

    def trace(self, kind: LinkKind, target_id: int, label: str | None = None) -> None:
        """Which measures the decision, task or survey question ``target_id`` drives; shows
        them over whatever screen is open, and goes to the one chosen when that is possible."""
        service = self.needs_service()
        if service is None:
            return
        can_jump = len(self.app.screen_stack) == 1

        def load() -> tuple[str, list[MeasureRecord]]:
            refs = refs_of(service, kind)(target_id)
            subject = label or dict(service.link_candidates(kind)).get(target_id, "")
            return subject, [service.measure(r.measure_id) for r in refs]

        def loaded(result: tuple[str, list[MeasureRecord]]) -> None:
            from koordination.tui.dialogs.field import MeasuresScreen

            subject, measures = result

            def done(measure_id: int | None) -> None:
                if measure_id is not None:
                    self.show_measure(measure_id)

            count = "eine Maßnahme" if len(measures) == 1 else f"{len(measures)} Maßnahmen"
            self.app.push_screen(
                MeasuresScreen(
                    f"{LINK_LABELS[kind]} → {count}",
                    subject,
                    measures,
                    self.today(),
                    can_jump=can_jump,
                ),
                done,
            )

        self.call_service(load, loaded)
