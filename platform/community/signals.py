"""Loosely coupled side effects of account events (allauth signals)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed, user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_signed_up, dispatch_uid="community_profile_on_signup")
def create_profile_on_signup(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.profile_ensure(user=user)


@receiver(email_confirmed, dispatch_uid="community_member_role_on_confirm")
def grant_member_role_on_confirmation(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    services.member_role_grant(user=email_address.user)


@receiver(user_logged_in, dispatch_uid="community_last_seen_on_login")
def touch_last_seen_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.user_touch_last_seen(user=user)
