"""The forum pages: thin views over selectors (reads), services (writes) and permissions (who may)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import permissions, selectors, services
from ..forms import NonceForm, ReplyForm, TopicForm
from ..models import Category, Topic
from ..post_markup import PostMarkup
from . import composer, moderation, reading, subscriptions

# How long a form's one-time token remembers what it created (a resend after that creates anew).
NONCE_TTL = 60 * 60 * 24
_PENDING = "pending"


def _new_nonce() -> str:
    return uuid.uuid4().hex


def _nonce_key(request: HttpRequest, form: NonceForm) -> str:
    return f"forums:nonce:{request.user.pk}:{form.cleaned_data['nonce']}"


def _claim_nonce(request: HttpRequest, form: NonceForm) -> tuple[bool, str | None]:
    """(claimed, url): claimed for a first submission; otherwise the URL the first one created, if done.

    cache.add is atomic, so two copies of one submission arriving together cannot both write.
    """
    key = _nonce_key(request, form)
    if cache.add(key, _PENDING, NONCE_TTL):
        return True, None
    created = cache.get(key)
    return False, created if created and created != _PENDING else None


def _submit_once(
    request: HttpRequest, form: NonceForm, create: Callable[[], str], fallback_url: str
) -> HttpResponse | None:
    """Run `create` (a service call returning the URL of what it made) once per form token.

    A resent form redirects to what the first submission created. When the service
    refuses, its message lands in the form, the token is released and the form gets a
    fresh one, and None tells the caller to render the form again with the typed text.
    """
    if form.is_valid():
        claimed, created_url = _claim_nonce(request, form)
        if not claimed:
            return redirect(created_url or fallback_url)
        try:
            try:
                url = create()
            except services.PostQueued as queued:
                # A new member's post waits for approval: it is stored in the queue, not published.
                services.queued_post_create(**queued.submission)
                messages.info(request, queued.message)
                url = fallback_url
        except ValidationError as error:
            cache.delete(_nonce_key(request, form))
            form.add_service_error(error)
        except PermissionDenied as error:
            cache.delete(_nonce_key(request, form))
            form.add_error(None, str(error))
        else:
            cache.set(_nonce_key(request, form), url, NONCE_TTL)
            return redirect(url)
    form.data = form.data.copy()
    form.data["nonce"] = _new_nonce()
    return None


def _categories_crumbs(category: Category) -> list[dict[str, str]]:
    crumbs = [{"label": _("Forums"), "url": reverse("forums:index")}]
    if category.parent_id:
        crumbs.append({"label": category.parent.name, "url": selectors.category_url(category.parent)})
    crumbs.append({"label": category.name, "url": selectors.category_url(category)})
    return crumbs


@login_required
@require_http_methods(["GET", "POST"])
def topic_new(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.visible_category_by_slug(request.user, slug)
    if found is None:
        raise Http404
    if not permissions.can_start_topic(request.user, found):
        raise PermissionDenied
    composer_state = composer.new_topic_state(request, found)
    if request.method == "POST":
        form = TopicForm(request.POST, request.FILES)
        composer.prepare_submission(request, form, composer_state, category=found)

        def create() -> str:
            topic = services.topic_create(
                author=request.user,
                category=found,
                title=form.cleaned_data["title"],
                body_markdown=form.cleaned_data["body_markdown"],
                tags=form.tag_names(),
            )
            return selectors.topic_url(topic.pk)

        category_url = selectors.category_url(found)
        response = None if composer_state.stop else _submit_once(request, form, create, category_url)
        if response is not None:
            return response
    else:
        form = TopicForm(initial={"nonce": _new_nonce(), **composer_state.initial})
    crumbs = _categories_crumbs(found)
    crumbs.append({"label": _("New topic"), "url": ""})
    return render(
        request,
        "forums/topic_form.html",
        {"category": found, "form": form, "breadcrumbs": crumbs, "composer": composer_state},
    )


def _reply_hint(request: HttpRequest, topic: Topic) -> str:
    """Why there is no reply form, in a sentence (empty when there is one or nothing needs saying)."""
    if topic.archived:
        return _("This topic is archived; it takes no more replies.")
    if topic.closed:
        return _("This topic is closed; it takes no more replies.")
    if request.user.is_authenticated:
        return _("Confirm your e-mail address to take part in the discussions.")
    return ""


@require_http_methods(["GET", "POST"])
def topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    found = selectors.topic_for_page(request.user, topic_id)
    if found is None:
        merged_into = selectors.merged_topic_redirect(request.user, topic_id)
        if merged_into is None:
            raise Http404
        return redirect(merged_into)
    read_state, landing = reading.topic_arrival(request, found)
    if landing is not None:
        return landing  # a returning member lands on their first unread post
    topic_url = selectors.topic_url(found.pk)
    can_reply = permissions.can_reply(request.user, found)
    form = None
    page_number: object = request.GET.get("page")
    composer_state = composer.reply_state(request, found) if can_reply else composer.ComposerState()
    if {"zitat", "antwort"} & request.GET.keys():
        page_number = 10**6  # the reply form sits under the last posts
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(topic_url)
        form = ReplyForm(request.POST, request.FILES)
        composer.prepare_submission(request, form, composer_state, category=found.category)

        def create() -> str:
            post = services.post_create(
                author=request.user,
                topic=found,
                body_markdown=form.cleaned_data["body_markdown"],
                reply_to=composer.reply_target(found, form.cleaned_data.get("reply_to")),
            )
            return selectors.post_url(found.pk, post.post_number)

        response = None if composer_state.stop else _submit_once(request, form, create, topic_url)
        if response is not None:
            return response
        # The form sits under the last posts; show those around it again.
        page_number = 10**6
    elif can_reply:
        form = ReplyForm(initial={"nonce": _new_nonce(), **composer_state.initial})
    page_obj = selectors.topic_post_page(found, page=page_number)
    viewer = selectors.post_viewer_state(request.user, page_obj.object_list, found)
    viewer["composer"] = composer.viewer_state(request.user, found, can_reply=can_reply)
    viewer.update(reading.topic_page_read(request, found, read_state, page_obj))
    viewer["level_selector"] = subscriptions.topic_level_selector(request, found, read_state)
    viewer["moderation"] = moderation.viewer_state(request.user, found)
    markup = PostMarkup(viewer, accepted_id=found.accepted_post_id, csrf_token=get_token(request))
    crumbs = _categories_crumbs(found.category)
    crumbs.append({"label": found.title, "url": topic_url})
    return render(
        request,
        "forums/topic.html",
        {
            "topic": found,
            "topic_url": topic_url,
            "breadcrumbs": crumbs,
            "tags": selectors.topic_tag_names(found),
            "page_obj": page_obj,
            # The post loop is rendered in Python (forums.post_markup), the hot path of the page.
            "posts_html": markup.render_page(
                viewer["rows"], first_unread=viewer.get("first_unread"), unread_label=_("Unread from here")
            ),
            "accepted_number": found.accepted_number if found.accepted_deleted_at is None else None,
            "accepted_url": selectors.post_url(found.pk, found.accepted_number) if found.accepted_number else "",
            "form": form,
            "reply_hint": "" if form is not None else _reply_hint(request, found),
            "login_url": f"{reverse('account_login')}?next={topic_url}",
            "viewer": viewer,
            "composer": composer_state,
        },
    )


def post_permalink(request: HttpRequest, topic_id: int, post_number: int) -> HttpResponse:
    """Open the page of the topic that shows post N, scrolled to it; past the end, the last post."""
    found = selectors.visible_topic(request.user, topic_id)
    if found is None:
        merged_into = selectors.merged_topic_redirect(request.user, topic_id, post_number)
        if merged_into is None:
            raise Http404
        return redirect(merged_into)
    page = selectors.post_page_number(found, post_number)
    if page is None:
        last = selectors.last_post_number(found)
        if last is None or last == post_number:
            raise Http404
        if post_number > last:
            return redirect(selectors.post_url(found.pk, last))
        raise Http404
    return redirect(f"{selectors.topic_url(found.pk)}?page={page}#post-{post_number}")


@require_http_methods(["GET"])
def post_fragment(request: HttpRequest, topic_id: int, post_number: int) -> HttpResponse:
    """One post as the topic page renders it, for the live topic page to insert or replace.

    The realtime event names only the post; this view checks the viewer's rights again, so an
    event never carries text or controls meant for someone else.
    """
    found = selectors.topic_for_page(request.user, topic_id)
    if found is None:
        raise Http404
    rows = selectors.topic_post_rows(found, post_number=post_number)
    if not rows:
        raise Http404
    viewer = selectors.post_viewer_state(request.user, rows, found)
    viewer["composer"] = composer.viewer_state(
        request.user, found, can_reply=permissions.can_reply(request.user, found)
    )
    viewer["moderation"] = moderation.viewer_state(request.user, found)
    row, state = viewer["rows"][0]
    markup = PostMarkup(viewer, accepted_id=found.accepted_post_id, csrf_token=get_token(request))
    response = HttpResponse(markup.render(row, state))
    response["Cache-Control"] = "private, no-store"
    return response
