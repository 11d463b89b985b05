"""Dates from the page, registration with waiting list and FIFO promotion, double submissions, SEQUENCE."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import MemberFactory, UserFactory
from videothek import event_services as services
from videothek.models import EventOccurrence, EventPage, Registration

from .builders_events import build_event, change_date, committed, edit, first_date, in_days

pytestmark = pytest.mark.django_db


def test_publishing_a_series_writes_its_dates_twelve_months_ahead_and_a_change_keeps_the_registrations(home_page):
    start = in_days(1)
    event = build_event(home_page, start=start, rrule="FREQ=WEEKLY;COUNT=60")
    dates = list(EventOccurrence.objects.filter(event=event).order_by("start"))
    assert 52 <= len(dates) <= 53  # a year ahead, not all 60
    member = MemberFactory()
    services.registration_create(user=member, occurrence=first_date(event))
    moved_to = start + timedelta(hours=2)
    change_date(event, start, new_start=moved_to)
    occurrence = EventOccurrence.objects.get(event=event, original_start=start)
    assert occurrence.start == moved_to
    assert occurrence.registrations.get().user == member


def test_a_date_removed_from_the_rule_is_cancelled_when_members_registered_and_deleted_otherwise(home_page):
    start = in_days(1)
    event = build_event(home_page, start=start, rrule="FREQ=WEEKLY;COUNT=3")
    third = EventOccurrence.objects.filter(event=event).order_by("start")[2]
    second = EventOccurrence.objects.filter(event=event).order_by("start")[1]
    second.event = event
    services.registration_create(user=MemberFactory(), occurrence=second)
    mail.outbox.clear()
    with committed():
        edit(event, rrule="FREQ=WEEKLY;COUNT=1")
    assert EventOccurrence.objects.get(pk=second.pk).status == EventOccurrence.Status.CANCELLED
    assert not EventOccurrence.objects.filter(pk=third.pk).exists()
    assert [m.subject for m in mail.outbox] == [f"Abgesagt: {event.title}"]


def test_sequence_rises_on_changes_of_time_place_or_status_and_not_on_a_new_title(home_page):
    event = build_event(home_page)
    assert EventPage.objects.get(pk=event.pk).sequence == 0
    event = edit(event, title="Neuer Titel")
    assert event.sequence == 0
    event = edit(event, start=event.start + timedelta(hours=1), end=event.end + timedelta(hours=1))
    assert event.sequence == 1
    event = edit(event, location="Kassel", online=False)
    assert event.sequence == 2
    event = edit(event, status=EventPage.Status.CANCELLED)
    assert event.sequence == 3
    assert first_date(event).status == EventOccurrence.Status.CANCELLED


def test_a_single_date_follows_its_start_with_its_registrations(home_page):
    event = build_event(home_page)
    member = MemberFactory()
    services.registration_create(user=member, occurrence=first_date(event))
    event = edit(event, start=event.start + timedelta(days=1), end=event.end + timedelta(days=1))
    occurrence = EventOccurrence.objects.get(event=event)
    assert occurrence.start == event.start
    assert occurrence.registrations.get().user == member


def test_a_full_date_puts_members_on_the_waiting_list_and_a_cancellation_promotes_the_first_of_them(home_page):
    event = build_event(home_page, capacity=1)
    occurrence = first_date(event)
    first, second, third = MemberFactory(), MemberFactory(), MemberFactory()
    assert services.registration_create(user=first, occurrence=occurrence).registration.status == "registered"
    assert services.registration_create(user=second, occurrence=occurrence).registration.status == "waitlisted"
    assert services.registration_create(user=third, occurrence=occurrence).registration.status == "waitlisted"
    mail.outbox.clear()
    with committed():
        assert services.registration_cancel(user=first, occurrence=occurrence)
    statuses = dict(Registration.objects.filter(occurrence=occurrence).values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "registered", third.pk: "waitlisted"}
    occurrence.refresh_from_db()
    assert (occurrence.registered_count, occurrence.waitlist_count) == (1, 1)
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert mail.outbox[0].subject == f"Ein Platz ist frei geworden: {event.title}"
    assert mail.outbox[0].attachments[0][0] == "termin.ics"


def test_registering_twice_keeps_one_row_and_sends_one_mail(home_page):
    event = build_event(home_page)
    occurrence = first_date(event)
    member = MemberFactory()
    mail.outbox.clear()
    with committed():
        assert services.registration_create(user=member, occurrence=occurrence).created
    with committed():
        assert not services.registration_create(user=member, occurrence=occurrence).created
    assert Registration.objects.filter(user=member).count() == 1
    occurrence.refresh_from_db()
    assert occurrence.registered_count == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Angemeldet: {event.title}"
    name, body, mimetype = message.attachments[0]
    assert name == "termin.ics" and mimetype.startswith("text/calendar")
    assert "TZID=Europe/Berlin" in (body.decode() if isinstance(body, bytes) else body)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_registration_after_the_start_is_closed(home_page):
    event = build_event(home_page, start=timezone.now() + timedelta(minutes=30))
    occurrence = first_date(event)
    with pytest.raises(services.RegistrationClosed) as caught:
        services.registration_create(user=MemberFactory(), occurrence=occurrence, now=occurrence.start)
    assert str(caught.value.message) == "Die Anmeldung ist geschlossen."
    assert not Registration.objects.exists()


def test_a_member_without_a_verified_address_cannot_register(home_page):
    event = build_event(home_page)
    with pytest.raises(services.RegistrationError):
        services.registration_create(user=UserFactory(), occurrence=first_date(event))


def test_the_question_in_advance_is_kept_only_where_the_event_asks_for_it(home_page):
    asking = build_event(home_page, ask_question=True)
    silent = build_event(home_page)
    member = MemberFactory()
    services.registration_create(user=member, occurrence=first_date(asking), question="  Wie finanziert ihr das?  ")
    services.registration_create(user=member, occurrence=first_date(silent), question="Ignoriert")
    questions = dict(Registration.objects.values_list("occurrence__event_id", "question"))
    assert questions == {asking.pk: "Wie finanziert ihr das?", silent.pk: ""}


def test_the_join_link_shows_only_to_registered_members_from_15_minutes_before_to_the_end(home_page):
    event = build_event(home_page, join_link="https://meet.example.org/x")
    occurrence = first_date(event)
    member, other = MemberFactory(), MemberFactory()
    services.registration_create(user=member, occurrence=occurrence)
    at = occurrence.start
    assert services.join_link_for(user=member, occurrence=occurrence, now=at - timedelta(minutes=16)) == ""
    assert services.join_link_for(user=member, occurrence=occurrence, now=at - timedelta(minutes=15)) == event.join_link
    assert services.join_link_for(user=member, occurrence=occurrence, now=occurrence.end) == event.join_link
    assert services.join_link_for(user=member, occurrence=occurrence, now=occurrence.end + timedelta(seconds=1)) == ""
    assert services.join_link_for(user=other, occurrence=occurrence, now=at) == ""


def test_a_regenerated_calendar_token_kills_the_old_address(member):
    old = services.calendar_token_regenerate(user=member, kinds=["webinar", "nonsense"])
    assert services.calendar_token_owner(old).kinds == ["webinar"]
    new = services.calendar_token_regenerate(user=member)
    assert services.calendar_token_owner(old) is None
    assert services.calendar_token_owner(new).user == member
    assert services.calendar_token_owner(new).kinds == ["webinar"]
    assert old not in str(services.calendar_token_owner(new).token_hash)
