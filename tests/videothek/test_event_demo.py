"""The events seed step: the Sprechstunde on Tuesdays 17:00 with a cancelled date, a full webinar, Regionallabor."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from community import demo
from videothek import demo_events
from videothek.models import EventOccurrence, EventPage, Registration
from videothek.recurrence import BERLIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(home_page):
    steps = {step.name: step for step in demo.steps()}
    out = io.StringIO()
    for name in ("taxonomy", "teams", "accounts"):
        steps[name].seed(out)
    demo_events.seed_events(out)
    return out.getvalue()


def test_the_sprechstunde_is_on_tuesdays_at_17_00_berlin_with_one_cancelled_date(seeded):
    event = EventPage.objects.get(slug="sprechstunde")
    dates = list(EventOccurrence.objects.filter(event=event))
    assert len(dates) > 20
    assert {(d.start.astimezone(BERLIN).weekday(), d.start.astimezone(BERLIN).hour) for d in dates} == {(1, 17)}
    assert sum(d.status == EventOccurrence.Status.CANCELLED for d in dates) == 1


def test_one_webinar_is_full_with_a_waiting_list_and_the_regionallabor_has_seven_modules(seeded):
    full = EventOccurrence.objects.get(event__slug="webinar-buergerenergie")
    assert (full.registered_count, full.waitlist_count) == (2, 1)
    assert Registration.objects.filter(occurrence=full, status="waitlisted").get().user.email == "mitglied@example.org"
    modules = EventPage.objects.filter(kind=EventPage.Kind.REGIONALLABOR).order_by("start")
    assert [m.title for m in modules] == [f"Regionallabor Modul {n}" for n in range(7)]
    assert [m.start.astimezone(BERLIN).month for m in modules] == [10, 10, 11, 12, 1, 2, 3]
    lindau = modules.get(slug="regionallabor-modul-4")
    assert not lindau.online and "Lindau" in lindau.location
    assert lindau.end - lindau.start >= timedelta(days=1, hours=4)


def test_the_other_kinds_are_there_and_seeding_again_changes_nothing(seeded):
    kinds = set(EventPage.objects.values_list("kind", flat=True))
    assert {"grossregion", "fest", "webinar", "live_call", "sprechstunde", "regionallabor"} <= kinds
    count = EventPage.objects.count()
    out = io.StringIO()
    demo_events.seed_events(out)
    assert EventPage.objects.count() == count
    assert "unchanged" in out.getvalue()
