"""Moderation pages: flagging a post, the review queue, the moderator menus' actions and the log."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community import permissions as community_permissions
from community.models import User

from .. import permissions, selectors
from ..models import Category, ModerationAction, Post, Topic
from ..moderation_forms import FlagForm, FlagReviewForm, PostModerationForm, QueuedReviewForm, TopicModerationForm
from ..selectors import moderation as moderation_selectors
from ..services import moderation as moderation_services


def viewer_state(user: User, topic: Topic) -> dict[str, object]:
    """The moderation part of the topic page's `viewer` dict (1 query more, for moderators only)."""
    can_moderate = permissions.can_moderate_topic(user, topic)
    state: dict[str, object] = {
        "can_flag": community_permissions.can_post(user) and not topic.archived,
        "can_moderate": can_moderate,
        "user_id": getattr(user, "pk", None),
        "flag_reasons": moderation_services.flag_reasons(),
        "post_base_url": "/foren/p/",
    }
    if can_moderate:
        state.update(
            {
                "is_global": permissions.is_forum_moderator(user),
                "move_targets": [(c.pk, c.name) for c in moderation_selectors.move_targets_for(user, topic)],
                "topic_action_url": reverse("forums:moderation_topic", args=[topic.pk]),
                "post_actions": PostModerationForm.ACTIONS,
                "hidden_reasons": [c for c in Post.HiddenReason.choices if c[0] != "flagged"],
                "periods": PostModerationForm.PERIODS,
            }
        )
    return state


def _visible_post(request: HttpRequest, post_id: int) -> Post:
    post = Post.objects.select_related("topic__category__parent", "author").filter(pk=post_id).first()
    if post is None or not permissions.can_view_post(request.user, post):
        raise Http404
    return post


def _run(form, action: Callable[[], object]) -> bool:
    """Call a service; its refusal lands in the form. True when it went through."""
    try:
        action()
    except ValidationError as error:
        form.add_service_error(error)
    except PermissionDenied as error:
        form.add_error(None, str(error) or _("You may not do this."))
    else:
        return True
    return False


def _action_page(
    request: HttpRequest, *, title: str, form, post: Post | None, topic: Topic, action_url: str, kind: str
):
    return render(
        request,
        "forums/moderation_action.html",
        {
            "title": title,
            "form": form,
            "post": post,
            "topic": topic,
            "action_url": action_url,
            "kind": kind,
            "topic_url": selectors.topic_url(topic.pk),
            "post_url": selectors.post_url(topic.pk, post.post_number) if post else "",
        },
    )


# --- flagging --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def post_flag(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _visible_post(request, post_id)
    url = selectors.post_url(post.topic_id, post.post_number)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: moderation_services.flag_create(
                reporter=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            ),
        )
        if done:
            messages.success(request, _("Thank you. The moderators will look at this post."))
            return redirect(url)
    return _action_page(
        request,
        title=_("Flag a post"),
        form=form,
        post=post,
        topic=post.topic,
        action_url=reverse("forums:post_flag", args=[post.pk]),
        kind="flag",
    )


# --- moderator menus -------------------------------------------------------------------------------


def _moderated_post(request: HttpRequest, post_id: int) -> Post:
    post = _visible_post(request, post_id)
    if not permissions.can_moderate_topic(request.user, post.topic):
        raise PermissionDenied
    return post


@login_required
@require_http_methods(["GET", "POST"])
def post_moderate(request: HttpRequest, post_id: int) -> HttpResponse:
    """One post's moderator actions; GET shows the form (e.g. ?action=edit with the text to change)."""
    post = _moderated_post(request, post_id)
    url = selectors.post_url(post.topic_id, post.post_number)
    if request.method == "POST":
        form = PostModerationForm(request.POST)
        if form.is_valid() and _run(form, lambda: _post_action(request.user, post, form)):
            messages.success(request, _("Done. The action is in the moderation log."))
            return redirect(url)
    else:
        action = request.GET.get("action", "hide")
        form = PostModerationForm(initial={"action": action, "body_markdown": post.body_markdown, "period": "day"})
    return _action_page(
        request,
        title=_("Moderate a post"),
        form=form,
        post=post,
        topic=post.topic,
        action_url=reverse("forums:moderation_post", args=[post.pk]),
        kind="post",
    )


def _post_action(moderator: User, post: Post, form: PostModerationForm) -> None:
    data = form.cleaned_data
    action, reason = data["action"], data["reason"]
    services = moderation_services
    if action == "hide":
        services.post_hide(
            moderator=moderator, post=post, reason=reason, hidden_reason=data.get("hidden_reason") or "other"
        )
    elif action == "unhide":
        services.post_unhide(moderator=moderator, post=post, reason=reason)
    elif action == "delete":
        services.post_delete_moderated(moderator=moderator, post=post, reason=reason)
    elif action == "restore":
        services.post_restore(moderator=moderator, post=post, reason=reason)
    elif action == "edit":
        services.post_edit_moderated(
            moderator=moderator, post=post, body_markdown=data.get("body_markdown") or "", reason=reason
        )
    elif action in {"silence", "unsilence"}:
        if post.author is None:
            raise ValidationError(_("This post has no author any more."), code="no_author")
        if action == "silence":
            services.user_silence(
                moderator=moderator, user=post.author, until=form.silence_until(), reason=reason, post=post
            )
        else:
            services.user_unsilence(moderator=moderator, user=post.author, reason=reason)


def _moderated_topic(request: HttpRequest, topic_id: int) -> Topic:
    topic = selectors.visible_topic(request.user, topic_id)
    if topic is None:
        raise Http404
    if not permissions.can_moderate_topic(request.user, topic):
        raise PermissionDenied
    return topic


@login_required
@require_http_methods(["GET", "POST"])
def topic_moderate(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _moderated_topic(request, topic_id)
    categories = moderation_selectors.move_targets_for(request.user, topic)
    if request.method == "POST":
        form = TopicModerationForm(request.POST, categories=categories)
        result: dict[str, str] = {}
        if form.is_valid() and _run(form, lambda: result.update(url=_topic_action(request.user, topic, form))):
            messages.success(request, _("Done. The action is in the moderation log."))
            return redirect(result["url"])
    else:
        form = TopicModerationForm(initial={"action": request.GET.get("action", "close")}, categories=categories)
    return _action_page(
        request,
        title=_("Moderate a topic"),
        form=form,
        post=None,
        topic=topic,
        action_url=reverse("forums:moderation_topic", args=[topic.pk]),
        kind="topic",
    )


def _topic_action(moderator: User, topic: Topic, form: TopicModerationForm) -> str:
    """Run the chosen action; returns where to go next."""
    data = form.cleaned_data
    action, reason = data["action"], data["reason"]
    services = moderation_services
    simple = {
        "close": services.topic_close,
        "reopen": services.topic_reopen,
        "unpin": services.topic_unpin,
        "archive": services.topic_archive,
        "unarchive": services.topic_unarchive,
    }
    if action in simple:
        simple[action](moderator=moderator, topic=topic, reason=reason)
    elif action in {"pin", "pin_globally"}:
        services.topic_pin(moderator=moderator, topic=topic, reason=reason, globally=action == "pin_globally")
    elif action == "move":
        category = Category.objects.filter(pk=data.get("category")).first() if data.get("category") else None
        if category is None:
            raise ValidationError({"category": ValidationError(_("Choose the new category."), code="category")})
        services.topic_move(moderator=moderator, topic=topic, category=category, reason=reason)
    elif action == "merge":
        into = selectors.visible_topic(moderator, form.target_id())
        if into is None:
            raise ValidationError({"target": ValidationError(_("There is no such topic."), code="target")})
        target = services.topic_merge(moderator=moderator, topic=topic, into=into, reason=reason)
        return selectors.topic_url(target.pk)
    elif action == "split":
        numbers = services.parse_post_numbers(data.get("post_numbers") or "")
        category = Category.objects.filter(pk=data.get("category")).first() if data.get("category") else None
        new = services.topic_split(
            moderator=moderator,
            topic=topic,
            post_numbers=numbers,
            title=data.get("title") or "",
            reason=reason,
            category=category,
        )
        return selectors.topic_url(new.pk)
    elif action == "delete":
        category = topic.category
        services.topic_delete(moderator=moderator, topic=topic, reason=reason)
        return selectors.category_url(category)
    return selectors.topic_url(topic.pk)


# --- review queue and log --------------------------------------------------------------------------


def _require_queue_access(request: HttpRequest) -> None:
    if not permissions.can_view_moderation_queue(request.user):
        raise PermissionDenied


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_queue_access(request)
    review = moderation_selectors.review_queue(
        request.user, flagged_page=request.GET.get("page"), waiting_page=request.GET.get("wartend")
    )
    return render(
        request,
        "forums/moderation_queue.html",
        {
            "review": review,
            "flag_form": FlagReviewForm(),
            "queued_form": QueuedReviewForm(),
            "log_url": reverse("forums:moderation_log"),
        },
    )


def _queue_error(request: HttpRequest, form) -> HttpResponse:
    for error in form.non_field_errors():
        messages.error(request, error)
    for name, errors in form.errors.items():
        if name != "__all__":
            for error in errors:
                messages.error(request, f"{form.fields[name].label}: {error}")
    return redirect("forums:moderation_queue")


@login_required
@require_POST
def queue_flags(request: HttpRequest, post_id: int) -> HttpResponse:
    _require_queue_access(request)
    post = moderation_selectors.flagged_post_for(request.user, post_id)
    if post is None:
        raise Http404
    form = FlagReviewForm(request.POST)
    if form.is_valid() and _run(
        form,
        lambda: moderation_services.flags_resolve(
            moderator=request.user,
            post=post,
            outcome=FlagReviewForm.OUTCOMES[form.cleaned_data["decision"]],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, _("Done. The action is in the moderation log."))
        return redirect("forums:moderation_queue")
    return _queue_error(request, form)


@login_required
@require_POST
def queue_queued(request: HttpRequest, queued_id: int) -> HttpResponse:
    _require_queue_access(request)
    queued = moderation_selectors.queued_post_for(request.user, queued_id)
    if queued is None:
        raise Http404
    form = QueuedReviewForm(request.POST)

    def decide() -> None:
        if form.cleaned_data["decision"] == "approve":
            moderation_services.queued_post_approve(
                moderator=request.user, queued=queued, reason=form.cleaned_data["reason"]
            )
        else:
            moderation_services.queued_post_reject(
                moderator=request.user, queued=queued, reason=form.cleaned_data["reason"]
            )

    if form.is_valid() and _run(form, decide):
        messages.success(request, _("Done. The action is in the moderation log."))
        return redirect("forums:moderation_queue")
    return _queue_error(request, form)


@login_required
def log(request: HttpRequest) -> HttpResponse:
    _require_queue_access(request)
    action = request.GET.get("aktion", "")
    member = request.GET.get("mitglied", "")[:100]
    if action and action not in ModerationAction.Action.values:
        messages.error(request, _("Unknown action; showing all."))
        action = ""
    page_obj = moderation_selectors.moderation_log_page(
        request.user, action=action, member=member, page=request.GET.get("page")
    )
    return render(
        request,
        "forums/moderation_log.html",
        {
            "page_obj": page_obj,
            "actions": ModerationAction.Action.choices,
            "action": action,
            "member": member,
            "queue_url": reverse("forums:moderation_queue"),
        },
    )
