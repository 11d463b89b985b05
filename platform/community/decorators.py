"""View decorators that enforce the community's rules in one place for every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .permissions import can_post

View = Callable[..., HttpResponse]


def verified_member_required(view: View) -> View:
    """Only members with a verified e-mail address may write; others are sent where they can fix that."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_post(request.user):
            messages.warning(
                request, _("Please confirm your e-mail address first. Then you can take part in discussions.")
            )
            return redirect("account_email")
        return view(request, *args, **kwargs)

    return wrapper
