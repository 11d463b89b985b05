"""`manage.py build_handbook`: build the handbook PDFs now, in this process, and say how long each took."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import CoursePage, HandbookBuild
from courses.tasks import handbook_build


class Command(BaseCommand):
    help = "Build the handbook PDFs of every live course (or one) for their current revision, synchronously."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", metavar="SLUG", help="Only the course with this slug.")
        parser.add_argument(
            "--variant", choices=HandbookBuild.Variant.values, help="Only this variant (default: both)."
        )

    def handle(self, *args: Any, course: str | None = None, variant: str | None = None, **options: Any) -> None:
        courses = CoursePage.objects.live().order_by("path")
        if course:
            courses = courses.filter(slug=course)
            if not courses.exists():
                raise CommandError(f"No live course with the slug {course!r}.")
        variants = [variant] if variant else HandbookBuild.Variant.values
        failed = 0
        for page in courses:
            for name in variants:
                build = handbook_build(course=page, variant=name, force=True).build
                if build is None or build.status != HandbookBuild.Status.READY:
                    failed += 1
                    self.stderr.write(f"{page.slug} ({name}): failed, see the log")
                    continue
                self.stdout.write(
                    f"{page.slug} ({name}): {build.pages} pages in {build.seconds:.1f} s -> {build.pdf.name}"
                )
        if failed:
            raise CommandError(f"{failed} handbook build(s) failed.")
