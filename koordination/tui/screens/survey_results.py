"""A survey's results in the terminal: per question a bar chart with shares and counts,
statistics, free texts and the breakdown; published or internal view; comparison with another
survey on the questions both share from the question bank."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Header, OptionList, Static
from textual.widgets.option_list import Option

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import (
    MIN_CELL,
    Comparison,
    NumberStats,
    QuestionResult,
    SurveyResults,
)
from koordination.errors import KoordinationError
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import key_hint
from koordination.tui.keys import bind
from koordination.tui.survey_text import answers_text
from koordination.tui.widgets.bar_chart import SUPPRESSED, BarChart
from koordination.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from koordination.core import Core

RESULTS_CSS = Path(__file__).with_name("survey_results.tcss")
#: Free-text answers listed per question; the rest are counted (all are in the export).
MAX_TEXTS = 30

PUBLISHED_LABEL = "veröffentlicht (kleine Zellen ausgeblendet)"
INTERNAL_LABEL = "intern: alle Zahlen, auch kleine Zellen – nicht zur Weitergabe"


def number_text(value: float) -> str:
    """3.83 → "3,83", 4.0 → "4": German decimal comma, no needless zeros."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def stats_text(stats: NumberStats, *, published: bool = True) -> str:
    """Mean and median; the smallest and largest value only internally, since in published
    results they would name a single respondent's answer."""
    text = f"Mittelwert {number_text(stats.mean)} · Median {number_text(stats.median)}"
    if not published and stats.minimum is not None and stats.maximum is not None:
        text += (
            f" · kleinster Wert {number_text(stats.minimum)}"
            f" · größter Wert {number_text(stats.maximum)}"
        )
    return text


def question_heading(question: QuestionResult) -> str:
    """ "F3  Wie zufrieden …" with type and number of answers (Textual markup)."""
    code = question.code if question.version == 1 else f"{question.code}.{question.version}"
    retired = f", Fassung {question.version}, abgelöst" if question.retired else ""
    return (
        f"[b]{escape(code)}[/b]  [b]{escape(question.text)}[/b]\n"
        f"[dim]{question.type.label}{retired} · {answers_text(question.respondents)}[/dim]"
    )


def text_list(texts: Sequence[str]) -> str:
    lines = [f"• {escape(t)}" for t in texts[:MAX_TEXTS] if t.strip()]
    if len(texts) > MAX_TEXTS:
        lines.append(f"[dim]… und {len(texts) - MAX_TEXTS} weitere (vollständig im Export)[/dim]")
    return "\n".join(lines) or "[dim]Keine Texte.[/dim]"


class QuestionBlock(Vertical):
    """One question's results: heading, chart, statistics, texts and breakdown."""

    def __init__(
        self,
        question: QuestionResult,
        *,
        breakdown_by: str,
        show_breakdown: bool,
        published: bool,
    ) -> None:
        super().__init__(id=f"result-q-{question.id}", classes="result-question")
        self.question = question
        self.published = published
        self.breakdown_by = breakdown_by
        self.show_breakdown = show_breakdown

    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(question_heading(q), classes="result-heading")
        if q.suppressed:
            yield Static(
                f"Weniger als {MIN_CELL} Antworten: in der veröffentlichten Ansicht ausgeblendet.",
                classes="result-suppressed",
            )
            return
        if q.options:
            yield BarChart(q.options, classes="result-chart")
        if q.stats is not None:
            yield Static(stats_text(q.stats, published=self.published), classes="result-stats")
        if q.type is QuestionType.TEXT:
            yield Static(text_list(q.texts), classes="result-texts")
        if self.show_breakdown and q.breakdown:
            by = f" „{escape(self.breakdown_by)}“" if self.breakdown_by else ""
            yield Static(f"Aufgeschlüsselt nach{by}:", classes="result-breakdown-title")
            for row in q.breakdown:
                yield Static(
                    f"[b]{escape(row.group)}[/b] [dim]· {answers_text(row.respondents)}[/dim]",
                    classes="result-group",
                )
                if row.respondents is None:
                    continue
                if row.options:
                    yield BarChart(row.options, classes="result-chart result-group-chart")
                if row.stats is not None:
                    yield Static(
                        stats_text(row.stats, published=self.published),
                        classes="result-stats result-group",
                    )


class SurveyResultsScreen(Screen[None]):
    """The results of one survey, loaded in a worker; the published view first."""

    TITLE = "Ergebnisse"
    CSS_PATH = RESULTS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Ergebnisse schließen, zurück zu den Umfragen", label="Zurück"),
        bind(
            "internal_view",
            "toggle_view",
            "Ergebnisse: veröffentlichte oder interne Ansicht (mit kleinen Zellen)",
        ),
        bind(
            "breakdown",
            "toggle_breakdown",
            "Ergebnisse: Aufschlüsselung (z. B. nach Sektor) zeigen oder verbergen",
        ),
        bind(
            "compare",
            "compare",
            "Ergebnisse mit einer anderen Umfrage vergleichen (gemeinsame Fragen)",
        ),
        bind("reload", "reload", "Ergebnisse neu auszählen"),
    ]

    class Loaded(Message):
        def __init__(self, results: SurveyResults) -> None:
            super().__init__()
            self.results = results

    class Failed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class Candidates(Message):
        """Surveys sharing bank questions with this one: (id, label) each."""

        def __init__(self, choices: list[tuple[int, str]]) -> None:
            super().__init__()
            self.choices = choices

    def __init__(self, core: Core, survey_id: int) -> None:
        super().__init__()
        self.core = core
        self.survey_id = survey_id
        self.published = True
        self.show_breakdown = True
        self.results: SurveyResults | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Ergebnisse werden ausgezählt …", id="results-title")
        yield Static("", id="results-view")
        yield VerticalScroll(id="results-list", can_focus=True)
        yield Static("", id="results-status", classes="status-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#results-list").focus()
        self._show_view()
        self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="survey-results")
    def load(self) -> None:
        try:
            results = self.core.survey_results.results(self.survey_id, published=self.published)
        except KoordinationError as exc:
            self.post_message(self.Failed(exc.message))
        except Exception as exc:  # the screen stays usable whatever the database says
            self.post_message(self.Failed(f"Die Ergebnisse lassen sich nicht auszählen: {exc}"))
        else:
            self.post_message(self.Loaded(results))

    async def on_survey_results_screen_loaded(self, message: Loaded) -> None:
        self.results = message.results
        await self._show_results()

    def on_survey_results_screen_failed(self, message: Failed) -> None:
        self._status(message.message)
        self.notify(message.message, title="Ergebnisse", severity="error", timeout=12)

    def _status(self, text: str) -> None:
        status = self.query_one("#results-status", Static)
        status.update(escape(text))
        status.display = bool(text)

    def _show_view(self) -> None:
        view = self.query_one("#results-view", Static)
        view.update(f"Ansicht: {PUBLISHED_LABEL if self.published else INTERNAL_LABEL}")
        view.set_class(not self.published, "-internal")

    async def _show_results(self) -> None:
        results = self.results
        if results is None:
            return
        self.sub_title = results.title
        period = f"Stand {results.stand:%d.%m.%Y}"
        self.query_one("#results-title", Static).update(
            f"[b]{escape(results.title)}[/b]\n"
            f"[dim]{escape(results.audience)} · {results.status.label} · {period} · "
            f"{answers_text(results.response_count)}[/dim]"
        )
        self._show_view()
        listing = self.query_one("#results-list", VerticalScroll)
        keep = listing.scroll_y
        blocks: list[Widget] = []
        if results.published:
            blocks.append(
                Static(
                    f"„{SUPPRESSED}“: weniger als {MIN_CELL} Antworten, oder ausgeblendet, damit "
                    "sich eine kleine Zahl nicht aus den übrigen errechnen lässt.",
                    classes="results-legend",
                )
            )
        section = ""
        for question in results.questions:
            if question.section and question.section != section:
                section = question.section
                blocks.append(Static(escape(section), classes="result-section"))
            blocks.append(
                QuestionBlock(
                    question,
                    breakdown_by=results.breakdown_by,
                    show_breakdown=self.show_breakdown,
                    published=results.published,
                )
            )
        if not results.questions:
            blocks.append(Static("Diese Umfrage hat keine Fragen.", classes="results-legend"))
        await listing.remove_children()
        await listing.mount_all(blocks)
        listing.scroll_to(y=keep, animate=False)
        self._status("")

    # ------------------------------------------------------------------ actions
    def action_close(self) -> None:
        self.dismiss(None)

    def action_toggle_view(self) -> None:
        self.published = not self.published
        self._show_view()
        self._status("Ergebnisse werden ausgezählt …")
        self.load()

    async def action_toggle_breakdown(self) -> None:
        self.show_breakdown = not self.show_breakdown
        await self._show_results()

    def action_reload(self) -> None:
        self.load()

    def action_compare(self) -> None:
        self._status("Umfragen mit gemeinsamen Fragen werden gesucht …")
        self.find_candidates()

    @work(thread=True, exclusive=True, group="survey-compare")
    def find_candidates(self) -> None:
        try:
            surveys = self.core.surveys
            mine = {q.bank_item_id for q in surveys.questions(self.survey_id) if q.bank_item_id}
            choices: list[tuple[int, str]] = []
            for survey in surveys.list_surveys() if mine else []:
                if survey.id == self.survey_id:
                    continue
                theirs = {q.bank_item_id for q in surveys.questions(survey.id) if q.bank_item_id}
                shared = len(mine & theirs)
                if shared:
                    questions = (
                        "1 gemeinsame Frage" if shared == 1 else f"{shared} gemeinsame Fragen"
                    )
                    choices.append(
                        (
                            survey.id,
                            f"{survey.title} · {survey.audience_label} · {questions} · "
                            f"{answers_text(survey.response_count)}",
                        )
                    )
        except KoordinationError as exc:
            self.post_message(self.Failed(exc.message))
        else:
            self.post_message(self.Candidates(choices))

    def on_survey_results_screen_candidates(self, message: Candidates) -> None:
        self._status("")
        if not message.choices:
            self.notify(
                "Keine andere Umfrage teilt Fragen aus der Fragensammlung mit dieser.",
                title="Vergleich",
                severity="warning",
            )
            return
        self.app.push_screen(ComparePickerDialog(message.choices), self._compare_with)

    def _compare_with(self, other: int | None) -> None:
        if other is not None:
            self.app.push_screen(
                SurveyComparisonScreen(self.core, [self.survey_id, other], published=self.published)
            )

    def palette_entries(self) -> list[tuple[str, str, str]]:
        """(title, help, action) of this screen's keys, for the command palette."""
        return screen_palette_entries(self, "Ergebnisse")


def screen_palette_entries(screen: Screen[None], where: str) -> list[tuple[str, str, str]]:
    """The screen's keys for the command palette, while it is the screen under the palette."""
    from textual.command import CommandPalette

    from koordination.tui.dialogs.common import key_label

    below = [s for s in screen.app.screen_stack if not isinstance(s, CommandPalette)]
    if not below or below[-1] is not screen:
        return []
    return [
        (b.tooltip, f"{where}, Taste {key_label(b)}", f"screen.{b.action}")
        for b in screen.BINDINGS
        if isinstance(b, Binding) and b.tooltip
    ]


# ---------------------------------------------------------------------- comparison


class ComparePickerDialog(Dialog[int | None]):
    """Which survey to compare with; only surveys sharing bank questions are offered.
    Enter on a survey or Strg+S compares with the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("save", "compare", "Mit der markierten Umfrage vergleichen", label="Vergleichen"),
        bind("cancel", "cancel", "Keinen Vergleich anzeigen"),
    ]

    def __init__(self, choices: Sequence[tuple[int, str]]) -> None:
        super().__init__()
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="compare-dialog"):
            yield Static("Vergleichen mit …", classes="dialog-title")
            yield Static(
                "Umfragen, die Fragen aus der Fragensammlung mit dieser teilen:",
                classes="dialog-note",
            )
            yield OptionList(
                *(Option(escape(label), id=str(survey_id)) for survey_id, label in self.choices),
                id="compare-choices",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    f"Vergleichen ({key_hint('save')})",
                    variant="primary",
                    id="compare-ok",
                    compact=True,
                )
                yield Button(f"Abbrechen ({key_hint('cancel')})", id="compare-cancel", compact=True)

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = 0
        choices.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    @on(Button.Pressed, "#compare-ok")
    def action_compare(self) -> None:
        choices = self.query_one(OptionList)
        if choices.highlighted is not None:
            self.dismiss(self.choices[choices.highlighted][0])

    @on(Button.Pressed, "#compare-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class SurveyComparisonScreen(Screen[None]):
    """Shared questions of two surveys side by side: two bars per answer."""

    TITLE = "Vergleich"
    CSS_PATH = RESULTS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Vergleich schließen, zurück zu den Ergebnissen", label="Zurück"),
        bind(
            "internal_view",
            "toggle_view",
            "Vergleich: veröffentlichte oder interne Ansicht (mit kleinen Zellen)",
        ),
    ]

    class Loaded(Message):
        def __init__(self, comparison: Comparison) -> None:
            super().__init__()
            self.comparison = comparison

    class Failed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, core: Core, survey_ids: Sequence[int], *, published: bool = True):
        super().__init__()
        self.core = core
        self.survey_ids = list(survey_ids)
        self.published = published
        self.comparison: Comparison | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Vergleich wird ausgezählt …", id="results-title")
        yield Static("", id="results-view")
        yield VerticalScroll(id="results-list", can_focus=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#results-list").focus()
        self.load()

    @work(thread=True, exclusive=True, group="survey-comparison")
    def load(self) -> None:
        try:
            comparison = self.core.survey_results.compare(self.survey_ids, published=self.published)
        except KoordinationError as exc:
            self.post_message(self.Failed(exc.message))
        except Exception as exc:
            self.post_message(self.Failed(f"Der Vergleich lässt sich nicht auszählen: {exc}"))
        else:
            self.post_message(self.Loaded(comparison))

    def on_survey_comparison_screen_failed(self, message: Failed) -> None:
        self.query_one("#results-title", Static).update(escape(message.message))
        self.notify(message.message, title="Vergleich", severity="error", timeout=12)

    async def on_survey_comparison_screen_loaded(self, message: Loaded) -> None:
        comparison = self.comparison = message.comparison
        names = [f"{s.title} ({s.audience})" for s in comparison.surveys]
        self.query_one("#results-title", Static).update(
            "[b]Vergleich[/b]\n"
            + "\n".join(
                f"[dim]{escape(name)} · {answers_text(s.response_count)}[/dim]"
                for name, s in zip(names, comparison.surveys, strict=True)
            )
        )
        view = self.query_one("#results-view", Static)
        view.update(f"Ansicht: {PUBLISHED_LABEL if self.published else INTERNAL_LABEL}")
        view.set_class(not self.published, "-internal")
        blocks: list[Widget] = []
        if not comparison.questions:
            blocks.append(
                Static("Die Umfragen haben keine gemeinsamen Fragen.", classes="results-legend")
            )
        short = [s.audience or s.title for s in comparison.surveys]
        for shared in comparison.questions:
            parts = shared.results
            counts = " · ".join(
                f"{escape(name)}: {answers_text(q.respondents)}"
                for name, q in zip(short, parts, strict=True)
            )
            items: list[Widget] = [
                Static(
                    f"[b]{escape(shared.text)}[/b]\n[dim]{shared.type.label} · {counts}[/dim]",
                    classes="result-heading",
                )
            ]
            if any(q.suppressed for q in parts):
                hidden = ", ".join(
                    name for name, q in zip(short, parts, strict=True) if q.suppressed
                )
                items.append(
                    Static(
                        f"Weniger als {MIN_CELL} Antworten bei {escape(hidden)}: ausgeblendet.",
                        classes="result-suppressed",
                    )
                )
            if len(parts) >= 2 and (parts[0].options or parts[1].options):
                items.append(
                    BarChart(
                        parts[0].options,
                        second=parts[1].options,
                        names=(short[0], short[1]),
                        classes="result-chart",
                    )
                )
            for name, q in zip(short, parts, strict=True):
                if q.stats is not None:
                    items.append(
                        Static(
                            f"{escape(name)}: {stats_text(q.stats, published=self.published)}",
                            classes="result-stats",
                        )
                    )
            blocks.append(Vertical(*items, classes="result-question"))
        listing = self.query_one("#results-list", VerticalScroll)
        await listing.remove_children()
        await listing.mount_all(blocks)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_toggle_view(self) -> None:
        self.published = not self.published
        self.load()

    def palette_entries(self) -> list[tuple[str, str, str]]:
        return screen_palette_entries(self, "Vergleich")
