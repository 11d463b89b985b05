"""The profile editor (/konto/profil/) and the "my teams" page (/konto/teams/)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Profile
from tests.factories import HandlungsfeldFactory, RegionFactory, TeamFactory, TeamMembershipFactory
from tests.html import visible_text

pytestmark = pytest.mark.django_db

PROFILE_URL = "/konto/profil/"
TEAMS_URL = "/konto/teams/"


@pytest.mark.parametrize("path", [PROFILE_URL, TEAMS_URL])
def test_the_member_pages_need_a_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/konto/login/?next={path}"


class TestProfileEdit:
    def test_the_form_shows_the_current_values(self, member_client, member):
        response = member_client.get(PROFILE_URL)

        assert response.status_code == 200
        assert f'value="{member.display_name}"' in response.content.decode()

    def test_saving_updates_name_region_handlungsfelder_and_bio(self, member_client, member):
        region = RegionFactory(name="Hohenlohe")
        energie, mobilitaet, _bildung = HandlungsfeldFactory.create_batch(3)

        response = member_client.post(
            PROFILE_URL,
            {"display_name": "  Paula Hohenlohe ", "region": region.pk,
             "handlungsfelder": [energie.pk, mobilitaet.pk], "bio": "Ich mag **Bürgerenergie**."},
        )  # fmt: skip

        assert response.status_code == 302
        assert response.url == PROFILE_URL
        member.refresh_from_db()
        profile = Profile.objects.get(user=member)
        assert member.display_name == "Paula Hohenlohe"
        assert profile.region == region
        assert set(profile.handlungsfelder.all()) == {energie, mobilitaet}
        assert profile.bio == "Ich mag **Bürgerenergie**."
        assert "<strong>Bürgerenergie</strong>" in profile.bio_html

    def test_after_saving_a_success_message_is_shown(self, member_client):
        response = member_client.post(PROFILE_URL, {"display_name": "Paula", "bio": ""}, follow=True)

        assert response.status_code == 200
        messages = [str(message) for message in response.context["messages"]]
        assert len(messages) == 1
        assert messages[0] in visible_text(response.content.decode())
        assert messages[0] != "Your profile has been saved."  # translated

    def test_a_script_in_the_bio_never_reaches_the_rendered_html(self, member_client, member):
        member_client.post(
            PROFILE_URL,
            {"display_name": "Paula", "bio": 'Hallo <script>alert("x")</script> [klick](javascript:alert(1))'},
        )

        profile = Profile.objects.get(user=member)
        assert "<script" not in profile.bio_html
        assert 'href="javascript' not in profile.bio_html.lower()
        assert "Hallo" in profile.bio_html

    def test_an_empty_display_name_is_refused_in_german_and_the_other_values_stay(self, member_client, member):
        region = RegionFactory(name="Hohenlohe")
        feld = HandlungsfeldFactory()
        old_name = member.display_name

        response = member_client.post(
            PROFILE_URL,
            {"display_name": "   ", "region": region.pk, "handlungsfelder": [feld.pk], "bio": "Mein Text"},
        )

        assert response.status_code == 200
        form = response.context["form"]
        assert "display_name" in form.errors
        html = response.content.decode()
        assert form.errors["display_name"][0] in html
        assert form.errors["display_name"][0] not in ("This field is required.", "Please enter a display name.")
        assert "Mein Text" in html
        assert f'value="{region.pk}" selected' in html
        assert re.search(rf'<input[^>]*name="handlungsfelder"[^>]*value="{feld.pk}"[^>]*checked', html)
        member.refresh_from_db()
        assert member.display_name == old_name

    def test_a_bio_longer_than_600_characters_is_refused(self, member_client, member):
        response = member_client.post(PROFILE_URL, {"display_name": "Paula", "bio": "x" * 601})

        assert response.status_code == 200
        assert "bio" in response.context["form"].errors

    def test_a_get_request_with_parameters_changes_nothing(self, member_client, member):
        name = member.display_name

        member_client.get(PROFILE_URL, {"display_name": "Hacker"})

        member.refresh_from_db()
        assert member.display_name == name


class TestMyTeams:
    def test_the_page_lists_the_members_teams_only(self, member_client, member):
        mine = TeamFactory(name="Regionalteam Hohenlohe")
        TeamMembershipFactory(team=mine, user=member)
        TeamMembershipFactory(team=mine)
        TeamFactory(name="Fremdes Team")

        response = member_client.get(TEAMS_URL)

        assert response.status_code == 200
        html = response.content.decode()
        assert "Regionalteam Hohenlohe" in html
        assert "Fremdes Team" not in html
        assert response.context["memberships"][0].member_count == 2

    def test_a_member_without_teams_sees_an_empty_state(self, member_client):
        response = member_client.get(TEAMS_URL)

        assert response.status_code == 200
        assert response.context["memberships"] == []

    def test_the_page_needs_the_same_queries_for_1_and_10_teams(self, member_client, member, django_assert_num_queries):
        TeamMembershipFactory(user=member)
        member_client.get(TEAMS_URL)
        with CaptureQueriesContext(connection) as with_one:
            assert member_client.get(TEAMS_URL).status_code == 200
        expected = len(with_one)  # read now: every request empties the connection's query log

        for _ in range(9):
            TeamMembershipFactory(user=member)
        member_client.get(TEAMS_URL)  # new memberships drop the member's cached teams; this request refills them

        with django_assert_num_queries(expected):
            response = member_client.get(TEAMS_URL)
        assert len(response.context["memberships"]) == 10
