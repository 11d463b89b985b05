"""The remaining video paths: the media view's answers, the admin's upload and page checks, PeerTube embeds,
the consent placeholder of an external video, Reihen, the Verlauf and the permission-filtered videos_latest."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from wagtail.models import Collection
from wagtailmedia.forms import get_media_form
from wagtailmedia.models import Media

from community.embeds import embed_for
from tests.factories import MemberFactory, SuperuserFactory
from videothek.media_upload import MediaUploadForm
from videothek.models import VideoPage, WatchProgress
from videothek.video_selectors import videos_latest

from . import builders_videos as b

pytestmark = pytest.mark.django_db

SIZE = len(b.WEBM_BYTES)


@pytest.fixture
def index(home_page):
    return b.videothek_index(home_page)


def _media(client: Client, video, query: str = "", **headers):
    return client.get(f"/videothek/datei/{video.pk}/{query}", **headers)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- the media view ----------------------------------------------------------------------------------


def test_the_whole_file_is_a_200_that_announces_ranges(index, client):
    video = b.video(index)
    response = _media(client, video)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm"
    assert response["Content-Length"] == str(SIZE)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == b.WEBM_BYTES
    assert "Content-Disposition" not in response


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=4-9", 4, 9),
        ("bytes=10-", 10, SIZE - 1),
        ("bytes=-5", SIZE - 5, SIZE - 1),
        ("bytes=0-999999", 0, SIZE - 1),
    ],
)
def test_a_range_is_a_206_with_exactly_those_bytes(index, client, header, first, last):
    video = b.video(index)
    response = _media(client, video, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Accept-Ranges"] == "bytes"
    assert _body(response) == b.WEBM_BYTES[first : last + 1]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=9-4", "bytes=-0"])
def test_an_unsatisfiable_range_is_a_416_naming_the_size(index, client, header):
    video = b.video(index)
    response = _media(client, video, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response.content == b""


def test_behind_nginx_the_view_answers_with_x_accel_redirect_and_no_body(index, client, settings):
    settings.VIDEOTHEK_PROTECTED_MEDIA = "nginx"
    settings.VIDEOTHEK_ACCEL_PREFIX = "/_protected/"
    video = b.video(index)
    response = _media(client, video, HTTP_RANGE="bytes=0-3")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/{video.media.file.name}"
    assert response["X-Accel-Redirect"].startswith("/_protected/media/")
    assert response["Content-Type"] == "video/webm"
    assert response.content == b""
    # The permission check comes first: a members-only file gives an outsider no header to follow.
    restricted = b.video(index, visibility="members")
    refused = _media(client, restricted)
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_a_page_that_allows_download_sends_the_file_as_an_attachment(index, client):
    video = b.video(index, allow_download=True)
    page = client.get(video.url).content.decode()
    assert f'href="/videothek/datei/{video.pk}/?download=1"' in page
    response = _media(client, video, "?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{video.slug}.webm"'
    assert _body(response) == b.WEBM_BYTES
    # Played in the page, the same file is no attachment.
    assert "Content-Disposition" not in _media(client, video)


def test_a_page_that_does_not_allow_download_offers_no_attachment(index, client):
    video = b.video(index, allow_download=False)
    assert "?download=1" not in client.get(video.url).content.decode()
    assert _media(client, video, "?download=1").status_code == 404
    played = _media(client, video)
    assert played.status_code == 200 and "Content-Disposition" not in played


# --- the admin: the video page form ------------------------------------------------------------------


def _formset_management(*names: str) -> dict[str, str]:
    return {
        f"{name}-{key}": value
        for name in names
        for key, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


def _page_form(index, **data):
    form_class = VideoPage.get_edit_handler().get_form_class()
    values = {
        "title": "Solawi gründen",
        "slug": "solawi-gruenden",
        "kind": VideoPage.Kind.EXPLAINER,
        "duration": "100",
        "materials-count": "0",
        **_formset_management("captions", "chapters"),
        **data,
    }
    return form_class(values, instance=VideoPage(), parent_page=index, for_user=None)


def _errors(form) -> dict[str, list[str]]:
    form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_a_page_with_a_file_or_a_known_provider_is_valid(index):
    assert _page_form(index, media=str(b.media_file().pk)).is_valid()
    assert _page_form(index, external_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ").is_valid()


def test_a_page_with_both_a_file_and_an_address_is_an_error_at_the_address(index):
    form = _page_form(index, media=str(b.media_file().pk), external_url="https://vimeo.com/123456789")
    errors = _errors(form)
    assert errors == {"external_url": ["Wähle entweder eine Videodatei oder eine externe Adresse, nicht beides."]}
    assert form["external_url"].value() == "https://vimeo.com/123456789"


def test_a_page_without_any_source_is_an_error_at_the_file(index):
    assert _errors(_page_form(index)) == {
        "media": ["Wähle eine Videodatei oder gib die Adresse eines PeerTube-, Vimeo- oder YouTube-Videos an."]
    }


@pytest.mark.parametrize(
    "url", ["https://example.org/video.mp4", "https://www.dailymotion.com/video/x8abcde", "https://vimeo.com/kanal"]
)
def test_an_unknown_provider_is_an_error_at_the_address_and_the_input_is_kept(index, url):
    form = _page_form(index, external_url=url)
    assert _errors(form) == {
        "external_url": [
            "Unbekannter Video-Anbieter: Eingebettet werden können nur Adressen von PeerTube, Vimeo und YouTube."
        ]
    }
    assert form["external_url"].value() == url


def test_a_chosen_file_that_is_no_video_is_an_error_at_the_file(index):
    fake = b.media_file(data=b"<html>keine Videodatei</html>" * 10, name="film.webm")
    errors = _errors(_page_form(index, media=str(fake.pk)))
    assert errors["media"] == [f"„{fake.file.name.rsplit('/', 1)[-1]}“ enthält kein WebM-, MP4- oder Ogg-Video."]


def _chapters(*rows: tuple[str, str]) -> dict[str, str]:
    data = {"chapters-TOTAL_FORMS": str(len(rows))}
    for n, (start, title) in enumerate(rows):
        data |= {f"chapters-{n}-start": start, f"chapters-{n}-title": title, f"chapters-{n}-ORDER": str(n + 1)}
    return data


def test_a_chapter_beyond_the_duration_is_an_error_at_that_chapter(index):
    form = _page_form(
        index,
        external_url="https://vimeo.com/123456789",
        **_chapters(("0", "Start"), ("99", "Ende"), ("100", "Zu spät")),
    )
    assert not form.is_valid()
    chapters = form.formsets["chapters"].forms
    assert [dict(f.errors) for f in chapters[:2]] == [{}, {}]
    assert chapters[2].errors["start"] == ["Das Kapitel beginnt nach dem Ende des Videos (100 s)."]
    assert chapters[2]["start"].value() == "100"


def test_without_a_duration_chapters_are_not_checked(index):
    form = _page_form(index, external_url="https://vimeo.com/123456789", duration="", **_chapters(("5000", "Spät")))
    assert form.is_valid(), form.errors


# --- the admin: wagtailmedia's upload form -----------------------------------------------------------


def _upload_form(name: str, data: bytes, content_type: str = "video/webm"):
    form_class = get_media_form(Media)
    values = {"title": "Film", "collection": str(Collection.get_first_root_node().pk), "duration": "30"}
    files = {"file": SimpleUploadedFile(name, data, content_type=content_type)}
    return form_class(values, files, instance=Media(type="video"), user=SuperuserFactory())


def test_the_upload_form_is_videothek_s_and_accepts_a_real_video():
    assert issubclass(get_media_form(Media), MediaUploadForm)
    form = _upload_form("film.webm", b.WEBM_BYTES)
    assert form.is_valid(), form.errors


SAMPLES = {"webm": b.WEBM_BYTES, "mp4": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, "ogv": b"OggS" + b"\x00" * 100}


def test_every_extension_the_message_names_is_one_wagtailmedia_accepts(settings):
    # The German message lists the allowed extensions; wagtailmedia's own check must not refuse one of them.
    message = _errors(_upload_form("film.txt", b.WEBM_BYTES))["file"][0]
    named = re.findall(r"\.(\w+)", message.split("(", 1)[1])
    assert sorted(named) == sorted(settings.WAGTAILMEDIA["VIDEO_EXTENSIONS"]) == sorted(SAMPLES)
    for extension in named:
        form = _upload_form(f"film.{extension}", SAMPLES[extension])
        assert form.is_valid(), (extension, form.errors)


@pytest.mark.parametrize("name", ["vortrag.pdf", "film.exe", "film"])
def test_an_upload_with_the_wrong_extension_is_an_error_at_the_file(name):
    errors = _errors(_upload_form(name, b.WEBM_BYTES))
    assert errors == {"file": [f"„{name}“ ist keine Videodatei: Nimm WebM, MP4 oder Ogg (.webm, .mp4, .ogv)."]}


def test_an_upload_named_like_a_video_but_with_other_content_is_an_error_at_the_file():
    errors = _errors(_upload_form("film.mp4", b"%PDF-1.7 " + b"x" * 200, "video/mp4"))
    assert errors == {"file": ["„film.mp4“ enthält kein WebM-, MP4- oder Ogg-Video."]}


def test_an_upload_over_the_limit_is_an_error_at_the_file(settings):
    settings.VIDEOTHEK_MAX_UPLOAD_MB = 1
    just_right = b"\x1a\x45\xdf\xa3" + b"\x00" * (1024 * 1024 - 4)
    assert _upload_form("film.webm", just_right).is_valid()
    errors = _errors(_upload_form("film.webm", just_right + b"\x00"))
    assert errors == {"file": ["Das Video ist größer als 1 MB."]}


# --- PeerTube and the consent placeholder ------------------------------------------------------------

UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"
SHORT = "tY5b9GjUfv2wiTGRvNWeGV"


@pytest.mark.parametrize(
    ("url", "video_id"),
    [
        (f"https://peertube.example.org/w/{SHORT}", SHORT),
        (f"https://peertube.example.org/videos/watch/{UUID}", UUID),
        (f"https://peertube.example.org/videos/embed/{UUID}?start=30", UUID),
        (f"https://PeerTube.Example.org:443/w/{SHORT}", SHORT),
    ],
)
def test_peertube_addresses_of_any_instance_become_an_embed(url, video_id):
    embed = embed_for(url)
    assert embed is not None
    assert (embed.provider, embed.host) == ("PeerTube", "peertube.example.org")
    assert embed.player_url == f"https://peertube.example.org/videos/embed/{video_id}?autoplay=1&warningTitle=0&p2p=0"
    assert embed.page_url == f"https://peertube.example.org/w/{video_id}"


@pytest.mark.parametrize(
    "url",
    [
        "https://peertube.example.org/w/kurz",  # no video id
        f"https://peertube.example.org/c/kanal/{SHORT}",  # a channel, not a video
        f"https://peertube.example.org/videos/watch/{UUID}/extra",
        f"https://peertube.example.org:8443/w/{SHORT}",  # another port
        f"ftp://peertube.example.org/w/{SHORT}",
        f"https://localhost/w/{SHORT}",  # no dotted host name
        f"https://peer_tube.example.org/w/{SHORT}",
        f"https://vimeo.com/w/{SHORT}",  # a known provider's host is never read as PeerTube
        "https://peertube.example.org/w/0OIl0OIl0OIl0OIl0OIl0O",  # not base58
    ],
)
def test_addresses_that_are_no_peertube_video_give_no_embed(url):
    assert embed_for(url) is None


class _Addresses(HTMLParser):
    """Every (tag, attribute, value) whose value names `host`, and whether any <iframe> exists."""

    def __init__(self, host: str) -> None:
        super().__init__()
        self.host = host
        self.found: list[tuple[str, str, str]] = []
        self.iframes = 0

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.iframes += 1
        for name, value in attrs:
            if value and self.host in value:
                self.found.append((tag, name, value))


def test_an_external_video_page_holds_nothing_from_the_provider_before_the_consent_click(index, client):
    url = f"https://peertube.example.org/videos/watch/{UUID}"
    video = b.video(index, external_url=url, with_file=False)
    html = client.get(video.url).content.decode()
    parser = _Addresses("peertube.example.org")
    parser.feed(html)
    assert parser.iframes == 0
    assert "<iframe" not in html
    # The only link a browser follows is the plain one to the video on PeerTube (without JavaScript too);
    # the player address waits in an inert data attribute for consent.js, loaded nowhere before the click.
    assert parser.found == [
        ("div", "data-player-url", f"https://peertube.example.org/videos/embed/{UUID}?autoplay=1&warningTitle=0&p2p=0"),
        ("a", "href", f"https://peertube.example.org/w/{UUID}"),
    ]
    every_address = re.findall(r"(?:https?:)?//peertube\.example\.org[^\s\"'<>]*", html)
    assert len(every_address) == 2
    assert "Auf PeerTube ansehen" in html
    # No file of our own is offered and no beacon is sent for an external video.
    assert "/videothek/datei/" not in html
    assert "data-beacon-url" not in html


# --- Reihen ----------------------------------------------------------------------------------------


def _complete(user, video) -> None:
    WatchProgress.objects.create(
        user=user, video=video, position=video.duration, credited_seconds=video.duration, completed_at=timezone.now()
    )


def test_the_reihe_page_lists_its_videos_in_order_with_what_the_member_watched(index, member_client, member):
    videos = [b.video(index, title=f"Modul {n}") for n in range(3)]
    reihe = b.series("Regionallabor 2024/25", [videos[2], videos[0], videos[1]])
    _complete(member, videos[0])
    response = member_client.get(f"/videothek/reihe/{reihe.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 von 3 gesehen" in html
    assert html.index("Modul 2") < html.index("Modul 0") < html.index("Modul 1")
    assert html.count("Gesehen<") == 1


def test_the_reihe_page_counts_only_the_videos_the_visitor_may_see(index, client, member_client):
    public = b.video(index, title="Offenes Modul")
    hidden = b.video(index, title="Internes Modul", visibility="members")
    reihe = b.series("Regionallabor", [public, hidden])
    anonymous = client.get(f"/videothek/reihe/{reihe.slug}/").content.decode()
    assert "0 von 1 gesehen" in anonymous and "Internes Modul" not in anonymous
    assert "0 von 2 gesehen" in member_client.get(f"/videothek/reihe/{reihe.slug}/").content.decode()


def test_an_unknown_reihe_or_one_without_visible_videos_is_404(index, client):
    assert client.get("/videothek/reihe/gibt-es-nicht/").status_code == 404
    reihe = b.series("Nur für Mitglieder", [b.video(index, visibility="members")])
    assert client.get(f"/videothek/reihe/{reihe.slug}/").status_code == 404


# --- the Verlauf ---------------------------------------------------------------------------------------


@pytest.fixture
def history(index, member):
    first, second = b.video(index, title="Erstes Video"), b.video(index, title="Zweites Video")
    for video in (first, second):
        WatchProgress.objects.create(user=member, video=video, position=30, credited_seconds=30)
    other = MemberFactory()
    WatchProgress.objects.create(user=other, video=first, position=10)
    return first, second, other


def test_the_verlauf_removes_one_entry_of_the_member_only(history, member_client, member):
    first, second, other = history
    page = member_client.get("/videothek/verlauf/").content.decode()
    assert "Erstes Video" in page and "Zweites Video" in page
    response = member_client.post("/videothek/verlauf/", {"video": str(first.pk)}, follow=True)
    assert response.redirect_chain == [("/videothek/verlauf/", 302)]
    html = response.content.decode()
    assert "Das Video wurde aus deinem Verlauf entfernt." in html
    assert "Erstes Video" not in html and "Zweites Video" in html
    assert list(WatchProgress.objects.filter(user=member).values_list("video_id", flat=True)) == [second.pk]
    assert WatchProgress.objects.filter(user=other, video=first).exists()


def test_removing_a_video_that_is_not_in_the_verlauf_changes_nothing(history, member_client, member):
    _first, _second, other = history
    for value in ("999999", "abc", ""):
        response = member_client.post("/videothek/verlauf/", {"video": value}, follow=True)
        assert "Das Video wurde aus deinem Verlauf entfernt." not in response.content.decode()
    assert WatchProgress.objects.filter(user=member).count() == 2


def test_the_verlauf_is_cleared_for_the_member_only(history, member_client, member):
    _first, _second, other = history
    response = member_client.post("/videothek/verlauf/", {"action": "clear"}, follow=True)
    html = response.content.decode()
    assert "Dein Verlauf ist jetzt leer." in html
    assert "Erstes Video" not in html and "Zweites Video" not in html
    assert not WatchProgress.objects.filter(user=member).exists()
    assert WatchProgress.objects.filter(user=other).count() == 1


def test_the_verlauf_needs_a_login(history, client):
    response = client.post("/videothek/verlauf/", {"action": "clear"})
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    assert WatchProgress.objects.count() == 3


# --- videos_latest ---------------------------------------------------------------------------------------


def test_videos_latest_shows_a_visitor_only_what_they_may_see_newest_first(index, member):
    import datetime

    from django.contrib.auth.models import AnonymousUser

    older = b.video(index, title="Älteres Video", recorded_on=datetime.date(2025, 3, 1))
    members = b.video(index, title="Internes Video", recorded_on=datetime.date(2025, 5, 1), visibility="members")
    newer = b.video(index, title="Neueres Video", recorded_on=datetime.date(2025, 4, 1))
    group = b.video(
        index,
        title="Gruppenvideo",
        recorded_on=datetime.date(2025, 6, 1),
        visibility="group",
        groups=[b.weggemeinschaft()],
    )
    assert [row.title for row in videos_latest(AnonymousUser())] == [newer.title, older.title]
    assert [row.title for row in videos_latest(member)] == [members.title, newer.title, older.title]
    assert [row.title for row in videos_latest(member, limit=2)] == [members.title, newer.title]
    member.groups.add(b.weggemeinschaft())
    member = type(member).objects.get(pk=member.pk)
    assert [row.title for row in videos_latest(member)][0] == group.title
    rows = videos_latest(AnonymousUser())
    assert rows[0].url == f"{index.url}{newer.slug}/"
    assert rows[0].visibility == "public"
