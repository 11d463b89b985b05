"""Who sees which video: anonymous, member, group member, outsider × public, members-only, group × every path."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import MemberFactory
from videothek.models import WatchProgress

from . import builders_videos as b

VIEWERS = ("anonymous", "member", "group_member", "outsider")
# Who may see a video of each visibility. "member" belongs to no group; "outsider" is in another group.
ALLOWED = {
    "public": {"anonymous", "member", "group_member", "outsider"},
    "members": {"member", "group_member", "outsider"},
    "group": {"group_member"},
}


@pytest.fixture
def world(home_page):
    index = b.videothek_index(home_page)
    group = b.weggemeinschaft("Weggemeinschaft Süd")
    other_group = b.weggemeinschaft("Weggemeinschaft Alpenraum")
    videos = {
        visibility: b.video(
            index,
            title=f"Solawi-Video {visibility}",
            visibility=visibility,
            groups=[group],
            transcript="00:00:05 Die Solawi teilt die Ernte",
            captions=True,
        )
        for visibility in ALLOWED
    }
    clients = {"anonymous": Client()}
    for name, groups in (("member", []), ("group_member", [group]), ("outsider", [other_group])):
        user = MemberFactory()
        user.groups.add(*groups)
        client = Client()
        client.force_login(user)
        clients[name] = client
    return index, videos, clients


CASES = [(viewer, visibility) for viewer in VIEWERS for visibility in ALLOWED]


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "visibility"), CASES)
def test_the_video_page(world, viewer, visibility):
    _index, videos, clients = world
    response = clients[viewer].get(videos[visibility].url)
    if viewer in ALLOWED[visibility]:
        assert response.status_code == 200
    elif viewer == "anonymous":
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_listing_and_search_show_exactly_the_videos_the_viewer_may_see(world, viewer):
    index, videos, clients = world
    expected = {f"Solawi-Video {v}" for v in ALLOWED if viewer in ALLOWED[v]}
    for query in ("", "?q=Solawi", "?q=Ernte"):
        page = clients[viewer].get(f"{index.url}{query}").content.decode()
        shown = {f"Solawi-Video {v}" for v in ALLOWED if f"Solawi-Video {v}<" in page}
        assert shown == expected, query


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "visibility"), CASES)
def test_the_file_and_the_captions(world, viewer, visibility):
    _index, videos, clients = world
    video = videos[visibility]
    media = clients[viewer].get(f"/videothek/datei/{video.pk}/", HTTP_RANGE="bytes=0-3")
    caption = clients[viewer].get(f"/videothek/untertitel/{video.captions.get().pk}.vtt")
    if viewer in ALLOWED[visibility]:
        assert media.status_code == 206 and b"".join(media.streaming_content) == b"\x1a\x45\xdf\xa3"
        assert caption.status_code == 200 and caption.content.startswith(b"WEBVTT")
    else:
        assert (media.status_code, caption.status_code) == (404, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "visibility"), CASES)
def test_the_beacon(world, viewer, visibility):
    _index, videos, clients = world
    response = clients[viewer].post(f"/videothek/fortschritt/{videos[visibility].pk}/", {"position": "3"})
    if viewer == "anonymous":
        assert response.status_code == 403
    elif viewer in ALLOWED[visibility]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
    assert WatchProgress.objects.exists() == (viewer != "anonymous" and viewer in ALLOWED[visibility])


@pytest.mark.django_db
def test_weiterschauen_and_the_verlauf_drop_a_video_that_became_restricted(world):
    index, videos, clients = world
    client = clients["member"]
    client.post(f"/videothek/fortschritt/{videos['public'].pk}/", {"position": "30", "played": "0-10"})
    assert "Solawi-Video public" in client.get("/videothek/verlauf/").content.decode()
    b.restrict(videos["public"], "group", [b.weggemeinschaft("Weggemeinschaft Süd")])
    assert "Solawi-Video public" not in client.get("/videothek/verlauf/").content.decode()
    assert "Solawi-Video public" not in client.get(index.url).content.decode()


def test_under_debug_uploaded_video_files_are_not_served_from_the_media_folder(settings):
    import importlib

    from django.urls import clear_url_caches, resolve

    from config import urls, views

    settings.DEBUG = True
    try:
        importlib.reload(urls)
        clear_url_caches()
        assert resolve(f"{settings.MEDIA_URL}media/film.webm", urlconf=urls).func is views.not_found
        # Other uploads (images, documents) are still served by runserver's static view.
        assert resolve(f"{settings.MEDIA_URL}images/bild.png", urlconf=urls).func is not views.not_found
    finally:
        settings.DEBUG = False
        importlib.reload(urls)
        clear_url_caches()
