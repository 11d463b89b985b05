"""Chat presence and typing: ephemeral cache state, permissions, TTLs, events, cache failures, query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.roles import Role
from forums.models import Message, Room
from forums.services import chat as services
from forums.services import chat_presence as presence
from realtime.events import event_published
from tests.factories import HandlungsfeldFactory, MemberFactory, TeamFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


class Clock:
    """Stands in for chat_presence._now, so that TTLs pass without sleeping."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(presence, "_now", fake)
    return fake


class Published:
    """The events published so far; calling it first runs the on-commit callbacks registered since the start.

    The test runs inside a transaction that never commits, so on-commit delivery would never happen;
    this runs the callbacks as a commit would (the same list Django's captureOnCommitCallbacks reads).
    """

    def __init__(self) -> None:
        self.ran = len(connection.run_on_commit)
        self.seen: list[dict] = []

    def receive(self, sender, event, **kwargs) -> None:
        self.seen.append(event)

    def __call__(self) -> list[dict]:
        while self.ran < len(connection.run_on_commit):
            _savepoints, callback, _robust = connection.run_on_commit[self.ran]
            self.ran += 1
            callback()
        return self.seen

    def kinds(self) -> list[str]:
        return [event["kind"] for event in self()]


@pytest.fixture
def events():
    published = Published()
    event_published.connect(published.receive)
    yield published
    event_published.disconnect(published.receive)


@pytest.fixture
def team_room() -> Room:
    return Room.objects.get(team=TeamFactory())


def team_member(room: Room, **kwargs):
    return TeamMembershipFactory(team=room.team, user=MemberFactory(**kwargs)).user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(room: Room, action: str) -> str:
    return f"/chat/{room.slug}/{action}/"


def beat(user, room: Room) -> dict:
    response = client_for(user).post(url(room, "anwesenheit"))
    assert response.status_code == 200
    return response.json()


def online_ids(room: Room) -> list[int]:
    return [member.user_id for member in presence.presence_snapshot(room=room).online]


# -- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["anwesenheit", "tippt"])
def test_anonymous_visitors_are_sent_to_the_login(team_room, action):
    response = Client().post(url(team_room, action))
    assert response.status_code == 302
    assert "/login/" in response["Location"] or "next=" in response["Location"]


@pytest.mark.parametrize("action", ["anwesenheit", "tippt"])
def test_outsiders_of_a_team_room_get_404_and_leave_no_trace(team_room, clock, events, action):
    outsider = MemberFactory()
    response = client_for(outsider).post(url(team_room, action))
    assert response.status_code == 404
    assert client_for(outsider).post(f"/chat/{team_room.pk + 1000}/{action}/").status_code == 404
    assert online_ids(team_room) == []
    assert events() == []


def test_direct_conversations_stay_closed_to_moderators(clock):
    insider = MemberFactory()
    room = services.direct_conversation_open(actor=insider, members=[MemberFactory()])
    moderator = MemberFactory(roles=[Role.MODERATOR])
    assert client_for(moderator).post(f"/chat/{room.pk}/anwesenheit/").status_code == 404
    assert client_for(insider).post(f"/chat/{room.pk}/anwesenheit/").status_code == 200


@pytest.mark.parametrize("action", ["anwesenheit", "tippt"])
def test_the_endpoints_take_only_posts(team_room, action):
    assert client_for(team_member(team_room)).get(url(team_room, action)).status_code == 405


@pytest.mark.parametrize("action", ["anwesenheit", "tippt"])
def test_the_endpoints_are_csrf_protected(team_room, clock, action):
    member = team_member(team_room)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(url(team_room, action)).status_code == 403
    client.get(f"/chat/{team_room.slug}/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    assert client.post(url(team_room, action), HTTP_X_CSRFTOKEN=token).status_code == 200


def test_members_silenced_in_a_room_stay_present_but_cannot_announce_typing(team_room, clock, events):
    member = team_member(team_room)
    moderator = MemberFactory(roles=[Role.MODERATOR])
    services.member_silence_in_room(
        moderator=moderator, room=team_room, user=member, until=timezone.now() + timedelta(hours=1)
    )
    assert beat(member, team_room)["online"][0]["user_id"] == member.pk
    assert client_for(member).post(url(team_room, "tippt")).status_code == 403
    assert events.kinds() == ["presence.changed"]


# -- presence -------------------------------------------------------------------------------------


def test_a_heartbeat_lists_everyone_online_in_the_room(team_room, clock):
    first, second = team_member(team_room), team_member(team_room)
    assert [person["user_id"] for person in beat(first, team_room)["online"]] == [first.pk]
    clock.advance(1)
    answer = beat(second, team_room)
    assert answer["ok"] and answer["enabled"] and answer["available"]
    assert {person["user_id"] for person in answer["online"]} == {first.pk, second.pk}
    assert answer["count"] == 2
    assert {person["name"] for person in answer["online"]} == {str(first), str(second)}
    assert answer["heartbeat_seconds"] == presence.heartbeat_seconds()


def test_the_room_page_shows_who_was_online_in_the_last_minute_without_javascript(team_room, clock):
    visitor = team_member(team_room, display_name="Mia <script>alert(1)</script>")
    reader = team_member(team_room)
    assert client_for(visitor).get(f"/chat/{team_room.slug}/").status_code == 200
    page = client_for(reader).get(f"/chat/{team_room.slug}/").content.decode()
    assert 'class="chat-presence"' in page
    assert f'<li data-user-id="{visitor.pk}">Mia &lt;script&gt;alert(1)&lt;/script&gt;</li>' in page
    assert f'<li data-user-id="{reader.pk}">' in page
    assert "<script>alert(1)" not in page
    assert f'data-presence-url="/chat/{team_room.slug}/anwesenheit/"' in page
    assert f'data-typing-url="/chat/{team_room.slug}/tippt/"' in page


def test_presence_expires_after_its_ttl_unless_a_heartbeat_renews_it(team_room, clock, settings):
    settings.CHAT_PRESENCE_TTL_SECONDS = 60
    settings.CHAT_PRESENCE_HEARTBEAT_SECONDS = 30
    stays, leaves = team_member(team_room), team_member(team_room)
    beat(stays, team_room)
    beat(leaves, team_room)
    clock.advance(45)
    beat(stays, team_room)
    clock.advance(16)  # 61 s after the last heartbeat of `leaves`, 16 s after the one of `stays`
    assert online_ids(team_room) == [stays.pk]
    clock.advance(45)
    assert online_ids(team_room) == []


def test_the_ttl_comes_from_the_settings(team_room, clock, settings):
    settings.CHAT_PRESENCE_TTL_SECONDS = 10
    settings.CHAT_PRESENCE_HEARTBEAT_SECONDS = 5
    member = team_member(team_room)
    beat(member, team_room)
    clock.advance(9)
    assert online_ids(team_room) == [member.pk]
    clock.advance(2)
    assert online_ids(team_room) == []


def test_heartbeats_closer_than_the_interval_are_refused(team_room, clock):
    member = team_member(team_room)
    client = client_for(member)
    assert client.post(url(team_room, "anwesenheit")).status_code == 200
    clock.advance(presence.heartbeat_min_interval() - 1)
    refused = client.post(url(team_room, "anwesenheit"))
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(presence.heartbeat_min_interval())
    clock.advance(1)
    assert client.post(url(team_room, "anwesenheit")).status_code == 200


def test_joining_publishes_the_online_list_and_renewing_publishes_nothing(team_room, clock, events):
    first, second = team_member(team_room), team_member(team_room)
    beat(first, team_room)
    clock.advance(30)
    beat(first, team_room)
    beat(second, team_room)
    assert events.kinds() == ["presence.changed", "presence.changed"]
    last = events()[-1]
    assert last["stream"] == f"chat:{team_room.pk}"
    assert last["id"] is None  # ephemeral: never replayed
    assert set(last["payload"]) == {"room_id", "online", "count"}
    assert {person["user_id"] for person in last["payload"]["online"]} == {first.pk, second.pk}
    assert last["payload"]["count"] == 2


def test_coming_back_after_the_ttl_announces_the_member_again(team_room, clock, events):
    member = team_member(team_room)
    beat(member, team_room)
    clock.advance(presence.presence_ttl() + 1)
    beat(member, team_room)
    assert events.kinds() == ["presence.changed", "presence.changed"]


def test_the_roster_is_capped_and_forgets_those_who_left(team_room, clock, settings):
    settings.CHAT_PRESENCE_MAX = 3
    settings.CHAT_PRESENCE_SHOWN = 2
    members = [team_member(team_room) for _ in range(4)]
    for member in members:
        beat(member, team_room)
    snapshot = presence.presence_snapshot(room=team_room)
    assert snapshot.count == 3 and len(snapshot.online) == 2
    assert members[3].pk not in online_ids(team_room)
    clock.advance(presence.presence_ttl() + 1)
    beat(members[3], team_room)  # the others expired: there is room again
    assert online_ids(team_room) == [members[3].pk]


def test_presence_writes_nothing_to_the_database(team_room, clock):
    member = team_member(team_room)
    client = client_for(member)
    with CaptureQueriesContext(connection) as captured:
        assert client.post(url(team_room, "anwesenheit")).status_code == 200
        clock.advance(presence.typing_interval())
        assert client.post(url(team_room, "tippt")).status_code == 200
    writes = [
        # PostgreSQL parenthesises the parts of a UNION: "(SELECT ...) UNION (SELECT ...)" is a read too.
        q["sql"]
        for q in captured
        if not q["sql"].lstrip(" (").upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    assert writes == []


# -- typing ---------------------------------------------------------------------------------------


def test_typing_is_published_without_an_id_and_throttled(team_room, clock, events):
    member = team_member(team_room)
    client = client_for(member)
    assert client.post(url(team_room, "tippt")).status_code == 200
    clock.advance(presence.typing_min_interval() - 0.5)
    assert client.post(url(team_room, "tippt")).status_code == 429
    clock.advance(0.5)
    assert client.post(url(team_room, "tippt")).status_code == 200
    typing = [event for event in events() if event["kind"] == "typing.started"]
    assert len(typing) == 2
    assert typing[0]["id"] is None and typing[0]["stream"] == f"chat:{team_room.pk}"
    assert typing[0]["payload"] == {
        "room_id": team_room.pk,
        "user_id": member.pk,
        "name": str(member),
        "expires_in": presence.typing_ttl(),
    }


def test_typing_shows_in_the_heartbeat_until_its_ttl_passes(team_room, clock, settings):
    settings.CHAT_TYPING_TTL_SECONDS = 5
    typist, reader = team_member(team_room), team_member(team_room)
    beat(typist, team_room)
    assert client_for(typist).post(url(team_room, "tippt")).status_code == 200
    clock.advance(4)
    assert [person["user_id"] for person in beat(reader, team_room)["typing"]] == [typist.pk]
    clock.advance(2)
    assert presence.presence_snapshot(room=team_room).typing == []


# -- switched off and failing ---------------------------------------------------------------------


class BrokenCache:
    """Every call fails, as a cache server that went away does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_a_failing_cache_never_breaks_reading_or_sending(team_room, monkeypatch, events):
    member = team_member(team_room)
    client = client_for(member)
    monkeypatch.setattr(presence, "_cache", lambda: BrokenCache())
    page = client.get(f"/chat/{team_room.slug}/")
    assert page.status_code == 200
    # The list is there for the script but hidden while the cache is down.
    assert re.search(r'<aside class="chat-presence"[^>]*\shidden>', page.content.decode())
    sent = client.post(f"/chat/{team_room.slug}/", {"body_markdown": "Geht trotzdem"})
    assert sent.status_code == 302
    assert Message.objects.filter(room=team_room, body_markdown="Geht trotzdem").exists()
    answer = client.post(url(team_room, "anwesenheit"))
    assert answer.status_code == 200 and answer.json()["available"] is False
    assert client.post(url(team_room, "tippt")).json() == {"ok": True, "status": presence.UNAVAILABLE}
    assert events.kinds() == ["message.created"]


def test_presence_can_be_switched_off_under_load(team_room, settings, events):
    settings.CHAT_PRESENCE_ENABLED = False
    member = team_member(team_room)
    client = client_for(member)
    page = client.get(f"/chat/{team_room.slug}/").content.decode()
    assert "chat-presence" not in page and "data-presence-url" not in page
    assert client.post(url(team_room, "anwesenheit")).json()["enabled"] is False
    assert client.post(url(team_room, "tippt")).json()["status"] == presence.DISABLED
    assert events() == []


# -- speed ----------------------------------------------------------------------------------------


def test_heartbeats_and_the_room_page_need_the_same_queries_for_2_and_for_20_members_online(team_room, clock):
    member = team_member(team_room)
    client = client_for(member)
    room_url = f"/chat/{team_room.slug}/"
    client.get(room_url)  # the first visit creates the member's read marker row

    def queries(do) -> int:
        clock.advance(presence.heartbeat_min_interval())
        with CaptureQueriesContext(connection) as captured:
            assert do().status_code == 200
        return len(captured)

    def measure() -> list[int]:
        return [
            queries(lambda: client.post(url(team_room, "anwesenheit"))),
            queries(lambda: client.post(url(team_room, "tippt"))),
            queries(lambda: client.get(room_url)),
        ]

    for other in [team_member(team_room)]:
        beat(other, team_room)
    few = measure()
    for other in [team_member(team_room) for _ in range(18)]:
        beat(other, team_room)
    assert presence.presence_snapshot(room=team_room).count == 20
    many = measure()
    assert few == many
    # session, user, room (+ the room silence for typing): the cache answers the rest
    assert many[0] <= 4 and many[1] <= 5


def test_a_handlungsfeld_room_counts_every_member_who_may_read_it(clock):
    room = Room.objects.get(handlungsfeld=HandlungsfeldFactory())
    members = [MemberFactory() for _ in range(3)]
    for member in members:
        beat(member, room)
    assert sorted(online_ids(room)) == sorted(member.pk for member in members)
