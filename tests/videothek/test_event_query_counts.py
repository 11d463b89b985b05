"""Query counts: the month view with 20 or 200 dates (with registration state), Meine Termine and the feeds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MemberFactory
from videothek import event_services as services
from videothek.models import EventOccurrence
from videothek.recurrence import BERLIN

from ..query_counts import cold_query_count
from .builders_events import berlin, build_event, event_index

pytestmark = pytest.mark.django_db

# Two months ahead: inside the twelve months of dates, and every day of it in the future.
_AHEAD = (timezone.now() + timedelta(days=62)).astimezone(BERLIN)
YEAR, MON = _AHEAD.year, _AHEAD.month
MONTH = {"monat": f"{YEAR:04d}-{MON:02d}"}


def _fill_month(home_page, member, dates: int) -> None:
    """`dates` dates in March 2031 over a few events (series of daily dates), a third booked by the member."""
    per_event = 10
    for first in range(0, dates, per_event):
        day = 1 + (first // per_event) % 20
        event = build_event(
            home_page, start=berlin(YEAR, MON, day, 9 + first % 8), rrule=f"FREQ=DAILY;COUNT={per_event}"
        )
        for index, occurrence in enumerate(EventOccurrence.objects.filter(event=event).order_by("start")):
            if index % 3 == 0:
                occurrence.event = event
                services.registration_create(user=member, occurrence=occurrence, now=timezone.now())


def test_the_month_view_costs_the_same_for_20_and_200_dates(client, home_page, settings):
    event_index(home_page)
    small_member, large_member = MemberFactory(), MemberFactory()
    _fill_month(home_page, small_member, 20)
    client.force_login(small_member)
    small = cold_query_count(client, "/termine/", MONTH)
    _fill_month(home_page, large_member, 180)
    client.force_login(large_member)
    large = cold_query_count(client, "/termine/", MONTH)
    assert EventOccurrence.objects.count() == 200
    assert EventOccurrence.objects.filter(start__month=MON).count() >= 150
    assert small == large
    html = client.get("/termine/", MONTH).content.decode()
    assert html.count("Angemeldet") >= 60


def test_meine_termine_costs_the_same_for_2_and_20_dates(client, home_page):
    member = MemberFactory()
    client.force_login(member)
    events = [build_event(home_page, start=berlin(YEAR, MON, 1 + n, 18)) for n in range(20)]
    for event in events[:2]:
        services.registration_create(user=member, occurrence=EventOccurrence.objects.get(event=event))
    two = cold_query_count(client, "/termine/meine/")
    for event in events[2:]:
        services.registration_create(user=member, occurrence=EventOccurrence.objects.get(event=event))
    assert cold_query_count(client, "/termine/meine/") == two


def test_the_feeds_cost_the_same_for_2_and_20_events(client, home_page):
    member = MemberFactory()
    events = []
    for n in range(20):
        event = build_event(home_page, start=berlin(YEAR, MON, 1 + n, 18), rrule="FREQ=WEEKLY;COUNT=3")
        events.append(event)
    token = services.calendar_token_regenerate(user=member, kinds=["webinar"])
    public_all = cold_query_count(client, "/termine/kalender.ics")
    private_all = cold_query_count(client, f"/termine/abo/{token}.ics")
    for event in events[2:]:
        event.unpublish()
    assert cold_query_count(client, "/termine/kalender.ics") == public_all
    assert cold_query_count(client, f"/termine/abo/{token}.ics") == private_all


def test_the_upcoming_selector_is_four_queries_restrictions_groups_dates_and_registrations(home_page, member):
    from videothek import event_selectors

    for n in range(5):
        build_event(home_page, start=berlin(YEAR, MON, 1 + n, 18) + timedelta(hours=n))
    with CaptureQueriesContext(connection) as captured:
        rows = event_selectors.events_upcoming(user=member)
    assert len(rows) == 5
    assert len(captured) == 4
