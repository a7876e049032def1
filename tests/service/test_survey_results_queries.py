"""All results of a survey are counted in the database: grouped passes over the answers (on
SQLite one per question with figures per group, so two connections can share them out; on
PostgreSQL one for all of them), the breakdown's groups counted in the same passes, one for the
multiple choices' respondents, one per date question for its months; only free texts come to
Python as they are (one array per question). So the statements do not grow with the responses."""

from __future__ import annotations

from sqlalchemy import event
from support.surveys import small_survey, submit_answers

from koordination.db.engine import Database
from koordination.services.surveys.results import Evaluation


def _answer_selects(db: Database, sid: int) -> list[str]:
    statements: list[str] = []

    def record(*args: object) -> None:
        sql = str(args[2])
        if sql.lstrip().startswith("SELECT") and "survey_answer" in sql:
            statements.append(" ".join(sql.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        results = Evaluation(db).results(sid, published=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert results.response_count > 0
    # Two connections may share the statements out, in either order.
    return sorted(statements)


def test_results_count_in_grouped_queries_that_do_not_grow_with_the_responses(
    db: Database,
) -> None:
    sid = small_survey(db)
    submit_answers(db, sid, 2)
    few = _answer_selects(db, sid)
    submit_answers(db, sid, 5)
    many = _answer_selects(db, sid)
    assert few == many
    # Choices, scales and numbers grouped by the database, the breakdown's groups counted
    # alongside (count FILTER per group): on SQLite the multiple choice, the scale and the
    # number each in a pass of its own, on PostgreSQL together; the breakdown question, the
    # date and the text (no figures per group) in one more pass. Then the multiple choice's
    # respondents; the months of the date question; the free texts, the only answers read
    # as they are.
    per_group = 3 if db.is_sqlite else 1
    assert len(many) == per_group + 4
    grouped = [
        sql for sql in many if "GROUP BY survey_answer.question_id, survey_answer.option_id" in sql
    ]
    assert len(grouped) == per_group + 1
    assert len([sql for sql in grouped if "FILTER (WHERE" in sql]) == per_group
    rows = [sql for sql in many if "GROUP BY" not in sql and "count(" not in sql]
    assert len(rows) == 1 and "survey_answer.text" in rows[0]
