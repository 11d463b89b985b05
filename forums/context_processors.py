"""The open review items for moderators in the header, counted only if a template asks for it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import permissions


def moderation(request: HttpRequest) -> dict[str, Any]:
    """`forum_moderation.is_moderator` and `forum_moderation.open_count` in templates.

    Lazy, like the notification bell: pages that do not read it pay nothing; for a moderator the
    count is one query (the role lookups are cached on the user object and shared with the page).
    """

    def evaluate() -> dict[str, Any]:
        from .selectors.moderation import open_review_count

        user = getattr(request, "user", None)
        if user is None or not permissions.can_view_moderation_queue(user):
            return {"is_moderator": False, "open_count": 0}
        return {"is_moderator": True, "open_count": open_review_count(user)}

    return {"forum_moderation": SimpleLazyObject(evaluate)}
