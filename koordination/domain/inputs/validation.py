"""Input checks shared by forms, imports and services; every message is German."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from koordination.domain.phones import phone_problem
from koordination.errors import FieldError

__all__ = ["phone_problem"]  # re-exported: every input check is asked for here

# Pragmatic address syntax: one @, a dot in the domain, no spaces, no consecutive dots.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\u00c0-\u024f-]+@[A-Za-z0-9\u00c0-\u024f-]+(\.[A-Za-z0-9\u00c0-\u024f-]+)+$"
)
_URL = re.compile(r"^(https?://)?[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)


def email_problem(value: str) -> str | None:
    if not _EMAIL.match(value) or ".." in value or value.startswith(".") or ".@" in value:
        return f"„{value}“ ist keine gültige E-Mail-Adresse (Beispiel: name@verein.de)."
    return None


def website_problem(value: str) -> str | None:
    if not _URL.match(value):
        return f"„{value}“ ist keine Web-Adresse (Beispiel: https://www.verein.de)."
    return None


def required(field: str, value: str) -> FieldError | None:
    return None if value.strip() else FieldError(field, "darf nicht leer sein.")


def date_order(field: str, start: date | None, end: date | None) -> FieldError | None:
    if start and end and end < start:
        return FieldError(
            field, f"Das Ende ({format_date(end)}) liegt vor dem Beginn ({format_date(start)})."
        )
    return None


def format_date(value: date | None) -> str:
    # Zero-padded year: strftime writes the year 99 as "99", which reads back as 1999.
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}" if value else ""


_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def parse_date(text: str) -> date:
    """German and ISO dates as offices write them: 31.12.2026, 31.12.26, 2026-12-31."""
    value = text.strip()
    if " " in value:  # Excel sometimes adds a time: "31.12.2026 00:00"
        value = value.split(" ", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"„{text}“ ist kein Datum (erwartet wird z. B. 31.12.2026).")


def split_multi(value: str) -> list[str]:
    """Several e-mails or numbers in one cell or field, separated by ; , or line breaks."""
    parts = re.split(r"[;,\n]+", value)
    return [p.strip() for p in parts if p.strip()]


_DATETIME_FORMATS = (
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y, %H:%M",
    "%d.%m.%Y %H.%M",
    "%d.%m.%y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
)


def parse_datetime(text: str) -> datetime:
    """A wall-clock date and time as people type it: 31.12.2026 18:00, 2026-12-31T18:00, or a
    date alone (midnight). Returns a naive datetime; callers attach the city's zone."""
    value = " ".join(text.strip().removesuffix(" Uhr").split())
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        return datetime.combine(parse_date(value), datetime.min.time())
    except ValueError:
        raise ValueError(
            f"„{text}“ ist kein Zeitpunkt (erwartet wird z. B. 31.12.2026 18:00)."
        ) from None


def parse_time(text: str) -> time:
    """18:00, 18.00, 18 Uhr, 9:30, 1800."""
    value = text.strip().lower().removesuffix("uhr").strip()
    match = re.fullmatch(r"(\d{1,2})(?:[:.]?(\d{2}))?", value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ValueError(f"„{text.strip()}“ ist keine Uhrzeit (erwartet wird z. B. 18:00).")


# ------------------------------------------------ reading the values of a form (key -> value)


def text_value(values: Mapping[str, Any], key: str) -> str:
    """The field's text, stripped; empty when the field is missing or blank."""
    return str(values.get(key) or "").strip()


def date_value(
    values: Mapping[str, Any], key: str, label: str, problems: list[FieldError]
) -> date | None:
    """An optional date; a typo is added to ``problems`` under ``label``."""
    text = text_value(values, key)
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        problems.append(FieldError(label, str(exc)))
        return None


def required_date(
    values: Mapping[str, Any], key: str, label: str, problems: list[FieldError]
) -> date | None:
    """A date that must be given."""
    if not text_value(values, key):
        problems.append(FieldError(label, "bitte ein Datum angeben (TT.MM.JJJJ)."))
        return None
    return date_value(values, key, label, problems)


def time_value(
    values: Mapping[str, Any], key: str, label: str, problems: list[FieldError]
) -> time | None:
    """An optional time of day."""
    text = text_value(values, key)
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError as exc:
        problems.append(FieldError(label, str(exc)))
        return None


def required_time(
    values: Mapping[str, Any], key: str, label: str, problems: list[FieldError]
) -> time | None:
    """A time of day that must be given."""
    if not text_value(values, key):
        problems.append(FieldError(label, "bitte eine Uhrzeit angeben (HH:MM)."))
        return None
    return time_value(values, key, label, problems)


def int_value(
    values: Mapping[str, Any], key: str, label: str, problems: list[FieldError]
) -> int | None:
    """An optional whole number; thousands may be grouped with dots or spaces."""
    text = text_value(values, key).replace(".", "").replace(" ", "")
    if not text:
        return None
    if not text.isdigit():
        problems.append(FieldError(label, "bitte eine ganze Zahl eingeben."))
        return None
    return int(text)
