"""Registers forum categories as a Wagtail snippet, so Redaktion and Administration can arrange the forums."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Category


class CategoryViewSet(SnippetViewSet):
    # A snippet, not a page: categories hold no content of their own, only structure and access rules.
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Forum categories")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "parent", "visibility", "topic_starters", "topic_count", "post_count"]
    list_filter = ["visibility", "topic_starters", "handlungsfeld"]
    search_fields = ["name"]
    ordering = ["position", "name"]

    def get_queryset(self, request):  # noqa: ANN001, ANN201
        return Category.objects.select_related("parent")


register_snippet(CategoryViewSet)
