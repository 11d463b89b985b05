"""Demo forums: a category per Handlungsfeld, the network's own categories, team forums and German discussions."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TextIO

from community import demo

from .demo_topics import ACCOUNT_KEYS, DEMO_MEMBERS, TOPICS

# slug, name, description, colour, visibility, who may start topics
NETWORK_CATEGORIES = [
    ("mitmach-konferenz", "Mitmach-Konferenz organisieren", "Räume, Moderation, Einladungen, Presse: alles rund um eure Konferenz.", "#c2410c", "public", "members"),
    ("allgemeines", "Allgemeines & Vorstellungsrunde", "Stell dich vor und erzähl, was in deiner Region los ist.", "#475569", "public", "members"),
    ("hilfe", "Hilfe zur Plattform", "Fragen zur Plattform, zu deinem Konto und zu den Foren.", "#0f766e", "public", "members"),
    ("ankuendigungen", "Ankündigungen", "Neuigkeiten aus dem Begleitteam.", "#b91c1c", "public", "moderators"),
]  # fmt: skip

# Reactions are drawn with these weights, so hearts and thumbs are the most common, as in real forums.
REACTION_WEIGHTS = {"heart": 5, "+1": 6, "tada": 1, "pray": 2, "bulb": 2}
# The discussions spread over this many days before the seed runs.
SPREAD_DAYS = 150
SEED = 4


def _team_slug(team_slug: str) -> str:
    return f"team-{team_slug}"


def _seed_categories() -> dict:
    from community.models import Handlungsfeld, Team

    from .models import Category

    categories: dict[str, Category] = {}
    position = 0
    for position, field in enumerate(Handlungsfeld.objects.order_by("order", "name"), start=1):
        categories[field.slug], _created = Category.objects.get_or_create(
            slug=field.slug,
            defaults={
                "name": field.name,
                "description": field.short_description,
                "colour": field.colour,
                "position": position,
                "handlungsfeld": field,
            },
        )
    for offset, (slug, name, description, colour, visibility, starters) in enumerate(NETWORK_CATEGORIES, start=1):
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "colour": colour,
                "position": position + offset,
                "visibility": visibility,
                "topic_starters": starters,
            },
        )
    for team in Team.objects.filter(slug__in=[row[0] for row in demo.TEAMS]).order_by("name"):
        categories[f"team:{team.slug}"], _created = Category.objects.get_or_create(
            slug=_team_slug(team.slug),
            defaults={
                "name": team.name,
                "description": f"Das interne Forum von {team.name}.",
                "colour": "#334155",
                "position": 100,
                "team": team,
                "visibility": Category.Visibility.TEAM,
                "topic_starters": Category.TopicStarters.TEAM,
            },
        )
    return categories


def _seed_members() -> dict:
    """The demo's forum voices besides the four platform accounts: verified members without a password."""
    from allauth.account.models import EmailAddress

    from community.models import Region, Team, TeamMembership, User
    from community.services import member_role_grant, profile_ensure

    users = {key: User.objects.filter(email=email).first() for key, email in ACCOUNT_KEYS.items()}
    for key, email, name, region_slug, team_slugs in DEMO_MEMBERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, display_name=name)
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            member_role_grant(user=user)
            profile = profile_ensure(user=user)
            profile.region = Region.objects.filter(slug=region_slug).first()
            profile.save(update_fields=["region"])
            for team in Team.objects.filter(slug__in=team_slugs):
                TeamMembership.objects.get_or_create(team=team, user=user)
        users[key] = user
    return {key: user for key, user in users.items() if user is not None}


def _spread_in_time(rng: random.Random, created: list) -> None:
    """Give the new topics and posts dates over the last months; the topic and category times follow."""
    from django.db.models import Max
    from django.utils import timezone

    from .models import Category, Post, Topic

    now = timezone.now()
    posts_to_update: list[Post] = []
    topics_to_update: list[Topic] = []
    # Older topics first in the data, so the list order of the seed reads like a history.
    ages = sorted((rng.uniform(2, SPREAD_DAYS) for _ in created), reverse=True)
    for (topic, posts), age in zip(created, ages, strict=True):
        moment = now - timedelta(days=age)
        for index, post in enumerate(posts):
            if index:
                moment = min(moment + timedelta(minutes=rng.randint(20, 60 * 36)), now - timedelta(minutes=5))
            post.created_at = moment
            posts_to_update.append(post)
        topic.created_at = posts[0].created_at
        topic.last_posted_at = posts[-1].created_at
        topics_to_update.append(topic)
    Post.objects.bulk_update(posts_to_update, ["created_at"], batch_size=200)
    Topic.objects.bulk_update(topics_to_update, ["created_at", "last_posted_at"], batch_size=200)
    # The start page shows each category's latest topic and time from these stored fields.
    category_ids = {topic.category_id for topic, _posts in created}
    for category in Category.objects.filter(pk__in=category_ids):
        latest = Topic.objects.filter(category=category).order_by("-last_posted_at", "-pk").first()
        last = Topic.objects.filter(category=category).aggregate(last=Max("last_posted_at"))["last"]
        Category.objects.filter(pk=category.pk).update(last_topic=latest, last_posted_at=last)


def _react(rng: random.Random, created: list, users: list) -> int:
    """Reactions from the demo members, written in bulk with exactly the counters reaction_toggle keeps.

    In bulk rather than through reaction_toggle: hundreds of reactions would each notify and publish,
    which made the seed take most of a minute, and the demo needs no notifications about them.
    """
    from django.utils import timezone

    from . import permissions
    from .models import Post, Reaction, Topic

    now = timezone.now()
    kinds = list(REACTION_WEIGHTS)
    weights = list(REACTION_WEIGHTS.values())
    reactions: list[Reaction] = []
    for topic, posts in created:
        topic_total = 0
        for post in posts:
            # Opening posts and long answers collect more reactions.
            bonus = 1 if post.post_number == 1 or len(post.body_markdown) > 300 else 0
            wanted = rng.choice([0, 0, 1, 1, 2, 3, 4]) + bonus
            counts: dict[str, int] = {}
            for user in rng.sample(users, k=min(wanted, len(users))):
                if not permissions.can_react(user, post):
                    continue
                kind = rng.choices(kinds, weights)[0]
                counts[kind] = counts.get(kind, 0) + 1
                moment = min(post.created_at + timedelta(minutes=rng.randint(5, 60 * 48)), now)
                reactions.append(Reaction(post=post, user=user, kind=kind, created_at=moment))
            post.reaction_counts = {kind: counts[kind] for kind in Reaction.Kind.values if kind in counts}
            post.reaction_count = sum(counts.values())
            topic_total += post.reaction_count
        topic.reaction_count = topic_total
    Reaction.objects.bulk_create(reactions, batch_size=500)
    Post.objects.bulk_update(
        [post for _topic, posts in created for post in posts], ["reaction_counts", "reaction_count"], batch_size=200
    )
    Topic.objects.bulk_update([topic for topic, _posts in created], ["reaction_count"], batch_size=200)
    return len(reactions)


def seed_forums(out: TextIO) -> None:
    from . import permissions
    from .models import Post, Topic
    from .services import bookmark_toggle, post_create, topic_create, topic_mark_solved
    from .services.moderation import limits_bypassed

    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    categories = _seed_categories()
    users = _seed_members()
    reactors = sorted(users.values(), key=lambda user: user.email)
    created: list[tuple[Topic, list[Post]]] = []
    reactions = 0
    # The demo writes many posts within a second; the new-member limits are for people, not for the seed.
    with limits_bypassed():
        for category_key, author_key, title, body, tags, replies, accepted in TOPICS:
            category = categories.get(category_key)
            author = users.get(author_key)
            if category is None or author is None or Topic.objects.filter(category=category, title=title).exists():
                continue
            topic = topic_create(author=author, category=category, title=title, body_markdown=body, tags=tags)
            posts = [topic.posts.get(post_number=1)]
            for reply in replies:
                reply_to = posts[reply[2] - 1] if len(reply) > 2 else None
                posts.append(
                    post_create(author=users[reply[0]], topic=topic, body_markdown=reply[1], reply_to=reply_to)
                )
            for post in posts:
                post.topic = topic
            if accepted is not None:
                topic_mark_solved(actor=author, topic=topic, post=posts[accepted - 1])
            created.append((topic, posts))
    if created:
        # Some bookmarks for the member account, so "Lesezeichen" is not empty in the demo.
        mia = users.get("mia")
        for _topic, posts in created[::7]:
            if mia is not None and permissions.can_bookmark(mia, posts[-1]):
                bookmark_toggle(user=mia, post=posts[-1], active=True)
        _spread_in_time(rng, created)
        reactions = _react(rng, created, reactors)
    out.write(
        f"  Forum categories: {len(categories)}, demo topics: {len(TOPICS)} ({len(created)} new), "
        f"demo members: {len(DEMO_MEMBERS)}, reactions: {reactions}\n"
    )


def reset_forums() -> None:
    from community.models import User

    from .models import Category, Topic

    slugs = [row[0] for row in demo.HANDLUNGSFELDER]
    slugs += [row[0] for row in NETWORK_CATEGORIES]
    slugs += [_team_slug(row[0]) for row in demo.TEAMS]
    categories = Category.objects.filter(slug__in=slugs)
    # Everything in the demo categories goes with them (topics protect their category).
    Topic.objects.filter(category__in=categories).delete()
    Category.objects.filter(parent__in=categories).update(parent=None)
    categories.delete()
    User.objects.filter(email__in=[row[1] for row in DEMO_MEMBERS]).delete()


demo.register("forums", order=60, seed=seed_forums, reset=reset_forums)
