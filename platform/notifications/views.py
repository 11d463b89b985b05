"""The member's notifications page, marking read, opening a notification, the settings page and unsubscribing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import emails, registry, selectors, services
from .forms import PreferenceForm
from .models import NotificationPreference

PER_PAGE = 30
STATUS_UNREAD = "unread"


def _local_url(url: object) -> str | None:
    """A path on this site, or None: notification data never sends a member elsewhere."""
    if not isinstance(url, str) or not url.startswith("/"):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return None
    return url


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("status") == STATUS_UNREAD
    kinds = registry.all_kinds()
    kind = request.GET.get("kind") or ""
    if kind and not registry.is_registered(kind):
        kind = ""
    queryset = selectors.notification_list(user=request.user, only_unread=only_unread, kind=kind or None)
    page_obj = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))

    labels = {k.key: k for k in kinds}
    for notification in page_obj.object_list:
        info = labels.get(notification.kind)
        notification.kind_label = info.label if info else notification.kind
        notification.kind_icon = info.icon if info else "info"
        notification.open_url = reverse("notifications:open", args=[notification.pk])

    kind_query = f"&kind={kind}" if kind else ""
    tabs = [
        {"label": _("All"), "url": f"?status=all{kind_query}", "active": not only_unread},
        {
            "label": _("Unread"),
            "url": f"?status={STATUS_UNREAD}{kind_query}",
            "active": only_unread,
            "count": selectors.unread_count_for_request(request),
        },
    ]
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page_obj": page_obj,
            "notifications": page_obj.object_list,
            "tabs": tabs,
            "kinds": kinds,
            "selected_kind": kind,
            "status": STATUS_UNREAD if only_unread else "all",
            "unread_count": selectors.unread_count_for_request(request),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (field `notification`) or, without it, all of the member's notifications read."""
    raw_id = request.POST.get("notification")
    if raw_id:
        ids = [int(raw_id)] if raw_id.isdigit() else []
        services.notification_mark_read(user=request.user, notification_ids=ids)
    else:
        changed = services.notification_mark_read(user=request.user)
        if changed:
            messages.success(request, _("All notifications are marked as read."))
    selectors.forget_unread_count(request)
    next_url = _local_url(request.POST.get("next")) or reverse("notifications:list")
    return redirect(next_url)


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification: mark it read, then go to what it is about (only ever a page of this site).

    A GET, so it works as a plain link (and later in e-mails); marking one's own
    notification read is harmless if a third party makes the browser do it.
    """
    notification = selectors.notification_for_opening(user=request.user, notification_id=pk)
    if notification is None:
        messages.info(request, _("This notification no longer exists."))
        return redirect("notifications:list")
    if notification.read_at is None:
        services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = _local_url(notification.url)
    if target is None:
        return redirect("notifications:list")
    return HttpResponseRedirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """E-mails and digest (the platform's part) plus the sections feature apps registered (forum defaults)."""
    preference = services.preference_for(user=request.user)
    sections = registry.settings_sections()
    data = request.POST if request.method == "POST" else None
    form = PreferenceForm(
        data,
        initial={"email_notifications": preference.email_notifications, "digest": preference.digest},
        prefix="mail",
    )
    section_forms = [
        {"section": section, "form": section.form(user=request.user, data=data, prefix=section.key)}
        for section in sections
    ]
    if request.method == "POST":
        if form.is_valid() and all(entry["form"].is_valid() for entry in section_forms):
            services.preference_update(
                user=request.user,
                email_notifications=form.cleaned_data["email_notifications"],
                digest=form.cleaned_data["digest"],
            )
            for entry in section_forms:
                entry["section"].save(user=request.user, form=entry["form"])
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_settings:edit")
        messages.error(request, _("Please check the marked fields."))
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "section_forms": section_forms},
    )


def _unsubscribe_scope_label(scope: str) -> str:
    if scope == emails.SCOPE_DIGEST:
        return _("summary e-mails")
    return _("e-mails about unread notifications")


# CSRF-exempt because mail clients POST here without a session (RFC 8058 one-click);
# the signed token in the URL is what authenticates the request.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a confirmation page with a button; POST: unsubscribe at once (one-click), without logging in."""
    found = emails.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {
        "token": token,
        "scope": found.scope,
        "what": _unsubscribe_scope_label(found.scope),
        "settings_url": reverse("notification_settings:edit"),
    }
    if request.method == "POST":
        services.preference_unsubscribe(user=found.user, scope=found.scope)
        return render(request, "notifications/unsubscribe_done.html", context)
    preference = NotificationPreference.objects.filter(user=found.user).first()
    if found.scope == emails.SCOPE_DIGEST:
        active = preference is not None and preference.digest != NotificationPreference.Digest.OFF
    else:
        active = preference is None or preference.email_notifications
    context["already"] = not active
    return render(request, "notifications/unsubscribe_confirm.html", context)
