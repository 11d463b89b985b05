"""Videos: the Videothek index, video pages with their chapters, captions and speakers, series and watch progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import MaterialsBlock
from ..video_forms import VideoPageForm


class VideothekIndexPage(Page):
    """The Videothek: filters, search and the member's „Weiterschauen“ row."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["videothek.VideoPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Videothek")
        verbose_name_plural = _("Videotheken")

    def get_context(self, request, *args, **kwargs):
        from ..video_views import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(request, self))
        return context


class Speaker(models.Model):
    """A person who speaks in videos and hosts events (filterable, so a row of its own, not free text)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("E.g. „Begleitung Regionallabor“."))

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("role")]

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VideoPageTag(TaggedItemBase):
    content_object = ParentalKey("videothek.VideoPage", on_delete=models.CASCADE, related_name="tagged_items")


class VideoPage(Page):
    """One video: a self-hosted file (wagtailmedia) or an external player behind the consent placeholder."""

    class Kind(models.TextChoices):
        EXPLAINER = "erklaervideo", _("Explainer video")
        WEBINAR = "webinar", _("Webinar recording")
        LIVE_CALL = "live_call", _("Live call recording")
        SPRECHSTUNDE = "sprechstunde", _("Sprechstunde")
        REGIONALLABOR = "regionallabor", _("Regionallabor module")
        FEST = "fest", _("Fest der Regionen")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EXPLAINER)
    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    handlungsfeld = models.ForeignKey(
        "community.Handlungsfeld",
        verbose_name=_("Handlungsfeld"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="videos",
    )
    tags = ClusterTaggableManager(through=VideoPageTag, blank=True, verbose_name=_("tags"))
    speakers = ParentalManyToManyField(Speaker, verbose_name=_("speakers"), blank=True, related_name="videos")
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    duration = models.PositiveIntegerField(
        _("duration (seconds)"), null=True, blank=True, help_text=_("Read from the file when possible.")
    )
    thumbnail = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("thumbnail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    media = models.ForeignKey(
        "wagtailmedia.Media",
        verbose_name=_("video file"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    external_url = models.URLField(
        _("external video"), blank=True, help_text=_("A PeerTube, Vimeo or YouTube address (instead of a file).")
    )
    transcript = models.TextField(
        _("transcript"), blank=True, help_text=_("One line per passage, each starting with its time: „00:12:34 Text“.")
    )
    materials = StreamField(MaterialsBlock(), verbose_name=_("materials"), blank=True)
    related_event = models.ForeignKey(
        "videothek.EventPage",
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Any page (a course lesson): the Videothek does not import the courses app.
    related_lesson = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("lesson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    allow_download = models.BooleanField(
        _("download allowed"), default=False, help_text=_("Offer the file for download (slow rural connections).")
    )
    watch_count = models.PositiveIntegerField(_("times watched"), default=0, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("recorded_on"), FieldPanel("duration")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("media"), FieldPanel("external_url"), FieldPanel("thumbnail"), FieldPanel("allow_download")],
            heading=_("Source"),
        ),
        InlinePanel("captions", heading=_("Captions"), label=_("Caption track")),
        InlinePanel("chapters", heading=_("Chapters"), label=_("Chapter")),
        FieldPanel("transcript"),
        MultiFieldPanel(
            [FieldPanel("handlungsfeld"), FieldPanel("tags"), FieldPanel("speakers")], heading=_("Classification")
        ),
        FieldPanel("materials"),
        FieldRowPanel([FieldPanel("related_event"), FieldPanel("related_lesson")]),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("transcript"),
        index.FilterField("kind"),
        index.FilterField("handlungsfeld_id"),
        index.FilterField("recorded_on"),
        index.FilterField("watch_count"),
    ]
    base_form_class = VideoPageForm
    parent_page_types = ["videothek.VideothekIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        indexes = [
            models.Index(fields=["kind"], name="videothek_video_kind_idx"),
            models.Index(fields=["recorded_on"], name="videothek_video_recorded_idx"),
            models.Index(fields=["watch_count"], name="videothek_video_watched_idx"),
        ]

    def get_context(self, request, *args, **kwargs):
        from ..video_views import video_context

        context = super().get_context(request, *args, **kwargs)
        context.update(video_context(request, self))
        return context

    def with_content_json(self, content):
        # Publishing a revision must not reset what the site counted or read from the file since it was saved.
        # Read from the database: the page object in memory may be older than the last beacon.
        page = super().with_content_json(content)
        stored = VideoPage.objects.filter(pk=self.pk).values_list("watch_count", "duration").first()
        watch_count, duration = stored if stored else (self.watch_count, self.duration)
        page.watch_count = watch_count
        if page.duration is None:
            page.duration = duration
        return page


class VideoCaption(Orderable):
    page = ParentalKey(VideoPage, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=10, default="de")
    label = models.CharField(_("label"), max_length=60, default="Deutsch")
    file = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("WebVTT file"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldRowPanel([FieldPanel("language"), FieldPanel("label")]), FieldPanel("file")]

    class Meta(Orderable.Meta):
        verbose_name = _("caption track")
        verbose_name_plural = _("caption tracks")


class VideoChapter(Orderable):
    page = ParentalKey(VideoPage, on_delete=models.CASCADE, related_name="chapters")
    start = models.PositiveIntegerField(_("start (seconds)"))
    title = models.CharField(_("title"), max_length=200)

    panels = [FieldRowPanel([FieldPanel("start"), FieldPanel("title")])]

    class Meta(Orderable.Meta):
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")


class VideoSeries(ClusterableModel):
    """A Reihe: videos in a fixed order („Regionallabor 2024/25“), with „3 von 7 gesehen“."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        InlinePanel("items", label=_("Video")),
    ]

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class VideoSeriesItem(Orderable):
    series = ParentalKey(VideoSeries, on_delete=models.CASCADE, related_name="items")
    video = models.ForeignKey(VideoPage, verbose_name=_("video"), on_delete=models.CASCADE, related_name="series_items")

    panels = [FieldPanel("video")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["series", "video"], name="videothek_series_item_unique")]


class WatchProgress(models.Model):
    """Where a member is in a video and how much of it they really watched (distinct seconds)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_progress")
    video = models.ForeignKey(VideoPage, on_delete=models.CASCADE, related_name="watch_progress")
    position = models.PositiveIntegerField(default=0)
    # Distinct played seconds as sorted, merged [start, end) ranges: a rewatched minute counts once.
    watched_ranges = models.JSONField(default=list)
    credited_seconds = models.PositiveIntegerField(default=0)
    last_beacon_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("watch progress")
        verbose_name_plural = _("watch progress")
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="videothek_progress_unique")]
        indexes = [models.Index(fields=["user", "-updated_at"], name="videothek_progress_recent_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.video_id}: {self.position} s"
