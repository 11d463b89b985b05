"""The public face of a member inside the network: a minimal profile page at /mitglieder/<handle>/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import permissions
from .models import Profile, User
from .roles import Role


@login_required
def member_profile(request: HttpRequest, handle: str) -> HttpResponse:
    """Display name, avatar, roles, member since and bio; members only (mention links point here)."""
    user = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if user is None:
        raise Http404
    profile = Profile.objects.select_related("region").filter(user=user).first()
    roles = [Role(value).label for value in permissions.roles_of(user)]
    return render(request, "community/member_profile.html", {"member": user, "profile": profile, "roles": roles})
