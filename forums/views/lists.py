"""The topic lists: the forum start page, "Neueste", "Neu", "Ungelesen", "Top", "Meine Themen", "Lesezeichen".

Each list exists for all forums, per category (with its subcategories) and per tag; 30 topics per page.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from .. import permissions, selectors, services
from ..models import Category
from ..selectors import Tab
from .pages import _categories_crumbs
from .subscriptions import category_level_selector

# The path of each list below its scope (/foren/, /foren/c/<slug>/, /foren/tag/<slug>/).
TAB_SUFFIXES: dict[str, str] = {
    Tab.LATEST: "",
    Tab.NEW: "neu/",
    Tab.UNREAD: "ungelesen/",
    Tab.TOP: "top/",
    Tab.MINE: "meine/",
    Tab.BOOKMARKS: "lesezeichen/",
}
TAB_LABELS = {
    Tab.LATEST: gettext_lazy("Latest"),
    Tab.NEW: gettext_lazy("New"),
    Tab.UNREAD: gettext_lazy("Unread"),
    Tab.TOP: gettext_lazy("Top"),
    Tab.MINE: gettext_lazy("My topics"),
    Tab.BOOKMARKS: gettext_lazy("Bookmarks"),
}
EMPTY_TITLES = {
    Tab.LATEST: gettext_lazy("No topics yet"),
    Tab.NEW: gettext_lazy("Nothing new for you"),
    Tab.UNREAD: gettext_lazy("You have read everything"),
    Tab.TOP: gettext_lazy("No topics in this period"),
    Tab.MINE: gettext_lazy("You have not started or answered a topic here yet"),
    Tab.BOOKMARKS: gettext_lazy("No bookmarks here yet"),
}
PERIOD_LABELS = {
    "tag": gettext_lazy("Day"),
    "woche": gettext_lazy("Week"),
    "monat": gettext_lazy("Month"),
    "jahr": gettext_lazy("Year"),
}


def list_tabs(
    request: HttpRequest, base_url: str, current: str, counts: tuple[int, int] | None = None
) -> list[dict[str, object]]:
    """The tab navigation of a scope; member-only tabs are offered to members only."""
    member = selectors.is_reader(request.user)
    unread, new = counts or (None, None)
    tabs = []
    for tab in Tab.ALL:
        if tab in Tab.MEMBERS_ONLY and not member:
            continue
        count = {Tab.NEW: new, Tab.UNREAD: unread}.get(tab)
        tabs.append(
            {
                "label": TAB_LABELS[tab],
                "url": base_url + TAB_SUFFIXES[tab],
                "active": tab == current,
                "count": count or "",
            }
        )
    return tabs


def _period_links(url: str, current: str) -> list[dict[str, object]]:
    return [
        {"label": label, "url": f"{url}?zeitraum={key}", "active": key == current}
        for key, label in PERIOD_LABELS.items()
    ]


def _list_context(
    request: HttpRequest,
    *,
    tab: str,
    base_url: str,
    category: Category | None = None,
    tag: Tag | None = None,
    counts: tuple[int, int] | None = None,
) -> dict[str, object]:
    period = selectors.top_period(request.GET.get("zeitraum"))
    if counts is None and selectors.is_reader(request.user) and category is None and tag is None:
        counts = selectors.topic_counts_for(request.user)
    url = base_url + TAB_SUFFIXES[tab]
    feed_url = base_url + "feed/" if tag is None else ""
    if category is not None and not permissions.can_view_category(AnonymousUser(), category):
        feed_url = ""  # feeds carry public content only
    return {
        "tab": tab,
        "tabs": list_tabs(request, base_url, tab, counts),
        "page_obj": selectors.topic_list_page(
            request.user,
            tab=tab,
            category=category,
            tag_id=tag.pk if tag is not None else None,
            period=period,
            page=request.GET.get("page"),
        ),
        "periods": _period_links(url, period) if tab == Tab.TOP else [],
        "empty_title": EMPTY_TITLES[tab],
        "list_url": url,
        "feed_url": feed_url,
        "feed_atom_url": feed_url + "atom/" if feed_url else "",
        # Lists by activity or creation grow with new topics: those get the live "new topics" bar.
        "live_streams": selectors.live_category_streams(request.user, category=category)
        if tab in (Tab.LATEST, Tab.NEW) and tag is None and request.GET.get("page") in (None, "", "1")
        else [],
    }


def _members_only(request: HttpRequest, tab: str) -> HttpResponse | None:
    if tab in Tab.MEMBERS_ONLY and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def index(request: HttpRequest) -> HttpResponse:
    """The forum start page: categories with the member's unread and new counts, then "Neueste"."""
    services.member_visit(user=request.user)
    categories = selectors.category_rows_for(request.user)
    counts = (sum(row.unread for row in categories), sum(row.new for row in categories))
    base_url = reverse("forums:index")
    context = _list_context(request, tab=Tab.LATEST, base_url=base_url, counts=counts)
    context.update(
        {
            "categories": categories,
            "mark_read_url": reverse("forums:mark_read") if selectors.is_reader(request.user) else "",
        }
    )
    return render(request, "forums/index.html", context)


def topic_list(request: HttpRequest, tab: str) -> HttpResponse:
    """A list over all forums ("Neueste" is the start page)."""
    if (response := _members_only(request, tab)) is not None:
        return response
    services.member_visit(user=request.user)
    context = _list_context(request, tab=tab, base_url=reverse("forums:index"))
    context.update(
        {
            "heading": TAB_LABELS[tab],
            "breadcrumbs": [
                {"label": _("Forums"), "url": reverse("forums:index")},
                {"label": TAB_LABELS[tab], "url": ""},
            ],
            "mark_read_url": reverse("forums:mark_read")
            if tab in (Tab.NEW, Tab.UNREAD) and selectors.is_reader(request.user)
            else "",
        }
    )
    return render(request, "forums/topic_list.html", context)


def category(request: HttpRequest, slug: str, tab: str = Tab.LATEST) -> HttpResponse:
    """A category's lists (its subcategories included); "Neueste" shows its pinned topics first."""
    found = selectors.visible_category_by_slug(request.user, slug)
    if found is None:
        raise Http404
    if (response := _members_only(request, tab)) is not None:
        return response
    services.member_visit(user=request.user)
    base_url = selectors.category_url(found)
    context = _list_context(request, tab=tab, base_url=base_url, category=found)
    context.update(
        {
            # Topics of subcategories are listed too; then each row names its category.
            "show_category": any(row.topic.category_id != found.pk for row in context["page_obj"].object_list),
            "category": found,
            "breadcrumbs": _categories_crumbs(found),
            "can_start_topic": permissions.can_start_topic(request.user, found),
            "new_topic_url": reverse("forums:topic_new", args=[found.slug]),
            "category_level_selector": category_level_selector(request, found),
            "mark_read_url": reverse("forums:category_mark_read", args=[found.slug])
            if selectors.is_reader(request.user)
            else "",
        }
    )
    return render(request, "forums/category.html", context)


def tag(request: HttpRequest, tag: str, tab: str = Tab.LATEST) -> HttpResponse:
    """The lists of one tag; a tag no visible listed topic carries is not found (it may be private)."""
    found = Tag.objects.filter(slug=tag).first()
    if found is None or not selectors.topic_list_queryset(request.user, tag_id=found.pk).exists():
        raise Http404
    if (response := _members_only(request, tab)) is not None:
        return response
    services.member_visit(user=request.user)
    base_url = reverse("forums:tag", args=[found.slug])
    context = _list_context(request, tab=tab, base_url=base_url, tag=found)
    context.update(
        {
            "heading": _("Tag “%(name)s”") % {"name": found.name},
            "breadcrumbs": [{"label": _("Forums"), "url": reverse("forums:index")}, {"label": found.name, "url": ""}],
            "mark_read_url": "",
        }
    )
    return render(request, "forums/topic_list.html", context)
