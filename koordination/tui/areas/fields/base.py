"""What the Handlungsfelder area's parts share: the loaded tree, the entry under the cursor,
the measure it belongs to, and how a saved change is announced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets.tree import TreeNode

from koordination.domain.records.fields import (
    FieldRecord,
    GoalRecord,
    LinkRecord,
    MeasureRecord,
)
from koordination.tui.areas.base import Area
from koordination.tui.field_text import (
    NodeData,
    NodeKey,
)
from koordination.tui.widgets.field_tree import FieldTree

if TYPE_CHECKING:
    from koordination.services.fields.service import ActionFields


class FieldsBase(Area):
    """The state of the Handlungsfelder and the lookups its actions use."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields: list[FieldRecord] = []
        self.groups: list[tuple[str, int]] = []
        self._by_key: dict[NodeKey, TreeNode[NodeData]] = {}
        #: Where the cursor goes after the next load (a new or changed entry).
        self._select: NodeKey | None = None
        self._loaded_once = False

    @property
    def field_tree(self) -> FieldTree:
        return self.query_one("#fields-tree", FieldTree)

    @property
    def service(self) -> ActionFields | None:
        return self.core.fields if self.core is not None else None

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
        show_area = getattr(self.app, "switch_area", None)
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

    def _unlink(self, link: LinkRecord, *, confirm: bool = True) -> None:
        """Loosen ``link`` (after asking, when ``confirm``); the linking part does it."""
        raise NotImplementedError
