"""Forum categories, topics, posts, their edit history and the participants of each topic."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
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
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("category moderators"),
        related_name="moderated_forum_categories",
        blank=True,
        help_text=_("Members who moderate this category (and its subcategories) besides the global moderators."),
    )

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
        FieldPanel("moderators"),
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
    # Reactions on all visible posts; with post_count it orders the "Top" lists.
    reaction_count = models.PositiveIntegerField(_("reactions"), default=0)
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
            models.Index(fields=["category", "-created_at"], name="forums_topic_cat_created_idx"),
            # The category page: pinned topics first, then by activity.
            models.Index(fields=["category", "-pinned", "-last_posted_at"], name="forums_topic_cat_pinned_idx"),
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
    # {"heart": 3, "+1": 1}: kept by the reaction services so a page of posts needs no count query.
    reaction_counts = models.JSONField(_("reaction counts"), default=dict, blank=True, editable=False)
    reaction_count = models.PositiveIntegerField(_("reactions"), default=0, editable=False)
    # Open flags; when it reaches FORUMS_FLAGS_TO_HIDE the post is hidden until reviewed.
    flag_count = models.PositiveIntegerField(_("open flags"), default=0, editable=False)
    # PostgreSQL only: German full-text vector of title (first post) and text, kept by the services.
    search_vector = SearchVectorField(_("search vector"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["topic", "post_number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "post_number"], name="forums_post_number_unique"),
            models.CheckConstraint(condition=models.Q(post_number__gte=1), name="forums_post_number_positive"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="forums_post_author_idx"),
            models.Index(fields=["-created_at"], name="forums_post_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.post_number}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

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


class NotificationLevel(models.IntegerChoices):
    """How closely a member follows a topic or category, as in Discourse."""

    MUTED = 0, _("Muted")
    NORMAL = 1, _("Normal")
    TRACKING = 2, _("Tracking")
    WATCHING = 3, _("Watching")


class TopicUser(models.Model):
    """A member's state in one topic: how far they read, how closely they follow it, when they came by."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="+")
    last_read_post_number = models.PositiveIntegerField(_("last read post number"), default=0)
    level = models.PositiveSmallIntegerField(
        _("notification level"), choices=NotificationLevel.choices, default=NotificationLevel.NORMAL
    )
    # True once the member chose the level themselves; automatic changes (replying) then leave it alone.
    level_chosen = models.BooleanField(_("level chosen by the member"), default=False)
    posted = models.BooleanField(_("has posted"), default=False)
    first_visited_at = models.DateTimeField(_("first visit"), default=timezone.now)
    last_visited_at = models.DateTimeField(_("last visit"), default=timezone.now)

    class Meta:
        verbose_name = _("topic state of a member")
        verbose_name_plural = _("topic states of members")
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="forums_topicuser_unique")]
        indexes = [
            models.Index(fields=["topic", "level"], name="forums_topicuser_level_idx"),
            models.Index(fields=["user", "level"], name="forums_topicuser_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.topic_id}: {self.last_read_post_number}"


class CategoryUser(models.Model):
    """A member's notification level for a category and when they last dismissed its new topics."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("notification level"), choices=NotificationLevel.choices, default=NotificationLevel.NORMAL
    )
    # "Alle als gelesen markieren" in this category: topics created before count as seen.
    dismissed_at = models.DateTimeField(_("new topics dismissed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("category setting of a member")
        verbose_name_plural = _("category settings of members")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="forums_categoryuser_unique")]
        indexes = [models.Index(fields=["category", "level"], name="forums_categoryuser_level_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.category_id}: {self.level}"


class ForumMember(models.Model):
    """Forum-wide state and defaults of one member."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="forum_member",
        primary_key=True,
    )
    # Topics created after this moment that the member has not opened count as "Neu".
    new_since = models.DateTimeField(_("new topics since"))
    # The start of the current visit; when a new visit begins, new_since moves to the previous one.
    visit_started_at = models.DateTimeField(_("current visit started at"), null=True, blank=True)
    # Last forum activity, written at most every few minutes; a gap of FORUMS_VISIT_GAP starts a new visit.
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    last_posted_at = models.DateTimeField(_("last post at"), null=True, blank=True)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    level_on_create = models.PositiveSmallIntegerField(
        _("level for topics I start"), choices=NotificationLevel.choices, default=NotificationLevel.TRACKING
    )
    level_on_reply = models.PositiveSmallIntegerField(
        _("level for topics I reply to"), choices=NotificationLevel.choices, default=NotificationLevel.TRACKING
    )

    class Meta:
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")

    def __str__(self) -> str:
        return str(self.user_id)


class Reaction(models.Model):
    """One member's reaction to a post; one of each kind per member and post."""

    class Kind(models.TextChoices):
        HEART = "heart", "❤️"
        THUMBS_UP = "+1", "👍"
        TADA = "tada", "🎉"
        PRAY = "pray", "🙏"
        BULB = "bulb", "💡"

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("reaction"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="forums_reaction_unique")]
        indexes = [models.Index(fields=["user", "-created_at"], name="forums_reaction_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} → {self.post_id}"


class Bookmark(models.Model):
    """A member's bookmark on a post ("Lesezeichen")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="+")
    # Copied from the post so "Lesezeichen" lists topics without a join through posts.
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="forums_bookmark_unique")]
        indexes = [models.Index(fields=["user", "-created_at"], name="forums_bookmark_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


class Draft(models.Model):
    """The unsent text of a reply or new topic, kept on the server per member and place."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    # "topic:<id>" for a reply, "category:<id>" for a new topic.
    key = models.CharField(_("key"), max_length=40)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    body_markdown = models.TextField(_("text"), max_length=BODY_MAX_LENGTH, blank=True)
    reply_to_post_number = models.PositiveIntegerField(_("reply to post number"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="forums_draft_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"


def upload_path(instance: Upload, filename: str) -> str:
    # The stored name is random; the original name lives in the row (and in the download URL).
    return f"forum-uploads/{instance.created_at:%Y/%m}/{instance.key}{instance.extension}"


class Upload(models.Model):
    """An image or document uploaded for a post or chat message; served only through a permission-checked view."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    key = models.CharField(_("key"), max_length=32, unique=True)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when a post that references the upload is saved; until then only the uploader may fetch it.
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    # The same for a chat message (a string reference: Message is defined further down).
    message = models.ForeignKey(
        "forums.Message",
        verbose_name=_("chat message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploads",
    )
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200)
    extension = models.CharField(_("extension"), max_length=10)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [models.Index(fields=["uploader", "-created_at"], name="forums_upload_uploader_idx")]

    def __str__(self) -> str:
        return self.original_name


class Flag(models.Model):
    """A member's report of a post; open until a moderator reviews it."""

    class Reason(models.TextChoices):
        OFF_TOPIC = "off_topic", _("Off-topic")
        INAPPROPRIATE = "inappropriate", _("Inappropriate")
        SPAM = "spam", _("Spam")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        DISAGREED = "disagreed", _("Disagreed")
        IGNORED = "ignored", _("Ignored")

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="forums_flag_open_unique",
            )
        ]
        indexes = [models.Index(fields=["resolved_at", "post"], name="forums_flag_open_idx")]

    def __str__(self) -> str:
        return f"{self.reason} → {self.post_id}"


class QueuedPost(models.Model):
    """A topic or reply waiting for approval (first posts of new members, when that setting is on).

    Not a Post until approved, so counters, lists and notifications never see it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+")
    # Empty for a new topic.
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    body_markdown = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    reply_to_post_number = models.PositiveIntegerField(_("reply to post number"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The post it became on approval.
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("post waiting for approval")
        verbose_name_plural = _("posts waiting for approval")
        indexes = [models.Index(fields=["status", "created_at"], name="forums_queued_status_idx")]

    def __str__(self) -> str:
        return f"{self.author_id}: {self.title or self.topic_id}"


class ModerationAction(models.Model):
    """The moderation log: every moderator action with its reason, readable by moderators."""

    class Action(models.TextChoices):
        POST_HIDE = "post_hide", _("Post hidden")
        POST_UNHIDE = "post_unhide", _("Post shown again")
        POST_DELETE = "post_delete", _("Post deleted")
        POST_RESTORE = "post_restore", _("Post restored")
        POST_EDIT = "post_edit", _("Post edited")
        POST_APPROVE = "post_approve", _("Post approved")
        POST_REJECT = "post_reject", _("Post rejected")
        FLAGS_AGREE = "flags_agree", _("Flags agreed with")
        FLAGS_DISAGREE = "flags_disagree", _("Flags disagreed with")
        FLAGS_IGNORE = "flags_ignore", _("Flags ignored")
        TOPIC_CLOSE = "topic_close", _("Topic closed")
        TOPIC_OPEN = "topic_open", _("Topic reopened")
        TOPIC_PIN = "topic_pin", _("Topic pinned")
        TOPIC_UNPIN = "topic_unpin", _("Topic unpinned")
        TOPIC_ARCHIVE = "topic_archive", _("Topic archived")
        TOPIC_UNARCHIVE = "topic_unarchive", _("Topic unarchived")
        TOPIC_MOVE = "topic_move", _("Topic moved")
        TOPIC_MERGE = "topic_merge", _("Topics merged")
        TOPIC_SPLIT = "topic_split", _("Posts split into a new topic")
        TOPIC_DELETE = "topic_delete", _("Topic deleted")
        USER_SILENCE = "user_silence", _("Member silenced")
        USER_UNSILENCE = "user_unsilence", _("Silence lifted")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moderator"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the log shows without joins: titles, post numbers, the silence end, the old category.
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="forums_modaction_created_idx"),
            models.Index(fields=["category", "-created_at"], name="forums_modaction_cat_idx"),
            models.Index(fields=["target_user", "-created_at"], name="forums_modaction_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"


# == chat (issue 5) ================================================================================

CHAT_MESSAGE_MAX_LENGTH = 4000
# A direct conversation has 2 to 10 members, the starter included.
CHAT_DIRECT_MIN_MEMBERS = 2
CHAT_DIRECT_MAX_MEMBERS = 10


class Room(models.Model):
    """A chat room: one per Handlungsfeld and per team, rooms set up by moderators, and direct conversations."""

    class Kind(models.TextChoices):
        HANDLUNGSFELD = "handlungsfeld", _("Handlungsfeld")
        TEAM = "team", _("Team")
        PUBLIC = "public", _("Open room")
        PRIVATE = "private", _("Invite-only room")
        DIRECT = "direct", _("Direct conversation")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80, blank=True)
    # Empty for direct conversations, which are addressed by id.
    slug = models.SlugField(_("slug"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    handlungsfeld = models.ForeignKey(
        Handlungsfeld,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.SET_NULL,
        related_name="chat_rooms",
        null=True,
        blank=True,
    )
    # SET_NULL: a team room whose team is gone stays, readable by moderators only.
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, related_name="chat_rooms", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    slow_mode_seconds = models.PositiveIntegerField(
        _("slow mode (seconds)"), default=0, help_text=_("Minimum time between two messages of a member; 0 is off.")
    )
    # The member ids of a direct conversation, sorted ("3-8-21"), so the same group finds its conversation again.
    direct_key = models.CharField(_("members key"), max_length=200, blank=True, editable=False)
    # Kept by the services, so lists and unread counts need no aggregate over messages.
    last_message_id = models.PositiveBigIntegerField(_("last message id"), default=0, editable=False)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True, editable=False)
    message_count = models.PositiveIntegerField(_("messages"), default=0, editable=False)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("chat room")
        verbose_name_plural = _("chat rooms")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], condition=~models.Q(slug=""), name="forums_room_slug_unique"),
            models.UniqueConstraint(
                fields=["direct_key"], condition=~models.Q(direct_key=""), name="forums_room_direct_unique"
            ),
            models.UniqueConstraint(
                fields=["handlungsfeld"], condition=models.Q(kind="handlungsfeld"), name="forums_room_field_unique"
            ),
            models.UniqueConstraint(fields=["team"], condition=models.Q(kind="team"), name="forums_room_team_unique"),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="forums_room_kind_idx")]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"


class RoomMember(models.Model):
    """A member's state in a room: read marker, mute, role; for invite-only and direct rooms also the access list.

    In Handlungsfeld, team and open rooms the row is created on the first visit (read marker only);
    access there follows the room kind, not the row.
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Room member")
        ADMIN = "admin", _("Room admin")

    room = models.ForeignKey(Room, verbose_name=_("chat room"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="chat_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # Messages with a higher id are unread.
    last_read_message_id = models.PositiveBigIntegerField(_("last read message"), default=0)
    muted = models.BooleanField(_("muted"), default=False)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("chat room member")
        verbose_name_plural = _("chat room members")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="forums_roommember_unique")]
        indexes = [models.Index(fields=["user", "room"], name="forums_roommember_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.room_id}"


class Message(models.Model):
    """A chat message; Markdown rendered and sanitised once, when written (the same sanitiser as posts)."""

    room = models.ForeignKey(Room, verbose_name=_("chat room"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        related_name="chat_messages",
        null=True,
    )
    body_markdown = models.TextField(_("text"), max_length=CHAT_MESSAGE_MAX_LENGTH)
    body_html = models.TextField(_("text (rendered)"), editable=False)
    # A quoted message of the same room.
    reply_to = models.ForeignKey(
        "self", verbose_name=_("reply to"), on_delete=models.SET_NULL, related_name="+", null=True, blank=True
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
    flag_count = models.PositiveIntegerField(_("open flags"), default=0, editable=False)
    reaction_counts = models.JSONField(_("reaction counts"), default=dict, blank=True, editable=False)
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pinned by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["room", "id"]
        indexes = [
            # Keyset pagination ("ältere laden") and unread counts: id ranges within a room.
            models.Index(fields=["room", "id"], name="forums_message_room_idx"),
            # Rate limit and slow mode: a member's latest messages.
            models.Index(fields=["author", "created_at"], name="forums_message_author_idx"),
            models.Index(
                fields=["room", "pinned_at"],
                condition=models.Q(pinned_at__isnull=False),
                name="forums_message_pinned_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}/{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class MessageMention(models.Model):
    """A member @mentioned in a message (who may see the room): "mentions first" on the chat overview."""

    message = models.ForeignKey(Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="mentions")
    # Copied from the message so unread mentions per room are one indexed range.
    room = models.ForeignKey(Room, verbose_name=_("chat room"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("chat mention")
        verbose_name_plural = _("chat mentions")
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="forums_mention_unique")]
        indexes = [models.Index(fields=["user", "room", "message"], name="forums_mention_user_idx")]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.message_id}"


class MessageReaction(models.Model):
    """One member's reaction to a chat message (the same kinds as on posts)."""

    message = models.ForeignKey(Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("reaction"), max_length=10, choices=Reaction.Kind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message reaction")
        verbose_name_plural = _("message reactions")
        constraints = [models.UniqueConstraint(fields=["message", "user", "kind"], name="forums_msgreaction_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} → {self.message_id}"


class MessageFlag(models.Model):
    """A member's report of a chat message; open until a moderator reviews it."""

    message = models.ForeignKey(Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Flag.Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message flag")
        verbose_name_plural = _("message flags")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="forums_msgflag_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} → {self.message_id}"


class RoomSilence(models.Model):
    """A member silenced in one room until a moment: reads on, writes nothing there."""

    room = models.ForeignKey(Room, verbose_name=_("chat room"), on_delete=models.CASCADE, related_name="silences")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateTimeField(_("silenced until"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("silenced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("silence in a chat room")
        verbose_name_plural = _("silences in chat rooms")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="forums_roomsilence_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.room_id} until {self.until:%Y-%m-%d %H:%M}"
