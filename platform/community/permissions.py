"""Answers role questions ("may this user ...?") so views and templates never check group names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from .member_cache import MemberCache
from .roles import Role

UserLike = Any  # a User or AnonymousUser


@dataclass(frozen=True)
class MemberAccess:
    """What the role checks read about a member, cached across requests (see community.signals for the invalidation)."""

    # "app_label.codename" from the member's own and their groups' permissions, as Django's ModelBackend sees them.
    permissions: frozenset[str]
    # The address the verification was looked up for; after a change of User.email it is looked up again.
    email: str
    email_verified: bool


def _load_access(user: UserLike) -> MemberAccess:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Permission

    own = Permission.objects.filter(user=user).order_by().values_list("content_type__app_label", "codename")
    via_groups = (
        Permission.objects.filter(group__user=user).order_by().values_list("content_type__app_label", "codename")
    )
    verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    return MemberAccess(
        permissions=frozenset(f"{app_label}.{codename}" for app_label, codename in own.union(via_groups)),
        email=user.email,
        email_verified=verified,
    )


member_access_cache: MemberCache[MemberAccess] = MemberCache("community:access", _load_access)


def member_access(user: UserLike) -> MemberAccess:
    """The member's cached access facts, read once per user object (one cache read, queries only on a miss)."""
    access = getattr(user, "_mitmach_access", None)
    if access is None or access.email != user.email:
        access = member_access_cache.get(user)
        if access.email != user.email:  # stored before the address changed
            member_access_cache.forget(user.pk)
            access = _load_access(user)
        user._mitmach_access = access
    return access


def has_permission(user: UserLike, perm: str) -> bool:
    """user.has_perm(perm) for the configured backends (ModelBackend and allauth's subclass of it), from the cache.

    Active superusers have every permission; everybody else what their own and their groups' rows grant.
    """
    if not is_authenticated(user):
        return False
    return user.is_superuser or perm in member_access(user).permissions


def is_authenticated(user: UserLike) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_verified_email(user: UserLike) -> bool:
    """True when the member confirmed their primary e-mail address (cached on the user object)."""
    if not is_authenticated(user):
        return False
    cached = getattr(user, "_mitmach_email_verified", None)
    if cached is None:
        cached = member_access(user).email_verified
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
    return has_permission(user, "community.moderate_community")


def is_editor(user: UserLike) -> bool:
    """Editors work in the Wagtail admin (Redaktion and Administration)."""
    return has_permission(user, "wagtailadmin.access_admin")


def is_administrator(user: UserLike) -> bool:
    return has_permission(user, "community.administer_platform")


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
