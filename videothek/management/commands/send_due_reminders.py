"""`manage.py send_due_reminders`: enqueue the event reminder sweep (run it every 5 minutes from a timer or cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from videothek import reminders
from videothek.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Enqueue the sweep that sends due event reminders (and adds new dates of series) for the task worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", action="store_true", help="Run the sweep in this process instead of enqueuing it.")

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            reminders.extend_series()
            sent = reminders.sweep()
            self.stdout.write(f"{sent} reminder(s) sent")
            return
        result = send_due_reminders.enqueue()
        self.stdout.write(f"Sweep enqueued ({result.id})")
