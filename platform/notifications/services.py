"""Writes of notifications: create (with grouping), mark read; each publishes to the recipient's stream after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from community.models import User
from realtime.events import publish

from . import registry, selectors
from .models import Notification, NotificationPreference

# Keys of `data` a notification list may rely on; anything else is kept, but kept small.
MAX_DATA_CHARS = 2000
EXCERPT_CHARS = 300
# Names of the latest actors kept in a grouped notification ("Kim, Alex and 3 others").
GROUP_ACTOR_NAMES = 3


def user_stream(user: User | int) -> str:
    pk = user if isinstance(user, int) else user.pk
    return f"user:{pk}"


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    excerpt = cleaned.get("excerpt")
    if isinstance(excerpt, str) and len(excerpt) > EXCERPT_CHARS:
        cleaned["excerpt"] = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
    return cleaned


@transaction.atomic
def notification_create(
    *,
    recipient: User,
    kind: str,
    data: dict[str, Any],
    actor: User | None = None,
    target: models.Model | None = None,
    group_key: str = "",
) -> Notification | None:
    """Tell `recipient` about something; None when there is nobody to tell.

    Nobody is notified about their own action, and inactive accounts get nothing.
    With a `group_key`, an unread notification of the same group is replaced by one
    that counts both (reactions per post): replaced rather than updated, so that the
    newest event always has the highest id of the recipient's stream and a client
    replaying "since" its last id sees it.
    """
    registry.get_kind(kind)  # ValueError for a kind no app registered
    if not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None

    payload = _clean_data(data)
    if len(str(payload)) > MAX_DATA_CHARS:
        raise ValueError("Notification data is too large; store a title, url and short excerpt only.")

    if group_key:
        previous = (
            Notification.objects.select_for_update()
            .filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
            .order_by("-id")
            .first()
        )
        if previous is not None:
            names = [str(actor)] if actor is not None else []
            names += [n for n in previous.data.get("actor_names", []) if n not in names]
            payload["actor_names"] = names[:GROUP_ACTOR_NAMES]
            payload["count"] = previous.count + 1
            Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True).delete()
        elif actor is not None:
            payload["actor_names"] = [str(actor)]

    notification = Notification(
        recipient=recipient,
        kind=kind,
        actor=actor,
        data=payload,
        group_key=group_key,
    )
    if target is not None:
        notification.content_type = ContentType.objects.get_for_model(target)
        notification.object_id = target.pk
    notification.save()  # its post_save forgets the recipient's cached bell (signals.py)

    publish(
        stream=user_stream(recipient),
        kind="notification.created",
        event_id=notification.pk,
        payload={
            "kind": kind,
            "title": notification.title,
            "url": notification.url,
            "unread_count": selectors.unread_count(user=recipient),
        },
    )
    return notification


@transaction.atomic
def notification_bulk_create(
    *,
    recipients: Iterable[User],
    kind: str,
    data: dict[str, Any],
    actor: User | None = None,
    target: models.Model | None = None,
) -> list[Notification]:
    """Tell many members about the same event (watchers of a topic) with one INSERT.

    The same rules as notification_create (no self-notification, only active accounts),
    no grouping. Each recipient still gets its event on its own stream, with its unread
    count from one grouped COUNT for all of them.
    """
    registry.get_kind(kind)
    payload = _clean_data(data)
    if len(str(payload)) > MAX_DATA_CHARS:
        raise ValueError("Notification data is too large; store a title, url and short excerpt only.")
    content_type = ContentType.objects.get_for_model(target) if target is not None else None
    object_id = target.pk if target is not None else None
    seen: set[int] = set()
    rows: list[Notification] = []
    for recipient in recipients:
        if not recipient.is_active or recipient.pk in seen:
            continue
        if actor is not None and actor.pk == recipient.pk:
            continue
        seen.add(recipient.pk)
        rows.append(
            Notification(
                recipient=recipient,
                kind=kind,
                actor=actor,
                data=dict(payload),
                content_type=content_type,
                object_id=object_id,
            )
        )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    selectors.bell_cache.forget_many(seen)  # bulk_create sends no post_save
    counts = dict(
        Notification.objects.filter(recipient_id__in=seen, read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )
    for notification in created:
        publish(
            stream=user_stream(notification.recipient_id),
            kind="notification.created",
            event_id=notification.pk,
            payload={
                "kind": kind,
                "title": notification.title,
                "url": notification.url,
                "unread_count": counts.get(notification.recipient_id, 1),
            },
        )
    return created


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the member's own notifications read (all of them when no ids are given); returns how many changed.

    Ids of other members' notifications are ignored, never an error: the filter is on the recipient.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    ids: list[int] | None = None
    if notification_ids is not None:
        ids = [int(pk) for pk in notification_ids]
        unread = unread.filter(pk__in=ids)
    changed = unread.update(read_at=timezone.now())
    if changed:
        selectors.bell_cache.forget(user.pk)  # update() sends no post_save
        # Ephemeral: other open tabs update their bell; the database holds the read state.
        publish(
            stream=user_stream(user),
            kind="notification.read",
            payload={"ids": ids, "unread_count": selectors.unread_count(user=user)},
        )
    return changed


def preference_for(*, user: User) -> NotificationPreference:
    """The member's preference row, created with the defaults (e-mails on, no digest) on first use."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def preference_update(*, user: User, email_notifications: bool, digest: str) -> NotificationPreference:
    """Store the member's choice of e-mails and digest."""
    if digest not in NotificationPreference.Digest.values:
        raise ValueError(f"Unknown digest frequency: {digest!r}")
    preference = preference_for(user=user)
    preference.email_notifications = email_notifications
    preference.digest = digest
    preference.save(update_fields=["email_notifications", "digest", "updated_at"])
    return preference


@transaction.atomic
def preference_unsubscribe(*, user: User, scope: str) -> bool:
    """Switch off one kind of mail (`email` for notification mails, `digest`); True if something changed."""
    preference = preference_for(user=user)
    if scope == "digest":
        if preference.digest == NotificationPreference.Digest.OFF:
            return False
        preference.digest = NotificationPreference.Digest.OFF
        preference.save(update_fields=["digest", "updated_at"])
        return True
    if not preference.email_notifications:
        return False
    preference.email_notifications = False
    preference.save(update_fields=["email_notifications", "updated_at"])
    return True
