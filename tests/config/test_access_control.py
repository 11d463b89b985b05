"""Who may enter the Wagtail admin, the Django admin and the style guide."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class TestWagtailAdmin:
    def test_an_anonymous_visitor_is_sent_to_the_login(self, client):
        response = client.get("/cms/")

        assert response.status_code == 302
        assert response.url == "/cms/login/?next=/cms/"

    def test_a_plain_member_is_refused(self, member_client):
        response = member_client.get("/cms/")

        assert response.status_code == 302
        assert response.url.startswith("/cms/login/")

    def test_a_moderator_is_refused(self, moderator):
        response = client_for(moderator).get("/cms/")

        assert response.status_code == 302

    def test_an_editor_gets_in(self, editor_client):
        assert editor_client.get("/cms/").status_code == 200

    def test_an_administrator_gets_in(self, administrator):
        assert client_for(administrator).get("/cms/").status_code == 200


class TestDjangoAdmin:
    def test_an_anonymous_visitor_is_sent_to_the_admin_login(self, client):
        response = client.get("/django-admin/")

        assert response.status_code == 302
        assert response.url.startswith("/django-admin/login/")

    @pytest.mark.parametrize("role_fixture", ["member", "editor", "administrator"])
    def test_only_superusers_get_in_not_even_editors_or_administrators(self, request, role_fixture):
        user = request.getfixturevalue(role_fixture)

        response = client_for(user).get("/django-admin/")

        assert response.status_code == 302
        assert response.url.startswith("/django-admin/login/")

    def test_staff_status_alone_is_not_enough(self):
        staff = MemberFactory(is_staff=True)

        assert client_for(staff).get("/django-admin/").status_code == 302

    def test_a_superuser_gets_in(self, superuser):
        response = client_for(superuser).get("/django-admin/")

        assert response.status_code == 200
        assert b"community" in response.content.lower()

    def test_the_admin_login_refuses_an_editor_with_the_right_password(self, editor):
        client = Client()
        response = client.post(
            "/django-admin/login/?next=/django-admin/", {"username": editor.email, "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 200  # the form again, with an error
        assert client.get("/django-admin/").status_code == 302


class TestStyleguide:
    def test_an_anonymous_visitor_is_sent_to_the_login(self, client):
        response = client.get("/styleguide/")

        assert response.status_code == 302
        assert response.url == "/konto/login/?next=/styleguide/"

    def test_a_plain_member_is_forbidden(self, member_client):
        response = member_client.get("/styleguide/")

        assert response.status_code == 403

    def test_an_editor_sees_it(self, editor_client):
        assert editor_client.get("/styleguide/").status_code == 200

    def test_staff_sees_it(self):
        staff = MemberFactory(is_staff=True)

        assert client_for(staff).get("/styleguide/").status_code == 200
