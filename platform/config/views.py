"""Site-wide views of the platform layer: health check, style guide, placeholders and error pages."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from community.permissions import can_view_styleguide

from .styleguide import example_context

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=5)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value it was given")
    cache.delete(key)


def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def roundtrip() -> None:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz.ping"})
        message = await layer.receive(channel)
        if message.get("type") != "healthz.ping":
            raise RuntimeError("channel layer returned another message")

    async_to_sync(roundtrip)()


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "channel_layer": _check_channel_layer}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database, cache and channel layer answer. No login, session or writes."""
    results: dict[str, str] = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception:  # any failure of a dependency makes the site unhealthy
            logger.exception("Health check %s failed", name)
            results[name] = "error"
        else:
            results[name] = "ok"
    healthy = all(state == "ok" for state in results.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)


def styleguide(request: HttpRequest) -> HttpResponse:
    """The living style guide: every component of the design system, for staff."""
    if not can_view_styleguide(request.user):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return render(request, "styleguide.html", example_context(request))


PLACEHOLDERS: dict[str, Any] = {
    "actions": _("Aktions-Pool"),
    "regions": _("Regions"),
}


def placeholder(request: HttpRequest, section: str) -> HttpResponse:
    """A navigation target whose app is not built yet says so instead of a 404."""
    return render(request, "placeholder.html", {"section_title": PLACEHOLDERS[section], "section": section})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors and no database: the database may be why we are here.
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"request_path": request.path}), status=500)


def not_found(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """A 404 for paths that must never be served directly (forum uploads below MEDIA_URL in development)."""
    raise Http404
