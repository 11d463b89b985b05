"""Access changes that end subscriptions at once: team membership removed, account or roles changed."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from .events import request_recheck

# Saves touching these fields may take access away (deactivation, silence, a new password ends sessions).
ACCESS_FIELDS = frozenset({"is_active", "silenced_until", "password", "is_superuser", "is_staff"})


def _membership_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    request_recheck(instance.user_id)


def _user_saved(sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if created:
        return
    if update_fields is not None and not ACCESS_FIELDS.intersection(update_fields):
        return  # e.g. last_login on every login
    request_recheck(instance.pk)


def _user_groups_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if action not in {"post_remove", "post_clear"}:
        return
    if not reverse:
        request_recheck(instance.pk)
    else:  # a group lost members: pk_set holds the users (None for a clear)
        for user_id in pk_set or ():
            request_recheck(user_id)


def connect() -> None:
    """Wire the signals (from RealtimeConfig.ready); the periodic re-check covers every other change."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="realtime_recheck_user_saved")
    m2m_changed.connect(
        _user_groups_changed, sender=user_model.groups.through, dispatch_uid="realtime_recheck_user_groups"
    )
    if apps.is_installed("community"):
        membership = apps.get_model("community", "TeamMembership")
        post_delete.connect(_membership_deleted, sender=membership, dispatch_uid="realtime_recheck_membership")
