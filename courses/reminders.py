"""The weekly-goal reminder as a background task, registered with the notifications scheduler."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tasks import task

# The scheduler asks hourly; services.reminders_send decides per learner whether a week is over.
REMINDER_INTERVAL_SECONDS = 3600


@task()
def send_course_reminders() -> int:
    from . import services

    return services.reminders_send()


def register() -> None:
    from notifications import registry

    from .services import REMINDER_KIND

    registry.register_kind(REMINDER_KIND, _("Course reminder"), icon="calendar")
    registry.register_periodic_job("course reminders", REMINDER_INTERVAL_SECONDS, send_course_reminders.enqueue)
