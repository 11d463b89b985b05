"""Reads of the video half of the Videothek, each with a bounded number of queries and filtered by permissions.

Rows for lists carry their URL, labels and dates already made (the speed habit of docs/benchmarks.md):
the templates only print them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.utils.formats import date_format
from django.utils.translation import ngettext
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Site

from community.models import Handlungsfeld

from . import permissions
from .models import Speaker, VideoPage, VideoSeriesItem, VideothekIndexPage, WatchProgress

THUMBNAIL_FILTER = "fill-480x270"
PER_PAGE = 12
CONTINUE_LIMIT = 8
_TRANSCRIPT_LINE = re.compile(r"^\s*\[?((?:\d{1,2}:)?\d{1,2}:\d{2})\]?\s+(.*\S)\s*$")


class Sort:
    NEWEST = "neu"
    MOST_WATCHED = "beliebt"
    RELEVANCE = "relevanz"


def page_url(url_path: str) -> str:
    """A page's path on its site from its stored url_path, without a query (Wagtail caches the site roots)."""
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path) - 1 :]
    return url_path


def format_duration(seconds: int | None) -> str:
    """12:34 or 1:02:03, as video players write it."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def parse_clock(value: str) -> int:
    parts = [int(p) for p in value.split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


@dataclass(frozen=True)
class TranscriptLine:
    start: int
    clock: str
    text: str


def transcript_lines(text: str) -> list[TranscriptLine]:
    """The transcript's timed lines („00:12:34 Text“); lines without a time join the line before."""
    lines: list[TranscriptLine] = []
    for raw in (text or "").splitlines():
        match = _TRANSCRIPT_LINE.match(raw)
        if match:
            start = parse_clock(match.group(1))
            lines.append(TranscriptLine(start=start, clock=format_duration(start), text=match.group(2)))
        elif raw.strip() and lines:
            last = lines[-1]
            lines[-1] = TranscriptLine(start=last.start, clock=last.clock, text=f"{last.text} {raw.strip()}")
    return lines


def transcript_hits(text: str, query: str, limit: int = 3) -> list[TranscriptLine]:
    words = [w.casefold() for w in query.split() if len(w) > 1]
    if not words:
        return []
    hits = []
    for line in transcript_lines(text):
        folded = line.text.casefold()
        if any(word in folded for word in words):
            hits.append(line)
            if len(hits) == limit:
                break
    return hits


# --- the listing -------------------------------------------------------------------------------------


@dataclass
class VideoFilters:
    kind: str = ""
    handlungsfeld: str = ""  # slug
    tag: str = ""  # slug
    speaker: str = ""  # slug
    year: int | None = None
    q: str = ""
    sort: str = Sort.NEWEST

    @classmethod
    def from_query(cls, data) -> VideoFilters:
        year_text = (data.get("jahr") or "").strip()
        kind = (data.get("art") or "").strip()
        sort = (data.get("sortierung") or "").strip()
        q = (data.get("q") or "").strip()[:200]
        default_sort = Sort.RELEVANCE if q else Sort.NEWEST
        return cls(
            kind=kind if kind in VideoPage.Kind.values else "",
            handlungsfeld=(data.get("handlungsfeld") or "").strip()[:100],
            tag=(data.get("schlagwort") or "").strip()[:100],
            speaker=(data.get("person") or "").strip()[:120],
            year=int(year_text) if year_text.isdigit() and 1900 < int(year_text) < 3000 else None,
            q=q,
            sort=sort if sort in {Sort.NEWEST, Sort.MOST_WATCHED, Sort.RELEVANCE} else default_sort,
        )

    @property
    def active(self) -> bool:
        return bool(self.kind or self.handlungsfeld or self.tag or self.speaker or self.year or self.q)


@dataclass
class VideoRow:
    id: int
    title: str
    url: str
    kind: str
    kind_label: str
    duration: str
    recorded_on: str
    handlungsfeld: str
    speakers: str
    thumbnail_url: str
    watch_count: int
    visibility: str
    visibility_label: str
    progress_percent: int = 0
    watched: bool = False
    hits: list[TranscriptLine] = field(default_factory=list)


@dataclass
class Option:
    value: str
    label: str


@dataclass
class Facets:
    kinds: list[Option]
    handlungsfelder: list[Option]
    speakers: list[Option]
    tags: list[Option]
    years: list[Option]


@dataclass
class VideoListing:
    rows: list[VideoRow]
    total: int
    page_number: int
    num_pages: int
    facets: Facets


def _videos(index: VideothekIndexPage | None, user) -> QuerySet:
    queryset = VideoPage.objects.live()
    root_path = ""
    if index is not None:
        queryset = queryset.child_of(index)
        root_path = index.path
    return permissions.visible_pages(queryset, user, root_path=root_path)


def _filtered(queryset: QuerySet, filters: VideoFilters) -> QuerySet:
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.handlungsfeld:
        queryset = queryset.filter(handlungsfeld__slug=filters.handlungsfeld)
    if filters.tag:
        queryset = queryset.filter(tagged_items__tag__slug=filters.tag)
    if filters.speaker:
        queryset = queryset.filter(speakers__slug=filters.speaker)
    if filters.year:
        queryset = queryset.filter(recorded_on__year=filters.year)
    return queryset


def _ordered(queryset: QuerySet, sort: str, *, for_search: bool = False) -> QuerySet:
    # The search backend sorts only by its filter fields (no pk): first_published_at breaks ties there.
    tie = ("-first_published_at",) if for_search else ("-first_published_at", "-pk")
    if sort == Sort.MOST_WATCHED:
        return queryset.order_by("-watch_count", "-recorded_on", *tie)
    return queryset.order_by("-recorded_on", *tie)


def _rows(ids: list[int], *, user, index_url: str, restrictions, query: str = "") -> list[VideoRow]:
    """The rows of these videos in this order: the videos (1), speakers (1), thumbnails with renditions (2)."""
    if not ids:
        return []
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL_FILTER)
    videos = {
        video.pk: video
        for video in VideoPage.objects.filter(pk__in=ids)
        .select_related("handlungsfeld")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name")))
        .prefetch_related(Prefetch("thumbnail", queryset=images))
        .only(
            "id",
            "title",
            "slug",
            "path",
            "url_path",
            "kind",
            "duration",
            "recorded_on",
            "handlungsfeld__name",
            "thumbnail",
            "watch_count",
            "transcript",
        )
    }
    progress = {}
    if getattr(user, "is_authenticated", False):
        progress = {
            video_id: (credited, done)
            for video_id, credited, done in WatchProgress.objects.filter(user=user, video_id__in=ids).values_list(
                "video_id", "credited_seconds", "completed_at"
            )
        }
    kind_labels = dict(VideoPage.Kind.choices)
    rows = []
    for video_id in ids:
        video = videos.get(video_id)
        if video is None:
            continue
        visibility = permissions.visibility_of(video, restrictions)
        thumbnail_url = video.thumbnail.get_rendition(THUMBNAIL_FILTER).url if video.thumbnail else ""
        credited, done = progress.get(video_id, (0, None))
        rows.append(
            VideoRow(
                id=video.pk,
                title=video.title,
                url=f"{index_url}{video.slug}/",
                kind=video.kind,
                kind_label=str(kind_labels.get(video.kind, "")),
                duration=format_duration(video.duration),
                recorded_on=date_format(video.recorded_on, "DATE_FORMAT") if video.recorded_on else "",
                handlungsfeld=video.handlungsfeld.name if video.handlungsfeld else "",
                speakers=", ".join(speaker.name for speaker in video.speakers.all()),
                thumbnail_url=thumbnail_url,
                watch_count=video.watch_count,
                visibility=visibility,
                visibility_label=str(permissions.Visibility.LABELS[visibility]),
                progress_percent=min(100, round(100 * credited / video.duration)) if video.duration else 0,
                watched=done is not None,
                hits=transcript_hits(video.transcript, query) if query else [],
            )
        )
    return rows


def facets(index: VideothekIndexPage) -> Facets:
    """The filter choices: Handlungsfelder (1), speakers (1), tags (1) and years (1) of the live videos."""
    live = VideoPage.objects.live().child_of(index)
    return Facets(
        kinds=[Option(value, str(label)) for value, label in VideoPage.Kind.choices],
        handlungsfelder=[
            Option(slug, name)
            for slug, name in Handlungsfeld.objects.filter(videos__in=live)
            .distinct()
            .order_by("order", "name")
            .values_list("slug", "name")
        ],
        speakers=[
            Option(slug, name)
            for slug, name in Speaker.objects.filter(videos__in=live)
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        ],
        tags=[
            Option(slug, name)
            for slug, name in Tag.objects.filter(videothek_videopagetag_items__content_object__in=live)
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        ],
        years=[Option(str(d.year), str(d.year)) for d in live.dates("recorded_on", "year", order="DESC")],
    )


def video_listing(
    *, user, index: VideothekIndexPage, filters: VideoFilters, page_number: int = 1, per_page: int = PER_PAGE
) -> VideoListing:
    """One page of the Videothek for `user`: filtered, searched (title, description, transcript), sorted.

    Queries, whatever the page size: view restrictions (1, +1 for the member's groups), the count (1), the
    page's ids (1), the rows (4), the member's progress (1) and the facets (4).
    """
    restrictions = permissions.restrictions_under(index.path)
    visible = _filtered(_videos(index, user), filters)
    if filters.q:
        # Wagtail's search backend (PostgreSQL full text in production) over the ids the filters allow.
        candidates = VideoPage.objects.live().filter(pk__in=visible.values("pk"))
        if filters.sort != Sort.RELEVANCE:
            candidates = _ordered(candidates, filters.sort, for_search=True)
        results = candidates.search(filters.q, order_by_relevance=filters.sort == Sort.RELEVANCE)
    else:
        results = _ordered(visible.distinct(), filters.sort)
    paginator = Paginator(results, per_page)
    page = paginator.get_page(page_number)
    if filters.q:
        ids = [video.pk for video in page.object_list]
    else:
        ids = list(page.object_list.values_list("pk", flat=True))
    index_url = index.url or "/videothek/"
    rows = _rows(ids, user=user, index_url=index_url, restrictions=restrictions, query=filters.q)
    return VideoListing(
        rows=rows,
        total=paginator.count,
        page_number=page.number,
        num_pages=paginator.num_pages,
        facets=facets(index),
    )


# --- Weiterschauen, Verlauf, latest ------------------------------------------------------------------


@dataclass
class ProgressRow:
    video_id: int
    title: str
    url: str
    position: int
    position_label: str
    duration: str
    percent: int
    thumbnail_url: str
    updated: str
    completed: bool


def _progress_rows(user, *, unfinished_only: bool, limit: int | None) -> list[ProgressRow]:
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL_FILTER)
    queryset = WatchProgress.objects.filter(user=user, video__live=True)
    if unfinished_only:
        queryset = queryset.filter(completed_at__isnull=True, position__gt=0)
    queryset = permissions.visible_pages(queryset, user, field="video__path")
    queryset = (
        queryset.select_related("video")
        .prefetch_related(Prefetch("video__thumbnail", queryset=images))
        .order_by("-updated_at", "-pk")
    )
    if limit:
        queryset = queryset[:limit]
    rows = []
    for progress in queryset:
        video = progress.video
        duration = video.duration or 0
        rows.append(
            ProgressRow(
                video_id=video.pk,
                title=video.title,
                url=page_url(video.url_path),
                position=progress.position,
                position_label=format_duration(progress.position),
                duration=format_duration(video.duration),
                percent=min(100, round(100 * progress.credited_seconds / duration)) if duration else 0,
                thumbnail_url=video.thumbnail.get_rendition(THUMBNAIL_FILTER).url if video.thumbnail else "",
                updated=date_format(progress.updated_at, "DATE_FORMAT"),
                completed=progress.completed_at is not None,
            )
        )
    return rows


def continue_watching(user, limit: int = CONTINUE_LIMIT) -> list[ProgressRow]:
    """„Weiterschauen“: the member's unfinished videos, latest first (restrictions 1-2, progress 1, images 2)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return _progress_rows(user, unfinished_only=True, limit=limit)


def watch_history(user) -> list[ProgressRow]:
    """The Verlauf: every video the member started, latest first."""
    return _progress_rows(user, unfinished_only=False, limit=None)


def videos_latest(user, *, handlungsfeld: Handlungsfeld | int | None = None, limit: int = 6) -> list[VideoRow]:
    """The newest videos `user` may see, e.g. for the home page or a Handlungsfeld hub (bounded queries)."""
    index = VideothekIndexPage.objects.live().first()
    if index is None:
        return []
    queryset = _videos(index, user)
    if handlungsfeld is not None:
        queryset = queryset.filter(handlungsfeld=handlungsfeld)
    ids = list(_ordered(queryset, Sort.NEWEST).values_list("pk", flat=True)[:limit])
    return _rows(ids, user=user, index_url=index.url or "/videothek/", restrictions=permissions.restrictions_under())


# --- one video: series, progress ---------------------------------------------------------------------


@dataclass
class SeriesItemRow:
    number: int
    title: str
    url: str
    duration: str
    watched: bool
    current: bool


@dataclass
class SeriesContext:
    title: str
    slug: str
    items: list[SeriesItemRow]
    watched_count: int
    total: int
    next_item: SeriesItemRow | None

    @property
    def summary(self) -> str:
        return ngettext("%(watched)d of %(total)d watched", "%(watched)d of %(total)d watched", self.total) % {
            "watched": self.watched_count,
            "total": self.total,
        }


def series_for(video: VideoPage, user) -> SeriesContext | None:
    """The first Reihe the video belongs to, with what the member watched and what comes next."""
    item = VideoSeriesItem.objects.filter(video=video).select_related("series").order_by("series__title").first()
    if item is None:
        return None
    items = permissions.visible_pages(
        VideoSeriesItem.objects.filter(series=item.series, video__live=True), user, field="video__path"
    ).select_related("video")
    items = list(items.order_by("sort_order", "pk"))
    watched: set[int] = set()
    if getattr(user, "is_authenticated", False):
        watched = set(
            WatchProgress.objects.filter(
                user=user, video_id__in=[i.video_id for i in items], completed_at__isnull=False
            ).values_list("video_id", flat=True)
        )
    rows = [
        SeriesItemRow(
            number=number,
            title=i.video.title,
            url=page_url(i.video.url_path),
            duration=format_duration(i.video.duration),
            watched=i.video_id in watched,
            current=i.video_id == video.pk,
        )
        for number, i in enumerate(items, start=1)
    ]
    position = next((n for n, row in enumerate(rows) if row.current), None)
    next_item = None
    if position is not None:
        next_item = next((row for row in rows[position + 1 :] if not row.watched), None)
    return SeriesContext(
        title=item.series.title,
        slug=item.series.slug,
        items=rows,
        watched_count=sum(1 for row in rows if row.watched),
        total=len(rows),
        next_item=next_item,
    )


def series_page(slug: str, user):
    """A Reihe with its items for `user` (404 in the view when None)."""
    first = VideoSeriesItem.objects.filter(series__slug=slug).select_related("video").order_by("sort_order").first()
    if first is None:
        return None
    return series_for(first.video, user)


def progress_of(video: VideoPage, user) -> WatchProgress | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return WatchProgress.objects.filter(user=user, video=video).first()
