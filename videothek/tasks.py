"""Background tasks (django-tasks) of the events: e-mails after a registration or a change, the reminder sweep."""

from __future__ import annotations

from django.core.mail import get_connection
from django_tasks import task


@task()
def send_registration_mail(*, registration_id: int, promoted: bool = False) -> bool:
    """The confirmation (with .ics), the waiting-list note, or the news that a place became free."""
    from . import event_mails
    from .models import Registration

    registration = Registration.objects.select_related("user", "occurrence__event").filter(pk=registration_id).first()
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return False
    if registration.status == Registration.Status.WAITLISTED:
        kind = event_mails.WAITLISTED
    else:
        kind = event_mails.PROMOTED if promoted else event_mails.REGISTERED
    return event_mails.send(registration=registration, kind=kind)


@task()
def send_change_mails(*, occurrence_ids: list[int]) -> int:
    """Tell everyone registered or waiting for these dates that they moved or were cancelled (.ics attached)."""
    from . import event_mails
    from .models import EventOccurrence, EventPage, Registration

    registrations = (
        Registration.objects.filter(occurrence_id__in=occurrence_ids)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("user", "occurrence__event")
        .order_by("occurrence_id", "pk")
    )
    connection = get_connection()
    sent = 0
    for registration in registrations:
        occurrence = registration.occurrence
        cancelled = (
            occurrence.status == EventOccurrence.Status.CANCELLED
            or occurrence.event.status == EventPage.Status.CANCELLED
        )
        kind = event_mails.CANCELLED if cancelled else event_mails.CHANGED
        sent += event_mails.send(registration=registration, kind=kind, connection=connection)
    return sent


@task()
def send_due_reminders() -> int:
    """The timer's sweep: new dates into the horizon, then the reminders that are due."""
    from . import reminders

    reminders.extend_series()
    return reminders.sweep()
