"""Forum reads with a bounded number of queries, for pages, feeds and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import ngettext

from community.permissions import UserLike
from community.templatetags.ui import avatar

from ..models import Bookmark, Category, NotificationLevel, Post, Topic, TopicUser
from ..permissions import can_view_category, can_view_topic, visible_categories, visible_topics
from .reading import category_counts_for, is_reader, new_q, unread_q

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20


def category_list_for(user: UserLike) -> list[Category]:
    """Main categories the user may read, each with `.subcategories`; counts come from stored counters (2 queries)."""
    subcategories = visible_categories(user).select_related("last_topic").order_by("position", "name")
    return list(
        visible_categories(user)
        .filter(parent__isnull=True)
        .select_related("last_topic", "handlungsfeld")
        .prefetch_related(Prefetch("children", queryset=subcategories, to_attr="subcategories"))
        .order_by("position", "name")
    )


def latest_topics(user: UserLike, *, category: Category | None = None, page: int = 1) -> list[Topic]:
    """The "Neueste" list: listed topics by last activity, 30 per page (1 query)."""
    topics = visible_topics(user).filter(unlisted=False)
    if category is not None:
        topics = topics.filter(category=category)
    start = (max(page, 1) - 1) * TOPICS_PER_PAGE
    return list(
        topics.select_related("category", "author", "last_poster").order_by("-last_posted_at", "-pk")[
            start : start + TOPICS_PER_PAGE
        ]
    )


def topic_posts(topic: Topic, *, page: int = 1) -> list[Post]:
    """One page of a topic's posts in order, with their authors (1 query)."""
    start = (max(page, 1) - 1) * POSTS_PER_PAGE
    return list(
        Post.objects.filter(topic=topic)
        .select_related("author", "reply_to")
        .order_by("post_number")[start : start + POSTS_PER_PAGE]
    )


# --- page data -------------------------------------------------------------------------------
# Pages get every per-item value (URL, display date, numbers) precomputed here, so templates
# render plain attributes: a `{% url %}` and a date filter per row cost most of a page's time.


# Django date format characters whose strftime counterpart writes the same text (zero-padded numbers).
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


@cache
def _strftime_pattern(django_format: str) -> str | None:
    """The strftime pattern for a Django date format made only of the characters above, else None."""
    parts = []
    for char in django_format:
        if char in _STRFTIME:
            parts.append(_STRFTIME[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            parts.append(char.replace("%", "%%"))
    return "".join(parts)


def _display_date(value: datetime | None) -> str:
    """The short date and time in the current language; strftime where it writes the same (German:
    "d.m.Y H:i"), since Django's date formatting costs about 15 µs per date and a page shows 20-30."""
    if not value:
        return ""
    local = timezone.localtime(value)
    django_format = get_format("SHORT_DATETIME_FORMAT")
    pattern = _strftime_pattern(django_format)
    return local.strftime(pattern) if pattern is not None else date_format(local, django_format)


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def category_url(category: Category) -> str:
    return reverse("forums:category", args=[category.slug])


def topic_url(topic_id: int) -> str:
    return reverse("forums:topic", args=[topic_id])


def post_url(topic_id: int, post_number: int) -> str:
    return reverse("forums:post", args=[topic_id, post_number])


@dataclass(frozen=True)
class CategoryRow:
    """A category as the forum start page shows it."""

    category: Category
    url: str
    last_topic_title: str
    last_topic_url: str
    last_posted_at: str
    last_posted_iso: str
    subcategories: list[CategoryRow] = field(default_factory=list)
    # For a member: topics with unread posts they track, and topics new to them (subcategories included).
    unread: int = 0
    new: int = 0


@dataclass(frozen=True)
class TopicRow:
    """A topic in a list."""

    topic: Topic
    url: str
    last_url: str
    category_name: str
    category_url: str
    category_colour: str
    author_name: str
    last_poster_name: str
    last_posted_at: str
    last_posted_iso: str
    replies: int
    # Per viewer: unread posts of a tracked topic, or "new" (never opened, created since they last looked).
    unread: int = 0
    is_new: bool = False
    pinned: bool = False
    # "3 Antworten", "2 ungelesene Beiträge": translated here, not by a {% blocktranslate %} per row.
    replies_label: str = ""
    unread_label: str = ""


@dataclass(frozen=True)
class PostRow:
    """A post on the topic page."""

    post: Post
    url: str
    anchor: str
    author_name: str
    created_at: str
    created_iso: str
    edited: bool
    deleted: bool
    reply_to_number: int | None
    reply_to_url: str
    avatar: str = ""  # the author's avatar markup (community's `avatar` tag), made once here, not per render


def _category_row(category: Category, counts: dict[int, tuple[int, int]]) -> CategoryRow:
    last = category.last_topic
    if last is not None and last.unlisted:
        last = None  # unlisted topics never appear in lists
    subcategories = [_category_row(sub, counts) for sub in getattr(category, "subcategories", ())]
    unread, new = counts.get(category.pk, (0, 0))
    return CategoryRow(
        category=category,
        url=category_url(category),
        last_topic_title=last.title if last else "",
        last_topic_url=topic_url(last.pk) if last else "",
        last_posted_at=_display_date(category.last_posted_at),
        last_posted_iso=_iso(category.last_posted_at),
        subcategories=subcategories,
        unread=unread + sum(sub.unread for sub in subcategories),
        new=new + sum(sub.new for sub in subcategories),
    )


def category_rows_for(user: UserLike) -> list[CategoryRow]:
    """The start page's categories with stored counters, latest topic and the member's unread/new counts.

    2 queries, plus 1 aggregate query for a member's counts over all categories at once.
    """
    counts = category_counts_for(user)
    return [_category_row(category, counts) for category in category_list_for(user)]


def _topic_row(topic: Topic, category_urls: dict[int, str], *, pinned: bool = False) -> TopicRow:
    category = topic.category
    if category.pk not in category_urls:
        category_urls[category.pk] = category_url(category)
    read_number = getattr(topic, "read_number", None)
    read_level = getattr(topic, "read_level", None)
    tracked = read_number is not None and read_level is not None and read_level >= NotificationLevel.TRACKING
    replies = max(topic.post_count - 1, 0)
    unread = max(topic.last_post_number - read_number, 0) if tracked else 0
    return TopicRow(
        topic=topic,
        url=topic_url(topic.pk),
        last_url=post_url(topic.pk, topic.last_post_number) if topic.last_post_number else topic_url(topic.pk),
        category_name=category.name,
        category_url=category_urls[category.pk],
        category_colour=category.colour,
        author_name=str(topic.author) if topic.author_id else "",
        last_poster_name=str(topic.last_poster) if topic.last_poster_id else "",
        last_posted_at=_display_date(topic.last_posted_at),
        last_posted_iso=_iso(topic.last_posted_at),
        replies=replies,
        unread=unread,
        is_new=bool(getattr(topic, "is_new", False)),
        pinned=pinned,
        # The msgids of the {% blocktranslate count counter=... trimmed %} these replace.
        replies_label=ngettext("%(counter)s reply", "%(counter)s replies", replies) % {"counter": replies},
        unread_label=(
            ngettext("%(counter)s unread post", "%(counter)s unread posts", unread) % {"counter": unread}
            if unread
            else ""
        ),
    )


class Tab:
    """The topic lists ("Neueste", "Neu", ...); the ones marked member-only need a login."""

    LATEST = "latest"
    NEW = "new"
    UNREAD = "unread"
    TOP = "top"
    MINE = "mine"
    BOOKMARKS = "bookmarks"

    ALL = (LATEST, NEW, UNREAD, TOP, MINE, BOOKMARKS)
    MEMBERS_ONLY = frozenset({NEW, UNREAD, MINE, BOOKMARKS})


# ?zeitraum= of the "Top" list: how far back topics were created.
TOP_PERIODS: dict[str, timedelta] = {
    "tag": timedelta(days=1),
    "woche": timedelta(days=7),
    "monat": timedelta(days=30),
    "jahr": timedelta(days=365),
}
DEFAULT_TOP_PERIOD = "monat"


def top_period(value: object) -> str:
    """A known period name; anything else (missing, garbage) gives the default."""
    return value if isinstance(value, str) and value in TOP_PERIODS else DEFAULT_TOP_PERIOD


def _with_read_state(topics: QuerySet[Topic], user: UserLike) -> QuerySet[Topic]:
    """The member's TopicUser values in the same query (correlated subqueries on the unique row)."""
    state = TopicUser.objects.filter(user_id=user.pk, topic_id=OuterRef("pk"))
    return topics.annotate(
        read_number=Subquery(state.values("last_read_post_number")[:1]),
        read_level=Subquery(state.values("level")[:1]),
        is_new=Case(When(new_q(user), then=Value(True)), default=Value(False), output_field=BooleanField()),
    )


def topic_list_queryset(
    user: UserLike,
    *,
    tab: str = Tab.LATEST,
    category: Category | None = None,
    tag_id: int | None = None,
    period: str = DEFAULT_TOP_PERIOD,
) -> QuerySet[Topic]:
    """The topics of one list, in order; listed topics of categories the user may read only.

    A category's list includes its subcategories. Member-only tabs give nothing for anonymous visitors.
    """
    topics = visible_topics(user).filter(unlisted=False)
    if category is not None:
        topics = topics.filter(Q(category=category) | Q(category__parent=category))
    if tag_id is not None:
        topics = topics.filter(tagged_items__tag_id=tag_id)
    reader = is_reader(user)
    if tab in Tab.MEMBERS_ONLY and not reader:
        return topics.none()
    if tab == Tab.NEW:
        topics = topics.filter(new_q(user)).order_by("-created_at", "-pk")
    elif tab == Tab.UNREAD:
        topics = topics.filter(unread_q(user)).order_by("-last_posted_at", "-pk")
    elif tab == Tab.TOP:
        since = timezone.now() - TOP_PERIODS[top_period(period)]
        topics = topics.filter(created_at__gte=since).order_by(
            (F("post_count") + F("reaction_count")).desc(), "-last_posted_at", "-pk"
        )
    elif tab == Tab.MINE:
        posted = TopicUser.objects.filter(user_id=user.pk, topic_id=OuterRef("pk"), posted=True)
        topics = topics.filter(Q(author_id=user.pk) | Q(Exists(posted))).order_by("-last_posted_at", "-pk")
    elif tab == Tab.BOOKMARKS:
        marked = Bookmark.objects.filter(user_id=user.pk, topic_id=OuterRef("pk")).order_by("-created_at")
        topics = (
            topics.annotate(bookmarked_at=Subquery(marked.values("created_at")[:1]))
            .filter(bookmarked_at__isnull=False)
            .order_by("-bookmarked_at", "-pk")
        )
    elif category is not None:
        # "Neueste" in a category: its pinned topics (and globally pinned ones) first.
        topics = topics.annotate(
            pin_rank=Case(When(Q(pinned=True) | Q(pinned_globally=True), then=Value(1)), default=Value(0))
        ).order_by("-pin_rank", "-last_posted_at", "-pk")
    elif tag_id is None:
        topics = topics.order_by("-pinned_globally", "-last_posted_at", "-pk")
    else:
        topics = topics.order_by("-last_posted_at", "-pk")
    if reader:
        topics = _with_read_state(topics, user)
    return topics.select_related("category", "author", "last_poster")


def topic_list_page(
    user: UserLike,
    *,
    category: Category | None = None,
    page: object = 1,
    tab: str = Tab.LATEST,
    tag_id: int | None = None,
    period: str = DEFAULT_TOP_PERIOD,
) -> Page:
    """One page (30) of a topic list as TopicRow items; 2 queries (count and page), read state included.

    Bad page numbers give the first page, numbers past the end the last one.
    """
    topics = topic_list_queryset(user, tab=tab, category=category, tag_id=tag_id, period=period)
    page_obj = Paginator(topics, TOPICS_PER_PAGE).get_page(page)
    category_urls: dict[int, str] = {}
    pin_scope = tab == Tab.LATEST and tag_id is None
    rows = []
    for topic in page_obj.object_list:
        if not pin_scope:
            pinned = False
        elif category is None:
            pinned = topic.pinned_globally
        else:
            pinned = topic.pinned or topic.pinned_globally
        rows.append(_topic_row(topic, category_urls, pinned=pinned))
    page_obj.object_list = rows
    return page_obj


def visible_category_by_slug(user: UserLike, slug: str) -> Category | None:
    """The category if it exists and the user may read it (1 query); None otherwise, never telling which."""
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None or not can_view_category(user, category):
        return None
    return category


def visible_topic(user: UserLike, topic_id: int) -> Topic | None:
    """The topic if it exists and the user may read it (1 query); None otherwise, never telling which."""
    topic = (
        Topic.objects.select_related("category__parent", "accepted_post__author", "author").filter(pk=topic_id).first()
    )
    if topic is None or not can_view_topic(user, topic):
        return None
    return topic


def topic_for_page(user: UserLike, topic_id: int) -> Topic | None:
    """visible_topic for the topic page: the topic with its category, the solution's number and deletion time
    (`accepted_number`, `accepted_deleted_at`), and the number of post rows (for the pagination, instead of
    a COUNT query) in one query; for a member a second one for their read
    state (`topic.viewer_state`, the stored TopicUser row or None when they never opened the topic), which
    the read tracking and the level selector share.

    The topic's author is not joined: the page only compares author ids.
    """
    topics = Topic.objects.select_related("category__parent").filter(pk=topic_id)
    rows = Post.objects.filter(topic_id=OuterRef("pk")).order_by().values("topic_id").annotate(n=Count("pk"))
    topic = _unique_row(
        topics.annotate(
            post_rows=Subquery(rows.values("n")[:1]),
            # Of the solution only what the page shows (cheaper than a joined Post object).
            accepted_number=F("accepted_post__post_number"),
            accepted_deleted_at=F("accepted_post__deleted_at"),
        )
    )
    if topic is None or not can_view_topic(user, topic):
        return None
    if is_reader(user):
        topic.viewer_state = _unique_row(TopicUser.objects.filter(user_id=user.pk, topic_id=topic.pk))
    return topic


def _unique_row(queryset: QuerySet) -> Any:
    """The one row of a query on a unique key, or None: like .first(), but without an ORDER BY.

    Ordering (the model's Meta.ordering, or the pk that .first() adds) makes the ORM compare every
    selected column with the ordering terms; for the topic page's joined query that was a third of
    its cost, for a single row it orders nothing.
    """
    return next(iter(queryset.order_by()[:1]), None)


def topic_tag_names(topic: Topic) -> list[str]:
    return sorted(tag.name for tag in topic.tags.all())


def _post_row(post: Post, base_url: str, avatars: dict[int | None, str]) -> PostRow:
    reply_number = post.reply_number if post.reply_to_id else None
    if post.author_id not in avatars:  # one avatar per author and page
        avatars[post.author_id] = avatar(post.author, "sm")
    return PostRow(
        post=post,
        url=f"{base_url}{post.post_number}/",
        anchor=f"post-{post.post_number}",
        author_name=str(post.author) if post.author_id else "",
        created_at=_display_date(post.created_at),
        created_iso=_iso(post.created_at),
        edited=post.edited_at is not None,
        deleted=post.is_deleted,
        reply_to_number=reply_number,
        reply_to_url=f"{base_url}{reply_number}/" if reply_number else "",
        avatar=avatars[post.author_id],
    )


def topic_post_page(topic: Topic, *, page: object = 1) -> Page:
    """One page of a topic's posts (20), as PostRow items (2 queries; 1 for a topic from topic_for_page).

    Of the post replied to only the number is read (a join for one column, not a second Post per row).
    """
    posts = (
        Post.objects.filter(topic=topic)
        .select_related("author")
        .annotate(reply_number=F("reply_to__post_number"))
        .order_by("post_number")
    )
    paginator = Paginator(posts, POSTS_PER_PAGE)
    known_rows = getattr(topic, "post_rows", None)
    if known_rows is not None:
        paginator.count = known_rows  # counted in the topic's own query
    page_obj = paginator.get_page(page)
    base_url = topic_url(topic.pk)
    avatars: dict[int | None, str] = {}
    page_obj.object_list = [_post_row(post, base_url, avatars) for post in page_obj.object_list]
    return page_obj


def post_page_number(topic: Topic, post_number: int) -> int | None:
    """The page of the topic showing post N, or None when there is no such post (1 query)."""
    if not Post.objects.filter(topic=topic, post_number=post_number).exists():
        return None
    before = Post.objects.filter(topic=topic, post_number__lt=post_number).count()
    return before // POSTS_PER_PAGE + 1


def last_post_number(topic: Topic) -> int | None:
    return Post.objects.filter(topic=topic).order_by("-post_number").values_list("post_number", flat=True).first()


def topic_post_rows(topic: Topic, *, post_number: int) -> list[PostRow]:
    """The one post of `topic` numbered `post_number` as a PostRow, for the live fragment (1 query; empty if none)."""
    posts = (
        Post.objects.filter(topic=topic, post_number=post_number)
        .select_related("author")
        .annotate(reply_number=F("reply_to__post_number"))
    )
    base_url = topic_url(topic.pk)
    return [_post_row(post, base_url, {}) for post in posts]


# The realtime hub allows 100 subscriptions per socket; a list leaves room for the page's others.
LIVE_CATEGORY_STREAMS_MAX = 80


def live_category_streams(user: UserLike, *, category: Category | None = None) -> list[str]:
    """The `category:<id>` streams a member's topic list follows for its "new topics" bar (1 query).

    A category's page follows it and its subcategories; the lists over all forums every
    category the member may read. Visitors get none (their pages stay plain and cacheable).
    """
    if not getattr(user, "is_authenticated", False):
        return []
    categories = visible_categories(user)
    if category is not None:
        categories = categories.filter(Q(pk=category.pk) | Q(parent_id=category.pk))
    ids = categories.order_by("position", "pk").values_list("pk", flat=True)[:LIVE_CATEGORY_STREAMS_MAX]
    return [f"category:{pk}" for pk in ids]
