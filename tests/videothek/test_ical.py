"""Our calendars read back with icalendar, expanded by recurring-ical-events against our dates, and read by vobject."""

from __future__ import annotations

from datetime import timedelta

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from videothek import ical
from videothek.models import EventOccurrence, EventPage

from .builders_events import berlin, build_event, change_date, edit

pytestmark = pytest.mark.django_db


def _series(home_page) -> EventPage:
    """Tuesdays 17:00 across both clock changes of 2025, one date cancelled, one moved to Thursday."""
    start = berlin(2025, 3, 18, 17)
    event = build_event(home_page, start=start, rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20251104T225959Z")
    event = change_date(event, berlin(2025, 4, 1, 17), cancelled=True)
    return change_date(event, berlin(2025, 10, 28, 17), new_start=berlin(2025, 10, 30, 18))


def _calendar_of(event: EventPage) -> bytes:
    return ical.calendar(events=[EventPage.objects.prefetch_related("exceptions").get(pk=event.pk)])


@pytest.fixture
def series(home_page, monkeypatch):
    # Dates are kept from a year before "now" on; let "now" be early 2025 so the whole series has rows.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: berlin(2025, 3, 1, 12))
    return _series(home_page)


def test_a_series_is_one_vevent_with_rrule_exdate_and_a_recurrence_id_override_in_berlin_time(series):
    cal = Calendar.from_ical(_calendar_of(series))
    events = cal.walk("VEVENT")
    assert len(events) == 2
    master, override = events
    assert str(master["UID"]) == f"{series.uid}@{ical._host()}" == str(override["UID"])
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert master["DTSTART"].dt == berlin(2025, 3, 18, 17)
    assert "RRULE" in master and "EXDATE" in master
    assert master["EXDATE"].dts[0].dt == berlin(2025, 4, 1, 17)
    assert override["RECURRENCE-ID"].dt == berlin(2025, 10, 28, 17)
    assert override["DTSTART"].dt == berlin(2025, 10, 30, 18)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_recurring_ical_events_expands_our_calendar_to_exactly_our_dates(series):
    cal = Calendar.from_ical(_calendar_of(series))
    expanded = recurring_ical_events.of(cal).between(berlin(2025, 1, 1), berlin(2026, 1, 1))
    theirs = sorted(e["DTSTART"].dt for e in expanded)
    ours = sorted(
        EventOccurrence.objects.filter(event=series, status=EventOccurrence.Status.SCHEDULED).values_list(
            "start", flat=True
        )
    )
    assert theirs == ours
    assert len(ours) == 33
    assert {d.astimezone(berlin(2025, 1, 1).tzinfo).hour for d in ours} == {17, 18}


def test_vobject_reads_the_calendar_with_the_same_dates(series):
    parsed = vobject.readOne(_calendar_of(series).decode())
    vevents = parsed.vevent_list
    assert len(vevents) == 2
    master = next(v for v in vevents if not hasattr(v, "recurrence_id"))
    starts = list(master.getrruleset(addRDate=True))
    assert berlin(2025, 4, 1, 17) not in starts
    assert starts[0] == berlin(2025, 3, 18, 17)
    assert len(starts) == 33  # the moved date is still a date of the rule (the override replaces it)


def test_sequence_and_status_follow_a_cancellation(home_page):
    event = build_event(home_page)
    event = edit(event, status=EventPage.Status.CANCELLED)
    vevent = Calendar.from_ical(_calendar_of(event)).walk("VEVENT")[0]
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SEQUENCE"] == 1


def test_a_booked_date_of_a_series_gets_its_own_uid_and_no_join_link_ever(home_page):
    event = build_event(
        home_page, rrule="FREQ=WEEKLY;COUNT=3", join_link="https://meet.example.org/geheim", location="Online-Raum"
    )
    occurrence = EventOccurrence.objects.filter(event=event).order_by("start")[1]
    occurrence.event = event
    body = ical.calendar(occurrences=[occurrence])
    vevent = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(vevent["UID"]) == f"{event.uid}-{occurrence.original_start:%Y%m%dT%H%M%SZ}@{ical._host()}"
    assert "RRULE" not in vevent
    assert b"geheim" not in body and b"geheim" not in _calendar_of(event)


def test_a_cancelled_booked_date_comes_as_method_cancel(home_page):
    event = build_event(home_page)
    occurrence = EventOccurrence.objects.get(event=event)
    occurrence.event = event
    cal = Calendar.from_ical(ical.calendar(occurrences=[occurrence], cancel=True))
    assert cal["METHOD"] == "CANCEL"
    assert cal.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_a_multi_day_event_keeps_both_days(home_page):
    start = berlin(2026, 2, 13, 13)
    event = build_event(home_page, start=start, end=start + timedelta(days=1, hours=5))
    vevent = Calendar.from_ical(_calendar_of(event)).walk("VEVENT")[0]
    assert vevent["DTEND"].dt == berlin(2026, 2, 14, 18)
