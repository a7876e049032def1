"""Raw survey answers that stay anonymous: every combination of the quasi-identifiers (source,
day of receipt, breakdown, date and number questions) occurs at least five times in the file
that leaves the office, free texts only on request, and the file says so at the top."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from koordination.core import open_core
from koordination.domain.enums import QuestionType
from koordination.domain.records.surveys import QuestionRecord
from koordination.outputs.builders.raw_anonymity import (
    FIXED,
    LEFT_OUT,
    K,
    RawAnswersRequest,
    plan,
)
from koordination.outputs.registry import make

CITIZENS = 2  # the demo city's citizens' survey: 412 answers, age band, hours, a date, free text


def _read_csv(path: Path) -> tuple[str, list[str], list[list[str]]]:
    note, header, *rows = csv.reader(
        io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"
    )
    return note[0], header, rows


def test_demo_citizens_survey_raw_export_has_no_group_smaller_than_five(
    demo_sqlite: Callable[..., Path], tmp_path: Path
) -> None:
    core = open_core(str(demo_sqlite()))
    questions = core.surveys.questions(CITIZENS, include_retired=True)
    made = make(core, "rohdaten", CITIZENS, "csv", tmp_path / "roh.csv")
    note, header, rows = _read_csv(made.path)

    quasi = ["Quelle", "Eingegangen"] + [
        q.code
        for q in questions
        if q.breakdown or q.type in (QuestionType.DATUM, QuestionType.ZAHL)
    ]
    assert "Wie alt" in next(q.text for q in questions if q.breakdown)  # the age band
    groups = Counter(tuple(row[header.index(name)] for name in quasi) for row in rows)
    assert min(groups.values()) >= K
    assert note.startswith("# Anonymisiert (k-Anonymität, k = 5)")
    assert made.count == len(rows)
    # Nothing exact that was unique stays: no exact day of receipt.
    assert not any(len(row[header.index("Eingegangen")]) == len("2026-09-01") for row in rows)
    # The free text question is left out, numbers run 1..n in the coarsened order.
    free = next(q.code for q in questions if q.type is QuestionType.TEXT)
    assert free not in header
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]


def test_free_texts_come_only_when_asked_for_and_json_states_k(
    demo_sqlite: Callable[..., Path], tmp_path: Path
) -> None:
    core = open_core(str(demo_sqlite()))
    free = next(
        q.code
        for q in core.surveys.questions(CITIZENS, include_retired=True)
        if q.type is QuestionType.TEXT
    )
    request = RawAnswersRequest(CITIZENS, free_texts=True)
    made = make(core, "rohdaten", request, "json", tmp_path / "roh.json")
    data = json.loads(made.path.read_text(encoding="utf-8"))
    assert "k = 5" in data["hinweis"] and "Freitexte" not in data["hinweis"]
    assert free in data["antworten"][0]
    plain = make(core, "rohdaten", CITIZENS, "json", tmp_path / "ohne.json")
    without = json.loads(plain.path.read_text(encoding="utf-8"))
    assert free not in without["antworten"][0]
    assert "Freitexte sind nicht enthalten" in without["hinweis"]


# --- the rule on made-up answers ------------------------------------------------------------


def _question(code: str, kind: QuestionType, *, breakdown: bool = False) -> QuestionRecord:
    return QuestionRecord(
        id=int(code[1:]),
        survey_id=1,
        code=code,
        version=1,
        position=int(code[1:]),
        section="",
        text=code,
        hint="",
        type=kind,
        required=False,
        scale_min=None,
        scale_max=None,
        low_label="",
        high_label="",
        breakdown=breakdown,
        bank_item_id=None,
        condition_question_id=None,
        condition_option_id=None,
        retired=False,
        options=(),
    )


HEADERS = [*FIXED, "F1", "F2"]
QUESTIONS = [_question("F1", QuestionType.ZAHL), _question("F2", QuestionType.SKALA)]


def _rows(days: list[str], ages: list[str]) -> list[list[str]]:
    return [
        [str(i + 1), "Online", day, age, "3"]
        for i, (day, age) in enumerate(zip(days, ages, strict=True))
    ]


def test_exact_days_become_months_when_that_is_enough() -> None:
    days = [f"2026-03-{d:02d}" for d in range(1, 21)]  # twenty different days in March
    rows = _rows(days, ["40"] * 20)
    decided = plan(QUESTIONS, HEADERS, rows)
    out = list(decided.apply(rows))
    assert {row[2] for row in out} == {"2026-03"}
    assert {row[3] for row in out} == {"40"}  # the number was never the problem
    assert decided.smallest_group == 20 and not decided.suppressed and not decided.dropped


def test_a_few_outliers_lose_their_values_instead_of_everyone() -> None:
    # 40 answers in two big groups, one with a unique age: only that one is suppressed.
    days = ["2026-03-02"] * 40
    ages = ["40"] * 20 + ["41"] * 19 + ["97"]
    rows = _rows(days, ages)
    decided = plan(QUESTIONS, HEADERS, rows)
    out = list(decided.apply(rows))
    groups = Counter((row[1], row[2], row[3]) for row in out)
    assert min(groups.values()) >= K
    assert "97" not in {row[3] for row in out}


def test_answers_too_few_even_when_suppressed_are_left_out_and_counted() -> None:
    days = ["2026-03-02"] * 30 + ["2027-11-30"]
    ages = ["40"] * 30 + ["97"]
    rows = _rows(days, ages)
    decided = plan(QUESTIONS, HEADERS, rows)
    out = list(decided.apply(rows))
    assert len(out) == 30 and decided.dropped
    assert "1 Antworten sind nicht enthalten" in decided.note()
    assert all(row[3] != LEFT_OUT for row in out)
