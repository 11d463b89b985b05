"""Uploaded lesson videos: served through the lesson (its page privacy), with Range, never from /media/."""

import pytest
from django.core.files.base import ContentFile
from wagtail.models import PageViewRestriction
from wagtailmedia.models import Media

from .builders import build_course, lessons_of

pytestmark = pytest.mark.django_db

WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 2044  # an EBML header, then padding: 2,048 bytes


@pytest.fixture
def video_lesson(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    media = Media.objects.create(
        title="Thementische", type="video", duration=30, file=ContentFile(WEBM, name="tische.webm")
    )
    block = {
        "type": "video",
        "value": {"title": "Thementische", "media": media.pk, "captions": None, "video_page": None, "external_url": ""},
        "id": "vid",
    }
    course = build_course(home_page, modules=[[[block]]])
    return lessons_of(course)[0]


def test_the_lesson_plays_its_video_from_its_own_address(client, video_lesson):
    page = client.get(video_lesson.url).content.decode()
    assert f'src="{video_lesson.url}video/vid/"' in page
    assert "/media/media/" not in page
    response = client.get(f"{video_lesson.url}video/vid/", HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 0-99/2048"
    assert b"".join(response.streaming_content) == WEBM[:100]


def test_a_members_only_lesson_keeps_its_video_from_visitors(client, video_lesson, member):
    PageViewRestriction.objects.create(page=video_lesson, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(f"{video_lesson.url}video/vid/")
    assert response.status_code == 302 and "/konto/login/" in response.url
    client.force_login(member)
    assert client.get(f"{video_lesson.url}video/vid/").status_code == 200


def test_an_unknown_video_block_is_a_404(client, video_lesson):
    assert client.get(f"{video_lesson.url}video/other/").status_code == 404
