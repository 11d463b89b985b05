"""Writing posts: Markdown rendering with mentions, quotes and upload images; checks, attachments and drafts.

A post is rendered once, when it is written (community.markup renders and sanitises; this module
adds what only the forums know: which @handles may be linked, which images are our own uploads,
which blockquotes quote a post). Drafts are kept on the server, one per member and place
("topic:<id>" for a reply, "category:<id>" for a new topic), so an unsent text survives a
reload, another device and a browser without JavaScript or local storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

from community.handles import MENTION_RE, mentioned_handles
from community.markup import ascii_url, render_markdown
from community.models import User

from .. import permissions
from ..models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Category, Draft, Post, Topic, Upload

# At most this many different @handles are resolved (and linked, and notified) per post.
MAX_MENTIONS = 20
DEFAULT_MAX_ATTACHMENTS = 10
POST_CLASSES = frozenset({"mention", "post-quote", "post-quote__source", "link-host"})

# Parsing only (no rendering): find links, images and blockquotes outside code.
_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_LOOKS_LIKE_HOST_RE = re.compile(r"^(?:https?://)?(?:www\.)?([^\s/:@]+\.[^\s/:@]{2,})(?:[/:?#]\S*)?$", re.IGNORECASE)


def max_attachments() -> int:
    return int(getattr(settings, "FORUMS_MAX_ATTACHMENTS", DEFAULT_MAX_ATTACHMENTS))


# -- addresses ------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _compile_upload_re(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}(?P<key>[0-9a-f]{{32}})/[^/?#\s]+$")


def _upload_re() -> re.Pattern[str]:
    prefix = reverse("forums:upload_file", args=["0" * 32, "x"]).rsplit("0" * 32, 1)[0]
    return _compile_upload_re(prefix)


@lru_cache(maxsize=4)
def _compile_permalink_re(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}t/(?P<topic>\d+)/(?P<number>\d+)/?$")


def _permalink_re() -> re.Pattern[str]:
    return _compile_permalink_re(reverse("forums:index"))


def upload_url(upload: Upload) -> str:
    return reverse("forums:upload_file", args=[upload.key, upload_file_name(upload)])


def upload_file_name(upload: Upload) -> str:
    return upload.original_name or f"datei{upload.extension}"


def profile_url(handle: str) -> str:
    return reverse("members:profile", args=[handle])


# -- reading Markdown -----------------------------------------------------------------------------


def _walk(tokens: Iterable[Token]) -> Iterable[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def upload_keys_in(body_markdown: str) -> list[str]:
    """Keys of our uploads that a text links or embeds, in order, each once (code does not count)."""
    pattern = _upload_re()
    keys: list[str] = []
    for token in _walk(_parser.parse(body_markdown)):
        url = (
            token.attrGet("href")
            if token.type == "link_open"
            else token.attrGet("src")
            if token.type == "image"
            else None
        )
        match = pattern.match(str(url or ""))
        if match and match["key"] not in keys:
            keys.append(match["key"])
    return keys


def upload_count_in(body_markdown: str) -> int:
    """How many of our uploads a text references (for the attachment limits, also of moderation)."""
    return len(upload_keys_in(body_markdown))


def _quote_source(tokens: list[Token], index: int) -> re.Match[str] | None:
    """The permalink match when the blockquote opening at `index` starts with a link to a post."""
    if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open" or tokens[index + 2].type != "inline":
        return None
    children = tokens[index + 2].children or []
    if not children or children[0].type != "link_open":
        return None
    return _permalink_re().match(str(children[0].attrGet("href") or ""))


def quoted_post_numbers(*, body_markdown: str, topic: Topic) -> list[int]:
    """Numbers of the posts of `topic` that the text quotes (quote blocks in our format), each once."""
    tokens = _parser.parse(body_markdown)
    numbers: list[int] = []
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open":
            continue
        match = _quote_source(tokens, index)
        if match and int(match["topic"]) == topic.pk and int(match["number"]) not in numbers:
            numbers.append(int(match["number"]))
    return numbers


def quote_markdown(*, post: Post, text: str | None = None) -> str:
    """A quote of a post (or of a part of it) in our format: a blockquote whose first line names the source."""
    author = post.author.handle if post.author_id and post.author.handle else _("former member")
    source = f"[@{author}, #{post.post_number}]({reverse('forums:post', args=[post.topic_id, post.post_number])}):"
    body = (text if text is not None else post.body_markdown).strip()
    quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
    return f"> {source}\n>\n{quoted}\n\n"


# -- mentions -------------------------------------------------------------------------------------


def _members_who_can_view(handles: list[str], category: Category) -> dict[str, User]:
    if not handles:
        return {}
    found = {
        user.handle.lower(): user
        for user in User.objects.filter(handle__in=handles[:MAX_MENTIONS], is_active=True).order_by()
    }
    return {
        handle: found[handle]
        for handle in handles[:MAX_MENTIONS]
        if handle in found and permissions.can_view_category(found[handle], category)
    }


def mentioned_members(*, body_markdown: str, topic: Topic, author: User | None = None) -> list[User]:
    """Members an @mention in the text names who can view the topic, in order; never the author."""
    members = _members_who_can_view(mentioned_handles(body_markdown), topic.category)
    author_id = author.pk if author is not None else None
    return [user for user in members.values() if user.pk != author_id]


# -- rendering ------------------------------------------------------------------------------------


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link(href: str, label: str, css: str | None = None) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrSet("href", href)
    if css:
        opening.attrSet("class", css)
    return [opening, _text(label), Token("link_close", "a", -1)]


def _host(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        host = host.encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        return ""
    return host.removeprefix("www.")


class _PostTransform:
    """Rewrites a post's token stream: mentions to profile links, foreign images to links, quote sources."""

    def __init__(self, *, mentions: dict[str, User], image_keys: set[str]) -> None:
        self.mentions = mentions
        self.image_keys = image_keys
        self.upload_re = _upload_re()

    def image_allowed(self, src: str) -> bool:
        match = self.upload_re.match(src)
        return bool(match and match["key"] in self.image_keys)

    def __call__(self, tokens: list[Token]) -> None:
        for index, token in enumerate(tokens):
            if token.type == "blockquote_open" and _quote_source(tokens, index):
                token.attrSet("class", "post-quote")
                self._mark_source(tokens[index + 2])
            if token.type == "inline" and token.children:
                token.children = self._inline(token.children)

    @staticmethod
    def _mark_source(inline: Token) -> None:
        children = inline.children or []
        children[0].attrSet("class", "post-quote__source")
        # The source link stands on its own line (CSS); drop the colon and line break after it.
        close = next((i for i, child in enumerate(children) if child.type == "link_close"), None)
        if close is not None and close + 1 < len(children) and children[close + 1].type == "text":
            children[close + 1].content = children[close + 1].content.removeprefix(":")

    def _inline(self, children: list[Token]) -> list[Token]:
        out: list[Token] = []
        depth = 0
        link_text: list[str] = []
        link_href = ""
        for child in children:
            if child.type == "link_open":
                depth += 1
                link_href = str(child.attrGet("href") or "")
                link_text = []
                if link_href.startswith(("http://", "https://")):
                    child.attrSet("href", ascii_url(link_href) or "#")
                out.append(child)
            elif child.type == "link_close":
                depth -= 1
                out.append(child)
                out.extend(self._host_hint(link_href, "".join(link_text)))
            elif child.type == "image":
                out.extend(self._image(child))
            elif child.type == "text" and depth > 0:
                link_text.append(child.content)
                out.append(child)
            elif child.type == "text" and "@" in child.content and self.mentions:
                out.extend(self._mentions(child.content))
            else:
                out.append(child)
        return out

    @staticmethod
    def _host_hint(href: str, text: str) -> list[Token]:
        """A link whose text looks like another address than its target shows the real host after it."""
        if not href.startswith(("http://", "https://")):
            return []
        shown = _LOOKS_LIKE_HOST_RE.match(text.strip())
        if not shown:
            return []
        real = _host(href)
        if _host(shown.group(0)) == real or not real:
            return []
        opening = Token("span_open", "span", 1)
        opening.attrSet("class", "link-host")
        return [opening, _text(f" ({real})"), Token("span_close", "span", -1)]

    def _image(self, image: Token) -> list[Token]:
        src = str(image.attrGet("src") or "")
        if self.image_allowed(src):
            image.attrSet("loading", "lazy")
            return [image]
        # A remote image would tell its host who reads the forum: show a plain link instead.
        label = image.content or src
        if src.startswith(("http://", "https://")):
            return _link(ascii_url(src) or "#", label)
        return [_text(label)]

    def _mentions(self, content: str) -> list[Token]:
        out: list[Token] = []
        position = 0
        for match in MENTION_RE.finditer(content):
            user = self.mentions.get(match.group(1).lower())
            if user is None:
                continue
            if match.start() > position:
                out.append(_text(content[position : match.start()]))
            out.extend(_link(profile_url(user.handle), f"@{user.handle}", "mention"))
            position = match.end()
        if position < len(content):
            out.append(_text(content[position:]))
        return out


def render_post(*, body_markdown: str, category: Category) -> str:
    """The stored HTML of a post in `category`: sanitised, with linked mentions and only our own images.

    The preview calls this too, so what a member previews is what gets stored.
    """
    handles = mentioned_handles(body_markdown)
    keys = upload_keys_in(body_markdown)
    image_keys = (
        set(Upload.objects.filter(key__in=keys, kind=Upload.Kind.IMAGE).values_list("key", flat=True))
        if keys
        else set()
    )
    transform = _PostTransform(mentions=_members_who_can_view(handles, category), image_keys=image_keys)
    return render_markdown(
        body_markdown, transform=transform, image_allowed=transform.image_allowed, classes=POST_CLASSES
    )


# -- checks and after-effects, called by the posting services -------------------------------------


def check_post_body(*, body_markdown: str, topic: Topic | None, previous_markdown: str = "") -> None:
    """Refuse too many attachments and quotes of hidden or deleted posts (those new in this text)."""
    count = upload_count_in(body_markdown)
    limit = max_attachments()
    if count > limit:
        raise ValidationError(
            {
                "body_markdown": ValidationError(
                    _("A post may have at most %(max)d attachments; this one has %(count)d."),
                    code="too_many_attachments",
                    params={"max": limit, "count": count},
                )
            }
        )
    if topic is None or topic.pk is None:
        return
    numbers = quoted_post_numbers(body_markdown=body_markdown, topic=topic)
    if previous_markdown:
        before = set(quoted_post_numbers(body_markdown=previous_markdown, topic=topic))
        numbers = [number for number in numbers if number not in before]
    if not numbers:
        return
    gone = list(
        Post.objects.filter(topic=topic, post_number__in=numbers)
        .filter(Q(deleted_at__isnull=False) | Q(hidden_at__isnull=False))
        .values_list("post_number", flat=True)
    )
    if gone:
        raise ValidationError(
            {
                "body_markdown": ValidationError(
                    _("Post #%(number)d was hidden or deleted and cannot be quoted; please remove the quote."),
                    code="quote_hidden",
                    params={"number": min(gone)},
                )
            }
        )


def attach_uploads(*, post: Post) -> int:
    """Tie the author's still unattached uploads that the post references to it (readers may then fetch them)."""
    keys = upload_keys_in(post.body_markdown)
    if not keys or post.author_id is None:
        return 0
    return Upload.objects.filter(key__in=keys, uploader_id=post.author_id, post__isnull=True).update(post=post)


def post_composed(*, post: Post) -> None:
    """After a post was created: attach its uploads, discard the draft it was written in."""
    attach_uploads(post=post)
    if post.author_id is not None:
        key = draft_key(category=post.topic.category) if post.post_number == 1 else draft_key(topic=post.topic)
        Draft.objects.filter(user_id=post.author_id, key=key).delete()


# -- drafts ---------------------------------------------------------------------------------------


def draft_key(*, topic: Topic | None = None, category: Category | None = None) -> str:
    if topic is not None:
        return f"topic:{topic.pk}"
    if category is not None:
        return f"category:{category.pk}"
    raise ValueError("draft_key needs a topic or a category")


def _draft_place_allowed(user: User, key: str) -> bool:
    kind, _sep, raw_id = key.partition(":")
    if not raw_id.isdigit():
        return False
    if kind == "topic":
        topic = Topic.objects.select_related("category__parent").filter(pk=int(raw_id)).first()
        return topic is not None and permissions.can_reply(user, topic)
    if kind == "category":
        category = Category.objects.select_related("parent").filter(pk=int(raw_id)).first()
        return category is not None and permissions.can_start_topic(user, category)
    return False


def draft_save(
    *, user: User, key: str, body_markdown: str, title: str = "", reply_to_post_number: int | None = None
) -> Draft | None:
    """Keep the unsent text of a reply or new topic; an empty text removes the draft."""
    if not _draft_place_allowed(user, key):
        raise PermissionDenied(_("You cannot write here."))
    if len(body_markdown) > BODY_MAX_LENGTH or len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(_("The draft is too long to be saved."), code="draft_too_long")
    if not body_markdown.strip() and not title.strip():
        Draft.objects.filter(user=user, key=key).delete()
        return None
    draft, _created = Draft.objects.update_or_create(
        user=user,
        key=key,
        defaults={
            "body_markdown": body_markdown,
            "title": title,
            "reply_to_post_number": reply_to_post_number,
            "updated_at": timezone.now(),
        },
    )
    return draft


def draft_for(*, user: User, key: str) -> Draft | None:
    if not user.is_authenticated:
        return None
    # Unique per member and key: no ORDER BY (.first() would add one, which costs the ORM more than the query).
    return next(iter(Draft.objects.filter(user=user, key=key).order_by()[:1]), None)


def draft_discard(*, user: User, key: str) -> None:
    Draft.objects.filter(user=user, key=key).delete()
