"""Build events for tests as an editor would: pages published through revisions (which rebuilds their dates)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from videothek.models import EventException, EventIndexPage, EventOccurrence, EventPage
from videothek.recurrence import BERLIN

_numbers = itertools.count(1)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def event_index(home_page) -> EventIndexPage:
    existing = EventIndexPage.objects.first()
    if existing:
        return existing
    index = EventIndexPage(title="Termine", slug="termine")
    home_page.add_child(instance=index)
    return publish(index)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def in_days(days: float, hour: int = 17, minutes: int = 0) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(BERLIN).date()
    return berlin(day.year, day.month, day.day, hour, minutes)


def build_event(home_page, *, start: datetime | None = None, minutes: int = 60, **fields) -> EventPage:
    number = next(_numbers)
    start = start or in_days(7)
    page = EventPage(
        title=fields.pop("title", f"Termin {number}"),
        slug=fields.pop("slug", f"termin-{number}"),
        start=start,
        end=fields.pop("end", start + timedelta(minutes=minutes)),
        **fields,
    )
    event_index(home_page).add_child(instance=page)
    return publish(page)


def restrict(page, *, group: Group | None = None) -> None:
    if group is None:
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    else:
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.add(group)


def change_date(event: EventPage, original: datetime, *, cancelled=False, new_start=None, new_end=None) -> EventPage:
    EventException.objects.create(
        page=event, original_start=original, cancelled=cancelled, new_start=new_start, new_end=new_end
    )
    return publish(EventPage.objects.get(pk=event.pk))


def edit(event: EventPage, **fields) -> EventPage:
    page = EventPage.objects.get(pk=event.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    return publish(page)


def first_date(event: EventPage) -> EventOccurrence:
    occurrence = EventOccurrence.objects.filter(event=event).order_by("start").first()
    occurrence.event = event
    return occurrence


def committed():
    """Run what the block leaves for after commit (mails, tasks) at its end, as a real request would."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
