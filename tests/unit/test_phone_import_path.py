"""Why an import's 100,000 numbers are quick: the national spelling is recognised with string
methods instead of a regular expression, a number's validity is one regex call for its length,
and phone_forms keeps no cache (a list's numbers are nearly all different). Each shortcut says
exactly what the slower way says."""

from __future__ import annotations

import random
import re

from koordination.domain import phones

_NATIONAL = re.compile(r"0[1-9][0-9 ]*")


def _tricky() -> list[str]:
    odd = [
        "",
        "0",
        "00",
        "01",
        "0 1",
        "0561 123456",
        "0561  123456",
        " 0561 123456",
        "0561 123456 ",
        "0561\t123456",
        "0561\u00a0123456",  # no-break space
        "0561 12345\u00b2",  # superscript two: a digit to str.isdigit, not to [0-9]
        "0561 \u0661\u0662\u0663",  # Arabic-Indic digits
        "\uff10\uff15\uff16\uff11 123456",  # full-width digits
        "0\uff15\uff16\uff11 123456",
        "0/561",
        "+49 561 123456",
        "0561-123456",
        "O561 123456",
    ]
    rng = random.Random(15)
    alphabet = "0123456789 \t/-+²٣０"
    for _ in range(3000):
        odd.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))))
        odd.append("0" + "".join(rng.choice("0123456789 ") for _ in range(rng.randint(0, 14))))
    return odd


def test_the_national_spelling_is_what_the_pattern_accepts() -> None:
    for text in _tricky():
        digits = phones._national_spelling(text)
        if _NATIONAL.fullmatch(text):
            assert digits == text.replace(" ", ""), text
        else:
            assert digits is None, text


def test_validity_in_one_call_is_the_general_description_and_any_type() -> None:
    phones._load()
    assert phones._DESCS is not None
    general, kinds = phones._DESCS[0], phones._DESCS[2]

    def matches(desc: phones._Desc, digits: str) -> bool:
        pattern, lengths = desc
        if pattern is None or (lengths and len(digits) not in lengths):
            return False
        return pattern.fullmatch(digits) is not None

    rng = random.Random(2026)
    numbers = ["".join(rng.choice("0123456789") for _ in range(n)) for n in range(0, 18)] * 50
    prefixes = ("30", "89", "151", "170", "180", "700", "800", "900", "137", "561", "6221")
    for prefix in prefixes:
        for length in range(0, 13):
            numbers.append(prefix + "".join(rng.choice("0123456789") for _ in range(length)))
    valid = 0
    for national in numbers:
        expected = matches(general, national) and any(matches(k, national) for k in kinds)
        assert phones._valid(national) == expected, national
        valid += expected
    assert valid > 100


def test_phone_forms_keeps_no_cache_and_agrees_with_the_cached_forms() -> None:
    phones._forms.cache_clear()
    rng = random.Random(7)
    numbers = [f"0561 {rng.randint(10_000, 9_999_999)}" for _ in range(500)]
    found = [phones.phone_forms(n) for n in numbers]
    assert phones._forms.cache_info().currsize == 0
    assert found == [phones._forms(n) for n in numbers]
