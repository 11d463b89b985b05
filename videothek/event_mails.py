"""E-mails about a member's event dates (confirmation, waiting list, change, cancellation, reminder), with an .ics.

Each mail is also an in-app notification (the bell), marked as e-mailed at once so the notification e-mails
never send it a second time. Mails follow the conventions of notifications.emails: the member's language,
a text and an HTML part, the one-click unsubscribe link and headers. Confirmations, changes and
cancellations answer the member's own booking and always go out; reminders respect the switch for
notification e-mails.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.models import User
from notifications import emails
from notifications.models import Notification, NotificationPreference
from notifications.services import notification_create

from . import ical
from .models import EventOccurrence, EventPage, Registration
from .recurrence import BERLIN

logger = logging.getLogger(__name__)

REGISTERED = "registered"
WAITLISTED = "waitlisted"
PROMOTED = "promoted"
CHANGED = "changed"
CANCELLED = "cancelled"
REMINDER = "reminder"


def when(occurrence: EventOccurrence) -> str:
    """„Di., 14.10.2025, 17:00–18:00“ in Berlin time (multi-day dates with both days)."""
    start, end = occurrence.start.astimezone(BERLIN), occurrence.end.astimezone(BERLIN)
    first = date_format(start, "D, d.m.Y, H:i")
    if start.date() == end.date():
        return f"{first}–{date_format(end, 'H:i')}"
    return f"{first} – {date_format(end, 'D, d.m.Y, H:i')}"


def _wants_reminders(user: User) -> bool:
    return not NotificationPreference.objects.filter(user=user, email_notifications=False).exists()


def _texts(kind: str, *, title: str, date: str, minutes: int = 0) -> tuple[str, str]:
    if kind == REGISTERED:
        return (
            _("Registered: %(title)s") % {"title": title},
            _("You are registered for „%(title)s“ on %(date)s. The calendar entry is attached.")
            % {"title": title, "date": date},
        )
    if kind == PROMOTED:
        return (
            _("A place became free: %(title)s") % {"title": title},
            _(
                "A place became free for „%(title)s“ on %(date)s: you are registered now. "
                "The calendar entry is attached."
            )
            % {"title": title, "date": date},
        )
    if kind == WAITLISTED:
        return (
            _("Waiting list: %(title)s") % {"title": title},
            _(
                "„%(title)s“ on %(date)s is fully booked. You are on the waiting list and get an e-mail "
                "as soon as a place becomes free."
            )
            % {"title": title, "date": date},
        )
    if kind == CHANGED:
        return (
            _("Changed: %(title)s") % {"title": title},
            _("„%(title)s“ has changed: it now takes place on %(date)s. The updated calendar entry is attached.")
            % {"title": title, "date": date},
        )
    if kind == CANCELLED:
        return (
            _("Cancelled: %(title)s") % {"title": title},
            _("„%(title)s“ on %(date)s is cancelled. The attached entry removes it from your calendar.")
            % {"title": title, "date": date},
        )
    if minutes >= 120:
        hours = minutes // 60
        lead = _("in %(hours)s hours") % {"hours": hours} if hours != 24 else _("tomorrow")
    else:
        lead = _("in %(minutes)s minutes") % {"minutes": minutes}
    return (
        _("Reminder: %(title)s begins %(lead)s") % {"title": title, "lead": lead},
        _("„%(title)s“ begins %(lead)s: %(date)s.") % {"title": title, "lead": lead, "date": date},
    )


def send(
    *, registration: Registration, kind: str, minutes: int = 0, now: datetime | None = None, connection=None
) -> bool:
    """Tell the member about their date (bell and e-mail); False when nobody was told."""
    user = registration.user
    occurrence = registration.occurrence
    event: EventPage = occurrence.event
    if not user.is_active or not user.email:
        return False
    if kind == REMINDER and not _wants_reminders(user):
        return False
    url = emails.absolute_url(event.url or event.url_path)
    with translation.override(settings.LANGUAGE_CODE):
        bell_title, _text = _texts(kind, title=event.title, date=when(occurrence), minutes=minutes)
    from .event_services import KIND_CHANGED, KIND_REGISTRATION, KIND_REMINDER

    notification_kind = {CHANGED: KIND_CHANGED, CANCELLED: KIND_CHANGED, REMINDER: KIND_REMINDER}.get(
        kind, KIND_REGISTRATION
    )
    notification = notification_create(
        recipient=user,
        kind=notification_kind,
        data={"title": bell_title, "url": event.url or event.url_path},
        target=event,
    )
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        subject, text = _texts(kind, title=event.title, date=when(occurrence), minutes=minutes)
        unsubscribe = emails.unsubscribe_url(user=user, scope=emails.SCOPE_EMAIL)
        context = {
            "user": user,
            "subject": subject,
            "text": text,
            "event": event,
            "url": url,
            "when": when(occurrence),
            "place": event.location or (_("Online") if event.online else ""),
            "question": registration.question,
            "my_events_url": emails.absolute_url(reverse("videothek:my_events")),
            "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "Mitmach-Regionen"),
            "settings_url": emails.absolute_url(reverse("notification_settings:edit")),
            "unsubscribe_url": unsubscribe,
            "join_note": kind in (REGISTERED, PROMOTED, REMINDER) and bool(event.join_link),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("videothek/email/event_mail.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
            connection=connection,
        )
        message.attach_alternative(render_to_string("videothek/email/event_mail.html", context), "text/html")
    if kind != WAITLISTED:
        cancel = kind == CANCELLED
        body = ical.calendar(occurrences=[occurrence], cancel=cancel)
        method = "CANCEL" if cancel else "PUBLISH"
        message.attach("termin.ics", body, f"text/calendar; method={method}; charset=utf-8")
    message.send()
    if notification is not None:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=now or timezone.now())
    return True
