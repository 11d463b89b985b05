"""allauth's rate limits are on outside the test settings: repeated failed logins are stopped in German."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_base_settings_keep_allauths_default_rate_limits():
    base = importlib.import_module("config.settings.base")

    # Not setting ACCOUNT_RATE_LIMITS (or setting it to False) is what keeps them on.
    assert not hasattr(base, "ACCOUNT_RATE_LIMITS")


def test_the_sixth_failed_login_for_one_address_is_refused_even_with_the_right_password(client, member, settings):
    from tests.factories import DEFAULT_PASSWORD

    del settings.ACCOUNT_RATE_LIMITS  # back to allauth's defaults, as in production
    url = reverse("account_login")
    for _attempt in range(5):
        response = client.post(url, {"login": member.email, "password": "falsch-falsch-falsch"})
        assert response.status_code == 200

    response = client.post(url, {"login": member.email, "password": DEFAULT_PASSWORD})

    assert "_auth_user_id" not in client.session
    assert "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()
