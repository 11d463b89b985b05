"""Receivers that drop a member's cached bell when rows change outside the services (admin, deletions, renames)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from .models import Notification
from .selectors import bell_cache

# Saves of a user that cannot change how they are named as an actor (login, last seen, handle checks).
_NAME_FIELDS = {"display_name", "email"}


def _forget_recipient(sender: Any, instance: Notification, **kwargs: Any) -> None:
    bell_cache.forget(instance.recipient_id)


def _forget_bells_on_rename(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    # The bell shows actors by name; a renamed or removed member is an actor in others' bells.
    update_fields = kwargs.get("update_fields")
    if created or (update_fields is not None and not _NAME_FIELDS & set(update_fields)):
        return
    bell_cache.forget_all()


def connect_bell_invalidation() -> None:
    """The services forget the bell of each recipient they write for (bulk writes send no signals);
    these cover the other paths: the admin, cascading deletes, and actors renamed or deleted."""
    post_save.connect(_forget_recipient, sender=Notification, dispatch_uid="notifications_bell_saved")
    post_delete.connect(_forget_recipient, sender=Notification, dispatch_uid="notifications_bell_deleted")
    user = get_user_model()
    post_save.connect(_forget_bells_on_rename, sender=user, dispatch_uid="notifications_bell_actor_saved")
    post_delete.connect(_forget_bells_on_rename, sender=user, dispatch_uid="notifications_bell_actor_deleted")
