"""The one posting rule for every app, the German-first language choice, and last-seen tracking."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from community.decorators import verified_member_required

pytestmark = pytest.mark.django_db


@verified_member_required
def _write_view(request):
    return HttpResponse("written")


def _request_as(user):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().post("/schreiben/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_an_anonymous_visitor_is_sent_to_login_before_writing():
    from django.contrib.auth.models import AnonymousUser

    response = _write_view(_request_as(AnonymousUser()))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_with_an_unconfirmed_address_is_sent_to_confirm_it(user):
    response = _write_view(_request_as(user))

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")


def test_a_verified_member_may_write(member):
    response = _write_view(_request_as(member))

    assert response.status_code == 200
    assert response.content == b"written"


def test_pages_are_german_even_when_the_browser_asks_for_english(client, home_page):
    response = client.get("/konto/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "de"
    assert "Anmelden" in response.content.decode()
    assert "Accept-Language" not in response.get("Vary", "")


def test_the_language_switcher_turns_the_site_english(client, home_page):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/konto/login/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME in response.cookies

    page = client.get("/konto/login/")

    assert page["Content-Language"] == "en"
    assert "Log in" in page.content.decode()
    assert "Anmelden" not in page.content.decode()


def test_an_unknown_language_cookie_falls_back_to_german(client, home_page):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get("/konto/login/")

    assert response["Content-Language"] == "de"


def test_logging_in_records_when_the_member_was_last_seen(client, member):
    from tests.factories import DEFAULT_PASSWORD

    assert member.last_seen is None

    response = client.post(reverse("account_login"), {"login": member.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.last_seen is not None
