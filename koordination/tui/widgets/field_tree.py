"""The tree of the Handlungsfelder: action field › goal › measure, with indicators and links
under each measure. Enter or a double click opens an entry; a single click only moves."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from koordination.domain.records.fields import (
    FieldRecord,
    GoalRecord,
    IndicatorRecord,
    LinkRecord,
    MeasureRecord,
)
from koordination.tui.field_text import (
    NodeData,
    NodeKey,
)
from koordination.tui.keys import bind


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


class FieldTree(Tree[NodeData]):
    """The tree of the area: Enter or a double click opens the entry; a single click only
    moves the cursor. The space bar opens and closes a node (the Tree's own key)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind(
            "open",
            "open",
            "Eintrag bearbeiten; bei einer Verknüpfung: welche Maßnahmen hängen daran?",
            show=False,
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
