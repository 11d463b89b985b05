"""`manage.py seed_demo`: idempotent demo content for every app that registered a seed step."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from community import demo


class Command(BaseCommand):
    help = "Create demo content (idempotent). --reset removes the demo content first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete demo content before seeding it again.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Only seed when there are no members yet (used by make run)."
        )

    def handle(self, *args: Any, reset: bool = False, if_empty: bool = False, **options: Any) -> None:
        from community.models import User

        if if_empty and User.objects.exists():
            self.stdout.write("The database already has accounts; demo content not created.")
            return
        started = time.monotonic()
        demo.run(self.stdout, reset=reset)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready ({time.monotonic() - started:.1f} s)."))
        if settings.DEBUG:
            self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
            for email, role in demo.demo_logins():
                self.stdout.write(f"  {email:28} {role}")
        else:
            self.stdout.write("DEBUG is off: demo accounts have no password (use password reset).")
