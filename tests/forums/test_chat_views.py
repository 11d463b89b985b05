"""Chat pages: access matrix, leaks, Post/Redirect/Get, keyset pagination, fragments, search, XSS, query counts."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from community.roles import Role
from forums.models import Message, Room, RoomMember
from forums.services import chat as services
from tests.broken_cache import UNREACHABLE_CACHES
from tests.factories import HandlungsfeldFactory, MemberFactory, TeamFactory, TeamMembershipFactory, UserFactory
from tests.query_counts import cold_query_count as queries_for

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def make_room(kind: str, insider) -> Room:
    moderator = MemberFactory(roles=[Role.MODERATOR])
    if kind == "handlungsfeld":
        return Room.objects.get(handlungsfeld=HandlungsfeldFactory())
    if kind == "team":
        team = TeamFactory()
        TeamMembershipFactory(team=team, user=insider)
        return Room.objects.get(team=team)
    if kind == "public":
        return services.room_create(actor=moderator, name="Offener Raum")
    if kind == "private":
        return services.room_create(actor=moderator, name="Geheimer Raum", kind=Room.Kind.PRIVATE, members=[insider])
    return services.direct_conversation_open(actor=insider, members=[MemberFactory()])


# role -> room kind -> may read
MATRIX = {
    "anonymous": {"handlungsfeld": False, "team": False, "public": False, "private": False, "direct": False},
    "unverified": {"handlungsfeld": False, "team": False, "public": False, "private": False, "direct": False},
    "member": {"handlungsfeld": True, "team": False, "public": True, "private": False, "direct": False},
    "insider": {"handlungsfeld": True, "team": True, "public": True, "private": True, "direct": True},
    "moderator": {"handlungsfeld": True, "team": True, "public": True, "private": True, "direct": False},
}


@pytest.mark.parametrize("kind", ["handlungsfeld", "team", "public", "private", "direct"])
@pytest.mark.parametrize("role", list(MATRIX))
def test_the_access_matrix_of_rooms(role, kind):
    insider = MemberFactory()
    room = make_room(kind, insider)
    message = services.message_send(author=insider, room=room, body_markdown="Geheimnis 4711")
    viewer = {
        "anonymous": None,
        "unverified": UserFactory(),
        "member": MemberFactory(),
        "insider": insider,
        "moderator": MemberFactory(roles=[Role.MODERATOR]),
    }[role]
    client = client_for(viewer)
    key = room.slug or room.pk
    response = client.get(f"/chat/{key}/")
    fragment = client.get(f"/chat/{key}/nachrichten/{message.pk}/")
    if role == "anonymous":
        assert response.status_code == 302 and fragment.status_code == 302
        return
    allowed = MATRIX[role][kind]
    assert response.status_code == (200 if allowed else 404)
    assert fragment.status_code == (200 if allowed else 404)
    assert ("Geheimnis 4711" in response.content.decode()) is allowed
    search = client.get("/chat/suche/", {"q": "4711"}).content.decode()
    # Search lists rooms that are the viewer's own (moderators search their rooms, not all).
    assert ("Geheimnis 4711" in search) is (
        allowed and role != "moderator" or (role == "moderator" and kind in {"handlungsfeld", "public"})
    )


def test_outsiders_cannot_post_into_a_team_room_by_url():
    insider = MemberFactory()
    room = make_room("team", insider)
    response = client_for(MemberFactory()).post(f"/chat/{room.slug}/", {"body_markdown": "Hallo"})
    assert response.status_code == 404
    assert not Message.objects.filter(room=room).exists()


def test_a_message_is_sent_with_post_redirect_get():
    member = MemberFactory()
    room = make_room("handlungsfeld", member)
    client = client_for(member)
    response = client.post(f"/chat/{room.slug}/", {"body_markdown": "Guten Morgen!"})
    message = Message.objects.get(room=room)
    assert response.status_code == 302 and response["Location"].endswith(f"#m-{message.pk}")
    assert "Guten Morgen!" in client.get(response["Location"]).content.decode()


def test_a_message_is_stored_and_redirected_while_the_cache_is_unreachable(settings):
    """Redis restarting: the member cache and presence fail open, the message is written all the same."""
    member = MemberFactory()
    room = make_room("handlungsfeld", member)
    client = client_for(member)
    settings.CACHES = UNREACHABLE_CACHES
    response = client.post(f"/chat/{room.slug}/", {"body_markdown": "Trotz Funkloch"})
    message = Message.objects.get(room=room)
    assert response.status_code == 302 and response["Location"].endswith(f"#m-{message.pk}")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Trotz Funkloch" in page.content.decode()


def test_a_refused_message_keeps_the_typed_text_and_says_why(settings):
    settings.CHAT_RATE_LIMIT = "1/60"
    member = MemberFactory()
    room = make_room("handlungsfeld", member)
    client = client_for(member)
    client.post(f"/chat/{room.slug}/", {"body_markdown": "eins"})
    with translation.override("en"):
        response = client.post(f"/chat/{room.slug}/", {"body_markdown": "Mein langer Text"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Mein langer Text" in page
    assert "errorlist" in page or "form-errors" in page or "field--invalid" in page
    json = client.post(f"/chat/{room.slug}/", {"body_markdown": "per fetch"}, headers={"X-Requested-With": "fetch"})
    assert json.status_code == 400 and json.json()["ok"] is False and json.json()["errors"]


def test_sending_by_fetch_answers_with_the_rendered_message():
    member = MemberFactory()
    room = make_room("handlungsfeld", member)
    response = client_for(member).post(
        f"/chat/{room.slug}/", {"body_markdown": "Live!"}, headers={"X-Requested-With": "fetch"}
    )
    data = response.json()
    assert data["ok"] and data["id"] == Message.objects.get().pk and "Live!" in data["html"]


XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klick](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<a href="#" onclick="alert(1)">x</a>',
    "![bild](javascript:alert(1))",
]


@pytest.mark.parametrize("payload", XSS)
def test_malicious_messages_render_inert(payload):
    member = MemberFactory()
    room = make_room("handlungsfeld", member)
    message = services.message_send(author=member, room=room, body_markdown=payload)
    page = client_for(member).get(f"/chat/{room.slug}/").content.decode()
    fragment = client_for(member).get(f"/chat/{room.slug}/nachrichten/{message.pk}/").content.decode()

    def article(html: str) -> str:
        start = html.index(f'id="m-{message.pk}"')
        return html[start : html.index("</article>", start)]

    for html in (message.body_html, article(page), article(fragment)):
        lowered = html.lower()
        assert "<script" not in lowered
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", lowered)
        assert 'href="javascript:' not in lowered and "<svg" not in lowered


def test_older_messages_load_by_keyset_links():
    member = MemberFactory()
    room = make_room("handlungsfeld", member)
    ids = [_send_old(member, room, n) for n in range(60)]
    client = client_for(member)
    page = client.get(f"/chat/{room.slug}/").content.decode()
    assert "Nachricht Nummer 59<" in page and "Nachricht Nummer 10<" in page
    assert "Nachricht Nummer 9<" not in page
    assert f"?vor={ids[10]}" in page
    older = client.get(f"/chat/{room.slug}/?vor={ids[10]}").content.decode()
    assert "Nachricht Nummer 9<" in older and "Nachricht Nummer 0<" in older and "Nachricht Nummer 10<" not in older


def _send_old(member, room, n):
    from datetime import timedelta

    from django.utils import timezone

    return services.message_send(
        author=member, room=room, body_markdown=f"Nachricht Nummer {n}", created_at=timezone.now() - timedelta(hours=1)
    ).pk


def test_viewing_the_room_moves_the_read_marker_and_the_overview_counts_unread_and_mentions_first():
    reader = MemberFactory()
    talker = MemberFactory()
    quiet = make_room("handlungsfeld", reader)
    loud = make_room("handlungsfeld", reader)
    _send_old(talker, quiet, 1)
    services.message_send(author=talker, room=loud, body_markdown=f"@{reader.handle} kannst du helfen?")
    client = client_for(reader)
    overview = client.get("/chat/").content.decode()
    assert overview.index(loud.name) < overview.index(quiet.name)
    client.get(f"/chat/{quiet.slug}/")
    member = RoomMember.objects.get(room=quiet, user=reader)
    quiet.refresh_from_db()
    assert member.last_read_message_id == quiet.last_message_id


def test_mute_toggles_from_the_room_page():
    member = MemberFactory()
    room = make_room("handlungsfeld", member)
    client = client_for(member)
    client.post(f"/chat/{room.slug}/stumm/", {"muted": "1"})
    assert RoomMember.objects.get(room=room, user=member).muted is True
    client.post(f"/chat/{room.slug}/stumm/", {"muted": "0"})
    assert RoomMember.objects.get(room=room, user=member).muted is False


def test_edit_delete_react_and_pin_work_without_javascript():
    author = MemberFactory()
    room = make_room("handlungsfeld", author)
    message = services.message_send(author=author, room=room, body_markdown="Erster Endwurf")
    client = client_for(author)
    base = f"/chat/{room.slug}/nachrichten/{message.pk}/"
    assert client.post(f"{base}bearbeiten/", {"body_markdown": "Erster Entwurf"}).status_code == 302
    assert client.post(f"{base}reaktion/", {"kind": "heart"}).status_code == 302
    message.refresh_from_db()
    assert message.edited_at and message.reaction_counts == {"heart": 1}
    assert client.post(f"{base}anheften/").status_code == 403
    moderator = client_for(MemberFactory(roles=[Role.MODERATOR]))
    assert moderator.post(f"{base}anheften/").status_code == 302
    page = client.get(f"/chat/{room.slug}/").content.decode()
    assert "chat-pinned" in page
    assert client.post(f"{base}loeschen/").status_code == 302
    message.refresh_from_db()
    assert message.deleted_at is not None


def test_a_direct_conversation_starts_from_handles_and_is_reused():
    starter = MemberFactory()
    other = MemberFactory()
    client = client_for(starter)
    first = client.post("/chat/direkt/", {"handles": f"@{other.handle}"})
    second = client.post("/chat/direkt/", {"handles": other.handle})
    assert first.status_code == 302 and first["Location"] == second["Location"]
    missing = client.post("/chat/direkt/", {"handles": "@niemand-da"})
    assert missing.status_code == 400 and "niemand-da" in missing.content.decode()


def test_the_room_page_and_overview_need_the_same_few_queries_for_5_and_for_50_messages():
    member = MemberFactory()
    room = make_room("team", member)
    others = [TeamMembershipFactory(team=room.team).user for _ in range(3)]
    client = client_for(member)

    def fill(count: int) -> None:
        for n in range(count):
            message = _send_old(others[n % 3], room, n)
            if n % 4 == 0:
                services.message_reaction_toggle(user=member, message=Message.objects.get(pk=message), kind="+1")

    fill(5)
    client.get(f"/chat/{room.slug}/")  # the first visit creates the member's read marker row
    few = [queries_for(client, f"/chat/{room.slug}/"), queries_for(client, "/chat/")]
    fill(45)
    many = [queries_for(client, f"/chat/{room.slug}/"), queries_for(client, "/chat/")]
    assert few == many
    assert max(many) <= 15
