"""A table for very long lists: renders only visible lines and loads rows page by page."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import get_current_worker

from koordination.tui.keys import bind


@dataclass(frozen=True)
class Column:
    label: str
    #: Preferred width in cells: the most the column takes before the others get spare room.
    width: int = 20
    #: Share of the space left over compared to the preferred widths.
    grow: int = 1
    #: 0: always shown; when the table is too narrow, the highest number drops out first.
    priority: int = 0
    #: The column never gets narrower than this (0: a few cells); a name keeps ~18.
    min_width: int = 0

    @property
    def least(self) -> int:
        return self.min_width or min(self.width, 6)


#: Cells between two columns, and before the first.
GAP = 1

#: The longest a new list holds back the next frame for its first page (seconds): two
#: frames at 60 per second, short enough not to be seen as a letter typed late.
HOLD_FRAME = 0.035


def fit_columns(
    columns: Sequence[Column], available: int, natural: Sequence[int] | None = None
) -> list[int]:
    """The width of each column in ``available`` cells, 0 for a column dropped for room.

    Each column wants its ``natural`` width (what its longest text needs, at most its
    preferred ``width``, at least its ``min_width``). The columns that are always shown
    (``priority`` 0) get what they want first: columns with the highest ``priority`` number
    drop out before an always-shown column is cut. Droppable columns may shrink down to
    their minimum; what is left over is shared by ``grow``.
    """
    wants = natural if natural is not None else [c.width for c in columns]
    wanted = [max(c.least, min(c.width, n)) for c, n in zip(columns, wants, strict=True)]
    shown = list(range(len(columns)))

    def room() -> int:
        return available - GAP * (len(shown) + 1)

    def need() -> int:
        return sum(wanted[i] if not columns[i].priority else columns[i].least for i in shown)

    while need() > room():
        droppable = [i for i in shown if columns[i].priority > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].priority, i)))
    widths = [0] * len(columns)
    for i in shown:
        widths[i] = wanted[i]
    free = room() - sum(widths)
    if free >= 0:
        weights = sum(columns[i].grow for i in shown)
        if weights:
            for i in shown:
                widths[i] += free * columns[i].grow // weights
            widths[shown[-1]] += room() - sum(widths)
        return widths
    # Too little room: droppable columns give first, the one with most to spare first;
    # an always-shown column only when nothing else is left, never below one cell.
    for _ in range(-free):
        givers = [i for i in shown if widths[i] > columns[i].least]
        droppable = [i for i in givers if columns[i].priority] or givers
        if droppable:
            i = max(droppable, key=lambda k: (widths[k] - columns[k].least, -k))
        else:
            i = max(shown, key=lambda k: widths[k])
            if widths[i] <= 1:
                break
        widths[i] -= 1
    return widths


class _Styles(NamedTuple):
    """The styles of one frame of the table."""

    base: Style
    header: Style
    placeholder: Style
    empty: Style
    cursor: Style


@dataclass(frozen=True)
class Row:
    id: int
    cells: tuple[str, ...]


#: Fetches ``limit`` rows starting at ``offset``; runs in a worker thread, never on the UI thread.
Loader = Callable[[int, int], Sequence[Row]]
#: Counts all rows of the list; runs in a worker thread.
Counter = Callable[[], int]


class TableMessage(Message):
    """A message from a ``LazyTable``: its ``control`` is the table, so that a handler can
    pick the table by its id (``@on(LazyTable.RowSelected, "#organisation-picker")``)."""

    def __init__(self, table: LazyTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> LazyTable:
        return self.table


class LazyTable(ScrollView, can_focus=True):
    """A virtual table: ``row_count`` lines tall, rows fetched lazily through a loader.

    Only the lines on screen are rendered (Line API), pages of rows are cached, and a page
    that is not loaded yet shows placeholder lines until its worker reports back.
    """

    DEFAULT_CSS = """
    LazyTable {
        background: $surface;
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    LazyTable > .lazy-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    LazyTable > .lazy-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    LazyTable:focus > .lazy-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    LazyTable > .lazy-table--placeholder {
        color: $text-disabled;
    }
    LazyTable > .lazy-table--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    COMPONENT_CLASSES = {
        "lazy-table--header",
        "lazy-table--cursor",
        "lazy-table--placeholder",
        "lazy-table--empty",
    }

    BINDINGS = [
        Binding("up", "cursor_up", "Hoch", show=False),
        Binding("down", "cursor_down", "Runter", show=False),
        Binding("pageup", "page_up", "Seite hoch", show=False),
        Binding("pagedown", "page_down", "Seite runter", show=False),
        Binding("home", "first", "Anfang", show=False),
        Binding("end", "last", "Ende", show=False),
        bind("open", "select", "Eintrag öffnen", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowHighlighted(TableMessage):
        """The cursor moved to a row (``row_id`` is ``None`` while the row is not loaded)."""

        def __init__(self, table: LazyTable, index: int, row_id: int | None) -> None:
            super().__init__(table)
            self.index = index
            self.row_id = row_id

    class Loaded(TableMessage):
        """A new list (or its exact count) is shown."""

        def __init__(self, table: LazyTable, row_count: int, exact: bool) -> None:
            super().__init__(table)
            self.row_count = row_count
            self.exact = exact

    class ColumnsHidden(TableMessage):
        """Which columns dropped out for room changed (``hidden``: their indexes)."""

        def __init__(self, table: LazyTable, hidden: tuple[int, ...]) -> None:
            super().__init__(table)
            self.hidden = hidden

    class RowSelected(TableMessage):
        """Enter was pressed on a loaded row."""

        def __init__(self, table: LazyTable, index: int, row_id: int) -> None:
            super().__init__(table)
            self.index = index
            self.row_id = row_id

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        page_size: int = 200,
        max_pages: int = 20,
        empty_text: str = "Keine Einträge.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.page_size = page_size
        self.max_pages = max_pages
        self.empty_text = empty_text
        self.row_count = 0
        self._loader: Loader | None = None
        self._pages: OrderedDict[int, Sequence[Row]] = OrderedDict()
        self._pending: set[int] = set()
        #: Bumped on every new source so late pages of an old search are dropped.
        self._generation = 0
        self._last_highlight: tuple[int, int | None] | None = None
        self._load_id = 0
        self._keep: tuple[int, float] | None = None
        #: False until the first list arrived (no "Keine Einträge." while loading).
        self.loaded = False
        #: The longest text per column in the loaded pages (labels included).
        self._natural = [cell_len(c.label) for c in self.columns]
        self._layout: tuple[int, tuple[int, ...], list[int]] | None = None
        self._hidden: tuple[int, ...] = ()
        #: The styles of the frame being drawn (see render_lines).
        self._styles: _Styles | None = None
        #: Frames held back until the first page of a new list is in (see load).
        self._held: AbstractContextManager[None] | None = None
        self._hold_timer: Timer | None = None

    # ------------------------------------------------------------------ data
    def load(self, loader: Loader, counter: Counter, keep_position: bool = False) -> None:
        """Replace the list: first page and count come from one worker; a newer call wins.

        The screen's next frame waits for the first page, at most ``HOLD_FRAME`` seconds:
        what led to the new list (a letter typed into the search, a newly shown area) and
        its rows are drawn in one frame, instead of one frame without the rows and one more,
        with its layout and drawing, for them."""
        self._load_id += 1
        self.hold_frame()
        self._load_source(self._load_id, loader, counter, keep_position)

    def hold_frame(self) -> None:
        """Hold the screen's next frame until a new list's first page is in (``load``), at
        most ``HOLD_FRAME`` seconds; for what starts a new list before calling ``load``."""
        if self._held is None:
            self._held = self.app.batch_update()
            self._held.__enter__()
            self._hold_timer = self.set_timer(HOLD_FRAME, self._release_frame)

    def _release_frame(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            if self._hold_timer is not None:
                self._hold_timer.stop()
                self._hold_timer = None
            held.__exit__(None, None, None)
            self.screen.check_idle()

    def on_unmount(self) -> None:
        self._release_frame()

    @work(thread=True, exclusive=True, group="lazy-table-source")
    def _load_source(
        self, load_id: int, loader: Loader, counter: Counter, keep_position: bool
    ) -> None:
        worker = get_current_worker()
        first = loader(0, self.page_size)
        if worker.is_cancelled:
            return
        exact = len(first) < self.page_size
        # Show the first page at once; the count of a long list follows when it is known.
        self.app.call_from_thread(
            self._source_loaded, load_id, loader, len(first), first, exact, keep_position
        )
        if exact:
            return
        # Count only after the first page is painted: the count scans the whole list and
        # would otherwise compete with drawing the frame the user is waiting for.
        painted = threading.Event()
        self.app.call_from_thread(self.call_after_refresh, painted.set)
        painted.wait(timeout=0.25)
        if worker.is_cancelled:
            return
        total = counter()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._count_loaded, load_id, total)

    def _source_loaded(
        self,
        load_id: int,
        loader: Loader,
        count: int,
        first: Sequence[Row],
        exact: bool,
        keep_position: bool,
    ) -> None:
        if load_id != self._load_id:
            return
        cursor, scroll = self.cursor_row, self.scroll_y
        self.set_source(loader, count, first)
        if keep_position:
            self._keep = (cursor, scroll)
            if exact:
                self._restore_position()
        self.post_message(self.Loaded(self, count, exact))
        self._release_frame()

    def _count_loaded(self, load_id: int, total: int) -> None:
        if load_id != self._load_id:
            return
        self.set_row_count(total)
        self._restore_position()
        self.post_message(self.Loaded(self, total, True))

    def _restore_position(self) -> None:
        keep = self._keep
        if keep is None:
            return
        self._keep = None
        cursor, scroll = keep
        self.scroll_to(y=scroll, animate=False, immediate=True)
        self.cursor_row = min(cursor, max(0, self.row_count - 1))

    def set_source(
        self, loader: Loader, row_count: int, first_page: Sequence[Row] | None = None
    ) -> None:
        """Show a new list: ``first_page`` (rows from offset 0) avoids a second round trip."""
        self._generation += 1
        self._loader = loader
        self._pages.clear()
        self._pending.clear()
        self._natural = [cell_len(c.label) for c in self.columns]
        if first_page is not None:
            self._pages[0] = first_page
            self._measure(first_page)
        self.row_count = row_count
        self._last_highlight = None
        self.loaded = True
        self._update_virtual_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor_row = 0
        self.refresh()

    def set_row_count(self, row_count: int) -> None:
        """The exact count arrived after the first page; keeps cursor and cache."""
        self.row_count = row_count
        self._update_virtual_size()
        if self.cursor_row >= row_count:
            self.cursor_row = max(0, row_count - 1)
        self.refresh()

    def row_at(self, index: int) -> Row | None:
        """The row at ``index`` if its page is loaded (does not start a load)."""
        if not 0 <= index < self.row_count:
            return None
        page = self._pages.get(index // self.page_size)
        if page is None:
            return None
        offset = index % self.page_size
        return page[offset] if offset < len(page) else None

    def index_of(self, row_id: int) -> int | None:
        """Where a row is, if it is in a loaded page."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.id == row_id:
                    return page * self.page_size + offset
        return None

    @property
    def cursor_id(self) -> int | None:
        row = self.row_at(self.cursor_row)
        return row.id if row else None

    def visible_rows(self) -> list[Row | None]:
        """The rows currently on screen (``None`` for placeholders)."""
        top = int(self.scroll_y)
        return [self.row_at(i) for i in range(top, min(self.row_count, top + self._body_height))]

    def _update_virtual_size(self) -> None:
        # One extra line for the sticky header.
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count + 1)

    def on_resize(self) -> None:
        self._update_virtual_size()

    def _request_page(self, page: int) -> None:
        if page in self._pages or page in self._pending or self._loader is None:
            return
        self._pending.add(page)
        self._load_page(self._generation, self._loader, page)

    @work(thread=True, group="lazy-table-pages")
    def _load_page(self, generation: int, loader: Loader, page: int) -> None:
        rows = loader(page * self.page_size, self.page_size)
        self.app.call_from_thread(self._page_loaded, generation, page, rows)

    def _page_loaded(self, generation: int, page: int, rows: Sequence[Row]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._pages[page] = rows
        self._measure(rows)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        self.refresh()
        self._post_highlight()

    # ------------------------------------------------------------------ rendering
    @property
    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _measure(self, rows: Sequence[Row]) -> None:
        natural = self._natural
        for row in rows:
            for i, text in enumerate(row.cells[: len(natural)]):
                natural[i] = max(natural[i], cell_len(text))

    def _widths(self, total: int) -> list[int]:
        """Widths per column for ``total`` cells, 0 for a column dropped for room."""
        key = (total, tuple(self._natural))
        if self._layout is None or self._layout[:2] != key:
            widths = fit_columns(self.columns, total, self._natural)
            self._layout = (*key, widths)
            hidden = tuple(i for i, w in enumerate(widths) if not w)
            if hidden != self._hidden:
                self._hidden = hidden
                self.post_message(self.ColumnsHidden(self, hidden))
        return self._layout[2]

    @property
    def hidden_columns(self) -> tuple[int, ...]:
        """The indexes of the columns dropped out for room at the current width."""
        self._widths(self.scrollable_content_region.width)
        return self._hidden

    def _line(self, cells: Sequence[str], widths: Sequence[int], total: int) -> str:
        parts = []
        for text, width in zip(cells, widths, strict=False):
            if not width:
                continue
            text = text.replace("\n", " ")
            if cell_len(text) > width:
                text = set_cell_size(text, max(0, width - 1)) + "…"
            parts.append(set_cell_size(text, width))
        return set_cell_size(" " + " ".join(parts), total)

    def _frame_styles(self) -> _Styles:
        part = self.get_component_rich_style
        return _Styles(
            self.rich_style,
            part("lazy-table--header"),
            part("lazy-table--placeholder"),
            part("lazy-table--empty"),
            part("lazy-table--cursor"),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles once per frame: a widget's rich_style walks all its ancestors, which
        # per line cost more than drawing the line.
        self._styles = self._frame_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._styles = None

    def render_line(self, y: int) -> Strip:
        styles = self._styles or self._frame_styles()
        width = self.scrollable_content_region.width
        widths = self._widths(width)
        base = styles.base
        if y == 0:
            text = self._line([c.label for c in self.columns], widths, width)
            return Strip([Segment(text, base + styles.header)], width)
        index = int(self.scroll_y) + y - 1
        if index >= self.row_count:
            if self.row_count == 0 and y == 1 and self.loaded:
                text = set_cell_size(" " + self.empty_text, width)
                return Strip([Segment(text, base + styles.empty)], width)
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            self.call_later(self._request_page, index // self.page_size)
            style = base + styles.placeholder
            text = self._line(["…"], widths, width)
        else:
            style = base
            text = self._line(row.cells, widths, width)
        if index == self.cursor_row:
            style = style + styles.cursor
        return Strip([Segment(text, style)], width)

    # ------------------------------------------------------------------ cursor
    def watch_cursor_row(self, old: int, new: int) -> None:
        clamped = min(max(0, new), max(0, self.row_count - 1))
        if clamped != new:
            self.cursor_row = clamped
            return
        top = int(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self._body_height:
            self.scroll_to(y=new - self._body_height + 1, animate=False, immediate=True)
        self.refresh()
        self._post_highlight()

    def _post_highlight(self) -> None:
        key = (self.cursor_row, self.cursor_id)
        if key != self._last_highlight and self.row_count:
            self._last_highlight = key
            self.post_message(self.RowHighlighted(self, *key))

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._body_height

    def action_page_down(self) -> None:
        self.cursor_row += self._body_height

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = self.row_count - 1

    def action_select(self) -> None:
        row = self.row_at(self.cursor_row)
        if row is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, row.id))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < self.row_count:
            if index == self.cursor_row and event.chain > 1:
                self.action_select()
            self.cursor_row = index
