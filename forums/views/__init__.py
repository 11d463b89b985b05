"""The forum pages; thin views over services and selectors, one module per area."""

from .composer import draft_save as composer_draft
from .composer import mention_search, post_delete, post_edit, upload_create, upload_file
from .composer import preview as composer_preview
from .engagement import post_bookmark, post_react, post_reactions, post_solve
from .lists import category, index, tag, topic_list
from .moderation import log as moderation_log
from .moderation import post_flag, post_moderate, topic_moderate
from .moderation import queue as moderation_queue
from .moderation import queue_flags as moderation_queue_flags
from .moderation import queue_queued as moderation_queue_queued
from .pages import post_fragment, post_permalink, topic, topic_new
from .reading import category_mark_all_read, mark_all_read, topic_read
from .search import search
from .subscriptions import category_level, topic_level

__all__ = [
    "moderation_log",
    "moderation_queue",
    "moderation_queue_flags",
    "moderation_queue_queued",
    "post_flag",
    "post_moderate",
    "topic_moderate",
    "category_level",
    "topic_level",
    "composer_draft",
    "composer_preview",
    "mention_search",
    "post_delete",
    "post_edit",
    "upload_create",
    "upload_file",
    "post_bookmark",
    "post_react",
    "post_reactions",
    "post_solve",
    "category",
    "index",
    "tag",
    "topic_list",
    "category_mark_all_read",
    "mark_all_read",
    "topic_read",
    "post_fragment",
    "post_permalink",
    "search",
    "topic",
    "topic_new",
]
