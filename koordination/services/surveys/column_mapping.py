"""Which column of a response file is which question: suggested from the headers (codes,
question texts, option labels), corrected by the office, saved and loaded as JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from koordination.domain.enums import QuestionType, fold
from koordination.domain.records.surveys import QuestionRecord, SurveyForm
from koordination.errors import ImportFailed
from koordination.files import write_text

#: Mapping targets that are no question: the tool's response id and the submission time.
ID = "#id"
SUBMITTED = "#submitted"


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


@dataclass(frozen=True)
class ColumnMapping:
    """Which question a column of the file answers.

    ``target``: a question code ("F3"); "F2=Räume" for a column holding one option of a
    multiple choice (ticked or not); "#id" for the tool's response id; "#submitted" for the
    submission time; None for a column that is not imported.
    """

    column: str
    target: str | None


def clean_header(raw: str) -> str:
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


def option_by_label(question: QuestionRecord, label: str) -> str | None:
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
    return option_by_label(question, code)


def option_target(question: QuestionRecord, label: str) -> str:
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
            label = option_by_label(question, trailing.group(2)) if trailing else None
        return option_target(question, label) if label else None
    if multiple:
        trailing = _TRAILING_LABEL.match(rest)
        if trailing:
            label = option_by_label(question, trailing.group(2))
            if label:
                return option_target(question, label)
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
                label = option_by_label(question, trailing.group(2))
                target = option_target(question, label) if label else None
                if target and target not in taken:
                    return target
    key = fold(header)
    for question in form.questions:
        if question.code not in taken and _text_matches(key, question, exact):
            return question.code
    return None


def _question_code(target: str) -> str:
    return target.split("=", 1)[0]


def suggest_targets(form: SurveyForm, headers: Sequence[str], taken: set[str]) -> list[str | None]:
    targets: list[str | None] = [None] * len(headers)
    names = [clean_header(h) for h in headers]

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
    targets = suggest_targets(form, headers, set())
    return [ColumnMapping(clean_header(h), t) for h, t in zip(headers, targets, strict=True)]


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
        mapping.append(ColumnMapping(clean_header(column), (target or "").strip() or None))
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
