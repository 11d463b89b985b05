"""The events calendar in Chromium: registering for a webinar, its .ics and Meine Termine; the month grid without JS."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format
from icalendar import Calendar

from tests.factories import MemberFactory
from tests.videothek.builders_events import berlin, build_event, first_date, in_days
from videothek.models import EventPage, Registration

from .conftest import watched_page
from .journeys import assert_page_behaved, german

# The live server needs committed data; serialized_rollback restores what the migrations created.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def month_title(year: int, month: int) -> str:
    """The month grid's heading as the German page shows it („Oktober 2025“)."""
    with translation.override("de"):
        return date_format(date(year, month, 1), "F Y")


def test_a_member_registers_for_a_webinar_takes_the_ics_home_and_finds_it_in_meine_termine(
    new_page, live_server, home_page
):
    from playwright.sync_api import expect

    base = live_server.url
    webinar = build_event(
        home_page,
        title="Webinar: Solawi gründen",
        kind=EventPage.Kind.WEBINAR,
        start=in_days(10, hour=18),
        minutes=90,
        capacity=30,
        ask_question=True,
        join_link="https://zoom.example.org/j/4711",
    )
    occurrence = first_date(webinar)
    member = MemberFactory(display_name="Greta Grün")
    page = new_page(member)
    mail.outbox.clear()

    # The calendar lists the webinar among the upcoming events; its title leads to the event page.
    page.goto(base + "/termine/")
    upcoming = page.locator(".event-upcoming")
    upcoming.get_by_role("link", name=webinar.title).click()
    expect(page).to_have_url(base + webinar.url)
    expect(page.locator("h1")).to_have_text(webinar.title)

    # Register with a question in advance.
    row = page.locator(f"#termin-{occurrence.pk}")
    row.get_by_label(german("Question in advance")).fill("Wie finden wir die ersten Mitglieder?")
    row.get_by_role("button", name=german("Register", "event")).click()
    expect(page).to_have_url(base + webinar.url)
    expect(
        page.get_by_text(german("You are registered. The confirmation with the calendar entry is on its way."))
    ).to_be_visible()
    row = page.locator(f"#termin-{occurrence.pk}")
    expect(row).to_contain_text(german("Registered", "event"))
    registration = Registration.objects.get(user=member, occurrence=occurrence)
    assert registration.status == Registration.Status.REGISTERED
    assert registration.question == "Wie finden wir die ersten Mitglieder?"
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]

    # The date's calendar file comes as a download and parses: one VEVENT in Berlin time with the page's UID.
    with page.expect_download() as download_info:
        row.get_by_role("link", name=german("Add to my calendar (.ics)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    body = Path(download.path()).read_bytes()
    assert b"TZID=Europe/Berlin" in body
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    vevent = events[0]
    assert str(vevent["UID"]).startswith(str(webinar.uid))
    assert str(vevent["SUMMARY"]) == webinar.title
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent.decoded("DTSTART") == occurrence.start
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"zoom.example.org" not in body

    # Meine Termine, reached from the calendar's own link, lists the webinar as registered.
    page.get_by_role("link", name=re.compile(re.escape(german("All events")))).first.click()
    expect(page).to_have_url(base + "/termine/")
    page.get_by_role("link", name=german("My events"), exact=True).first.click()
    expect(page).to_have_url(base + "/termine/meine/")
    registered = page.locator("section[aria-labelledby=mine-upcoming]")
    entry = registered.locator(".event-row").filter(has=page.get_by_role("link", name=webinar.title))
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(german("Registered", "event"))
    assert_page_behaved(page, base)


def test_the_month_grid_works_without_javascript(browser, live_server, home_page):
    from playwright.sync_api import expect

    base = live_server.url
    today = in_days(0).date()
    following = (today.year + today.month // 12, today.month % 12 + 1)
    workshop = build_event(home_page, title="Treffen Großregion Süd", start=berlin(*following, 14, 18, 0))

    context = browser.new_context(
        java_script_enabled=False, locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900}
    )
    try:
        page = watched_page(context)
        page.goto(f"{base}/termine/?monat={today:%Y-%m}")
        month = page.locator("section.event-month")
        expect(month.locator("h2")).to_have_text(month_title(today.year, today.month))
        grid = month.locator("table.event-month__grid")
        expect(grid.locator("thead th")).to_have_count(7)
        assert grid.locator("tbody tr").count() >= 4
        expect(grid.get_by_role("link", name=workshop.title)).to_have_count(0)

        # The next-month link is a plain link: the server renders the following month with the event in it.
        month.locator("a[rel=next]").click()
        expect(page).to_have_url(f"{base}/termine/?monat={following[0]:04d}-{following[1]:02d}")
        month = page.locator("section.event-month")
        expect(month.locator("h2")).to_have_text(month_title(*following))
        day = month.locator("td.event-day").filter(has=page.get_by_role("link", name=workshop.title))
        expect(day).to_have_count(1)
        expect(day.locator(".event-day__number")).to_have_text("14")
        day.get_by_role("link", name=workshop.title).click()
        expect(page).to_have_url(base + workshop.url)
        expect(page.locator("h1")).to_have_text(workshop.title)
        assert_page_behaved(page, base)
    finally:
        context.close()
