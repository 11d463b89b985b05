"""Watch progress: the 90 % rule over distinct seconds, the wall-clock cap, and the beacon's answers to bad input."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import MemberFactory
from videothek.models import VideoPage, WatchProgress
from videothek.video_services import credit, is_watched, merge_ranges, progress_record

from . import builders_videos as b

NOW = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)


def test_overlapping_and_touching_ranges_merge():
    assert merge_ranges([[30, 40], [0, 10], [10, 20], [35, 50], [60, 60]]) == [[0, 20], [30, 50]]


def test_rewatching_a_minute_counts_it_once():
    ranges, added = credit(
        known=[[0, 60]], played=[[0, 60]], last_beacon_at=NOW, now=NOW + datetime.timedelta(seconds=60)
    )
    assert (ranges, added) == ([[0, 60]], 0)


def test_only_the_new_part_of_a_partly_rewatched_stretch_is_credited():
    ranges, added = credit(
        known=[[0, 20]], played=[[10, 30]], last_beacon_at=NOW, now=NOW + datetime.timedelta(seconds=15)
    )
    assert (ranges, added) == ([[0, 30]], 10)


def test_a_beacon_credits_at_most_twice_the_wall_clock_time_since_the_last_one():
    ranges, added = credit(known=[], played=[[0, 100]], last_beacon_at=NOW, now=NOW + datetime.timedelta(seconds=10))
    assert (ranges, added) == ([[0, 20]], 20)


def test_the_first_beacon_credits_at_most_two_beacon_intervals():
    _ranges, added = credit(known=[], played=[[0, 600]], last_beacon_at=None, now=NOW)
    assert added == 30


@pytest.mark.parametrize(("credited", "watched"), [(89, False), (90, True), (100, True)])
def test_a_video_counts_as_watched_from_90_percent_of_its_duration(credited, watched, settings):
    settings.VIDEOTHEK_WATCHED_THRESHOLD = 0.9
    assert is_watched(credited, 100) is watched


def test_without_a_duration_nothing_counts_as_watched():
    assert is_watched(10_000, None) is False


@pytest.fixture
def film(home_page):
    return b.video(b.videothek_index(home_page), duration=100)


def _beacon(client: Client, video, **data):
    return client.post(f"/videothek/fortschritt/{video.pk}/", data)


@pytest.mark.django_db
def test_seeking_to_the_end_gives_no_credit_and_no_completion(film, member):
    result = progress_record(user=member, video_id=film.pk, position="99", played="", now=NOW)
    assert (result.position, result.credited_seconds, result.completed) == (99, 0, False)


@pytest.mark.django_db
def test_watching_90_distinct_seconds_in_real_time_completes_the_video_once(film, member):
    for n in range(9):
        start = NOW + datetime.timedelta(seconds=10 * n)
        result = progress_record(
            user=member, video_id=film.pk, position=10 * n + 10, played=f"{10 * n}-{10 * n + 10}", now=start
        )
    assert (result.credited_seconds, result.completed) == (90, True)
    # Watching again does not count the video twice.
    progress_record(
        user=member, video_id=film.pk, position=20, played="0-20", now=NOW + datetime.timedelta(seconds=300)
    )
    film.refresh_from_db()
    assert film.watch_count == 1
    progress = WatchProgress.objects.get(user=member, video=film)
    assert progress.completed_at == NOW + datetime.timedelta(seconds=80)
    assert progress.watched_ranges == [[0, 90]]


@pytest.mark.django_db
def test_the_beacon_stores_the_members_position_and_answers_json(film, member_client, member):
    response = _beacon(member_client, film, position="12.7", played="0-12.7")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "position": 12, "credited": 12, "completed": False}
    progress = WatchProgress.objects.get(user=member, video=film)
    assert (progress.position, progress.watched_ranges) == (12, [[0, 12]])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"position": "-1"},
        {"position": "abc"},
        {"position": ""},
        {"position": "nan"},
        {"position": "inf"},
        {"position": "500"},
        {"position": "5", "played": "0-500"},
        {"position": "5", "played": "10-5"},
        {"position": "5", "played": "a-b"},
        {"position": "5", "played": "5"},
        {"position": "5", "played": ",".join(["1-2"] * 51)},
    ],
)
def test_bad_beacons_answer_400_and_write_nothing(film, member_client, data):
    response = _beacon(member_client, film, **data)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert not WatchProgress.objects.exists()


@pytest.mark.django_db
def test_a_beacon_for_an_unknown_or_unpublished_video_answers_404(film, member_client):
    assert member_client.post("/videothek/fortschritt/999999/", {"position": "1"}).status_code == 404
    film.unpublish()
    assert _beacon(member_client, film, position="1").status_code == 404
    assert not WatchProgress.objects.exists()


@pytest.mark.django_db
def test_another_members_id_in_the_beacon_is_ignored(film, member_client, member):
    other = MemberFactory()
    response = _beacon(member_client, film, position="5", user=str(other.pk), user_id=str(other.pk))
    assert response.status_code == 200
    assert list(WatchProgress.objects.values_list("user_id", flat=True)) == [member.pk]


@pytest.mark.django_db
def test_anonymous_visitors_send_nothing_and_store_nothing(film, client):
    response = _beacon(client, film, position="5")
    assert response.status_code == 403
    assert not WatchProgress.objects.exists()
    # The page offers them no beacon either.
    assert b'data-beacon-url=""' in client.get(film.url).content


@pytest.mark.django_db
def test_the_beacon_needs_the_csrf_token_in_the_body(film, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert _beacon(client, film, position="5").status_code == 403
    page = client.get(film.url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert _beacon(client, film, position="5", csrfmiddlewaretoken=token).status_code == 200


@pytest.mark.django_db
def test_the_beacon_reads_once_and_upserts_once(film, member, django_assert_num_queries):
    progress_record(user=member, video_id=film.pk, position=1, played="0-1", now=NOW)
    # One read (video, visibility and progress), one upsert; the transaction's savepoint is not a query.
    with django_assert_num_queries(2):
        progress_record(
            user=member, video_id=film.pk, position=5, played="1-5", now=NOW + datetime.timedelta(seconds=10)
        )


@pytest.mark.django_db
def test_the_video_page_offers_to_resume_where_the_member_left(film, member_client, member):
    progress_record(user=member, video_id=film.pk, position=74, played="60-74", now=timezone.now())
    page = member_client.get(film.url).content.decode()
    assert "Fortsetzen bei 1:14" in page
    assert 'href="?t=74"' in page
    assert VideoPage.objects.get(pk=film.pk).watch_count == 0
