"""Build Videothek content for tests as an editor would: pages published through revisions, restrictions set."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction
from wagtailmedia.models import Media

from videothek.models import (
    Speaker,
    VideoCaption,
    VideoChapter,
    VideoPage,
    VideoSeries,
    VideoSeriesItem,
    VideothekIndexPage,
)

_numbers = itertools.count(1)

# The first bytes of a WebM file (EBML header): enough for sniffing and Range tests.
WEBM_BYTES = b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 40

VTT = """WEBVTT

00:00:00.500 --> 00:00:04.000
Willkommen in der Videothek.

00:00:04.000 --> 00:00:09.000
Heute geht es um Solawi.
"""


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def videothek_index(home_page) -> VideothekIndexPage:
    existing = VideothekIndexPage.objects.first()
    if existing:
        return existing
    index = VideothekIndexPage(title="Videothek", slug="videothek")
    home_page.add_child(instance=index)
    return publish(index)


def media_file(data: bytes = WEBM_BYTES, name: str = "film.webm") -> Media:
    media = Media(title=name, type="video", duration=30)
    media.file.save(name, ContentFile(data), save=False)
    media.save()
    return media


def caption_document(text: str = VTT, name: str = "untertitel.vtt") -> Document:
    document = Document(title=name)
    document.file.save(name, ContentFile(text.encode()), save=False)
    document.save()
    return document


def video(
    index: VideothekIndexPage,
    *,
    title: str | None = None,
    kind: str = VideoPage.Kind.EXPLAINER,
    duration: int | None = 100,
    recorded_on: datetime.date | None = None,
    handlungsfeld=None,
    speakers: list[Speaker] = (),
    tags: list[str] = (),
    transcript: str = "",
    with_file: bool = True,
    external_url: str = "",
    allow_download: bool = False,
    chapters: list[tuple[int, str]] = (),
    captions: bool = False,
    visibility: str = "public",
    groups: list[Group] = (),
) -> VideoPage:
    number = next(_numbers)
    page = VideoPage(
        title=title or f"Video {number}",
        slug=f"video-{number}",
        kind=kind,
        duration=duration,
        recorded_on=recorded_on or datetime.date(2025, 1, 1) + datetime.timedelta(days=number),
        handlungsfeld=handlungsfeld,
        transcript=transcript,
        external_url=external_url,
        allow_download=allow_download,
        media=media_file() if with_file and not external_url else None,
    )
    for start, chapter_title in chapters:
        page.chapters.add(VideoChapter(start=start, title=chapter_title))
    if captions:
        page.captions.add(VideoCaption(language="de", label="Deutsch", file=caption_document()))
    index.add_child(instance=page)
    page.speakers.set(list(speakers))
    if tags:
        page.tags.add(*tags)
    publish(page)
    restrict(page, visibility, groups)
    return page


def restrict(page, visibility: str, groups: list[Group] = ()) -> None:
    if visibility == "members":
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    elif visibility == "group":
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.set(list(groups))


def speaker(name: str) -> Speaker:
    from django.utils.text import slugify

    return Speaker.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def series(title: str, videos: list[VideoPage]) -> VideoSeries:
    from django.utils.text import slugify

    reihe = VideoSeries.objects.create(title=title, slug=slugify(title))
    for position, item in enumerate(videos):
        VideoSeriesItem.objects.create(series=reihe, video=item, sort_order=position)
    return reihe


def weggemeinschaft(name: str = "Weggemeinschaft Süd") -> Group:
    return Group.objects.get_or_create(name=name)[0]
