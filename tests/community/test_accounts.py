"""Sign-up, e-mail verification, login, logout and password reset, driven through the test client."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from community.models import Profile, User
from community.roles import Role
from tests.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory
from tests.html import get_in_english, submit_labels, texts_of

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/konto/signup/"
LOGIN_URL = "/konto/login/"
GOOD_PASSWORD = "Streuobst-Wiese-2026!"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "display_name": "Greta Grün",
        "email": "greta@example.org",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def link_in(message: mail.EmailMessage, path_prefix: str) -> str:
    """The path of the first link in an e-mail that starts with path_prefix."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", message.body)
    assert match, f"no link to {path_prefix} in the e-mail:\n{message.body}"
    return match.group(1)


def is_logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def log_in(client: Client, email: str, password: str):
    return client.post(LOGIN_URL, {"login": email, "password": password})


class TestSignupPage:
    def test_the_signup_page_is_german_by_default(self, client):
        german = client.get(SIGNUP_URL)
        english = get_in_english(client, SIGNUP_URL)

        assert german.status_code == 200
        html = german.content.decode()
        assert 'lang="de"' in html
        assert 'name="display_name"' in html
        assert "Passwort (Wiederholung)" in html  # allauth's German label of password2
        # Heading and button come from our own catalogue: they must differ from the English page.
        assert texts_of(html, "h1") != texts_of(english.content.decode(), "h1")
        assert submit_labels(html) != submit_labels(english.content.decode())

    def test_the_login_page_is_german(self, client):
        response = client.get(LOGIN_URL)

        assert response.status_code == 200
        html = response.content.decode()
        assert "Anmelden" in texts_of(html, "h1") + submit_labels(html)


class TestSignupAndVerification:
    def test_signing_up_sends_a_verification_mail_with_a_link(self, client):
        response = client.post(SIGNUP_URL, signup_data())

        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["greta@example.org"]
        assert message.subject.startswith("[Mitmach-Regionen] ")
        assert link_in(message, "/konto/confirm-email/")

    def test_signing_up_stores_the_display_name_and_creates_a_profile_but_no_membership_yet(self, client):
        client.post(SIGNUP_URL, signup_data())

        user = User.objects.get(email="greta@example.org")
        assert user.display_name == "Greta Grün"
        assert Profile.objects.filter(user=user).exists()
        assert not user.groups.filter(name=Role.MEMBER.value).exists()
        assert not EmailAddress.objects.get(user=user).verified

    def test_login_is_refused_before_the_address_is_confirmed(self, client):
        client.post(SIGNUP_URL, signup_data())
        client.logout()
        mail.outbox.clear()

        response = log_in(client, "greta@example.org", GOOD_PASSWORD)

        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        assert not is_logged_in(client)
        # The verification mail is sent again, so a lost mail is no dead end.
        assert len(mail.outbox) == 1

    def test_confirming_the_address_makes_the_person_a_member_who_can_log_in(self, client):
        client.post(SIGNUP_URL, signup_data())
        confirm_path = link_in(mail.outbox[0], "/konto/confirm-email/")

        page = client.get(confirm_path)
        assert page.status_code == 200
        assert not EmailAddress.objects.get(email="greta@example.org").verified  # GET does not confirm

        confirmed = client.post(confirm_path)
        assert confirmed.status_code == 302
        user = User.objects.get(email="greta@example.org")
        assert EmailAddress.objects.get(user=user).verified
        assert user.groups.filter(name=Role.MEMBER.value).exists()

        client.logout()
        response = log_in(client, "Greta@Example.org", GOOD_PASSWORD)
        assert response.status_code == 302
        assert response.url == "/"
        assert client.session[SESSION_KEY] == str(user.pk)
        assert Profile.objects.filter(user=user).exists()

    def test_a_wrong_password_is_refused_in_german(self, client):
        member = MemberFactory()

        response = log_in(client, member.email, "falsches-passwort-123")

        assert response.status_code == 200
        assert not is_logged_in(client)
        assert "Passwort sind leider falsch" in response.content.decode()


class TestSignupWithBadInput:
    def test_an_address_that_exists_in_another_case_is_refused_at_the_field_in_german(self, client):
        existing = UserFactory(email="greta@example.org")

        response = client.post(SIGNUP_URL, signup_data(email="Greta@Example.ORG", display_name="Andere Greta"))

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "email" in errors
        assert "bereits" in errors["email"][0]
        html = response.content.decode()
        assert 'value="Greta@Example.ORG"' in html
        assert 'value="Andere Greta"' in html
        assert GOOD_PASSWORD not in html
        assert User.objects.filter(email__iexact="greta@example.org").get() == existing
        assert mail.outbox == []

    def test_an_invalid_address_is_refused_in_german_and_the_typed_values_stay(self, client):
        response = client.post(SIGNUP_URL, signup_data(email="greta-at-example.org"))

        assert response.status_code == 200
        form = response.context["form"]
        assert "email" in form.errors
        assert "gültige E-Mail-Adresse" in form.errors["email"][0]
        html = response.content.decode()
        assert "gültige E-Mail-Adresse" in html
        assert 'value="greta-at-example.org"' in html
        assert 'value="Greta Grün"' in html
        assert GOOD_PASSWORD not in html
        assert not User.objects.exists()

    @pytest.mark.parametrize(
        ("password", "german_fragment"),
        [
            ("kurz1!", "zu kurz"),
            ("password123", "zu üblich"),
            ("1234567890123", "komplett numerisch"),
        ],
        ids=["too-short", "too-common", "only-digits"],
    )
    def test_a_weak_password_is_refused_in_german(self, client, password, german_fragment):
        response = client.post(SIGNUP_URL, signup_data(password1=password, password2=password))

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "password1" in errors
        assert any(german_fragment in error for error in errors["password1"]), errors["password1"]
        html = response.content.decode()
        assert german_fragment in html
        assert password not in html
        assert 'value="greta@example.org"' in html
        assert 'value="Greta Grün"' in html
        assert not User.objects.exists()

    def test_mismatched_passwords_are_refused_in_german(self, client):
        response = client.post(SIGNUP_URL, signup_data(password2=GOOD_PASSWORD + "x"))

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "password2" in errors
        assert "zweimal das selbe Passwort" in errors["password2"][0]
        html = response.content.decode()
        assert GOOD_PASSWORD not in html
        assert 'value="greta@example.org"' in html
        assert not User.objects.exists()

    def test_a_blank_display_name_is_refused_in_german(self, client):
        response = client.post(SIGNUP_URL, signup_data(display_name="   "))

        assert response.status_code == 200
        assert "display_name" in response.context["form"].errors
        assert 'value="greta@example.org"' in response.content.decode()
        assert not User.objects.exists()


class TestLogout:
    def test_a_get_request_does_not_log_out(self, member_client):
        response = member_client.get("/konto/logout/")

        assert response.status_code == 200
        assert is_logged_in(member_client)

    def test_a_post_request_logs_out(self, member_client):
        response = member_client.post("/konto/logout/")

        assert response.status_code == 302
        assert not is_logged_in(member_client)


class TestPasswordReset:
    def test_the_reset_mail_contains_a_link_that_sets_a_new_password(self, client):
        member = MemberFactory(email="rosa@example.org")
        new_password = "Neues-Passwort-fuer-Rosa-7"

        response = client.post("/konto/password/reset/", {"email": "Rosa@example.org"})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["rosa@example.org"]
        reset_path = link_in(mail.outbox[0], "/konto/password/reset/key/")

        # allauth moves the key out of the URL into the session, then shows the form.
        form_page = client.get(reset_path, follow=True)
        assert form_page.status_code == 200
        set_password_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path
        done = client.post(set_password_path, {"password1": new_password, "password2": new_password})
        assert done.status_code == 302

        assert not log_in(Client(), member.email, DEFAULT_PASSWORD).wsgi_request.user.is_authenticated
        fresh = Client()
        log_in(fresh, member.email, new_password)
        assert fresh.session[SESSION_KEY] == str(member.pk)

    def test_a_reset_for_an_unknown_address_reveals_nothing(self, client):
        response = client.post("/konto/password/reset/", {"email": "niemand@example.org"})

        assert response.status_code == 302
        assert all("/konto/password/reset/key/" not in message.body for message in mail.outbox)
