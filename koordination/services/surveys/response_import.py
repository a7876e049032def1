"""Importing survey responses from online form tools (LimeSurvey, Google Forms, …) as CSV.

One row per response, one column per question (or one column per option of a multiple choice).
Which column is which question is suggested from the headers and can be corrected; every row is
checked first, and only a file without problems is written, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.db import audit
from koordination.db.engine import Database
from koordination.db.errors import CHANGED_ELSEWHERE
from koordination.domain.enums import QuestionType, ResponseSource, SurveyStatus
from koordination.domain.models import (
    QuestionOption,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from koordination.domain.records.surveys import QuestionRecord, SurveyForm
from koordination.errors import ConflictError, ImportFailed
from koordination.services.directory.imports.bulk import (
    CHUNK,
    Bulk,
    enum_checks_skipped,
    gc_paused,
    indexes_rebuilt,
    new_ids,
    table_of,
    write_failed,
)
from koordination.services.directory.imports.report import PROGRESS_EVERY, Progress
from koordination.services.surveys.column_mapping import ColumnMapping, suggest_mapping
from koordination.services.surveys.response_reader import (
    ResponseReader,
    plan_columns,
    read_responses,
    reader_failed,
)
from koordination.services.surveys.service import Surveys


class ResponsePreview(NamedTuple):
    """What a file holds before anything is imported: its headers, the suggested mapping
    and the number of responses (data rows)."""

    headers: list[str]
    mapping: list[ColumnMapping]
    rows: int


@dataclass(frozen=True)
class ResponseImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    imported: int
    #: Rows whose response id was imported before: left alone.
    skipped: int
    mapping: tuple[ColumnMapping, ...]
    warnings: tuple[str, ...] = ()
    #: Rows without a single answer, or not submitted (LimeSurvey's incomplete responses).
    incomplete: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        """One German sentence for the status line or the terminal."""
        parts = [f"{self.imported} {'Antwort' if self.imported == 1 else 'Antworten'}"]
        if self.skipped:
            parts.append(f"{self.skipped} schon früher importiert und übersprungen")
        if self.incomplete:
            parts.append(f"{self.incomplete} unvollständig und übersprungen")
        if self.dry_run:
            return f"Probelauf, nichts gespeichert – so würde importiert: {', '.join(parts)}."
        return f"Importiert: {', '.join(parts)}."


# ------------------------------------------------------------------------------ writing

# How a question's parsed answer becomes survey_answer rows, as answers.answer_rows writes them.
_OPTION, _MULTIPLE, _NUMBER, _DATE, _TEXT = range(5)


def _row_kind(question: QuestionRecord) -> int:
    kind = question.type
    if kind is QuestionType.MEHRFACH:
        return _MULTIPLE
    if kind.has_options:
        return _OPTION
    if kind.is_numeric:
        return _NUMBER
    if kind is QuestionType.DATUM:
        return _DATE
    return _TEXT


_RESPONSE_COLUMNS = (
    "id",
    "survey_id",
    "submitted_at",
    "source",
    "external_id",
    "person_id",
    "contact",
)
_ANSWER_COLUMNS = ("response_id", "question_id", "option_id", "number", "text")


class ResponseImport:
    """Import of response files into one survey: all rows or none. A survey still in draft
    takes no responses, so every method refuses it with a German message."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    def _form(self, survey_id: int) -> SurveyForm:
        """The questionnaire, if it takes answers: a draft does not."""
        form = Surveys(self.db).form(survey_id)
        if form.survey.status is SurveyStatus.ENTWURF:
            raise ConflictError(
                f"Die Umfrage „{form.survey.title}“ ist noch ein Entwurf. Bitte sie zuerst "
                "starten; erst dann können Antworten importiert werden."
            )
        return form

    def preview(
        self, survey_id: int, path: Path | str, sheet: str | None = None
    ) -> ResponsePreview:
        """The file's headers, the suggested mapping and its number of responses."""
        path = Path(path)
        form = self._form(survey_id)
        table = read_responses(path, sheet)
        count = sum(1 for _line, cells in table.rows if any(c.strip() for c in cells))
        return ResponsePreview(table.headers, suggest_mapping(form, table.headers), count)

    def resolve_mapping(
        self,
        survey_id: int,
        path: Path | str,
        mapping: Sequence[ColumnMapping] | None = None,
        sheet: str | None = None,
    ) -> list[ColumnMapping]:
        """The mapping an import of ``path`` would use (``mapping`` where it names a column,
        suggested for the rest), checked against the questionnaire; reads the header only."""
        form = self._form(survey_id)
        return plan_columns(form, read_responses(Path(path), sheet), mapping).mapping

    def run(
        self,
        survey_id: int,
        path: Path | str,
        mapping: Sequence[ColumnMapping] | None = None,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        sheet: str | None = None,
    ) -> ResponseImportReport:
        """Import every response of the file, or none.

        Every row is checked first; any problem raises :class:`ImportFailed` naming row
        (spreadsheet line, header = 1), column and reason, and nothing is written. Rows whose
        response id ("#id") was imported before are skipped. ``progress(done, total)`` counts
        every row once when checked and once when written.
        """
        path = Path(path)
        form = self._form(survey_id)
        table = read_responses(path, sheet)
        plan = plan_columns(form, table, mapping)
        try:
            with gc_paused(), self.db.bulk_session() as session:
                if not dry_run:
                    self.db.serialise_bulk_write(session)
                known: set[str] = set()
                if plan.id_at is not None:
                    known = set(
                        session.scalars(
                            select(SurveyResponse.external_id).where(
                                SurveyResponse.survey_id == survey_id,
                                SurveyResponse.external_id.is_not(None),
                            )
                        )
                    )
                reader = ResponseReader(form, plan, known, progress)
                reader.read(table.rows, max(table.fmt.lines - table.line, 1))
                if reader.problems:
                    raise reader_failed(reader)
                if reader.rows == 0:
                    raise ImportFailed(
                        f"Die Datei {path.name} enthält keine Antworten, nur die Kopfzeile."
                    )
                total = len(reader.values)
                report = ResponseImportReport(
                    imported=total,
                    skipped=reader.skipped,
                    mapping=tuple(plan.mapping),
                    warnings=reader.warnings.result(),
                    incomplete=len(reader.incomplete),
                    dry_run=dry_run,
                )
                if dry_run or not total:
                    session.rollback()
                    if progress is not None:
                        progress(2 * reader.rows, 2 * reader.rows)
                    return report
                _check_unchanged(session, form)
                conn = session.connection()
                # Answers to write (a multiple choice counted once): a city's file gets the
                # answer indexes built once at the end instead of row by row.
                answers = sum(len(row) - row.count(None) for row in reader.values)
                with (
                    enum_checks_skipped(conn),
                    indexes_rebuilt(conn, table_of(SurveyAnswer), answers),
                ):
                    self._write(conn, form, survey_id, reader, progress)
                del reader
                # Bulk rows bypass the audit listener: one entry for the whole file.
                audit.log(
                    session,
                    "import",
                    "survey_response",
                    None,
                    owner=("survey", survey_id),
                    changes={"Datei": [None, path.name], "Antworten": [None, total]},
                )
        except (IntegrityError, DBAPIError) as exc:
            raise write_failed(exc) from exc
        if total >= PROGRESS_EVERY:
            self.db.after_bulk_write()
        return report

    def _write(
        self,
        conn: Any,
        form: SurveyForm,
        survey_id: int,
        reader: ResponseReader,
        progress: Progress | None,
    ) -> None:
        total = len(reader.values)
        responses = Bulk(conn, table_of(SurveyResponse), _RESPONSE_COLUMNS)
        answers = Bulk(conn, table_of(SurveyAnswer), _ANSWER_COLUMNS)
        ids = new_ids(conn, table_of(SurveyResponse), total)
        now = self.clock.now()
        source = responses.value("source", ResponseSource.IMPORT)
        stamp_value = responses.value
        kinds = [(q.id, _row_kind(q), tuple(o.id for o in q.options)) for q in form.questions]
        values, stamps, external = reader.values, reader.stamps, reader.external
        for start in range(0, total, CHUNK):
            end = min(start + CHUNK, total)
            chunk = ids[start:end]
            moments = [stamp_value("submitted_at", stamp or now) for stamp in stamps[start:end]]
            responses.run(
                [
                    (rid, survey_id, moment, source, ext, None, "")
                    for rid, moment, ext in zip(chunk, moments, external[start:end], strict=True)
                ]
            )
            answers.run(_answer_rows(kinds, chunk, values[start:end]))
            if progress is not None:
                progress(total + end, 2 * total)


def _check_unchanged(session: Session, form: SurveyForm) -> None:
    """Refuse in German when the survey, one of the questions or options read for the check
    was deleted meanwhile: the write would otherwise store answers to nothing (the import's
    transaction skips SQLite's foreign-key checks)."""
    questions = [q.id for q in form.questions]
    options = [o.id for q in form.questions for o in q.options]
    found = session.execute(
        select(
            select(func.count()).where(Survey.id == form.survey.id).scalar_subquery(),
            select(func.count()).where(SurveyQuestion.id.in_(questions)).scalar_subquery(),
            select(func.count()).where(QuestionOption.id.in_(options)).scalar_subquery(),
        )
    ).one()
    if tuple(found) != (1, len(questions), len(options)):
        raise ConflictError(CHANGED_ELSEWHERE)


def _answer_rows(
    kinds: Sequence[tuple[int, int, tuple[int, ...]]],
    ids: Sequence[int],
    values: Sequence[tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    """The survey_answer rows of a run of responses, question by question (a column of
    values at a time, so each value is dispatched once per question, not once per cell).
    Within a response the rows still follow the question order, and a multiple choice's
    ticks the option order, as answers.answer_rows writes them."""
    rows: list[tuple[Any, ...]] = []
    add = rows.extend
    for (qid, kind, order), column in zip(kinds, zip(*values, strict=True), strict=True):
        given = [(rid, v) for rid, v in zip(ids, column, strict=True) if v is not None]
        if kind == _OPTION:
            add([(rid, qid, v, None, None) for rid, v in given])
        elif kind == _NUMBER:
            add([(rid, qid, None, float(v), None) for rid, v in given])
        elif kind == _MULTIPLE:
            add([(rid, qid, oid, None, None) for rid, v in given for oid in order if oid in v])
        elif kind == _DATE:
            add([(rid, qid, None, None, v.isoformat()) for rid, v in given])
        else:
            add([(rid, qid, None, None, v) for rid, v in given])
    return rows
