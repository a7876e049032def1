"""Documents as one standalone HTML5 page (print-ready CSS, logo inline) from Jinja2 templates.

The office can adapt the look: a ``document.html.j2``, ``document.css`` or ``blocks.css`` in its
templates folder (`koordination.paths.templates_dir`) wins over the packaged default. Autoescaping
is always on, so whatever the document holds reaches the page as text, never as markup. Charts
are inline SVG: their geometry is worked out here, the template only writes it down.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from koordination import paths
from koordination.errors import KoordinationError
from koordination.outputs.document.assets import load_logo
from koordination.outputs.document.model import BarChart, Document, Letterhead, series_colours

PACKAGED_TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "document.html.j2"

#: Block kinds whose styles live in ``blocks.css``, included only when a document holds one,
#: so every other document's page stays exactly as it was.
STYLED_BLOCKS = frozenset({"barchart", "question"})

# Chart geometry in SVG user units (1 unit = 1 CSS pixel at full width).
CHART_WIDTH = 640
LABEL_WIDTH = 228  # the category labels, right-aligned against the axis
BAR_X = 240.0  # the axis
VALUE_SPACE = 100  # room right of the longest bar for "100 % (1234)"
BAR_AREA = CHART_WIDTH - BAR_X - VALUE_SPACE
BAR_HEIGHT = 16.0
BAR_GAP = 3.0
LINE_HEIGHT = 15.0
ROW_GAP = 10.0
LABEL_CHARS = 34  # characters per label line at 12 px
LABEL_LINES = 3
LEGEND_HEIGHT = 24.0
TOP_PADDING = 4.0


@dataclass(frozen=True)
class SvgText:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class SvgLegend:
    x: float
    y: float
    colour: str
    name: str


@dataclass(frozen=True)
class SvgBar:
    """One drawn bar (``shown`` False: a suppressed value, only its text appears)."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    shown: bool
    text: str
    text_x: float
    text_y: float
    title: str


@dataclass(frozen=True)
class ChartLayout:
    width: int
    height: float
    axis_x: float
    axis_top: float
    axis_bottom: float
    legend: tuple[SvgLegend, ...]
    labels: tuple[SvgText, ...]
    bars: tuple[SvgBar, ...]


def _label_lines(label: str) -> list[str]:
    lines = textwrap.wrap(" ".join(label.split()), LABEL_CHARS, break_on_hyphens=False) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_CHARS - 1].rstrip() + "…"
    return lines


def chart_layout(chart: BarChart, letterhead: Letterhead) -> ChartLayout:
    """Where every label, bar and value of ``chart`` goes in its SVG picture."""
    count = chart.series_count
    colours = series_colours(letterhead, count)
    legend: list[SvgLegend] = []
    y = TOP_PADDING
    if len(chart.series) > 1:
        x = BAR_X
        for name, colour in zip(chart.series, colours, strict=True):
            short = name if len(name) <= 40 else name[:39] + "…"
            room = 30 + 7 * len(short)
            if x + room > CHART_WIDTH and x > BAR_X:
                x, y = BAR_X, y + LEGEND_HEIGHT - 4
            legend.append(SvgLegend(x, y, colour, short))
            x += room
        y += LEGEND_HEIGHT
    top = y
    labels: list[SvgText] = []
    bars: list[SvgBar] = []
    for bar in chart.bars:
        lines = _label_lines(bar.label)
        bars_height = count * BAR_HEIGHT + (count - 1) * BAR_GAP
        row = max(len(lines) * LINE_HEIGHT, bars_height)
        first = y + (row - len(lines) * LINE_HEIGHT) / 2 + 11.5
        labels.extend(
            SvgText(LABEL_WIDTH, first + i * LINE_HEIGHT, line) for i, line in enumerate(lines)
        )
        bar_top = y + (row - bars_height) / 2
        for i, (value, text) in enumerate(zip(bar.values, bar.texts, strict=True)):
            width = BAR_AREA * (value or 0.0) / 100
            by = bar_top + i * (BAR_HEIGHT + BAR_GAP)
            series = f" – {chart.series[i]}" if len(chart.series) > 1 else ""
            bars.append(
                SvgBar(
                    x=BAR_X,
                    y=by,
                    width=width,
                    height=BAR_HEIGHT,
                    colour=colours[i],
                    shown=value is not None,
                    text=text,
                    text_x=BAR_X + width + 5,
                    text_y=by + BAR_HEIGHT - 4,
                    title=f"{bar.label}{series}: {text}",
                )
            )
        y += row + ROW_GAP
    bottom = max(y - ROW_GAP, top)
    return ChartLayout(
        width=CHART_WIDTH,
        height=bottom + 4,
        axis_x=BAR_X,
        axis_top=top - 2,
        axis_bottom=bottom + 2,
        legend=tuple(legend),
        labels=tuple(labels),
        bars=tuple(bars),
    )


def _lines(text: str) -> Markup:
    """Escaped text whose line breaks become ``<br>``."""
    return Markup("<br>\n").join(escape(line) for line in str(text).split("\n"))


def _number(value: float) -> str:
    """A coordinate for an SVG attribute: at most one decimal, never an exponent."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def environment(office_templates: Path | None = None) -> jinja2.Environment:
    folders = [str(office_templates or paths.templates_dir()), str(PACKAGED_TEMPLATES)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["lines"] = _lines
    env.filters["coordinate"] = _number
    env.globals["chart_layout"] = chart_layout
    return env


def render_html(document: Document, office_templates: Path | None = None) -> bytes:
    try:
        template = environment(office_templates).get_template(TEMPLATE)
        page = template.render(
            document=document,
            letterhead=document.letterhead,
            logo=load_logo(document.letterhead.logo_path),
            block_styles=any(block.tag in STYLED_BLOCKS for block in document.blocks),
        )
    except jinja2.TemplateError as exc:
        where = f" (Zeile {exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise KoordinationError(
            f"Die HTML-Vorlage ist fehlerhaft{where}: {exc.message or exc}"
        ) from exc
    return page.encode("utf-8")
