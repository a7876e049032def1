"""Kiosk mode driven like a visitor (and a curious one pressing every key), and survey results
with bar charts as the coordinator reads them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.widgets import Checkbox, Input, RadioSet, Static, TabbedContent
from tui_support import make_app, settle, text_of

from koordination.core import Core
from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import BankItemInput, QuestionInput, SurveyInput
from koordination.domain.records.surveys import OptionCount
from koordination.services.surveys.service import Surveys
from koordination.tui import kiosk as kiosk_module
from koordination.tui.dialogs.common import HelpScreen
from koordination.tui.kiosk import KioskApp, KioskScreen, open_kiosk, run_kiosk
from koordination.tui.screens.kiosk_pin import (
    MIN_PIN,
    KioskPinDialog,
    KioskUnlockDialog,
    pin_problem,
)
from koordination.tui.screens.survey_results import (
    ComparePickerDialog,
    QuestionBlock,
    SurveyComparisonScreen,
    SurveyResultsScreen,
)
from koordination.tui.widgets.bar_chart import BarChart, bar, value_text
from koordination.tui.widgets.kiosk_question import QuestionField

SIZE = (100, 40)
PIN = "4711"


@dataclass(frozen=True)
class Survey:
    id: int
    engaged: int  # yes/no, required
    areas: int  # multiple choice, only shown after "Ja"
    satisfied: int  # scale 1–5, required
    wish: int  # free text


def build_survey(url: str, *, status: SurveyStatus = SurveyStatus.LAEUFT) -> Survey:
    db = Database(url)
    try:
        s = Surveys(db)
        survey = s.create(
            SurveyInput(
                "Engagement in Musterstadt",
                SurveyAudience.BUERGER,
                introduction="Ihre Meinung hilft der Koordinierungsstelle.",
            )
        )
        engaged = s.add_question(
            survey.id,
            QuestionInput("Engagieren Sie sich ehrenamtlich?", QuestionType.JA_NEIN, required=True),
        )
        areas = s.add_question(
            survey.id,
            QuestionInput(
                "In welchen Bereichen?",
                QuestionType.MEHRFACH,
                options=("Sport", "Kultur", "Soziales"),
                condition=(engaged.id, engaged.options[0].id),
            ),
        )
        satisfied = s.add_question(
            survey.id,
            QuestionInput(
                "Wie zufrieden sind Sie?",
                QuestionType.SKALA,
                scale_min=1,
                scale_max=5,
                low_label="gar nicht",
                high_label="sehr",
                required=True,
            ),
        )
        wish = s.add_question(survey.id, QuestionInput("Was wünschen Sie sich?", QuestionType.TEXT))
        if status is not SurveyStatus.ENTWURF:
            s.set_status(survey.id, status)
        return Survey(survey.id, engaged.id, areas.id, satisfied.id, wish.id)
    finally:
        db.dispose()


def response_count(url: str, survey_id: int) -> int:
    db = Database(url)
    try:
        return Surveys(db).response_count(survey_id)
    finally:
        db.dispose()


@pytest.fixture
def survey(city_db: str) -> Survey:
    return build_survey(city_db)


@pytest.fixture
def quick_thanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(KioskScreen, "THANKS_SECONDS", 3.0)


def field(screen: KioskScreen, question_id: int) -> QuestionField:
    return screen.query_one(f"#kiosk-q-{question_id}", QuestionField)


def summary(screen: KioskScreen) -> str:
    box = screen.query_one("#kiosk-summary", Static)
    return text_of(box) if box.display else ""


async def choose(pilot: Any, app: App[Any], screen: KioskScreen, question_id: int, index: int):
    """Pick the answer at ``index`` with the keyboard: focus the choice, arrow to it, Enter."""
    choice = field(screen, question_id).query_one(RadioSet)
    choice.focus()
    await pilot.pause()
    # The cursor starts on the answer given so far, or on the first.
    steps = index - max(choice.pressed_index, 0)
    await pilot.press(*(["right"] * steps if steps > 0 else ["left"] * -steps), "enter")
    await settle(pilot, app)
    assert choice.pressed_index == index


async def push_kiosk(pilot: Any, app: App[Any], url: str, survey_id: int) -> KioskScreen:
    await settle(pilot, app)
    screen = KioskScreen(Core(Database(url)), survey_id, PIN)
    app.push_screen(screen)
    await settle(pilot, app)
    assert app.screen is screen
    return screen


def stack_names(app: App[Any]) -> list[str]:
    return [type(s).__name__ for s in app.screen_stack]


# ---------------------------------------------------------------------- isolation


async def test_in_the_main_window_no_key_leaves_the_kiosk_without_the_pin(
    city_db: str, survey: Survey
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        kiosk = await push_kiosk(pilot, app, city_db, survey.id)
        tabs = app.screen_stack[0].query_one("#areas", TabbedContent)
        active = tabs.active
        keys = [*"12345678", "ctrl+p", "f1", "question_mark", "escape", "ctrl+c"]
        wish = field(kiosk, survey.wish).query_one(Input)
        # With nothing focused, on a choice and in a text field.
        for focus in (None, field(kiosk, survey.engaged).query_one(RadioSet), wish):
            kiosk.set_focus(focus)
            for key in keys:
                await pilot.press(key)
                await settle(pilot, app)
                assert app.screen is kiosk, key
                assert stack_names(app) == ["Screen", "KioskScreen"], key
                assert app.return_code is None, key
        # Typing into the field still works: digits and "?" are text there.
        assert wish.value == "12345678?"
        assert tabs.active == active
        assert not any(isinstance(s, CommandPalette | HelpScreen) for s in app.screen_stack)


async def test_ctrl_q_asks_for_the_pin_and_a_wrong_pin_stays_in_the_kiosk(
    city_db: str, survey: Survey
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        kiosk = await push_kiosk(pilot, app, city_db, survey.id)
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert isinstance(app.screen, KioskUnlockDialog)
        assert app.return_code is None
        # The prompt itself lets none of the app's keys through either.
        for key in ("ctrl+q", "ctrl+p", "f1"):
            await pilot.press(key)
            await settle(pilot, app)
            assert isinstance(app.screen, KioskUnlockDialog), key
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is kiosk

        await pilot.press("ctrl+q", *"0000", "enter")
        await settle(pilot, app)
        assert app.screen is kiosk
        assert app.return_code is None
        toasts = [str(t.render()) for t in app.screen.query("Toast").results(Static)]
        assert any("Die PIN stimmt nicht" in t for t in toasts)

        await pilot.press("ctrl+q", *PIN, "enter")
        await settle(pilot, app)
        assert not any(isinstance(s, KioskScreen) for s in app.screen_stack)
        assert stack_names(app) == ["Screen"]
        assert app.return_code is None  # back in the main window, not quit


async def test_kiosk_refuses_a_survey_that_is_not_running(city_db: str) -> None:
    draft = build_survey(city_db, status=SurveyStatus.ENTWURF)
    app = make_app(city_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        app.push_screen(KioskScreen(Core(Database(city_db)), draft.id, PIN))
        await settle(pilot, app)
        assert stack_names(app) == ["Screen"]
        toasts = [str(t.render()) for t in app.screen.query("Toast").results(Static)]
        assert any("ist noch ein Entwurf" in t for t in toasts)


async def test_from_the_main_window_a_pin_is_set_first_and_the_kiosk_reports_its_count(
    city_db: str, survey: Survey, quick_thanks: None
) -> None:
    app = make_app(city_db)
    closed: list[int | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        db = Database(city_db)
        record = Surveys(db).get(survey.id)
        assert open_kiosk(app, Core(db), record, closed.append)
        await settle(pilot, app)
        assert isinstance(app.screen, KioskPinDialog)
        await pilot.press(*PIN, "enter", *PIN, "enter")
        await settle(pilot, app)
        kiosk = app.screen
        assert isinstance(kiosk, KioskScreen)
        await choose(pilot, app, kiosk, survey.engaged, 1)
        await choose(pilot, app, kiosk, survey.satisfied, 0)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await pilot.press("ctrl+q", *PIN, "enter")
        await settle(pilot, app)
        assert stack_names(app) == ["Screen"]
        assert closed == [1]
        draft = build_survey(city_db, status=SurveyStatus.ENTWURF)
        assert not open_kiosk(app, Core(db), Surveys(db).get(draft.id))
        await settle(pilot, app)
        assert stack_names(app) == ["Screen"]
        db.dispose()


def test_run_kiosk_refuses_a_closed_survey_with_a_german_message(
    city_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = build_survey(city_db, status=SurveyStatus.ABGESCHLOSSEN)
    assert run_kiosk(Core(Database(city_db)), closed.id) == 1
    assert "ist abgeschlossen und nimmt keine Antworten mehr an" in capsys.readouterr().err
    assert run_kiosk(Core(Database(city_db)), 999) == 1
    assert "gibt es nicht" in capsys.readouterr().err


# ---------------------------------------------------------------------- the questionnaire


async def test_conditional_question_appears_only_after_the_matching_answer(
    city_db: str, survey: Survey
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        kiosk = await push_kiosk(pilot, app, city_db, survey.id)
        areas = field(kiosk, survey.areas)
        assert not areas.display
        await choose(pilot, app, kiosk, survey.engaged, 1)  # Nein
        assert not areas.display
        await choose(pilot, app, kiosk, survey.engaged, 0)  # back to Ja
        assert areas.display
        # Numbered as shown: the follow-up question is 2, the scale moves to 3.
        assert text_of(areas.query_one(".kiosk-question-text", Static)).startswith("2. ")
        scale = field(kiosk, survey.satisfied).query_one(".kiosk-question-text", Static)
        assert text_of(scale).startswith("3. ")


async def test_a_missing_required_answer_blocks_sending_with_a_friendly_message(
    city_db: str, survey: Survey
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        kiosk = await push_kiosk(pilot, app, city_db, survey.id)
        await choose(pilot, app, kiosk, survey.engaged, 1)  # Nein; the scale stays empty
        await pilot.click("#kiosk-submit")
        await settle(pilot, app)
        assert summary(kiosk) == "Fast geschafft! Bitte beantworten Sie noch die markierten Fragen."
        problem = field(kiosk, survey.satisfied).query_one(".kiosk-problem", Static)
        assert problem.display
        assert text_of(problem) == "Bitte beantworten Sie diese Frage."
        assert response_count(city_db, survey.id) == 0
        assert app.screen is kiosk
        # Answering it clears the mark at once.
        await choose(pilot, app, kiosk, survey.satisfied, 2)
        assert not problem.display
        assert summary(kiosk) == ""


async def test_each_submission_is_saved_and_the_next_visitor_gets_an_empty_form(
    city_db: str, survey: Survey, quick_thanks: None
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        kiosk = await push_kiosk(pilot, app, city_db, survey.id)
        for visitor in range(2):
            await choose(pilot, app, kiosk, survey.engaged, 0)  # Ja
            sport = field(kiosk, survey.areas).query(Checkbox).first()
            sport.focus()
            await pilot.press("space")
            await choose(pilot, app, kiosk, survey.satisfied, 3)  # 4
            wish = field(kiosk, survey.wish).query_one(Input)
            wish.focus()
            await pilot.press(*"Mehr", "space", *"Räume")
            await pilot.press("ctrl+s")
            await settle(pilot, app)
            assert response_count(city_db, survey.id) == visitor + 1
            thanks = kiosk.query_one("#kiosk-thanks")
            assert thanks.display
            assert text_of(kiosk.query_one("#kiosk-thanks-title", Static)) == "Vielen Dank!"
            assert not kiosk.query(QuestionField)  # the answers left the screen at once
            for _ in range(100):  # the thanks go away by themselves after a few seconds
                if not thanks.display:
                    break
                await pilot.pause(0.1)
            await settle(pilot, app)
            assert not thanks.display
            assert all(r.pressed_index == -1 for r in kiosk.query(RadioSet))
            assert not any(c.value for c in kiosk.query(Checkbox))
            assert all(i.value == "" for i in kiosk.query(Input))
            assert not field(kiosk, survey.areas).display
            assert kiosk.query_one("#kiosk-scroll").scroll_y == 0
        assert kiosk.saved == 2
    db = Database(city_db)
    try:
        from koordination.services.surveys.results import Evaluation

        results = Evaluation(db).results(survey.id, published=False)
    finally:
        db.dispose()
    areas = next(q for q in results.questions if q.id == survey.areas)
    assert [(o.label, o.count) for o in areas.options] == [
        ("Sport", 2),
        ("Kultur", 0),
        ("Soziales", 0),
    ]
    wish = next(q for q in results.questions if q.id == survey.wish)
    assert wish.texts == ("Mehr Räume", "Mehr Räume")


async def test_a_half_filled_form_left_alone_is_cleared_for_the_next_visitor(
    city_db: str, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        kiosk = await push_kiosk(pilot, app, city_db, survey.id)
        await choose(pilot, app, kiosk, survey.engaged, 0)
        await kiosk._check_idle()  # the visitor is still busy: nothing happens
        await settle(pilot, app)
        assert field(kiosk, survey.engaged).query_one(RadioSet).pressed_index == 0
        monkeypatch.setattr(KioskScreen, "IDLE_SECONDS", 0.0)
        await kiosk._check_idle()
        await settle(pilot, app)
        assert field(kiosk, survey.engaged).query_one(RadioSet).pressed_index == -1
        assert not field(kiosk, survey.areas).display
        assert response_count(city_db, survey.id) == 0


# ---------------------------------------------------------------------- the kiosk on its own


async def test_kiosk_app_asks_for_a_pin_then_shows_only_the_questionnaire(
    city_db: str, survey: Survey, quick_thanks: None
) -> None:
    app = KioskApp(Core(Database(city_db)), survey.id, "Engagement in Musterstadt")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, KioskPinDialog)
        await pilot.press("1", "2")
        problem = app.screen.query_one("#kiosk-pin-problem", Static)
        assert text_of(problem) == "Die PIN braucht mindestens 4 Ziffern."
        await pilot.press("3", "4", "enter", *"1235", "enter")
        assert text_of(problem) == "Die beiden Eingaben stimmen nicht überein."
        assert isinstance(app.screen, KioskPinDialog)
        await pilot.press("backspace", "4", "enter")
        await settle(pilot, app)
        kiosk = app.screen
        assert isinstance(kiosk, KioskScreen)
        assert text_of(kiosk.query_one("#kiosk-title", Static)) == "Engagement in Musterstadt"

        for key in [*"12345678", "ctrl+p", "f1", "escape", "ctrl+c"]:
            await pilot.press(key)
            await settle(pilot, app)
            assert app.screen is kiosk, key
        assert app.return_code is None

        await choose(pilot, app, kiosk, survey.engaged, 1)
        await choose(pilot, app, kiosk, survey.satisfied, 4)
        kiosk.query_one("#kiosk-submit").focus()  # scrolls it into view on a small screen
        await pilot.press("enter")
        await settle(pilot, app)
        assert response_count(city_db, survey.id) == 1

        await pilot.press("ctrl+q", *"9999", "enter")
        await settle(pilot, app)
        assert app.screen is kiosk
        assert app.return_code is None
        await pilot.press("ctrl+q", *"1234", "enter")
        await settle(pilot, app)
    assert app.return_code == 0


def test_a_pin_needs_four_digits_typed_twice_alike() -> None:
    assert pin_problem("") is not None
    assert pin_problem("123") == "Die PIN braucht mindestens 4 Ziffern."
    assert pin_problem("12a4") == "Die PIN besteht nur aus Ziffern."
    assert pin_problem("1234", "") == "Bitte die PIN zur Sicherheit wiederholen."
    assert pin_problem("1234", "1243") == "Die beiden Eingaben stimmen nicht überein."
    assert pin_problem("1234", "1234") is None
    assert MIN_PIN == 4


# ---------------------------------------------------------------------- bar charts


def test_bars_are_drawn_to_an_eighth_of_a_cell() -> None:
    assert bar(1.0, 10) == "█" * 10
    assert bar(0.0, 10) == ""
    assert bar(0.5, 3) == "█▌"
    assert bar(0.0125, 10) == "▏"
    assert bar(0.42, 10) == "████▎"  # 33.6 eighths → 34


def test_chart_rows_show_share_count_and_suppressed_cells() -> None:
    assert value_text(OptionCount("Ja", 21, 42.0)) == "42 % (21)"
    assert value_text(OptionCount("Nein", None, None)) == "< 5"
    chart = BarChart([OptionCount("Ja", 21, 42.0), OptionCount("Nein", None, None)])
    lines = [line.plain.rstrip() for line in chart.lines(40)]
    assert lines[0].startswith("Ja ") and lines[0].endswith("42 % (21)")
    assert "█" in lines[0]
    assert lines[1].startswith("Nein") and lines[1].endswith("< 5")
    assert "█" not in lines[1]


def test_two_series_draw_two_bars_per_answer_under_a_legend() -> None:
    chart = BarChart(
        [OptionCount("Ja", 30, 60.0)],
        second=[OptionCount("Ja", 10, 25.0)],
        names=("Bürger", "Organisationen"),
    )
    lines = [line.plain.rstrip() for line in chart.lines(50)]
    assert "Bürger" in lines[0] and "Organisationen" in lines[0]
    assert lines[1].startswith("Ja") and lines[1].endswith("60 % (30)")
    assert lines[2].startswith(" ") and lines[2].endswith("25 % (10)")
    assert lines[1].count("█") > lines[2].count("█")


# ---------------------------------------------------------------------- results screen


def add_responses(url: str, survey: Survey, answers: list[tuple[bool, set[str], int]]) -> None:
    db = Database(url)
    try:
        s = Surveys(db)
        form = s.form(survey.id)
        engaged = form.question(survey.engaged)
        areas = form.question(survey.areas)
        assert engaged is not None and areas is not None
        by_label = {o.label: o.id for o in areas.options}
        for yes, ticked, satisfied in answers:
            given: dict[int, Any] = {
                survey.engaged: engaged.options[0 if yes else 1].id,
                survey.satisfied: satisfied,
            }
            if yes and ticked:
                given[survey.areas] = frozenset(by_label[t] for t in ticked)
            s.submit(survey.id, given, source=ResponseSource.PAPIER)
    finally:
        db.dispose()


class ResultsApp(App[None]):
    """The results screen on its own, as the Umfragen area opens it."""

    CSS_PATH = kiosk_module.APP_CSS

    def __init__(self, url: str, survey_id: int) -> None:
        super().__init__()
        self.core = Core(Database(url))
        self.survey_id = survey_id

    def on_mount(self) -> None:
        self.push_screen(SurveyResultsScreen(self.core, self.survey_id))

    def on_unmount(self) -> None:
        self.core.close()


def chart_lines(screen: SurveyResultsScreen, question_id: int) -> list[str]:
    block = screen.query_one(f"#result-q-{question_id}", QuestionBlock)
    return block.query_one(BarChart).plain_lines()


def block_text(screen: SurveyResultsScreen, question_id: int) -> str:
    block = screen.query_one(f"#result-q-{question_id}", QuestionBlock)
    return "\n".join(text_of(s) for s in block.query(Static) if not isinstance(s, BarChart))


async def test_results_show_bars_per_option_suppressed_cells_and_scale_statistics(
    city_db: str, survey: Survey
) -> None:
    # 12 responses: 9 engaged; Sport ticked 7×, Kultur 5×, Soziales 2× (suppressed);
    # the scale: 1, 2, 2, 3, 3, 4, 4, 4, 4, 4, 5, 5 → mean 3.42, median 4.
    scale = [1, 2, 2, 3, 3, 4, 4, 4, 4, 4, 5, 5]
    ticks = [
        {"Sport", "Kultur"},
        {"Sport", "Kultur"},
        {"Sport", "Kultur", "Soziales"},
        {"Sport", "Soziales"},
        {"Sport"},
        {"Sport"},
        {"Sport", "Kultur"},
        {"Kultur"},
        set(),
    ]
    answers = [(i < 9, ticks[i] if i < 9 else set(), scale[i]) for i in range(12)]
    add_responses(city_db, survey, answers)
    app = ResultsApp(city_db, survey.id)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, SurveyResultsScreen)
        title = text_of(screen.query_one("#results-title", Static))
        assert "12 Antworten" in title
        assert "veröffentlicht" in text_of(screen.query_one("#results-view", Static))

        # Multiple choice: counted per option, shares of the 8 who ticked something.
        lines = chart_lines(screen, survey.areas)
        assert lines[0].startswith("Sport") and lines[0].endswith("88 % (7)")
        assert lines[1].startswith("Kultur") and lines[1].endswith("62 % (5)")
        assert lines[2].startswith("Soziales") and lines[2].endswith("< 5")
        assert "█" in lines[0] and "█" not in lines[2]
        assert "Mehrfachauswahl · 8 Antworten" in block_text(screen, survey.areas)

        scale_text = block_text(screen, survey.satisfied)
        assert "Mittelwert 3,42 · Median 4" in scale_text
        scale_lines = chart_lines(screen, survey.satisfied)
        assert scale_lines[0].startswith("1 – gar nicht") and scale_lines[0].endswith("< 5")
        assert scale_lines[3].startswith("4") and scale_lines[3].endswith("42 % (5)")

        # The internal view shows the small cell too.
        await pilot.press("I")
        await settle(pilot, app)
        assert "intern" in text_of(screen.query_one("#results-view", Static))
        lines = chart_lines(screen, survey.areas)
        assert lines[2].startswith("Soziales") and lines[2].endswith("25 % (2)")
        assert "kleinster Wert 1 · größter Wert 5" in block_text(screen, survey.satisfied)

        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, SurveyResultsScreen)


async def test_results_in_the_main_window_offer_their_keys_in_the_command_palette(
    city_db: str, survey: Survey
) -> None:
    add_responses(city_db, survey, [(True, {"Sport"}, 3)] * 6)
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = SurveyResultsScreen(Core(Database(city_db)), survey.id)
        app.push_screen(screen)
        await settle(pilot, app)
        entries = {title: action for title, _help, action in app.command_entries()}
        tooltip = "Ergebnisse: veröffentlichte oder interne Ansicht (mit kleinen Zellen)"
        assert entries[tooltip] == "screen.toggle_view"
        await app.run_action(entries[tooltip])
        await settle(pilot, app)
        assert "intern" in text_of(screen.query_one("#results-view", Static))
        assert chart_lines(screen, survey.areas)[0].endswith("100 % (6)")
        await pilot.press("escape")
        await settle(pilot, app)
        assert stack_names(app) == ["Screen"]
        screen.core.close()


async def test_comparison_offers_surveys_sharing_bank_questions_and_draws_both(
    city_db: str,
) -> None:
    db = Database(city_db)
    try:
        s = Surveys(db)
        item = s.create_bank_item(
            BankItemInput("engagiert", "Engagieren Sie sich?", QuestionType.JA_NEIN)
        )
        ids = []
        for title, audience, yes in (
            ("Bürgerbefragung", SurveyAudience.BUERGER, 10),
            ("Organisationsbefragung", SurveyAudience.ORGANISATIONEN, 6),
        ):
            survey = s.create(SurveyInput(title, audience))
            question = s.add_from_bank(survey.id, item.id)
            s.set_status(survey.id, SurveyStatus.LAEUFT)
            for i in range(15):
                option = question.options[0 if i < yes else 1].id
                s.submit(survey.id, {question.id: option}, source=ResponseSource.PAPIER)
            ids.append(survey.id)
        s.create(SurveyInput("Ohne gemeinsame Fragen", SurveyAudience.BUERGER))
    finally:
        db.dispose()
    app = ResultsApp(city_db, ids[0])
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("C")
        await settle(pilot, app)
        picker = app.screen
        assert isinstance(picker, ComparePickerDialog)
        assert [label.split(" · ")[0] for _, label in picker.choices] == ["Organisationsbefragung"]
        await pilot.press("enter")
        await settle(pilot, app)
        comparison = app.screen
        assert isinstance(comparison, SurveyComparisonScreen)
        lines = comparison.query_one(BarChart).plain_lines()
        assert "Bürgerinnen und Bürger" in lines[0]
        assert lines[1].startswith("Ja") and lines[1].endswith("67 % (10)")
        assert lines[2].endswith("40 % (6)")
        assert lines[1].count("█") > lines[2].count("█")
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, SurveyResultsScreen)


def test_kiosk_and_results_keys_have_tooltips() -> None:
    for screen in (SurveyResultsScreen, SurveyComparisonScreen):
        for binding in screen.BINDINGS:
            assert getattr(binding, "tooltip", ""), binding
