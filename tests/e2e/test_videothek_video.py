"""The Videothek's videos in Chromium: filter, captions, chapters and resume; the two-click embed; the keyboard."""

from __future__ import annotations

import io
import re
import time
from urllib.parse import urlsplit

import pytest

from community import demo as community_demo
from tests.factories import MemberFactory
from videothek import demo_videos
from videothek.models import VideoPage, WatchProgress

from .journeys import assert_page_behaved, german

# The live server needs committed data; serialized_rollback restores what the migrations created.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PLAYABLE = "einfuehrung-mitmach-konferenz"
EXTERNAL = "buergerenergie-allgaeu"
PROVIDER = re.compile(r"^https?://([a-z0-9-]+\.)*(youtube-nocookie\.com|youtube\.com|ytimg\.com|googlevideo\.com)/")


@pytest.fixture
def seeded(home_page):
    """The demo seed's Videothek: a dozen videos, the 30 s WebM with German captions and three chapters."""
    community_demo.seed_taxonomy(io.StringIO())
    demo_videos.seed_videos(io.StringIO())
    return {page.slug: page for page in VideoPage.objects.all()}


def video_state(page) -> dict:
    return page.evaluate(
        """() => {
          const video = document.querySelector("video");
          const track = video.textTracks[0];
          const cues = track && track.activeCues ? Array.from(track.activeCues, (cue) => cue.text) : [];
          return {time: video.currentTime, paused: video.paused, rate: video.playbackRate,
                  mode: track ? track.mode : null, cues: cues, ready: video.readyState};
        }"""
    )


def wait_for_time(page, seconds: float) -> None:
    """Until the player has played up to `seconds` (it must be playing)."""
    page.wait_for_function(
        "(seconds) => document.querySelector('video').currentTime >= seconds", arg=seconds, timeout=20_000
    )


def mute_and_play(page) -> None:
    # Muted, autoplay rules let play() start without a user gesture.
    page.evaluate("() => { const video = document.querySelector('video'); video.muted = true; return video.play(); }")


def wait_for_progress(user, video, *, timeout: float = 10) -> WatchProgress:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        progress = WatchProgress.objects.filter(user=user, video=video).first()
        if progress is not None:
            return progress
        time.sleep(0.1)
    raise AssertionError("no WatchProgress row: the pagehide beacon did not arrive")


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


def test_a_member_filters_watches_with_captions_jumps_by_chapter_leaves_and_resumes(new_page, live_server, seeded):
    from playwright.sync_api import expect

    base = live_server.url
    video = seeded[PLAYABLE]
    member = MemberFactory(display_name="Greta Grün")
    page = new_page(member)

    # The GET filter form: Erklärvideos tagged „Einstieg“ leave only the introduction.
    page.goto(base + "/videothek/")
    form = page.locator("form.video-filters")
    form.get_by_label(german("Kind")).select_option("erklaervideo")
    form.get_by_label(german("Tag")).select_option(label="Einstieg")
    form.get_by_role("button", name=german("Show videos")).click()
    expect(page).to_have_url(re.compile(r"/videothek/\?.*art=erklaervideo"))
    assert "schlagwort=einstieg" in page.url
    results = page.locator("[data-video-results] .card__link")
    expect(results).to_have_count(1)
    expect(results).to_have_text(video.title)
    results.click()
    expect(page).to_have_url(base + video.url)
    expect(page.locator("h1")).to_have_text(video.title)

    # German captions are on by default; after a second of playback the first cue shows.
    expect(page.locator("video track[kind=captions]")).to_have_attribute("srclang", "de")
    mute_and_play(page)
    wait_for_time(page, 1.0)
    page.wait_for_function("() => document.querySelector('video').textTracks[0].activeCues.length > 0")
    state = video_state(page)
    assert state["mode"] == "showing"
    assert state["cues"] == ["Willkommen zur Einführung in die Mitmach-Konferenz!"]

    # A chapter button seeks (and keeps playing); the cue follows.
    chapters = page.locator(".video-chapters")
    expect(chapters.locator("a")).to_have_count(0)  # the ?t= links became buttons
    chapters.get_by_role("button", name=re.compile("Die Region einladen")).click()
    page.wait_for_function("() => !document.querySelector('video').seeking")
    assert 10 <= video_state(page)["time"] < 12
    wait_for_time(page, 12.5)
    state = video_state(page)
    assert state["cues"] == ["Teil zwei: Ihr ladet eure Region ein – alle, die mitmachen wollen."]
    assert not state["paused"]

    # Leaving the page while it plays: the pagehide beacon stores the position.
    left_at = video_state(page)["time"]
    page.goto(base + "/videothek/")
    progress = wait_for_progress(member, video)
    assert abs(progress.position - left_at) <= 2, (progress.position, left_at)
    assert progress.completed_at is None
    # The listing was rendered before the beacon arrived; shown again, it offers „Weiterschauen“.
    page.reload()
    continuing = page.locator(".video-continue")
    expect(continuing.get_by_role("link", name=video.title)).to_have_attribute(
        "href", f"{video.url}?t={progress.position}"
    )

    # Back on the video: „Fortsetzen bei …“ seeks to where the member left.
    page.goto(base + video.url)
    resume = page.locator("[data-resume]")
    expect(resume).to_have_text(german("Resume at %(position)s", position=f"0:{progress.position:02d}"))
    page.evaluate("() => { document.querySelector('video').muted = true; }")
    resume.click()
    expect(resume).to_be_hidden()
    page.wait_for_function(
        "() => !document.querySelector('video').seeking && document.querySelector('video').currentTime > 0"
    )
    assert abs(video_state(page)["time"] - left_at) <= 2
    assert_page_behaved(page, base)


def test_the_external_player_loads_only_after_the_consent_click(page, live_server, seeded):
    from playwright.sync_api import expect

    base = live_server.url
    video = seeded[EXTERNAL]
    # Nothing really leaves the machine: the provider answers with an empty page.
    page.context.route(PROVIDER, lambda route: route.fulfill(status=200, content_type="text/html", body=""))

    page.goto(base + video.url)
    embed = page.locator("[data-consent-embed]")
    expect(embed.locator("iframe")).to_have_count(0)
    expect(embed).to_contain_text("YouTube")
    load = embed.get_by_role("button", name=german("Load video from %(provider)s", provider="YouTube"))
    expect(load).to_be_visible()
    page.wait_for_load_state("networkidle")
    host = urlsplit(base).hostname
    assert page.watch.foreign_requests(host) == []
    assert_page_behaved(page, base)

    with page.expect_request(PROVIDER) as provider_request:
        load.click()
    assert provider_request.value.url.startswith("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ")
    frame = page.locator("iframe.consent-embed__frame")
    expect(frame).to_have_attribute("src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/aqz-KE-bpKQ"))
    expect(frame).to_have_attribute("title", video.title)

    # Whatever else the page did stayed on the live server; the provider's requests came after the click only.
    page.watch.requested_urls[:] = [url for url in page.watch.requested_urls if not PROVIDER.match(url)]
    assert_page_behaved(page, base)


def test_filters_player_controls_and_the_consent_button_work_with_the_keyboard(new_page, live_server, seeded):
    from playwright.sync_api import expect

    base = live_server.url
    video, external = seeded[PLAYABLE], seeded[EXTERNAL]
    page = new_page(MemberFactory())
    page.context.route(PROVIDER, lambda route: route.fulfill(status=200, content_type="text/html", body=""))

    # The filter form: type a search word, pick a kind with the arrow keys, send it with Enter.
    page.goto(base + "/videothek/")
    tab_to(page, "#video-q")
    page.keyboard.type("Region")
    tab_to(page, "#video-art", limit=3)
    page.keyboard.press("ArrowDown")  # the first kind after „Alle Arten“
    kind = page.locator("#video-art").input_value()
    assert kind
    tab_to(page, "form.video-filters button[type=submit]", limit=10)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/videothek/\?.*art={kind}"))
    assert "q=Region" in page.url
    expect(page.locator("#video-q")).to_have_value("Region")
    expect(page.locator("#video-art")).to_have_value(kind)

    # The player's own controls: chapter buttons with Enter and Space, the speed with the arrow keys.
    page.goto(base + video.url)
    page.evaluate("() => { document.querySelector('video').muted = true; }")
    tab_to(page, ".video-chapters__button[data-seek='20']", limit=120)
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const v = document.querySelector('video'); return !v.seeking && !v.paused; }")
    assert 20 <= video_state(page)["time"] < 22.5
    tab_to(page, ".video-chapters__button[data-seek='10']", limit=120)
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return !v.seeking && v.currentTime < 15; }"
    )
    assert 10 <= video_state(page)["time"] < 12.5
    tab_to(page, "[data-video-speed]", limit=120)
    page.keyboard.press("ArrowDown")
    expect(page.locator("[data-video-speed]")).to_have_value("1.25")
    assert video_state(page)["rate"] == 1.25
    assert_page_behaved(page, base)

    # The consent button with the keyboard: Enter loads the player.
    page.goto(base + external.url)
    tab_to(page, "[data-consent-load]", limit=120)
    host = urlsplit(base).hostname
    assert page.watch.foreign_requests(host) == []
    with page.expect_request(PROVIDER):
        page.keyboard.press("Enter")
    expect(page.locator("iframe.consent-embed__frame")).to_have_attribute(
        "src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/")
    )
