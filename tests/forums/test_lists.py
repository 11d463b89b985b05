"""The topic lists: each tab over all forums, per category and per tag; badges, counts, privacy, bad input, queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from forums import services
from forums.models import Post, Topic
from tests.factories import MemberFactory
from tests.query_counts import cold_query_count as queries_for

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db

TABS = ["", "neu/", "ungelesen/", "top/", "meine/", "lesezeichen/"]
MEMBER_TABS = ["neu/", "ungelesen/", "meine/", "lesezeichen/"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def titles(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'class="topic-row__title" href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def scene(category, member, start_topic):
    """One topic per tab for `member`, in `category` with tag "raum", and the same outside it."""
    other = MemberFactory()
    now = timezone.now()
    old = start_topic(category=category, author=other, title="Alt und schon gelesen", tags=["raum"])
    services.posts_mark_read(user=member, topic=old, up_to=1)
    fresh = start_topic(category=category, author=other, title="Frisch und noch ungeöffnet", tags=["raum"])
    mine = start_topic(category=category, author=member, title="Von mir begonnen, mit Antworten", tags=["raum"])
    services.post_create(author=other, topic=mine, body_markdown="Eine Antwort für dich")
    answered = start_topic(category=category, author=other, title="Von mir beantwortet, ruhig", tags=["raum"])
    services.post_create(author=member, topic=answered, body_markdown="Meine Antwort")
    marked = start_topic(category=category, author=other, title="Mit meinem Lesezeichen drin", tags=["raum"])
    services.posts_mark_read(user=member, topic=marked, up_to=1)
    services.bookmark_toggle(user=member, post=Post.objects.get(topic=marked, post_number=1))
    ancient = start_topic(category=category, author=other, title="Vor zwei Jahren sehr beliebt", tags=["raum"])
    services.posts_mark_read(user=member, topic=ancient, up_to=1)
    Topic.objects.filter(pk=ancient.pk).update(created_at=now - timedelta(days=700), post_count=99)
    Topic.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=20), reaction_count=7)
    outside = start_topic(category=CategoryFactory(), author=other, title="Woanders und ohne Schlagwort")
    return {
        "old": old,
        "fresh": fresh,
        "mine": mine,
        "answered": answered,
        "marked": marked,
        "ancient": ancient,
        "outside": outside,
    }


EXPECTED = {
    "neu/": ["Frisch und noch ungeöffnet"],
    "ungelesen/": ["Von mir begonnen, mit Antworten"],
    "meine/": ["Von mir beantwortet, ruhig", "Von mir begonnen, mit Antworten"],
    "lesezeichen/": ["Mit meinem Lesezeichen drin"],
}


@pytest.mark.parametrize("tab", list(EXPECTED))
@pytest.mark.parametrize("scope", ["all", "category", "tag"])
def test_each_member_tab_lists_its_topics_in_every_scope(tab, scope, scene, member, category):
    base = {"all": "/foren/", "category": f"/foren/c/{category.slug}/", "tag": "/foren/tag/raum/"}[scope]
    expected = EXPECTED[tab]
    if scope == "all" and tab == "neu/":
        expected = ["Woanders und ohne Schlagwort", *expected]  # the newest first
    assert titles(logged_in(member), base + tab) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # Equal scores: the more recently active first.
        ("woche", ["Von mir beantwortet, ruhig", "Von mir begonnen, mit Antworten"]),
        ("monat", ["Alt und schon gelesen", "Von mir beantwortet, ruhig", "Von mir begonnen, mit Antworten"]),
    ],
)
def test_top_orders_topics_of_the_period_by_posts_and_reactions(period, expected, scene, client, category):
    listed = titles(client, f"/foren/c/{category.slug}/top/?zeitraum={period}")
    assert listed[: len(expected)] == expected
    assert "Vor zwei Jahren sehr beliebt" not in listed


def test_top_with_an_unknown_period_falls_back_to_the_month(scene, client):
    response = client.get("/foren/top/?zeitraum=<script>")
    assert response.status_code == 200
    assert "Alt und schon gelesen" in response.content.decode()
    assert re.search(r'href="/foren/top/\?zeitraum=monat"\s+aria-current="page"', response.content.decode())


def test_latest_puts_globally_pinned_topics_first_and_category_pinned_first_in_their_category(
    category, start_topic, client
):
    other = CategoryFactory()
    pinned_here = start_topic(category=category, title="In der Kategorie angeheftet")
    pinned_everywhere = start_topic(category=other, title="Überall angeheftet, bitte lesen")
    start_topic(category=category, title="Die neueste Frage von allen")
    Topic.objects.filter(pk=pinned_here.pk).update(pinned=True)
    Topic.objects.filter(pk=pinned_everywhere.pk).update(pinned_globally=True)
    everywhere = titles(client, "/foren/")
    assert everywhere[0] == "Überall angeheftet, bitte lesen"
    assert everywhere[1] == "Die neueste Frage von allen"
    assert titles(client, f"/foren/c/{category.slug}/")[0] == "In der Kategorie angeheftet"


def test_rows_show_unread_counts_and_new_badges_for_the_member(scene, member):
    html = logged_in(member).get("/foren/").content.decode()
    mine_row = html[html.index(f'class="topic-row__title" href="/foren/t/{scene["mine"].pk}/"') :][:600]
    assert "1 ungelesener Beitrag" in mine_row
    fresh_row = html[html.index(f'class="topic-row__title" href="/foren/t/{scene["fresh"].pk}/"') :][:400]
    assert "reading-badge--new" in fresh_row
    read_row = html[html.index(f'class="topic-row__title" href="/foren/t/{scene["answered"].pk}/"') :]
    assert "reading-badge" not in read_row[: read_row.index("</li>")]


def test_the_start_page_shows_unread_and_new_counts_per_category(scene, member, category):
    subcategory = CategoryFactory(parent=category)
    services.topic_create(
        author=MemberFactory(), category=subcategory, title="Neu in der Unterkategorie", body_markdown="Hallo"
    )
    html = logged_in(member).get("/foren/").content.decode()
    start = html.index(f'href="/foren/c/{category.slug}/"')
    row = html[start : html.index('class="category-item__latest"', start)]
    assert f'href="/foren/c/{category.slug}/ungelesen/"' in row
    assert re.search(r"1 ungelesen\s*</a>", row)
    assert re.search(r"2 neu\s*</a>", row)  # the fresh topic and the one in the subcategory


def test_tabs_are_a_navigation_with_the_current_one_marked(member, category):
    html = logged_in(member).get(f"/foren/c/{category.slug}/ungelesen/").content.decode()
    nav = html[html.index('<nav class="tabs"') :]
    nav = nav[: nav.index("</nav>")]
    assert re.search(rf'href="/foren/c/{category.slug}/ungelesen/"\s+aria-current="page"', nav)
    assert nav.count('aria-current="page"') == 1
    assert f'href="/foren/c/{category.slug}/lesezeichen/"' in nav


def test_visitors_see_only_the_public_tabs_and_are_sent_to_log_in_for_the_others(client, category):
    nav = client.get("/foren/").content.decode()
    assert 'href="/foren/top/"' in nav
    assert 'href="/foren/neu/"' not in nav
    for tab in MEMBER_TABS:
        for url in (f"/foren/{tab}", f"/foren/c/{category.slug}/{tab}"):
            response = client.get(url)
            assert response.status_code == 302, url
            assert "/konto/" in response["Location"]


def test_unlisted_topics_never_appear_in_lists(category, member, start_topic):
    hidden = start_topic(category=category, author=member, title="Nicht gelistet, nur per Link", tags=["raum"])
    services.post_create(author=MemberFactory(), topic=hidden, body_markdown="Antwort")
    Topic.objects.filter(pk=hidden.pk).update(unlisted=True, pinned_globally=True)
    client = logged_in(member)
    for url in ["/foren/", "/foren/ungelesen/", "/foren/top/", "/foren/meine/", f"/foren/c/{category.slug}/"]:
        assert "Nicht gelistet, nur per Link" not in titles(client, url), url
    categories = client.get("/foren/").content.decode()
    categories = categories[categories.index('id="forum-categories"') : categories.index('id="forum-latest"')]
    assert "Nicht gelistet" not in categories  # not even as the latest topic of its category
    assert client.get("/foren/tag/raum/").status_code == 404


def test_thirty_topics_per_page_with_numbered_pages(category, start_topic, client):
    author = MemberFactory()
    for n in range(31):
        services.topic_create(author=author, category=category, title=f"Frage Nummer {n} an alle", body_markdown="x")
    assert len(titles(client, "/foren/")) == 30
    assert len(titles(client, "/foren/?page=2")) == 1
    assert 'href="?page=2"' in client.get("/foren/").content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1.5", ""])
def test_a_bad_page_number_shows_a_page_instead_of_an_error(page, topic, client):
    assert client.get(f"/foren/?page={page}").status_code == 200
    assert client.get(f"/foren/top/?page={page}").status_code == 200


def test_unknown_categories_and_tags_are_not_found(client, member_client, topic):
    for url in ["/foren/c/gibt-es-nicht/", "/foren/c/gibt-es-nicht/top/", "/foren/tag/gibt-es-nicht/"]:
        assert client.get(url).status_code == 404, url
    assert member_client.get("/foren/c/gibt-es-nicht/neu/").status_code == 404


def test_the_new_topic_form_moved_out_of_the_way_of_the_new_tab(member_client, category):
    html = member_client.get(f"/foren/c/{category.slug}/").content.decode()
    assert f'href="/foren/c/{category.slug}/thema-erstellen/"' in html
    assert member_client.get(f"/foren/c/{category.slug}/thema-erstellen/").status_code == 200
    assert 'name="title"' not in member_client.get(f"/foren/c/{category.slug}/neu/").content.decode()


# --- private team forums ------------------------------------------------------------------------------


SECRET = "Geheime Planung im Team"


@pytest.fixture
def secret_scene(team_category, team_member, start_topic):
    secret = start_topic(category=team_category, author=team_member, title=SECRET, tags=["geheimtag"])
    services.post_create(author=team_member, topic=secret, body_markdown="Noch geheimer")
    return secret


def test_a_private_team_topic_never_appears_in_the_lists_or_counts_of_others(secret_scene, member, category):
    client = logged_in(member)
    urls = [f"/foren/{tab}" for tab in TABS] + [f"/foren/{tab}?zeitraum=jahr" for tab in ["top/"]]
    for url in urls:
        assert SECRET not in client.get(url).content.decode(), url
    assert client.get("/foren/tag/geheimtag/").status_code == 404
    html = client.get("/foren/").content.decode()
    assert "tabs__count" not in html  # nothing new or unread for the outsider: the secret is not counted
    assert "reading-badge" not in html


def test_team_members_see_their_private_topics_in_their_lists(secret_scene, team_member, team_category):
    client = logged_in(team_member)
    assert SECRET in titles(client, "/foren/meine/")
    assert SECRET in titles(client, f"/foren/c/{team_category.slug}/")
    assert SECRET in titles(client, "/foren/tag/geheimtag/")


# --- query counts -------------------------------------------------------------------------------------


def fill(category, member, count: int) -> None:
    author = MemberFactory()
    for n in range(count):
        topic = services.topic_create(
            author=author, category=category, title=f"Frage Nummer {n} an alle", body_markdown="Hallo", tags=["raum"]
        )
        services.post_create(author=member, topic=topic, body_markdown="Antwort")
        services.post_create(author=author, topic=topic, body_markdown="Danke")
        services.bookmark_toggle(user=member, post=Post.objects.get(topic=topic, post_number=1))


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_every_list_needs_the_same_few_queries_for_5_and_for_50_topics(who, member, category):
    CategoryFactory(parent=category)
    client = Client()
    tabs = TABS
    if who == "member":
        client.force_login(member)
    else:
        tabs = ["", "top/"]
    urls = (
        ["/foren/"]
        + [f"/foren/{tab}" for tab in tabs if tab]
        + [f"/foren/c/{category.slug}/{tab}" for tab in tabs]
        + [f"/foren/tag/raum/{tab}" for tab in tabs]
    )
    fill(category, member, 5)
    few = {url: queries_for(client, url) for url in urls}
    fill(category, member, 45)
    many = {url: queries_for(client, url) for url in urls}
    assert few == many
    assert max(many.values()) <= 15, many
