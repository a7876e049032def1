"""Every form's Input says in German what is wrong: one bad value per message, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from koordination.clock import CITY_ZONE
from koordination.domain.enums import (
    CardKind,
    ConsentChannel,
    ConsentPurpose,
    DecisionResult,
    GroupRole,
    MeasureStatus,
    MinutesKind,
    QuestionType,
    ResponseStatus,
    SurveyAudience,
)
from koordination.domain.inputs.directory import (
    AffiliationInput,
    ConsentInput,
    ConsentTextInput,
    MembershipInput,
    WithdrawalInput,
    build_affiliation,
    build_consent,
    build_consent_text,
    build_membership,
    build_withdrawal,
)
from koordination.domain.inputs.fields import (
    FieldInput,
    GoalInput,
    IndicatorInput,
    MeasureInput,
    build_field,
    build_goal,
    build_indicator,
    build_measure,
    parse_number,
)
from koordination.domain.inputs.meetings import AnswerInput, MoveInput, build_answer, build_move
from koordination.domain.inputs.sittings import (
    NO_VOTE,
    CardInput,
    DecisionInput,
    HeaderInput,
    ItemInput,
    TaskInput,
    build_card,
    build_decision,
    build_header,
    build_item,
    build_task,
)
from koordination.domain.inputs.surveys import (
    CopyInput,
    QuestionInput,
    SurveyInput,
    build_copy,
    build_question,
    build_survey,
)
from koordination.domain.inputs.validation import parse_time
from koordination.errors import FieldError

TODAY = date(2026, 5, 12)
NOW = datetime(2026, 5, 12, 8, 30, tzinfo=UTC)


def messages(problems: list[FieldError]) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in problems]


def the_problem(result: tuple[Any, list[FieldError]]) -> tuple[str, str]:
    """The one problem a builder reports; it builds nothing then."""
    data, problems = result
    assert data is None
    assert len(problems) == 1, problems
    return problems[0].field, problems[0].message


# ---------------------------------------------------------------------- parsing


def test_a_time_that_is_no_time_is_named_in_german() -> None:
    assert parse_time("18 Uhr") == time(18, 0)
    with pytest.raises(ValueError) as raised:
        parse_time("25:00")
    assert str(raised.value) == "„25:00“ ist keine Uhrzeit (erwartet wird z. B. 18:00)."


def test_a_number_that_is_no_number_is_named_in_german() -> None:
    assert parse_number("1.200,5") == 1200.5
    with pytest.raises(ValueError) as raised:
        parse_number("viele")
    assert str(raised.value) == "bitte eine Zahl eingeben, z. B. 12 oder 7,5."


# ---------------------------------------------------------------------- sittings

ITEM = {"title": "Bericht", "presenter": " Anna ", "duration": "15", "public": False}


def test_an_agenda_item_is_built_from_its_fields() -> None:
    data, problems = build_item({**ITEM, "attachments": "a.pdf\n\n https://x.de \n"})
    assert problems == []
    assert data == ItemInput("Bericht", "Anna", 15, "", False, ("a.pdf", "https://x.de"))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"title": " "}, ("Titel", "darf nicht leer sein.")),
        ({"duration": "1441"}, ("Dauer (Minuten)", "bitte Minuten zwischen 0 und 1440.")),
        ({"duration": "eine Stunde"}, ("Dauer (Minuten)", "bitte Minuten zwischen 0 und 1440.")),
    ],
)
def test_an_agenda_item_names_what_is_wrong(
    values: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert the_problem(build_item({**ITEM, **values})) == expected


VOTE = {"wording": "Wir feiern.", "how": "stimmen", "yes": "7", "no": "1", "abstain": ""}


def test_a_decision_by_vote_keeps_its_counts() -> None:
    data, _ = build_decision({**VOTE, "result": DecisionResult.ANGENOMMEN})
    assert data == DecisionInput("Wir feiern.", False, 7, 1, None, DecisionResult.ANGENOMMEN)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"wording": ""}, ("Beschluss", "Bitte den genauen Wortlaut eintragen.")),
        ({"no": "-1"}, ("Nein-Stimmen", "bitte eine ganze Zahl ab 0 eingeben.")),
        ({"abstain": "zwei"}, ("Enthaltungen", "bitte eine ganze Zahl ab 0 eingeben.")),
        ({"yes": ""}, ("Abstimmung", NO_VOTE)),
    ],
)
def test_a_decision_names_what_is_wrong(values: dict[str, Any], expected: tuple[str, str]) -> None:
    assert the_problem(build_decision({**VOTE, **values})) == expected


def test_a_decision_with_a_count_that_is_no_number_asks_for_a_whole_number() -> None:
    _, problems = build_decision({**VOTE, "yes": "x"})
    assert messages(problems) == [
        ("Ja-Stimmen", "bitte eine ganze Zahl ab 0 eingeben."),
        ("Abstimmung", NO_VOTE),
    ]


def test_a_decision_in_consensus_needs_no_counts() -> None:
    data, _ = build_decision({"wording": "Ja.", "how": "konsens"})
    assert data == DecisionInput("Ja.", True, None, None, None, DecisionResult.ANGENOMMEN)


TASK = {"title": "Raum buchen", "person_id": 3, "group_id": None, "due": "01.06.2026"}


def test_a_task_is_built_from_its_fields() -> None:
    assert build_task(TASK) == (TaskInput("Raum buchen", 3, None, date(2026, 6, 1)), [])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"title": ""}, ("Aufgabe", "Bitte beschreiben, was zu tun ist.")),
        ({"person_id": None}, ("Wer", "Bitte genau eine Person oder eine Gruppe wählen.")),
        ({"group_id": 4}, ("Wer", "Bitte genau eine Person oder eine Gruppe wählen.")),
        (
            {"due": "morgen"},
            ("Fällig am", "„morgen“ ist kein Datum (erwartet wird z. B. 31.12.2026)."),
        ),
    ],
)
def test_a_task_names_what_is_wrong(values: dict[str, Any], expected: tuple[str, str]) -> None:
    assert the_problem(build_task({**TASK, **values})) == expected


def test_a_card_needs_a_text() -> None:
    assert build_card({"text": " Mehr Bänke ", "kind": CardKind.IDEE, "cluster": " Platz "}) == (
        CardInput("Mehr Bänke", CardKind.IDEE, "Platz"),
        [],
    )
    assert the_problem(build_card({"text": " "})) == ("Karte", "Bitte einen Text eintragen.")


HEADER = {"chair_id": 1, "minute_taker_id": 2, "kind": MinutesKind.ERGEBNIS}


def test_a_minutes_header_is_built_from_its_fields() -> None:
    data, _ = build_header({**HEADER, "started": "18", "ended": "19:30"})
    assert data == HeaderInput(1, 2, time(18, 0), time(19, 30), MinutesKind.ERGEBNIS)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"started": "abends"},
            ("Beginn", "„abends“ ist keine Uhrzeit (erwartet wird z. B. 18:00)."),
        ),
        ({"started": "19:00", "ended": "18:00"}, ("Ende", "muss nach dem Beginn liegen.")),
    ],
)
def test_a_minutes_header_names_what_is_wrong(
    values: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert the_problem(build_header({**HEADER, **values})) == expected


# ---------------------------------------------------------------------- meetings

MOVE = {"day": "12.05.2026", "start": "18:00", "end": "20:00", "room": " Saal "}


def test_a_moved_occurrence_is_in_the_city_zone() -> None:
    data, _ = build_move(MOVE)
    assert data == MoveInput(
        datetime(2026, 5, 12, 18, tzinfo=CITY_ZONE),
        datetime(2026, 5, 12, 20, tzinfo=CITY_ZONE),
        "",
        "Saal",
        "",
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"day": ""}, ("Neues Datum", "bitte ein Datum angeben (TT.MM.JJJJ).")),
        ({"start": ""}, ("Beginn", "bitte eine Uhrzeit angeben (HH:MM).")),
        ({"end": "24:00"}, ("Ende", "„24:00“ ist keine Uhrzeit (erwartet wird z. B. 18:00).")),
        ({"end": "17:00"}, ("Ende", "muss nach dem Beginn liegen.")),
    ],
)
def test_a_move_names_what_is_wrong(values: dict[str, Any], expected: tuple[str, str]) -> None:
    assert the_problem(build_move({**MOVE, **values})) == expected


def test_an_answer_by_hand_needs_a_person_and_applies_to_one_date_only_when_asked() -> None:
    occurrence = datetime(2026, 5, 12, 18, tzinfo=CITY_ZONE)
    answer = {"invitation_id": 9, "status": ResponseStatus.ZUGESAGT, "scope": "one"}
    assert build_answer(answer, occurrence) == (
        AnswerInput(9, ResponseStatus.ZUGESAGT, occurrence),
        [],
    )
    assert build_answer({**answer, "scope": "all"}, occurrence)[0] == AnswerInput(
        9, ResponseStatus.ZUGESAGT, None
    )
    assert the_problem(build_answer({**answer, "invitation_id": None}, occurrence)) == (
        "Person",
        "bitte eine Person wählen.",
    )


# ---------------------------------------------------------------------- surveys

SURVEY = {
    "title": "Engagement 2026",
    "audience": SurveyAudience.ANDERE,
    "audience_note": " Jugendliche ",
    "starts_on": "01.06.2026",
    "ends_on": "30.06.2026",
    "anonymous": True,
}


def test_a_survey_is_built_from_its_fields() -> None:
    data, _ = build_survey(SURVEY)
    assert data == SurveyInput(
        "Engagement 2026",
        SurveyAudience.ANDERE,
        "Jugendliche",
        date(2026, 6, 1),
        date(2026, 6, 30),
        "",
        True,
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"title": ""}, ("Titel", "darf nicht leer sein.")),
        (
            {"starts_on": "Juni"},
            ("Beginn", "„Juni“ ist kein Datum (erwartet wird z. B. 31.12.2026)."),
        ),
        (
            {"ends_on": "31.05.2026"},
            ("Zeitraum", "Das Ende (31.05.2026) liegt vor dem Beginn (01.06.2026)."),
        ),
    ],
)
def test_a_survey_names_what_is_wrong(values: dict[str, Any], expected: tuple[str, str]) -> None:
    assert the_problem(build_survey({**SURVEY, **values})) == expected


def test_a_copy_needs_a_title() -> None:
    assert build_copy({"title": "Kopie", "audience": None}) == (
        CopyInput("Kopie", SurveyAudience.ORGANISATIONEN),
        [],
    )
    assert the_problem(build_copy({"title": ""})) == ("Titel", "darf nicht leer sein.")


CHOICE = {"text": "Wie oft?", "type": QuestionType.EINFACH, "options": "oft\nselten"}
SCALE = {"text": "Wie zufrieden?", "type": QuestionType.SKALA, "scale_min": "1", "scale_max": "5"}


def test_a_question_is_built_from_its_fields() -> None:
    data, _ = build_question({**CHOICE, "code": "F9", "required": True, "breakdown": True})
    assert data == QuestionInput(
        text="Wie oft?",
        type=QuestionType.EINFACH,
        options=("oft", "selten"),
        section="",
        hint="",
        required=True,
        scale_min=None,
        scale_max=None,
        low_label="",
        high_label="",
        breakdown=True,
        condition=None,
        code="F9",
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({**CHOICE, "text": " "}, ("Fragetext", "darf nicht leer sein.")),
        (
            {**CHOICE, "options": "oft"},
            ("Antwortmöglichkeiten", "Es braucht mindestens zwei, eine pro Zeile."),
        ),
        (
            {**CHOICE, "options": "\n".join(str(i) for i in range(51))},
            ("Antwortmöglichkeiten", "Höchstens 50."),
        ),
        (
            {**CHOICE, "options": "oft\nselten\nOft"},
            ("Antwortmöglichkeiten", "„Oft“ steht doppelt in der Liste."),
        ),
        (
            {**SCALE, "scale_min": "eins"},
            ("Skala von", "bitte eine ganze Zahl eingeben, z. B. 1 oder 5."),
        ),
        ({**SCALE, "scale_max": ""}, ("Skala", "braucht einen kleinsten und größten Wert.")),
        (
            {**SCALE, "scale_max": "20"},
            (
                "Skala",
                "reicht von einem kleineren zu einem größeren Wert, "
                "mit höchstens 11 Stufen (z. B. 1 bis 5).",
            ),
        ),
        (
            {**CHOICE, "code": "F 1"},
            ("Kürzel", "höchstens 20 Buchstaben, Ziffern, Punkte oder Striche."),
        ),
    ],
)
def test_a_question_names_what_is_wrong(values: dict[str, Any], expected: tuple[str, str]) -> None:
    assert the_problem(build_question(values)) == expected


# ---------------------------------------------------------------------- action fields


def test_a_field_and_a_goal_need_a_title() -> None:
    assert build_field({"title": " Stadtteile ", "lead_group_id": 2}) == (
        FieldInput("Stadtteile", "", 2),
        [],
    )
    assert the_problem(build_field({"title": ""})) == ("Titel", "darf nicht leer sein.")
    assert build_goal({"title": "Mehr Treffpunkte"}) == (GoalInput("Mehr Treffpunkte", ""), [])
    assert the_problem(build_goal({"title": ""})) == ("Titel", "darf nicht leer sein.")


MEASURE = {
    "title": "Engagementtag",
    "status": MeasureStatus.LAUFEND,
    "progress": "40 %",
    "starts_on": "01.03.2026",
    "due_on": "01.12.2026",
    "responsible_group_id": 5,
}


def test_a_measure_is_built_from_its_fields_and_picks() -> None:
    data, _ = build_measure(MEASURE, 7, [3, 4])
    assert data == MeasureInput(
        "Engagementtag",
        "",
        MeasureStatus.LAUFEND,
        40,
        date(2026, 3, 1),
        date(2026, 12, 1),
        5,
        7,
        (3, 4),
    )


def test_a_finished_measure_is_at_one_hundred_percent() -> None:
    data, _ = build_measure({**MEASURE, "status": MeasureStatus.ABGESCHLOSSEN}, None, [])
    assert data is not None and data.progress == 100


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"title": ""}, ("Titel", "darf nicht leer sein.")),
        ({"progress": "120"}, ("Fortschritt", "ist eine ganze Zahl von 0 bis 100 (Prozent).")),
        (
            {"starts_on": "März"},
            ("Beginn", "„März“ ist kein Datum (erwartet wird z. B. 31.12.2026)."),
        ),
        (
            {"due_on": "01.01.2026"},
            ("Zeitraum", "Das Ende (01.01.2026) liegt vor dem Beginn (01.03.2026)."),
        ),
    ],
)
def test_a_measure_names_what_is_wrong(values: dict[str, Any], expected: tuple[str, str]) -> None:
    assert the_problem(build_measure({**MEASURE, **values}, None, [])) == expected


INDICATOR = {"name": "Beteiligte Vereine", "unit": "Vereine", "target_value": "15"}


def test_an_indicator_without_a_date_is_as_of_today() -> None:
    data, _ = build_indicator({**INDICATOR, "actual_value": "6"}, TODAY)
    assert data == IndicatorInput("Beteiligte Vereine", "Vereine", 15.0, 6.0, TODAY)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"name": ""}, ("Kennzahl", "darf nicht leer sein.")),
        ({"target_value": "viele"}, ("Zielwert", "bitte eine Zahl eingeben, z. B. 12 oder 7,5.")),
        ({"actual_value": "-3"}, ("Istwert", "darf nicht negativ sein.")),
        ({"measured_on": "13.05.2026"}, ("Stand vom", "liegt in der Zukunft.")),
    ],
)
def test_an_indicator_names_what_is_wrong(
    values: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert the_problem(build_indicator({**INDICATOR, **values}, TODAY)) == expected


# ---------------------------------------------------------------------- directory

CONSENT = {
    "purpose": ConsentPurpose.EINLADUNGEN,
    "version": " 2024-01 ",
    "channel": ConsentChannel.FORMULAR,
    "evidence": " Formular Nr. 17 ",
    "given_at": "12.05.2026",
}


def test_a_consent_given_today_is_given_now_and_an_earlier_one_at_noon_in_the_city() -> None:
    data, _ = build_consent(CONSENT, NOW)
    assert data == ConsentInput(
        ConsentPurpose.EINLADUNGEN, "2024-01", ConsentChannel.FORMULAR, "Formular Nr. 17", NOW
    )
    data, _ = build_consent({**CONSENT, "given_at": "11.05.2026"}, NOW)
    assert data is not None
    assert data.given_at == datetime(2026, 5, 11, 12, tzinfo=CITY_ZONE)


def test_a_consent_typed_on_the_command_line_reads_purpose_and_channel_from_german_words() -> None:
    data, problems = build_consent(
        {**CONSENT, "purpose": "Fotos", "channel": "mündlich", "given_at": ""}, NOW
    )
    assert problems == []
    assert data is not None
    assert (data.purpose, data.channel, data.given_at) == (
        ConsentPurpose.FOTOS,
        ConsentChannel.MUENDLICH,
        NOW,
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"purpose": None}, ("Zweck", "bitte einen Zweck wählen.")),
        (
            {"purpose": "Werbung"},
            (
                "Zweck",
                "„Werbung“ ist kein Zweck "
                f"(möglich: {', '.join(p.label for p in ConsentPurpose)}).",
            ),
        ),
        (
            {"version": " "},
            (
                "Fassung",
                "bitte die Fassung des Einwilligungstextes angeben, der zugestimmt wurde "
                "(aus dem Katalog der Einwilligungstexte).",
            ),
        ),
        (
            {"channel": None},
            (
                "Kanal",
                "bitte angeben, wie die Einwilligung kam (Formular, E-Mail, mündlich, Import).",
            ),
        ),
        (
            {"channel": "Brieftaube"},
            ("Kanal", "„Brieftaube“ ist kein Kanal (Formular, E-Mail, mündlich, Import)."),
        ),
        (
            {"evidence": ""},
            (
                "Nachweis",
                "bitte angeben, wo der Nachweis liegt (z. B. Formular Nr. 12, E-Mail vom "
                "03.02.2026, Gesprächsnotiz).",
            ),
        ),
        ({"given_at": "13.05.2026"}, ("Erteilt am", "liegt in der Zukunft.")),
        (
            {"given_at": "gestern"},
            ("Erteilt am", "„gestern“ ist kein Datum (erwartet wird z. B. 31.12.2026)."),
        ),
    ],
)
def test_a_consent_names_what_is_wrong(values: dict[str, Any], expected: tuple[str, str]) -> None:
    assert the_problem(build_consent({**CONSENT, **values}, NOW)) == expected


def test_a_withdrawal_needs_its_channel_and_no_future_day() -> None:
    values = {"purpose": "Einladungen", "channel": "E-Mail", "withdrawn_at": "12.05.2026"}
    assert build_withdrawal(values, NOW) == (
        WithdrawalInput(ConsentPurpose.EINLADUNGEN, ConsentChannel.EMAIL, NOW),
        [],
    )
    assert the_problem(build_withdrawal({**values, "channel": ""}, NOW)) == (
        "Kanal",
        "bitte angeben, wie der Widerruf kam (Formular, E-Mail, mündlich, Import).",
    )
    assert the_problem(build_withdrawal({**values, "withdrawn_at": "13.05.2026"}, NOW)) == (
        "Widerrufen am",
        "liegt in der Zukunft.",
    )


def test_a_catalogue_text_needs_version_wording_and_day() -> None:
    values = {
        "purpose": ConsentPurpose.FOTOS,
        "version": "2026-01",
        "wording": "Ich bin einverstanden, dass Fotos von mir veröffentlicht werden.",
        "valid_from": "01.01.2026",
    }
    data, problems = build_consent_text(values)
    assert problems == []
    assert data == ConsentTextInput(
        ConsentPurpose.FOTOS, "2026-01", values["wording"], date(2026, 1, 1)
    )
    _, problems = build_consent_text({**values, "version": "", "wording": "", "valid_from": ""})
    assert [p.field for p in problems] == ["Fassung", "Wortlaut", "Gültig ab"]


def test_a_membership_needs_a_person_and_a_date_that_is_a_date() -> None:
    member = {"person_id": 4, "role": None, "representing_id": None, "since": "01.01.2026"}
    assert build_membership(member) == (
        MembershipInput(4, GroupRole.MITGLIED, None, date(2026, 1, 1)),
        [],
    )
    assert the_problem(build_membership({**member, "person_id": None})) == (
        "Person",
        "bitte eine Person auswählen.",
    )
    assert the_problem(build_membership({**member, "since": "Januar"})) == (
        "Seit",
        "„Januar“ ist kein Datum (erwartet wird z. B. 31.12.2026).",
    )


def test_an_affiliation_needs_an_organisation_and_a_date_that_is_a_date() -> None:
    affiliation = {"organisation_id": 2, "function": " Vorstand ", "since": ""}
    assert build_affiliation(affiliation) == (AffiliationInput(2, "Vorstand", None), [])
    assert the_problem(build_affiliation({**affiliation, "organisation_id": None})) == (
        "Organisation",
        "bitte eine Organisation auswählen.",
    )
    assert the_problem(build_affiliation({**affiliation, "since": "seit immer"})) == (
        "Seit",
        "„seit immer“ ist kein Datum (erwartet wird z. B. 31.12.2026).",
    )
