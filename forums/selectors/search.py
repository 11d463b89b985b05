"""Forum search: German full-text search on PostgreSQL, a simple word match elsewhere; permission-aware.

Results are posts (with their topic's title), as Discourse shows them. Snippets are marked
with sentinel characters, then every piece of text is HTML-escaped and only the sentinels
become <mark> elements, so neither stored text nor the query can reach the page as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import F, FloatField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from community.permissions import UserLike

from ..models import Post
from ..permissions import is_forum_moderator, visible_category_q
from ..services.search import SEARCH_CONFIG, search_enabled
from .lists import _display_date, _iso, category_url, post_url

RESULTS_PER_PAGE = 20
QUERY_MAX_LENGTH = 200
# The SQLite fallback matches at most this many words (each one a LIKE over every post).
MAX_WORDS = 8
SNIPPET_CHARS = 240
# Private-use characters: they never occur in German text and survive ts_headline untouched.
START, STOP = "\ue000", "\ue001"
_SENTINELS = re.compile(f"([{START}{STOP}])")
# How much a fresh post gains over an old one of the same rank: half-life of about a month.
RECENCY_WEIGHT = 0.1
RECENCY_DAYS = 30.0


@dataclass(frozen=True)
class SearchFilters:
    """What the search form asks for; `query` is already cut to QUERY_MAX_LENGTH."""

    query: str
    category_id: int | None = None
    tag: str = ""
    author_handle: str = ""
    since: date | None = None
    until: date | None = None
    solved_only: bool = False


@dataclass(frozen=True)
class SearchResult:
    """One found post, ready to render: every value precomputed, the HTML ones already escaped."""

    post: Post
    url: str
    title_html: SafeString
    snippet_html: SafeString
    category_name: str
    category_url: str
    category_colour: str
    author_name: str
    created_at: str
    created_iso: str
    solved: bool
    is_solution: bool


def clean_query(text: str) -> str:
    """The query as searched: sentinels removed, whitespace collapsed, cut to QUERY_MAX_LENGTH."""
    text = _SENTINELS.sub(" ", text or "")
    return " ".join(text.split())[:QUERY_MAX_LENGTH].strip()


def marked_html(text: str) -> SafeString:
    """Escape text and turn the sentinel pairs into <mark>; unbalanced sentinels never break the markup."""
    out: list[str] = []
    open_ = False
    for part in _SENTINELS.split(text):
        if part == START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif part == STOP:
            if open_:
                out.append("</mark>")
                open_ = False
        elif part:
            out.append(escape(part))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every text part was escaped above


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _visible_posts(user: UserLike, filters: SearchFilters) -> QuerySet[Post]:
    """Posts the user may read: not deleted, not hidden, in readable categories, unlisted topics for moderators."""
    posts = Post.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True).filter(
        visible_category_q(user, "topic__category__")
    )
    if not is_forum_moderator(user):
        posts = posts.filter(topic__unlisted=False)
    if filters.category_id is not None:
        posts = posts.filter(
            Q(topic__category_id=filters.category_id) | Q(topic__category__parent_id=filters.category_id)
        )
    if filters.tag:
        posts = posts.filter(topic__tags__name=filters.tag.lower())
    if filters.author_handle:
        posts = posts.filter(author__handle__iexact=filters.author_handle.lstrip("@"))
    if filters.since:
        posts = posts.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        posts = posts.filter(created_at__lt=_day_start(filters.until + timedelta(days=1)))
    if filters.solved_only:
        posts = posts.filter(topic__accepted_post__isnull=False)
    return posts


def _words(query: str) -> list[str]:
    """The fallback's words: search operators and quotes dropped, each word once."""
    words: list[str] = []
    for token in query.replace('"', " ").split():
        token = token.strip("-+()")
        if token and token.lower() not in {"or", "and"} and token.lower() not in (w.lower() for w in words):
            words.append(token)
    return words[:MAX_WORDS]


def _highlight(text: str, words: list[str]) -> str:
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", text)


def _python_snippet(text: str, words: list[str]) -> str:
    """A window of the text around the first match (or its start), with every match between sentinels."""
    text = " ".join(_SENTINELS.sub(" ", text).split())
    lowered = text.lower()
    positions = [pos for pos in (lowered.find(word.lower()) for word in words) if pos >= 0]
    start = max(min(positions, default=0) - SNIPPET_CHARS // 4, 0)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + SNIPPET_CHARS // 2 else end
    window = text[start:end]
    return ("… " if start else "") + _highlight(window, words) + (" …" if end < len(text) else "")


class _Age(Func):
    """Days since the post was written (PostgreSQL)."""

    template = "(EXTRACT(EPOCH FROM (NOW() - %(expressions)s)) / 86400.0)"
    output_field = FloatField()


def _result(post: Post, title: str, snippet: str) -> SearchResult:
    topic = post.topic
    category = topic.category
    return SearchResult(
        post=post,
        url=post_url(topic.pk, post.post_number),
        title_html=marked_html(title),
        snippet_html=marked_html(snippet),
        category_name=category.name,
        category_url=category_url(category),
        category_colour=category.colour,
        author_name=str(post.author) if post.author_id else "",
        created_at=_display_date(post.created_at),
        created_iso=_iso(post.created_at),
        solved=topic.accepted_post_id is not None,
        is_solution=topic.accepted_post_id == post.pk,
    )


def search_posts(user: UserLike, filters: SearchFilters, *, page: object = 1) -> Page:
    """One page (20) of the posts matching the query and filters that the user may read.

    PostgreSQL: websearch syntax ("phrase", -word, or), German stemming, ranked by ts_rank plus
    recency, snippets by ts_headline (3 queries). Elsewhere: every word must occur in the text
    (or the title, for opening posts), newest first, snippets cut in Python (2 queries).
    The page's object_list holds SearchResult items.
    """
    posts = _visible_posts(user, filters).select_related("topic__category", "author")
    if search_enabled():
        return _search_postgres(posts, filters.query, page)
    return _search_fallback(posts, filters.query, page)


def _search_postgres(posts: QuerySet[Post], text: str, page: object) -> Page:
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    ranked = (
        posts.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .annotate(score=F("rank") + RECENCY_WEIGHT / (1.0 + _Age(F("created_at")) / RECENCY_DAYS))
        .order_by("-score", "-pk")
    )
    page_obj = Paginator(ranked, RESULTS_PER_PAGE).get_page(page)
    found = list(page_obj.object_list)
    # Headlines are costly; compute them only for the posts of this page.
    options = {"config": SEARCH_CONFIG, "start_sel": START, "stop_sel": STOP}
    headlines = {
        pk: (title, snippet)
        for pk, title, snippet in Post.objects.filter(pk__in=[post.pk for post in found])
        .annotate(
            title_hl=SearchHeadline("topic__title", query, highlight_all=True, **options),
            snippet_hl=SearchHeadline(
                "body_markdown",
                query,
                max_words=40,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **options,
            ),
        )
        .values_list("pk", "title_hl", "snippet_hl")
    }
    page_obj.object_list = [
        _result(post, *headlines.get(post.pk, (post.topic.title, post.body_markdown[:SNIPPET_CHARS]))) for post in found
    ]
    return page_obj


def _search_fallback(posts: QuerySet[Post], text: str, page: object) -> Page:
    words = _words(text)
    if not words:
        posts = posts.none()
    for word in words:
        posts = posts.filter(Q(body_markdown__icontains=word) | Q(post_number=1, topic__title__icontains=word))
    page_obj = Paginator(posts.order_by("-created_at", "-pk"), RESULTS_PER_PAGE).get_page(page)
    page_obj.object_list = [
        _result(
            post, _highlight(_SENTINELS.sub("", post.topic.title), words), _python_snippet(post.body_markdown, words)
        )
        for post in page_obj.object_list
    ]
    return page_obj
