"""Response files of online form tools: mapping suggested and corrected, every row checked,
all rows or none written, re-imports skip what is there already."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from koordination.db.engine import Database
from koordination.db.migrations import upgrade
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.models import SurveyAnswer, SurveyResponse
from koordination.domain.records.surveys import AnswerValue, SurveyForm
from koordination.errors import ConflictError, ImportFailed
from koordination.services.surveys.answers import answer_rows
from koordination.services.surveys.column_mapping import (
    ColumnMapping,
    describe_target,
    load_mapping,
    save_mapping,
    suggest_mapping,
)
from koordination.services.surveys.response_import import ResponseImport
from koordination.services.surveys.service import Surveys

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "surveys"
HEADER = "id;submitdate;F1;F2[SQ001];F2[SQ002];F2[SQ003];F3;F4;F5;F6;F7;F8"


def build_survey(db: Database, *, start: bool = True) -> int:
    """The questionnaire the fixture files answer (F1 … F8, F5 only when F4 = Ja)."""
    surveys = Surveys(db)
    sid = surveys.create(
        SurveyInput("Umfrage der Engagierten 2026", SurveyAudience.ORGANISATIONEN)
    ).id
    add = surveys.add_question
    add(
        sid,
        QuestionInput(
            "In welchem Sektor ist Ihre Organisation tätig?",
            QuestionType.EINFACH,
            options=("Zivilgesellschaft", "Verwaltung", "Wirtschaft"),
            required=True,
        ),
    )
    add(
        sid,
        QuestionInput(
            "Welche Angebote nutzen Sie?",
            QuestionType.MEHRFACH,
            options=("Räume", "Beratung", "Fortbildung"),
        ),
    )
    add(
        sid,
        QuestionInput(
            "Wie zufrieden sind Sie mit der Unterstützung durch die Koordinierungsstelle?",
            QuestionType.SKALA,
        ),
    )
    funded = add(
        sid, QuestionInput("Haben Sie eine Förderberatung erhalten?", QuestionType.JA_NEIN)
    )
    add(
        sid,
        QuestionInput(
            "Wer hat Sie beraten?",
            QuestionType.EINFACH,
            options=("Stadt", "Land", "Stiftung"),
            condition=(funded.id, funded.options[0].id),
        ),
    )
    add(sid, QuestionInput("Wie viele Engagierte hat Ihre Organisation?", QuestionType.ZAHL))
    add(sid, QuestionInput("Seit wann gibt es Ihre Organisation?", QuestionType.DATUM))
    add(sid, QuestionInput("Was wünschen Sie sich?", QuestionType.TEXT))
    if start:
        surveys.set_status(sid, SurveyStatus.LAEUFT)
    return sid


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def stored(db: Database, survey_id: int) -> dict[str, dict[str, object]]:
    """Every stored response by its external id: code -> answer as users read it."""
    form = Surveys(db).form(survey_id)
    labels = {o.id: o.label for q in form.questions for o in q.options}
    codes = {q.id: q.code for q in form.questions}
    result: dict[str, dict[str, object]] = {}
    with db.session() as session:
        responses = dict(
            session.execute(
                select(SurveyResponse.id, SurveyResponse.external_id).where(
                    SurveyResponse.survey_id == survey_id
                )
            ).all()
        )
        rows = session.execute(
            select(
                SurveyAnswer.response_id,
                SurveyAnswer.question_id,
                SurveyAnswer.option_id,
                SurveyAnswer.number,
                SurveyAnswer.text,
            ).order_by(SurveyAnswer.id)
        ).all()
    for ext in responses.values():
        result[str(ext)] = {}
    for rid, qid, oid, number, text in rows:
        answers = result[str(responses[rid])]
        value: object = labels[oid] if oid is not None else number if number is not None else text
        code = codes[qid]
        if code == "F2":  # the one multiple choice: its options as a list, in order
            ticked = answers.setdefault(code, [])
            assert isinstance(ticked, list)
            ticked.append(value)
        else:
            answers[code] = value
    return result


def response_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(SurveyResponse)) or 0


@pytest.fixture
def form_db(sqlite_url: str) -> Iterator[Database]:
    """A SQLite database for the pure mapping tests (no need to run them on both backends)."""
    database = Database(sqlite_url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def form(form_db: Database) -> SurveyForm:
    return Surveys(form_db).form(build_survey(form_db))


def targets(form: SurveyForm, headers: list[str]) -> list[str | None]:
    return [m.target for m in suggest_mapping(form, headers)]


# ----------------------------------------------------------------------- suggested mapping


def test_limesurvey_code_headers_map_to_questions_and_options_by_position(
    form: SurveyForm,
) -> None:
    headers = [
        "id",
        "submitdate",
        "lastpage",
        "F1",
        "F2[SQ001]",
        "F2[SQ002]",
        "F2[SQ003]",
        "F2[other]",
        "F3",
        "F4",
        "F8",
        "ipaddr",
    ]
    assert targets(form, headers) == [
        "#id",
        "#submitted",
        None,
        "F1",
        "F2=Räume",
        "F2=Beratung",
        "F2=Fortbildung",
        None,
        "F3",
        "F4",
        "F8",
        None,
    ]


def test_headers_with_code_and_text_map_by_code_also_with_label_brackets(
    form: SurveyForm,
) -> None:
    headers = [
        "Antwort ID",
        "Datum Abgeschickt",
        "F1. In welchem Sektor ist Ihre Organisation tätig?",
        "F2 [Beratung]",
        "F2[SQ003]. Welche Angebote nutzen Sie? [Fortbildung]",
        "F3: Wie zufrieden",
        "[F6] Engagierte",
        "f7",
        "F10",
    ]
    assert targets(form, headers) == [
        "#id",
        "#submitted",
        "F1",
        "F2=Beratung",
        "F2=Fortbildung",
        "F3",
        "F6",
        "F7",
        None,
    ]


def test_google_forms_headers_map_by_question_text_tolerant_of_punctuation(
    form: SurveyForm,
) -> None:
    headers = [
        "Zeitstempel",
        "In welchem Sektor ist Ihre Organisation tätig",
        "Welche Angebote nutzen Sie?",
        "Wie zufrieden sind Sie mit der Unterstützung durch die Koordinierungs..",
        "haben sie eine FÖRDERBERATUNG erhalten?",
        "Was wünschen Sie sich? (optional)",
        "E-Mail-Adresse",
    ]
    assert targets(form, headers) == ["#submitted", "F1", "F2", "F3", "F4", "F8", None]


def test_option_columns_named_by_question_text_and_label(form: SurveyForm) -> None:
    headers = [
        "Response ID",
        "Timestamp",
        "Welche Angebote nutzen Sie? [Räume]",
        "Welche Angebote nutzen Sie? [Fortbildung]",
        "Welche Angebote nutzen Sie? [Sonstiges]",
    ]
    assert targets(form, headers) == ["#id", "#submitted", "F2=Räume", "F2=Fortbildung", None]


def test_each_question_is_suggested_for_one_column_only(form: SurveyForm) -> None:
    assert targets(form, ["F1", "In welchem Sektor ist Ihre Organisation tätig?", "F2"]) == [
        "F1",
        None,
        "F2",
    ]
    # A question answered option by option is not also offered a whole column
    assert targets(form, ["F2[SQ001]", "Welche Angebote nutzen Sie?"]) == ["F2=Räume", None]


def test_targets_read_as_code_and_text(form: SurveyForm) -> None:
    assert describe_target(form, "F2=Räume") == "F2 = Räume – Welche Angebote nutzen Sie?"
    assert describe_target(form, "F8") == "F8 – Was wünschen Sie sich?"
    assert "nicht importiert" in describe_target(form, None)


# ------------------------------------------------------------------------ mapping files


def test_mapping_file_round_trips(tmp_path: Path) -> None:
    mapping = [ColumnMapping("Spalte 1", "F3"), ColumnMapping("Räume?", "F2=Räume")]
    mapping.append(ColumnMapping("ipaddr", None))
    save_mapping(mapping, tmp_path / "zuordnung.json")
    assert load_mapping(tmp_path / "zuordnung.json") == mapping
    text = (tmp_path / "zuordnung.json").read_text(encoding="utf-8")
    assert '"Räume?": "F2=Räume"' in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "gibt es nicht"),
        (b"Spalte;Frage\nF1;F1\n", "kein gültiges JSON (Zeile 1"),
        (b'["F1", "F2"]', "muss ein JSON-Objekt sein"),
        (b'{"Sektor": 3}', "bei „Sektor“ 3"),
        (b"\xff\xfe\x00\x00garbage", "keine Textdatei"),
    ],
)
def test_bad_mapping_files_are_rejected_in_german(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "zuordnung.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFailed) as err:
        load_mapping(path)
    assert expected in err.value.message


# ------------------------------------------------------------------------------ importing


def test_limesurvey_export_with_option_columns_is_imported(db: Database) -> None:
    sid = build_survey(db)
    report = ResponseImport(db).run(sid, FIXTURES / "limesurvey_codes.csv")
    assert (report.imported, report.skipped, report.incomplete) == (3, 0, 1)
    assert any("„F2[other]“" in w and "nicht importiert" in w for w in report.warnings)
    assert any("(Zeile 4)" in w and "nicht abgeschickt" in w for w in report.warnings)
    answers = stored(db, sid)
    assert answers["11"] == {
        "F1": "Zivilgesellschaft",
        "F2": ["Räume", "Fortbildung"],
        "F3": 4.0,
        "F4": "Ja",
        "F5": "Stadt",
        "F6": 25.0,
        "F7": "1998-03-01",
        "F8": "Mehr Treffen am Abend",
    }
    assert answers["12"] == {
        "F1": "Verwaltung",
        "F2": ["Beratung"],
        "F3": 5.0,
        "F4": "Nein",
        "F6": 1250.0,
        "F7": "2001-05-17",
    }
    assert answers["14"]["F8"] == "Ein Text\nüber zwei Zeilen"
    with db.session() as session:
        response = session.scalars(
            select(SurveyResponse).where(SurveyResponse.external_id == "11")
        ).one()
        assert response.source is ResponseSource.IMPORT
        # LimeSurvey writes the city's wall-clock time: 10:22 in September is 08:22 UTC
        assert response.submitted_at == datetime(2026, 9, 14, 8, 22, 3, tzinfo=UTC)
    assert Surveys(db).get(sid).response_count == 3


def test_rows_are_written_as_the_survey_service_writes_them(db: Database) -> None:
    sid = build_survey(db)
    ResponseImport(db).run(sid, FIXTURES / "limesurvey_codes.csv")
    form = Surveys(db).form(sid)
    q = {question.code: question for question in form.questions}
    with db.session() as session:
        rid = session.scalar(select(SurveyResponse.id).where(SurveyResponse.external_id == "11"))
        assert rid is not None
        written = session.execute(
            select(
                SurveyAnswer.response_id,
                SurveyAnswer.question_id,
                SurveyAnswer.option_id,
                SurveyAnswer.number,
                SurveyAnswer.text,
            )
            .where(SurveyAnswer.response_id == rid)
            .order_by(SurveyAnswer.id)
        ).all()
    answers: dict[int, AnswerValue | None] = {
        q["F1"].id: q["F1"].options[0].id,
        q["F2"].id: frozenset({q["F2"].options[2].id, q["F2"].options[0].id}),
        q["F3"].id: 4,
        q["F4"].id: q["F4"].options[0].id,
        q["F5"].id: q["F5"].options[0].id,
        q["F6"].id: 25,
        q["F7"].id: datetime(1998, 3, 1).date(),
        q["F8"].id: "Mehr Treffen am Abend",
    }
    expected = [tuple(r.values()) for r in answer_rows(form, rid, answers)]
    assert [tuple(r) for r in written] == expected


def test_limesurvey_full_text_export_with_ja_and_nicht_gewaehlt(db: Database) -> None:
    sid = build_survey(db)
    report = ResponseImport(db).run(sid, FIXTURES / "limesurvey_volltext.csv")
    assert report.imported == 2
    mapped = {m.column: m.target for m in report.mapping}
    assert mapped["Welche Angebote nutzen Sie? [Beratung]"] == "F2=Beratung"
    assert mapped["Antwort ID"] == "#id"
    answers = stored(db, sid)
    assert answers["21"]["F2"] == ["Räume", "Fortbildung"]
    assert answers["21"]["F5"] == "Stiftung"
    assert "F2" not in answers["22"]  # nothing ticked is no answer


def test_google_forms_file_with_one_column_multiple_choice(db: Database) -> None:
    sid = build_survey(db)
    report = ResponseImport(db).run(sid, FIXTURES / "google_forms.csv")
    assert report.imported == 2
    assert any("Antwort-ID" in w and "doppelt" in w for w in report.warnings)
    assert any("„E-Mail-Adresse“" in w for w in report.warnings)
    with db.session() as session:
        stamps = sorted(session.scalars(select(SurveyResponse.submitted_at)))
    assert stamps[0] == datetime(2026, 9, 14, 8, 22, 3, tzinfo=UTC)
    form = Surveys(db).form(sid)
    f2 = form.by_code("F2")
    assert f2 is not None
    labels = {o.id: o.label for o in f2.options}
    with db.session() as session:
        chosen = session.scalars(
            select(SurveyAnswer.option_id)
            .where(SurveyAnswer.question_id == f2.id)
            .order_by(SurveyAnswer.id)
        ).all()
    # Response 1 ticked "Räume, Fortbildung", response 2 "Beratung"
    assert [labels[oid] for oid in chosen if oid is not None] == [
        "Räume",
        "Fortbildung",
        "Beratung",
    ]


def test_german_excel_file_in_windows_1252_with_semicolons(db: Database) -> None:
    sid = build_survey(db)
    report = ResponseImport(db).run(sid, FIXTURES / "excel_cp1252.csv")
    assert report.imported == 2
    answers = stored(db, sid)
    assert answers["A-1"]["F8"] == "Größere Räume für Vereine"
    assert answers["A-1"]["F2"] == ["Räume", "Beratung"]
    assert answers["A-1"]["F6"] == 1250.0
    assert answers["A-1"]["F7"] == "1998-03-01"
    assert answers["A-2"]["F6"] == 3.5
    assert answers["A-2"]["F8"] == "Weniger Bürokratie bei Förderanträgen – bitte!"


def test_one_column_multiple_choice_accepts_semicolons_commas_and_numbers(
    db: Database, tmp_path: Path
) -> None:
    sid = build_survey(db)
    path = write(
        tmp_path / "mehrfach.csv",
        "id;F1;F2\n1;Verwaltung;Räume; Beratung\n2;Verwaltung;Beratung, Fortbildung\n"
        "3;Verwaltung;1 3\n".replace("Räume; Beratung", '"Räume; Beratung"'),
    )
    assert ResponseImport(db).run(sid, path).imported == 3
    answers = stored(db, sid)
    assert answers["1"]["F2"] == ["Räume", "Beratung"]
    assert answers["2"]["F2"] == ["Beratung", "Fortbildung"]
    assert answers["3"]["F2"] == ["Räume", "Fortbildung"]


def test_submission_times_in_the_formats_tools_write(db: Database, tmp_path: Path) -> None:
    sid = build_survey(db)
    stamps = {
        "1": ("2026-09-14 10:22:03", datetime(2026, 9, 14, 8, 22, 3, tzinfo=UTC)),  # LimeSurvey
        "2": ("14.09.2026 10:22:03", datetime(2026, 9, 14, 8, 22, 3, tzinfo=UTC)),  # Google
        "3": ("9/14/2026 10:22:03", datetime(2026, 9, 14, 8, 22, 3, tzinfo=UTC)),  # in English
        "4": ("14.01.26, 09:05 Uhr", datetime(2026, 1, 14, 8, 5, tzinfo=UTC)),  # winter time
        "5": ("2026-09-14T10:22:03Z", datetime(2026, 9, 14, 10, 22, 3, tzinfo=UTC)),  # ISO, UTC
    }
    rows = "".join(f"{n};{text};Verwaltung\n" for n, (text, _at) in stamps.items())
    ResponseImport(db).run(sid, write(tmp_path / "zeiten.csv", f"id;Timestamp;F1\n{rows}"))
    with db.session() as session:
        stored_at = dict(
            session.execute(select(SurveyResponse.external_id, SurveyResponse.submitted_at)).all()
        )
    assert stored_at == {n: at for n, (_text, at) in stamps.items()}


# ------------------------------------------------------------------------ rows with errors


def test_one_broken_row_imports_nothing_and_names_row_column_and_reason(
    db: Database, tmp_path: Path
) -> None:
    sid = build_survey(db)
    path = write(
        tmp_path / "kaputt.csv",
        f"{HEADER}\n"
        "1;2026-09-14 10:00:00;Verwaltung;Y;;;4;Nein;;3;;\n"
        "2;2026-09-14 10:01:00;Verwaltung;;;;7;Nein;;3;;\n"
        "3;2026-09-14 10:02:00;Verwaltung;;;;5;Nein;;3;;\n",
    )
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path)
    assert err.value.problems[0].line == 3
    assert err.value.problems[0].column == "F3"
    assert "„7“ liegt nicht auf der Skala von 1 bis 5" in err.value.problems[0].reason
    assert "Zeile 3, Spalte „F3“: „7“ liegt nicht auf der Skala" in err.value.message
    assert "nicht importiert" in err.value.message
    assert response_count(db) == 0


def test_every_problem_is_reported_with_its_spreadsheet_line(db: Database, tmp_path: Path) -> None:
    sid = build_survey(db)
    path = write(
        tmp_path / "fehler.csv",
        f"{HEADER}\n"
        '1;2026-09-14 10:00:00;;;;;3;Nein;;;;"zwei\nZeilen"\n'  # F1 is required (line 2)
        "2;gestern;Politik;vielleicht;;;3;Nein;Stadt;viele;31.02.2026;\n"  # line 4
        "2;2026-09-14 10:02:00;Verwaltung;;;;;Nein;;;;\n",  # line 5: the id again
    )
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path)
    found = {(p.line, p.column): p.reason for p in err.value.problems}
    assert found[(2, "F1")] == "F1 ist eine Pflichtfrage."
    assert "kein Zeitpunkt" in found[(4, "submitdate")]
    assert "„Politik“ ist keine der Antworten (1 = Zivilgesellschaft" in found[(4, "F1")]
    assert "„vielleicht“" in found[(4, "F2[SQ001]")] and "Räume" in found[(4, "F2[SQ001]")]
    assert "keine Zahl" in found[(4, "F6")]
    assert "kein Datum" in found[(4, "F7")]
    assert "schon in Zeile 4" in found[(5, "id")]
    assert response_count(db) == 0


def test_answer_to_a_question_its_condition_hides_is_a_problem(
    db: Database, tmp_path: Path
) -> None:
    sid = build_survey(db)
    path = write(
        tmp_path / "bedingung.csv",
        f"{HEADER}\n1;2026-09-14 10:00:00;Verwaltung;;;;;Nein;Land;;;\n",
    )
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path)
    problem = err.value.problems[0]
    assert (problem.line, problem.column) == (2, "F5")
    assert "wird aber nur gestellt, wenn F4 = Ja" in problem.reason


def test_a_file_full_of_errors_stops_after_a_thousand(db: Database, tmp_path: Path) -> None:
    sid = build_survey(db)
    rows = "".join(f"{n};2026-09-14 10:00:00;Politik;;;;9;;;;;\n" for n in range(1, 800))
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, write(tmp_path / "falsch.csv", f"{HEADER}\n{rows}"))
    assert len(err.value.problems) == 1000
    assert "abgebrochen" in err.value.message
    assert "… und 950 weitere Fehler" in err.value.message


# -------------------------------------------------------------- dry run and re-imports


def test_dry_run_reports_but_changes_nothing(db: Database) -> None:
    sid = build_survey(db)
    report = ResponseImport(db).run(sid, FIXTURES / "limesurvey_codes.csv", dry_run=True)
    assert (report.imported, report.dry_run) == (3, True)
    assert report.summary().startswith("Probelauf, nichts gespeichert")
    assert response_count(db) == 0


def test_reimport_skips_responses_imported_before(db: Database, tmp_path: Path) -> None:
    sid = build_survey(db)
    first = f"{HEADER}\n1;2026-09-14 10:00:00;Verwaltung;Y;;;4;Nein;;3;;\n"
    importer = ResponseImport(db)
    assert importer.run(sid, write(tmp_path / "teil1.csv", first)).imported == 1
    both = first + "2;2026-09-14 11:00:00;Wirtschaft;;Y;;5;Ja;Land;;;\n"
    report = importer.run(sid, write(tmp_path / "teil2.csv", both))
    assert (report.imported, report.skipped) == (1, 1)
    assert "1 schon früher importiert und übersprungen" in report.summary()
    assert sorted(stored(db, sid)) == ["1", "2"]
    again = importer.run(sid, tmp_path / "teil2.csv")
    assert (again.imported, again.skipped) == (0, 2)
    assert response_count(db) == 2


def test_imported_ids_continue_after_entered_responses_on_both_backends(
    db: Database, tmp_path: Path
) -> None:
    sid = build_survey(db)
    surveys = Surveys(db)
    f1 = surveys.form(sid).questions[0]
    entered = surveys.submit(sid, {f1.id: f1.options[0].id}, source=ResponseSource.PAPIER)
    ResponseImport(db).run(
        sid, write(tmp_path / "a.csv", f"{HEADER}\n1;2026-09-14 10:00:00;Verwaltung;;;;;;;;;\n")
    )
    later = surveys.submit(sid, {f1.id: f1.options[1].id}, source=ResponseSource.PAPIER)
    assert entered < later
    assert surveys.response_count(sid) == 3


def test_progress_counts_checking_and_writing(db: Database, tmp_path: Path) -> None:
    sid = build_survey(db)
    rows = "".join(f"{n};2026-09-14 10:00:00;Verwaltung;;;;4;;;;;\n" for n in range(1, 2501))
    calls: list[tuple[int, int]] = []
    report = ResponseImport(db).run(
        sid,
        write(tmp_path / "viele.csv", f"{HEADER}\n{rows}"),
        progress=lambda d, t: calls.append((d, t)),
    )
    assert report.imported == 2500
    assert calls[-1] == (5000, 5000)
    assert all(d <= t for d, t in calls)
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)


# ------------------------------------------------------------------ mapping corrections


def test_mapping_corrects_a_suggestion_and_the_rest_is_suggested(
    db: Database, tmp_path: Path
) -> None:
    sid = build_survey(db)
    # "Anmerkungen" matches no question; the mapping names it, everything else is suggested
    path = write(
        tmp_path / "korrektur.csv",
        "id;F1;F3;Anmerkungen;F8\n1;Verwaltung;4;Bitte mehr Räume;Danke\n",
    )
    importer = ResponseImport(db)
    assert importer.preview(sid, path).mapping[3] == ColumnMapping("Anmerkungen", None)
    mapping = [ColumnMapping("Anmerkungen", "F8"), ColumnMapping("F8", None)]
    report = importer.run(sid, path, mapping)
    assert {m.column: m.target for m in report.mapping} == {
        "id": "#id",
        "F1": "F1",
        "F3": "F3",
        "Anmerkungen": "F8",
        "F8": None,
    }
    assert stored(db, sid)["1"]["F8"] == "Bitte mehr Räume"


def test_mapping_to_an_unknown_question_fails_before_reading_rows(
    db: Database, tmp_path: Path
) -> None:
    sid = build_survey(db)
    path = write(tmp_path / "a.csv", "id;F1;X\n1;Verwaltung;4\n")
    bad = [ColumnMapping("X", "F99"), ColumnMapping("F1", "F1=Räume")]
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path, bad)
    message = err.value.message
    assert "Zeile 1, Spalte „X“: „F99“ ist keine Frage dieser Umfrage (Fragen: F1, F2" in message
    assert "nur bei einer Mehrfachauswahl" in message
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path, [ColumnMapping("X", "F2=Garten")])
    assert "„Garten“ ist keine Antwortmöglichkeit von F2 (möglich: Räume, Beratung" in str(
        err.value
    )
    assert response_count(db) == 0


def test_mapping_targets_are_read_case_and_spelling_tolerantly(
    db: Database, tmp_path: Path
) -> None:
    sid = build_survey(db)
    path = write(tmp_path / "a.csv", "Nr;Sektor;Raum?;Beratung?\n7;Verwaltung;x;\n")
    mapping = [
        ColumnMapping("Nr", "#ID"),
        ColumnMapping("Sektor", "f1"),
        ColumnMapping("Raum?", "F2=räume"),
        ColumnMapping("Beratung?", "F2=2"),
    ]
    report = ResponseImport(db).run(sid, path, mapping)
    assert [m.target for m in report.mapping] == ["#id", "F1", "F2=Räume", "F2=Beratung"]
    assert stored(db, sid)["7"]["F2"] == ["Räume"]


def test_two_columns_for_one_question_are_refused(db: Database, tmp_path: Path) -> None:
    sid = build_survey(db)
    path = write(tmp_path / "a.csv", "F1;Sektor;F2;Räume\nVerwaltung;Verwaltung;;\n")
    importer = ResponseImport(db)
    # A mapping that takes a question for one column keeps it from the suggestion of another
    taken = importer.resolve_mapping(sid, path, [ColumnMapping("Sektor", "F1")])
    assert [m.target for m in taken] == [None, "F1", "F2", None]
    with pytest.raises(ImportFailed) as err:
        importer.run(sid, path, [ColumnMapping("Sektor", "F1"), ColumnMapping("F1", "F1")])
    assert "Zeile 1, Spalte „Sektor“: Diese Spalte und die Spalte „F1“ sind beide „F1“" in str(
        err.value
    )
    with pytest.raises(ImportFailed) as err:
        importer.run(sid, path, [ColumnMapping("Räume", "F2=Räume"), ColumnMapping("F2", "F2")])
    assert "sowohl als ganze Spalte als auch" in str(err.value)


def test_required_question_without_a_column_fails_before_reading_rows(
    db: Database, tmp_path: Path
) -> None:
    sid = build_survey(db)
    path = write(tmp_path / "a.csv", "id;F3\n1;4\n")
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path)
    assert "Die Pflichtfrage F1 „In welchem Sektor" in err.value.message
    assert "keiner Spalte zugeordnet" in err.value.message


def test_file_matching_no_question_asks_for_a_mapping(db: Database, tmp_path: Path) -> None:
    sid = build_survey(db)
    path = write(tmp_path / "a.csv", "Vorname;Nachname\nAnna;Schmidt\n")
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path)
    assert "Keine Spalte der Datei ist einer Frage der Umfrage zugeordnet" in err.value.message


# ------------------------------------------------------------------- files and surveys


def test_preview_shows_headers_suggestion_and_row_count(db: Database) -> None:
    sid = build_survey(db)
    headers, mapping, rows = ResponseImport(db).preview(sid, FIXTURES / "limesurvey_codes.csv")
    assert headers[:3] == ["id", "submitdate", "lastpage"]
    assert mapping[5] == ColumnMapping("F1", "F1")
    assert rows == 4


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("fehlt.csv", None, "gibt es nicht"),
        ("leer.csv", b"", "ist leer"),
        ("bild.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "keine Textdatei"),
        ("mappe.csv", b"PK\x03\x04xlsx", "Excel- oder LibreOffice-Tabelle"),
        ("kopf.csv", b"id;F1\n", "enthält keine Antworten"),
    ],
)
def test_missing_or_garbage_files_are_rejected_in_german(
    db: Database, tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    sid = build_survey(db)
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFailed) as err:
        ResponseImport(db).run(sid, path)
    assert expected in err.value.message
    assert response_count(db) == 0


def test_draft_survey_refuses_imports(db: Database) -> None:
    sid = build_survey(db, start=False)
    with pytest.raises(ConflictError, match="noch ein Entwurf"):
        ResponseImport(db).run(sid, FIXTURES / "limesurvey_codes.csv")


def test_closed_survey_still_takes_imported_responses(db: Database) -> None:
    sid = build_survey(db)
    Surveys(db).set_status(sid, SurveyStatus.ABGESCHLOSSEN)
    assert ResponseImport(db).run(sid, FIXTURES / "excel_cp1252.csv").imported == 2


def test_saved_mapping_file_drives_the_import(db: Database, tmp_path: Path) -> None:
    sid = build_survey(db)
    path = write(tmp_path / "a.csv", "Lfd;Bereich;Note\n5;Wirtschaft;2\n")
    (tmp_path / "z.json").write_text(
        json.dumps({"Lfd": "#id", "Bereich": "F1", "Note": "F3"}), encoding="utf-8"
    )
    report = ResponseImport(db).run(sid, path, load_mapping(tmp_path / "z.json"))
    assert report.imported == 1
    assert stored(db, sid)["5"] == {"F1": "Wirtschaft", "F3": 2.0}
