"""`manage.py send_course_reminders`: remind learners who missed their weekly goal (run by the scheduler hourly)."""

from django.core.management.base import BaseCommand

from courses import services


class Command(BaseCommand):
    help = "Send the weekly-goal reminders that are due (each learner at most once a week)."

    def handle(self, *args, **options) -> None:
        sent = services.reminders_send()
        self.stdout.write(f"{sent} course reminder(s) sent.")
