"""Importing survey responses from online form tools (LimeSurvey, Google Forms, …) as CSV.

One row per response, one column per question (or one column per option of a multiple choice).
Which column is which question is suggested from the headers and can be corrected; every row is
checked first, and only a file without problems is written, in one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from koordination.clock import CITY_ZONE
from koordination.db import audit
from koordination.db.engine import Database
from koordination.domain.enums import QuestionType, ResponseSource, SurveyStatus, fold
from koordination.domain.inputs.validation import parse_datetime
from koordination.domain.models import SurveyAnswer, SurveyResponse
from koordination.domain.records.surveys import AnswerValue, QuestionRecord, SurveyForm
from koordination.errors import ConflictError, FieldError, ImportFailed, ImportProblem
from koordination.files import write_text
from koordination.services.directory.imports.bulk import (
    CHUNK,
    Bulk,
    enum_checks_skipped,
    gc_paused,
    new_ids,
    table_of,
    write_failed,
)
from koordination.services.directory.imports.cells import clean_cell
from koordination.services.directory.imports.reading import TableFormat, records, sniff
from koordination.services.directory.imports.report import PROGRESS_EVERY, Progress, Warnings
from koordination.services.survey_answers import AnswerProblem, check_answers, is_yes, parse_answer
from koordination.services.surveys import Surveys

#: Mapping targets that are no question: the tool's response id and the submission time.
ID = "#id"
SUBMITTED = "#submitted"
#: A file with this many problems is not read further: the first ones tell what is wrong.
MAX_PROBLEMS = 1000
#: Longest response id the database keeps (survey_response.external_id).
MAX_EXTERNAL_ID = 100

_ID_HEADERS = frozenset(
    fold(h)
    for h in (
        "id",
        "Antwort-ID",
        "Antwort ID",
        "Antwortnummer",
        "Antwort-Nr.",
        "Response ID",
        "Respondent ID",
        "Submission ID",
        "Eingangsnummer",
    )
)
_SUBMITTED_HEADERS = frozenset(
    fold(h)
    for h in (
        "submitdate",
        "Datum Abgeschickt",
        "Abgeschickt",
        "Abgeschickt am",
        "Abgesendet am",
        "Eingereicht",
        "Eingereicht am",
        "Abgabedatum",
        "Abgabezeitpunkt",
        "Zeitstempel",
        "Timestamp",
        "Submitted",
        "Submitted at",
        "Submit date",
        "Fertigstellungszeit",
        "Completion time",
    )
)
_CODE_END = " \t.:)-–—[]"
_OPTION_POSITION = re.compile(r"(?:SQ|A|AO)?0*(\d+)", re.IGNORECASE)
_TRAILING_LABEL = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$", re.S)
#: A header shorter than this (folded) is never matched as a truncated question text.
_MIN_PREFIX = 10

_ISO_STAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?"
)
_GERMAN_STAMP = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}),?(?:\s+(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\s*Uhr)?)?"
)
_US_STAMP = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


# ---------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class ColumnMapping:
    """Which question a column of the file answers.

    ``target``: a question code ("F3"); "F2=Räume" for a column holding one option of a
    multiple choice (ticked or not); "#id" for the tool's response id; "#submitted" for the
    submission time; None for a column that is not imported.
    """

    column: str
    target: str | None


def _header(raw: str) -> str:
    return raw.strip().lstrip("\ufeff").strip()


def _id_or_date(key: str) -> str | None:
    if key in _ID_HEADERS:
        return ID
    if key in _SUBMITTED_HEADERS:
        return SUBMITTED
    return None


def _split_code(header: str, form: SurveyForm) -> tuple[QuestionRecord, str] | None:
    """The question whose code starts the header ("F3", "F3. Text", "[F3] Text", "F2[SQ001]")
    and the rest of the header after the code."""
    text = header
    bracketed = text.startswith("[")
    if bracketed:
        text = text[1:]
    lowered = text.casefold()
    for question in sorted(form.questions, key=lambda q: -len(q.code)):
        code = question.code.casefold()
        if not lowered.startswith(code):
            continue
        rest = text[len(code) :]
        if bracketed:
            if not rest.startswith("]"):
                continue
            rest = rest[1:]
        if rest and rest[0] not in _CODE_END:
            continue
        if rest.startswith(("]", ")")):
            rest = rest[1:]
        return question, rest.strip().lstrip(".:-–—").strip()
    return None


def _option_by_label(question: QuestionRecord, label: str) -> str | None:
    key = fold(label)
    if not key:
        return None
    for option in question.options:
        if fold(option.label) == key:
            return option.label
    if len(key) >= 8:  # a label shortened by the tool
        found = [o for o in question.options if fold(o.label).startswith(key)]
        if len(found) == 1:
            return found[0].label
    return None


def _option_by_code(question: QuestionRecord, code: str) -> str | None:
    """A LimeSurvey sub-question code: "SQ001" is the first option; or the label itself."""
    key = fold(code)
    for option in question.options:
        if fold(option.label) == key:
            return option.label
    match = _OPTION_POSITION.fullmatch(code.strip())
    if match:
        position = int(match.group(1))
        if 1 <= position <= len(question.options):
            return question.options[position - 1].label
    return _option_by_label(question, code)


def _option_target(question: QuestionRecord, label: str) -> str:
    return f"{question.code}={label}"


def _by_code(header: str, form: SurveyForm) -> str | None:
    """The target of a header that starts with a question code, or None."""
    found = _split_code(header, form)
    if found is None:
        return None
    question, rest = found
    multiple = question.type is QuestionType.MEHRFACH
    if rest.startswith("["):
        # LimeSurvey: "F2[SQ001]", "F2[SQ001]. Text [Räume]", "F2 [Räume]"; "[other]" and
        # "[comment]" are free-text additions we have no place for.
        inner, _, tail = rest[1:].partition("]")
        if not multiple:
            return None
        label = _option_by_code(question, inner)
        if label is None:
            trailing = _TRAILING_LABEL.match(tail)
            label = _option_by_label(question, trailing.group(2)) if trailing else None
        return _option_target(question, label) if label else None
    if multiple:
        trailing = _TRAILING_LABEL.match(rest)
        if trailing:
            label = _option_by_label(question, trailing.group(2))
            if label:
                return _option_target(question, label)
            if not fold(trailing.group(1)):
                return None
    return question.code


def _text_matches(header_key: str, question: QuestionRecord, exact: bool) -> bool:
    text_key = fold(question.text)
    if not header_key or not text_key:
        return False
    if exact:
        return header_key == text_key
    # Tools cut long texts ("Wie zufrieden sind Sie mit …"), or add a hint after them.
    return (len(header_key) >= _MIN_PREFIX and text_key.startswith(header_key)) or (
        len(text_key) >= _MIN_PREFIX and header_key.startswith(text_key)
    )


def _by_text(header: str, form: SurveyForm, exact: bool, taken: set[str]) -> str | None:
    trailing = _TRAILING_LABEL.match(header)
    if trailing:  # "Welche Angebote nutzen Sie? [Räume]": one option of a multiple choice
        base = fold(trailing.group(1))
        for question in form.questions:
            if question.type is QuestionType.MEHRFACH and _text_matches(base, question, exact):
                label = _option_by_label(question, trailing.group(2))
                target = _option_target(question, label) if label else None
                if target and target not in taken:
                    return target
    key = fold(header)
    for question in form.questions:
        if question.code not in taken and _text_matches(key, question, exact):
            return question.code
    return None


def _question_code(target: str) -> str:
    return target.split("=", 1)[0]


def _suggest(form: SurveyForm, headers: Sequence[str], taken: set[str]) -> list[str | None]:
    targets: list[str | None] = [None] * len(headers)
    names = [_header(h) for h in headers]

    def claim(index: int, target: str | None) -> None:
        if target is None or target in taken:
            return
        code = _question_code(target)
        # A question is answered by one column, or by one column per option: not both.
        if ("=" in target and code in taken) or (
            "=" not in target and any(t.startswith(code + "=") for t in taken)
        ):
            return
        targets[index] = target
        taken.add(target)

    for i, name in enumerate(names):
        claim(i, _id_or_date(fold(name)))
    for i, name in enumerate(names):
        if targets[i] is None and name:
            claim(i, _by_code(name, form))
    for exact in (True, False):
        for i, name in enumerate(names):
            if targets[i] is None and name:
                claim(i, _by_text(name, form, exact, taken))
    return targets


def suggest_mapping(form: SurveyForm, headers: Sequence[str]) -> list[ColumnMapping]:
    """A target for every column of the file, in the file's order; None where nothing fits.

    Matched by question code ("F3", "F3. Wie zufrieden …", "F3:"), by question text (spelling
    and punctuation tolerant, also shortened), LimeSurvey's option columns ("F2[SQ001]",
    "F2 [Räume]", "Text [Räume]"), and the usual headers of response ids and submission times.
    """
    targets = _suggest(form, headers, set())
    return [ColumnMapping(_header(h), t) for h, t in zip(headers, targets, strict=True)]


def describe_target(form: SurveyForm, target: str | None) -> str:
    """A target as users read it: "F3 – Wie zufrieden …", "F2 = Räume – Welche …"."""
    if target is None:
        return "– (wird nicht importiert)"
    if target == ID:
        return "Antwort-ID des Formulars (erkennt einen erneuten Import)"
    if target == SUBMITTED:
        return "Zeitpunkt der Abgabe"
    code, _, label = target.partition("=")
    question = form.by_code(code)
    text = question.text if question else "?"
    if len(text) > 60:
        text = text[:59] + "…"
    return f"{code} = {label} – {text}" if label else f"{code} – {text}"


# ----------------------------------------------------------------------- mapping files


def load_mapping(path: Path | str) -> list[ColumnMapping]:
    """A mapping from a JSON file: {"Spaltenüberschrift": "F3", "andere Spalte": null, …}."""
    path = Path(path)
    example = '{"Spaltenüberschrift": "F3", "Spalte F2[SQ001]": "F2=Räume", "ipaddr": null}'
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"Die Zuordnungsdatei {path} gibt es nicht.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path} ist ein Ordner, keine Zuordnungsdatei.") from None
    except OSError as exc:
        raise ImportFailed(
            f"Die Zuordnungsdatei {path} kann nicht gelesen werden ({exc.strerror or exc})."
        ) from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFailed(
            f"Die Zuordnungsdatei {path.name} ist keine Textdatei in UTF-8. Erwartet wird JSON "
            f"wie {example}."
        ) from None
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"Die Zuordnungsdatei {path.name} ist kein gültiges JSON (Zeile {exc.lineno}, "
            f"Zeichen {exc.colno}). Erwartet wird z. B. {example}."
        ) from None
    if not isinstance(data, dict):
        raise ImportFailed(
            f"Die Zuordnungsdatei {path.name} muss ein JSON-Objekt sein, das jeder Spalte eine "
            f"Frage zuordnet, z. B. {example}."
        )
    mapping: list[ColumnMapping] = []
    for column, target in data.items():
        if target is not None and not isinstance(target, str):
            raise ImportFailed(
                f"In der Zuordnungsdatei {path.name} steht bei „{column}“ {json.dumps(target)}. "
                "Erlaubt sind ein Fragekürzel wie „F3“, „F2=Räume“ (eine Antwortmöglichkeit "
                "je Spalte), „#id“, „#submitted“ oder null (Spalte nicht importieren)."
            )
        mapping.append(ColumnMapping(_header(column), (target or "").strip() or None))
    return mapping


def save_mapping(mapping: Sequence[ColumnMapping], path: Path | str) -> None:
    """Write a mapping as JSON (the format :func:`load_mapping` reads), atomically."""
    path = Path(path)
    data = {m.column: m.target for m in mapping}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_text(path, text, error=_cannot_save)


def _cannot_save(path: Path, exc: OSError) -> ImportFailed:
    return ImportFailed(
        f"Die Zuordnung kann nicht nach {path} geschrieben werden ({exc.strerror or exc})."
    )


# ----------------------------------------------------------------------------- report


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


# ------------------------------------------------------------------------------ reading


class _Bad:
    """A cell that cannot be read, remembered with its German reason (parse results are cached
    per distinct cell, and so are their problems)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


@dataclass
class _Plan:
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
    found = _option_by_label(question, key)
    if found is None and key.isdecimal() and 1 <= int(key) <= len(question.options):
        found = question.options[int(key) - 1].label
    if found is None:
        choices = ", ".join(o.label for o in question.options)
        return value, (
            f"„{key}“ ist keine Antwortmöglichkeit von {question.code} (möglich: {choices})."
        )
    return _option_target(question, found), None


def _plan(form: SurveyForm, table: _Table, mapping: Sequence[ColumnMapping] | None) -> _Plan:
    """The mapping for every column: the given one where it names the column, else suggested;
    every target checked against the questionnaire before a single row is read."""
    headers, line = table.headers, table.line
    explicit: dict[str, str | None] = {}
    for entry in mapping or ():
        explicit[_header(entry.column)] = entry.target
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
    for i, target in zip(rest, _suggest(form, [headers[i] for i in rest], taken), strict=True):
        targets[i] = target
    plan = _Plan(headers, [ColumnMapping(h, t) for h, t in zip(headers, targets, strict=True)])
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
    plan: _Plan,
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


class _Table(NamedTuple):
    fmt: TableFormat
    rows: Iterator[tuple[int, list[str]]]
    headers: list[str]
    #: The line the header stands on (1, unless blank lines or Excel's "sep=;" come first)
    line: int


def _table(path: Path) -> _Table:
    """The file opened for reading: its format, the header and the rows after it."""
    fmt = sniff(path)
    rows = records(path, fmt)
    for line, cells in rows:
        if any(c.strip() for c in cells):
            return _Table(fmt, rows, [_header(c) for c in cells], line)
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


class _Reader:
    """Phase one: read and check every row, remember what to write, write nothing."""

    def __init__(
        self,
        form: SurveyForm,
        plan: _Plan,
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
            # its verdict then depends on which questions are answered and on the answers
            # display conditions look at. Rows share few such patterns: ask once per pattern.
            # (The answers' types tell which are given: NoneType where none is, at C speed.)
            pattern = (
                tuple(map(type, values)),
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


# ------------------------------------------------------------------------------ writing

# How a question's parsed answer becomes survey_answer rows, as surveys.answer_rows writes them.
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

    def __init__(self, db: Database) -> None:
        self.db = db

    def _form(self, survey_id: int) -> SurveyForm:
        """The questionnaire, if it takes answers: a draft does not."""
        form = Surveys(self.db).form(survey_id)
        if form.survey.status is SurveyStatus.ENTWURF:
            raise ConflictError(
                f"Die Umfrage „{form.survey.title}“ ist noch ein Entwurf. Bitte sie zuerst "
                "starten; erst dann können Antworten importiert werden."
            )
        return form

    def preview(self, survey_id: int, path: Path | str) -> ResponsePreview:
        """The file's headers, the suggested mapping and its number of responses."""
        path = Path(path)
        form = self._form(survey_id)
        table = _table(path)
        count = sum(1 for _line, cells in table.rows if any(c.strip() for c in cells))
        return ResponsePreview(table.headers, suggest_mapping(form, table.headers), count)

    def resolve_mapping(
        self, survey_id: int, path: Path | str, mapping: Sequence[ColumnMapping] | None = None
    ) -> list[ColumnMapping]:
        """The mapping an import of ``path`` would use (``mapping`` where it names a column,
        suggested for the rest), checked against the questionnaire; reads the header only."""
        form = self._form(survey_id)
        return _plan(form, _table(Path(path)), mapping).mapping

    def run(
        self,
        survey_id: int,
        path: Path | str,
        mapping: Sequence[ColumnMapping] | None = None,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ResponseImportReport:
        """Import every response of the file, or none.

        Every row is checked first; any problem raises :class:`ImportFailed` naming row
        (spreadsheet line, header = 1), column and reason, and nothing is written. Rows whose
        response id ("#id") was imported before are skipped. ``progress(done, total)`` counts
        every row once when checked and once when written.
        """
        path = Path(path)
        form = self._form(survey_id)
        table = _table(path)
        plan = _plan(form, table, mapping)
        try:
            with gc_paused(), self.db.session() as session:
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
                reader = _Reader(form, plan, known, progress)
                reader.read(table.rows, max(table.fmt.lines - table.line, 1))
                if reader.problems:
                    raise _failed(reader)
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
                conn = session.connection()
                with enum_checks_skipped(conn):
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

    @staticmethod
    def _write(
        conn: Any,
        form: SurveyForm,
        survey_id: int,
        reader: _Reader,
        progress: Progress | None,
    ) -> None:
        total = len(reader.values)
        responses = Bulk(conn, table_of(SurveyResponse), _RESPONSE_COLUMNS)
        answers = Bulk(conn, table_of(SurveyAnswer), _ANSWER_COLUMNS)
        ids = new_ids(conn, table_of(SurveyResponse), total)
        now = datetime.now(UTC)
        source = responses.value("source", ResponseSource.IMPORT)
        stamp_value = responses.value
        kinds = [(q.id, _row_kind(q), tuple(o.id for o in q.options)) for q in form.questions]
        values, stamps, external = reader.values, reader.stamps, reader.external
        for start in range(0, total, CHUNK):
            end = min(start + CHUNK, total)
            response_rows: list[tuple[Any, ...]] = []
            answer_rows: list[tuple[Any, ...]] = []
            add = answer_rows.append
            for i in range(start, end):
                rid = ids[i]
                stamp = stamp_value("submitted_at", stamps[i] or now)
                response_rows.append((rid, survey_id, stamp, source, external[i], None, ""))
                for (qid, kind, order), value in zip(kinds, values[i], strict=True):
                    if value is None:
                        continue
                    if kind == _OPTION:
                        add((rid, qid, value, None, None))
                    elif kind == _NUMBER:
                        add((rid, qid, None, float(value), None))  # type: ignore[arg-type]
                    elif kind == _MULTIPLE:
                        assert isinstance(value, frozenset)
                        for oid in order:  # in the option order, not the set's
                            if oid in value:
                                add((rid, qid, oid, None, None))
                    elif kind == _DATE:
                        assert isinstance(value, date)
                        add((rid, qid, None, None, value.isoformat()))
                    else:
                        add((rid, qid, None, None, value))
            responses.run(response_rows)
            answers.run(answer_rows)
            if progress is not None:
                progress(total + end, 2 * total)


def _failed(reader: _Reader) -> ImportFailed:
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


__all__ = [
    "ID",
    "SUBMITTED",
    "ColumnMapping",
    "ResponseImport",
    "ResponseImportReport",
    "ResponsePreview",
    "describe_target",
    "load_mapping",
    "save_mapping",
    "suggest_mapping",
]
