"""Signal receivers of the courses: loosely coupled side effects only (the handbook PDFs after a publish)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import CoursePage, LessonPage, ModulePage

_paused = threading.local()


@contextmanager
def handbook_builds_paused() -> Iterator[None]:
    """Publish many pages without a build after each (seed_demo): the PDF view asks for one when it is needed."""
    previous = getattr(_paused, "active", False)
    _paused.active = True
    try:
        yield
    finally:
        _paused.active = previous


def rebuild_handbook_on_publish(sender: type, instance: Any, **kwargs: Any) -> None:
    """A page of a course was published: ask for new handbook PDFs of the course, once the publish is committed.

    After the commit, so a worker reads the new revision; several publishes in one transaction (seed_demo,
    a bulk action) each ask, and all but the first find the build of that revision and stop (courses.tasks).
    """
    from . import tasks

    if getattr(_paused, "active", False) or not settings.COURSES_HANDBOOK_BUILD_ON_PUBLISH:
        return
    if isinstance(instance, CoursePage):
        course_id = instance.pk
    else:
        course_id = CoursePage.objects.ancestor_of(instance).values_list("pk", flat=True).first()
    if course_id is not None:
        transaction.on_commit(lambda: tasks.enqueue_handbook_builds(course_id))


def connect() -> None:
    from wagtail.signals import page_published

    for model in (CoursePage, ModulePage, LessonPage):
        page_published.connect(
            rebuild_handbook_on_publish, sender=model, dispatch_uid=f"courses_handbook_{model.__name__}"
        )
