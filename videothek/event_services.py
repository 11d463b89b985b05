"""Writes of the events calendar: dates from the series, registrations with waiting list, cancellations, recordings.

Every function is atomic. Seats are claimed with one conditional UPDATE on the date's counter (a row lock on
PostgreSQL besides), so two members racing for the last seat never both get it; a double submission finds
the member's row (unique per member and date) and changes nothing. E-mails are sent by tasks after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from community.models import User
from community.permissions import is_member

from . import permissions, recurrence
from .models import CalendarToken, EventOccurrence, EventPage, Registration

# Notification kinds (registered in apps.py through reminders.register).
KIND_REGISTRATION = "events.registration"
KIND_CHANGED = "events.changed"
KIND_REMINDER = "events.reminder"
KIND_RECORDING = "events.recording"


class RegistrationError(Exception):
    """A registration the member cannot make; `message` is shown as it is."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class RegistrationClosed(RegistrationError):
    def __init__(self) -> None:
        super().__init__(_("Registration is closed."))


@dataclass
class SyncResult:
    created: int = 0
    changed: list[EventOccurrence] = field(default_factory=list)  # moved, cancelled or reinstated dates
    removed: int = 0


# --- dates -----------------------------------------------------------------------------------------


def _exceptions(event: EventPage) -> list[tuple[datetime, bool, datetime | None, datetime | None]]:
    return [(e.original_start, e.cancelled, e.new_start, e.new_end) for e in event.exceptions.all()]


@transaction.atomic
def occurrences_sync(*, event: EventPage, now: datetime | None = None) -> SyncResult:
    """Bring the event's dates (EventOccurrence rows) in line with its page, 12 months ahead.

    A date keeps its row (and its registrations) while it is a date of the series, keyed by its original
    start; a single event's one row follows its start. Future dates the rule no longer has are deleted, or
    cancelled when members registered for them. Past dates are left as they were.
    """
    now = now or timezone.now()
    result = SyncResult()
    cancelled_event = event.status == EventPage.Status.CANCELLED
    try:
        dates = recurrence.dates_of(
            start=event.start,
            end=event.end,
            rrule=event.rrule,
            exceptions=_exceptions(event),
            until=now + recurrence.HORIZON,
        )
    except Exception:  # an unusable rule saved before the form checked it: keep the first date only
        dates = [recurrence.Date(event.start, event.start, event.end)]
    existing = {o.original_start: o for o in EventOccurrence.objects.select_for_update().filter(event=event)}
    if not event.rrule and len(dates) == 1 and len(existing) == 1:
        # A single date whose start the editors changed: the same row, so its registrations follow.
        (only,) = existing.values()
        if only.original_start != dates[0].original_start:
            EventOccurrence.objects.filter(pk=only.pk).update(original_start=dates[0].original_start)
            existing = {dates[0].original_start: only}
            only.original_start = dates[0].original_start
    wanted = set()
    for date in dates:
        wanted.add(date.original_start)
        status = (
            EventOccurrence.Status.CANCELLED
            if (cancelled_event or date.cancelled)
            else EventOccurrence.Status.SCHEDULED
        )
        row = existing.get(date.original_start)
        if row is None:
            if date.end < now:
                continue  # a new series does not fill the past
            EventOccurrence.objects.create(
                event=event, original_start=date.original_start, start=date.start, end=date.end, status=status
            )
            result.created += 1
            continue
        if (row.start, row.end, row.status) != (date.start, date.end, status):
            if row.end < now:
                continue
            row.start, row.end, row.status = date.start, date.end, status
            row.save(update_fields=["start", "end", "status"])
            result.changed.append(row)
    for original, row in existing.items():
        if original in wanted or row.end < now:
            continue
        if row.registered_count or row.waitlist_count:
            if row.status != EventOccurrence.Status.CANCELLED:
                row.status = EventOccurrence.Status.CANCELLED
                row.save(update_fields=["status"])
                result.changed.append(row)
        else:
            row.delete()
            result.removed += 1
    return result


def _fingerprint(page: EventPage | None) -> tuple:
    """What a calendar must hear about: time, place and status (SEQUENCE rises when it changes)."""
    if page is None:
        return ()
    exceptions = sorted(
        (e.original_start.isoformat(), e.cancelled, str(e.new_start), str(e.new_end)) for e in page.exceptions.all()
    )
    return (
        page.start.isoformat(),
        page.end.isoformat(),
        recurrence.normalise(page.rrule),
        tuple(exceptions),
        page.online,
        page.location.strip(),
        page.status,
    )


def _previous_published(event: EventPage, revision) -> EventPage | None:
    from wagtail.models import PageLogEntry

    entry = (
        PageLogEntry.objects.filter(page_id=event.pk, action="wagtail.publish", revision__isnull=False)
        .exclude(revision_id=getattr(revision, "pk", None))
        .select_related("revision")
        .order_by("-timestamp", "-pk")
        .first()
    )
    if entry is None or entry.revision is None:
        return None
    return entry.revision.as_object()


def event_published(*, event: EventPage, revision=None) -> SyncResult:
    """After a publish: raise SEQUENCE when time, place or status changed, rebuild the dates, tell registrants."""
    previous = _previous_published(event, revision)
    if previous is not None and _fingerprint(previous) != _fingerprint(event):
        EventPage.objects.filter(pk=event.pk).update(sequence=F("sequence") + 1)
        event.sequence += 1
    with transaction.atomic():
        result = occurrences_sync(event=event)
    if result.changed:
        from .tasks import send_change_mails

        ids = [row.pk for row in result.changed]
        transaction.on_commit(lambda: send_change_mails.enqueue(occurrence_ids=ids))
    return result


def on_event_published(sender, instance: EventPage, revision=None, **kwargs) -> None:
    event_published(event=instance, revision=revision)


# --- registration ----------------------------------------------------------------------------------


def registration_open(occurrence: EventOccurrence, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        occurrence.status == EventOccurrence.Status.SCHEDULED
        and occurrence.event.status == EventPage.Status.SCHEDULED
        and now < occurrence.start
    )


def _claim_seat(occurrence: EventOccurrence, capacity: int | None) -> bool:
    seats = EventOccurrence.objects.filter(pk=occurrence.pk)
    if capacity is not None:
        seats = seats.filter(registered_count__lt=capacity)
    return bool(seats.update(registered_count=F("registered_count") + 1))


@dataclass
class RegistrationResult:
    registration: Registration
    created: bool  # False: the member was already registered or waiting (a double submission)


def registration_create(
    *, user: User, occurrence: EventOccurrence, question: str = "", now: datetime | None = None
) -> RegistrationResult:
    """Register `user` for the date, or put them on the waiting list when it is full.

    Raises RegistrationError (shown to the member) when they may not, RegistrationClosed from the start of
    the date on. The confirmation e-mail (with the .ics) is sent after commit, once per registration.
    """
    now = now or timezone.now()
    event = occurrence.event
    if not is_member(user):
        raise RegistrationError(_("Please confirm your e-mail address before you register."))
    if not permissions.can_view_event(user, event):
        raise RegistrationError(_("This event does not exist."))
    question = (question or "").strip()[:2000] if event.ask_question else ""
    with transaction.atomic():
        locked = EventOccurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)
        if not registration_open(locked, now=now):
            raise RegistrationClosed()
        existing = Registration.objects.select_for_update().filter(user=user, occurrence=locked).first()
        if existing is not None and existing.status != Registration.Status.CANCELLED:
            return RegistrationResult(existing, created=False)
        seated = _claim_seat(locked, event.capacity)
        status = Registration.Status.REGISTERED if seated else Registration.Status.WAITLISTED
        if not seated:
            EventOccurrence.objects.filter(pk=locked.pk).update(waitlist_count=F("waitlist_count") + 1)
        if existing is not None:
            existing.status, existing.question = status, question
            existing.created_at = existing.updated_at = now  # a new place in the queue
            existing.save(update_fields=["status", "question", "created_at", "updated_at"])
            registration = existing
        else:
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(
                        user=user, occurrence=locked, status=status, question=question, created_at=now, updated_at=now
                    )
            except IntegrityError:
                # Two submissions at once without row locks (SQLite): the other one won; undo our counter.
                counter = "registered_count" if seated else "waitlist_count"
                EventOccurrence.objects.filter(pk=locked.pk).update(**{counter: F(counter) - 1})
                return RegistrationResult(Registration.objects.get(user=user, occurrence=locked), created=False)
        from .tasks import send_registration_mail

        transaction.on_commit(lambda: send_registration_mail.enqueue(registration_id=registration.pk))
    return RegistrationResult(registration, created=True)


def _promote(occurrence: EventOccurrence, capacity: int | None, now: datetime) -> Registration | None:
    """The first member on the waiting list gets the free seat (first come, first served)."""
    waiting = (
        Registration.objects.select_for_update()
        .filter(occurrence=occurrence, status=Registration.Status.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None or not _claim_seat(occurrence, capacity):
        return None
    EventOccurrence.objects.filter(pk=occurrence.pk).update(waitlist_count=F("waitlist_count") - 1)
    waiting.status, waiting.updated_at = Registration.Status.REGISTERED, now
    waiting.save(update_fields=["status", "updated_at"])
    return waiting


def registration_cancel(*, user: User, occurrence: EventOccurrence, now: datetime | None = None) -> bool:
    """The member withdraws; a freed seat goes to the first on the waiting list. False when nothing changed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = EventOccurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)
        registration = (
            Registration.objects.select_for_update()
            .filter(user=user, occurrence=locked)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if registration is None:
            return False
        was = registration.status
        registration.status, registration.updated_at = Registration.Status.CANCELLED, now
        registration.save(update_fields=["status", "updated_at"])
        if was == Registration.Status.REGISTERED:
            EventOccurrence.objects.filter(pk=locked.pk).update(registered_count=F("registered_count") - 1)
            promoted = _promote(locked, locked.event.capacity, now) if now < locked.start else None
            if promoted is not None:
                from .tasks import send_registration_mail

                transaction.on_commit(
                    lambda: send_registration_mail.enqueue(registration_id=promoted.pk, promoted=True)
                )
        else:
            EventOccurrence.objects.filter(pk=locked.pk).update(waitlist_count=F("waitlist_count") - 1)
    return True


# --- join link --------------------------------------------------------------------------------------


def join_window(occurrence: EventOccurrence) -> tuple[datetime, datetime]:
    minutes = int(getattr(settings, "VIDEOTHEK_JOIN_WINDOW_MINUTES", 15))
    return occurrence.start - timedelta(minutes=minutes), occurrence.end


def join_link_for(*, user: User, occurrence: EventOccurrence, now: datetime | None = None) -> str:
    """The join link, for a registered member who may see the event, from the window's start to the end only."""
    event = occurrence.event
    if not event.join_link or not getattr(user, "is_authenticated", False):
        return ""
    if occurrence.status != EventOccurrence.Status.SCHEDULED or event.status != EventPage.Status.SCHEDULED:
        return ""
    opens, closes = join_window(occurrence)
    now = now or timezone.now()
    if not opens <= now <= closes:
        return ""
    if not permissions.can_view_event(user, event):
        return ""
    registered = Registration.objects.filter(
        user=user, occurrence=occurrence, status=Registration.Status.REGISTERED
    ).exists()
    return event.join_link if registered else ""


# --- recording --------------------------------------------------------------------------------------


class RecordingError(Exception):
    pass


def recording_publish(*, event: EventPage, video, by: User | None = None) -> int:
    """„Aufzeichnung veröffentlicht“: link the event and a published video both ways, tell registrants once.

    Returns how many members were told; a second call with the same video tells nobody again.
    """
    from .models import VideoPage

    if not isinstance(video, VideoPage) or not video.live:
        raise RecordingError(_("Please choose a published video."))
    with transaction.atomic():
        locked = EventPage.objects.select_for_update().get(pk=event.pk)
        already = locked.recording_id == video.pk
        EventPage.objects.filter(pk=event.pk).update(recording=video)
        VideoPage.objects.filter(pk=video.pk).update(related_event=event)
        event.recording_id = video.pk
        if already:
            return 0
        recipients = list(
            User.objects.filter(
                event_registrations__occurrence__event=event,
                event_registrations__status=Registration.Status.REGISTERED,
                is_active=True,
            ).distinct()
        )
        from notifications.services import notification_bulk_create

        with translation.override(settings.LANGUAGE_CODE):
            title = str(_("Recording of „%(title)s“ is online")) % {"title": event.title}
        notification_bulk_create(
            recipients=recipients,
            kind=KIND_RECORDING,
            data={"title": title, "url": video.url or video.url_path},
            actor=by,
            target=event,
        )
    return len(recipients)


# --- calendar subscriptions -------------------------------------------------------------------------


def _hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token_regenerate(*, user: User, kinds: list[str] | None = None) -> str:
    """A new private feed address for the member; the old one stops working. Returns the token (shown once)."""
    import secrets

    token = secrets.token_urlsafe(32)
    valid = {value for value, _label in EventPage.Kind.choices}
    with transaction.atomic():
        existing = CalendarToken.objects.select_for_update().filter(user=user).first()
        chosen = [k for k in (kinds if kinds is not None else (existing.kinds if existing else [])) if k in valid]
        CalendarToken.objects.update_or_create(
            user=user, defaults={"token_hash": _hash(token), "kinds": chosen, "created_at": timezone.now()}
        )
    return token


def calendar_token_set_kinds(*, user: User, kinds: list[str]) -> None:
    valid = {value for value, _label in EventPage.Kind.choices}
    CalendarToken.objects.filter(user=user).update(kinds=[k for k in kinds if k in valid])


def calendar_token_revoke(*, user: User) -> None:
    CalendarToken.objects.filter(user=user).delete()


def calendar_token_owner(token: str) -> CalendarToken | None:
    """The subscription of a feed address, or None (unknown, revoked, or an inactive member)."""
    if not token or len(token) > 100:
        return None
    return CalendarToken.objects.select_related("user").filter(token_hash=_hash(token), user__is_active=True).first()
