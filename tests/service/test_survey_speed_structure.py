"""Why a city's survey imports and evaluates quickly, held without timing anything.

The import hands SQLite hundreds of answers per INSERT statement (the driver's row-by-row
executemany cost more than the insert itself) and builds the rows question by question, yet
each response's answers keep the order a keyboard entry writes. The results count every
choice, scale and number in passes over the covering answer index (one per question with figures
per group, each over its own range of the index), looking each answer's breakdown group up by
the response's row id, without sorting anything.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import event, select
from support.pool import foreign_keys_everywhere

from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.models import SurveyAnswer, SurveyResponse
from koordination.errors import ConflictError, ImportFailed
from koordination.services.surveys import response_reader
from koordination.services.surveys.answers import parse_answer
from koordination.services.surveys.response_import import ResponseImport
from koordination.services.surveys.results import Evaluation
from koordination.services.surveys.service import Surveys

SECTORS = ("Zivilgesellschaft", "Verwaltung", "Wirtschaft")
OFFERS = ("Räume", "Beratung", "Newsletter")
RESPONSES = 500
_ROW = re.compile(r"\((?:\?|%s)")


def _survey(db: Database) -> int:
    surveys = Surveys(db)
    sid = surveys.create(SurveyInput("Umfrage 2026", SurveyAudience.ORGANISATIONEN)).id
    t = QuestionType
    for question in (
        QuestionInput("Sektor?", t.EINFACH, options=SECTORS, breakdown=True),
        QuestionInput("Welche Angebote?", t.MEHRFACH, options=OFFERS),
        QuestionInput("Wie zufrieden?", t.SKALA),
        QuestionInput("Seit wann?", t.DATUM),
        QuestionInput("Was wünschen Sie sich?", t.TEXT),
    ):
        surveys.add_question(sid, question)
    surveys.set_status(sid, SurveyStatus.LAEUFT)
    return sid


def _cells(n: int) -> list[str]:
    """One response's answers as a form tool writes them; some left empty."""
    offers = ", ".join(o for i, o in enumerate(OFFERS) if (n >> i) & 1)
    return [
        SECTORS[n % 3],
        offers,
        str(n % 5 + 1) if n % 7 else "",
        f"{n % 28 + 1:02d}.{n % 12 + 1:02d}.2020",
        f"Wunsch {n}" if n % 4 == 0 else "",
    ]


def _file(tmp_path: Path) -> Path:
    lines = ["id;submitdate;F1;F2;F3;F4;F5"]
    for n in range(1, RESPONSES + 1):
        lines.append(f"{n};2026-09-01 10:{n % 60:02d}:00;" + ";".join(_cells(n)))
    path = tmp_path / "antworten.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _answers_in_order(db: Database, response_id: int) -> list[tuple[object, ...]]:
    a = SurveyAnswer
    with db.session() as session:
        rows = session.execute(
            select(a.question_id, a.option_id, a.number, a.text)
            .where(a.response_id == response_id)
            .order_by(a.id)
        )
        return [tuple(row) for row in rows]


def test_the_import_sends_the_database_many_answers_per_statement_in_the_entry_order(
    db: Database, tmp_path: Path
) -> None:
    sid = _survey(db)
    single_rows = 0
    widest = 0

    def record(_conn, _cursor, sql, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
        nonlocal single_rows, widest
        if not str(sql).startswith("INSERT INTO survey_answer"):
            return
        rows = len(_ROW.findall(str(sql)))  # "(?, …)" on SQLite, "(%s::INTEGER, …)" on PostgreSQL
        widest = max(widest, rows)
        if rows == 1:
            single_rows += len(parameters) if executemany else 1

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        report = ResponseImport(db).run(sid, _file(tmp_path))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert report.imported == RESPONSES
    # Hundreds of rows per statement; only the rest of each run of responses goes one by one.
    assert widest >= 150
    with db.session() as session:
        total = (
            session.scalar(select(SurveyAnswer.id).order_by(SurveyAnswer.id.desc()).limit(1)) or 0
        )
    assert total > 2 * RESPONSES
    assert single_rows < widest
    # Each response's answers in the order a keyboard entry writes them: by question, and
    # a multiple choice's ticks in the order of its options.
    surveys = Surveys(db)
    form = surveys.form(sid)
    with db.session() as session:
        imported = {
            external: rid
            for external, rid in session.execute(
                select(SurveyResponse.external_id, SurveyResponse.id).where(
                    SurveyResponse.survey_id == sid
                )
            )
        }
    for n in (1, 7, 8, 28, 499):
        answers = {q.id: parse_answer(q, v) for q, v in zip(form.questions, _cells(n), strict=True)}
        typed = surveys.submit(sid, answers, source=ResponseSource.PAPIER)
        assert _answers_in_order(db, imported[str(n)]) == _answers_in_order(db, typed)


def test_the_results_count_each_question_over_its_range_of_the_covering_index_without_sorting(
    db: Database, tmp_path: Path
) -> None:
    if not db.is_sqlite:
        pytest.skip("the plan asked here is SQLite's")
    sid = _survey(db)
    ResponseImport(db).run(sid, _file(tmp_path))
    plans: dict[str, list[str]] = {}

    def explain(_conn, cursor, sql, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        text = " ".join(str(sql).split())
        if text.startswith("SELECT") and "survey_answer" in text:
            rows = cursor.connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)
            plans[f"{text} {parameters}"] = [str(row[3]) for row in rows]

    event.listen(db.engine, "before_cursor_execute", explain)
    try:
        results = Evaluation(db).results(sid, published=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", explain)
    assert results.response_count == RESPONSES
    grouped = {
        sql: plan
        for sql, plan in plans.items()
        if "GROUP BY survey_answer.question_id, survey_answer.option_id" in sql
    }
    # The multiple choice and the scale in a pass each (their figures per sector), the
    # sector, the date and the free text in one more.
    assert len(grouped) == 3
    for sql, steps in grouped.items():
        # The answers read from the index alone, in the order it groups them (no sorter), and,
        # where counted per group, each answer's group found by the response's row id in the
        # temporary table.
        assert any("USING COVERING INDEX ix_survey_answer_question" in s for s in steps), steps
        assert not any("TEMP B-TREE" in s or s.startswith("SCAN") for s in steps), steps
        looked_up = any(
            s.startswith("SEARCH response_groups USING INTEGER PRIMARY KEY") for s in steps
        )
        assert looked_up == ("FILTER (WHERE" in sql), (sql, steps)
    # A multiple choice's respondents: "did this response tick anything" from the response
    # index alone.
    respondents = [plan for sql, plan in plans.items() if "EXISTS" in sql]
    assert respondents
    for steps in respondents:
        assert any("COVERING INDEX ix_survey_answer_response" in s for s in steps), steps


def test_the_import_checks_foreign_keys_itself_and_leaves_them_on(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's per-answer foreign-key lookups are off while the import writes (its ids are
    its own or the questionnaire's); every connection has them back afterwards, also after a
    failed import, and a questionnaire changed since it was read refuses the file."""
    if not db.is_sqlite:
        pytest.skip("PostgreSQL keeps its foreign-key checks")
    sid = _survey(db)
    path = _file(tmp_path)
    importer = ResponseImport(db)
    stale = importer._form(sid)
    # A channel of the questionnaire deleted after it was read: the import notices.
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "DELETE FROM question_option WHERE id = ?", (stale.questions[1].options[2].id,)
        )
    monkeypatch.setattr(importer, "_form", lambda _sid: stale)
    with pytest.raises(ConflictError) as refused:
        importer.run(sid, path)
    assert "von jemand anderem geändert" in str(refused.value)
    assert Evaluation(db).results(sid).response_count == 0
    assert foreign_keys_everywhere(db) == [1, 1, 1]
    monkeypatch.undo()
    report = ResponseImport(db).run(_survey(db), path)
    assert report.imported == RESPONSES
    assert foreign_keys_everywhere(db) == [1, 1, 1]
    with db.session() as session:
        orphans = session.execute(
            select(SurveyAnswer.id)
            .outerjoin(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.id.is_(None))
        ).all()
    assert orphans == []


def _statements(db: Database, sid: int) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, sql, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(str(sql))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        Evaluation(db).results(sid)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _counting(statements: list[str]) -> list[str]:
    """The statements that count: without the connections' read starts and the making and
    dropping of their temporary response → group tables."""
    setup = ("BEGIN", "SELECT count(*) FROM sqlite_master", "PRAGMA", "DROP", "INSERT OR IGNORE")
    return [
        sql
        for sql in statements
        if not sql.strip().startswith(setup) and "CREATE TEMPORARY" not in sql
    ]


def test_the_results_count_the_respondents_of_three_multiple_choices_in_one_statement(
    db: Database, tmp_path: Path
) -> None:
    """All multiple choices' respondents come from one pass over the responses; a multiple
    choice added costs only its grouped pass (on SQLite, where each question with figures
    per group has one)."""
    sid = _survey(db)
    ResponseImport(db).run(sid, _file(tmp_path))
    one = _statements(db, sid)
    surveys = Surveys(db)
    for text in ("Was nutzen Sie noch?", "Was vermissen Sie?"):
        surveys.add_question(sid, QuestionInput(text, QuestionType.MEHRFACH, options=OFFERS))
    three = _statements(db, sid)
    assert len([sql for sql in one if "EXISTS" in sql]) == 1
    assert len([sql for sql in three if "EXISTS" in sql]) == 1
    # Each connection that takes a part with group figures makes its response → group table
    # first: whether the second one does depends on which thread takes which part.
    counting_one, counting_three = _counting(one), _counting(three)
    assert len(counting_three) == len(counting_one) + (2 if db.is_sqlite else 0)
    results = Evaluation(db).results(sid, published=False)
    assert [q.respondents for q in results.questions if q.type is QuestionType.MEHRFACH] == [
        RESPONSES - RESPONSES // 8,  # every response but those ticking nothing (n % 8 == 0)
        0,
        0,
    ]


def test_the_import_asks_check_answers_once_per_pattern_of_required_and_conditional_answers(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows that differ only in optional answers share one verdict; rows that differ in a
    required or conditional answer, or in the answer a condition looks at, get their own."""
    surveys = Surveys(db)
    sid = surveys.create(SurveyInput("Förderung 2026", SurveyAudience.ORGANISATIONEN)).id
    t = QuestionType
    surveys.add_question(sid, QuestionInput("Sektor?", t.EINFACH, options=SECTORS, required=True))
    funded = surveys.add_question(sid, QuestionInput("Gefördert?", t.JA_NEIN, required=True))
    surveys.add_question(
        sid,
        QuestionInput(
            "Von wem?",
            t.TEXT,
            required=True,
            condition=(funded.id, funded.options[0].id),
        ),
    )
    surveys.add_question(sid, QuestionInput("Wie zufrieden?", t.SKALA))
    surveys.set_status(sid, SurveyStatus.LAEUFT)
    rows = []
    for n in range(1, 301):  # 300 fine rows with every optional answer there is
        rows.append(
            f"{n};{SECTORS[n % 3]};{'Ja' if n % 2 else 'Nein'};"
            f"{'Stadt' if n % 2 else ''};{n % 5 + 1 if n % 3 else ''}"
        )
    rows.append("301;;Nein;;2")  # line 302: the required sector missing
    rows.append("302;Verwaltung;Nein;Land;3")  # line 303: answered although hidden
    rows.append("303;Verwaltung;Ja;;4")  # line 304: shown and required, not answered
    rows.append("304;Wirtschaft;Nein;;")  # line 305: fine again
    path = tmp_path / "foerderung.csv"
    path.write_text("id;F1;F2;F3;F4\n" + "\n".join(rows) + "\n", encoding="utf-8")
    asked = 0
    check = response_reader.check_answers

    def counted(*args: object) -> object:
        nonlocal asked
        asked += 1
        return check(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(response_reader, "check_answers", counted)
    with pytest.raises(ImportFailed) as refused:
        ResponseImport(db).run(sid, path)
    found = sorted((p.line, p.column, p.reason) for p in refused.value.problems)
    assert [(line, column) for line, column, _ in found] == [
        (302, "F1"),
        (303, "F3"),
        (304, "F3"),
    ]
    assert found[0][2] == "F1 ist eine Pflichtfrage."
    assert "wird aber nur gestellt, wenn F2 = Ja" in found[1][2]
    assert found[2][2] == "F3 ist eine Pflichtfrage."
    # Fine rows: answered with Ja and a funder, or with Nein and none (two patterns);
    # then the three faulty ones.
    assert asked == 5
