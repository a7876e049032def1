"""Phone numbers in one normal form: stored as E.164 (+495611234567), shown as the office
dials them (0561 1234567), compared in either form. German numbers need no +49.

A number the numbering plan does not know (an invented area code, an extension glued on)
is kept as typed: it is still what the office wrote down, only not comparable by form.

phonenumbers and the tables read from its metadata are loaded with the first number
(:func:`_load`), not on import: most commands import this module through the input rules and
never see a number.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import phonenumbers

REGION = "DE"
_ALLOWED = re.compile(r"^\+?[0-9 ()/.\-]{3,40}$")
_MAX_LENGTH = 40
_MIN_DIGITS = 5


@lru_cache(maxsize=1 << 14)
def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    if not _ALLOWED.match(text) or sum(ch.isdigit() for ch in text) < _MIN_DIGITS:
        return None
    import phonenumbers
    from phonenumbers import NumberParseException

    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


#: A description of a kind of number as phonenumbers checks it: its whole pattern (None: no
#: number is of this kind) and its possible lengths (empty: any).
_Desc = tuple[re.Pattern[str] | None, frozenset[int]]


def _desc(desc: Any) -> _Desc:
    pattern = desc.national_number_pattern
    return (re.compile(pattern) if pattern else None), frozenset(desc.possible_length or ())


def _descs(meta: Any) -> tuple[_Desc, frozenset[int], tuple[_Desc, ...]] | None:
    """The German numbering plan as phonenumbers checks a national number: its general
    description and the descriptions of every type (in the order it tries them), or None
    when the metadata strips the trunk prefix in some other way than a plain leading 0."""
    if meta is None or meta.national_prefix_for_parsing != "0":
        return None
    if meta.national_prefix_transform_rule or meta.general_desc is None:
        return None
    kinds = (
        meta.premium_rate,
        meta.toll_free,
        meta.shared_cost,
        meta.voip,
        meta.personal_number,
        meta.pager,
        meta.uan,
        meta.voicemail,
        meta.fixed_line,
        meta.mobile,
    )
    general = meta.general_desc
    local = frozenset(general.possible_length_local_only or ())
    return _desc(general), local, tuple(_desc(d) for d in kinds if d is not None)


#: A German number written nationally with digits and spaces (0561 1234567), the form almost
#: every row of a city's file has: read without phonenumbers' general parser, which costs
#: ~60 µs a number (6 s for a city). The test compares both ways on many numbers.
_NATIONAL = re.compile(r"0[1-9][0-9 ]*")
# Filled by _load() with the first number: the entry points (_national, _shown_german, _forms)
# check _LOADED, a global lookup, so a city's 100,000 numbers pay nothing for the laziness.
_LOADED = False
_DESCS: tuple[_Desc, frozenset[int], tuple[_Desc, ...]] | None = None
_COUNTRY = 0
_COUNTRY_PREFIX = ""


def _matches(desc: _Desc, digits: str) -> bool:
    """phonenumbers' _is_number_matching_desc: a possible length and the whole pattern."""
    pattern, lengths = desc
    if pattern is None or (lengths and len(digits) not in lengths):
        return False
    return pattern.fullmatch(digits) is not None


def _national(text: str) -> tuple[str, str] | None:
    """(E.164, stored form) of a national German number as phonenumbers gives them, or None
    when the number needs its general parser (or is none at all)."""
    if not _LOADED:
        _load()
    if _DESCS is None or not _NATIONAL.fullmatch(text):
        return None
    return _national_digits(text, text.replace(" ", ""))


def _national_digits(text: str, digits: str) -> tuple[str, str] | None:
    """:func:`_national` of ``text``, written nationally, with its spaces taken out."""
    assert _DESCS is not None
    general, local_only, _kinds = _DESCS
    national = digits[1:]
    # phonenumbers keeps the 0 when the number is viable with it, or the rest has no
    # possible length: such numbers take the general path.
    if len(national) not in general[1] or len(national) in local_only:
        return None
    if general[0] is not None and general[0].fullmatch(digits):  # no length check here
        return None
    e164 = f"+{_COUNTRY}{national}"
    return e164, (e164 if _valid(national) else text)


def _valid(national: str) -> bool:
    """phonenumbers' is_valid_number for a German national significant number: the general
    description and any one type's (tried as one pattern for the number's length)."""
    assert _DESCS is not None
    if not _matches(_DESCS[0], national):
        return False
    kinds = _kinds_of_length(len(national))
    return kinds is not None and kinds.fullmatch(national) is not None


@lru_cache(maxsize=64)
def _kinds_of_length(length: int) -> re.Pattern[str] | None:
    """The patterns of every type a number of ``length`` digits can be, as one alternation
    (one regex call instead of a Python loop over ten descriptions: an import checks 100,000
    numbers). None when no type has numbers of that length."""
    assert _DESCS is not None
    patterns = [
        f"(?:{pattern.pattern})"
        for pattern, lengths in _DESCS[2]
        if pattern is not None and (not lengths or length in lengths)
    ]
    return re.compile("|".join(patterns)) if patterns else None


def _national_formats(meta: Any) -> list[tuple[re.Pattern[str] | None, re.Pattern[str], str]]:
    """How phonenumbers writes German numbers nationally: for each format in its order, the
    leading digits it applies to, the whole pattern, and the rule with the trunk 0 in it."""
    formats = []
    for f in meta.number_format if meta is not None else ():
        if f.pattern is None or f.format is None:
            continue  # none in the metadata; phonenumbers could not apply one either
        lead = re.compile(f.leading_digits_pattern[-1]) if f.leading_digits_pattern else None
        rule = f.format
        if f.national_prefix_formatting_rule:
            rule = re.sub(_FIRST_GROUP, f.national_prefix_formatting_rule, rule, count=1)
        formats.append((lead, re.compile(f.pattern), rule))
    return formats


_FIRST_GROUP = re.compile(r"(\\\d)")
_FORMATS: list[tuple[re.Pattern[str] | None, re.Pattern[str], str]] = []
_STORED_GERMAN = re.compile(r"\+49[1-9][0-9]*")  # made from the metadata by _load()


def _load() -> None:
    """Read the numbering plan and formats for Germany from phonenumbers' metadata."""
    global _LOADED, _DESCS, _COUNTRY, _COUNTRY_PREFIX, _FORMATS, _STORED_GERMAN
    import phonenumbers
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region(REGION)
    _DESCS = _descs(meta)
    _COUNTRY = phonenumbers.country_code_for_region(REGION)
    _COUNTRY_PREFIX = f"+{_COUNTRY}"
    _FORMATS = _national_formats(meta)
    _STORED_GERMAN = re.compile(rf"\+{_COUNTRY}[1-9][0-9]*")
    _LOADED = True


def _shown_german(stored: str) -> str | None:
    """``shown_phone`` of a stored German E.164 number as phonenumbers gives it, or None when
    the number needs its general parser."""
    if not _LOADED:
        _load()
    if _DESCS is None or not _STORED_GERMAN.fullmatch(stored):
        return None
    national = stored[len(_COUNTRY_PREFIX) :]
    general, local_only, _kinds = _DESCS
    if len(national) not in general[1] or len(national) in local_only:
        return None
    if not _valid(national):
        return stored
    for lead, pattern, rule in _FORMATS:
        if (lead is None or lead.match(national)) and pattern.fullmatch(national):
            return pattern.sub(rule, national)
    return national


@lru_cache(maxsize=1 << 14)
def _forms(text: str) -> tuple[str, str] | None:
    """(comparison key, stored form) of a number, or None when it is not a phone number."""
    if not _LOADED:
        _load()
    if _DESCS is not None and _NATIONAL.fullmatch(text):  # the usual spelling: 0561 123456
        digits = text.replace(" ", "")
        if len(digits) < _MIN_DIGITS or len(text) > _MAX_LENGTH:
            return None  # as _ALLOWED and the digit count below say
        fast = _national_digits(text, digits)
        if fast is not None:
            return fast
    elif not _ALLOWED.match(text) or sum(ch.isdigit() for ch in text) < _MIN_DIGITS:
        return None
    number = _parse(text)
    if number is None:
        return None
    import phonenumbers
    from phonenumbers import PhoneNumberFormat

    e164 = str(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return e164, (e164 if phonenumbers.is_valid_number(number) else text)


def phone_forms(value: str) -> tuple[str, str] | None:
    """(comparison key, stored form) of a number as :func:`phone_key` and
    :func:`normal_phone` give them, or None when it is no phone number (see
    :func:`phone_problem`): all three in one call, for imports."""
    return _forms(value.strip())


def phone_problem(value: str) -> str | None:
    """A German message when ``value`` cannot be a phone number, else ``None``."""
    if _forms(value.strip()) is None:
        return (
            f"„{value}“ ist keine Telefonnummer (Beispiele: 0561 123456, +49 170 1234567; "
            "erlaubt sind Ziffern, Leerzeichen und + / - ( ))."
        )
    return None


def normal_phone(value: str) -> str:
    """The form a number is stored in: E.164 when the numbering plan knows it, else as typed."""
    text = value.strip()
    forms = _forms(text)
    return text if forms is None else forms[1]


def shown_phone(stored: str) -> str:
    """A stored number as the office reads and dials it: national for German numbers
    (0561 123456), international for others (+33 1 23 45 67 89), else as stored."""
    if not stored.startswith("+"):
        return stored
    german = _shown_german(stored)
    if german is not None:
        return german
    number = _parse(stored)
    if number is None:
        return stored
    import phonenumbers
    from phonenumbers import PhoneNumberFormat

    if not phonenumbers.is_valid_number(number):
        return stored
    fmt = (
        PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == REGION
        else PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, fmt))


def phone_key(value: str) -> str:
    """What two spellings of one number share: "0561 123456" and "+49 561 123456" alike."""
    forms = _forms(value.strip())
    if forms is None:
        return "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return forms[0]
