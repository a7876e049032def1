"""National German numbers are read without phonenumbers' general parser (an import reads
100,000 of them), and that shortcut gives exactly what the parser gives."""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneNumberFormat

from koordination.domain import phones


def _by_parser(text: str) -> tuple[str, str] | None:
    number = phones._parse(text)
    if number is None:
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return e164, (e164 if phonenumbers.is_valid_number(number) else text)


def _national_numbers() -> list[str]:
    rng = random.Random(2026)
    numbers = []
    for _ in range(3000):
        digits = "0" + "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 16)))
        if rng.random() < 0.5:
            cut = rng.randint(1, len(digits) - 1)
            digits = f"{digits[:cut]} {digits[cut:]}"
        numbers.append(digits)
    prefixes = ("030", "089", "0151", "0170", "0180", "0700", "0800", "0900", "0137", "0115")
    for prefix in (*prefixes, "0110", "0561", "06221", "032", "0310", "0199", "01805"):
        for length in range(0, 13):
            rest = "".join(rng.choice("0123456789") for _ in range(length))
            numbers.append(f"{prefix} {rest}")
    return numbers


def test_national_numbers_get_the_parser_s_key_and_stored_form() -> None:
    shortcut = 0
    for text in _national_numbers():
        fast = phones._national(text)
        if fast is None:
            continue
        shortcut += 1
        assert fast == _by_parser(text), text
    assert shortcut > 1000  # the shortcut is taken for ordinary numbers


def test_the_shortcut_covers_the_usual_spellings_and_leaves_the_rest() -> None:
    assert phones._national("0561 1234567") == ("+495611234567", "+495611234567")
    assert phones._national("0170 1234567") == ("+491701234567", "+491701234567")
    for other in ("+49 561 1234567", "0049 561 1234567", "0561/1234567", "(0561) 123456", "12"):
        assert phones._national(other) is None
    assert phones.normal_phone("0561/1234567") == "+495611234567"
    assert phones.phone_key("0561 1234567") == phones.phone_key("+49 561 1234567")


def _shown_by_parser(stored: str) -> str:
    number = phones._parse(stored)
    if number is None or not phonenumbers.is_valid_number(number):
        return stored
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def test_stored_german_numbers_are_shown_as_the_parser_formats_them() -> None:
    shortcut = 0
    stored = [f"+49{text.replace(' ', '')[1:]}" for text in _national_numbers()]
    for number in stored:
        shown = phones._shown_german(number)
        if shown is None:
            continue
        shortcut += 1
        assert shown == _shown_by_parser(number), number
    assert shortcut > 1000
    assert phones.shown_phone("+495611234567") == "0561 1234567"
    assert phones.shown_phone("+33123456789") == "+33 1 23 45 67 89"
