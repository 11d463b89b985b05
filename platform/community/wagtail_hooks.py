"""Wagtail hooks of the platform: taxonomy and teams as snippets, and the 403 for pages of other groups."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import PageViewRestriction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Grossregion, Handlungsfeld, Region, Team


class HandlungsfeldViewSet(SnippetViewSet):
    model = Handlungsfeld
    icon = "tag"
    menu_label = _("Handlungsfelder")
    list_display = ["name", "slug", "order"]
    search_fields = ["name"]
    ordering = ["order", "name"]


class GrossregionViewSet(SnippetViewSet):
    model = Grossregion
    icon = "site"
    menu_label = _("Großregionen")
    list_display = ["name", "get_countries_display"]


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "globe"
    menu_label = _("Regions")
    list_display = ["name", "grossregion", "country", "status"]
    list_filter = ["status", "country", "grossregion"]
    search_fields = ["name"]

    def get_queryset(self, request):  # noqa: ANN001, ANN201
        return Region.objects.select_related("grossregion")


class TeamViewSet(SnippetViewSet):
    model = Team
    icon = "group"
    menu_label = _("Teams")
    list_display = ["name", "kind", "region", "grossregion"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_queryset(self, request):  # noqa: ANN001, ANN201
        return Team.objects.select_related("region", "grossregion")


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Community")
    menu_icon = "group"
    menu_order = 300
    items = (HandlungsfeldViewSet, GrossregionViewSet, RegionViewSet, TeamViewSet)


register_snippet(TaxonomyGroup)


@hooks.register("before_serve_page")
def refuse_signed_in_members_without_access(page, request, serve_args, serve_kwargs):
    """A signed-in member outside a page's groups gets 403, not Wagtail's login form they cannot get past.

    Anonymous visitors still go to the login (Wagtail's own hook, which runs after this one), and
    restrictions by login or password keep Wagtail's behaviour.
    """
    if not request.user.is_authenticated:
        return None
    for restriction in page.get_view_restrictions():
        if restriction.restriction_type == PageViewRestriction.GROUPS and not restriction.accept_request(request):
            raise PermissionDenied
    return None
