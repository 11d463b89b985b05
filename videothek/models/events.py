"""Events: the calendar index, event pages (single or recurring), their occurrences, registrations and reminders."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..event_forms import EventPageForm


class EventIndexPage(Page):
    """„Termine“: upcoming list, month grid, Meine Termine, feeds."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["videothek.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event calendar")
        verbose_name_plural = _("event calendars")

    def get_context(self, request, *args, **kwargs):
        from ..event_views import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(request, self))
        return context


class EventPage(RoutablePageMixin, Page):
    """A live call, webinar, Sprechstunde, Regionallabor module or meeting; one date or a weekly series.

    A routable page, so its view restrictions cover registering, its .ics and the hosts' registrant list.
    """

    class Kind(models.TextChoices):
        LIVE_CALL = "live_call", _("Live call")
        WEBINAR = "webinar", _("Webinar")
        SPRECHSTUNDE = "sprechstunde", _("Zoom Sprechstunde")
        REGIONALLABOR = "regionallabor", _("Regionallabor module")
        GROSSREGION = "grossregion", _("Meeting in a Großregion")
        FEST = "fest", _("Fest der Regionen")
        KONFERENZ = "konferenz", _("Mitmach-Konferenz")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    # A stable identity for calendars (iCal UID), kept across renames and moves.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WEBINAR)
    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    start = models.DateTimeField(_("start"), help_text=_("Of the first date (Europe/Berlin)."))
    end = models.DateTimeField(_("end"))
    online = models.BooleanField(_("online"), default=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    host = models.CharField(_("host"), max_length=200, blank=True)
    handlungsfeld = models.ForeignKey(
        "community.Handlungsfeld",
        verbose_name=_("Handlungsfeld"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    grossregion = models.ForeignKey(
        "community.Grossregion",
        verbose_name=_("Großregion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Empty means no limit."))
    join_link = models.URLField(
        _("join link"), blank=True, help_text=_("Shown to registered members shortly before the start only.")
    )
    recording = models.ForeignKey(
        "videothek.VideoPage",
        verbose_name=_("recording"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # RFC 5545 recurrence of a series (e.g. FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630T215959Z), expanded in Berlin time.
    rrule = models.CharField(_("repeats"), max_length=255, blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    ask_question = models.BooleanField(
        _("ask for a question when registering"), default=False, help_text=_("„Frage vorab“ for the hosts.")
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldRowPanel([FieldPanel("repeat_weekdays"), FieldPanel("repeat_until")]),
                FieldPanel("rrule"),
            ],
            heading=_("Date"),
        ),
        InlinePanel("exceptions", heading=_("Changed or cancelled dates"), label=_("Date")),
        MultiFieldPanel(
            [FieldPanel("online"), FieldPanel("location"), FieldPanel("join_link"), FieldPanel("host")],
            heading=_("Place"),
        ),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("ask_question")]),
        FieldRowPanel([FieldPanel("handlungsfeld"), FieldPanel("grossregion")]),
        FieldPanel("recording"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description"), index.FilterField("kind")]
    base_form_class = EventPageForm
    parent_page_types = ["videothek.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["start"], name="videothek_event_start_idx")]

    def with_content_json(self, content):
        """A revision never carries back an old SEQUENCE or UID: both belong to the live page (RFC 5545)."""
        obj = super().with_content_json(content)
        obj.sequence = self.sequence
        obj.uid = self.uid
        return obj

    def get_context(self, request, *args, **kwargs):
        from ..event_views import event_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_context(request, self))
        return context

    @path("")
    def detail(self, request):
        return self.render(request)

    @path("anmelden/", name="register")
    def register_route(self, request):
        from ..event_views import register

        return register(request, self)

    @path("abmelden/", name="unregister")
    def unregister_route(self, request):
        from ..event_views import unregister

        return unregister(request, self)

    # The file routes are reached without the slash through videothek.urls (Wagtail's page URLs take no dot).
    @path("termin.ics/", name="ics")
    def ics_route(self, request):
        from ..event_views import event_ics

        return event_ics(request, self)

    @path("termin-<int:occurrence_id>.ics/", name="occurrence_ics")
    def occurrence_ics_route(self, request, occurrence_id):
        from ..event_views import occurrence_ics

        return occurrence_ics(request, self, occurrence_id)

    @path("anmeldungen/", name="registrants")
    def registrants_route(self, request):
        from ..event_views import registrants

        return registrants(request, self)

    @path("anmeldungen.csv/", name="registrants_csv")
    def registrants_csv_route(self, request):
        from ..event_views import registrants_csv

        return registrants_csv(request, self)


class EventException(Orderable):
    """One date of a series moved or cancelled by the editors."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="exceptions")
    original_start = models.DateTimeField(_("original start"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    new_start = models.DateTimeField(_("new start"), null=True, blank=True)
    new_end = models.DateTimeField(_("new end"), null=True, blank=True)

    panels = [
        FieldPanel("original_start"),
        FieldPanel("cancelled"),
        FieldRowPanel([FieldPanel("new_start"), FieldPanel("new_end")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("changed date")
        verbose_name_plural = _("changed dates")


class EventOccurrence(models.Model):
    """One date of an event (12 months ahead for series); registrations belong to it."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="occurrences")
    # The date as the series defines it: stays the key when the editors move the date.
    original_start = models.DateTimeField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    registered_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        ordering = ["start"]
        constraints = [models.UniqueConstraint(fields=["event", "original_start"], name="videothek_occurrence_unique")]
        indexes = [
            models.Index(fields=["start", "status"], name="videothek_occ_start_idx"),
            models.Index(fields=["event", "start"], name="videothek_occ_event_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.start:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations")
    occurrence = models.ForeignKey(EventOccurrence, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REGISTERED)
    question = models.TextField(_("question in advance"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["user", "occurrence"], name="videothek_registration_unique")]
        indexes = [
            models.Index(fields=["occurrence", "status", "created_at"], name="videothek_reg_queue_idx"),
            models.Index(fields=["user", "status"], name="videothek_reg_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.occurrence_id} ({self.status})"


class ReminderSent(models.Model):
    """Claimed before a reminder goes out: a doubled sweep sends once, a moved date reminds anew."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    occurrence_start = models.DateTimeField()
    offset_minutes = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "occurrence_start", "offset_minutes"], name="videothek_reminder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} −{self.offset_minutes} min"


class CalendarToken(models.Model):
    """A member's private iCal feed: only the hash of the token is stored; regenerating kills the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Event kinds the member subscribed to in this feed, besides their registrations.
    kinds = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
