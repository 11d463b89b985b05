"""The language switcher (German-first selection itself: tests/community/test_rules_and_language.py)."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.html import texts_of

pytestmark = pytest.mark.django_db


def test_the_switcher_sets_a_cookie_and_the_page_heading_changes(client):
    german = client.get("/konto/login/").content.decode()

    response = client.post("/sprache/", {"language": "en", "next": "/konto/login/"})

    assert response.status_code == 302
    assert response.url == "/konto/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = client.get("/konto/login/").content.decode()
    assert 'lang="de"' in german
    assert 'lang="en"' in english
    assert texts_of(english, "h1") != texts_of(german, "h1")


def test_the_switcher_refuses_a_redirect_to_another_site(client):
    response = client.post("/sprache/", {"language": "en", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert "evil.example" not in response.url
