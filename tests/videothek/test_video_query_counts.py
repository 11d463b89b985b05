"""Query counts of the Videothek: the listing with each filter and search, and Weiterschauen, do not grow with size."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from community.models import Handlungsfeld
from tests.factories import HandlungsfeldFactory, MemberFactory
from tests.query_counts import cold_query_count
from videothek import video_selectors
from videothek.video_services import progress_record

from . import builders_videos as b

FILTERS = [
    {},
    {"art": "webinar"},
    {"handlungsfeld": "energie"},
    {"schlagwort": "solawi"},
    {"person": "jana-beispiel"},
    {"jahr": "2025"},
    {"sortierung": "beliebt"},
    {"q": "Solawi"},
    {"q": "Ernte", "art": "webinar", "sortierung": "neu"},
]


def _library(home_page, count: int, *, group) -> tuple:
    index = b.videothek_index(home_page)
    energy = Handlungsfeld.objects.filter(slug="energie").first() or HandlungsfeldFactory(
        slug="energie", name="Energie"
    )
    jana = b.speaker("Jana Beispiel")
    for n in range(count):
        b.video(
            index,
            title=f"Solawi Webinar {n}",
            kind="webinar",
            handlungsfeld=energy,
            speakers=[jana],
            tags=["solawi"],
            transcript="00:00:05 Die Ernte der Solawi\n00:01:00 Ernte teilen",
            with_file=False,
            external_url="https://vimeo.com/123456",
            # Restricted videos are in every size: the permission filter is part of each query.
            visibility="group" if n % 5 == 4 else "members" if n % 5 == 3 else "public",
            groups=[group],
            recorded_on=datetime.date(2025, 3, 1),
        )
    return index


@pytest.mark.django_db
@pytest.mark.parametrize("query", FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "none")
def test_the_listing_costs_the_same_for_5_and_50_videos_on_the_page(home_page, monkeypatch, query):
    group = b.weggemeinschaft()
    member = MemberFactory()
    member.groups.add(group)
    client = Client()
    client.force_login(member)
    monkeypatch.setattr(video_selectors, "PER_PAGE", 50)
    index = _library(home_page, 5, group=group)
    small = cold_query_count(client, index.url, query)
    _library(home_page, 45, group=group)
    client.get(index.url, query)  # thumbnails' renditions, if any, are made once
    large = cold_query_count(client, index.url, query)
    page = client.get(index.url, query).content.decode()
    assert page.count('class="card video-card"') == 50
    assert small == large


@pytest.mark.django_db
def test_weiterschauen_costs_the_same_for_1_and_20_unfinished_videos(home_page, monkeypatch):
    monkeypatch.setattr(video_selectors, "CONTINUE_LIMIT", 20)
    member = MemberFactory()
    client = Client()
    client.force_login(member)
    index = b.videothek_index(home_page)
    videos = [
        b.video(index, title=f"Film {n}", with_file=False, external_url="https://vimeo.com/123456") for n in range(20)
    ]
    now = timezone.now()
    progress_record(user=member, video_id=videos[0].pk, position=30, played="0-10", now=now)
    one = cold_query_count(client, index.url)
    for video in videos[1:]:
        progress_record(user=member, video_id=video.pk, position=30, played="0-10", now=now)
    twenty = cold_query_count(client, index.url)
    page = client.get(index.url).content.decode()
    assert page.count("Fortsetzen bei 0:30") == 20
    assert one == twenty
