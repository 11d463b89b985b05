"""Background tasks (django-tasks) of the courses: building the handbook PDFs, and the bookkeeping of builds.

A build belongs to one course, one variant and one revision key (courses.handbook.revision_key). Whoever
creates the BUILDING row, or takes over a failed or stale one, renders it; every other task for the same
key finds the row and stops, so duplicate enqueues (several publishes in one go, several visitors asking
for the PDF) cost one query each, not a render.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import handbook
from .models import CoursePage, HandbookBuild

logger = logging.getLogger(__name__)

# Ready builds kept per course and variant (the newest ones); older rows and their files are deleted.
KEEP_BUILDS = 3


def _stale_before():
    return timezone.now() - timedelta(hours=settings.COURSES_HANDBOOK_BUILD_TIMEOUT_HOURS)


def current_build(*, course: CoursePage, variant: str, revision_key: str) -> HandbookBuild | None:
    return HandbookBuild.objects.filter(course=course, variant=variant, revision_key=revision_key).first()


def latest_ready_build(*, course: CoursePage, variant: str, same_restrictions_as: str) -> HandbookBuild | None:
    """The newest ready build that leaves out the same pages as a build for `same_restrictions_as` would."""
    prefix = same_restrictions_as.split("-", 1)[0] + "-"
    return (
        HandbookBuild.objects.filter(
            course=course, variant=variant, status=HandbookBuild.Status.READY, revision_key__startswith=prefix
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def needs_build(build: HandbookBuild | None) -> bool:
    """Whether a view should ask for a build: none yet, or one that failed or hangs longer than the timeout."""
    if build is None:
        return True
    if build.status == HandbookBuild.Status.BUILDING:
        return build.started_at < _stale_before()
    if build.status == HandbookBuild.Status.FAILED:
        # A failure is retried after the timeout (or at once by a publish or `manage.py build_handbook`),
        # not on every request: a handbook that fails to render fails again.
        return (build.finished_at or build.started_at) < _stale_before()
    return False


def _claim(*, course: CoursePage, variant: str, revision_key: str, force: bool) -> HandbookBuild | None:
    """The BUILDING row this caller is to render, or None when another build has it or it is ready."""
    now = timezone.now()
    build, created = HandbookBuild.objects.get_or_create(
        course=course,
        variant=variant,
        revision_key=revision_key,
        defaults={"status": HandbookBuild.Status.BUILDING, "started_at": now},
    )
    if created:
        return build
    claimable = Q(status=HandbookBuild.Status.FAILED) | Q(
        status=HandbookBuild.Status.BUILDING, started_at__lt=_stale_before()
    )
    if force:
        claimable = Q()
    taken = (
        HandbookBuild.objects.filter(pk=build.pk)
        .filter(claimable)
        .update(status=HandbookBuild.Status.BUILDING, started_at=now, finished_at=None)
    )
    if not taken:
        return None
    build.refresh_from_db()
    return build


@dataclass
class BuildResult:
    build: HandbookBuild | None
    built: bool  # False: another build had it, or it was ready already


def handbook_build(*, course: CoursePage, variant: str, force: bool = False) -> BuildResult:
    """Render the handbook of the course's current revision into a stored PDF; failures are marked FAILED.

    `force` renders again even when a ready (or running) build of this revision exists.
    """
    key = handbook.revision_key(course, variant)
    build = _claim(course=course, variant=variant, revision_key=key, force=force)
    if build is None:
        return BuildResult(build=current_build(course=course, variant=variant, revision_key=key), built=False)
    started = time.monotonic()
    try:
        book = handbook.handbook_for(course=course, variant=variant, course_url=course.get_url() or course.url_path)
        pdf, pages = handbook.render_pdf(book)
    except Exception:
        logger.exception("Handbook PDF of course %s (%s) failed", course.pk, variant)
        HandbookBuild.objects.filter(pk=build.pk).update(
            status=HandbookBuild.Status.FAILED, finished_at=timezone.now(), seconds=time.monotonic() - started
        )
        build.refresh_from_db()
        return BuildResult(build=build, built=True)
    old_file = build.pdf.name
    # An unguessable name: the media folder may be served without Django, and the members variant is not public.
    name = f"{course.slug}-{variant}-{secrets.token_hex(12)}.pdf"
    build.pdf.save(name, ContentFile(pdf), save=False)
    build.pages = pages
    build.seconds = round(time.monotonic() - started, 2)
    build.status = HandbookBuild.Status.READY
    build.finished_at = timezone.now()
    build.save()
    if old_file and old_file != build.pdf.name:
        build.pdf.storage.delete(old_file)
    _prune(course=course, variant=variant)
    return BuildResult(build=build, built=True)


def _prune(*, course: CoursePage, variant: str) -> None:
    """Delete all but the newest KEEP_BUILDS finished builds of the course's variant, with their files."""
    finished = HandbookBuild.objects.filter(course=course, variant=variant).exclude(
        status=HandbookBuild.Status.BUILDING
    )
    for old in finished.order_by("-finished_at", "-pk")[KEEP_BUILDS:]:
        if old.pdf:
            old.pdf.storage.delete(old.pdf.name)
        old.delete()


@task()
def build_handbook(course_id: int, variant: str) -> dict:
    """Build the handbook PDF of a course in one variant ("public" or "members") for its current revision."""
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None or variant not in HandbookBuild.Variant.values:
        return {"status": "skipped"}
    result = handbook_build(course=course, variant=variant)
    build = result.build
    return {
        "status": build.status if build else "skipped",
        "built": result.built,
        "pages": build.pages if build else None,
        "seconds": build.seconds if build else None,
    }


def enqueue_handbook_builds(course_id: int) -> None:
    """Ask for both variants of a course's handbook (after a publish in it)."""
    for variant in HandbookBuild.Variant.values:
        build_handbook.enqueue(course_id, variant)
