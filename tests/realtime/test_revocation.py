"""Access that ends while a socket is open: subscriptions end within seconds, and nothing more arrives."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from community.models import TeamMembership
from realtime.events import request_recheck
from tests.factories import TeamMembershipFactory

from .conftest import Socket, events_of, reply

pytestmark = pytest.mark.django_db


def remove_membership(*, membership_id: int) -> None:
    TeamMembership.objects.get(pk=membership_id).delete()


def test_removing_a_team_membership_ends_the_team_topic_subscription_at_once(
    team, team_topic, team_member, team_membership, public_topic, live
):
    colleague = TeamMembershipFactory(team=team).user

    async def scenario():
        socket = await Socket.connect(team_member)
        await socket.subscribe(f"topic:{team_topic.pk}")
        await socket.subscribe(f"topic:{public_topic.pk}")
        # The membership's delete signal asks the member's sockets to re-check (after commit).
        await live(remove_membership, membership_id=team_membership.pk)
        revoked = await socket.drain()
        await live(reply, topic=team_topic, author=colleague)
        await live(reply, topic=public_topic)
        after = await socket.drain()
        await socket.close()
        return revoked, after

    revoked, after = async_to_sync(scenario)()

    stream = f"topic:{team_topic.pk}"
    assert revoked == [
        {"type": "error", "code": "forbidden", "message": revoked[0]["message"], "stream": stream},
        {"type": "unsubscribed", "stream": stream, "reason": "forbidden"},
    ]
    # The public topic goes on; the team topic is silent.
    assert [frame["stream"] for frame in events_of(after)] == [f"topic:{public_topic.pk}"]


def test_the_periodic_recheck_ends_a_lost_subscription_without_any_signal(
    settings, team_topic, team_member, team_membership
):
    settings.REALTIME_RECHECK_SECONDS = 0.2

    async def scenario():
        socket = await Socket.connect(team_member)
        await socket.subscribe(f"topic:{team_topic.pk}")
        # Deleted without committing: the signal's re-check request never leaves; only the timer notices.
        await database_sync_to_async(remove_membership)(membership_id=team_membership.pk)
        frames = await socket.drain(quiet=0.6)
        await socket.close()
        return frames

    frames = async_to_sync(scenario)()

    assert {"type": "unsubscribed", "stream": f"topic:{team_topic.pk}", "reason": "forbidden"} in frames


def test_a_deactivated_account_loses_its_user_stream_and_member_streams(members_category, member, live):
    from .conftest import start_topic

    topic = start_topic(members_category)

    def deactivate(*, user_id: int) -> None:
        user = type(member).objects.get(pk=user_id)
        user.is_active = False
        user.save()

    async def scenario():
        socket = await Socket.connect(member)
        await socket.subscribe(f"user:{member.pk}")
        await socket.subscribe(f"topic:{topic.pk}")
        await live(deactivate, user_id=member.pk)
        frames = await socket.drain()
        await socket.close()
        return frames

    frames = async_to_sync(scenario)()

    assert {frame["stream"] for frame in frames if frame["type"] == "unsubscribed"} == {
        f"user:{member.pk}",
        f"topic:{topic.pk}",
    }


def test_a_recheck_request_leaves_subscriptions_the_member_still_may_follow(team_topic, team_member, live):
    async def scenario():
        socket = await Socket.connect(team_member)
        await socket.subscribe(f"topic:{team_topic.pk}")
        await live(request_recheck, user_id=team_member.pk)
        quiet = await socket.drain()
        await live(reply, topic=team_topic, author=team_member)
        after = await socket.drain()
        await socket.close()
        return quiet, after

    quiet, after = async_to_sync(scenario)()

    assert quiet == []
    assert [frame["id"] for frame in events_of(after)] == [2]
