"""Pages of the events calendar: thin views over videothek.event_services and videothek.event_selectors.

The calendar (/termine/) and each event are Wagtail pages, so their view restrictions apply to every route
of theirs (registration, .ics, registrants); Meine Termine and the feeds live in videothek/urls.py. Everything
works without JavaScript: forms post and redirect, the month grid pages with links.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.csv_cells import csv_safe
from community.models import Handlungsfeld

from . import event_selectors as selectors
from . import event_services as services
from . import ical
from .models import EventIndexPage, EventOccurrence, EventPage, Registration
from .recurrence import BERLIN

ICS_CONTENT_TYPE = ical.CONTENT_TYPE


def _ics_response(body: bytes, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def calendar_index() -> EventIndexPage | None:
    return EventIndexPage.objects.live().order_by("path").first()


def feed_links(request: HttpRequest) -> dict[str, str]:
    public = request.build_absolute_uri(reverse("videothek:events_feed"))
    return {
        "public_feed_url": public,
        "public_webcal_url": public.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
    }


# --- the calendar page -----------------------------------------------------------------------------


def index_context(request: HttpRequest, page: EventIndexPage) -> dict[str, Any]:
    fields = list(Handlungsfeld.objects.order_by("name").values_list("pk", "slug", "name"))
    chosen = request.GET.get("handlungsfeld", "")
    handlungsfeld = next((pk for pk, slug, _name in fields if slug == chosen), None)
    year, month = selectors.parse_month(request.GET.get("monat"))
    grid = selectors.month_grid(user=request.user, year=year, month=month, handlungsfeld=handlungsfeld)
    upcoming = selectors.events_upcoming(user=request.user, handlungsfeld=handlungsfeld, limit=30)
    query = f"&handlungsfeld={chosen}" if handlungsfeld else ""
    return {
        "month": grid,
        "upcoming": upcoming,
        "handlungsfelder": [{"slug": slug, "name": name, "selected": slug == chosen} for _pk, slug, name in fields],
        "filter_query": query,
        "filtered": handlungsfeld is not None,
        **feed_links(request),
    }


# --- the event page --------------------------------------------------------------------------------


def _can_host(request: HttpRequest, event: EventPage) -> bool:
    user = request.user
    return bool(user.is_authenticated and event.permissions_for_user(user).can_edit())


def event_context(request: HttpRequest, event: EventPage) -> dict[str, Any]:
    rows = selectors.occurrences_of_event(event=event, user=request.user)
    now = timezone.now()
    join = None
    if event.join_link and request.user.is_authenticated:
        for row in rows:
            opens, closes = services.join_window(row.occurrence)
            if row.registered and not row.cancelled and opens <= now <= closes:
                join = row
                break
    recording = event.recording if event.recording_id and event.recording and event.recording.live else None
    url = event.get_url(request) or event.url
    for row in rows:
        row.ics_url = f"{url}termin-{row.occurrence.pk}.ics"
    return {
        "ics_url": f"{url}termin.ics",
        "registrants_url": f"{url}anmeldungen/",
        "register_url": f"{url}anmelden/",
        "unregister_url": f"{url}abmelden/",
        "rows": rows,
        "join_row": join,
        "join_link": event.join_link if join else "",
        "recording_url": selectors.page_url(recording.url_path) if recording else "",
        "is_host": _can_host(request, event),
        "cancelled": event.status == EventPage.Status.CANCELLED,
        "place": event.location or (_("Online") if event.online else ""),
        "calendar_url": url[: -len(event.slug) - 1] if url.endswith(f"{event.slug}/") else "/termine/",
        "question_max": 2000,
    }


def _occurrence_from_post(request: HttpRequest, event: EventPage) -> EventOccurrence:
    try:
        occurrence_id = int(request.POST.get("occurrence", ""))
    except ValueError:
        raise Http404 from None
    occurrence = EventOccurrence.objects.filter(pk=occurrence_id, event=event).first()
    if occurrence is None:
        raise Http404
    occurrence.event = event
    return occurrence


def register(request: HttpRequest, event: EventPage) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(event.url)
    occurrence = _occurrence_from_post(request, event)
    try:
        result = services.registration_create(
            user=request.user, occurrence=occurrence, question=request.POST.get("question", "")
        )
    except services.RegistrationError as error:
        messages.error(request, str(error.message))
        return redirect(event.url)
    if not result.created:
        messages.info(request, _("You are already registered for this date."))
    elif result.registration.status == Registration.Status.WAITLISTED:
        messages.info(
            request,
            _("This date is fully booked: you are on the waiting list. We write to you when a place becomes free."),
        )
    else:
        messages.success(request, _("You are registered. The confirmation with the calendar entry is on its way."))
    return redirect(event.url)


def unregister(request: HttpRequest, event: EventPage) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(event.url)
    occurrence = _occurrence_from_post(request, event)
    if services.registration_cancel(user=request.user, occurrence=occurrence):
        messages.success(request, _("You have cancelled your registration."))
    return redirect(
        request.POST.get("next") if request.POST.get("next") == reverse("videothek:my_events") else event.url
    )


def event_ics(request: HttpRequest, event: EventPage) -> HttpResponse:
    event = EventPage.objects.prefetch_related("exceptions").get(pk=event.pk)
    return _ics_response(ical.calendar(events=[event], name=event.title), f"{event.slug}.ics")


def occurrence_ics(request: HttpRequest, event: EventPage, occurrence_id: int) -> HttpResponse:
    occurrence = EventOccurrence.objects.filter(pk=occurrence_id, event=event).first()
    if occurrence is None:
        raise Http404
    occurrence.event = event
    start = occurrence.start.astimezone(BERLIN)
    return _ics_response(
        ical.calendar(occurrences=[occurrence], name=event.title), f"{event.slug}-{start:%Y-%m-%d}.ics"
    )


def registrants(request: HttpRequest, event: EventPage) -> HttpResponse:
    if not _can_host(request, event):
        raise Http404
    rows = selectors.registrants_of(event=event)
    return TemplateResponse(
        request,
        "videothek/event_registrants.html",
        {
            "page": event,
            "self": event,
            "csv_url": f"{event.url}anmeldungen.csv",
            "rows": [
                {
                    "registration": r,
                    "name": str(r.user),
                    "email": r.user.email,
                    "day": selectors.times(r.occurrence.start, r.occurrence.end)[0],
                    "time": selectors.times(r.occurrence.start, r.occurrence.end)[1],
                    "status": r.get_status_display(),
                }
                for r in rows
            ],
            "with_questions": sum(1 for r in rows if r.question),
        },
    )


def registrants_csv(request: HttpRequest, event: EventPage) -> HttpResponse:
    if not _can_host(request, event):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-anmeldungen.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Date"), _("Name"), _("E-mail"), _("Status"), _("Registered at"), _("Question in advance")])
    for r in selectors.registrants_of(event=event):
        writer.writerow(
            [
                csv_safe(r.occurrence.start.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")),
                csv_safe(str(r.user)),
                csv_safe(r.user.email),
                csv_safe(str(r.get_status_display())),
                csv_safe(r.created_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")),
                csv_safe(r.question),
            ]
        )
    return response


# --- outside the page tree (videothek/urls.py) -----------------------------------------------------


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    mine = selectors.events_for_member(user=request.user)
    index = calendar_index()
    return TemplateResponse(
        request,
        "videothek/event_my_events.html",
        {
            "mine": mine,
            "calendar_url": index.url if index else "/termine/",
            "subscription_url": reverse("videothek:events_subscription"),
        },
    )


def public_feed(request: HttpRequest) -> HttpResponse:
    body = ical.calendar(events=selectors.public_feed_events(), name=_("Mitmach-Regionen: events"))
    return _ics_response(body, "termine.ics", attachment=False)


def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    subscription = services.calendar_token_owner(token)
    if subscription is None:
        raise Http404
    events, occurrences = selectors.private_feed(user=subscription.user, kinds=subscription.kinds)
    body = ical.calendar(events=events, occurrences=occurrences, name=_("My events (Mitmach-Regionen)"))
    response = _ics_response(body, "meine-termine.ics", attachment=False)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def subscription(request: HttpRequest) -> HttpResponse:
    """The member's private feed: create or renew its address (shown once), choose kinds, or switch it off."""
    from .models import CalendarToken

    token = ""
    if request.method == "POST":
        action = request.POST.get("action")
        kinds = request.POST.getlist("kinds")
        if action == "revoke":
            services.calendar_token_revoke(user=request.user)
            messages.success(request, _("Your calendar subscription is switched off; its address no longer works."))
            return redirect("videothek:events_subscription")
        if action == "kinds" and CalendarToken.objects.filter(user=request.user).exists():
            services.calendar_token_set_kinds(user=request.user, kinds=kinds)
            messages.success(request, _("Saved."))
            return redirect("videothek:events_subscription")
        token = services.calendar_token_regenerate(user=request.user, kinds=kinds if action == "create" else None)
        messages.success(request, _("Your new calendar address is ready. The old one no longer works."))
    current = CalendarToken.objects.filter(user=request.user).first()
    feed_url = ""
    if token:
        feed_url = request.build_absolute_uri(reverse("videothek:events_private_feed", args=[token]))
    chosen = set(current.kinds if current else [])
    return TemplateResponse(
        request,
        "videothek/event_subscription.html",
        {
            "current": current,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
            "kinds": [{"value": v, "label": label, "checked": v in chosen} for v, label in EventPage.Kind.choices],
            **feed_links(request),
        },
    )
