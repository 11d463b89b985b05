"""Third-party video players behind a consent click (Zwei-Klick-Lösung): which host, which player address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^\d{4,12}$")
# PeerTube: any instance; /w/<short id>, /videos/watch/<uuid> or /videos/embed/<id>.
_PEERTUBE_ID = re.compile(
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[1-9A-HJ-NP-Za-km-z]{20,24})$"
)
_HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True)
class Embed:
    provider: str  # shown to the visitor before they agree
    host: str
    player_url: str  # loaded only after the click
    page_url: str  # the video on the provider's site, the link without JavaScript


def embed_for(url: str) -> Embed | None:
    """The player for a YouTube, Vimeo or PeerTube address (YouTube's no-cookie host); None for anything else."""
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    if parsed.scheme not in {"http", "https"}:
        return None
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = ""
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if parsed.path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        elif parsed.path.startswith(("/embed/", "/shorts/", "/live/")):
            video_id = parsed.path.split("/")[2]
    elif host == "youtu.be":
        video_id = parsed.path.lstrip("/").split("/")[0]
    if video_id:
        if not _YOUTUBE_ID.match(video_id):
            return None
        return Embed(
            provider="YouTube",
            host="www.youtube-nocookie.com",
            player_url=f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1",
            page_url=f"https://www.youtube.com/watch?v={video_id}",
        )
    if host in {"vimeo.com", "player.vimeo.com"}:
        vimeo_id = parsed.path.rstrip("/").split("/")[-1]
        if _VIMEO_ID.match(vimeo_id):
            return Embed(
                provider="Vimeo",
                host="player.vimeo.com",
                player_url=f"https://player.vimeo.com/video/{vimeo_id}?dnt=1&autoplay=1",
                page_url=f"https://vimeo.com/{vimeo_id}",
            )
    return _peertube(parsed, host)


def _peertube(parsed, host: str) -> Embed | None:
    if host in {"youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com", "player.vimeo.com"}:
        return None
    if not _HOSTNAME.match(host) or parsed.port not in (None, 443):
        return None
    parts = [part for part in parsed.path.split("/") if part]
    video_id = ""
    if len(parts) == 2 and parts[0] == "w":
        video_id = parts[1]
    elif len(parts) == 3 and parts[0] == "videos" and parts[1] in {"watch", "embed"}:
        video_id = parts[2]
    if not _PEERTUBE_ID.match(video_id):
        return None
    return Embed(
        provider="PeerTube",
        host=host,
        player_url=f"https://{host}/videos/embed/{video_id}?autoplay=1&warningTitle=0&p2p=0",
        page_url=f"https://{host}/w/{video_id}",
    )
