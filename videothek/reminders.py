"""Reminders before event dates (VIDEOTHEK_REMINDER_OFFSETS, 24 h and 1 h) and the timer's other chore.

`manage.py send_due_reminders` (a systemd timer or cron every 5 minutes) and the scheduler of `make run`
enqueue one sweep task. The sweep rechecks each registration, the date's start and status and the member's
right to see the event, and claims a unique ReminderSent(registration, occurrence start, offset) row before
sending: a doubled run sends once, a moved date reminds anew. When a sweep comes late and several offsets are
due at once (the worker was down), the member gets only the nearest one; the others are claimed unsent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 5 * 60


def offsets() -> list[int]:
    """Minutes before the start, largest first."""
    values = getattr(settings, "VIDEOTHEK_REMINDER_OFFSETS", [1440, 60])
    return sorted({int(v) for v in values if int(v) > 0}, reverse=True)


def _claim(registration, start: datetime, offset: int, now: datetime) -> bool:
    from .models import ReminderSent

    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                registration=registration, occurrence_start=start, offset_minutes=offset, sent_at=now
            )
    except IntegrityError:
        return False
    return True


def sweep(*, now: datetime | None = None) -> int:
    """Send the due reminders; returns how many went out."""
    from . import event_mails, permissions
    from .models import EventOccurrence, EventPage, Registration, ReminderSent

    now = now or timezone.now()
    minutes = offsets()
    if not minutes:
        return 0
    candidates = list(
        Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            occurrence__status=EventOccurrence.Status.SCHEDULED,
            occurrence__event__status=EventPage.Status.SCHEDULED,
            occurrence__event__live=True,
            occurrence__start__gt=now,
            occurrence__start__lte=now + timedelta(minutes=minutes[0]),
        ).select_related("user", "occurrence__event")
    )
    if not candidates:
        return 0
    claimed = set(
        ReminderSent.objects.filter(registration__in=candidates).values_list(
            "registration_id", "occurrence_start", "offset_minutes"
        )
    )
    sent = 0
    connection = get_connection()
    for registration in candidates:
        start = registration.occurrence.start
        due = [
            offset
            for offset in minutes
            if start - timedelta(minutes=offset) <= now
            and registration.created_at < start - timedelta(minutes=offset)
            and (registration.pk, start, offset) not in claimed
        ]
        if not due:
            continue
        if not permissions.can_view_event(registration.user, registration.occurrence.event):
            continue
        nearest = due[-1]
        won = [offset for offset in due if _claim(registration, start, offset, now)]
        if nearest not in won:
            continue
        if event_mails.send(
            registration=registration,
            kind=event_mails.REMINDER,
            minutes=nearest,
            now=now,
            connection=connection,
        ):
            sent += 1
    if sent:
        logger.info("Sent %d event reminder(s)", sent)
    return sent


def extend_series(*, now: datetime | None = None) -> int:
    """Add the dates that came into the 12-month horizon since the last publish; returns events extended."""
    from . import event_services, recurrence
    from .models import EventPage

    now = now or timezone.now()
    horizon = now + recurrence.HORIZON
    extended = 0
    series = EventPage.objects.live().exclude(rrule="").annotate(last=Max("occurrences__original_start"))
    for event in series.prefetch_related("exceptions"):
        try:
            starts = recurrence.series_starts(start=event.start, rrule=event.rrule, until=horizon)
        except Exception:  # noqa: S112 - an unusable rule is the admin form's to report
            continue
        if starts and (event.last is None or starts[-1] > event.last):
            event_services.occurrences_sync(event=event, now=now)
            extended += 1
    return extended


def register() -> None:
    """Notification kinds of the events and the scheduler's sweep (see `make run`)."""
    from notifications import registry

    from . import event_services
    from .tasks import send_due_reminders

    registry.register_kind(event_services.KIND_REGISTRATION, _("Event registration"), icon="calendar")
    registry.register_kind(event_services.KIND_CHANGED, _("Changed event"), icon="calendar")
    registry.register_kind(event_services.KIND_REMINDER, _("Event reminder"), icon="calendar")
    registry.register_kind(event_services.KIND_RECORDING, _("Recording published"), icon="calendar")
    registry.register_periodic_job("event reminders", SWEEP_INTERVAL_SECONDS, send_due_reminders.enqueue)
