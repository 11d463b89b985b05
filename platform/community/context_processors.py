"""Template context every page needs: navigation and the viewer's roles, computed lazily."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import permissions


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "viewer_is_editor": SimpleLazyObject(lambda: permissions.is_editor(user)),
        "viewer_can_view_styleguide": SimpleLazyObject(lambda: permissions.can_view_styleguide(user)),
        "wagtail_admin_path": "/" + settings.WAGTAIL_ADMIN_PATH,
    }
