"""Choosing a notification level for a topic or a category (a plain form; works without JavaScript)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..models import Category, NotificationLevel, Topic, TopicUser
from ..notification_hooks import LEVEL_HELP
from ..services import subscriptions

# Strongest first, as Discourse lists them.
LEVEL_ORDER = sorted(NotificationLevel, reverse=True)


def level_selector(*, current: int, action: str) -> dict[str, Any]:
    """What forums/_level_selector.html needs: the current level and each choice with its explanation."""
    current_level = NotificationLevel(current)
    id_prefix = slugify(action)  # the radio buttons' ids, unique per selector on a page
    return {
        "action": action,
        "current": int(current_level),
        "current_label": str(current_level.label),
        "choices": [
            {
                "value": int(level),
                "label": str(level.label),
                "help": str(LEVEL_HELP[level]),
                "checked": level == current_level,
                "id": f"level-{int(level)}",
                "input_id": f"{id_prefix}-level-{int(level)}",
            }
            for level in LEVEL_ORDER
        ],
    }


def topic_level_selector(request: HttpRequest, topic: Topic, state: TopicUser | None = None) -> dict[str, Any] | None:
    """The selector for the topic page's viewer dict (None for visitors who are not logged in).

    `state` is the member's TopicUser as the page already read it. A stored row says whether the
    member's own level decides (chosen or posted), and so does a topic from topic_for_page that found
    no row (`viewer_state` None: nothing decides yet); a row rebuilt from the topic list's annotations
    does so only when the annotations `read_level_chosen` and `read_posted` are there. Otherwise
    the row is read here (1 query), and the category level only when the topic level does not decide.
    """
    if not request.user.is_authenticated:
        return None
    decided: int | None = None
    if state is not None and state.pk is not None:
        decided = state.level if (state.level_chosen or state.posted) else -1
    elif state is None and getattr(topic, "viewer_state", False) is None:
        decided = -1
    elif state is not None and hasattr(topic, "read_level_chosen") and hasattr(topic, "read_posted"):
        decided = state.level if (topic.read_level_chosen or topic.read_posted) else -1
    if decided is None:
        row = (
            TopicUser.objects.filter(user=request.user, topic=topic)
            .values_list("level", "level_chosen", "posted")
            .first()
        )
        decided = row[0] if row and (row[1] or row[2]) else -1
    if decided < 0:
        decided = subscriptions.category_level(user=request.user, category=topic.category)
    return level_selector(current=decided, action=reverse("forums:topic_level", args=[topic.pk]))


def category_level_selector(request: HttpRequest, category: Category) -> dict[str, Any] | None:
    if not request.user.is_authenticated:
        return None
    return level_selector(
        current=subscriptions.category_level(user=request.user, category=category),
        action=reverse("forums:category_level", args=[category.slug]),
    )


def _apply(request: HttpRequest, change, target_url: str) -> HttpResponse:
    try:
        change(request.POST.get("level"))
    except ValidationError:
        messages.error(request, _("Please choose one of the notification levels."))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("Your notification level is saved."))
    return redirect(target_url)


@login_required
@require_POST
def topic_level(request: HttpRequest, topic_id: int) -> HttpResponse:
    found = selectors.visible_topic(request.user, topic_id)
    if found is None:
        raise Http404
    return _apply(
        request,
        lambda level: subscriptions.topic_level_set(user=request.user, topic=found, level=level),
        selectors.topic_url(found.pk),
    )


@login_required
@require_POST
def category_level(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.visible_category_by_slug(request.user, slug)
    if found is None:
        raise Http404
    return _apply(
        request,
        lambda level: subscriptions.category_level_set(user=request.user, category=found, level=level),
        selectors.category_url(found),
    )
