"""Series expanded in Berlin local time across the clock changes, with cancelled and moved dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from videothek import recurrence
from videothek.recurrence import BERLIN


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


def test_a_weekly_series_stays_at_17_00_across_both_clock_changes_in_2025():
    start = berlin(2025, 3, 18, 17)
    rule = recurrence.weekly_rule(weekdays=["TU"], until=berlin(2025, 11, 4))
    dates = recurrence.dates_of(start=start, end=start + timedelta(hours=1), rrule=rule)
    assert {d.start.astimezone(BERLIN).hour for d in dates} == {17}
    assert {d.end.astimezone(BERLIN).hour for d in dates} == {18}
    by_day = {d.start.astimezone(BERLIN).date().isoformat(): d.start for d in dates}
    assert by_day["2025-03-25"] == datetime(2025, 3, 25, 16, tzinfo=UTC)  # winter time, UTC+1
    assert by_day["2025-04-01"] == datetime(2025, 4, 1, 15, tzinfo=UTC)  # summer time, UTC+2
    assert by_day["2025-10-21"] == datetime(2025, 10, 21, 15, tzinfo=UTC)
    assert by_day["2025-10-28"] == datetime(2025, 10, 28, 16, tzinfo=UTC)
    assert len(dates) == 34


def test_a_local_time_in_the_spring_gap_becomes_03_30_as_rfc_5545_says():
    start = berlin(2025, 3, 23, 2, 30)
    dates = recurrence.dates_of(start=start, end=start + timedelta(hours=1), rrule="FREQ=WEEKLY;COUNT=3")
    gap_day = dates[1].start.astimezone(BERLIN)
    assert (gap_day.date().isoformat(), gap_day.hour, gap_day.minute) == ("2025-03-30", 3, 30)
    assert dates[1].start == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert dates[2].start.astimezone(BERLIN).hour == 2  # the week after, 02:30 exists again


def test_a_local_time_that_exists_twice_in_october_is_the_first_of_the_two():
    start = berlin(2025, 10, 19, 2, 30)
    dates = recurrence.dates_of(start=start, end=start + timedelta(minutes=30), rrule="FREQ=WEEKLY;COUNT=2")
    assert dates[1].start == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 02:30 summer time (UTC+2)


def test_a_cancelled_date_is_kept_as_cancelled_and_a_moved_one_keeps_its_original_start():
    start = berlin(2025, 10, 7, 17)
    rule = "FREQ=WEEKLY;BYDAY=TU;COUNT=4"
    moved_to = berlin(2025, 10, 16, 18)
    dates = recurrence.dates_of(
        start=start,
        end=start + timedelta(hours=1),
        rrule=rule,
        exceptions=[(berlin(2025, 10, 14, 17), True, None, None), (berlin(2025, 10, 21, 17), False, moved_to, None)],
    )
    assert [d.cancelled for d in dates] == [False, True, False, False]
    moved = dates[2]
    assert moved.original_start == berlin(2025, 10, 21, 17)
    assert moved.start == moved_to and moved.end == moved_to + timedelta(hours=1)
    assert moved.moved and not dates[0].moved


def test_a_changed_date_that_is_no_date_of_the_series_is_found():
    start = berlin(2025, 10, 7, 17)
    unknown = recurrence.unknown_exceptions(
        start=start, rrule="FREQ=WEEKLY;COUNT=4", originals=[berlin(2025, 10, 14, 17), berlin(2025, 10, 15, 17)]
    )
    assert unknown == [berlin(2025, 10, 15, 17)]


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "rrule_unbounded"),
        ("Jeden Dienstag", "rrule"),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", "rrule"),
        ("FREQ=MINUTELY;COUNT=3", "rrule"),
        ("FREQ=DAILY;COUNT=5000", "rrule_too_long"),
        ("FREQ=WEEKLY;UNTIL=20200101T000000Z", "rrule_empty"),
    ],
)
def test_garbage_unbounded_or_endless_rules_are_refused_with_a_reason(rule, code):
    with pytest.raises(ValidationError) as caught:
        recurrence.parse(rule, dtstart=berlin(2025, 10, 7, 17))
    assert caught.value.error_list[0].code == code


def test_the_weekly_rule_ends_at_the_end_of_the_last_day_in_berlin():
    assert recurrence.weekly_rule(weekdays=["TH", "TU"], until=berlin(2026, 6, 30)) == (
        "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260630T215959Z"
    )
