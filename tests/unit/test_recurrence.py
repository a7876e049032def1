"""Series rules: RRULE text, German wording, wall-clock expansion with moved and cancelled dates."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.policy import fuzz

from koordination.calendar.events import Event, Override, Place
from koordination.calendar.recurrence import (
    Frequency,
    RecurrenceRule,
    _compiled,
    _fast_starts,
    _plan,
    expand,
    localize,
)
from koordination.clock import CITY_ZONE
from koordination.errors import ValidationError

MO, TU, WE, TH, FR = range(5)


def at(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CITY_ZONE)


def series(rule: RecurrenceRule, start: datetime, *overrides: Override, **kw: object) -> Event:
    return Event(
        uid="serie@test",
        sequence=0,
        title="AK",
        start=start,
        end=start + timedelta(hours=2),
        rrule=rule.to_rrule(),
        overrides=overrides,
        **kw,  # type: ignore[arg-type]
    )


YEARS = (at(2026, 1, 1, 0), at(2028, 1, 1, 0))


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "rrule", "german"),
    [
        (
            RecurrenceRule.monthly_on_weekday(2, TU),
            "FREQ=MONTHLY;BYDAY=2TU",
            "jeden 2. Dienstag im Monat",
        ),
        (
            RecurrenceRule.weekly(WE, interval=2),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
            "alle 2 Wochen am Mittwoch",
        ),
        (RecurrenceRule.monthly_on_day(15), "FREQ=MONTHLY;BYMONTHDAY=15", "monatlich am 15."),
        (
            RecurrenceRule.monthly_on_weekday(-1, FR),
            "FREQ=MONTHLY;BYDAY=-1FR",
            "am letzten Freitag im Monat",
        ),
        (
            RecurrenceRule.weekly(TU, until=date(2027, 12, 31)),
            "FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T225959Z",
            "jeden Dienstag, bis 31.12.2027",
        ),
        (
            RecurrenceRule.weekly(MO, WE, count=10),
            "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
            "jeden Montag und Mittwoch, 10 Termine",
        ),
        (
            RecurrenceRule.monthly_on_weekday(1, TH, interval=3),
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=1TH",
            "alle 3 Monate am 1. Donnerstag",
        ),
        (
            RecurrenceRule.monthly_on_day(1, interval=2, until=date(2027, 7, 1)),
            "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1;UNTIL=20270701T215959Z",
            "alle 2 Monate am 1., bis 01.07.2027",
        ),
    ],
)
def test_rule_reads_as_rrule_and_in_german(rule: RecurrenceRule, rrule: str, german: str) -> None:
    assert rule.to_rrule() == rrule
    assert rule.describe() == german
    assert RecurrenceRule.from_rrule(rrule) == rule
    assert RecurrenceRule.from_rrule("RRULE:" + rrule) == rule


def test_until_is_the_end_of_the_local_day_in_utc_summer_and_winter() -> None:
    # 23:59:59 in Berlin: 21:59:59Z in summer, 22:59:59Z in winter (RFC 5545: UTC with TZID).
    assert "UNTIL=20270630T215959Z" in RecurrenceRule.weekly(TU, until=date(2027, 6, 30)).to_rrule()
    assert "UNTIL=20270131T225959Z" in RecurrenceRule.weekly(TU, until=date(2027, 1, 31)).to_rrule()


def test_until_of_other_programs_is_read_as_a_local_date() -> None:
    assert RecurrenceRule.from_rrule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231").until == date(
        2027, 12, 31
    )
    assert RecurrenceRule.from_rrule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20271231T230000Z").until == date(
        2028, 1, 1
    )


@pytest.mark.parametrize(
    "text",
    ["FREQ=DAILY", "FREQ=YEARLY;BYMONTH=3", "FREQ=MONTHLY;BYDAY=5TU", "FREQ=WEEKLY", "Quatsch"],
)
def test_rules_we_do_not_offer_are_rejected_in_german(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        RecurrenceRule.from_rrule(text)
    assert "Wiederholung" in str(err.value)


def test_a_rule_cannot_end_twice() -> None:
    with pytest.raises(ValidationError, match="nicht beides"):
        RecurrenceRule.weekly(TU, until=date(2027, 1, 1), count=3)


# --- expansion ---------------------------------------------------------------------------------


def test_second_tuesday_stays_at_18_00_across_both_switches() -> None:
    rule = RecurrenceRule.monthly_on_weekday(2, TU, until=date(2027, 6, 30))
    occurrences = expand(series(rule, at(2026, 9, 8)), *YEARS)
    assert [o.start.strftime("%d.%m.%Y %H:%M") for o in occurrences] == [
        f"{d}.{m} 18:00"
        for d, m in [
            ("08", "09.2026"),
            ("13", "10.2026"),
            ("10", "11.2026"),
            ("08", "12.2026"),
            ("12", "01.2027"),
            ("09", "02.2027"),
            ("09", "03.2027"),
            ("13", "04.2027"),
            ("11", "05.2027"),
            ("08", "06.2027"),
        ]
    ]
    assert occurrences[0].start.utcoffset() == timedelta(hours=2)
    assert occurrences[2].start.utcoffset() == timedelta(hours=1)
    assert all(o.end - o.start == timedelta(hours=2) for o in occurrences)


def test_moved_and_cancelled_occurrences_are_marked_and_sorted() -> None:
    rule = RecurrenceRule.weekly(TU, count=6)
    saal = Place(address="Rathaus", room="Saal")
    event = series(
        rule,
        at(2026, 10, 6),
        Override(at(2026, 10, 13), start=at(2026, 10, 26, 9), end=at(2026, 10, 26, 10), place=saal),
        Override(at(2026, 10, 20), cancelled=True),
    )
    occurrences = expand(event, *YEARS)
    assert [(o.start, o.cancelled, o.moved) for o in occurrences] == [
        (at(2026, 10, 6), False, False),
        (at(2026, 10, 20), True, False),
        (at(2026, 10, 26, 9), False, True),
        (at(2026, 10, 27), False, False),
        (at(2026, 11, 3), False, False),
        (at(2026, 11, 10), False, False),
    ]
    moved = occurrences[2]
    assert moved.recurrence_id == at(2026, 10, 13)
    assert moved.place == saal
    assert moved.end == at(2026, 10, 26, 10)


def test_an_occurrence_moved_into_the_window_is_found_and_one_moved_out_is_not() -> None:
    event = series(
        RecurrenceRule.weekly(TU),
        at(2026, 10, 6),
        Override(at(2026, 10, 6), start=at(2026, 11, 30), end=at(2026, 11, 30, 20)),
    )
    november = expand(event, at(2026, 11, 1, 0), at(2026, 12, 1, 0))
    assert [o.start.day for o in november] == [3, 10, 17, 24, 30]
    october = expand(event, at(2026, 10, 1, 0), at(2026, 10, 8, 0))
    assert october == []


def test_an_override_for_a_date_the_rule_does_not_produce_is_ignored() -> None:
    event = series(RecurrenceRule.weekly(TU), at(2026, 10, 6), Override(at(2026, 10, 7), True))
    assert not any(o.cancelled for o in expand(event, *YEARS))


def test_a_cancelled_series_lists_every_occurrence_as_cancelled() -> None:
    event = series(RecurrenceRule.weekly(TU, count=3), at(2026, 10, 6), cancelled=True)
    assert [o.cancelled for o in expand(event, *YEARS)] == [True, True, True]


def test_single_meeting_gives_one_occurrence_when_it_overlaps_the_window() -> None:
    event = Event("e@test", 0, "Werkstatt", at(2026, 10, 25, 10), at(2026, 10, 25, 16))
    assert [o.start for o in expand(event, *YEARS)] == [event.start]
    assert len(expand(event, at(2026, 10, 25, 15), at(2026, 10, 26, 0))) == 1
    assert expand(event, at(2026, 10, 25, 16), at(2026, 10, 26, 0)) == []


def test_window_cuts_by_overlap() -> None:
    event = series(RecurrenceRule.weekly(TU), at(2026, 10, 6))
    # 18-20 Uhr: a window from 19:00 still contains it, one from 20:00 does not.
    assert len(expand(event, at(2026, 10, 6, 19), at(2026, 10, 7, 0))) == 1
    assert expand(event, at(2026, 10, 6, 20), at(2026, 10, 7, 0)) == []


def test_times_at_the_switch_are_read_as_rfc_5545_says() -> None:
    # 02:30 does not exist on 28.03.2027: read with the offset before the gap, i.e. 03:30 CEST.
    gap = localize(datetime(2027, 3, 28, 2, 30))
    assert gap.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert (gap.hour, gap.utcoffset()) == (3, timedelta(hours=2))
    # 02:30 happens twice on 31.10.2027: the first one (summer time) is meant.
    twice = localize(datetime(2027, 10, 31, 2, 30))
    assert twice.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_weekly_series_at_half_past_two_on_sunday_skips_no_week() -> None:
    event = series(RecurrenceRule.weekly(6, count=3), at(2027, 3, 21, 2, 30))
    starts = [o.start.astimezone(UTC) for o in expand(event, *YEARS)]
    assert starts == [
        datetime(2027, 3, 21, 1, 30, tzinfo=UTC),
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # 03:30 summer time
        datetime(2027, 4, 4, 0, 30, tzinfo=UTC),
    ]


# --- the fast path gives exactly what dateutil gives -----------------------------------------

rules = st.one_of(
    st.builds(
        lambda days, interval: RecurrenceRule.weekly(*days, interval=interval),
        st.sets(st.integers(0, 6), min_size=1, max_size=3),
        st.integers(1, 4),
    ),
    st.builds(
        lambda day, interval: RecurrenceRule.monthly_on_day(day, interval=interval),
        st.integers(1, 31),
        st.integers(1, 3),
    ),
    st.builds(
        lambda nth, wd, interval: RecurrenceRule.monthly_on_weekday(nth, wd, interval=interval),
        st.sampled_from([1, 2, 3, 4, -1]),
        st.integers(0, 6),
        st.integers(1, 3),
    ),
)
ends = st.one_of(
    st.none(),
    st.builds(lambda n: ("count", n), st.integers(1, 40)),
    st.builds(lambda d: ("until", d), st.dates(date(2026, 1, 1), date(2029, 12, 31))),
)


@fuzz(300)
@given(
    rule=rules,
    end=ends,
    start=st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31)),
    offset=st.integers(-400, 900),
    days=st.integers(0, 800),
)
def test_fast_expansion_equals_dateutil(
    rule: RecurrenceRule,
    end: tuple[str, object] | None,
    start: datetime,
    offset: int,
    days: int,
) -> None:
    if end is not None:
        kind, value = end
        rule = RecurrenceRule(
            rule.frequency,
            rule.interval,
            rule.weekdays,
            rule.month_day,
            rule.weekday,
            rule.nth,
            until=value if kind == "until" else None,  # type: ignore[arg-type]
            count=value if kind == "count" else None,  # type: ignore[arg-type]
        )
    dtstart = start.replace(second=0, microsecond=0)
    first = dtstart + timedelta(days=offset, hours=offset % 24)
    last = first + timedelta(days=days)
    text = rule.to_rrule()
    plan = _plan(text)
    assert plan is not None
    assert _fast_starts(plan, dtstart, first, last) == _compiled(text, dtstart).between(
        first, last, inc=True
    )


def test_rules_from_elsewhere_are_expanded_by_dateutil() -> None:
    event = Event(
        "x@test",
        0,
        "Jährlich",
        at(2026, 3, 1, 10),
        at(2026, 3, 1, 11),
        rrule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1",
    )
    assert [o.start.year for o in expand(event, *YEARS)] == [2026, 2027]
    assert RecurrenceRule.weekly(TU).frequency is Frequency.WEEKLY


def test_ten_thousand_meetings_expand_over_two_years() -> None:
    """A city's year: 10,000 meetings, a fifth of them series (weekly to monthly)."""
    rng = random.Random(3)
    kinds = [
        RecurrenceRule.weekly(TU),
        RecurrenceRule.weekly(WE, interval=2),
        RecurrenceRule.monthly_on_weekday(2, TU),
        RecurrenceRule.monthly_on_day(15, until=date(2027, 6, 30)),
        RecurrenceRule.monthly_on_weekday(-1, FR, count=12),
    ]
    events = []
    for number in range(10_000):
        start = at(2026, 1, 1, 8) + timedelta(days=rng.randrange(700), hours=rng.randrange(12))
        rule = rng.choice(kinds).to_rrule() if rng.random() < 0.2 else None
        cancel = (Override(start + timedelta(days=28), cancelled=True),) if rule else ()
        events.append(
            Event(
                f"m{number}@test",
                0,
                "T",
                start,
                start + timedelta(hours=2),
                rrule=rule,
                overrides=cancel,
            )
        )
    total = sum(len(expand(event, *YEARS)) for event in events)
    # How fast this runs is measured in benchmarks/bench_meetings.py, not asserted here.
    assert total > 40_000
