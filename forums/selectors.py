"""Forum reads with a bounded number of queries, for pages, feeds and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from community.permissions import UserLike

from .models import Category, Post, Topic
from .permissions import can_view_category, can_view_topic, visible_categories, visible_topics

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


def _display_date(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


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


def _category_row(category: Category) -> CategoryRow:
    last = category.last_topic
    return CategoryRow(
        category=category,
        url=category_url(category),
        last_topic_title=last.title if last else "",
        last_topic_url=topic_url(last.pk) if last else "",
        last_posted_at=_display_date(category.last_posted_at),
        last_posted_iso=_iso(category.last_posted_at),
        subcategories=[_category_row(sub) for sub in getattr(category, "subcategories", ())],
    )


def category_rows_for(user: UserLike) -> list[CategoryRow]:
    """The start page's categories with their stored counters and latest topic (2 queries)."""
    return [_category_row(category) for category in category_list_for(user)]


def _topic_row(topic: Topic, category_urls: dict[int, str]) -> TopicRow:
    category = topic.category
    if category.pk not in category_urls:
        category_urls[category.pk] = category_url(category)
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
        replies=max(topic.post_count - 1, 0),
    )


def topic_list_page(user: UserLike, *, category: Category | None = None, page: object = 1) -> Page:
    """One page of listed topics (pinned first within a category, then by last activity); 2 queries.

    The page's object_list holds TopicRow items.
    """
    topics = visible_topics(user).filter(unlisted=False).select_related("category", "author", "last_poster")
    if category is not None:
        topics = topics.filter(category=category).order_by("-pinned", "-last_posted_at", "-pk")
    else:
        topics = topics.order_by("-last_posted_at", "-pk")
    page_obj = Paginator(topics, TOPICS_PER_PAGE).get_page(page)
    category_urls: dict[int, str] = {}
    page_obj.object_list = [_topic_row(topic, category_urls) for topic in page_obj.object_list]
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


def topic_tag_names(topic: Topic) -> list[str]:
    return sorted(tag.name for tag in topic.tags.all())


def _post_row(post: Post, base_url: str) -> PostRow:
    reply_number = post.reply_to.post_number if post.reply_to_id and post.reply_to else None
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
    )


def topic_post_page(topic: Topic, *, page: object = 1) -> Page:
    """One page of a topic's posts (20), as PostRow items (2 queries)."""
    posts = Post.objects.filter(topic=topic).select_related("author", "reply_to").order_by("post_number")
    page_obj = Paginator(posts, POSTS_PER_PAGE).get_page(page)
    base_url = topic_url(topic.pk)
    page_obj.object_list = [_post_row(post, base_url) for post in page_obj.object_list]
    return page_obj


def post_page_number(topic: Topic, post_number: int) -> int | None:
    """The page of the topic showing post N, or None when there is no such post (1 query)."""
    if not Post.objects.filter(topic=topic, post_number=post_number).exists():
        return None
    before = Post.objects.filter(topic=topic, post_number__lt=post_number).count()
    return before // POSTS_PER_PAGE + 1


def last_post_number(topic: Topic) -> int | None:
    return Post.objects.filter(topic=topic).order_by("-post_number").values_list("post_number", flat=True).first()
