"""The duration of an uploaded video is read in the background after a publish (ffprobe, else wagtailmedia's)."""

from __future__ import annotations

import shutil

import pytest

from videothek import demo_videos
from videothek.models import VideoPage

from . import builders_videos as b


@pytest.mark.django_db
def test_publishing_a_video_without_a_duration_reads_it_from_the_file(home_page, django_capture_on_commit_callbacks):
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe is not installed (Debian: apt-get install ffmpeg)")
    index = b.videothek_index(home_page)
    with django_capture_on_commit_callbacks(execute=True):
        video = b.video(index, duration=None, with_file=False)
        video.media = b.media_file(demo_videos.DEMO_VIDEO.read_bytes())
        video.save_revision().publish()
    assert VideoPage.objects.get(pk=video.pk).duration == 30


@pytest.mark.django_db
def test_a_duration_the_editor_entered_is_kept(home_page, django_capture_on_commit_callbacks):
    index = b.videothek_index(home_page)
    with django_capture_on_commit_callbacks(execute=True):
        video = b.video(index, duration=95)
    assert VideoPage.objects.get(pk=video.pk).duration == 95


@pytest.mark.django_db
def test_a_later_publish_without_a_duration_keeps_the_one_read_and_the_watch_count(home_page):
    index = b.videothek_index(home_page)
    video = b.video(index, duration=None)
    VideoPage.objects.filter(pk=video.pk).update(duration=42, watch_count=7)
    video.refresh_from_db()
    revision = video.save_revision()
    VideoPage.objects.filter(pk=video.pk).update(watch_count=8)
    revision.publish()
    assert VideoPage.objects.values_list("duration", "watch_count").get(pk=video.pk) == (42, 8)
