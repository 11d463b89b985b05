"""Reads of the community layer that need more than one line of ORM."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Profile, Team, TeamMembership, User


def teams_of_member(*, user: User) -> QuerySet[TeamMembership]:
    """The member's teams with region and member counts, in two queries whatever their number."""
    return (
        TeamMembership.objects.filter(user=user)
        .select_related("team", "team__region", "team__grossregion")
        .annotate(member_count=Count("team__memberships"))
        .order_by("team__kind", "team__name")
    )


def profile_for_edit(*, user: User) -> Profile:
    profile = Profile.objects.select_related("region").filter(user=user).first()
    if profile is None:
        from .services import profile_ensure

        profile = profile_ensure(user=user)
    return profile


def team_list(*, kind: str | None = None) -> QuerySet[Team]:
    teams = Team.objects.select_related("region", "grossregion").annotate(member_count=Count("memberships"))
    if kind:
        teams = teams.filter(kind=kind)
    return teams
