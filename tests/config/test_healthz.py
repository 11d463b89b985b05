"""/healthz: the load balancer's view of the site's dependencies."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connections are refused at once, no timeout to wait for.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_a_healthy_site_answers_200_with_every_check_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok"},
    }


def test_the_health_check_sets_no_cookie_and_creates_no_session(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert Session.objects.count() == 0


def test_the_health_check_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


def test_the_health_check_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}}
)
def test_an_unreachable_cache_makes_the_site_unhealthy(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "ok", "cache": "error", "channel_layer": "ok"},
    }


@override_settings(
    CHANNEL_LAYERS={"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [DEAD_REDIS]}}}
)
def test_an_unreachable_channel_layer_makes_the_site_unhealthy(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["channel_layer"] == "error"
    assert body["checks"]["database"] == "ok"


def test_a_failing_database_makes_the_site_unhealthy(client, monkeypatch):
    from django.db import OperationalError

    from config import views

    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setitem(views.HEALTH_CHECKS, "database", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"
