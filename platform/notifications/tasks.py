"""Background tasks (django-tasks) of the notifications: the delayed e-mails and the digests.

Enqueued by `manage.py run_scheduler`; the immediate backend runs them in the scheduler's
process (development, tests), the database backend hands them to `manage.py db_worker`.
"""

from __future__ import annotations

from django_tasks import task

from . import emails


@task()
def send_notification_emails() -> int:
    """Mail the notifications still unread after NOTIFICATIONS_EMAIL_DELAY seconds."""
    return emails.send_due_notification_emails()


@task()
def send_digests() -> int:
    """Send the daily and weekly digests that are due."""
    return emails.send_due_digests()
