"""Two members racing for the last seat: one gets it, the other waits (row lock and conditional UPDATE; PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.factories import MemberFactory
from videothek import event_services as services
from videothek.models import EventOccurrence, Registration

from .builders_events import build_event, first_date


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_members_racing_for_the_last_seat_never_both_win(home_page):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks and serialises writers; the race needs PostgreSQL")
    event = build_event(home_page, capacity=1)
    occurrence = first_date(event)
    members = [MemberFactory() for _ in range(4)]
    barrier = threading.Barrier(len(members))
    errors: list[BaseException] = []

    def register(member):
        try:
            barrier.wait()
            services.registration_create(user=member, occurrence=EventOccurrence.objects.get(pk=occurrence.pk))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == ["registered", "waitlisted", "waitlisted", "waitlisted"]
    occurrence.refresh_from_db()
    assert (occurrence.registered_count, occurrence.waitlist_count) == (1, 3)
