"""The calendar pages in German: month grid without JavaScript, filter, registration forms, Meine Termine, feeds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from tests.factories import HandlungsfeldFactory, MemberFactory
from videothek import event_services as services
from videothek.models import EventPage, Registration

from .builders_events import build_event, change_date, event_index, first_date, in_days

pytestmark = pytest.mark.django_db


def test_the_month_grid_pages_with_plain_links_and_shows_a_cancelled_date(client, home_page):
    start = in_days(1)
    event = build_event(home_page, title="Sprechstunde", start=start, rrule="FREQ=WEEKLY;COUNT=5")
    change_date(event, start + timedelta(weeks=1), cancelled=True)
    month = f"{start:%Y-%m}"
    response = client.get("/termine/", {"monat": month})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'rel="next"' in html and 'rel="prev"' in html
    assert "<table" in html and "Sprechstunde" in html
    assert "Abgesagt" in html
    following = client.get("/termine/", {"monat": "2031-12"})
    assert "Dezember 2031" in following.content.decode()
    assert 'href="?monat=2032-01"' in following.content.decode()


def test_garbage_months_fall_back_to_this_month(client, home_page):
    event_index(home_page)
    response = client.get("/termine/", {"monat": "13-2025x"})
    assert response.status_code == 200


def test_the_handlungsfeld_filter_keeps_only_its_events(client, home_page):
    energie = HandlungsfeldFactory(slug="energie", name="Energie")
    build_event(home_page, title="Bürgerenergie gründen", handlungsfeld=energie)
    build_event(home_page, title="Solawi gründen")
    html = client.get("/termine/", {"handlungsfeld": "energie"}).content.decode()
    assert "Bürgerenergie gründen" in html and "Solawi gründen" not in html


def test_a_member_registers_by_form_and_a_double_submission_sends_one_mail(
    client, home_page, django_capture_on_commit_callbacks
):
    event = build_event(home_page, title="Webinar Wärmewende", ask_question=True)
    occurrence = first_date(event)
    member = MemberFactory()
    client.force_login(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            f"{event.url}anmelden/", {"occurrence": occurrence.pk, "question": "Wie fangen wir an?"}, follow=True
        )
        second = client.post(f"{event.url}anmelden/", {"occurrence": occurrence.pk}, follow=True)
    assert "Du bist angemeldet." in first.content.decode()
    assert "Du bist für diesen Termin schon angemeldet." in second.content.decode()
    assert Registration.objects.get(user=member).question == "Wie fangen wir an?"
    assert len(mail.outbox) == 1
    page = client.get(event.url).content.decode()
    assert "Abmelden" in page and "Angemeldet" in page


def test_registration_after_the_start_says_it_is_closed(client, home_page, monkeypatch):
    event = build_event(home_page, start=timezone.now() + timedelta(minutes=10))
    occurrence = first_date(event)
    client.force_login(MemberFactory())
    later = occurrence.start + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.post(f"{event.url}anmelden/", {"occurrence": occurrence.pk}, follow=True)
    assert "Die Anmeldung ist geschlossen." in response.content.decode()
    assert not Registration.objects.exists()


def test_an_unknown_date_or_a_get_never_registers(client, home_page):
    event = build_event(home_page)
    client.force_login(MemberFactory())
    assert client.post(f"{event.url}anmelden/", {"occurrence": "x"}).status_code == 404
    assert client.post(f"{event.url}anmelden/", {"occurrence": 999999}).status_code == 404
    assert client.get(f"{event.url}anmelden/").status_code == 405
    assert not Registration.objects.exists()


def test_the_join_link_is_on_the_page_only_for_the_registered_member_in_the_window(client, home_page, monkeypatch):
    event = build_event(home_page, join_link="https://meet.example.org/geheim-123")
    occurrence = first_date(event)
    member = MemberFactory()
    services.registration_create(user=member, occurrence=occurrence)
    client.force_login(member)
    assert "geheim-123" not in client.get(event.url).content.decode()
    monkeypatch.setattr(timezone, "now", lambda: occurrence.start - timedelta(minutes=10))
    assert "geheim-123" in client.get(event.url).content.decode()
    client.logout()
    assert "geheim-123" not in client.get(event.url).content.decode()
    assert b"geheim-123" not in client.get(f"{event.url}termin.ics").content
    assert b"geheim-123" not in client.get("/termine/kalender.ics").content


def test_meine_termine_lists_registered_waiting_and_past_dates_with_the_recording(client, home_page):
    member, other = MemberFactory(), MemberFactory()
    booked = build_event(home_page, title="Gebuchtes Webinar")
    full = build_event(home_page, title="Volles Webinar", capacity=1)
    services.registration_create(user=member, occurrence=first_date(booked))
    services.registration_create(user=other, occurrence=first_date(full))
    services.registration_create(user=member, occurrence=first_date(full))
    client.force_login(member)
    html = client.get("/termine/meine/").content.decode()
    assert "Gebuchtes Webinar" in html and "Volles Webinar" in html
    assert html.index("Auf der Warteliste") < html.index("Volles Webinar")


def test_meine_termine_asks_for_a_login(client):
    response = client.get("/termine/meine/")
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_the_event_ics_is_a_download_with_tzid_berlin(client, home_page):
    event = build_event(home_page, title="Webinar")
    response = client.get(f"{event.url}termin.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment")
    assert b"DTSTART;TZID=Europe/Berlin:" in response.content
    assert str(Calendar.from_ical(response.content).walk("VEVENT")[0]["UID"]).startswith(str(event.uid))


def test_the_private_feed_holds_the_booked_dates_and_subscribed_kinds_and_dies_when_renewed(client, home_page):
    member = MemberFactory()
    booked = build_event(home_page, title="Gebucht", kind=EventPage.Kind.WEBINAR)
    build_event(home_page, title="Sprechstunde", kind=EventPage.Kind.SPRECHSTUNDE, rrule="FREQ=WEEKLY;COUNT=3")
    build_event(home_page, title="Fremd", kind=EventPage.Kind.WEBINAR)
    services.registration_create(user=member, occurrence=first_date(booked))
    token = services.calendar_token_regenerate(user=member, kinds=[EventPage.Kind.SPRECHSTUNDE])
    response = client.get(f"/termine/abo/{token}.ics")
    summaries = sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT"))
    assert summaries == ["Gebucht", "Sprechstunde"]
    services.calendar_token_regenerate(user=member)
    assert client.get(f"/termine/abo/{token}.ics").status_code == 404
    assert client.get("/termine/abo/unbekannt.ics").status_code == 404


def test_the_subscription_page_creates_an_address_once_and_switches_it_off(client, member):
    client.force_login(member)
    created = client.post("/termine/abo/", {"action": "create", "kinds": ["webinar"]})
    html = created.content.decode()
    assert "nur jetzt sichtbar" in html
    token = re.search(r'value="http://testserver/termine/abo/([\w-]+)\.ics"', html).group(1)
    assert client.get(f"/termine/abo/{token}.ics").status_code == 200
    assert token not in client.get("/termine/abo/").content.decode()
    client.post("/termine/abo/", {"action": "revoke"})
    assert client.get(f"/termine/abo/{token}.ics").status_code == 404


def test_hosts_see_the_registrants_with_their_questions_and_export_them_as_csv(client, home_page, editor):
    event = build_event(home_page, title="Webinar", ask_question=True)
    member = MemberFactory(display_name="Mia Mitglied")
    services.registration_create(user=member, occurrence=first_date(event), question="=HYPERLINK(1)")
    assert client.get(f"{event.url}anmeldungen/").status_code == 404
    client.force_login(member)
    assert client.get(f"{event.url}anmeldungen/").status_code == 404
    client.force_login(editor)
    html = client.get(f"{event.url}anmeldungen/").content.decode()
    assert "Mia Mitglied" in html and "=HYPERLINK(1)" in html
    export = client.get(f"{event.url}anmeldungen.csv")
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Termin;Name;E-Mail;Status;Angemeldet am;Frage vorab"
    assert ";'=HYPERLINK(1)" in text
