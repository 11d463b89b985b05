"""Answers role questions ("may this user ...?") so views and templates never check group names."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from .roles import Role

UserLike = Any  # a User or AnonymousUser


def is_authenticated(user: UserLike) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_verified_email(user: UserLike) -> bool:
    """True when the member confirmed their primary e-mail address (cached on the user object)."""
    if not is_authenticated(user):
        return False
    cached = getattr(user, "_mitmach_email_verified", None)
    if cached is None:
        from allauth.account.models import EmailAddress

        cached = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
        user._mitmach_email_verified = cached
    return cached


def is_member(user: UserLike) -> bool:
    """A member is a logged-in, active person with a verified e-mail address."""
    return has_verified_email(user)


def can_post(user: UserLike) -> bool:
    """The one rule every app asks before a member writes anything visible to others.

    Silenced members keep reading but write nothing until their silence ends.
    """
    return is_member(user) and not getattr(user, "is_silenced", False)


def is_moderator(user: UserLike) -> bool:
    return is_authenticated(user) and user.has_perm("community.moderate_community")


def is_editor(user: UserLike) -> bool:
    """Editors work in the Wagtail admin (Redaktion and Administration)."""
    return is_authenticated(user) and user.has_perm("wagtailadmin.access_admin")


def is_administrator(user: UserLike) -> bool:
    return is_authenticated(user) and (user.is_superuser or user.has_perm("community.administer_platform"))


def can_view_styleguide(user: UserLike) -> bool:
    return is_editor(user) or is_administrator(user) or (is_authenticated(user) and user.is_staff)


def roles_of(user: UserLike) -> list[str]:
    """The roles a user holds, for display (badges in the header and on profiles)."""
    if isinstance(user, AnonymousUser) or not is_authenticated(user):
        return []
    roles: list[str] = []
    if is_member(user):
        roles.append(Role.MEMBER.value)
    if is_moderator(user):
        roles.append(Role.MODERATOR.value)
    if is_editor(user):
        roles.append(Role.EDITOR.value)
    if is_administrator(user):
        roles.append(Role.ADMINISTRATOR.value)
    return roles
