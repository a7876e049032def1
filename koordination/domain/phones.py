"""Phone numbers in one normal form: stored as E.164 (+495611234567), shown as the office
dials them (0561 1234567), compared in either form. German numbers need no +49.

A number the numbering plan does not know (an invented area code, an extension glued on)
is kept as typed: it is still what the office wrote down, only not comparable by form.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

REGION = "DE"
_ALLOWED = re.compile(r"^\+?[0-9 ()/.\-]{3,40}$")
_MIN_DIGITS = 5


@lru_cache(maxsize=1 << 14)
def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    if not _ALLOWED.match(text) or sum(ch.isdigit() for ch in text) < _MIN_DIGITS:
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def phone_problem(value: str) -> str | None:
    """A German message when ``value`` cannot be a phone number, else ``None``."""
    if _parse(value.strip()) is None:
        return (
            f"„{value}“ ist keine Telefonnummer (Beispiele: 0561 123456, +49 170 1234567; "
            "erlaubt sind Ziffern, Leerzeichen und + / - ( ))."
        )
    return None


def normal_phone(value: str) -> str:
    """The form a number is stored in: E.164 when the numbering plan knows it, else as typed."""
    text = value.strip()
    number = _parse(text)
    if number is None or not phonenumbers.is_valid_number(number):
        return text
    return str(phonenumbers.format_number(number, PhoneNumberFormat.E164))


def shown_phone(stored: str) -> str:
    """A stored number as the office reads and dials it: national for German numbers
    (0561 123456), international for others (+33 1 23 45 67 89), else as stored."""
    if not stored.startswith("+"):
        return stored
    number = _parse(stored)
    if number is None or not phonenumbers.is_valid_number(number):
        return stored
    fmt = (
        PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == REGION
        else PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, fmt))


def phone_key(value: str) -> str:
    """What two spellings of one number share: "0561 123456" and "+49 561 123456" alike."""
    number = _parse(value.strip())
    if number is None:
        return "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return str(phonenumbers.format_number(number, PhoneNumberFormat.E164))
