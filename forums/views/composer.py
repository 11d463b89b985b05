"""The composer: reply/quote prefills, preview, drafts, uploads, mention search, editing and deleting own posts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import permissions as community_permissions
from community.models import TeamMembership, User

from .. import permissions, selectors, services
from ..forms import NonceForm, PostEditForm
from ..models import BODY_MAX_LENGTH, Category, Post, Topic, Upload
from ..services import composing

MENTION_RESULTS = 8


def script_strings() -> dict[str, str]:
    """The composer script's texts, translated here (the site loads no JavaScript catalogue)."""
    texts = [
        _("Bold"),
        _("Code"),
        _("Draft saved."),
        _("File uploaded."),
        _("Formatting"),
        _("Italic"),
        _("Link"),
        _("List"),
        _("Members"),
        _("Quote"),
        _("Reply to #%s"),
        _("The draft could not be saved."),
        _("Upload image or file"),
        _("Uploading …"),
        _("bold text"),
        _("code"),
        _("former member"),
        _("italic text"),
        _("link text"),
    ]
    keys = [
        "Bold", "Code", "Draft saved.", "File uploaded.", "Formatting", "Italic", "Link", "List", "Members",
        "Quote", "Reply to #%s", "The draft could not be saved.", "Upload image or file", "Uploading …",
        "bold text", "code", "former member", "italic text", "link text",
    ]  # fmt: skip
    return dict(zip(keys, texts, strict=True))


# -- the state of a composer on a page ------------------------------------------------------------


@dataclass
class ComposerState:
    """What _composer.html needs besides the form: endpoints, draft key, preview, reply target, notices."""

    draft_key: str = ""
    topic_id: int | None = None
    category_id: int | None = None
    preview_html: str | None = None
    reply_to_number: int | None = None
    notice: str = ""
    # True when the submission must not be saved (a preview, or an upload that failed).
    stop: bool = False
    initial: dict = field(default_factory=dict)
    preview_url: str = ""
    draft_url: str = ""
    upload_url: str = ""
    mention_url: str = ""
    cancel_reply_url: str = ""

    @property
    def strings(self) -> dict[str, str]:
        return script_strings()

    def __post_init__(self) -> None:
        self.preview_url = reverse("forums:composer_preview")
        self.draft_url = reverse("forums:composer_draft")
        self.upload_url = reverse("forums:upload_create")
        self.mention_url = reverse("forums:mention_search")


def _visible_post(topic: Topic, number: object) -> tuple[Post | None, str]:
    """The post N of a topic for a reply or quote, or None and why not (a German message)."""
    try:
        post_number = int(str(number))
    except ValueError:
        return None, _("This post does not exist.")
    post = Post.objects.select_related("author").filter(topic=topic, post_number=post_number).first()
    if post is None:
        return None, _("This post does not exist.")
    if post.is_deleted or post.is_hidden:
        return None, _("Post #%(number)d was hidden or deleted and cannot be quoted or answered.") % {
            "number": post_number
        }
    return post, ""


def reply_state(request: HttpRequest, topic: Topic) -> ComposerState:
    """The reply composer of a topic page: its draft, ?antwort=<n> (reply to) and ?zitat=<n> (quote)."""
    state = ComposerState(draft_key=services.draft_key(topic=topic), topic_id=topic.pk)
    state.cancel_reply_url = f"{selectors.topic_url(topic.pk)}?antwort=0#reply"
    if not request.user.is_authenticated:
        return state
    draft = services.draft_for(user=request.user, key=state.draft_key)
    body = draft.body_markdown if draft else ""
    reply_to = draft.reply_to_post_number if draft else None
    if request.GET.get("antwort") in {"", "0"}:
        reply_to = None  # "Cancel" of the reply target
    elif "antwort" in request.GET:
        post, state.notice = _visible_post(topic, request.GET["antwort"])
        reply_to = post.post_number if post else None
    if "zitat" in request.GET:
        post, state.notice = _visible_post(topic, request.GET["zitat"])
        if post is not None:
            quote = services.quote_markdown(post=post)
            body = f"{body.rstrip()}\n\n{quote}" if body.strip() else quote
            reply_to = reply_to or post.post_number
    state.reply_to_number = reply_to
    state.initial = {"body_markdown": body, "reply_to": reply_to}
    return state


def new_topic_state(request: HttpRequest, category: Category) -> ComposerState:
    state = ComposerState(draft_key=services.draft_key(category=category), category_id=category.pk)
    draft = services.draft_for(user=request.user, key=state.draft_key)
    if draft is not None:
        state.initial = {"title": draft.title, "body_markdown": draft.body_markdown}
    return state


def prepare_submission(
    request: HttpRequest, form: NonceForm, state: ComposerState, *, category: Category
) -> ComposerState:
    """Before a reply, new topic or edit is saved: take the attached file, and render the preview if asked.

    An attachment is stored first and linked at the end of the text, so the link stays in the
    text even when the post itself is refused. Sets state.stop when nothing may be saved now.
    """
    file = request.FILES.get("attachment")
    upload_error: ValidationError | None = None
    if file is not None:
        try:
            upload = services.upload_create(uploader=request.user, file=file)
        except ValidationError as error:
            upload_error = error
        except PermissionDenied as error:
            upload_error = ValidationError(str(error))
        else:
            form.data = form.data.copy()
            text = form.data.get("body_markdown", "").rstrip()
            form.data["body_markdown"] = (
                f"{text}\n\n{services.upload_markdown(upload)}" if text else (services.upload_markdown(upload))
            )
    reply_to = form.data.get("reply_to", "")
    state.reply_to_number = int(reply_to) if str(reply_to).isdigit() else None
    valid = form.is_valid()
    if upload_error is not None:
        messages_ = upload_error.error_dict.get("file") if hasattr(upload_error, "error_dict") else upload_error
        form.add_error("attachment" if "attachment" in form.fields else None, messages_)
        state.stop = True
    if "preview" in request.POST:
        state.stop = True
        if valid or form.data.get("body_markdown", "").strip():
            state.preview_html = services.render_post(
                body_markdown=str(form.data.get("body_markdown", ""))[:50_000], category=category
            )
    return state


def reply_target(topic: Topic, number: int | None) -> Post | None:
    """The post a reply answers, from the form's post number; refused when it is not a visible post here."""
    if not number:
        return None
    post, problem = _visible_post(topic, number)
    if post is None:
        raise ValidationError({"reply_to": ValidationError(problem, code="reply_to_invalid")})
    return post


def viewer_state(user: User, topic: Topic, *, can_reply: bool) -> dict[str, object]:
    """The composer's part of the topic page's `viewer` dict: one set of URLs for all posts."""
    return {
        "can_reply": can_reply,
        "topic_url": selectors.topic_url(topic.pk),
        "post_base": f"{reverse('forums:index')}p/",
    }


# -- JSON endpoints of the script -----------------------------------------------------------------


def _place(request: HttpRequest) -> tuple[Category, Topic | None]:
    """The category (and topic) a composer request is about, checked for visibility; 404 otherwise."""
    topic_id = request.POST.get("topic") or request.GET.get("topic")
    category_id = request.POST.get("category") or request.GET.get("category")
    if topic_id and str(topic_id).isdigit():
        topic = selectors.visible_topic(request.user, int(topic_id))
        if topic is None:
            raise Http404
        return topic.category, topic
    if category_id and str(category_id).isdigit():
        category = Category.objects.select_related("parent").filter(pk=int(category_id)).first()
        if category is None or not permissions.can_view_category(request.user, category):
            raise Http404
        return category, None
    raise Http404


def _members_only(request: HttpRequest) -> JsonResponse | None:
    if not community_permissions.is_member(request.user):
        return JsonResponse({"error": _("Please log in with a confirmed account.")}, status=403)
    return None


@require_POST
def preview(request: HttpRequest) -> JsonResponse:
    """The rendered HTML of a text, exactly as the post would store it (POST: body_markdown, topic|category)."""
    if (refused := _members_only(request)) is not None:
        return refused
    category, _topic = _place(request)
    body = request.POST.get("body_markdown", "")[: 2 * BODY_MAX_LENGTH]
    return JsonResponse({"html": services.render_post(body_markdown=body, category=category)})


@require_POST
def draft_save(request: HttpRequest) -> JsonResponse:
    """Autosave of the composer (POST: key, body_markdown, title, reply_to)."""
    if (refused := _members_only(request)) is not None:
        return refused
    reply_to = request.POST.get("reply_to", "")
    try:
        draft = services.draft_save(
            user=request.user,
            key=request.POST.get("key", "")[:40],
            body_markdown=request.POST.get("body_markdown", ""),
            title=request.POST.get("title", ""),
            reply_to_post_number=int(reply_to) if reply_to.isdigit() and len(reply_to) < 10 else None,
        )
    except PermissionDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"saved": draft is not None})


@require_POST
def upload_create(request: HttpRequest) -> JsonResponse:
    """Upload one file from the toolbar, drag & drop or paste; answers the Markdown to insert."""
    if (refused := _members_only(request)) is not None:
        return refused
    file = request.FILES.get("file")
    if file is None:
        return JsonResponse({"error": _("Please choose a file.")}, status=400)
    try:
        upload = services.upload_create(uploader=request.user, file=file)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {
            "markdown": services.upload_markdown(upload),
            "url": composing.upload_url(upload),
            "name": upload.original_name,
            "kind": upload.kind,
        },
        status=201,
    )


@require_GET
def upload_file(request: HttpRequest, key: str, name: str) -> HttpResponse:
    """Serve an upload: to its uploader always, to others once it belongs to a post or chat message they may read."""
    upload = Upload.objects.select_related("post__topic__category__parent", "message__room").filter(key=key).first()
    if upload is None:
        raise Http404
    allowed = request.user.is_authenticated and upload.uploader_id == request.user.pk
    post = upload.post
    if not allowed and post is not None and permissions.can_view_post(request.user, post):
        allowed = (not post.is_deleted and not post.is_hidden) or permissions.can_moderate_category(
            request.user, post.topic.category
        )
    message = upload.message
    if not allowed and message is not None and permissions.chat_can_view_room(request.user, message.room):
        allowed = not message.is_deleted and (
            not message.is_hidden or permissions.chat_can_moderate_room(request.user, message.room)
        )
    if not allowed:
        raise Http404
    try:
        handle = upload.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    as_attachment = upload.kind != Upload.Kind.IMAGE
    response = FileResponse(
        handle, content_type=upload.content_type, as_attachment=as_attachment, filename=upload.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
def mention_search(request: HttpRequest) -> JsonResponse:
    """Members whose handle or name starts with ?q=, who can view the topic/category (at most 8)."""
    if (refused := _members_only(request)) is not None:
        return refused
    category, _topic = _place(request)
    prefix = request.GET.get("q", "").strip().lstrip("@")[:30]
    if not prefix:
        return JsonResponse({"results": []})
    candidates = User.objects.filter(is_active=True).exclude(handle="")
    candidates = candidates.filter(
        Q(handle__istartswith=prefix) | Q(display_name__istartswith=prefix) | Q(display_name__icontains=f" {prefix}")
    )
    if category.visibility == Category.Visibility.TEAM or (
        category.parent_id and category.parent.visibility == Category.Visibility.TEAM
    ):
        team_ids = {c.team_id for c in (category, category.parent) if c is not None and c.team_id}
        candidates = candidates.filter(pk__in=TeamMembership.objects.filter(team_id__in=team_ids).values("user_id"))
    results = []
    # Few candidates are checked one by one with the same rules as every view (moderators see all).
    for user in candidates.order_by("handle")[: MENTION_RESULTS * 3]:
        if permissions.can_view_category(user, category):
            results.append({"handle": user.handle, "name": str(user), "url": composing.profile_url(user.handle)})
        if len(results) == MENTION_RESULTS:
            break
    return JsonResponse({"results": results})


# -- editing and deleting one's own post ----------------------------------------------------------


def _own_post(request: HttpRequest, post_id: int) -> Post:
    post = Post.objects.select_related("topic__category__parent", "author").filter(pk=post_id).first()
    if post is None or not permissions.can_view_post(request.user, post):
        raise Http404
    return post


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _own_post(request, post_id)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied
    topic = post.topic
    post_url = selectors.post_url(topic.pk, post.post_number)
    state = ComposerState(topic_id=topic.pk)
    if request.method == "POST":
        form = PostEditForm(request.POST, request.FILES)
        prepare_submission(request, form, state, category=topic.category)
        if not state.stop and form.is_valid():
            try:
                services.post_edit(editor=request.user, post=post, body_markdown=form.cleaned_data["body_markdown"])
            except ValidationError as error:
                form.add_service_error(error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your post was saved."))
                return redirect(post_url)
    else:
        form = PostEditForm(initial={"body_markdown": post.body_markdown, "nonce": "edit"})
    crumbs = [
        {"label": _("Forums"), "url": reverse("forums:index")},
        {"label": topic.title, "url": selectors.topic_url(topic.pk)},
        {"label": _("Edit post #%(number)d") % {"number": post.post_number}, "url": ""},
    ]
    return render(
        request,
        "forums/post_edit.html",
        {"post": post, "topic": topic, "form": form, "composer": state, "post_url": post_url, "breadcrumbs": crumbs},
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    """Delete one's own post after a confirmation page (soft: "Post deleted by its author")."""
    post = _own_post(request, post_id)
    topic = post.topic
    post_url = selectors.post_url(topic.pk, post.post_number)
    if post.is_deleted:
        messages.info(request, _("This post was already deleted."))
        return redirect(post_url)
    if not permissions.can_delete_post(request.user, post):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.post_delete(actor=request.user, post=post)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your post was deleted."))
        return redirect(post_url)
    crumbs = [
        {"label": _("Forums"), "url": reverse("forums:index")},
        {"label": topic.title, "url": selectors.topic_url(topic.pk)},
        {"label": _("Delete post #%(number)d") % {"number": post.post_number}, "url": ""},
    ]
    return render(
        request,
        "forums/post_delete.html",
        {"post": post, "topic": topic, "post_url": post_url, "breadcrumbs": crumbs},
    )
