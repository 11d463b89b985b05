"""The minimal member profile at /mitglieder/<handle>/ that mention links point to."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community import services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_member_sees_another_members_name_roles_and_bio(member_client):
    anna = MemberFactory(display_name="Anna Berg")
    services.profile_update(
        user=anna, display_name="Anna Berg", region=None, handlungsfelder=[], bio="Ich mag **Radwege**."
    )
    response = member_client.get(f"/mitglieder/{anna.handle}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anna Berg" in html
    assert f"@{anna.handle}" in html
    assert "<strong>Radwege</strong>" in html
    assert anna.email not in html


def test_handles_are_found_regardless_of_case(member_client):
    anna = MemberFactory()
    assert member_client.get(f"/mitglieder/{anna.handle.upper()}/").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login(client):
    anna = MemberFactory()
    response = client.get(f"/mitglieder/{anna.handle}/")
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_unknown_and_inactive_handles_are_404(member_client):
    gone = MemberFactory()
    gone.is_active = False
    gone.save()
    assert member_client.get(f"/mitglieder/{gone.handle}/").status_code == 404
    assert member_client.get("/mitglieder/gibt-es-nicht/").status_code == 404


def test_the_profile_page_needs_few_queries(member):
    anna = MemberFactory()
    client = Client()
    client.force_login(member)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/mitglieder/{anna.handle}/").status_code == 200
    assert len(captured) <= 15
