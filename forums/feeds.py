"""RSS 2.0 and Atom feeds of the forums: latest topics, per category, per topic; public content only.

Every feed is evaluated as an anonymous visitor would see the forums (a feed reader never logs in),
so members-only and team categories, unlisted topics and hidden or deleted posts never appear.
RSS lives at …/feed/, Atom at …/feed/atom/: separate URLs cache and link more simply than ?format=.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Category, Post, Topic
from .permissions import can_view_category, can_view_topic, visible_topics
from .selectors import category_url, post_url, topic_url

FEED_ITEMS = 30


def _public_topics() -> QuerySet[Topic]:
    return visible_topics(AnonymousUser()).filter(unlisted=False)


def _visible_posts() -> QuerySet[Post]:
    return Post.objects.filter(hidden_at__isnull=True, deleted_at__isnull=True)


def _with_opening(topics: QuerySet[Topic]) -> QuerySet[Topic]:
    """Each topic with the HTML of its opening post (empty when hidden or deleted), in the same query."""
    opening = _visible_posts().filter(topic_id=OuterRef("pk"), post_number=1)
    return (
        topics.annotate(opening_html=Subquery(opening.values("body_html")[:1]))
        .select_related("author", "category")
        .order_by("-created_at", "-pk")
    )


class _TopicItems:
    """Items that are topics: title, the opening post as description, the category as item category."""

    def item_title(self, item: Topic) -> str:
        return item.title

    def item_description(self, item: Topic) -> str:
        # body_html was sanitised by community.markup when the post was written.
        return item.opening_html or ""

    def item_link(self, item: Topic) -> str:
        return topic_url(item.pk)

    def item_guid(self, item: Topic) -> str:
        return f"topic-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Topic) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Topic) -> datetime:
        return item.last_posted_at

    def item_author_name(self, item: Topic) -> str | None:
        return str(item.author) if item.author_id else None

    def item_categories(self, item: Topic) -> list[str]:
        return [item.category.name]


class LatestTopicsFeed(_TopicItems, Feed):
    """The newest public topics of all forums."""

    def title(self) -> str:
        return _("Latest topics in the forums")

    def description(self) -> str:
        return _("New topics in the public forums of the Mitmach-Regionen network.")

    subtitle = description

    def link(self) -> str:
        return reverse("forums:index")

    def items(self) -> list[Topic]:
        return list(_with_opening(_public_topics())[:FEED_ITEMS])


class LatestTopicsAtomFeed(LatestTopicsFeed):
    feed_type = Atom1Feed


class CategoryFeed(_TopicItems, Feed):
    """The newest topics of a public category and its public subcategories."""

    def get_object(self, request: HttpRequest, slug: str) -> Category:
        category = Category.objects.select_related("parent").filter(slug=slug).first()
        if category is None or not can_view_category(AnonymousUser(), category):
            raise Http404
        return category

    def title(self, obj: Category) -> str:
        return _("%(name)s – forums") % {"name": obj.name}

    def description(self, obj: Category) -> str:
        return obj.description or _("New topics in the category “%(name)s”.") % {"name": obj.name}

    def subtitle(self, obj: Category) -> str:
        return self.description(obj)

    def link(self, obj: Category) -> str:
        return category_url(obj)

    def items(self, obj: Category) -> list[Topic]:
        topics = _public_topics().filter(category_id__in=[obj.pk, *obj.children.values_list("pk", flat=True)])
        return list(_with_opening(topics)[:FEED_ITEMS])


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed


class TopicFeed(Feed):
    """The latest posts of a public, listed topic; hidden and deleted posts left out."""

    def get_object(self, request: HttpRequest, topic_id: int) -> Topic:
        topic = Topic.objects.select_related("category__parent").filter(pk=topic_id).first()
        if topic is None or topic.unlisted or not can_view_topic(AnonymousUser(), topic):
            raise Http404
        return topic

    def title(self, obj: Topic) -> str:
        return obj.title

    def description(self, obj: Topic) -> str:
        return _("Posts in the topic “%(title)s”.") % {"title": obj.title}

    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)

    def link(self, obj: Topic) -> str:
        return topic_url(obj.pk)

    def items(self, obj: Topic) -> list[Post]:
        return list(_visible_posts().filter(topic=obj).select_related("author").order_by("-post_number")[:FEED_ITEMS])

    def item_title(self, item: Post) -> str:
        author = str(item.author) if item.author_id else _("Former member")
        return _("#%(number)d by %(author)s") % {"number": item.post_number, "author": author}

    def item_description(self, item: Post) -> str:
        # body_html was sanitised by community.markup when the post was written.
        return item.body_html

    def item_link(self, item: Post) -> str:
        return post_url(item.topic_id, item.post_number)

    def item_guid(self, item: Post) -> str:
        return f"post-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Post) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Post) -> datetime:
        return item.edited_at or item.created_at

    def item_author_name(self, item: Post) -> str | None:
        return str(item.author) if item.author_id else None


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed
