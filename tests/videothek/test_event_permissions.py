"""Who sees which event: anonymous, member, group member and outsider × public, members-only and group events."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from icalendar import Calendar

from tests.factories import MemberFactory
from videothek import event_selectors as selectors
from videothek import event_services as services

from .builders_events import build_event, first_date, restrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_page):
    group = Group.objects.create(name="Weggemeinschaft Süd")
    public = build_event(home_page, title="Öffentlich")
    members = build_event(home_page, title="Nur Mitglieder")
    restrict(members)
    grouped = build_event(home_page, title="Nur Weggemeinschaft")
    restrict(grouped, group=group)
    insider = MemberFactory()
    insider.groups.add(group)
    return {"public": public, "members": members, "group": grouped, "insider": insider, "outsider": MemberFactory()}


VISIBLE = {
    "anonymous": {"Öffentlich"},
    "outsider": {"Öffentlich", "Nur Mitglieder"},
    "insider": {"Öffentlich", "Nur Mitglieder", "Nur Weggemeinschaft"},
}


@pytest.mark.parametrize("who", ["anonymous", "outsider", "insider"])
def test_pages_listing_and_month_follow_the_page_privacy(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    for key in ("public", "members", "group"):
        event = world[key]
        response = client.get(event.url)
        expected = event.title in VISIBLE[who]
        assert (response.status_code == 200) is expected, (who, key, response.status_code)
        ics = client.get(f"{event.url}termin.ics")
        assert (ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")) is expected
    html = client.get("/termine/").content.decode()
    for key in ("public", "members", "group"):
        assert (world[key].title in html) is (world[key].title in VISIBLE[who]), (who, key)


def test_the_public_feed_holds_only_public_events(client, world):
    client.force_login(world["insider"])
    summaries = {
        str(e["SUMMARY"]) for e in Calendar.from_ical(client.get("/termine/kalender.ics").content).walk("VEVENT")
    }
    assert summaries == {"Öffentlich"}


def test_the_private_feed_follows_the_owners_rights_and_drops_a_date_they_lost_access_to(client, world):
    insider = world["insider"]
    services.registration_create(user=insider, occurrence=first_date(world["group"]))
    token = services.calendar_token_regenerate(user=insider, kinds=["webinar"])
    summaries = lambda: {  # noqa: E731
        str(e["SUMMARY"]) for e in Calendar.from_ical(client.get(f"/termine/abo/{token}.ics").content).walk("VEVENT")
    }
    assert summaries() == {"Öffentlich", "Nur Mitglieder", "Nur Weggemeinschaft"}
    insider.groups.clear()
    del insider._videothek_group_ids
    assert summaries() == {"Öffentlich", "Nur Mitglieder"}


def test_an_outsider_cannot_register_for_a_group_event(world):
    with pytest.raises(services.RegistrationError):
        services.registration_create(user=world["outsider"], occurrence=first_date(world["group"]))


def test_selectors_for_other_apps_filter_by_permission_handlungsfeld_and_region(world):
    from tests.factories import GrossregionFactory, HandlungsfeldFactory, RegionFactory

    field = HandlungsfeldFactory()
    south = GrossregionFactory()
    region = RegionFactory(grossregion=south)
    world["members"].handlungsfeld = field
    world["members"].grossregion = south
    world["members"].save_revision().publish()
    assert [r.event.title for r in selectors.for_handlungsfeld(user=world["outsider"], handlungsfeld=field)] == [
        "Nur Mitglieder"
    ]
    assert [r.event.title for r in selectors.for_region(user=world["outsider"], region=region)] == ["Nur Mitglieder"]
    from django.contrib.auth.models import AnonymousUser

    assert selectors.for_region(user=AnonymousUser(), region=region) == []
