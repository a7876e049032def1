"""Kiosk mode: the whole screen is one survey's questionnaire, nothing else is reachable."""

from __future__ import annotations

import hmac
import sys
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, RadioSet, Static

from koordination.domain.enums import ResponseSource, SurveyStatus
from koordination.domain.records.surveys import AnswerValue, SurveyForm
from koordination.errors import FieldError, KoordinationError, ValidationError
from koordination.services.surveys.answers import AnswerProblem

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.domain.records.surveys import SurveyRecord

from koordination.tui.keys import bind
from koordination.tui.screens.kiosk_pin import (
    KIOSK_CSS,
    KioskPinDialog,
    KioskUnlockDialog,
    SealedScreen,
)
from koordination.tui.widgets.kiosk_question import REQUIRED, QuestionField

#: A PIN has at least this many digits.
#: "Vielen Dank!" stays this long before a fresh questionnaire appears.
THANKS_SECONDS = 4.0
#: A half-filled questionnaire nobody touched for this long is cleared for the next visitor.
IDLE_SECONDS = 300.0
#: After this many wrong PINs in a row, the PIN prompt stays closed for LOCK_SECONDS.
LOCK_AFTER = 3
LOCK_SECONDS = 30.0

APP_CSS: list[str | PurePath] = [
    Path(__file__).with_name(name) for name in ("app.tcss", "forms.tcss")
]


def kiosk_refusal(survey: SurveyRecord) -> str | None:
    """Why the kiosk cannot start for ``survey`` (German), or None when it is running."""
    if survey.status is SurveyStatus.LAEUFT:
        return None
    if survey.status is SurveyStatus.ENTWURF:
        return (
            f"Die Umfrage „{survey.title}“ ist noch ein Entwurf. Starten Sie sie, "
            "bevor der Kiosk geöffnet wird."
        )
    return f"Die Umfrage „{survey.title}“ ist abgeschlossen und nimmt keine Antworten mehr an."


# ---------------------------------------------------------------------- the kiosk


class KioskScreen(SealedScreen[int | None]):
    """A survey's questionnaire for visitors, filling the whole screen.

    Each questionnaire sent is saved as a kiosk response; then "Vielen Dank!" shows and a fresh,
    empty questionnaire follows. Nothing else of the app can be reached: only Strg+Q opens a
    prompt, and only the PIN set by the coordinator closes the kiosk. Dismisses with the number
    of questionnaires saved, or None when the survey cannot take answers."""

    CSS_PATH = KIOSK_CSS
    THANKS_SECONDS: ClassVar[float] = THANKS_SECONDS
    IDLE_SECONDS: ClassVar[float] = IDLE_SECONDS

    BINDINGS: ClassVar[list[BindingType]] = [
        bind(
            "quit",
            "leave",
            "Kiosk beenden (mit PIN)",
            label="Kiosk beenden",
            show=False,
            priority=True,
        ),
        bind("save", "submit", "Fragebogen absenden", label="Absenden", show=False, priority=True),
        # Keys the main window knows are swallowed here; typing into a field still works
        # because Textual leaves out keys the focused field itself takes.
        Binding(
            "ctrl+p,ctrl+c,f1,question_mark,escape,1,2,3,4,5,6,7,8,9,0",
            "nothing",
            show=False,
            priority=True,
        ),
    ]

    class Saved(Message):
        """A questionnaire was saved."""

    class Refused(Message):
        """Saving failed; ``problems`` name questions by code, ``message`` is German."""

        def __init__(self, problems: list[FieldError], message: str) -> None:
            super().__init__()
            self.problems = problems
            self.message = message

    class Loaded(Message):
        def __init__(self, form: SurveyForm | None, message: str) -> None:
            super().__init__()
            self.form = form
            self.message = message

    def __init__(self, core: Core, survey_id: int, pin: str) -> None:
        super().__init__()
        self.core = core
        self.survey_id = survey_id
        self.pin = pin
        self.form: SurveyForm | None = None
        #: Questionnaires saved since the kiosk opened.
        self.saved = 0
        self.saving = False
        #: After the first try to send, missing answers are marked as the visitor goes on.
        self.tried = False
        self.last_activity = time.monotonic()
        self.wrong_pins = 0
        self.locked_until = 0.0
        self._thanks: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="kiosk-page"):
            yield Static("Umfrage", id="kiosk-title")
            with VerticalScroll(id="kiosk-scroll"):
                yield Static("Der Fragebogen wird geladen …", id="kiosk-intro")
                yield Static("", id="kiosk-anonymity")
                yield Vertical(id="kiosk-questions")
                yield Static("", id="kiosk-summary")
                with Horizontal(id="kiosk-buttons"):
                    yield Button("Absenden", variant="success", id="kiosk-submit")
                    yield Button("Von vorn beginnen", id="kiosk-reset")
            with Vertical(id="kiosk-thanks"):
                with Center():
                    yield Static("Vielen Dank!", id="kiosk-thanks-title")
                with Center():
                    yield Static(
                        "Ihre Antworten sind gespeichert.\n"
                        "Gleich erscheint ein neuer, leerer Fragebogen.",
                        id="kiosk-thanks-text",
                    )
            yield Static("Strg+Q: Kiosk beenden (nur mit PIN)", id="kiosk-footer")

    def on_mount(self) -> None:
        self.query_one("#kiosk-thanks").display = False
        self.query_one("#kiosk-summary").display = False
        self.query_one("#kiosk-buttons").display = False
        self.set_interval(10, self._check_idle)
        self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="kiosk-load")
    def load(self) -> None:
        try:
            form = self.core.surveys.form(self.survey_id)
        except KoordinationError as exc:
            self.post_message(self.Loaded(None, exc.message))
        except Exception as exc:  # the kiosk must say something, never crash
            self.post_message(self.Loaded(None, f"Die Umfrage lässt sich nicht laden: {exc}"))
        else:
            self.post_message(self.Loaded(form, kiosk_refusal(form.survey) or ""))

    async def on_kiosk_screen_loaded(self, message: Loaded) -> None:
        if message.form is None or message.message:
            self.notify(message.message, title="Kiosk", severity="error", timeout=12)
            self.dismiss(None)
            return
        self.form = message.form
        survey = message.form.survey
        self.query_one("#kiosk-title", Static).update(escape(survey.title))
        self.query_one("#kiosk-intro", Static).update(escape(survey.introduction))
        self.query_one("#kiosk-intro").display = bool(survey.introduction)
        note = (
            "Die Umfrage ist anonym: Es werden weder Ihr Name noch Kontaktdaten gespeichert."
            if survey.anonymous
            else "Am Kiosk werden weder Ihr Name noch Kontaktdaten gespeichert."
        )
        if any(q.required for q in message.form.questions):
            note += " Pflichtfragen sind mit einem Sternchen ([b $error]*[/]) markiert."
        self.query_one("#kiosk-anonymity", Static).update(note)
        self.query_one("#kiosk-buttons").display = True
        await self.fresh_form()

    # ------------------------------------------------------------------ the form
    def fields(self) -> list[QuestionField]:
        return list(self.query(QuestionField))

    async def fresh_form(self) -> None:
        """New, empty widgets for every question: nothing of the previous visitor remains."""
        if self._thanks is not None:
            self._thanks.stop()
            self._thanks = None
        self.saving = False
        self.tried = False
        self.last_activity = time.monotonic()
        box = self.query_one("#kiosk-questions")
        await box.remove_children()
        if self.form is None:
            return
        await box.mount_all(
            QuestionField(q, number) for number, q in enumerate(self.form.questions, 1)
        )
        self.query_one("#kiosk-thanks").display = False
        self.query_one("#kiosk-scroll").display = True
        self.query_one("#kiosk-submit", Button).disabled = False
        self._summary("")
        self.refresh_conditions()
        scroll = self.query_one("#kiosk-scroll", VerticalScroll)
        scroll.scroll_home(animate=False)
        first = next((f.answer_widget() for f in self.fields() if f.display), None)
        if first is not None:
            first.focus(scroll_visible=False)

    def collect(self) -> tuple[dict[int, AnswerValue], dict[int, str]]:
        """The answers of the questions shown, and what is missing or wrong per question id.
        Shows and hides conditional questions on the way (conditions point to earlier ones)."""
        answers: dict[int, AnswerValue] = {}
        problems: dict[int, str] = {}
        if self.form is None:
            return answers, problems
        for field in self.fields():
            question = field.question
            field.display = self.form.visible(question, answers)
            if not field.display:
                continue
            try:
                value = field.value()
            except AnswerProblem as exc:
                problems[question.id] = str(exc)
                continue
            if value is None:
                if question.required:
                    problems[question.id] = REQUIRED
                continue
            answers[question.id] = value
        return answers, problems

    def refresh_conditions(self) -> None:
        """Answers changed: show what now applies; mark problems (typed ones at once, missing
        required answers once the visitor tried to send)."""
        _answers, problems = self.collect()
        shown = [field for field in self.fields() if field.display]
        for number, field in enumerate(shown, 1):
            field.renumber(number)
        for field in self.fields():
            problem = problems.get(field.question.id) if field.display else None
            if problem == REQUIRED and not self.tried:
                problem = None
            field.show_problem(problem)
        if self.tried and not problems:
            self._summary("")

    def _summary(self, text: str) -> None:
        summary = self.query_one("#kiosk-summary", Static)
        summary.update(escape(text))
        summary.display = bool(text)

    def _activity(self) -> None:
        self.last_activity = time.monotonic()

    @on(RadioSet.Changed)
    @on(Checkbox.Changed)
    @on(Input.Changed)
    def _answer_changed(self) -> None:
        self._activity()
        self.refresh_conditions()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def on_key(self) -> None:
        self._activity()

    def on_click(self) -> None:
        self._activity()

    async def _check_idle(self) -> None:
        """A visitor left half-way: the next one starts with an empty questionnaire."""
        if self.saving or self.form is None or not self.query_one("#kiosk-scroll").display:
            return
        if time.monotonic() - self.last_activity < self.IDLE_SECONDS:
            return
        answers, _ = self.collect()
        if answers or any(box.value for box in self.query(Input)):
            await self.fresh_form()

    # ------------------------------------------------------------------ sending
    @on(Button.Pressed, "#kiosk-submit")
    def action_submit(self) -> None:
        if self.saving or self.form is None or not self.query_one("#kiosk-scroll").display:
            return
        self.tried = True
        answers, problems = self.collect()
        if problems:
            self._mark(problems)
            return
        if not answers:
            self._summary("Bitte beantworten Sie mindestens eine Frage.")
            return
        self.saving = True
        self.query_one("#kiosk-submit", Button).disabled = True
        self._summary("")
        self.save(answers)

    def _mark(self, problems: dict[int, str]) -> None:
        self.refresh_conditions()
        missing = any(p == REQUIRED for p in problems.values())
        self._summary(
            "Fast geschafft! Bitte beantworten Sie noch die markierten Fragen."
            if missing
            else "Bitte prüfen Sie die markierten Angaben."
        )
        first = next((f for f in self.fields() if f.question.id in problems and f.display), None)
        if first is not None:
            self.query_one("#kiosk-scroll", VerticalScroll).scroll_to_widget(first, animate=False)
            widget = first.answer_widget()
            if widget is not None:
                widget.focus(scroll_visible=False)

    @work(thread=True, exclusive=True, group="kiosk-save")
    def save(self, answers: dict[int, AnswerValue]) -> None:
        try:
            self.core.surveys.submit(self.survey_id, dict(answers), source=ResponseSource.KIOSK)
        except ValidationError as exc:
            self.post_message(self.Refused(exc.errors, exc.message))
        except KoordinationError as exc:
            self.post_message(self.Refused([], exc.message))
        except Exception as exc:  # keep the visitor's answers on screen and say so
            self.post_message(
                self.Refused([], f"Die Antworten konnten nicht gespeichert werden: {exc}")
            )
        else:
            self.post_message(self.Saved())

    async def on_kiosk_screen_saved(self, _message: Saved) -> None:
        self.saved += 1
        # The answers go off the screen at once, before the thanks.
        await self.query_one("#kiosk-questions").remove_children()
        self.query_one("#kiosk-scroll").display = False
        self.query_one("#kiosk-thanks").display = True
        self.set_focus(None)
        self._thanks = self.set_timer(self.THANKS_SECONDS, self.fresh_form)

    def on_kiosk_screen_refused(self, message: Refused) -> None:
        self.saving = False
        self.query_one("#kiosk-submit", Button).disabled = False
        by_code = {f.question.code: f.question.id for f in self.fields()}
        problems = {
            by_code[p.field]: (REQUIRED if "Pflichtfrage" in p.message else p.message)
            for p in message.problems
            if p.field in by_code
        }
        if problems:
            self._mark(problems)
            for field in self.fields():
                if field.question.id in problems:
                    field.show_problem(problems[field.question.id])
        elif any(p.field == "Antworten" for p in message.problems):
            self._summary("Bitte beantworten Sie mindestens eine Frage.")
        else:
            self._summary(message.message)
            self.notify(message.message, title="Nicht gespeichert", severity="error")

    @on(Button.Pressed, "#kiosk-reset")
    async def action_reset(self) -> None:
        if not self.saving:
            await self.fresh_form()

    # ------------------------------------------------------------------ leaving
    def action_nothing(self) -> None:
        """Keys of the main window do nothing while the kiosk is shown."""

    def action_leave(self) -> None:
        if isinstance(self.app.screen, KioskUnlockDialog):
            return
        wait = self.locked_until - time.monotonic()
        if wait > 0:
            self.notify(
                f"Zu viele falsche Versuche. Bitte in {int(wait) + 1} Sekunden erneut.",
                title="Kiosk",
                severity="warning",
            )
            return
        self.app.push_screen(KioskUnlockDialog(), self._unlock)

    def _unlock(self, entered: str | None) -> None:
        if entered is None:
            return
        if hmac.compare_digest(entered.encode(), self.pin.encode()):
            if self._thanks is not None:
                self._thanks.stop()
            self.dismiss(self.saved)
            return
        self.wrong_pins += 1
        if self.wrong_pins >= LOCK_AFTER:
            self.wrong_pins = 0
            self.locked_until = time.monotonic() + LOCK_SECONDS
        self.notify("Die PIN stimmt nicht. Der Kiosk bleibt geöffnet.", severity="warning")


# ---------------------------------------------------------------------- PIN dialogs


def open_kiosk(
    app: App[Any],
    core: Core,
    survey: SurveyRecord,
    closed: Callable[[int | None], Any] | None = None,
) -> bool:
    """From the main window: ask for a PIN, then show the kiosk for ``survey``. Refuses (with
    a German notification, returning False) a survey that is not running. ``closed`` gets the
    number of questionnaires saved once the PIN closed the kiosk (None: it could not start)."""
    refusal = kiosk_refusal(survey)
    if refusal:
        app.notify(refusal, title="Kiosk", severity="warning")
        return False

    def pin_set(pin: str | None) -> None:
        if pin is not None:
            app.push_screen(KioskScreen(core, survey.id, pin), closed)

    app.push_screen(KioskPinDialog(survey.title), pin_set)
    return True


# ---------------------------------------------------------------------- the kiosk alone


class KioskApp(App[int], inherit_bindings=False):
    """Only the kiosk: asks the coordinator for a PIN, then shows the questionnaire until the
    PIN closes it. Exit code 0 after the PIN, 1 when the survey cannot take answers."""

    TITLE = "koordination – Kiosk"
    CSS_PATH = APP_CSS
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("quit", "quit", "Kiosk beenden", show=False, priority=True),
    ]

    def __init__(self, core: Core, survey_id: int, survey_title: str = "") -> None:
        super().__init__()
        self.core = core
        self.survey_id = survey_id
        self.survey_title = survey_title

    def on_mount(self) -> None:
        self.push_screen(KioskPinDialog(self.survey_title), self._pin_set)

    def _pin_set(self, pin: str | None) -> None:
        if pin is None:
            self.exit(0)
            return
        self.push_screen(KioskScreen(self.core, self.survey_id, pin), self._kiosk_closed)

    def _kiosk_closed(self, saved: int | None) -> None:
        self.exit(1 if saved is None else 0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Second line of defence: nothing of the app's own runs while the kiosk is open.
        blocked = ("quit", "command_palette", "help_quit", "help")
        kiosk_open = any(isinstance(s, KioskScreen) for s in self.screen_stack)
        return not (kiosk_open and action in blocked)

    def on_data_changed(self, message: Any) -> None:
        """Nothing else to refresh: the kiosk is all there is."""


def run_kiosk(core: Core, survey_id: int) -> int:
    """`koordination surveys kiosk ID`: the kiosk full-screen on ``core`` (closed at the end);
    returns the exit code."""
    try:
        form = core.surveys.form(survey_id)
    except KoordinationError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    refusal = kiosk_refusal(form.survey)
    if refusal:
        print(refusal, file=sys.stderr)
        return 1
    try:
        return KioskApp(core, survey_id, form.survey.title).run() or 0
    finally:
        core.close()
