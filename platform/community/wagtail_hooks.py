"""Registers the taxonomy and teams as Wagtail snippets so editors can change them."""

from django.utils.translation import gettext_lazy as _
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
