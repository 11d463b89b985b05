"""The topic page's per-post controls are computed once per page; they must still follow the permission rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from community.roles import Role
from forums import permissions, selectors, services
from forums.models import Topic
from forums.services.moderation import limits_bypassed
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _page(topic: Topic):
    found = Topic.objects.select_related("category__parent").get(pk=topic.pk)
    return found, selectors.topic_post_page(found).object_list


@pytest.mark.parametrize("archived", [False, True])
def test_the_precomputed_rights_agree_with_the_permission_functions(topic, member, archived):
    other = MemberFactory()
    moderator = MemberFactory(roles=[Role.MODERATOR])
    with limits_bypassed():
        reply = services.post_create(author=other, topic=topic, body_markdown="Eine Antwort")
        mine = services.post_create(author=member, topic=topic, body_markdown="Noch eine von mir")
        services.post_delete(actor=member, post=mine)
    services.post_create(author=member, topic=topic, body_markdown="Und noch eine")
    assert reply.pk
    Topic.objects.filter(pk=topic.pk).update(archived=archived)
    for viewer in (member, other, moderator, MemberFactory(), AnonymousUser()):
        found, rows = _page(topic)
        states = selectors.post_viewer_state(viewer, rows, found)["posts"]
        for row in rows:
            post, state = row.post, states[row.post.pk]
            post.topic = found
            authenticated = viewer.is_authenticated
            assert state.can_react == (authenticated and permissions.can_react(viewer, post)), (viewer, post)
            assert state.can_edit == (authenticated and permissions.can_edit_post(viewer, post)), (viewer, post)
            assert state.can_delete == (authenticated and permissions.can_delete_post(viewer, post)), (viewer, post)
            may_flag = authenticated and permissions.can_flag(viewer, post)
            assert state.can_flag == may_flag, (viewer, post)


def test_a_post_carries_little_markup_and_links_to_the_flag_and_moderation_pages(client, topic, member):
    other = MemberFactory()
    with limits_bypassed():
        reply = services.post_create(author=other, topic=topic, body_markdown="Eine Antwort")
    client.force_login(member)
    with translation.override("en"):
        html = client.get(f"/foren/t/{topic.pk}/?page=1").content.decode()
    # The flag form of the member opens the flag page; the reason is chosen there.
    assert f'<form class="post-flag" method="get" action="/foren/p/{reply.pk}/melden/">' in html
    assert 'name="reason"' not in html
    assert "/moderieren/" not in html
    flag_page = client.get(f"/foren/p/{reply.pk}/melden/")
    assert flag_page.status_code == 200
    assert 'name="reason"' in flag_page.content.decode()

    client.force_login(MemberFactory(roles=[Role.MODERATOR]))
    html = client.get(f"/foren/t/{topic.pk}/?page=1").content.decode()
    assert f'href="/foren/p/{reply.pk}/moderieren/?action=hide"' in html
    assert f'href="/foren/p/{reply.pk}/moderieren/?action=silence"' in html
    assert client.get(f"/foren/p/{reply.pk}/moderieren/?action=hide").status_code == 200


def test_equal_posts_share_their_rendered_reaction_buttons(topic, member):
    other = MemberFactory()
    with limits_bypassed():
        first = services.post_create(author=other, topic=topic, body_markdown="Eins")
        second = services.post_create(author=other, topic=topic, body_markdown="Zwei")
        third = services.post_create(author=other, topic=topic, body_markdown="Drei")
    services.reaction_toggle(user=member, post=third, kind="heart")
    found, rows = _page(topic)
    states = selectors.post_viewer_state(member, rows, found)["posts"]
    assert states[first.pk].reaction_buttons is states[second.pk].reaction_buttons
    assert 'aria-pressed="true"' in states[third.pk].reaction_buttons
    assert 'aria-pressed="true"' not in states[first.pk].reaction_buttons


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_fast_display_date_writes_what_djangos_date_format_writes(language):
    from datetime import UTC, datetime

    from django.utils import timezone
    from django.utils.formats import date_format

    from forums.selectors.lists import _display_date

    with translation.override(language):
        for value in (datetime(2026, 3, 1, 7, 5, tzinfo=UTC), datetime(2026, 12, 31, 23, 59, tzinfo=UTC)):
            assert _display_date(value) == date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def test_a_format_with_letters_strftime_cannot_write_falls_back_to_django():
    from forums.selectors.lists import _strftime_pattern

    assert _strftime_pattern("d.m.Y H:i") == "%d.%m.%Y %H:%M"
    assert _strftime_pattern("m/d/Y P") is None
    assert _strftime_pattern(r"d \d\e") is None
