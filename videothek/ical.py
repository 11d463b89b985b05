"""iCalendar (RFC 5545) for events: one service that writes any set of events or dates as a calendar.

Rules every calendar of ours keeps:
- UID: the page's UUID for an event or series (`<uuid>@<host>`); a single registered date of a series gets
  its own (`<uuid>-<original start in UTC>@<host>`), so a calendar shows exactly the dates a member booked.
- SEQUENCE: EventPage.sequence, raised on every change of time, place or status (services.event_published).
- Times with TZID=Europe/Berlin and the VTIMEZONE for it; a series is DTSTART + RRULE, its cancelled dates
  EXDATE, its moved dates extra VEVENTs with RECURRENCE-ID (the original start) and their own times.
- Never the join link: calendars are copied, forwarded and synced to third-party servers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from icalendar import Calendar, Event, vRecur

from .models import EventOccurrence, EventPage
from .recurrence import BERLIN, local_plus, normalise, wall_duration

PRODID = "-//Mitmach-Regionen//Termine//DE"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _site_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def event_uid(event: EventPage) -> str:
    return f"{event.uid}@{_host()}"


def occurrence_uid(event: EventPage, original_start: datetime) -> str:
    return f"{event.uid}-{original_start.astimezone(UTC):%Y%m%dT%H%M%SZ}@{_host()}"


def _berlin(value: datetime) -> datetime:
    return value.astimezone(BERLIN)


def _description(event: EventPage) -> str:
    text = normalize_newlines(strip_tags(event.description or "")).strip()
    url = _site_url(event.url or event.url_path)
    return f"{text}\n\n{url}".strip()


def _location(event: EventPage) -> str:
    if event.online:
        return event.location or "Online"
    return event.location


def _base(event: EventPage, *, uid: str, start: datetime, end: datetime, cancelled: bool, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("summary", event.title)
    vevent.add("dtstart", _berlin(start))
    vevent.add("dtend", _berlin(end))
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    description = _description(event)
    if description:
        vevent.add("description", description)
    location = _location(event)
    if location:
        vevent.add("location", location)
    vevent.add("url", _site_url(event.url or event.url_path))
    if event.host:
        vevent.add("organizer", f"mailto:{settings.DEFAULT_FROM_EMAIL}", parameters={"CN": event.host})
    return vevent


def _stamp(event: EventPage) -> datetime:
    return event.last_published_at or timezone.now()


def series_components(event: EventPage) -> list[Event]:
    """The VEVENTs of one event: a single date, or a series with EXDATEs and RECURRENCE-ID overrides.

    Reads event.exceptions (prefetch it for many events).
    """
    stamp = _stamp(event)
    cancelled = event.status == EventPage.Status.CANCELLED
    master = _base(event, uid=event_uid(event), start=event.start, end=event.end, cancelled=cancelled, stamp=stamp)
    if not event.rrule:
        return [master]
    master.add("rrule", vRecur.from_ical(normalise(event.rrule)))
    overrides = []
    for exception in event.exceptions.all():
        if exception.cancelled:
            master.add("exdate", _berlin(exception.original_start))
        elif exception.new_start is not None:
            new_end = exception.new_end or local_plus(
                _berlin(exception.new_start), wall_duration(event.start, event.end)
            )
            override = _base(
                event,
                uid=event_uid(event),
                start=exception.new_start,
                end=new_end,
                cancelled=cancelled,
                stamp=stamp,
            )
            override.add("recurrence-id", _berlin(exception.original_start))
            overrides.append(override)
    return [master, *overrides]


def occurrence_component(occurrence: EventOccurrence, *, cancelled: bool | None = None) -> Event:
    """One date as its own VEVENT (a member's booked date): cancelled when the date or the event is."""
    event = occurrence.event
    if cancelled is None:
        cancelled = occurrence.status == EventOccurrence.Status.CANCELLED or event.status == EventPage.Status.CANCELLED
    uid = event_uid(event) if not event.rrule else occurrence_uid(event, occurrence.original_start)
    return _base(event, uid=uid, start=occurrence.start, end=occurrence.end, cancelled=cancelled, stamp=_stamp(event))


def calendar(
    *,
    events: Iterable[EventPage] = (),
    occurrences: Iterable[EventOccurrence] = (),
    name: str = "",
    cancel: bool = False,
) -> bytes:
    """A calendar of whole events (series with their rules) and single dates (with occurrence.event loaded).

    Takes any iterable, so selectors decide what a member may see; `cancel` marks the single dates cancelled
    (METHOD:CANCEL for the cancellation mail).
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        for component in series_components(event):
            cal.add_component(component)
    for occurrence in occurrences:
        cal.add_component(occurrence_component(occurrence, cancelled=True if cancel else None))
    cal.add_missing_timezones()
    return cal.to_ical()
