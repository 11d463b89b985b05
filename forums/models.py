"""Forum categories, topics, posts, their edit history and the participants of each topic."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from community.models import Handlungsfeld, Team, hex_colour_validator

TITLE_MIN_LENGTH = 10
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 32_000


class Category(models.Model):
    """A forum: per Handlungsfeld, per project or a private team forum; one level of subcategories."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")
        TEAM = "team", _("Team only")

    class TopicStarters(models.TextChoices):
        MEMBERS = "members", _("Members")
        TEAM = "team", _("Team members")
        MODERATORS = "moderators", _("Moderators only")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=600, blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#2f7d4a", validators=[hex_colour_validator])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        help_text=_("Makes this a subcategory. Only one level of subcategories is possible."),
    )
    handlungsfeld = models.ForeignKey(
        Handlungsfeld,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.SET_NULL,
        related_name="forum_categories",
        null=True,
        blank=True,
    )
    # SET_NULL, not CASCADE: a team-only category whose team is gone stays readable by moderators only.
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        related_name="forum_categories",
        null=True,
        blank=True,
        help_text=_("Needed for a private team forum."),
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    topic_starters = models.CharField(
        _("who may start topics"), max_length=12, choices=TopicStarters.choices, default=TopicStarters.MEMBERS
    )
    topic_count = models.PositiveIntegerField(_("topics"), default=0, editable=False)
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    # Stored for the forum start page, so it never looks up the latest topic per category.
    last_topic = models.ForeignKey(
        "Topic",
        verbose_name=_("latest topic"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    last_posted_at = models.DateTimeField(_("last post at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("colour"), FieldPanel("position")]),
        FieldRowPanel([FieldPanel("parent"), FieldPanel("handlungsfeld")]),
        MultiFieldPanel(
            [FieldPanel("visibility"), FieldPanel("topic_starters"), FieldPanel("team")],
            heading=_("Access"),
        ),
    ]

    class Meta:
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["parent", "position", "name"], name="forums_category_tree_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = _("A category cannot be its own parent.")
            elif self.parent.parent_id is not None:
                errors["parent"] = _("Only one level of subcategories is possible; choose a main category.")
            elif self.pk is not None and self.children.exists():
                errors["parent"] = _("This category has subcategories, so it cannot become a subcategory itself.")
        needs_team = self.visibility == self.Visibility.TEAM or self.topic_starters == self.TopicStarters.TEAM
        if needs_team and self.team_id is None:
            errors["team"] = _("Choose the team for a team forum.")
        if errors:
            raise ValidationError(errors)


class TaggedTopic(TaggedItemBase):
    """The through model of topic tags, so forum tags are counted per app."""

    content_object = models.ForeignKey("Topic", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("topic tag")
        verbose_name_plural = _("topic tags")


class Topic(models.Model):
    """A discussion in a category; its first post is the opening text."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(
        _("title"),
        max_length=TITLE_MAX_LENGTH,
        validators=[MinLengthValidator(TITLE_MIN_LENGTH), MaxLengthValidator(TITLE_MAX_LENGTH)],
    )
    # SET_NULL: when an account is deleted its contributions stay, shown as by a former member.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        related_name="forum_topics",
        null=True,
    )
    tags = TaggableManager(verbose_name=_("tags"), through=TaggedTopic, blank=True)
    closed = models.BooleanField(_("closed"), default=False)
    pinned = models.BooleanField(_("pinned in category"), default=False)
    pinned_globally = models.BooleanField(_("pinned globally"), default=False)
    archived = models.BooleanField(_("archived"), default=False)
    unlisted = models.BooleanField(_("unlisted"), default=False)
    accepted_post = models.ForeignKey(
        "Post",
        verbose_name=_("accepted answer"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    participant_count = models.PositiveIntegerField(_("participants"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_posted_at = models.DateTimeField(_("last post at"), default=timezone.now)
    # Never decremented, so a post number is never given out twice.
    last_post_number = models.PositiveIntegerField(_("last post number"), default=0)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last poster"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-last_posted_at", "-pk"]
        indexes = [
            models.Index(fields=["category", "-last_posted_at"], name="forums_topic_category_idx"),
            models.Index(fields=["-last_posted_at"], name="forums_topic_latest_idx"),
            models.Index(fields=["pinned_globally", "-last_posted_at"], name="forums_topic_pinned_idx"),
            models.Index(fields=["author", "-created_at"], name="forums_topic_author_idx"),
            models.Index(fields=["-created_at"], name="forums_topic_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """One contribution to a topic, numbered 1, 2, 3 … per topic; Markdown rendered once when written."""

    class HiddenReason(models.TextChoices):
        FLAGGED = "flagged", _("Flagged by the community")
        OFF_TOPIC = "off_topic", _("Off-topic")
        INAPPROPRIATE = "inappropriate", _("Inappropriate")
        SPAM = "spam", _("Spam")
        OTHER = "other", _("Other")

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts")
    post_number = models.PositiveIntegerField(_("post number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        related_name="forum_posts",
        null=True,
    )
    body_markdown = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(_("text (rendered)"), editable=False)
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.SET_NULL,
        related_name="replies",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=20, choices=HiddenReason.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["topic", "post_number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "post_number"], name="forums_post_number_unique"),
            models.CheckConstraint(condition=models.Q(post_number__gte=1), name="forums_post_number_positive"),
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="forums_post_author_idx")]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.post_number}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """The text of a post before an edit; revision n holds version n."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    body_markdown = models.TextField(_("text before the edit"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="forums_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.post} v{self.number}"


class TopicParticipant(models.Model):
    """How many visible posts a member has in a topic; the rows make Topic.participant_count exact."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    post_count = models.PositiveIntegerField(_("posts"), default=0)

    class Meta:
        verbose_name = _("topic participant")
        verbose_name_plural = _("topic participants")
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="forums_participant_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.topic_id}"
