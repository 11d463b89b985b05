"""Reads of the events calendar, permission-filtered and with a bounded number of queries.

`events_upcoming`, `events_for_member`, `month_grid` and the feeds' querysets serve the calendar pages and
other apps (home, Handlungsfeld and region pages, data export). Rows carry their URL, their dates as text
and the member's registration state, so templates compute nothing per row.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import Site

from community.models import Grossregion, Handlungsfeld, Region

from . import permissions
from .models import EventOccurrence, EventPage, Registration
from .recurrence import BERLIN

UserLike = Any


def page_url(url_path: str) -> str:
    """A page's path on its site from its stored url_path (Wagtail caches the site roots)."""
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path) - 1 :]
    return url_path


@dataclass
class OccurrenceRow:
    occurrence: EventOccurrence
    event: EventPage
    url: str
    day: str  # „Di., 14.10.2025“
    time: str  # „17:00–18:00“ or „17:00 – 18.10., 12:00“
    iso_start: str
    cancelled: bool
    moved: bool
    full: bool
    state: str = ""  # the member's Registration.Status, "" when not registered
    has_recording: bool = False
    recording_url: str = ""
    ics_url: str = ""  # set by the event page

    @property
    def registered(self) -> bool:
        return self.state == Registration.Status.REGISTERED

    @property
    def waitlisted(self) -> bool:
        return self.state == Registration.Status.WAITLISTED


def times(start: datetime, end: datetime) -> tuple[str, str]:
    start, end = start.astimezone(BERLIN), end.astimezone(BERLIN)
    day = date_format(start, "D, d.m.Y")
    if start.date() == end.date():
        return day, f"{start:%H:%M}–{end:%H:%M}"
    return day, f"{start:%H:%M} – {date_format(end, 'D, d.m.')}, {end:%H:%M}"


def _rows(occurrences: list[EventOccurrence], *, user: UserLike) -> list[OccurrenceRow]:
    """Rows with the member's state: one query for the registrations, none per row."""
    states: dict[int, str] = {}
    if getattr(user, "is_authenticated", False) and occurrences:
        states = dict(
            Registration.objects.filter(user=user, occurrence__in=[o.pk for o in occurrences])
            .exclude(status=Registration.Status.CANCELLED)
            .values_list("occurrence_id", "status")
        )
    rows = []
    for occurrence in occurrences:
        event = occurrence.event
        day, hours = times(occurrence.start, occurrence.end)
        recording = event.recording if event.recording_id else None
        rows.append(
            OccurrenceRow(
                occurrence=occurrence,
                event=event,
                url=page_url(event.url_path),
                day=day,
                time=hours,
                iso_start=occurrence.start.isoformat(),
                cancelled=occurrence.status == EventOccurrence.Status.CANCELLED
                or event.status == EventPage.Status.CANCELLED,
                moved=occurrence.start != occurrence.original_start,
                full=event.capacity is not None and occurrence.registered_count >= event.capacity,
                state=states.get(occurrence.pk, ""),
                has_recording=recording is not None and recording.live,
                recording_url=page_url(recording.url_path) if recording is not None and recording.live else "",
            )
        )
    return rows


def _occurrences(user: UserLike) -> QuerySet[EventOccurrence]:
    queryset = EventOccurrence.objects.select_related("event", "event__recording")
    return permissions.visible_occurrences(queryset, user)


def _filter(
    queryset: QuerySet,
    *,
    handlungsfeld: Handlungsfeld | int | None = None,
    grossregion: Grossregion | int | None = None,
    region: Region | None = None,
    kinds: list[str] | None = None,
) -> QuerySet:
    if handlungsfeld is not None:
        queryset = queryset.filter(event__handlungsfeld=handlungsfeld)
    if region is not None:
        grossregion = region.grossregion_id
        if grossregion is None:
            return queryset.none()
    if grossregion is not None:
        queryset = queryset.filter(event__grossregion=grossregion)
    if kinds:
        queryset = queryset.filter(event__kind__in=kinds)
    return queryset


def events_upcoming(
    *,
    user: UserLike,
    handlungsfeld: Handlungsfeld | int | None = None,
    grossregion: Grossregion | int | None = None,
    region: Region | None = None,
    kinds: list[str] | None = None,
    limit: int | None = 20,
    now: datetime | None = None,
) -> list[OccurrenceRow]:
    """The next dates (not yet over) `user` may see, cancelled ones included (they show „Abgesagt“)."""
    now = now or timezone.now()
    queryset = _filter(
        _occurrences(user).filter(end__gte=now),
        handlungsfeld=handlungsfeld,
        grossregion=grossregion,
        region=region,
        kinds=kinds,
    ).order_by("start", "pk")
    if limit is not None:
        queryset = queryset[:limit]
    return _rows(list(queryset), user=user)


@dataclass
class MemberEvents:
    upcoming: list[OccurrenceRow] = field(default_factory=list)
    waitlisted: list[OccurrenceRow] = field(default_factory=list)
    past: list[OccurrenceRow] = field(default_factory=list)


def events_for_member(*, user: UserLike, now: datetime | None = None, past_limit: int = 20) -> MemberEvents:
    """„Meine Termine“: registered and waiting dates ahead, past dates the member attended (with recordings)."""
    result = MemberEvents()
    if not getattr(user, "is_authenticated", False):
        return result
    now = now or timezone.now()
    mine = _occurrences(user).filter(
        registrations__user=user,
        registrations__status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED],
    )
    ahead = list(mine.filter(end__gte=now).order_by("start", "pk"))
    past = list(
        mine.filter(end__lt=now, registrations__status=Registration.Status.REGISTERED).order_by("-start", "-pk")[
            :past_limit
        ]
    )
    rows = _rows(ahead + past, user=user)
    for row in rows[: len(ahead)]:
        (result.waitlisted if row.waitlisted else result.upcoming).append(row)
    result.past = rows[len(ahead) :]
    return result


@dataclass
class Day:
    date: date
    number: int
    in_month: bool
    today: bool
    rows: list[OccurrenceRow]
    label: str  # „Dienstag, 14. Oktober 2025“ for screen readers


@dataclass
class Month:
    year: int
    month: int
    title: str  # „Oktober 2025“
    weeks: list[list[Day]]
    previous: str  # „2025-09“
    next: str
    weekdays: list[str]
    count: int


def parse_month(value: str | None, *, today: date | None = None) -> tuple[int, int]:
    """„2025-10“ to (2025, 10); anything unusable means the current month (Berlin)."""
    today = today or timezone.now().astimezone(BERLIN).date()
    if value:
        try:
            year, month = (int(part) for part in value.split("-", 1))
            if 1900 <= year <= 2200 and 1 <= month <= 12:
                return year, month
        except ValueError:
            pass
    return today.year, today.month


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def month_grid(
    *,
    user: UserLike,
    year: int,
    month: int,
    handlungsfeld: Handlungsfeld | int | None = None,
    grossregion: Grossregion | int | None = None,
) -> Month:
    """The month as weeks (Monday first) with every visible date on its day (Berlin): a bounded set of queries."""
    weeks_of_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    since = datetime.combine(first, time.min, tzinfo=BERLIN)
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=BERLIN)
    queryset = _filter(
        _occurrences(user).filter(start__lt=until, end__gte=since),
        handlungsfeld=handlungsfeld,
        grossregion=grossregion,
    ).order_by("start", "pk")
    rows = _rows(list(queryset), user=user)
    by_day: dict[date, list[OccurrenceRow]] = {}
    for row in rows:
        start_day = row.occurrence.start.astimezone(BERLIN).date()
        end_day = (row.occurrence.end - timedelta(seconds=1)).astimezone(BERLIN).date()
        day = max(start_day, first)
        while day <= min(end_day, last):  # a date over several days shows on each of them
            by_day.setdefault(day, []).append(row)
            day += timedelta(days=1)
    today = timezone.now().astimezone(BERLIN).date()
    weeks = [
        [
            Day(
                date=day,
                number=day.day,
                in_month=day.month == month,
                today=day == today,
                rows=by_day.get(day, []),
                label=date_format(day, "l, j. F Y"),
            )
            for day in week
        ]
        for week in weeks_of_dates
    ]
    previous, following = _shift(year, month, -1), _shift(year, month, 1)
    return Month(
        year=year,
        month=month,
        title=date_format(date(year, month, 1), "F Y"),
        weeks=weeks,
        previous=f"{previous[0]:04d}-{previous[1]:02d}",
        next=f"{following[0]:04d}-{following[1]:02d}",
        weekdays=[date_format(weeks_of_dates[0][i], "D") for i in range(7)],
        count=len(rows),
    )


def occurrences_of_event(*, event: EventPage, user: UserLike, now: datetime | None = None, limit: int = 12):
    """The next dates of one event with the member's state (the event page)."""
    now = now or timezone.now()
    queryset = EventOccurrence.objects.filter(event=event, end__gte=now).order_by("start", "pk")[:limit]
    occurrences = list(queryset)
    for occurrence in occurrences:
        occurrence.event = event
    return _rows(occurrences, user=user)


def registrants_of(*, event: EventPage) -> list[Registration]:
    """Everyone registered or waiting for any date of the event, with questions in advance (hosts, CSV)."""
    return list(
        Registration.objects.filter(occurrence__event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("user", "occurrence")
        .order_by("occurrence__start", "status", "created_at", "pk")
    )


# --- feeds -----------------------------------------------------------------------------------------


def public_feed_events() -> QuerySet[EventPage]:
    """Every live event without a view restriction, with what the calendar writer reads."""
    return permissions.public_events(EventPage.objects.all()).prefetch_related("exceptions").order_by("start", "pk")


def private_feed(*, user: UserLike, kinds: list[str]) -> tuple[list[EventPage], list[EventOccurrence]]:
    """A member's feed: the series of the subscribed kinds, and their own booked dates of other events."""
    events: list[EventPage] = []
    if kinds:
        events = list(
            permissions.visible_events(EventPage.objects.filter(kind__in=kinds), user)
            .prefetch_related("exceptions")
            .order_by("start", "pk")
        )
    covered = {event.pk for event in events}
    booked = (
        _occurrences(user)
        .filter(registrations__user=user, registrations__status=Registration.Status.REGISTERED)
        .exclude(event_id__in=covered)
        .order_by("start", "pk")
    )
    return events, list(booked)


def for_handlungsfeld(*, user: UserLike, handlungsfeld: Handlungsfeld | int, limit: int = 5) -> list[OccurrenceRow]:
    return events_upcoming(user=user, handlungsfeld=handlungsfeld, limit=limit)


def for_region(*, user: UserLike, region: Region, limit: int = 5) -> list[OccurrenceRow]:
    """Dates in the region's Großregion (network-wide dates without a Großregion are not included)."""
    return events_upcoming(user=user, region=region, limit=limit)


__all__ = [
    "Day",
    "MemberEvents",
    "Month",
    "OccurrenceRow",
    "events_for_member",
    "events_upcoming",
    "for_handlungsfeld",
    "for_region",
    "month_grid",
    "occurrences_of_event",
    "page_url",
    "parse_month",
    "private_feed",
    "public_feed_events",
    "registrants_of",
]
