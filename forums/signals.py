"""Invalidation of the cached team memberships and moderated categories (permissions.memberships_cache).

Teams, memberships, categories and their moderators change in the admin, not through a service of
ours, so the model signals are where every change passes. Category counters are written with
update(), which sends no signal, so posting does not empty the cache.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from community.models import TeamMembership

from .models import Category
from .permissions import memberships_cache


def _membership_changed(sender: Any, instance: TeamMembership, **kwargs: Any) -> None:
    memberships_cache.forget(instance.user_id)


def _categories_changed(sender: Any, **kwargs: Any) -> None:
    """A category was added, moved or removed, or its moderators changed: moderated subcategories follow."""
    if kwargs.get("action", "post_").startswith("post_"):
        memberships_cache.forget_all()


def connect() -> None:
    """Wired from ForumsConfig.ready()."""
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_membership_changed, sender=TeamMembership, dispatch_uid=f"forums_memberships_{name}")
        signal.connect(_categories_changed, sender=Category, dispatch_uid=f"forums_categories_{name}")
    m2m_changed.connect(_categories_changed, sender=Category.moderators.through, dispatch_uid="forums_moderators")
