"""The chat pages: overview, room (Post/Redirect/Get, works without JavaScript), message actions, direct, search."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import permissions as community_permissions
from community.models import User

from .. import permissions
from ..models import CHAT_MESSAGE_MAX_LENGTH, Flag, Message, Reaction, Room
from ..selectors import chat as selectors
from ..services import chat as services
from ..services import chat_presence as presence
from ..services.uploads import IMAGE_EXTENSIONS, clean_file_name, upload_create, upload_markdown

# -- forms ----------------------------------------------------------------------------------------


class MessageForm(forms.Form):
    body_markdown = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": CHAT_MESSAGE_MAX_LENGTH}),
        max_length=CHAT_MESSAGE_MAX_LENGTH,
        strip=False,
        help_text=gettext_lazy("Markdown works: **bold**, *italic*, lists, links. @name mentions a member."),
        required=False,
    )
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=10**15)
    image = forms.FileField(
        label=gettext_lazy("Image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        help_text=gettext_lazy("Optional: JPEG, PNG, GIF or WebP."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("body_markdown") or "").strip() and not data.get("image") and not self.has_error("image"):
            self.add_error("body_markdown", _("Write a message or attach an image."))
        return data

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


def _attach_image(request: HttpRequest, form: MessageForm) -> bool:
    """Store the message's image and add it to the text; False (with the error on the form) when refused."""
    image = form.cleaned_data.get("image")
    if not image:
        return True
    if clean_file_name(image.name or "")[1] not in IMAGE_EXTENSIONS:
        form.add_error("image", _("Only images (JPEG, PNG, GIF, WebP) can be attached in the chat."))
        return False
    try:
        upload = upload_create(uploader=request.user, file=image)
    except ValidationError as error:
        form.add_error("image", error.messages)
        return False
    except PermissionDenied as error:
        form.add_error("image", str(error))
        return False
    body = (form.cleaned_data.get("body_markdown") or "").rstrip()
    form.cleaned_data["body_markdown"] = f"{body}\n\n{upload_markdown(upload)}" if body else upload_markdown(upload)
    return True


class DirectForm(forms.Form):
    handles = forms.CharField(
        label=gettext_lazy("Members"),
        max_length=400,
        help_text=gettext_lazy("1 to 9 handles, separated by commas or spaces, e.g. @mia.mitglied, @moritz."),
    )

    def handle_list(self) -> list[str]:
        raw = self.cleaned_data.get("handles", "").replace(",", " ").split()
        seen: list[str] = []
        for part in raw:
            handle = part.lstrip("@").lower()
            if handle and handle not in seen:
                seen.append(handle)
        return seen


class RoomForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    kind = forms.ChoiceField(
        label=gettext_lazy("Who may take part"),
        choices=[(Room.Kind.PUBLIC, gettext_lazy("All members")), (Room.Kind.PRIVATE, gettext_lazy("Invited members"))],
        widget=forms.RadioSelect,
        initial=Room.Kind.PUBLIC,
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    slow_mode_seconds = forms.IntegerField(
        label=gettext_lazy("Slow mode (seconds)"), min_value=0, max_value=3600, initial=0, required=False
    )
    handles = forms.CharField(
        label=gettext_lazy("Invited members"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Handles, separated by commas; only for invite-only rooms."),
    )


class SilenceForm(forms.Form):
    handle = forms.CharField(label=gettext_lazy("Member (handle)"), max_length=40)
    hours = forms.IntegerField(label=gettext_lazy("Hours"), min_value=0, max_value=24 * 90, initial=24)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)


# -- helpers --------------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get("Accept", "")


def _room_or_404(request: HttpRequest, key: str) -> Room:
    room = selectors.room_by_key(request.user, key)
    if room is None:
        raise Http404
    return room


def _message_or_404(request: HttpRequest, room: Room, message_id: int) -> Message:
    message = selectors.visible_message(request.user, room, message_id)
    if message is None:
        raise Http404
    return message


def _users_by_handles(handles: list[str]) -> tuple[list[User], list[str]]:
    found = {user.handle.lower(): user for user in User.objects.filter(handle__in=handles, is_active=True)}
    return [found[h] for h in handles if h in found], [h for h in handles if h not in found]


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 16 else None


def _back(request: HttpRequest, room: Room, anchor: str = "") -> HttpResponse:
    return redirect(f"{selectors.room_url(room)}{anchor}")


def _reply_preview(message: Message) -> dict[str, str]:
    hidden = message.is_hidden
    return {
        "author_name": str(message.author) if message.author_id else _("Former member"),
        "excerpt": _("Message hidden by moderation") if hidden else selectors._plain(message.body_html),
    }


# -- pages ----------------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """My rooms, those with unread mentions first, then unread ones, then by latest activity."""
    rows = selectors.room_rows_for(request.user)
    return render(
        request,
        "forums/chat/overview.html",
        {
            "rows": rows,
            "is_member": community_permissions.is_member(request.user),
            "can_create_room": permissions.chat_can_create_room(request.user),
            "can_start_direct": permissions.chat_can_start_direct(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def room(request: HttpRequest, key: str) -> HttpResponse:
    """A room as an ordinary page: the last 50 messages and a form that posts and redirects."""
    found = _room_or_404(request, key)
    member = services.room_member_for(user=request.user, room=found)
    silenced_until = selectors.silence_until(request.user, found)
    state = selectors.viewer_state(request.user, found, member=member, silenced=silenced_until is not None)
    form: MessageForm | None = None
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid() and _attach_image(request, form):
            reply_to = None
            reply_id = form.cleaned_data.get("reply_to")
            if reply_id:
                reply_to = selectors.visible_message(request.user, found, reply_id)
            try:
                message = services.message_send(
                    author=request.user,
                    room=found,
                    body_markdown=form.cleaned_data["body_markdown"],
                    reply_to=reply_to,
                )
            except ValidationError as error:
                form.add_service_error(error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                if _wants_json(request):
                    row = selectors.message_row(message, viewer=state, base_url=selectors.room_url(found))
                    return JsonResponse(
                        {
                            "ok": True,
                            "id": message.pk,
                            "html": render_to_string("forums/chat/_message.html", {"row": row}, request=request),
                        }
                    )
                return redirect(f"{selectors.room_url(found)}#m-{message.pk}")
        status = 400
        if _wants_json(request):
            errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
            return JsonResponse({"ok": False, "errors": errors}, status=400)
    before = _int_param(request, "vor")
    after = _int_param(request, "nach")
    around = _int_param(request, "bei")
    if after is not None:
        page = selectors.message_page_after(found, state, after=after)
    else:
        page = selectors.message_page(found, state, before=before, around=around)
    if page.is_latest and page.last_id:
        services.room_mark_read(user=request.user, room=found, up_to=page.last_id)
    reply_row = None
    if form is None and state.can_write:
        reply_id = _int_param(request, "antwort")
        reply_message = selectors.visible_message(request.user, found, reply_id) if reply_id else None
        if reply_message is not None and not reply_message.is_deleted:
            reply_row = _reply_preview(reply_message)
        form = MessageForm(initial={"reply_to": reply_message.pk if reply_row else None})
    elif form is not None and form.data.get("reply_to", "").isdigit():
        reply_message = selectors.visible_message(request.user, found, int(form.data["reply_to"]))
        if reply_message is not None and not reply_message.is_deleted:
            reply_row = _reply_preview(reply_message)
    # Every view of the room counts as being there: visitors without JavaScript are listed too.
    presence_result = presence.presence_touch(user=request.user, room=found)
    return render(
        request,
        "forums/chat/room.html",
        {
            "room": found,
            "presence": presence_result.snapshot,
            "title": selectors.room_title(found, request.user),
            "room_url": selectors.room_url(found),
            "page": page,
            "pinned": selectors.pinned_rows(found, state) if page.is_latest else [],
            "viewer": state,
            "member": member,
            "form": form if state.can_write else None,
            "reply_row": reply_row,
            "silenced_until": silenced_until,
            "reactions": Reaction.Kind.choices,
            "flag_reasons": Flag.Reason.choices,
            "silence_form": SilenceForm() if state.can_moderate else None,
        },
        status=status,
    )


@login_required
@require_GET
def message_fragment(request: HttpRequest, key: str, message_id: int) -> HttpResponse:
    """One message as HTML, for the live page (permission-checked like the room)."""
    found = _room_or_404(request, key)
    message = _message_or_404(request, found, message_id)
    member = services.room_member_for(user=request.user, room=found)
    state = selectors.viewer_state(request.user, found, member=member, silenced=False)
    selectors._mark_reacted(state, [message.pk])
    row = selectors.message_row(message, viewer=state, base_url=selectors.room_url(found))
    return render(
        request,
        "forums/chat/_message.html",
        {"row": row, "viewer": state, "reactions": Reaction.Kind.choices, "flag_reasons": Flag.Reason.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, key: str, message_id: int) -> HttpResponse:
    found = _room_or_404(request, key)
    message = _message_or_404(request, found, message_id)
    if not permissions.chat_can_edit_message(request.user, message):
        raise PermissionDenied
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                services.message_edit(
                    editor=request.user, message=message, body_markdown=form.cleaned_data["body_markdown"]
                )
            except ValidationError as error:
                form.add_service_error(error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return _back(request, found, f"?bei={message.pk}#m-{message.pk}")
    else:
        form = MessageForm(initial={"body_markdown": message.body_markdown})
    return render(
        request,
        "forums/chat/message_edit.html",
        {
            "room": found,
            "title": selectors.room_title(found, request.user),
            "form": form,
            "message": message,
            "room_url": selectors.room_url(found),
        },
        status=400 if form.errors else 200,
    )


def _act(request: HttpRequest, room: Room, action, *, anchor: str) -> HttpResponse:
    try:
        action()
    except PermissionDenied as error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": [str(error) or _("Not allowed.")]}, status=403)
        raise
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": error.messages}, status=400)
        for text in error.messages:
            flash.error(request, text)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return _back(request, room, anchor)


@login_required
@require_POST
def message_delete(request: HttpRequest, key: str, message_id: int) -> HttpResponse:
    found = _room_or_404(request, key)
    message = _message_or_404(request, found, message_id)
    return _act(
        request,
        found,
        lambda: services.message_delete(actor=request.user, message=message),
        anchor=f"?bei={message.pk}#m-{message.pk}",
    )


@login_required
@require_POST
def message_react(request: HttpRequest, key: str, message_id: int) -> HttpResponse:
    found = _room_or_404(request, key)
    message = _message_or_404(request, found, message_id)
    kind = request.POST.get("kind", "")
    return _act(
        request,
        found,
        lambda: services.message_reaction_toggle(user=request.user, message=message, kind=kind),
        anchor=f"?bei={message.pk}#m-{message.pk}",
    )


@login_required
@require_POST
def message_pin(request: HttpRequest, key: str, message_id: int) -> HttpResponse:
    found = _room_or_404(request, key)
    message = _message_or_404(request, found, message_id)
    pinned = request.POST.get("pinned") != "0"
    return _act(
        request, found, lambda: services.message_pin(actor=request.user, message=message, pinned=pinned), anchor=""
    )


@login_required
@require_POST
def message_flag(request: HttpRequest, key: str, message_id: int) -> HttpResponse:
    found = _room_or_404(request, key)
    message = _message_or_404(request, found, message_id)

    def flag() -> None:
        services.message_flag(
            reporter=request.user,
            message=message,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
        flash.success(request, _("Thank you: moderation will look at the message."))

    return _act(request, found, flag, anchor=f"?bei={message.pk}#m-{message.pk}")


@login_required
@require_POST
def message_hide(request: HttpRequest, key: str, message_id: int) -> HttpResponse:
    found = _room_or_404(request, key)
    message = _message_or_404(request, found, message_id)
    hidden = request.POST.get("hidden") != "0"
    return _act(
        request,
        found,
        lambda: services.message_hide(moderator=request.user, message=message, hidden=hidden),
        anchor=f"?bei={message.pk}#m-{message.pk}",
    )


@login_required
@require_POST
def room_mute(request: HttpRequest, key: str) -> HttpResponse:
    found = _room_or_404(request, key)
    muted = request.POST.get("muted") != "0"
    return _act(request, found, lambda: services.room_mute(user=request.user, room=found, muted=muted), anchor="")


@login_required
@require_POST
def room_silence(request: HttpRequest, key: str) -> HttpResponse:
    """A moderator silences a member in this room for some hours (0 lifts it)."""
    found = _room_or_404(request, key)
    if not permissions.chat_can_moderate_room(request.user, found):
        raise PermissionDenied
    form = SilenceForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Give a handle and a number of hours."))
        return _back(request, found)
    users, _missing = _users_by_handles([form.cleaned_data["handle"].lstrip("@").lower()])
    if not users:
        flash.error(request, _("There is no member with that handle."))
        return _back(request, found)
    until = timezone.now() + timedelta(hours=form.cleaned_data["hours"])

    def silence() -> None:
        services.member_silence_in_room(
            moderator=request.user, room=found, user=users[0], until=until, reason=form.cleaned_data.get("reason", "")
        )
        flash.success(request, _("Done."))

    return _act(request, found, silence, anchor="")


def _rate_limited(retry_after: int) -> JsonResponse:
    response = JsonResponse({"ok": False, "error": "rate_limited", "retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_POST
def room_presence(request: HttpRequest, key: str) -> HttpResponse:
    """Heartbeat of an open room page (forums.js): keeps the member online, answers who is online and typing."""
    found = _room_or_404(request, key)
    result = presence.presence_touch(user=request.user, room=found, heartbeat=True)
    if result.status == presence.RATE_LIMITED:
        return _rate_limited(presence.heartbeat_min_interval())
    return JsonResponse({"ok": True, **result.snapshot.as_json()})


@login_required
@require_POST
def room_typing(request: HttpRequest, key: str) -> HttpResponse:
    """A typing notice of the room page's composer (forums.js, at most every few seconds while typing)."""
    found = _room_or_404(request, key)
    silenced = selectors.silence_until(request.user, found) is not None
    try:
        status = presence.typing_start(user=request.user, room=found, silenced=silenced)
    except PermissionDenied:
        return JsonResponse({"ok": False, "error": "forbidden"}, status=403)
    if status == presence.RATE_LIMITED:
        return _rate_limited(presence.typing_min_interval())
    return JsonResponse({"ok": True, "status": status})


@login_required
@require_http_methods(["GET", "POST"])
def direct_new(request: HttpRequest) -> HttpResponse:
    """Start (or reopen) a direct conversation with 1 to 9 members chosen by handle."""
    if not permissions.chat_can_start_direct(request.user):
        raise PermissionDenied
    form = DirectForm(request.POST or None, initial={"handles": request.GET.get("mit", "")})
    if request.method == "POST" and form.is_valid():
        users, missing = _users_by_handles(form.handle_list())
        if missing:
            form.add_error("handles", _("Nobody has these handles: %(handles)s.") % {"handles": ", ".join(missing)})
        else:
            try:
                found = services.direct_conversation_open(actor=request.user, members=users)
            except ValidationError as error:
                for name, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                return redirect(selectors.room_url(found))
    return render(request, "forums/chat/direct_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def room_new(request: HttpRequest) -> HttpResponse:
    """Moderators set up open or invite-only rooms."""
    if not permissions.chat_can_create_room(request.user):
        raise PermissionDenied
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        handles = [h.lstrip("@").lower() for h in form.cleaned_data["handles"].replace(",", " ").split()]
        users, missing = _users_by_handles(handles)
        if missing:
            form.add_error("handles", _("Nobody has these handles: %(handles)s.") % {"handles": ", ".join(missing)})
        else:
            try:
                found = services.room_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    description=form.cleaned_data["description"],
                    slow_mode_seconds=form.cleaned_data["slow_mode_seconds"] or 0,
                    members=users,
                )
            except ValidationError as error:
                for name, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                return redirect(selectors.room_url(found))
    return render(request, "forums/chat/room_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    return render(
        request,
        "forums/chat/search.html",
        {"query": query, "results": selectors.message_search(request.user, query) if query else []},
    )


def overview_url() -> str:
    return reverse("chat:overview")
