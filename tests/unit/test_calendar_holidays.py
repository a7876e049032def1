"""Public holidays of the city's Bundesland and the warnings a coordinator sees."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from koordination.calendar.events import Event, Override
from koordination.calendar.holidays import holiday_warnings, public_holidays
from koordination.calendar.recurrence import RecurrenceRule, expand
from koordination.clock import CITY_ZONE
from koordination.errors import ValidationError


def test_holidays_have_german_names_and_depend_on_the_bundesland() -> None:
    hessen = public_holidays("HE", [2026, 2027])
    assert hessen[date(2027, 10, 3)] == "Tag der Deutschen Einheit"
    assert hessen[date(2026, 6, 4)] == "Fronleichnam"
    assert date(2026, 10, 31) not in hessen
    assert public_holidays("SN", 2026)[date(2026, 10, 31)] == "Reformationstag"
    assert date(2026, 6, 4) not in public_holidays("DE-BE", 2026)


def test_unknown_bundesland_is_a_german_error() -> None:
    with pytest.raises(ValidationError, match="Unbekanntes Bundesland"):
        public_holidays("XX", 2026)


def test_occurrences_on_holidays_are_warned_about_but_not_cancelled_ones() -> None:
    start = datetime(2027, 9, 5, 10, tzinfo=CITY_ZONE)  # Sundays, 03.10.2027 among them
    event = Event(
        "s@test",
        0,
        "Sonntagstreff",
        start,
        start + timedelta(hours=2),
        rrule=RecurrenceRule.weekly(6, until=date(2027, 12, 31)).to_rrule(),
        overrides=(Override(datetime(2027, 12, 26, 10, tzinfo=CITY_ZONE), cancelled=True),),
    )
    occurrences = expand(
        event, datetime(2027, 1, 1, tzinfo=CITY_ZONE), datetime(2028, 1, 1, tzinfo=CITY_ZONE)
    )
    assert holiday_warnings(occurrences, "HE") == [
        "Der Termin am 03.10.2027 fällt auf einen Feiertag (Tag der Deutschen Einheit)."
    ]
    assert holiday_warnings([], "HE") == []
