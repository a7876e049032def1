"""Reading a response file row by row: the columns planned against the survey's questions,
every cell checked, every problem collected with its line and column (nothing is written)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from koordination.clock import CITY_ZONE
from koordination.domain.enums import QuestionType, fold
from koordination.domain.inputs.validation import parse_datetime
from koordination.domain.records.surveys import AnswerValue, QuestionRecord, SurveyForm
from koordination.errors import FieldError, ImportFailed, ImportProblem
from koordination.services.directory.imports.cells import clean_cell
from koordination.services.directory.imports.report import PROGRESS_EVERY, Progress, Warnings
from koordination.services.surveys.answers import (
    AnswerProblem,
    check_answers,
    is_empty,
    is_yes,
    parse_answer,
)
from koordination.services.surveys.column_mapping import (
    ID,
    SUBMITTED,
    ColumnMapping,
    clean_header,
    option_by_label,
    option_target,
    suggest_targets,
)
from koordination.services.tables.model import TableFormat
from koordination.services.tables.reader import records, sniff

#: A file with this many problems is not read further: the first ones tell what is wrong.
MAX_PROBLEMS = 1000
#: Longest response id the database keeps (survey_response.external_id).
MAX_EXTERNAL_ID = 100


_ISO_STAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?"
)
_GERMAN_STAMP = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}),?(?:\s+(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\s*Uhr)?)?"
)
_US_STAMP = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


class _Bad:
    """A cell that cannot be read, remembered with its German reason (parse results are cached
    per distinct cell, and so are their problems)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


@dataclass
class ColumnPlan:
    """Where the file's columns go, resolved against the questionnaire."""

    headers: list[str]
    mapping: list[ColumnMapping]
    #: (cell index, question index, header) of whole-question columns
    single: list[tuple[int, int, str]] = field(default_factory=list)
    #: question index -> [(cell index, option id, folded option label, header)]
    options: dict[int, list[tuple[int, int, str, str]]] = field(default_factory=dict)
    id_at: int | None = None
    submitted_at: int | None = None
    warnings: list[str] = field(default_factory=list)


def _resolve_target(form: SurveyForm, target: str) -> tuple[str, str | None]:
    """The target spelled as the questionnaire does, or the German reason it is not valid."""
    value = target.strip()
    if value.startswith("#"):
        key = fold(value)
        if key in ("id", "antwortid"):
            return ID, None
        if key in ("submitted", "submitdate", "abgabe", "abgeschickt", "zeitpunkt", "datum"):
            return SUBMITTED, None
        return value, (
            f"„{value}“ ist kein Ziel einer Spalte. Möglich sind „#id“ (Antwort-ID des "
            "Formulars) und „#submitted“ (Zeitpunkt der Abgabe)."
        )
    code, sep, label = value.partition("=")
    code = code.strip()
    question = form.by_code(code) or next(
        (q for q in form.questions if q.code.casefold() == code.casefold()), None
    )
    if question is None:
        codes = ", ".join(q.code for q in form.questions)
        return value, f"„{code}“ ist keine Frage dieser Umfrage (Fragen: {codes})."
    if not sep:
        return question.code, None
    if question.type is not QuestionType.MEHRFACH:
        return value, (
            f"„{value}“: nur bei einer Mehrfachauswahl kann eine Spalte eine einzelne "
            f"Antwortmöglichkeit enthalten; {question.code} ist „{question.type.label}“. "
            f"Bitte „{question.code}“ allein angeben."
        )
    key = label.strip()
    found = option_by_label(question, key)
    if found is None and key.isdecimal() and 1 <= int(key) <= len(question.options):
        found = question.options[int(key) - 1].label
    if found is None:
        choices = ", ".join(o.label for o in question.options)
        return value, (
            f"„{key}“ ist keine Antwortmöglichkeit von {question.code} (möglich: {choices})."
        )
    return option_target(question, found), None


def plan_columns(
    form: SurveyForm, table: ResponseTable, mapping: Sequence[ColumnMapping] | None
) -> ColumnPlan:
    """The mapping for every column: the given one where it names the column, else suggested;
    every target checked against the questionnaire before a single row is read."""
    headers, line = table.headers, table.line
    explicit: dict[str, str | None] = {}
    for entry in mapping or ():
        explicit[clean_header(entry.column)] = entry.target
    problems: list[ImportProblem] = []
    targets: list[str | None] = [None] * len(headers)
    given = [h in explicit for h in headers]
    for i, header in enumerate(headers):
        if given[i] and explicit[header] is not None:
            resolved, problem = _resolve_target(form, str(explicit[header]))
            if problem:
                problems.append(ImportProblem(line, header, problem))
            else:
                targets[i] = resolved
    if problems:
        raise _mapping_failed(problems, [])
    taken = {t for t in targets if t is not None}
    rest = [i for i, g in enumerate(given) if not g]
    for i, target in zip(
        rest, suggest_targets(form, [headers[i] for i in rest], taken), strict=True
    ):
        targets[i] = target
    plan = ColumnPlan(headers, [ColumnMapping(h, t) for h, t in zip(headers, targets, strict=True)])
    if mapping is not None:
        for column in explicit:
            if column not in headers:
                plan.warnings.append(
                    f"Die Zuordnung nennt die Spalte „{column}“, die es in der Datei nicht gibt."
                )
    general: list[str] = []
    _check_targets(form, plan, line, problems, general)
    if problems or general:
        raise _mapping_failed(problems, general)
    return plan


def _mapping_failed(problems: list[ImportProblem], general: list[str]) -> ImportFailed:
    lines = ["Die Zuordnung der Spalten passt nicht zur Umfrage; es wurde nichts importiert."]
    return ImportFailed("\n".join(lines + general), problems)


def _check_targets(
    form: SurveyForm,
    plan: ColumnPlan,
    line: int,
    problems: list[ImportProblem],
    general: list[str],
) -> None:
    index = {q.code: i for i, q in enumerate(form.questions)}
    first: dict[str, str] = {}
    whole: dict[str, str] = {}
    by_option: dict[str, str] = {}
    for at, (header, target) in enumerate(zip(plan.headers, plan.mapping, strict=True)):
        name = target.target
        if name is None:
            if header:
                plan.warnings.append(
                    f"Die Spalte „{header}“ ist keiner Frage zugeordnet und wird nicht importiert."
                )
            continue
        if name in first:
            problems.append(
                ImportProblem(
                    line,
                    header,
                    f"Diese Spalte und die Spalte „{first[name]}“ sind beide „{name}“ "
                    "zugeordnet; jedes Ziel darf nur einer Spalte zugeordnet sein.",
                )
            )
            continue
        first[name] = header
        if name == ID:
            plan.id_at = at
            continue
        if name == SUBMITTED:
            plan.submitted_at = at
            continue
        code, _, label = name.partition("=")
        question = form.questions[index[code]]
        if label:
            by_option.setdefault(code, header)
            if code in whole:
                problems.append(_both(line, header, whole[code], code))
                continue
            option = next(o for o in question.options if o.label == label)
            plan.options.setdefault(index[code], []).append((at, option.id, fold(label), header))
        else:
            whole[code] = header
            if code in by_option:
                problems.append(_both(line, header, by_option[code], code))
                continue
            plan.single.append((at, index[code], header))
    if not plan.single and not plan.options:
        general.append(
            "Keine Spalte der Datei ist einer Frage der Umfrage zugeordnet. Bitte die "
            "Zuordnung der Spalten angeben (Spaltenüberschrift → Fragekürzel wie „F3“)."
        )
        return
    mapped = set(whole) | set(by_option)
    for question in form.questions:
        if question.code in mapped:
            continue
        if question.required and question.condition_question_id is None:
            general.append(
                f"Die Pflichtfrage {question.code} „{question.text}“ ist keiner Spalte "
                "zugeordnet. Bitte die Spalte angeben, die ihre Antworten enthält."
            )
        else:
            plan.warnings.append(
                f"Die Frage {question.code} „{question.text}“ ist keiner Spalte zugeordnet; "
                "sie bleibt bei den importierten Antworten leer."
            )
    if plan.id_at is None:
        plan.warnings.append(
            "Keine Spalte enthält die Antwort-ID des Formulars: ein erneuter Import derselben "
            "Datei würde die Antworten doppelt speichern."
        )


def _both(line: int, header: str, other: str, code: str) -> ImportProblem:
    return ImportProblem(
        line,
        header,
        f"Frage {code} ist sowohl als ganze Spalte als auch mit einzelnen Antwortmöglichkeiten "
        f"(Spalte „{other}“) zugeordnet; bitte nur eines von beiden.",
    )


class ResponseTable(NamedTuple):
    fmt: TableFormat
    rows: Iterator[tuple[int, list[str]]]
    headers: list[str]
    #: The line the header stands on (1, unless blank lines or Excel's "sep=;" come first)
    line: int


def read_responses(path: Path, sheet: str | None = None) -> ResponseTable:
    """The file opened for reading: its format, the header and the rows after it."""
    fmt = sniff(path, sheet)
    rows = records(path, fmt)
    for line, cells in rows:
        if any(c.strip() for c in cells):
            return ResponseTable(fmt, rows, [clean_header(c) for c in cells], line)
    raise ImportFailed(f"Die Datei {path.name} ist leer.")


def _stamp(text: str) -> datetime:
    """A submission time as tools write it, as an aware UTC instant; wall-clock times without
    a zone are the city's."""
    value = text.strip()
    moment: datetime | None = None
    if _ISO_STAMP.fullmatch(value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    elif m := _GERMAN_STAMP.fullmatch(value):
        day, month, year, hour, minute, second = m.groups()
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        moment = _wall(full_year, month, day, hour, minute, second)
    elif m := _US_STAMP.fullmatch(value):  # Google or Microsoft Forms in English: 9/14/2026
        month, day, year, hour, minute, second = m.groups()
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        moment = _wall(full_year, month, day, hour, minute, second)
    if moment is None:
        try:
            moment = parse_datetime(value)
        except ValueError:
            raise ValueError(
                f"„{text}“ ist kein Zeitpunkt (erwartet wird z. B. 14.09.2026 10:22 oder "
                "2026-09-14 10:22:03)."
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CITY_ZONE)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 01.01.0001 00:30 in Berlin lies before the first UTC instant
        raise ValueError(f"„{text}“ ist kein Zeitpunkt, der sich speichern lässt.") from None


def _wall(
    year: int, month: str, day: str, hour: str | None, minute: str | None, second: str | None
) -> datetime | None:
    try:
        return datetime(
            year, int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None


def _answer_problem(question: QuestionRecord, cell: str) -> AnswerValue | _Bad | None:
    try:
        return parse_answer(question, cell)
    except AnswerProblem as exc:
        return _Bad(str(exc))


def _tick_problem(cell: str, label: str) -> _Bad:
    return _Bad(
        f"„{cell}“ sagt nicht, ob „{label}“ gewählt wurde: erwartet wird „Ja“, „Y“, „x“ oder "
        "„1“ für gewählt und eine leere Zelle, „Nein“ oder „Nicht gewählt“ für nicht gewählt."
    )


class ResponseReader:
    """Phase one: read and check every row, remember what to write, write nothing."""

    def __init__(
        self,
        form: SurveyForm,
        plan: ColumnPlan,
        known: set[str],
        progress: Progress | None,
    ) -> None:
        self.form = form
        self.plan = plan
        self.known = known
        self.progress = progress
        self.problems: list[ImportProblem] = []
        self.warnings = Warnings(plan.warnings)
        self.lines: list[int] = []
        self.external: list[str | None] = []
        self.stamps: list[datetime | None] = []
        self.values: list[tuple[AnswerValue | None, ...]] = []
        self.skipped = 0
        self.incomplete: list[int] = []
        self.rows = 0
        self.stopped = False
        self.id_lines: dict[str, int] = {}

    def add(self, line: int, column: str, reason: str) -> None:
        self.problems.append(ImportProblem(line, column, reason))
        if len(self.problems) >= MAX_PROBLEMS:
            self.stopped = True

    # The hot loop: 100,000 rows × 20 columns. Cells repeat a lot (scale values, options,
    # ticks), so each column parses a distinct cell once; free text is parsed every time.
    def read(self, rows: Iterator[tuple[int, list[str]]], estimate: int) -> None:
        form, plan = self.form, self.plan
        questions = form.questions
        count = len(questions)
        width = len(plan.headers)
        singles: list[tuple[int, int, str, QuestionRecord, dict[str, Any] | None]] = [
            (
                at,
                qi,
                header,
                questions[qi],
                {} if questions[qi].type is not QuestionType.TEXT else None,
            )
            for at, qi, header in plan.single
        ]
        ticks: list[tuple[int, list[tuple[int, int, str, str, dict[str, bool | _Bad]]]]] = [
            (qi, [(at, oid, label, header, {}) for at, oid, label, header in columns])
            for qi, columns in plan.options.items()
        ]
        labels = {o.id: o.label for q in questions for o in q.options}
        id_at, submitted_at = plan.id_at, plan.submitted_at
        conditions = sorted(
            {
                i
                for i, q in enumerate(questions)
                if any(other.condition_question_id == q.id for other in questions)
            }
        )
        # Only these can make check_answers complain (see the verdicts below).
        relevant = [
            i for i, q in enumerate(questions) if q.required or q.condition_question_id is not None
        ]
        verdicts: dict[tuple[Any, ...], list[FieldError]] = {}
        columns = {q.code: self._first_column(i) for i, q in enumerate(questions)}
        stamps: dict[str, datetime | _Bad] = {}
        overlong = False
        progress = self.progress
        for line, cells in rows:
            if self.stopped:
                break
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            elif len(cells) > width and not overlong and any(c.strip() for c in cells[width:]):
                overlong = True
                self.warnings.add(
                    f"Zeile {line} hat mehr Zellen als die Kopfzeile Spalten; Zellen ohne "
                    "Überschrift werden nicht importiert."
                )
            if not any(cells) or not "".join(cells).strip():
                continue
            self.rows += 1
            if progress is not None and self.rows % PROGRESS_EVERY == 0:
                progress(self.rows, 2 * max(estimate, self.rows))
            external: str | None = None
            if id_at is not None:
                external = cells[id_at].strip()
                if not external:
                    self.add(
                        line,
                        plan.headers[id_at],
                        "Die Antwort-ID fehlt; ohne sie wäre ein erneuter Import nicht zu "
                        "erkennen.",
                    )
                elif len(external) > MAX_EXTERNAL_ID:
                    self.add(
                        line,
                        plan.headers[id_at],
                        f"Die Antwort-ID ist länger als {MAX_EXTERNAL_ID} Zeichen.",
                    )
                elif external in self.id_lines:
                    self.add(
                        line,
                        plan.headers[id_at],
                        f"Die Antwort-ID „{external}“ steht schon in Zeile "
                        f"{self.id_lines[external]}; jede Antwort darf nur einmal vorkommen.",
                    )
                else:
                    self.id_lines[external] = line
                    if external in self.known:
                        self.skipped += 1
                        continue
            stamp: datetime | None = None
            if submitted_at is not None:
                raw = cells[submitted_at].strip()
                if not raw:
                    self.incomplete.append(line)
                    continue
                parsed = stamps.get(raw)
                if parsed is None:
                    try:
                        parsed = _stamp(raw)
                    except ValueError as exc:
                        parsed = _Bad(str(exc))
                    stamps[raw] = parsed
                if isinstance(parsed, _Bad):
                    self.add(line, plan.headers[submitted_at], parsed.reason)
                else:
                    stamp = parsed
            values: list[AnswerValue | None] = [None] * count
            broken = False
            for at, qi, header, question, cache in singles:
                cell = cells[at]
                if not cell:
                    continue
                if cache is None:
                    value = _answer_problem(question, clean_cell(cell))
                else:
                    try:
                        value = cache[cell]
                    except KeyError:
                        value = cache[cell] = _answer_problem(question, cell)
                if isinstance(value, _Bad):
                    self.add(line, header, value.reason)
                    broken = True
                else:
                    values[qi] = value
            for qi, option_columns in ticks:
                chosen: list[int] = []
                for at, oid, label, header, tick_cache in option_columns:
                    cell = cells[at]
                    if not cell:
                        continue
                    try:
                        ticked = tick_cache[cell]
                    except KeyError:
                        yes = is_yes(cell)
                        if yes is None and fold(cell) == label:
                            yes = True  # some tools write the option's label when ticked
                        ticked = tick_cache[cell] = (
                            yes if yes is not None else _tick_problem(cell, labels[oid])
                        )
                    if isinstance(ticked, _Bad):
                        self.add(line, header, ticked.reason)
                        broken = True
                    elif ticked:
                        chosen.append(oid)
                if chosen:
                    values[qi] = frozenset(chosen)
            if self.stopped:
                break
            if broken:
                continue
            if values.count(None) == count:
                self.incomplete.append(line)
                continue
            # check_answers sees parsed values only, which always fit their question's type;
            # its verdict then depends only on which required and conditional questions are
            # answered and on the answers display conditions look at, whatever else a row
            # answered. Rows share few such patterns: ask once per pattern.
            pattern = (
                tuple([is_empty(values[i]) for i in relevant]),
                tuple([values[i] for i in conditions]),
            )
            verdict = verdicts.get(pattern)
            if verdict is None:
                answers = {q.id: v for q, v in zip(questions, values, strict=True) if v is not None}
                verdict = verdicts[pattern] = check_answers(form, answers)
            for problem in verdict:
                self.add(line, columns.get(problem.field, ""), f"{problem.field} {problem.message}")
            if verdict:
                continue
            self.lines.append(line)
            self.external.append(external)
            self.stamps.append(stamp)
            self.values.append(tuple(values))
        if self.incomplete:
            shown = ", ".join(str(n) for n in self.incomplete[:10])
            more = " …" if len(self.incomplete) > 10 else ""
            why = (
                "ohne Zeitpunkt der Abgabe (nicht abgeschickt) oder ohne eine einzige Antwort"
                if submitted_at is not None
                else "ohne eine einzige Antwort"
            )
            self.warnings.add(
                f"{len(self.incomplete)} Zeilen {why} werden nicht importiert "
                f"(Zeile {shown}{more})."
            )

    def _first_column(self, question_index: int) -> str:
        for _at, qi, header in self.plan.single:
            if qi == question_index:
                return header
        columns = self.plan.options.get(question_index)
        return columns[0][3] if columns else ""


def reader_failed(reader: ResponseReader) -> ImportFailed:
    problems = reader.problems
    if reader.stopped:
        message = (
            f"Die Datei wurde nicht importiert. Nach {len(problems)} Fehlern wurde die Prüfung "
            "abgebrochen; bitte zuerst diese beheben (oft ist eine Spalte der falschen Frage "
            "zugeordnet)."
        )
    else:
        message = f"Die Datei wurde nicht importiert: {len(problems)} Fehler."
    return ImportFailed(message, problems)
