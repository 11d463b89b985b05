"""Reacting, bookmarking and marking the solution: small POST forms that redirect back, or JSON for the script."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import permissions, selectors, services
from ..models import Post, Reaction


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _visible_post(request: HttpRequest, post_id: int) -> Post:
    """The post if the viewer may read it; hidden and deleted posts only for moderation. 404 otherwise."""
    post = Post.objects.select_related("topic__category__parent", "author").filter(pk=post_id).first()
    if post is None or not permissions.can_view_post(request.user, post):
        raise Http404
    if (post.is_hidden or post.is_deleted) and not permissions.can_moderate_category(request.user, post.topic.category):
        raise Http404
    return post


def _anchor_url(post: Post) -> str:
    """The page of the topic that shows the post, scrolled to it (what the permalink redirects to)."""
    page = selectors.post_page_number(post.topic, post.post_number) or 1
    return f"{selectors.topic_url(post.topic_id)}?page={page}#post-{post.post_number}"


def _flag(value: str | None) -> bool | None:
    """A form's wanted state: "1" on, "0" off, anything else (or nothing) flips."""
    return {"1": True, "0": False}.get(value or "")


def _refused(request: HttpRequest, post: Post, message: str, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    messages.error(request, message)
    return redirect(_anchor_url(post))


def _login_first(request: HttpRequest, post: Post) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": _("Please log in first.")}, status=403)
    return redirect_to_login(selectors.post_url(post.topic_id, post.post_number))


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


@require_POST
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    """Add ("add"=kind) or remove ("remove"=kind) the viewer's reaction; "kind" alone flips it."""
    post = _visible_post(request, post_id)
    if not request.user.is_authenticated:
        return _login_first(request, post)
    if "add" in request.POST:
        kind, active = request.POST["add"], True
    elif "remove" in request.POST:
        kind, active = request.POST["remove"], False
    else:
        kind, active = request.POST.get("kind", ""), _flag(request.POST.get("active"))
    try:
        active = services.reaction_toggle(user=request.user, post=post, kind=kind, active=active)
    except ValidationError as error:
        return _refused(request, post, _error_text(error), 400)
    except PermissionDenied as error:
        return _refused(request, post, _error_text(error), 403)
    if _wants_json(request):
        mine = set(Reaction.objects.filter(post=post, user=request.user).values_list("kind", flat=True))
        payload: dict[str, Any] = {
            "ok": True,
            "post_id": post.pk,
            "kind": kind,
            "active": active,
            "counts": post.reaction_counts,
            "total": post.reaction_count,
            "mine": sorted(mine),
        }
        return JsonResponse(payload)
    return redirect(_anchor_url(post))


@require_POST
def post_bookmark(request: HttpRequest, post_id: int) -> HttpResponse:
    """Set ("active"=1), clear ("active"=0) or flip the viewer's bookmark on a post."""
    post = _visible_post(request, post_id)
    if not request.user.is_authenticated:
        return _login_first(request, post)
    try:
        active = services.bookmark_toggle(user=request.user, post=post, active=_flag(request.POST.get("active")))
    except PermissionDenied as error:
        return _refused(request, post, _error_text(error), 403)
    if _wants_json(request):
        return JsonResponse({"ok": True, "post_id": post.pk, "active": active})
    return redirect(_anchor_url(post))


@require_POST
def post_solve(request: HttpRequest, post_id: int) -> HttpResponse:
    """Mark ("solved"=1) or unmark ("solved"=0) the post as the topic's solution."""
    post = _visible_post(request, post_id)
    if not request.user.is_authenticated:
        return _login_first(request, post)
    wanted = _flag(request.POST.get("solved"))
    topic = post.topic
    if wanted is None:
        wanted = topic.accepted_post_id != post.pk
    try:
        if wanted:
            services.topic_mark_solved(actor=request.user, topic=topic, post=post)
        elif topic.accepted_post_id == post.pk:
            services.topic_unmark_solved(actor=request.user, topic=topic)
        elif not permissions.can_mark_solved(request.user, topic):
            raise PermissionDenied(_("You may not change the solution of this topic."))
    except ValidationError as error:
        return _refused(request, post, _error_text(error), 400)
    except PermissionDenied as error:
        return _refused(request, post, _error_text(error), 403)
    if _wants_json(request):
        return JsonResponse({"ok": True, "post_id": post.pk, "solved": wanted})
    return redirect(_anchor_url(post))


@require_GET
def post_reactions(request: HttpRequest, post_id: int) -> HttpResponse:
    """Who reacted to a post, per kind: a page, or with ?fragment=1 only the list (for the script)."""
    post = _visible_post(request, post_id)
    context = {
        "post": post,
        "topic": post.topic,
        "groups": selectors.reactions_of_post(post),
        "post_url": selectors.post_url(post.topic_id, post.post_number),
    }
    if request.GET.get("fragment"):
        return render(request, "forums/_post_reactions_list.html", context)
    return render(request, "forums/post_reactions.html", context)
