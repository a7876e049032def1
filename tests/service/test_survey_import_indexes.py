"""A large response import builds the answer indexes once at the end (SQLite): afterwards
they are exactly the indexes of before, the answers are all there and found through them, and
an import that fails gives them back with its rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, func, inspect, select

from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, SurveyAudience, SurveyStatus
from koordination.domain.inputs.surveys import QuestionInput, SurveyInput
from koordination.domain.models import SurveyAnswer
from koordination.errors import KoordinationError
from koordination.services.directory.imports import bulk
from koordination.services.surveys.response_import import ResponseImport
from koordination.services.surveys.results import Evaluation
from koordination.services.surveys.service import Surveys

SECTORS = ("Zivilgesellschaft", "Verwaltung", "Wirtschaft")


def _survey(db: Database) -> int:
    surveys = Surveys(db)
    sid = surveys.create(SurveyInput("Umfrage 2026", SurveyAudience.ORGANISATIONEN)).id
    surveys.add_question(sid, QuestionInput("Sektor?", QuestionType.EINFACH, options=SECTORS))
    surveys.add_question(sid, QuestionInput("Wie viele Engagierte?", QuestionType.ZAHL))
    surveys.set_status(sid, SurveyStatus.LAEUFT)
    return sid


def _file(tmp_path: Path, rows: int) -> Path:
    lines = ["id;submitdate;F1;F2"]
    for n in range(1, rows + 1):
        lines.append(f"{n};2026-09-01 10:{n % 60:02d}:00;{SECTORS[n % 3]};{n}")
    path = tmp_path / "antworten.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _indexes(db: Database) -> list[tuple[str | None, tuple[str | None, ...]]]:
    return sorted(
        (ix["name"], tuple(ix["column_names"]))
        for ix in inspect(db.engine).get_indexes("survey_answer")
    )


def test_a_large_import_leaves_the_answer_indexes_as_they_were(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10)  # a city's file, in small
    sid = _survey(db)
    before = _indexes(db)
    assert len(before) == 2
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        report = ResponseImport(db).run(sid, _file(tmp_path, 60))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert report.imported == 60
    if db.is_sqlite:  # PostgreSQL keeps its indexes while the rows go in
        assert sum(sql.startswith("DROP INDEX") for sql in statements) == 2
        assert sum(sql.startswith("CREATE INDEX") for sql in statements) == 2
    assert _indexes(db) == before
    results = Evaluation(db).results(sid, published=False)
    sector = results.questions[0]
    assert [o.count for o in sector.options] == [20, 20, 20]
    assert results.questions[1].stats is not None and results.questions[1].stats.maximum == 60
    with db.session() as session:
        question = sector.id
        count = select(func.count()).where(SurveyAnswer.question_id == question)
        assert session.scalar(count) == 60


def test_a_failed_large_import_gives_the_indexes_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10)
    sid = _survey(db)
    before = _indexes(db)
    importer = ResponseImport(db)

    def broken(*args: object, **kwargs: object) -> None:
        raise KoordinationError("Die Platte ist voll.")

    monkeypatch.setattr(importer, "_write", broken)
    with pytest.raises(KoordinationError):
        importer.run(sid, _file(tmp_path, 60))
    assert _indexes(db) == before
    assert Evaluation(db).results(sid).response_count == 0
