"""phone_forms gives in one call what phone_problem, phone_key and normal_phone say of a
number (the import asks once per number), exactly as phonenumbers' parser does."""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from koordination.domain import phones


def _by_parser(text: str) -> tuple[str, str] | None:
    text = text.strip()
    if not phones._ALLOWED.match(text) or sum(ch.isdigit() for ch in text) < 5:
        return None
    try:
        number = phonenumbers.parse(text, "DE")
    except NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return e164, (e164 if phonenumbers.is_valid_number(number) else text)


def _spellings() -> list[str]:
    rng = random.Random(15)
    texts = []
    for _ in range(2000):
        digits = "0" + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 45)))
        cut = rng.randint(1, len(digits))
        sep = rng.choice((" ", "", "/", "-", "  "))
        texts.append(f"{digits[:cut]}{sep}{digits[cut:]}")
    for prefix in ("0561", "0170", "0800", "030", "+49 561", "0049 30", "+33 1", "0 "):
        for length in range(0, 14):
            texts.append(prefix + " " + "".join(rng.choice("0123456789") for _ in range(length)))
    texts += ["", " ", "12", "0561 " + "1" * 40, "  0561 123456  ", "0561 12a", "ab", "+"]
    return texts


def test_phone_forms_is_key_and_stored_form_as_the_parser_gives_them() -> None:
    for text in _spellings():
        forms = phones.phone_forms(text)
        assert forms == _by_parser(text), text
        assert (forms is None) == (phones.phone_problem(text) is not None), text
        if forms is not None:
            assert forms == (phones.phone_key(text), phones.normal_phone(text)), text
