"""Read state from the pages: posts read while reading, "Alle als gelesen markieren", landing on the first unread."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..models import Topic, TopicUser
from ..permissions import can_view_topic

# Post numbers beyond this are garbage, not a long topic; only ASCII digits count as a number.
MAX_POST_NUMBER = 10**9
POST_NUMBER_RE = re.compile(r"[0-9]{1,10}")


@require_POST
def topic_read(request: HttpRequest, topic_id: int) -> HttpResponse:
    """The page tells which posts were on screen: the read position rises to the highest (never falls).

    Called by forums.js (throttled there); anonymous visitors have no read state (403), garbage is a 400.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    raw = request.POST.get("post_number", "")
    if not POST_NUMBER_RE.fullmatch(raw) or not 0 < int(raw) < MAX_POST_NUMBER:
        return HttpResponseBadRequest("post_number must be a positive whole number")
    found = selectors.visible_topic(request.user, topic_id)
    if found is None:
        raise Http404
    services.member_visit(user=request.user)
    services.posts_mark_read(user=request.user, topic=found, up_to=int(raw))
    return HttpResponse(status=204)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.forum_mark_all_read(user=request.user)
    messages.success(request, _("All topics are marked as read."))
    return _back(request, reverse("forums:index"))


@login_required
@require_POST
def category_mark_all_read(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.visible_category_by_slug(request.user, slug)
    if found is None:
        raise Http404
    services.category_mark_all_read(user=request.user, category=found)
    messages.success(request, _("All topics in “%(name)s” are marked as read.") % {"name": found.name})
    return _back(request, selectors.category_url(found))


# --- the topic page ------------------------------------------------------------------------------


def topic_arrival(request: HttpRequest, topic: Topic) -> tuple[TopicUser | None, HttpResponse | None]:
    """The member's read state in the topic, and a redirect to their first unread post when they return.

    Returning means: a GET of the bare topic URL (the permalink adds ?page, so there is no loop), the member
    has read something, and a later post exists. Records the forum visit as well.
    """
    if not request.user.is_authenticated:
        return None, None
    services.member_visit(user=request.user)
    state = selectors.topic_user_of(request.user, topic)
    if (
        request.method == "GET"
        and not request.GET
        and state is not None
        and 0 < state.last_read_post_number < topic.last_post_number
    ):
        number = selectors.first_post_after(topic, state.last_read_post_number)
        if number is not None:
            return state, redirect(selectors.post_url(topic.pk, number))
    return state, None


def topic_page_read(request: HttpRequest, topic: Topic, state: TopicUser | None, page_obj: Page) -> dict[str, object]:
    """The shown page counts as read (this is the no-JavaScript path) and as a view; keys for the `viewer` dict."""
    numbers = [row.post.post_number for row in page_obj.object_list]
    shown_up_to = max(numbers, default=0)
    services.topic_visit(
        user=request.user,
        topic=topic,
        state=state,
        shown_up_to=shown_up_to,
        address=request.META.get("REMOTE_ADDR", ""),
    )
    public = not topic.unlisted and can_view_topic(AnonymousUser(), topic)
    feeds = {
        "feed_url": reverse("forums:topic_feed", args=[topic.pk]) if public else "",
        "feed_atom_url": reverse("forums:topic_feed_atom", args=[topic.pk]) if public else "",
    }
    if not request.user.is_authenticated:
        return feeds
    last_read = state.last_read_post_number if state is not None else 0
    # The "last read" line goes before the first unread post of the page, once something was read.
    first_unread = next((n for n in numbers if n > last_read), None) if last_read else None
    return {
        "last_read": last_read,
        "first_unread": first_unread,
        "read_url": reverse("forums:topic_read", args=[topic.pk]),
        **feeds,
    }
