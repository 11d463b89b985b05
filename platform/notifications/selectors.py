"""Reads of notifications: the unread count for the bell and the member's list, each with bounded queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse

from community.member_cache import MemberCache
from community.models import User

from . import registry
from .models import Notification

_REQUEST_CACHE_ATTR = "_notifications_unread_count"
_BELL_CACHE_ATTR = "_notifications_bell"
BELL_LATEST = 5


def unread_count(*, user: User) -> int:
    """One COUNT over the (recipient, read_at, created_at) index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_for_request(request: HttpRequest) -> int:
    """The viewer's unread count, counted at most once per request (header bell and page share it)."""
    cached: Any = getattr(request, _REQUEST_CACHE_ATTR, None)
    if cached is None:
        cached = bell_for_request(request)["unread_count"]
    return int(cached)


def forget_unread_count(request: HttpRequest) -> None:
    """After marking read within a request, the next read counts again."""
    for attr in (_REQUEST_CACHE_ATTR, _BELL_CACHE_ATTR):
        if hasattr(request, attr):
            delattr(request, attr)


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


def _bell_rows(user: User) -> dict[str, Any]:
    """The bell's facts from the database, as plain values for the cache: ONE query.

    The count rides along as a subquery on the rows of the latest notifications (a member
    without any notification has no unread ones either), so the dropdown adds no query.
    """
    unread = (
        Notification.objects.filter(recipient=OuterRef("recipient"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = list(
        Notification.objects.filter(recipient=user)
        .select_related("actor")
        .annotate(unread_total=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
        .order_by("-created_at", "-id")[:BELL_LATEST]
    )
    latest = [
        {
            "id": notification.pk,
            "unread": notification.read_at is None,
            "kind": notification.kind,
            "actor": str(notification.actor) if notification.actor_id else "",
            "count": notification.count,
            "title": notification.title,
            "created_at": notification.created_at,
        }
        for notification in rows
    ]
    return {"unread_count": rows[0].unread_total if rows else 0, "latest": latest}


# The bell is on every page a member opens and changes only when a notification of theirs is created,
# read or removed (services.py and the receivers in signals.py forget it) or an actor is renamed. A
# lost invalidation (cache down) must not fail a post, so it is only logged; the entry's short life
# bounds what it can leave behind.
BELL_TTL = 10 * 60
bell_cache: MemberCache[dict[str, Any]] = MemberCache(
    "notifications:bell", _bell_rows, ttl=BELL_TTL, lenient_forget=True
)


def bell(*, user: User) -> dict[str, Any]:
    """The header bell: the unread count and the latest notifications, from the member's cache entry
    (one query when it is missing or stale). Kind labels and URLs are added per request, so the
    cached values hold no translations."""
    if not getattr(user, "is_authenticated", False):
        return {"unread_count": 0, "latest": []}
    facts = bell_cache.get(user)
    kinds = {kind.key: kind for kind in registry.all_kinds()}
    open_base = reverse("notifications:open", args=[0])[: -len("0/")]
    latest = []
    for item in facts["latest"]:
        kind = kinds.get(item["kind"])
        latest.append(
            {
                **item,
                "kind_label": kind.label if kind else item["kind"],
                "icon": kind.icon if kind else "info",
                "open_url": f"{open_base}{item['id']}/",
            }
        )
    return {"unread_count": facts["unread_count"], "latest": latest}


def bell_for_request(request: HttpRequest) -> dict[str, Any]:
    """The bell for this request, computed once; it also answers unread_count_for_request."""
    cached: Any = getattr(request, _BELL_CACHE_ATTR, None)
    if cached is None:
        cached = bell(user=getattr(request, "user", None))
        setattr(request, _BELL_CACHE_ATTR, cached)
        setattr(request, _REQUEST_CACHE_ATTR, cached["unread_count"])
    return cached
