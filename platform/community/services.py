"""Writes of the community layer: profiles, roles, teams."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .markup import render_markdown
from .models import Handlungsfeld, Profile, Region, User
from .roles import Role


def profile_ensure(*, user: User) -> Profile:
    """Every member has exactly one profile; create it on first need."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def user_touch_last_seen(*, user: User) -> None:
    """Record that the member was here; a single UPDATE, no model signals."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_seen=now)
    user.last_seen = now


def member_role_grant(*, user: User) -> None:
    group, _created = Group.objects.get_or_create(name=Role.MEMBER.value)
    user.groups.add(group)


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    region: Region | None,
    handlungsfelder: Iterable[Handlungsfeld],
    bio: str,
    handle: str | None = None,
) -> Profile:
    """Update what a member shows about themselves; the bio is rendered once, here."""
    user.display_name = display_name.strip()
    fields = ["display_name"]
    if handle:
        user.handle = handle
        fields.append("handle")
    user.save(update_fields=fields)
    profile = profile_ensure(user=user)
    profile.region = region
    profile.bio = bio.strip()
    profile.bio_html = render_markdown(profile.bio)
    profile.save(update_fields=["region", "bio", "bio_html", "updated_at"])
    profile.handlungsfelder.set(list(handlungsfelder))
    return profile
