"""Error pages: German, with the right status, and the 500 page without database or traceback."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from config import views
from tests.html import headings_in_german_and_english

from .urls_failing import SECRET_DETAIL


@pytest.mark.django_db
def test_an_unknown_address_shows_the_german_404_page(client, home_page):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="de"' in html
    assert "nicht gefunden" in html


@pytest.mark.django_db
def test_the_404_page_renders_without_a_home_page(client):
    response = client.get("/gibt-es-auch-nicht/")

    assert response.status_code == 404
    assert "nicht gefunden" in response.content.decode()


@pytest.mark.django_db
def test_the_403_page_is_german(member_client):
    response = member_client.get("/styleguide/")

    assert response.status_code == 403
    assert 'lang="de"' in response.content.decode()
    german, english = headings_in_german_and_english(member_client, "/styleguide/")
    assert german
    assert german != english


def test_the_500_handler_renders_without_touching_the_database():
    # No django_db mark: pytest-django blocks the database, so any query would raise.
    request = RequestFactory().get("/irgendwo/")

    response = views.server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "500" in html
    assert "<html" in html


@pytest.mark.django_db
@pytest.mark.urls("tests.config.urls_failing")
def test_a_failing_view_shows_the_500_page_without_a_traceback(settings):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)

    response = client.get("/kaputt/")

    assert response.status_code == 500
    html = response.content.decode()
    assert 'lang="de"' in html
    assert "Traceback" not in html
    assert "RuntimeError" not in html
    assert SECRET_DETAIL not in html
    assert "failing_view" not in html
