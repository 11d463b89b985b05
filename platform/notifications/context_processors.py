"""The header bell (unread count and latest notifications), computed only if a template asks for it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`notification_bell.unread_count` and `notification_bell.latest` (the dropdown) in templates.

    Lazy: anonymous pages never evaluate it, logged-in pages run one query for both
    (shared with the view through the request). A dict rather than a bare lazy int, so that a template
    reading `notification_bell.unread_count` gets a real int (`blocktranslate count` needs one).
    """
    return {"notification_bell": SimpleLazyObject(lambda: selectors.bell_for_request(request))}
