"""Member-facing pages of the community layer: profile editor and "my teams"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_for_edit(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, user=request.user)
        if form.is_valid():
            services.profile_update(
                user=request.user,
                display_name=form.cleaned_data["display_name"],
                region=form.cleaned_data["region"],
                handlungsfelder=form.cleaned_data["handlungsfelder"],
                bio=form.cleaned_data["bio"],
                handle=form.cleaned_data["handle"],
            )
            messages.success(request, _("Your profile has been saved."))
            return redirect("community:profile_edit")
        messages.error(request, _("Please correct the marked fields."))
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile), user=request.user)
    return render(request, "community/profile_edit.html", {"form": form, "profile": profile})


@login_required
def my_teams(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.teams_of_member(user=request.user))
    return render(request, "community/my_teams.html", {"memberships": memberships})
