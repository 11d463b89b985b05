"""Who may follow which stream: the forums' and notifications' permission rules, asked on every subscribe."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from tests.factories import MemberFactory, UserFactory

from .conftest import Socket, events_of, reply, socket_headers, start_topic

pytestmark = pytest.mark.django_db


def answers(headers, *streams: str) -> dict[str, str]:
    """Subscribe to each stream; the answer per stream: "subscribed" or the error code."""

    async def scenario():
        socket = await Socket.open(headers)
        result = {}
        for stream in streams:
            frames = await socket.subscribe(stream, since=None)
            (frame,) = frames
            result[stream] = frame["code"] if frame["type"] == "error" else frame["type"]
        await socket.close()
        return result

    return async_to_sync(scenario)()


@pytest.fixture
def streams(public_category, members_category, team_category, team_member):
    return {
        "public_topic": f"topic:{start_topic(public_category).pk}",
        "members_topic": f"topic:{start_topic(members_category).pk}",
        "team_topic": f"topic:{start_topic(team_category, team_member).pk}",
        "public_category": f"category:{public_category.pk}",
        "members_category": f"category:{members_category.pk}",
        "team_category": f"category:{team_category.pk}",
    }


def test_an_anonymous_visitor_may_follow_only_public_topics_and_categories(streams, member):
    result = answers(socket_headers(), *streams.values(), f"user:{member.pk}")

    assert result == {
        streams["public_topic"]: "subscribed",
        streams["public_category"]: "subscribed",
        streams["members_topic"]: "forbidden",
        streams["members_category"]: "forbidden",
        streams["team_topic"]: "forbidden",
        streams["team_category"]: "forbidden",
        f"user:{member.pk}": "forbidden",
    }


def test_a_member_may_follow_member_streams_and_their_own_user_stream_but_not_a_foreign_team(streams, member):
    other = MemberFactory()

    result = answers(socket_headers(member), *streams.values(), f"user:{member.pk}", f"user:{other.pk}")

    assert result == {
        streams["public_topic"]: "subscribed",
        streams["public_category"]: "subscribed",
        streams["members_topic"]: "subscribed",
        streams["members_category"]: "subscribed",
        streams["team_topic"]: "forbidden",
        streams["team_category"]: "forbidden",
        f"user:{member.pk}": "subscribed",
        f"user:{other.pk}": "forbidden",
    }


def test_an_unconfirmed_account_reads_like_a_visitor(streams):
    result = answers(socket_headers(UserFactory()), streams["public_topic"], streams["members_topic"])

    assert result == {streams["public_topic"]: "subscribed", streams["members_topic"]: "forbidden"}


def test_a_team_member_may_follow_the_teams_private_topic_and_category(streams, team_member):
    result = answers(socket_headers(team_member), streams["team_topic"], streams["team_category"])

    assert result == {streams["team_topic"]: "subscribed", streams["team_category"]: "subscribed"}


def test_a_topic_or_category_that_does_not_exist_is_refused_like_a_private_one(member):
    result = answers(socket_headers(member), "topic:999999", "category:999999", "user:999999")

    assert set(result.values()) == {"forbidden"}


def test_an_outsider_gets_no_event_of_a_private_team_topic(team_topic, team_member, member, public_topic, live):
    """The outsider's socket also follows a public topic, so it demonstrably receives live events."""

    async def scenario():
        outsider = await Socket.connect(member)
        insider = await Socket.connect(team_member)
        refused = await outsider.subscribe(f"topic:{team_topic.pk}", since=0)
        await outsider.subscribe(f"topic:{public_topic.pk}")
        await insider.subscribe(f"topic:{team_topic.pk}")
        await live(reply, topic=team_topic, author=team_member, text="Nur für das Team")
        await live(reply, topic=public_topic)
        outsider_frames = await outsider.drain()
        insider_frames = await insider.drain()
        await outsider.close()
        await insider.close()
        return refused, outsider_frames, insider_frames

    refused, outsider_frames, insider_frames = async_to_sync(scenario)()

    assert [frame["code"] for frame in refused] == ["forbidden"]
    assert [(frame["stream"], frame["id"]) for frame in events_of(outsider_frames)] == [(f"topic:{public_topic.pk}", 2)]
    assert [(frame["stream"], frame["id"]) for frame in events_of(insider_frames)] == [(f"topic:{team_topic.pk}", 2)]
