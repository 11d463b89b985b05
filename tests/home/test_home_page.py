"""The public home page: German content from the demo page tree, with a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.demo import HOME_INTRO
from home.models import ContentPage, HomePage
from tests.factories import TeamFactory, TeamMembershipFactory
from tests.html import texts_of, visible_text

pytestmark = pytest.mark.django_db

# Budgets, not exact counts (4 and 8 queries when written): the page is still
# growing. The 5-vs-50 tests below are exact and catch per-row queries.
ANONYMOUS_QUERY_BUDGET = 6
MEMBER_QUERY_BUDGET = 10


def test_an_anonymous_visitor_sees_the_german_home_page(client, home_page):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="de"' in html
    assert "Mitmach-Regionen" in texts_of(html, "h1")
    assert HOME_INTRO in visible_text(html)
    assert "Was ist eine Mitmach-Region?" in html
    assert "/konto/signup/" in html


def test_the_seeded_tree_has_the_home_page_as_site_root_and_its_content_pages(home_page):
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).root_page.specific == home_page
    slugs = set(ContentPage.objects.child_of(home_page).live().values_list("slug", flat=True))
    assert slugs == {"ueber-uns", "impressum", "datenschutz"}


@pytest.mark.parametrize("path", ["/ueber-uns/", "/impressum/", "/datenschutz/"])
def test_the_content_pages_render(client, home_page, path):
    response = client.get(path)

    assert response.status_code == 200
    assert 'lang="de"' in response.content.decode()


def test_seeding_the_pages_twice_keeps_one_home_page(home_page):
    import io

    from home.demo import seed_pages

    seed_pages(io.StringIO())

    assert HomePage.objects.count() == 1
    assert ContentPage.objects.count() == 3


def test_a_member_sees_the_home_page_with_their_name_in_the_header(member_client, member, home_page):
    response = member_client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert member.display_name in html
    assert 'action="/konto/logout/"' in html


def test_the_home_page_needs_few_queries_for_an_anonymous_visitor(client, home_page, django_assert_max_num_queries):
    client.get("/")  # warm Wagtail's site-root cache, as a running server would have it

    with django_assert_max_num_queries(ANONYMOUS_QUERY_BUDGET):
        assert client.get("/").status_code == 200


def test_the_home_page_needs_few_queries_for_a_member(member_client, home_page, django_assert_max_num_queries):
    member_client.get("/")

    with django_assert_max_num_queries(MEMBER_QUERY_BUDGET):
        assert member_client.get("/").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_home_page_needs_the_same_queries_for_5_and_50_regions_and_teams(
    client, member, home_page, who, django_assert_num_queries
):
    if who == "member":
        client.force_login(member)
    # Every team brings its own region (and Großregion): 5 of each, then 50.
    for team in TeamFactory.create_batch(5):
        TeamMembershipFactory(team=team, user=member)
    client.get("/")
    with CaptureQueriesContext(connection) as with_five:
        assert client.get("/").status_code == 200
    five = len(with_five)  # read now: the next request empties the query log the capture points into

    for team in TeamFactory.create_batch(45):
        TeamMembershipFactory(team=team, user=member)
    client.get("/")  # the new memberships emptied the member's cached roles: refill, as before the first count

    with django_assert_num_queries(five):
        assert client.get("/").status_code == 200
