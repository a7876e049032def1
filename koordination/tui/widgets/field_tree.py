"""The tree of the Handlungsfelder: action field › goal › measure, with indicators and links
under each measure. Enter or a double click opens an entry; a single click only moves."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
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

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        """The label cut to the tree's width with "…" (the Tree itself cuts silently)."""
        label = super().render_label(node, base_style, style)
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        indent = max(0, depth - (0 if self.show_root else 1)) * self.guide_depth
        room = self.scrollable_content_region.width - indent
        if 0 < room < label.cell_len:
            label.truncate(room, overflow="ellipsis")
        return label

    def on_resize(self, event: events.Resize) -> None:
        # Labels are cut to the width: draw them anew for the new one.
        self._invalidate()

    def action_open(self) -> None:
        if self.cursor_node is not None:
            self.post_message(self.Opened(self.cursor_node))

    def on_click(self, event: events.Click) -> None:
        if event.chain >= 2:
            self.action_open()
