"""Course pages (index > course > module > lesson) and the learner state kept beside them as plain models."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import LessonStreamBlock


class CourseIndexPage(Page):
    """The list of courses („Online-Kurse“)."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course index")
        verbose_name_plural = _("course indexes")

    def get_context(self, request, *args, **kwargs):
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.course_index_context(request, self))
        return context


class CoursePageTag(TaggedItemBase):
    content_object = ParentalKey("courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items")


class CoursePage(RoutablePageMixin, Page):
    """A course: modules in tree order, lessons inside them."""

    class Sequencing(models.TextChoices):
        FREE = "free", _("Free order")
        LINEAR = "linear", _("Step by step")

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link", "ul"])
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handlungsfelder = ParentalManyToManyField(
        "community.Handlungsfeld", verbose_name=_("Handlungsfelder"), blank=True, related_name="courses"
    )
    tags = ClusterTaggableManager(through=CoursePageTag, blank=True, verbose_name=_("tags"))
    estimated_duration = models.CharField(
        _("estimated duration"), max_length=80, blank=True, help_text=_("E.g. „etwa 12 Stunden über 8 Wochen“.")
    )
    audience = models.TextField(_("audience"), blank=True)
    learning_goals = models.TextField(_("learning goals"), blank=True, help_text=_("One goal per line."))
    sequencing = models.CharField(
        _("sequencing"),
        max_length=10,
        choices=Sequencing.choices,
        default=Sequencing.FREE,
        help_text=_("Step by step: a lesson opens once the one before it is completed."),
    )
    certificate_enabled = models.BooleanField(_("certificate"), default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("image"),
        MultiFieldPanel(
            [FieldPanel("handlungsfelder", widget=forms.CheckboxSelectMultiple), FieldPanel("tags")],
            heading=_("Classification"),
        ),
        FieldRowPanel([FieldPanel("estimated_duration"), FieldPanel("sequencing"), FieldPanel("certificate_enabled")]),
        FieldPanel("audience"),
        FieldPanel("learning_goals"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("learning_goals")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def is_linear(self) -> bool:
        return self.sequencing == self.Sequencing.LINEAR

    def learning_goal_list(self) -> list[str]:
        return [line.strip() for line in self.learning_goals.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.course_context(request, self))
        return context

    @path("")
    def overview(self, request):
        return self.render(request)

    @path("einschreiben/")
    def enrol(self, request):
        from . import views

        return views.course_enrol(request, self)

    @path("weitermachen/")
    def resume(self, request):
        from . import views

        return views.course_resume(request, self)

    @path("team/")
    def team(self, request):
        from . import views

        return views.course_team(request, self)

    @path("einstellungen/")
    def settings_view(self, request):
        from . import views

        return views.course_settings(request, self)

    @path("zertifikat/")
    def certificate(self, request):
        from . import views

        return views.course_certificate(request, self)

    @path("handbuch/")
    def handbook(self, request):
        from . import handbook_views

        return handbook_views.handbook(request, self)

    # Reached as <course>/handbuch.pdf through courses.urls (Wagtail's page URLs take no dot).
    @path("handbuch.pdf/")
    def handbook_pdf(self, request):
        from . import handbook_views

        return handbook_views.handbook_pdf(request, self)


class ModulePage(Page):
    """A module of a course; its lessons are its children, in tree order."""

    intro = models.TextField(_("intro"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def serve(self, request, *args, **kwargs):
        # A module has no page of its own: the course overview shows it, anchored.
        from django.shortcuts import redirect

        course = self.get_parent()
        return redirect(f"{course.get_url(request)}#modul-{self.pk}")


class LessonPage(RoutablePageMixin, Page):
    """A lesson: blocks of text, media and tasks; answers are stored per block id."""

    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=15, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    content_panels = [*Page.content_panels, FieldPanel("estimated_minutes"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.lesson_context(request, self))
        return context

    @path("")
    def lesson(self, request):
        from . import views

        return views.lesson_serve(request, self)

    @path("aufgabe/<str:block_id>/")
    def task(self, request, block_id: str):
        from . import views

        return views.lesson_task(request, self, block_id)

    @path("erledigt/")
    def complete(self, request):
        from . import views

        return views.lesson_mark_complete(request, self)

    @path("merken/")
    def bookmark(self, request):
        from . import views

        return views.lesson_bookmark(request, self)

    @path("notiz/")
    def note(self, request):
        from . import views

        return views.lesson_note(request, self)

    @path("video/<str:block_id>/")
    def video_file(self, request, block_id: str):
        from . import views

        return views.lesson_video_file(request, self, block_id)

    @path("diskussion/")
    def discussion(self, request):
        from . import views

        return views.lesson_discussion(request, self)


# --- learner state -----------------------------------------------------------------------------


class Enrollment(models.Model):
    """A member in a course; settings they chose for it (weekly goal, sharing with their team)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_enrollments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrollments")
    created_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    last_lesson = models.ForeignKey(
        LessonPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last lesson")
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    weekly_goal = models.PositiveSmallIntegerField(
        _("weekly goal"), default=0, validators=[MaxValueValidator(3)], help_text=_("Lessons a week; 0 means no goal.")
    )
    reminder_sent_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    share_progress_with_team = models.BooleanField(_("show my progress to my regional team"), default=False)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="courses_enrollment_unique")]
        indexes = [
            models.Index(fields=["user", "-last_activity_at"], name="courses_enr_user_activity_idx"),
            models.Index(fields=["course", "share_progress_with_team"], name="courses_enr_course_share_idx"),
            models.Index(fields=["weekly_goal", "completed_at"], name="courses_enr_goal_idx"),
        ]
        permissions = [("view_learner_report", _("Can view the course learner report"))]

    def __str__(self) -> str:
        return f"{self.user} @ {self.course_id}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)
    automatic = models.BooleanField(default=False, help_text=_("Completed by ticking and passing, not by the button."))

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="courses_completion_unique")]
        indexes = [models.Index(fields=["user", "completed_at"], name="courses_compl_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} ✓ {self.lesson_id}"


class BlockResponse(models.Model):
    """A learner's state of one interactive block (checklist ticks, reflection text), keyed by the block id."""

    class Kind(models.TextChoices):
        CHECKLIST = "checklist", _("Checklist")
        REFLECTION = "reflection", _("Reflection")
        QUIZ = "quiz", _("Quiz")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="block_responses")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="responses")
    block_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # checklist: {"checked": [item ids], ...}; reflection: {"text", "question"}; quiz: {"attempts", "best", "passed"}.
    # Titles and questions are copied in, so an answer of a block deleted later can still be shown.
    data = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1, help_text=_("Counts saves; a stale form never overwrites."))
    shared_with_team = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="courses_response_unique")]
        indexes = [
            models.Index(fields=["user", "lesson"], name="courses_resp_user_lesson_idx"),
            models.Index(fields=["lesson", "shared_with_team"], name="courses_resp_shared_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.block_id} ({self.user_id})"


class QuizAttempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="quiz_attempts")
    block_id = models.CharField(max_length=64)
    answers = models.JSONField(default=dict)  # {question id: [option ids]}
    score = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    # The form's per-render token: a second submit of the same form finds this row instead of adding one.
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="courses_attempt_token_unique")]
        indexes = [models.Index(fields=["user", "lesson", "block_id"], name="courses_attempt_block_idx")]

    def __str__(self) -> str:
        return f"{self.block_id}: {self.score} % ({self.user_id})"


class Certificate(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_certificates")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="certificates")
    code = models.CharField(max_length=40, unique=True)
    # What the certificate says, frozen at issue: a later rename of the member or course does not change it.
    holder_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=255)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="courses_certificate_unique")]

    def __str__(self) -> str:
        return f"{self.holder_name}: {self.course_title}"


class LessonBookmark(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_bookmarks")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="courses_bookmark_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ☆ {self.lesson_id}"


class LessonNote(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_notes")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="courses_note_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ✎ {self.lesson_id}"


class LessonDiscussion(models.Model):
    """The forum topic of a lesson; only its id, the forums app owns the topic."""

    lesson = models.OneToOneField(LessonPage, on_delete=models.CASCADE, related_name="discussion_link")
    topic_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.lesson_id} → topic {self.topic_id}"


class HandbookBuild(models.Model):
    """A PDF of a course's handbook, built for one revision in a public or a members variant."""

    class Variant(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members")

    class Status(models.TextChoices):
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="handbook_builds")
    variant = models.CharField(max_length=10, choices=Variant.choices)
    # A fingerprint of the live revisions of the course and all its pages: a new publish means a new build.
    revision_key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUILDING)
    pdf = models.FileField(upload_to="handbuch/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "variant", "revision_key"], name="courses_handbook_build_unique")
        ]
        indexes = [models.Index(fields=["course", "variant", "status", "-finished_at"], name="courses_hb_latest_idx")]

    def __str__(self) -> str:
        return f"{self.course_id} {self.variant} {self.status}"
