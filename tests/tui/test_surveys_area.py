"""The Umfragen area driven like a coordinator: design a questionnaire, change an answered
question, type in paper forms, import online answers, export, and the Übersicht."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static, TextArea
from tui_support import make_app, settle, text_of

from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.services.surveys.service import Surveys
from koordination.tui.app import KoordinationApp
from koordination.tui.areas.surveys import SurveysArea
from koordination.tui.dialogs.export import ExportDialog
from koordination.tui.dialogs.form import ConfirmScreen, FormScreen
from koordination.tui.dialogs.survey import QuestionFormScreen
from koordination.tui.dialogs.transfer import ImportScreen
from koordination.tui.screens.answer_entry import AnswerEntryScreen, AnswerRow
from koordination.tui.screens.questionnaire import QuestionnaireScreen

SIZE = (120, 40)


@dataclass(frozen=True)
class Built:
    id: int
    engaged: int  # yes/no, required
    areas: int  # multiple choice, only asked after "Ja"
    satisfied: int  # scale 1–5
    wish: int  # free text


def build_survey(url: str, *, answers: int = 0) -> Built:
    """A running survey of four questions, with ``answers`` paper forms already in."""
    db = Database(url)
    try:
        s = Surveys(db)
        survey = s.create(SurveyInput("Engagement in Musterstadt", SurveyAudience.BUERGER))
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
            survey.id, QuestionInput("Wie zufrieden sind Sie?", QuestionType.SKALA)
        )
        wish = s.add_question(survey.id, QuestionInput("Was wünschen Sie sich?", QuestionType.TEXT))
        s.set_status(survey.id, SurveyStatus.LAEUFT)
        for i in range(answers):
            s.submit(
                survey.id,
                {engaged.id: engaged.options[1].id, satisfied.id: 1 + i % 5},
                source=ResponseSource.PAPIER,
            )
        return Built(survey.id, engaged.id, areas.id, satisfied.id, wish.id)
    finally:
        db.dispose()


def stored(url: str) -> Surveys:
    return Surveys(Database(url))


async def open_surveys(pilot: Any, app: KoordinationApp) -> SurveysArea:
    await settle(pilot, app)
    await pilot.press("8")
    await settle(pilot, app)
    return app.query_one(SurveysArea)


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [
        [str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


async def fill(pilot: Any, app: KoordinationApp, **values: object) -> None:
    for key, value in values.items():
        widget = app.screen.query_one(f"#field-{key}")
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.load_text(str(value))
        await pilot.pause()
    await settle(pilot, app)


async def test_a_survey_is_created_through_the_form_with_german_problems(city_db: str) -> None:
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_surveys(pilot, app)
        assert "Noch keine Umfrage" in text_of(area.query_one("#surveys-status", Static))
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, app, starts_on="01.10.2025", ends_on="30.09.2025")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        problems = text_of(app.screen.query_one("#form-summary", Static))
        assert "Titel: darf nicht leer sein." in problems
        assert "Das Ende (30.09.2025) liegt vor dem Beginn (01.10.2025)." in problems
        await fill(pilot, app, title="Vereinsbefragung 2025", ends_on="30.11.2025")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert rows(area.table)[0][:4] == [
            "Vereinsbefragung 2025",
            "Organisationen und Vereine",
            "Entwurf",
            "01.10.–30.11.25",
        ]
    (survey,) = stored(city_db).list_surveys()
    assert (survey.title, survey.audience, survey.anonymous) == (
        "Vereinsbefragung 2025",
        SurveyAudience.ORGANISATIONEN,
        True,
    )


async def test_questions_are_added_in_the_questionnaire_editor(city_db: str) -> None:
    db = Database(city_db)
    draft = Surveys(db).create(SurveyInput("Vereinsbefragung 2025", SurveyAudience.ORGANISATIONEN))
    db.dispose()
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_surveys(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        editor = app.screen
        assert isinstance(editor, QuestionnaireScreen)
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, QuestionFormScreen)
        # The type decides which fields there are: no answers to list for a number.
        await fill(pilot, app, text="Wie viele Mitglieder hat Ihr Verein?", type=QuestionType.ZAHL)
        assert not app.screen.query_one("#field-options").parent.display  # type: ignore[union-attr]
        await fill(pilot, app, type=QuestionType.EINFACH, options="Sport")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "Antwortmöglichkeiten: Es braucht mindestens zwei, eine pro Zeile." in text_of(
            app.screen.query_one("#form-summary", Static)
        )
        await fill(
            pilot,
            app,
            section="Ihr Verein",
            text="Haben Sie eine Jugendabteilung?",
            type=QuestionType.JA_NEIN,
            required=True,
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is editor

        await pilot.press("n")
        await settle(pilot, app)
        # A later question may depend on an earlier choice question ("F1 = Ja").
        first = stored(city_db).questions(draft.id)[0]
        await fill(
            pilot,
            app,
            text="Wie viele Jugendliche?",
            type=QuestionType.ZAHL,
            condition=(first.id, first.options[0].id),
        )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        table = editor.query_one("#editor-table", DataTable)
        shown = rows(table)
        assert [r[0] for r in shown] == ["F1", "F2"]
        assert shown[0][1:5] == ["Ihr Verein", "Ja/Nein", "Haben Sie eine Jugendabteilung?", "ja"]
        assert shown[1][5] == "F1 = Ja"

        questions = stored(city_db).questions(draft.id)
        assert [(q.code, q.section, q.type) for q in questions] == [
            ("F1", "Ihr Verein", QuestionType.JA_NEIN),
            ("F2", "Ihr Verein", QuestionType.ZAHL),
        ]
        assert questions[1].condition_option_id == first.options[0].id


async def test_an_answered_question_changes_meaning_only_as_a_new_version(city_db: str) -> None:
    built = build_survey(city_db, answers=3)
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_surveys(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        editor = app.screen
        assert isinstance(editor, QuestionnaireScreen)
        assert "3 Antworten liegen vor" in text_of(editor.query_one("#editor-warning", Static))

        # A new section is no change of meaning: saved as it is.
        await pilot.press("e")
        await settle(pilot, app)
        assert "Auf F1 gibt es 3 Antworten" in text_of(app.screen.query_one(".dialog-note", Static))
        await fill(pilot, app, section="Ihr Engagement")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is editor
        assert rows(editor.table)[0][1] == "Ihr Engagement"

        # A new text is: the service refuses, the editor explains and offers a new version.
        await pilot.press("e")
        await settle(pilot, app)
        await fill(pilot, app, text="Sind Sie ehrenamtlich aktiv?")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        why = " ".join(confirm.lines)
        assert "Auf Frage F1 gibt es schon 3 Antworten" in why
        assert "neue Fassung" in why
        await pilot.press("j")
        await settle(pilot, app)
        assert app.screen is editor
        shown = rows(editor.table)
        assert shown[0][0] == "F1" and shown[0][3].startswith("abgelöst: Engagieren")
        assert shown[1][0] == "F1 (Fassung 2)"
        assert shown[1][3] == "Sind Sie ehrenamtlich aktiv?"
        assert shown[0][6] == "3" and shown[1][6] == "–"
        # The conditional question now follows the new version.
        assert shown[2][5] == "F1 = Ja"

        form = stored(city_db).form(built.id)
        assert [q.label for q in form.questions][:1] == ["F1 (Fassung 2)"]
        assert form.questions[1].condition_question_id == form.questions[0].id


async def test_paper_forms_are_typed_in_fast_and_skip_what_the_condition_hides(
    city_db: str,
) -> None:
    built = build_survey(city_db)
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_surveys(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        entry = app.screen
        assert isinstance(entry, AnswerEntryScreen)
        fields = {row.question.id: row for row in entry.query(AnswerRow)}
        engaged, areas = fields[built.engaged], fields[built.areas]
        assert app.focused is engaged.input
        assert areas.input.disabled  # asked only after "Ja"
        assert text_of(areas.query_one(".entry-choices", Static)) == "entfällt – Nur wenn F1 = Ja"

        # Form 1: yes, two areas, a scale value, a wish; Enter on the last field saves.
        await pilot.press("j", "enter")
        assert not areas.input.disabled and app.focused is areas.input
        assert "1 Sport  2 Kultur  3 Soziales" in text_of(areas.query_one(".entry-choices", Static))
        await pilot.press("1", "space", "3", "enter", "7")
        await settle(pilot, app)
        satisfied = fields[built.satisfied]
        assert satisfied.problem == "„7“ liegt nicht auf der Skala von 1 bis 5."
        await pilot.press("enter")  # refused: stays on the field
        assert app.focused is satisfied.input
        await pilot.press("backspace", "4", "enter", *"Mehr Räume", "enter")
        await settle(pilot, app)
        status = text_of(entry.query_one("#entry-status", Static))
        assert "gespeichert." in status and "1 Bogen erfasst" in status
        assert all(not row.input.value for row in fields.values())
        assert app.focused is engaged.input

        # Form 2: "n" skips the areas question; Enter jumps straight to the scale.
        await pilot.press("n", "enter")
        assert areas.input.disabled and app.focused is satisfied.input
        assert "entfällt" in text_of(areas.query_one(".entry-choices", Static))
        await pilot.press("2", "ctrl+s")
        await settle(pilot, app)
        assert "2 Bögen erfasst" in text_of(entry.query_one("#entry-status", Static))

        # Form 3: the required question left empty is named, nothing is saved.
        await pilot.press("tab", "3", "ctrl+s")
        await settle(pilot, app)
        assert engaged.problem == "ist eine Pflichtfrage."
        assert app.focused is engaged.input

        await pilot.press("ctrl+l", "escape")
        await settle(pilot, app)
        assert isinstance(app.screen.query_one(SurveysArea), SurveysArea)
        assert rows(app.query_one(SurveysArea).table)[0][4] == "2"

    db = Database(city_db)
    try:
        surveys = Surveys(db)
        assert surveys.response_count(built.id) == 2
        counts = {q.id: q.answer_count for q in surveys.questions(built.id)}
        assert counts[built.areas] == 1 and counts[built.satisfied] == 2
        assert counts[built.wish] == 1
    finally:
        db.dispose()


async def test_online_answers_are_imported_with_the_suggested_mapping(
    city_db: str, tmp_path: Path
) -> None:
    built = build_survey(city_db)
    csv = tmp_path / "antworten.csv"
    csv.write_text(
        "Antwort-ID;F1. Engagieren Sie sich ehrenamtlich?;F2 [Sport];F2 [Kultur];"
        "F3;Bemerkung\n"
        "1;Ja;Y;;4;egal\n"
        "2;Nein;;;2;\n"
        "3;Ja;;Y;5;\n",
        encoding="utf-8",
    )
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_surveys(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        dialog.query_one("#import-path", Input).value = str(csv)
        await pilot.press("enter")
        await settle(pilot, app)
        chosen = [dialog.query_one(f"#column-{i}", Select).value for i in range(6)]
        assert chosen == ["#id", "F1", "F2=Sport", "F2=Kultur", "F3", ""]
        assert "3 Antworten in antworten.csv; 5 von 6 Spalten zugeordnet" in text_of(
            dialog.query_one("#import-columns-note", Static)
        )
        # A column matched wrongly is corrected by hand: "Bemerkung" is the wish.
        dialog.query_one("#column-5", Select).value = "F4"
        await settle(pilot, app)
        await pilot.click("#import")
        await settle(pilot, app)
        result = text_of(dialog.query_one("#import-result-text", Static))
        assert "3 Antworten" in result
    assert stored(city_db).response_count(built.id) == 3
    wish = next(q for q in stored(city_db).questions(built.id) if q.id == built.wish)
    assert wish.answer_count == 1


async def test_export_writes_the_questionnaire_to_print(
    city_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOORDINATION_EXPORTS", str(tmp_path))
    build_survey(city_db, answers=6)
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_surveys(pilot, app)
        await pilot.press("ctrl+e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-document", Select).value = "auszaehlung"
        await settle(pilot, app)
        assert dialog.query_one("#export-format", Select).value == "csv"
        target = dialog.query_one("#export-path", Input).value
        assert target.endswith(".csv") and "engagement-in-musterstadt-ergebnis" in target
        dialog.query_one("#export-document", Select).value = "fragebogen"
        await settle(pilot, app)
        dialog.query_one("#export-format", Select).value = "md"
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, ExportDialog)
    written = tmp_path / "engagement-in-musterstadt-fragebogen.md"
    assert "In welchen Bereichen?" in written.read_text(encoding="utf-8")


async def test_status_key_starts_and_closes_and_delete_asks_first(city_db: str) -> None:
    db = Database(city_db)
    s = Surveys(db)
    draft = s.create(
        SurveyInput("Jugendbefragung", SurveyAudience.ANDERE, audience_note="Jugendliche")
    )
    db.dispose()
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_surveys(pilot, app)
        assert rows(area.table)[0][1:3] == ["Jugendliche", "Entwurf"]
        await pilot.press("S")  # no questions yet: refused with the service's reason
        await settle(pilot, app)
        assert rows(area.table)[0][2] == "Entwurf"
        stored(city_db).add_question(draft.id, QuestionInput("Wie alt bist du?", QuestionType.ZAHL))
        await pilot.press("S")
        await settle(pilot, app)
        assert rows(area.table)[0][2] == "läuft"
        await pilot.press("S")
        await settle(pilot, app)
        assert rows(area.table)[0][2] == "abgeschlossen"
        await pilot.press("x")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot, app)
        assert area.table.row_count == 1
        await pilot.press("x", "j")
        await settle(pilot, app)
        assert area.table.row_count == 0
    assert stored(city_db).list_surveys() == []


async def test_overview_lists_running_surveys_with_their_answers(city_db: str) -> None:
    build_survey(city_db, answers=4)
    db = Database(city_db)
    Surveys(db).create(SurveyInput("Noch im Entwurf", SurveyAudience.ORGANISATIONEN))
    db.dispose()
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        card = app.query_one("#overview-surveys", Static)
        assert card.display
        lines = text_of(card).splitlines()
        assert lines[0] == "Umfragen  1 läuft"
        assert lines[1].startswith("Engagement in Musterstadt")
        assert "4 Antworten" in lines[1]
        assert "Entwurf" not in text_of(card)


async def test_a_question_goes_into_the_bank_and_from_there_into_another_survey(
    city_db: str,
) -> None:
    db = Database(city_db)
    s = Surveys(db)
    organisations = s.create(SurveyInput("Vereinsbefragung", SurveyAudience.ORGANISATIONEN))
    s.add_question(
        organisations.id,
        QuestionInput("Wie zufrieden sind Sie mit dem Netzwerk?", QuestionType.SKALA),
    )
    citizens = s.create(SurveyInput("Bürgerbefragung", SurveyAudience.BUERGER))
    db.dispose()
    app = make_app(city_db)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_surveys(pilot, app)
        assert [r.id for r in area.records] == [citizens.id, organisations.id]
        await pilot.press("down", "enter")
        await settle(pilot, app)
        await pilot.press("B")
        await settle(pilot, app)
        assert app.screen.query_one("#field-key", Input).value == "wie-zufrieden-sind-sie"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        detail = text_of(app.screen.query_one("#editor-detail", Static))
        assert "mit der Fragensammlung verknüpft" in detail
        await pilot.press("escape", "up", "enter")
        await settle(pilot, app)
        editor = app.screen
        await pilot.press("b")
        await settle(pilot, app)
        bank = app.screen.query_one("#bank-table", DataTable)
        # At 80 columns the question stays whole: the type drops out, the key ends in "…".
        assert rows(bank) == [["wie-zufrieden-s…", "Wie zufrieden sind Sie mit dem Netzwerk?", "1"]]
        app.screen.query_one("#bank-section", Input).value = "Zusammenarbeit"
        bank.focus()
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is editor
        assert rows(editor.query_one("#editor-table", DataTable))[0][:4] == [
            "F1",
            "Zusammenarbeit",
            "Skala",
            "Wie zufrieden sind Sie mit dem Netzwerk?",
        ]
    both = [stored(city_db).questions(i)[0].bank_item_id for i in (organisations.id, citizens.id)]
    assert both[0] is not None and both[0] == both[1]
