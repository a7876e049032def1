"""The Handlungsfelder area: action fields → goals → measures as a tree, with status colours,
progress bars, indicators and the decisions, tasks and survey results behind each measure."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static, Tree
from textual.worker import get_current_worker

from koordination.domain.records.fields import (
    FieldRecord,
    GoalRecord,
    IndicatorRecord,
    LinkRecord,
    MeasureRecord,
)
from koordination.errors import KoordinationError
from koordination.tui.field_text import (
    OVERDUE_STYLE,
    NodeData,
    field_detail,
    field_label,
    goal_detail,
    goal_label,
    hint,
    indicator_detail,
    indicator_label,
    link_detail,
    link_label,
    measure_detail,
    measure_label,
)

if TYPE_CHECKING:
    pass

from koordination.tui.areas.fields.edit import FieldEditing
from koordination.tui.areas.fields.links import FieldLinks
from koordination.tui.keys import bind
from koordination.tui.widgets.field_tree import FieldTree, node_key

#: Below this width the detail goes under the tree.
NARROW = 110


#: The hint after the counts, longest first: the first that fits is shown.
STATUS_HINTS = (
    "Enter: bearbeiten · Leertaste: auf/zu · +/−: Fortschritt",
    "Leertaste: auf/zu · +/−: Fortschritt",
    "+/−: Fortschritt",
)


class FieldsArea(FieldEditing, FieldLinks):
    TITLE = "Handlungsfelder"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("new", "new", "Handlungsfeld, Ziel oder Maßnahme anlegen"),
        bind("edit", "edit", "Handlungsfeld, Ziel, Maßnahme oder Kennzahl bearbeiten"),
        bind("link", "link", "Maßnahme mit Beschluss, Aufgabe oder Umfrageergebnis verknüpfen"),
        bind("indicator", "indicator", "Kennzahl einer Maßnahme anlegen oder bearbeiten"),
        bind(
            "trace",
            "trace",
            "Rückverfolgen: welche Maßnahmen treibt ein Beschluss, eine Aufgabe, "
            "eine Umfragefrage?",
        ),
        bind(
            "remove",
            "delete",
            "Handlungsfeld, Ziel, Maßnahme oder Kennzahl löschen",
            label="Löschen",
        ),
        bind("unlink", "unlink", "Verknüpfung einer Maßnahme lösen", show=False),
        bind(
            "add_member",
            "progress_up",
            "Fortschritt der Maßnahme um 10 % erhöhen",
            label="+10 %",
            show=False,
        ),
        bind(
            "end_member",
            "progress_down",
            "Fortschritt der Maßnahme um 10 % senken",
            label="−10 %",
            show=False,
        ),
    ]

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

    def on_resize(self) -> None:
        self.query_one("#fields-body").set_class(self.size.width < NARROW, "-narrow")
        if self.fields:
            self._show_status()

    def focus_default(self) -> None:
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.field_tree.focus()

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
            # As much of the hint as fits on the line (the footer shows the other keys).
            room = (self.size.width or 80) - 2
            for hint_text in STATUS_HINTS:
                if text.cell_len + 5 + len(hint_text) <= room:
                    text.append(f"  ·  {hint_text}", style="dim")
                    break
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
                hint("e: bearbeiten · V: verknüpfen · L: lösen · #: Kennzahl · +/−: Fortschritt"),
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
