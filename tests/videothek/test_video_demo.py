"""The video seed: a dozen videos of every kind, one members-only, one for a Weggemeinschaft, one external, a Reihe."""

from __future__ import annotations

import io

import pytest
from wagtail.models import PageViewRestriction

from community import demo as community_demo
from videothek import demo_videos, webvtt
from videothek.models import VideoPage, VideoSeries


@pytest.fixture
def seeded(home_page):
    community_demo.seed_taxonomy(io.StringIO())
    community_demo.seed_teams(io.StringIO())
    community_demo.seed_accounts(io.StringIO())
    demo_videos.seed_videos(io.StringIO())
    return VideoPage.objects.all()


@pytest.mark.django_db
def test_the_seed_covers_every_kind_and_visibility(seeded):
    assert seeded.count() == 12
    assert set(seeded.values_list("kind", flat=True)) == set(VideoPage.Kind.values)
    kinds = dict(PageViewRestriction.objects.values_list("page__slug", "restriction_type"))
    assert kinds == {"live-call-moderation": "login", "weggemeinschaft-sued-rueckblick": "groups"}
    assert seeded.exclude(external_url="").count() == 1
    assert VideoSeries.objects.get().items.count() == 3


@pytest.mark.django_db
def test_the_playable_video_has_a_webm_file_german_captions_and_three_chapters(seeded):
    video = seeded.get(slug="einfuehrung-mitmach-konferenz")
    with video.media.file.open("rb") as handle:
        assert handle.read(4) == b"\x1a\x45\xdf\xa3"
    caption = video.captions.get()
    assert caption.language == "de"
    with caption.file.file.open("rb") as handle:
        assert len(webvtt.read(handle.read())) == 6
    assert [c.start for c in video.chapters.all()] == [0, 10, 20]


@pytest.mark.django_db
def test_seeding_twice_changes_nothing(seeded):
    out = io.StringIO()
    demo_videos.seed_videos(out)
    assert "unchanged" in out.getvalue()
    assert VideoPage.objects.count() == 12
