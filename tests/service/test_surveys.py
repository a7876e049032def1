"""Surveys on SQLite and PostgreSQL: questionnaires, the version rule, conditions, answers,
per-option counting, small-cell suppression, comparison across audiences, snapshots."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import BankItemInput, QuestionInput, SurveyInput
from koordination.domain.records.surveys import AnswerValue, SurveyForm, results_to_dict
from koordination.errors import ConflictError, NotFoundError, ValidationError
from koordination.services.surveys.answers import AnswerProblem, parse_answer, parse_number
from koordination.services.surveys.results import Evaluation
from koordination.services.surveys.service import Surveys


def _survey(db: Database, audience: SurveyAudience = SurveyAudience.ORGANISATIONEN) -> SurveyForm:
    surveys = Surveys(db)
    survey = surveys.create(SurveyInput("Engagement in Wiesenbrück", audience))
    bank = {b.key: b for b in surveys.bank()}
    if "bedarf" not in bank:
        surveys.create_bank_item(
            BankItemInput(
                "bedarf",
                "Was braucht das Ehrenamt in der Stadt am meisten?",
                QuestionType.MEHRFACH,
                options=("Räume", "Geld", "Anerkennung", "Nachwuchs"),
            )
        )
        bank = {b.key: b for b in surveys.bank()}
    surveys.add_question(
        survey.id,
        QuestionInput(
            "In welchem Bereich sind Sie tätig?",
            QuestionType.EINFACH,
            options=("Sport", "Kultur", "Soziales"),
            required=True,
            breakdown=True,
            section="Über Sie",
        ),
    )
    surveys.add_from_bank(survey.id, bank["bedarf"].id, section="Bedarf")
    surveys.add_question(
        survey.id,
        QuestionInput(
            "Wie zufrieden sind Sie mit der Zusammenarbeit?",
            QuestionType.SKALA,
            low_label="gar nicht",
            high_label="sehr",
        ),
    )
    yes_no = surveys.add_question(
        survey.id, QuestionInput("Kooperieren Sie mit Schulen?", QuestionType.JA_NEIN)
    )
    surveys.add_question(
        survey.id,
        QuestionInput(
            "Mit welchen?", QuestionType.TEXT, condition=(yes_no.id, yes_no.options[0].id)
        ),
    )
    surveys.set_status(survey.id, SurveyStatus.LAEUFT)
    return surveys.form(survey.id)


def _answer(form: SurveyForm, *texts: str) -> dict[int, AnswerValue | None]:
    return {q.id: parse_answer(q, t) for q, t in zip(form.questions, texts, strict=False)}


def _submit(db: Database, form: SurveyForm, *texts: str) -> int:
    return Surveys(db).submit(form.survey.id, _answer(form, *texts), source=ResponseSource.PAPIER)


def test_typed_answers_read_numbers_labels_and_german_decimals(db: Database) -> None:
    form = _survey(db)
    area, need, scale, yes_no, _ = form.questions
    assert parse_answer(area, "2") == area.options[1].id
    assert parse_answer(area, "soziales") == area.options[2].id
    assert parse_answer(need, "1 3") == frozenset({need.options[0].id, need.options[2].id})
    assert parse_answer(need, "Räume; Nachwuchs") == frozenset(
        {need.options[0].id, need.options[3].id}
    )
    assert parse_answer(yes_no, "j") == yes_no.options[0].id
    assert parse_answer(scale, "4") == 4
    assert parse_answer(scale, "") is None
    assert parse_number("1.250,5") == 1250.5
    assert parse_number("3,5") == 3.5
    assert parse_number("3.5") == 3.5
    with pytest.raises(AnswerProblem, match="nicht auf der Skala von 1 bis 5"):
        parse_answer(scale, "7")
    with pytest.raises(AnswerProblem, match="keine der Antworten"):
        parse_answer(area, "Feuerwehr")


def test_required_and_conditional_questions_are_checked_and_nothing_saved(db: Database) -> None:
    form = _survey(db)
    surveys = Surveys(db)
    with pytest.raises(ValidationError) as err:
        _submit(db, form, "", "1", "3", "nein", "Grundschule Nord")
    messages = str(err.value)
    assert "F1: ist eine Pflichtfrage" in messages
    assert "F5: ist beantwortet, wird aber nur gestellt, wenn F4 = Ja" in messages
    assert surveys.response_count(form.survey.id) == 0
    _submit(db, form, "1", "1", "3", "ja", "Grundschule Nord")
    assert surveys.response_count(form.survey.id) == 1


def test_a_draft_takes_no_answers_and_an_anonymous_survey_no_person(db: Database) -> None:
    surveys = Surveys(db)
    draft = surveys.create(SurveyInput("Entwurf", SurveyAudience.BUERGER))
    question = surveys.add_question(draft.id, QuestionInput("Alter?", QuestionType.ZAHL))
    with pytest.raises(ConflictError, match="Entwurf"):
        surveys.submit(draft.id, {question.id: 30}, source=ResponseSource.PAPIER)
    surveys.set_status(draft.id, SurveyStatus.LAEUFT)
    with pytest.raises(ValidationError, match="anonym"):
        surveys.submit(draft.id, {question.id: 30}, source=ResponseSource.PAPIER, contact="a@b.de")
    with pytest.raises(ValidationError, match="leer"):
        surveys.submit(draft.id, {}, source=ResponseSource.PAPIER)
    surveys.set_status(draft.id, SurveyStatus.ABGESCHLOSSEN)
    with pytest.raises(ConflictError, match="abgeschlossen"):
        surveys.submit(draft.id, {question.id: 30}, source=ResponseSource.KIOSK)
    # Paper forms that arrive late can still be typed in.
    surveys.submit(draft.id, {question.id: 30}, source=ResponseSource.PAPIER)


def test_a_survey_is_updated_from_the_record_it_was_read_as_and_a_stale_one_is_refused(
    db: Database,
) -> None:
    surveys = Surveys(db)
    original = surveys.create(SurveyInput("Entwurf", SurveyAudience.BUERGER))
    data = SurveyInput(" Bürgerbefragung ", SurveyAudience.BUERGER, ends_on=date(2026, 6, 30))
    saved = surveys.update(original, data)
    assert (saved.title, saved.ends_on, saved.anonymous) == (
        "Bürgerbefragung",
        date(2026, 6, 30),
        True,
    )
    with pytest.raises(ConflictError, match="inzwischen an anderer Stelle geändert"):
        surveys.update(original, SurveyInput("Zu spät", SurveyAudience.BUERGER))
    backwards = SurveyInput(
        "Rückwärts", SurveyAudience.BUERGER, starts_on=date(2026, 7, 1), ends_on=date(2026, 6, 1)
    )
    with pytest.raises(ValidationError, match="liegt vor dem Beginn"):
        surveys.update(saved, backwards)
    assert surveys.get(original.id).title == "Bürgerbefragung"


def test_a_question_with_answers_changes_meaning_only_by_a_new_version(db: Database) -> None:
    form = _survey(db)
    surveys = Surveys(db)
    need = form.questions[1]
    as_read = QuestionInput.from_record(need)
    # Without answers, anything may change.
    surveys.update_question(need, replace(as_read, text="Was braucht das Ehrenamt am meisten?"))
    _submit(db, form, "1", "1 2", "4", "nein")
    with pytest.raises(ConflictError, match="neue Fassung"):
        surveys.update_question(need, replace(as_read, options=("Räume", "Geld")))
    with pytest.raises(ConflictError, match="Fragetext"):
        surveys.update_question(need, replace(as_read, text="Was fehlt?"))
    # Harmless changes stay allowed.
    assert surveys.update_question(need, replace(as_read, hint="Mehrere Antworten möglich")).hint
    new = surveys.new_version(
        need, replace(as_read, options=("Räume", "Geld", "Anerkennung", "Digitales"))
    )
    assert (new.code, new.version) == ("F2", 2)
    current = surveys.form(form.survey.id)
    assert [q.label for q in current.questions][1] == "F2 (Fassung 2)"
    everything = surveys.questions(form.survey.id, include_retired=True)
    old = next(q for q in everything if q.id == need.id)
    assert old.retired and old.answer_count == 1
    results = Evaluation(db).results(form.survey.id, published=False)
    old_result = next(q for q in results.questions if q.id == need.id)
    assert old_result.retired and [o.count for o in old_result.options] == [1, 1, 0, 0]


def test_multiple_choice_is_counted_per_option_never_per_combination(db: Database) -> None:
    form = _survey(db)
    for ticked in ("1 2", "1 2", "1", "2 3", "1 2 3 4", "4"):
        _submit(db, form, "1", ticked, "3", "nein")
    results = Evaluation(db).results(form.survey.id, published=False)
    need = results.questions[1]
    assert need.respondents == 6
    assert [(o.label, o.count) for o in need.options] == [
        ("Räume", 4),
        ("Geld", 4),
        ("Anerkennung", 2),
        ("Nachwuchs", 2),
    ]
    # Shares are of the respondents, so they add up to more than 100 %.
    assert [o.percent for o in need.options] == [66.7, 66.7, 33.3, 33.3]
    assert results_to_dict(results)["questions"][1]["options"][0] == {
        "label": "Räume",
        "count": 4,
        "percent": 66.7,
    }


def test_small_cells_are_suppressed_in_published_results_only(db: Database) -> None:
    form = _survey(db)
    # Scale: 6 × 4, 5 × 5, 3 × 2 — the 2 is a small cell; as the cells add up to the total,
    # the next smallest (5) is hidden too, so the 3 cannot be worked out.
    for value in ["4"] * 6 + ["5"] * 5 + ["2"] * 3:
        _submit(db, form, "1", "", value, "nein")
    _submit(db, form, "2", "", "", "ja", "Realschule")
    evaluation = Evaluation(db)
    published = evaluation.results(form.survey.id)
    scale = published.questions[2]
    assert [(o.label, o.count) for o in scale.options] == [
        ("1 – gar nicht", 0),
        ("2", None),
        ("3", 0),
        ("4", 6),
        ("5 – sehr", None),
    ]
    assert scale.stats is not None and scale.stats.median == 4
    # The extremes would single out one respondent: only internally.
    assert (scale.stats.minimum, scale.stats.maximum) == (None, None)
    # 14 × Sport, 1 × Kultur: with the total of 15 known, showing 14 would reveal the 1.
    area = published.questions[0]
    assert area.respondents == 15
    assert [(o.label, o.count) for o in area.options] == [
        ("Sport", None),
        ("Kultur", None),
        ("Soziales", 0),
    ]
    text = published.questions[4]
    # One answer only: nothing but the fact, not even how many (1–4).
    assert text.suppressed and text.texts == () and text.respondents is None
    assert results_to_dict(published)["questions"][4]["respondents"] is None
    internal = evaluation.results(form.survey.id, published=False)
    assert [o.count for o in internal.questions[2].options] == [0, 3, 0, 6, 5]
    internal_stats = internal.questions[2].stats
    assert internal_stats is not None and (internal_stats.minimum, internal_stats.maximum) == (2, 5)
    assert internal.questions[4].texts == ("Realschule",)


def test_results_break_down_by_sector_question_with_suppression(db: Database) -> None:
    form = _survey(db)
    for _ in range(6):
        _submit(db, form, "1", "1", "5", "nein")
    for _ in range(2):
        _submit(db, form, "2", "2", "1", "nein")
    results = Evaluation(db).results(form.survey.id)
    assert results.breakdown_by == "In welchem Bereich sind Sie tätig?"
    scale = results.questions[2]
    sport, kultur, soziales = scale.breakdown
    assert (sport.group, sport.respondents, sport.stats and sport.stats.mean) == ("Sport", 6, 5)
    assert kultur.respondents is None  # two organisations: too few to show
    assert soziales.respondents is None and all(o.count is None for o in soziales.options)


def test_two_audiences_are_compared_on_their_shared_bank_questions(db: Database) -> None:
    organisations = _survey(db)
    citizens_draft = Surveys(db).copy(
        organisations.survey.id, "Bürgerbefragung", SurveyAudience.BUERGER
    )
    Surveys(db).set_status(citizens_draft.id, SurveyStatus.LAEUFT)
    citizens = Surveys(db).form(citizens_draft.id)
    for _ in range(5):
        _submit(db, organisations, "1", "1", "3", "nein")
    for _ in range(10):
        _submit(db, citizens, "2", "2 4", "3", "nein")
    comparison = Evaluation(db).compare([organisations.survey.id, citizens.survey.id])
    assert [r.audience for r in comparison.surveys] == [
        "Organisationen und Vereine",
        "Bürgerinnen und Bürger",
    ]
    (shared,) = comparison.questions  # only the bank question is shared
    assert shared.text == "Was braucht das Ehrenamt in der Stadt am meisten?"
    orgs, people = shared.results
    assert [o.percent for o in orgs.options] == [100.0, 0.0, 0.0, 0.0]
    assert [o.percent for o in people.options] == [0.0, 100.0, 0.0, 100.0]


def test_a_copy_keeps_questions_conditions_and_bank_links_but_no_answers(db: Database) -> None:
    form = _survey(db)
    _submit(db, form, "1", "1", "3", "ja", "Gymnasium")
    copy = Surveys(db).copy(form.survey.id)
    copied = Surveys(db).form(copy.id)
    assert copy.status is SurveyStatus.ENTWURF and copy.response_count == 0
    assert [q.text for q in copied.questions] == [q.text for q in form.questions]
    assert copied.questions[1].bank_item_id == form.questions[1].bank_item_id
    condition = copied.questions[4]
    assert copied.condition_label(condition) == "Nur wenn F4 = Ja"
    assert condition.condition_question_id == copied.questions[3].id


def test_a_snapshot_freezes_the_results_with_their_date(db: Database) -> None:
    form = _survey(db)
    for _ in range(5):
        _submit(db, form, "3", "3", "2", "nein")
    evaluation = Evaluation(db)
    snapshot = evaluation.publish(form.survey.id, stand=date(2026, 9, 15), by="Koordination")
    _submit(db, form, "3", "3", "2", "nein")  # a late answer does not change the snapshot
    frozen = evaluation.snapshot_results(form.survey.id, date(2026, 9, 15))
    assert frozen.stand == date(2026, 9, 15) and frozen.fingerprint == snapshot.fingerprint
    assert frozen.response_count == 5
    assert evaluation.results(form.survey.id).response_count == 6
    with pytest.raises(NotFoundError, match=r"keinen veröffentlichten Stand vom 01\.01\.2026"):
        evaluation.snapshot_results(form.survey.id, date(2026, 1, 1))


def test_raw_answers_carry_no_person_data(db: Database) -> None:
    form = _survey(db)
    _submit(db, form, "1", "1 3", "4", "ja", "Grundschule Nord")
    headers, rows = Evaluation(db).raw_answers(form.survey.id)
    assert headers == ["Nr.", "Quelle", "Eingegangen", "F1", "F2", "F3", "F4", "F5"]
    (row,) = list(rows)
    assert row[1:2] + row[3:] == [
        "Papier",
        "Sport",
        "Räume; Anerkennung",
        "4",
        "Ja",
        "Grundschule Nord",
    ]


def test_questions_move_but_not_before_the_question_they_depend_on(db: Database) -> None:
    form = _survey(db)
    surveys = Surveys(db)
    with pytest.raises(ValidationError, match="F5 hängt von F4 ab"):
        surveys.move_question(form.questions[4].id, -1)
    moved = surveys.move_question(form.questions[2].id, -1)
    assert [q.code for q in moved] == ["F1", "F3", "F2", "F4", "F5"]


def test_the_demo_city_has_both_surveys_one_closed_with_a_published_snapshot(
    demo_city: Database,
) -> None:
    db = demo_city
    surveys = {s.audience: s for s in Surveys(db).list_surveys()}
    organisations = surveys[SurveyAudience.ORGANISATIONEN]
    citizens = surveys[SurveyAudience.BUERGER]
    assert 50 <= organisations.response_count <= 70
    assert 350 <= citizens.response_count <= 450
    assert organisations.status is SurveyStatus.ABGESCHLOSSEN
    assert citizens.status is SurveyStatus.LAEUFT
    evaluation = Evaluation(db)
    frozen = evaluation.snapshot_results(organisations.id)
    assert frozen.stand == date(2026, 7, 15) and frozen.published
    comparison = evaluation.compare([organisations.id, citizens.id])
    assert len(comparison.questions) == 2


def _every_type(db: Database) -> SurveyForm:
    """One question of each type; the first (single choice) is the breakdown question."""
    surveys = Surveys(db)
    survey = surveys.create(SurveyInput("Jede Frageart", SurveyAudience.BUERGER))
    surveys.add_question(
        survey.id,
        QuestionInput("Stadtteil?", QuestionType.EINFACH, options=("Nord", "Süd"), breakdown=True),
    )
    surveys.add_question(
        survey.id, QuestionInput("Was fehlt?", QuestionType.MEHRFACH, options=("Räume", "Geld"))
    )
    surveys.add_question(survey.id, QuestionInput("Wie zufrieden?", QuestionType.SKALA))
    surveys.add_question(survey.id, QuestionInput("Engagiert?", QuestionType.JA_NEIN))
    surveys.add_question(survey.id, QuestionInput("Stunden im Monat?", QuestionType.ZAHL))
    surveys.add_question(survey.id, QuestionInput("Seit wann?", QuestionType.DATUM))
    surveys.add_question(survey.id, QuestionInput("Was wünschen Sie sich?", QuestionType.TEXT))
    surveys.set_status(survey.id, SurveyStatus.LAEUFT)
    return surveys.form(survey.id)


_ALL_ANSWERED = ("1", "1 2", "3", "ja", "4", "01.03.2026", "Mehr Räume")


@pytest.mark.parametrize("answers", [4, 5])
def test_published_results_hide_every_question_type_below_five_answers_and_show_five(
    db: Database, answers: int
) -> None:
    """The suppression edge: exactly 4 answers are hidden, exactly 5 are shown."""
    form = _every_type(db)
    for _ in range(answers):
        _submit(db, form, *_ALL_ANSWERED)
    published = Evaluation(db).results(form.survey.id)
    assert len(published.questions) == len(QuestionType)
    for question in published.questions:
        if answers == 4:
            assert question.suppressed, question.text
            assert question.respondents is None, question.text
            assert question.texts == (), question.text
            assert all(o.count is None for o in question.options), question.text
            assert question.stats is None or question.stats.mean is None, question.text
        else:
            assert not question.suppressed, question.text
            assert question.respondents == 5, question.text
    if answers == 5:
        shown = {q.text: q for q in published.questions}
        assert shown["Was wünschen Sie sich?"].texts == ("Mehr Räume",) * 5
        assert [o.count for o in shown["Stadtteil?"].options] == [5, 0]
        assert [o.count for o in shown["Was fehlt?"].options] == [5, 5]
    internal = Evaluation(db).results(form.survey.id, published=False)
    assert all(q.respondents == answers for q in internal.questions)


@pytest.mark.parametrize("in_group", [4, 5])
def test_a_breakdown_cell_of_four_is_hidden_and_of_five_is_shown(
    db: Database, in_group: int
) -> None:
    form = _every_type(db)
    for _ in range(6):
        _submit(db, form, *_ALL_ANSWERED)
    south = ("2", *_ALL_ANSWERED[1:])
    for _ in range(in_group):
        _submit(db, form, *south)
    published = Evaluation(db).results(form.survey.id)
    broken_down = [q for q in published.questions if q.breakdown]
    assert [q.text for q in broken_down] == [
        "Was fehlt?",
        "Wie zufrieden?",
        "Engagiert?",
        "Stunden im Monat?",
    ]
    for question in broken_down:
        north, south_row = question.breakdown
        assert north.respondents == 6, question.text
        if in_group == 4:
            assert south_row.respondents is None, question.text
            assert all(o.count is None for o in south_row.options), question.text
        else:
            assert south_row.respondents == 5, question.text
