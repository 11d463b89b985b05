"""Reminders 24 h and 1 h before: claimed once per registration, start and offset; rechecked before sending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from tests.factories import MemberFactory
from videothek import event_services as services
from videothek import reminders
from videothek.models import EventPage, ReminderSent

from .builders_events import build_event, change_date, edit, first_date, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(home_page):
    event = build_event(home_page, title="Webinar Wärmewende", start=in_days(3))
    occurrence = first_date(event)
    member = MemberFactory()
    registration = services.registration_create(user=member, occurrence=occurrence).registration
    mail.outbox.clear()
    return event, occurrence, registration


def test_the_sweep_run_twice_sends_one_reminder(booked):
    _event, occurrence, registration = booked
    now = occurrence.start - timedelta(hours=23)
    assert reminders.sweep(now=now) == 1
    assert reminders.sweep(now=now) == 0
    assert reminders.sweep(now=now + timedelta(minutes=5)) == 0
    assert [m.subject for m in mail.outbox] == ["Erinnerung: Webinar Wärmewende beginnt morgen"]
    assert ReminderSent.objects.get().offset_minutes == 1440


def test_each_offset_reminds_once_and_a_late_sweep_sends_only_the_nearest(booked):
    _event, occurrence, _registration = booked
    assert reminders.sweep(now=occurrence.start - timedelta(hours=25)) == 0
    assert reminders.sweep(now=occurrence.start - timedelta(minutes=50)) == 1  # both due: only „in 60 Minuten“
    assert [m.subject for m in mail.outbox] == ["Erinnerung: Webinar Wärmewende beginnt in 60 Minuten"]
    assert set(ReminderSent.objects.values_list("offset_minutes", flat=True)) == {1440, 60}
    assert reminders.sweep(now=occurrence.start + timedelta(minutes=1)) == 0


def test_a_moved_date_reminds_anew(booked):
    event, occurrence, _registration = booked
    assert reminders.sweep(now=occurrence.start - timedelta(hours=23)) == 1
    later = occurrence.start + timedelta(days=1)
    edit(event, start=later, end=later + timedelta(hours=1))
    assert reminders.sweep(now=later - timedelta(hours=23)) == 1
    assert len(mail.outbox) == 2


def test_no_reminder_for_cancelled_registrations_cancelled_events_or_a_member_who_lost_access(booked):
    event, occurrence, registration = booked
    services.registration_cancel(user=registration.user, occurrence=occurrence)
    assert reminders.sweep(now=occurrence.start - timedelta(hours=23)) == 0
    other = MemberFactory()
    services.registration_create(user=other, occurrence=occurrence)
    edit(event, status=EventPage.Status.CANCELLED)
    assert reminders.sweep(now=occurrence.start - timedelta(hours=23)) == 0


def test_a_cancelled_date_of_a_series_is_not_reminded(home_page):
    start = in_days(3)
    event = build_event(home_page, start=start, rrule="FREQ=WEEKLY;COUNT=2")
    member = MemberFactory()
    services.registration_create(user=member, occurrence=first_date(event))
    change_date(event, start, cancelled=True)
    assert reminders.sweep(now=start - timedelta(hours=23)) == 0


def test_who_registers_after_the_24_hour_mark_gets_only_the_1_hour_reminder(home_page, monkeypatch):
    from django.utils import timezone

    event = build_event(home_page, start=in_days(3))
    occurrence = first_date(event)
    registered_at = occurrence.start - timedelta(hours=5)
    services.registration_create(user=MemberFactory(), occurrence=occurrence, now=registered_at)
    monkeypatch.setattr(timezone, "now", lambda: registered_at)
    mail.outbox.clear()
    assert reminders.sweep(now=occurrence.start - timedelta(hours=4)) == 0
    assert reminders.sweep(now=occurrence.start - timedelta(minutes=59)) == 1


def test_the_command_enqueues_the_sweep_which_the_immediate_backend_runs(booked, monkeypatch):
    from django.utils import timezone

    _event, occurrence, _registration = booked
    monkeypatch.setattr(timezone, "now", lambda: occurrence.start - timedelta(hours=23))
    call_command("send_due_reminders")
    call_command("send_due_reminders")
    assert len(mail.outbox) == 1


def test_the_scheduler_runs_the_reminder_sweep_every_five_minutes():
    from notifications import registry

    jobs = {job.name: job for job in registry.periodic_jobs()}
    assert jobs["event reminders"].interval == 5 * 60
