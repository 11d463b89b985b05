"""Loosely coupled side effects of account events (allauth signals)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed, user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import permissions, services


@receiver(user_signed_up, dispatch_uid="community_profile_on_signup")
def create_profile_on_signup(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.profile_ensure(user=user)


@receiver(email_confirmed, dispatch_uid="community_member_role_on_confirm")
def grant_member_role_on_confirmation(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    services.member_role_grant(user=email_address.user)


@receiver(user_logged_in, dispatch_uid="community_last_seen_on_login")
def touch_last_seen_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.user_touch_last_seen(user=user)


# --- invalidation of the cached access facts (permissions.member_access) --------------------------
# Roles and permissions change in the admin, e-mail addresses in allauth's flows: neither goes
# through a service of ours, so the model signals are where every change passes.


def _forget_access_of_users(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    """User.groups or User.user_permissions changed, from either side."""
    if not action.startswith("post_"):
        return
    if not reverse:
        permissions.member_access_cache.forget(instance.pk)
    elif pk_set:  # a group or permission gained or lost these users
        for user_id in pk_set:
            permissions.member_access_cache.forget(user_id)
    else:  # cleared from the group's or permission's side: the users are gone from the rows
        permissions.member_access_cache.forget_all()


def _forget_all_access(sender: Any, **kwargs: Any) -> None:
    """A group's permissions changed, or a group or permission was deleted (its rows go without m2m signals)."""
    if kwargs.get("action", "post_").startswith("post_"):
        permissions.member_access_cache.forget_all()


def _forget_access_of_address_owner(sender: Any, instance: Any, **kwargs: Any) -> None:
    permissions.member_access_cache.forget(instance.user_id)


def connect_access_invalidation() -> None:
    """Wired from CommunityConfig.ready()."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import User

    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(
            _forget_access_of_users, sender=through, dispatch_uid=f"community_access_{through.__name__}"
        )
    m2m_changed.connect(
        _forget_all_access, sender=Group.permissions.through, dispatch_uid="community_access_group_perms"
    )
    for model in (Group, Permission):
        post_delete.connect(_forget_all_access, sender=model, dispatch_uid=f"community_access_{model.__name__}_deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            _forget_access_of_address_owner,
            sender=EmailAddress,
            dispatch_uid=f"community_access_email_{'saved' if signal is post_save else 'deleted'}",
        )
