"""`manage.py forums_recount`: recompute the forums' stored counters from their rows and print what changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from forums.services import forums_recount, search_index_rebuild


class Command(BaseCommand):
    help = "Recompute the stored forum counters (topics, posts, participants, reactions, flags) from their rows."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--search-index",
            action="store_true",
            help="Also rebuild the full-text search vector of every post (PostgreSQL only).",
        )

    def handle(self, *args, search_index: bool = False, **options) -> None:
        report = forums_recount()
        for line in report.fixes:
            self.stdout.write(f"fixed {line}")
        if report:
            self.stdout.write(self.style.WARNING(f"{len(report.fixes)} counter(s) fixed."))
        else:
            self.stdout.write(self.style.SUCCESS("All forum counters were correct."))
        if search_index:
            self.stdout.write(f"Search index rebuilt for {search_index_rebuild()} post(s).")
