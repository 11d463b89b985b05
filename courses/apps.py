"""The self-paced online course („Online-Kurs“) with its printable handbook."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Online course")

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the course seed step)
        from .reminders import register as register_reminders

        register_reminders()  # the course.reminder notification kind and the scheduler's hourly job

        from .signals import connect as connect_signals

        connect_signals()  # handbook PDFs are rebuilt after a publish in a course
