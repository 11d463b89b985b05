"""The user model: e-mail login unique regardless of case, display name, dates, manager and initials."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from community.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_custom_user_model_is_active():
    assert get_user_model() is User
    assert User.USERNAME_FIELD == "email"


class TestEmailUniqueness:
    def test_an_address_differing_only_in_case_cannot_be_stored_twice(self):
        User.objects.create_user("foo@x.org", "irrelevant-password-1")

        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(email="Foo@x.org")

    def test_the_same_address_cannot_be_stored_twice(self):
        User.objects.create_user("foo@x.org")

        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(email="foo@x.org")

    def test_the_manager_lowercases_the_domain_and_strips_spaces(self):
        user = User.objects.create_user("  Foo@Example.ORG ")

        assert user.email == "Foo@example.org"

    def test_an_address_is_required(self):
        with pytest.raises(ValueError, match="e-mail"):
            User.objects.create_user("")

    def test_login_finds_the_account_whatever_the_case_of_the_address(self):
        user = UserFactory(email="Rosa.Rot@example.org")

        assert authenticate(username="rosa.rot@EXAMPLE.org", password=DEFAULT_PASSWORD) == user
        assert authenticate(username="rosa.rot@example.org", password="wrong-password-1") is None


class TestManager:
    def test_create_user_makes_a_normal_account_with_a_hashed_password(self):
        user = User.objects.create_user("lena@example.org", "Ein-Passwort-2026", display_name="Lena")

        assert not user.is_staff
        assert not user.is_superuser
        assert user.is_active
        assert user.password != "Ein-Passwort-2026"
        assert user.check_password("Ein-Passwort-2026")
        assert user.display_name == "Lena"

    def test_create_user_without_password_makes_an_unusable_password(self):
        user = User.objects.create_user("ohne@example.org")

        assert not user.has_usable_password()

    def test_create_superuser_makes_a_staff_superuser(self):
        user = User.objects.create_superuser("root@example.org", "Ein-Passwort-2026")

        assert user.is_staff
        assert user.is_superuser
        assert user.has_perm("community.administer_platform")


class TestFields:
    def test_date_joined_is_set_on_creation_and_last_seen_starts_empty(self):
        before = timezone.now()
        user = User.objects.create_user("neu@example.org")

        user.refresh_from_db()
        assert before <= user.date_joined <= timezone.now()
        assert user.last_seen is None

    def test_the_display_name_is_stored(self):
        user = User.objects.create_user("neu@example.org", display_name="Nele aus dem Wendland")

        user.refresh_from_db()
        assert user.display_name == "Nele aus dem Wendland"


class TestDisplay:
    def test_str_is_the_display_name(self):
        assert str(User(email="mia.mueller@example.org", display_name="Mia")) == "Mia"

    def test_str_falls_back_to_the_local_part_of_the_address(self):
        user = User(email="mia.mueller@example.org", display_name="")

        assert str(user) == "mia.mueller"
        assert "@" not in user.get_full_name()
        assert user.get_short_name() == "mia.mueller"

    @pytest.mark.parametrize(
        ("display_name", "email", "initials"),
        [
            ("Greta Grün", "g@example.org", "GG"),
            ("anna", "a@example.org", "A"),
            ("Jan Erik Olsen", "j@example.org", "JE"),
            ("", "mia.mueller@example.org", "MM"),
            ("", "tim_berg@example.org", "TB"),
        ],
    )
    def test_initials_take_up_to_two_words(self, display_name, email, initials):
        assert User(email=email, display_name=display_name).initials == initials
