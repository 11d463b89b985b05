"""Background work of the video half: reading a video's duration with ffprobe after a publish."""

from __future__ import annotations

import logging
import shutil
import subprocess

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


def probe_seconds(path: str) -> int | None:
    """The duration of a media file in whole seconds from ffprobe, or None (no ffprobe, unreadable file)."""
    ffprobe = shutil.which("ffprobe")
    if not ffprobe:
        return None
    try:
        result = subprocess.run(  # noqa: S603 - fixed program, the path is an argument
            [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return max(1, round(float(result.stdout.strip().splitlines()[0])))
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        logger.warning("ffprobe could not read %s", path)
        return None


@task()
def read_video_duration(video_id: int) -> int | None:
    """Store the duration of a video page's file unless the editor entered one; ffprobe first, then wagtailmedia's."""
    from .models import VideoPage
    from .video_services import video_duration_store

    video = VideoPage.objects.filter(pk=video_id, duration__isnull=True).select_related("media").first()
    if video is None or video.media is None or not video.media.file:
        return None
    seconds = None
    try:
        seconds = probe_seconds(video.media.file.path)
    except NotImplementedError:  # a storage without local paths
        seconds = None
    if seconds is None and video.media.duration:
        seconds = round(video.media.duration)
    if seconds:
        video_duration_store(video_id=video_id, seconds=seconds)
    return seconds


def _after_publish(sender, instance, **kwargs) -> None:
    if instance.duration is None and instance.media_id:
        transaction.on_commit(lambda: read_video_duration.enqueue(instance.pk))


def connect() -> None:
    from wagtail.signals import page_published

    from .models import VideoPage

    page_published.connect(_after_publish, sender=VideoPage, dispatch_uid="videothek_video_duration")
