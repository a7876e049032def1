"""Survey results and raw answers as CSV or a workbook for Excel, or as JSON: figures and
answers, never the names or contact details of the people who answered."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import SurveyResults, results_to_dict
from koordination.errors import KoordinationError
from koordination.files import atomic_text
from koordination.outputs.builders.surveys import (
    STATS_HEADERS,
    SUPPRESSED,
    german_number,
    question_label,
    stats_row,
)
from koordination.outputs.table import CSV_ENCODING, FORMATS, CsvRows
from koordination.outputs.workbook import write_rows

RESULT_HEADER = (
    "Kürzel",
    "Frage",
    "Fragetyp",
    "Antwortende",
    "Antwort",
    "Anzahl",
    "Anteil (%)",
    "Kennzahl",
)


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise KoordinationError(
            f"Unbekanntes Format „{fmt}“ für Tabellen; möglich sind: {', '.join(FORMATS)}."
        )


def result_rows(results: SurveyResults) -> Iterator[tuple[str, ...]]:
    """One row per question and option (a multiple choice counted per option), suppressed
    cells as "< 5"; a free-text question gives the number of its answers, a scale or number
    question adds a row per statistic (mean, median, minimum, maximum)."""
    for q in results.questions:
        head = (
            question_label(q.code, q.version),
            q.text,
            q.type.label,
            SUPPRESSED if q.suppressed else str(q.respondents),
        )
        if q.options:
            for option in q.options:
                if option.count is None or option.percent is None:
                    yield (*head, option.label, SUPPRESSED, SUPPRESSED, "")
                else:
                    percent = german_number(option.percent, 1)
                    yield (*head, option.label, str(option.count), percent, "")
        elif q.type is QuestionType.TEXT:
            count = SUPPRESSED if q.suppressed else str(len(q.texts))
            yield (*head, "(Freitext)", count, "", "")
        else:
            yield (*head, "", SUPPRESSED if q.suppressed else "0", "", "")
        if q.stats is not None:
            for name, value in zip(STATS_HEADERS, stats_row(q.stats), strict=True):
                yield (*head, name, "", "", value)


def write_results(results: SurveyResults, fmt: str, target: Path | str) -> Path:
    """The counted results as CSV or XLSX (one row per question and option) or as JSON (each
    question with id, text, type, respondents and per-option counts), written atomically."""
    _check(fmt)
    target = Path(target)
    if fmt != "json":
        write_rows(fmt, target, RESULT_HEADER, result_rows(results))
        return target
    data = results_to_dict(results)
    with atomic_text(target, encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return target


def write_raw(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    fmt: str,
    target: Path | str,
    *,
    note: str = "",
) -> int:
    """The anonymous raw answers (number, source and date of each response, one column per
    question) as CSV, XLSX or as a JSON list of objects keyed by the headers; returns how many
    responses were written. Streamed: a large survey never sits in memory as a whole.

    ``note`` (how the answers were anonymised) opens the file: a first line starting with "#"
    in CSV, the first row of the sheet, and in JSON an object ``{"hinweis": note,
    "antworten": [...]}`` instead of the bare list."""
    _check(fmt)
    target = Path(target)
    if fmt == "csv" and note:
        with atomic_text(target, encoding=CSV_ENCODING) as fh:
            fh.write(f"# {' '.join(note.split())}\r\n")
            out = CsvRows(fh)
            out.header(headers)
            out.rows(rows)
        return out.count
    if fmt == "xlsx" and note:
        return write_rows(fmt, target, [note], itertools.chain([list(headers)], rows)) - 1
    if fmt != "json":
        return write_rows(fmt, target, headers, rows)
    count = 0
    with atomic_text(target, encoding="utf-8") as fh:
        if note:
            fh.write('{\n"hinweis": ' + json.dumps(note, ensure_ascii=False) + ',\n"antworten": ')
        fh.write("[")
        for row in rows:
            item: dict[str, Any] = dict(zip(headers, row, strict=True))
            fh.write("\n  " if count == 0 else ",\n  ")
            fh.write(json.dumps(item, ensure_ascii=False))
            count += 1
        fh.write("\n]" if count else "]")
        fh.write("\n}\n" if note else "\n")
    return count
