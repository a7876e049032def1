"""Horizontal bar charts in the terminal: a label, a bar drawn to an eighth of a cell and
"42 % (21)" per row; a second series (another survey) drawn under the first for comparison."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from koordination.domain.records.surveys import MIN_CELL, OptionCount

FULL = "█"
#: Partial cells from one to seven eighths (index = eighths).
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
#: What a suppressed cell shows instead of its numbers.
SUPPRESSED = f"< {MIN_CELL}"
MIN_BAR = 10


def bar(fraction: float, width: int) -> str:
    """A bar for ``fraction`` (0 to 1) of ``width`` cells, precise to an eighth of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    return FULL * full + EIGHTHS[rest]


def percent_text(percent: float) -> str:
    """A share as Germans write it: "42 %"; below one percent "< 1 %" rather than "0 %"."""
    if 0 < percent < 0.5:
        return "< 1 %"
    return f"{round(percent)} %"


def value_text(cell: OptionCount) -> str:
    """ "42 % (21)", or "< 5" for a suppressed cell."""
    if cell.count is None:
        return SUPPRESSED
    if cell.percent is None:
        return f"({cell.count})"
    return f"{percent_text(cell.percent)} ({cell.count})"


@dataclass(frozen=True)
class Series:
    """One survey's cells; ``name`` appears in the legend when there are two series."""

    name: str
    cells: tuple[OptionCount, ...]


def _rows(series: Sequence[Series]) -> list[tuple[str, list[OptionCount | None]]]:
    """Labels in the first series' order (then any only the second has), with each series'
    cell for it (None where a series lacks the label)."""
    labels: list[str] = []
    for s in series:
        labels.extend(c.label for c in s.cells if c.label not in labels)
    by_label = [{c.label: c for c in s.cells} for s in series]
    return [(label, [cells.get(label) for cells in by_label]) for label in labels]


class BarChart(Widget):
    """Bars of one or two series; 100 % is the full width of the bar column."""

    DEFAULT_CSS = """
    BarChart {
        width: 1fr;
        height: auto;
    }
    BarChart > .bar-chart--bar {
        color: $primary;
    }
    BarChart > .bar-chart--second {
        color: $accent;
    }
    BarChart > .bar-chart--label {
        color: $foreground;
    }
    BarChart > .bar-chart--value {
        color: $foreground;
        text-style: bold;
    }
    BarChart > .bar-chart--suppressed {
        color: $text-muted;
        text-style: italic;
    }
    BarChart > .bar-chart--legend {
        color: $text-muted;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "bar-chart--bar",
        "bar-chart--second",
        "bar-chart--label",
        "bar-chart--value",
        "bar-chart--suppressed",
        "bar-chart--legend",
    }

    series: reactive[tuple[Series, ...]] = reactive((), layout=True)

    def __init__(
        self,
        cells: Sequence[OptionCount] = (),
        *,
        second: Sequence[OptionCount] | None = None,
        names: tuple[str, str] = ("", ""),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        chosen = [Series(names[0], tuple(cells))]
        if second is not None:
            chosen.append(Series(names[1], tuple(second)))
        self.set_reactive(BarChart.series, tuple(chosen))

    # ------------------------------------------------------------------ layout
    def _styles(self) -> dict[str, Style]:
        return {
            name: self.get_component_rich_style(f"bar-chart--{name}", partial=True)
            for name in ("bar", "second", "label", "value", "suppressed", "legend")
        }

    def lines(self, width: int) -> list[Text]:
        """The chart as lines of ``width`` cells (also what tests read)."""
        styles = self._styles() if self.is_attached else {}
        plain = Style()
        rows = _rows(self.series)
        if not rows:
            return [Text("Keine Antworten.", style=styles.get("suppressed", plain))]
        two = len(self.series) > 1
        values = [value_text(c) for _, cells in rows for c in cells if c is not None]
        value_width = max((len(v) for v in values), default=len(SUPPRESSED))
        label_width = max(len(label) for label, _ in rows)
        label_width = max(1, min(label_width, max(12, (width * 2) // 5)))
        bar_width = max(MIN_BAR, width - label_width - value_width - 2)
        out: list[Text] = []
        if two:
            legend = Text()
            for s, style in zip(self.series, ("bar", "second"), strict=False):
                legend.append(FULL * 2, styles.get(style, plain))
                legend.append(f" {s.name}   ", styles.get("legend", plain))
            out.append(legend)
        for label, cells in rows:
            label_lines = textwrap.wrap(label, label_width) or [""]
            for index, cell in enumerate(cells):
                line = Text(no_wrap=True, overflow="crop")
                text = label_lines[index] if index < len(label_lines) else ""
                line.append(text.ljust(label_width), styles.get("label", plain))
                line.append(" ")
                if cell is None:
                    line.append(" " * bar_width)
                    line.append(" " + "–".rjust(value_width), styles.get("suppressed", plain))
                else:
                    fraction = (cell.percent or 0.0) / 100
                    drawn = bar(fraction, bar_width) if cell.count is not None else ""
                    style = "second" if index else "bar"
                    line.append(drawn.ljust(bar_width), styles.get(style, plain))
                    value_style = "suppressed" if cell.count is None else "value"
                    line.append(
                        " " + value_text(cell).rjust(value_width), styles.get(value_style, plain)
                    )
                out.append(line)
            for rest in label_lines[len(cells) :]:
                out.append(Text(rest, style=styles.get("label", plain)))
        return out

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        return Text("\n").join(self.lines(self.content_size.width or 60))

    def plain_lines(self) -> list[str]:
        """What the chart shows, without colours, at its current width."""
        return [line.plain.rstrip() for line in self.lines(self.content_size.width or 60)]
