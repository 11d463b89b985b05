"""Reads of notifications: the unread count for the bell and the member's list, each with bounded queries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from community.models import User

from .models import Notification

_REQUEST_CACHE_ATTR = "_notifications_unread_count"


def unread_count(*, user: User) -> int:
    """One COUNT over the (recipient, read_at, created_at) index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_for_request(request: HttpRequest) -> int:
    """The viewer's unread count, counted at most once per request (header bell and page share it)."""
    cached: Any = getattr(request, _REQUEST_CACHE_ATTR, None)
    if cached is None:
        cached = unread_count(user=getattr(request, "user", None))
        setattr(request, _REQUEST_CACHE_ATTR, cached)
    return int(cached)


def forget_unread_count(request: HttpRequest) -> None:
    """After marking read within a request, the next read counts again."""
    if hasattr(request, _REQUEST_CACHE_ATTR):
        delattr(request, _REQUEST_CACHE_ATTR)


def notification_list(*, user: User, only_unread: bool = False, kind: str | None = None) -> QuerySet[Notification]:
    """The member's notifications, newest first, with their actors; slice or paginate it."""
    queryset = Notification.objects.filter(recipient=user).select_related("actor")
    if only_unread:
        queryset = queryset.filter(read_at__isnull=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-created_at", "-id")


def notification_for_opening(*, user: User, notification_id: int) -> Notification | None:
    """One of the member's own notifications, or None (another member's is treated as missing)."""
    return Notification.objects.filter(recipient=user, pk=notification_id).first()
