"""Writes of the video half of the Videothek: watch progress (the beacon), the Verlauf, video durations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from .models import VideoPage, WatchProgress
from .permissions import blocking_restrictions

Ranges = list[list[int]]

# Beacons come every 15 s of wall-clock time; the first one of a visit has no earlier beacon to measure
# from, so it may credit what 15 s at the highest speed (2×) can play.
BEACON_INTERVAL = 15
MAX_RANGES_PER_BEACON = 50


class BeaconRejected(Exception):
    """Bad input (400) or a video the member may not see (404); nothing was written."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class BeaconResult:
    position: int
    credited_seconds: int
    completed: bool


# --- distinct seconds ---------------------------------------------------------------------------------


def merge_ranges(ranges: Ranges) -> Ranges:
    """Sorted, non-overlapping [start, end) ranges; touching ranges are joined."""
    merged: Ranges = []
    for start, end in sorted((int(s), int(e)) for s, e in ranges if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def measure(ranges: Ranges) -> int:
    return sum(end - start for start, end in ranges)


def _new_parts(known: Ranges, ranges: Ranges) -> Ranges:
    """The parts of `ranges` (merged) not yet in `known` (merged), in order."""
    parts: Ranges = []
    for start, end in ranges:
        cursor = start
        for k_start, k_end in known:
            if k_end <= cursor or k_start >= end:
                continue
            if k_start > cursor:
                parts.append([cursor, k_start])
            cursor = max(cursor, k_end)
            if cursor >= end:
                break
        if cursor < end:
            parts.append([cursor, end])
    return parts


def _trim(parts: Ranges, budget: int) -> Ranges:
    kept: Ranges = []
    for start, end in parts:
        if budget <= 0:
            break
        take = min(end - start, budget)
        kept.append([start, start + take])
        budget -= take
    return kept


def credit(*, known: Ranges, played: Ranges, last_beacon_at: datetime | None, now: datetime) -> tuple[Ranges, int]:
    """The member's watched ranges after a beacon and the seconds it added.

    Only distinct seconds count (a rewatched minute once, a seek to the end nothing), and a beacon adds at
    most twice the wall-clock time since the previous one (2× is the highest playback speed).
    """
    known = merge_ranges(known)
    new = _new_parts(known, merge_ranges(played))
    elapsed = (now - last_beacon_at).total_seconds() if last_beacon_at else BEACON_INTERVAL
    budget = max(0, math.ceil(2 * max(elapsed, 0)))
    added = _trim(new, budget)
    return merge_ranges(known + added), measure(added)


def is_watched(credited_seconds: int, duration: int | None) -> bool:
    if not duration:
        return False
    return credited_seconds >= settings.VIDEOTHEK_WATCHED_THRESHOLD * duration


# --- the beacon ---------------------------------------------------------------------------------------


def _number(value: object, *, name: str) -> float:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        raise BeaconRejected(400, f"{name} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise BeaconRejected(400, f"{name} must be a number of seconds ≥ 0")
    return number


def parse_played(value: str, *, limit: float) -> Ranges:
    """ "12.5-27.0,30-31" (what the player sends) as integer [start, end) ranges within 0..limit."""
    ranges: Ranges = []
    if not value:
        return ranges
    pieces = value.split(",")
    if len(pieces) > MAX_RANGES_PER_BEACON:
        raise BeaconRejected(400, "too many ranges")
    for piece in pieces:
        start_text, separator, end_text = piece.partition("-")
        if not separator:
            raise BeaconRejected(400, "a range is start-end")
        start = _number(start_text, name="start")
        end = _number(end_text, name="end")
        if end < start or end > limit:
            raise BeaconRejected(400, "a range lies outside the video")
        ranges.append([math.floor(start), math.floor(end)])
    return ranges


def progress_record(*, user, video_id: int, position: object, played: str = "", now: datetime | None = None):
    """Store a beacon of `user` (always the signed-in member) for a video: one read, one upsert.

    The read fetches the video's duration, whether a restriction keeps the member out, and their progress
    so far; the upsert writes the new position and ranges. The first completion also counts the video as
    watched once more (an F() update).
    """
    now = now or timezone.now()
    mine = WatchProgress.objects.filter(user=user, video=OuterRef("pk"))
    row = (
        VideoPage.objects.filter(pk=video_id, live=True)
        .annotate(
            blocked=blocking_restrictions(user),
            known=Subquery(mine.values("watched_ranges")[:1]),
            last_at=Subquery(mine.values("last_beacon_at")[:1]),
            done_at=Subquery(mine.values("completed_at")[:1]),
        )
        .values("duration", "blocked", "known", "last_at", "done_at")
        .first()
    )
    if row is None or row["blocked"]:
        raise BeaconRejected(404, "no such video")
    duration = row["duration"]
    limit = duration + 1 if duration else 24 * 3600
    seconds = _number(position, name="position")
    if seconds > limit:
        raise BeaconRejected(400, "position beyond the end of the video")
    known = row["known"]
    if isinstance(known, str):  # a JSON subquery comes back as text on some backends
        import json

        known = json.loads(known)
    ranges, _added = credit(
        known=known or [], played=parse_played(played, limit=limit), last_beacon_at=row["last_at"], now=now
    )
    credited = measure(ranges)
    completed_at = row["done_at"]
    newly_completed = completed_at is None and is_watched(credited, duration)
    if newly_completed:
        completed_at = now
    position_seconds = math.floor(seconds)
    row_to_store = WatchProgress(
        user=user,
        video_id=video_id,
        position=position_seconds,
        watched_ranges=ranges,
        credited_seconds=credited,
        last_beacon_at=now,
        completed_at=completed_at,
        updated_at=now,
    )
    if newly_completed:
        with transaction.atomic():
            _upsert(row_to_store)
            VideoPage.objects.filter(pk=video_id).update(watch_count=F("watch_count") + 1)
    else:
        _upsert(row_to_store)  # one statement: no transaction (and no savepoint) around it
    return BeaconResult(position=position_seconds, credited_seconds=credited, completed=completed_at is not None)


def _upsert(progress: WatchProgress) -> None:
    """INSERT ... ON CONFLICT (user, video) DO UPDATE: one statement on SQLite and PostgreSQL."""
    WatchProgress.objects.bulk_create(
        [progress],
        update_conflicts=True,
        unique_fields=["user", "video"],
        update_fields=[
            "position",
            "watched_ranges",
            "credited_seconds",
            "last_beacon_at",
            "completed_at",
            "updated_at",
        ],
    )


# --- the Verlauf --------------------------------------------------------------------------------------


def progress_remove(*, user, video_id: int) -> int:
    """Forget the member's progress in one video (their Verlauf entry); the watch count stays."""
    deleted, _ = WatchProgress.objects.filter(user=user, video_id=video_id).delete()
    return deleted


def progress_clear(*, user) -> int:
    """Forget the member's whole Verlauf."""
    deleted, _ = WatchProgress.objects.filter(user=user).delete()
    return deleted


# --- durations ----------------------------------------------------------------------------------------


def video_duration_store(*, video_id: int, seconds: int) -> bool:
    """Store a duration read from the file, unless the editor entered one."""
    return bool(VideoPage.objects.filter(pk=video_id, duration__isnull=True).update(duration=seconds))


def protected_file_response(*, file_field, range_header: str, download: bool = False, filename: str = ""):
    """A self-hosted video file as Range-capable response (or X-Accel-Redirect): for other apps' pages.

    The caller has checked that the reader may see the page the file belongs to (a course lesson checks
    its own page privacy); files under MEDIA_ROOT/media/ are never served publicly.
    """
    from .media import file_response

    return file_response(file_field, range_header=range_header, download=download, filename=filename or file_field.name)
