"""`manage.py seed_demo`: idempotent demo content for every role, region and team kind."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page

from community import permissions
from community.demo import DEMO_PASSWORD
from community.models import Grossregion, Handlungsfeld, Profile, Region, Team, TeamMembership, User
from home.models import HomePage
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_EMAILS = ["mitglied@example.org", "moderation@example.org", "redaktion@example.org", "admin@example.org"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "email addresses": EmailAddress.objects.count(),
        "profiles": Profile.objects.count(),
        "group memberships": User.groups.through.objects.count(),
        "profile handlungsfelder": Profile.handlungsfelder.through.objects.count(),
        "handlungsfelder": Handlungsfeld.objects.count(),
        "grossregionen": Grossregion.objects.count(),
        "regions": Region.objects.count(),
        "teams": Team.objects.count(),
        "memberships": TeamMembership.objects.count(),
        "pages": Page.objects.count(),
        "groups": Group.objects.count(),
    }


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """Seed once for a class of tests, in a transaction rolled back after the class.

    Each test still runs in its own savepoint (pytest-django's db fixture), so
    tests that change data leave the seeded state as they found it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            output = seed()
            yield output
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_once, db) -> str:
    return seeded_once


class TestSeededContent:
    def test_seeding_twice_changes_no_row_counts(self, seeded):
        first = row_counts()

        output = seed()

        assert row_counts() == first
        assert "Demo content ready" in output

    def test_about_25_regions_in_germany_austria_switzerland_and_south_tyrol(self, seeded):
        assert 20 <= Region.objects.count() <= 30
        assert set(Region.objects.values_list("country", flat=True)) == {"DE", "AT", "CH", "IT"}
        assert not Region.objects.filter(grossregion__isnull=True).exists()
        assert not Region.objects.filter(latitude__isnull=True).exists()
        for region in Region.objects.all():
            region.full_clean()

    def test_nine_handlungsfelder_and_the_grossregionen_exist(self, seeded):
        assert Handlungsfeld.objects.count() == 9
        assert Grossregion.objects.get(slug="tirol-suedtirol").countries == ["AT", "IT"]

    def test_two_weggemeinschaften_and_three_regionalteams(self, seeded):
        assert Team.objects.filter(kind=Team.Kind.WEGGEMEINSCHAFT).count() == 2
        assert Team.objects.filter(kind=Team.Kind.REGIONALTEAM).count() == 3
        assert not Team.objects.filter(kind=Team.Kind.REGIONALTEAM, region__isnull=True).exists()

    def test_there_is_a_demo_account_with_a_verified_address_for_each_role(self, seeded):
        accounts = {email: User.objects.get(email=email) for email in DEMO_EMAILS}

        for user in accounts.values():
            assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
            assert permissions.can_post(user)
            assert user.display_name
            assert Profile.objects.get(user=user).region is not None
            assert user.team_memberships.exists()
        assert permissions.roles_of(accounts["mitglied@example.org"]) == ["Mitglied"]
        assert permissions.is_moderator(accounts["moderation@example.org"])
        assert not permissions.is_editor(accounts["moderation@example.org"])
        assert permissions.is_editor(accounts["redaktion@example.org"])
        assert not permissions.is_administrator(accounts["redaktion@example.org"])
        assert permissions.is_administrator(accounts["admin@example.org"])
        assert accounts["admin@example.org"].is_superuser

    def test_without_debug_the_demo_accounts_get_no_password(self, seeded):
        assert not User.objects.get(email="mitglied@example.org").has_usable_password()
        assert "no password" in seed()

    def test_the_page_tree_is_seeded_too(self, seeded):
        home = HomePage.objects.get()
        assert home.live
        titles = set(home.get_children().values_list("title", flat=True))
        # The content pages of home's seed; feature apps add their index pages (Online-Kurs, ...) beside them.
        assert {"Über die Initiative", "Impressum", "Datenschutz"} <= titles
        assert "Online-Kurs" in titles

    def test_reset_recreates_the_demo_content_and_keeps_other_data(self, seeded):
        counts = row_counts()
        old_member_pk = User.objects.get(email="mitglied@example.org").pk
        Region.objects.filter(slug="wendland").update(name="Umbenannt")
        own_region = RegionFactory(name="Eigene Region", grossregion=None)
        own_user = UserFactory(email="echt@example.org")

        seed("--reset")

        assert Region.objects.get(slug="wendland").name == "Wendland"
        assert User.objects.get(email="mitglied@example.org").pk != old_member_pk
        assert Region.objects.filter(pk=own_region.pk).exists()
        assert User.objects.filter(pk=own_user.pk).exists()
        expected = {
            **counts,
            "users": counts["users"] + 1,
            "email addresses": counts["email addresses"] + 1,
            "regions": counts["regions"] + 1,
        }
        assert row_counts() == expected


def test_with_debug_the_demo_accounts_use_the_printed_password(settings):
    settings.DEBUG = True

    output = seed()

    assert User.objects.get(email="mitglied@example.org").check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in output
    assert "mitglied@example.org" in output


def test_if_empty_seeds_nothing_when_accounts_exist():
    UserFactory()

    output = seed("--if-empty")

    assert "not created" in output
    assert not Region.objects.exists()
    assert not HomePage.objects.exists()
