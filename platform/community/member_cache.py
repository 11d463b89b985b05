"""Per-member facts that every page asks and that change rarely, kept in the shared cache between requests.

The roles' permissions, the e-mail verification, team memberships and moderated categories cost
a query each on every page although they change a few times a year. A MemberCache keeps such a
value per member in the cache (Redis in production), tagged with two tokens: one per member and
one for everybody. Whoever changes the underlying rows replaces a token (`forget` or
`forget_all`), which makes every entry stored under the old token stale; tokens are random, so a
replaced one never comes back. A page that loads a value stores it under the tokens it read
*before* loading, so a change that lands while it loads is not papered over. `forget` acts at once
and again after the transaction commits, because until then another request still reads the old
rows and would store them under the new token.

With several server processes the cache must be shared (Redis, as in production), like the
one-time form tokens; a process-local cache would keep each process's entries until their TTL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

from .cache_safety import fail_open

T = TypeVar("T")

# How long an entry lives without a change: an upper bound, the tokens do the real work.
ENTRY_TTL = 60 * 60
# Tokens outlive entries; a token that expired anyway is replaced, and entries under it turn stale.
TOKEN_TTL = 60 * 60 * 24


class MemberCache(Generic[T]):
    """One value per member, computed by `load(user)` on a miss and dropped per member or for all."""

    def __init__(self, name: str, load: Callable[[Any], T]) -> None:
        self.name = name
        self.load = load
        self._all_key = f"{name}:token"

    def _member_key(self, user_id: object) -> str:
        return f"{self.name}:token:{user_id}"

    def _entry_key(self, user_id: object) -> str:
        return f"{self.name}:entry:{user_id}"

    def get(self, user: Any) -> T:
        """The member's value: from the cache when its tokens are current, else loaded and stored (1 cache read).

        Without a reachable cache the value is loaded from the database each time (fail open):
        the cache only saves queries, so a Redis restart must not fail the request.
        """
        lookup = fail_open(lambda: self._lookup(user.pk), None, purpose=f"member cache {self.name}")
        if lookup is None:
            return self.load(user)
        tokens, entry = lookup
        if entry is not None and entry[0] == tokens:
            return entry[1]
        value = self.load(user)
        entry_key = self._entry_key(user.pk)
        fail_open(lambda: cache.set(entry_key, (tokens, value), ENTRY_TTL), None, purpose=f"member cache {self.name}")
        return value

    def _lookup(self, user_id: object) -> tuple[tuple[str, str], Any]:
        """The current tokens and the stored entry (or None) of a member."""
        member_key, entry_key = self._member_key(user_id), self._entry_key(user_id)
        found = cache.get_many([self._all_key, member_key, entry_key])
        tokens = (self._token(self._all_key, found), self._token(member_key, found))
        return tokens, found.get(entry_key)

    @staticmethod
    def _token(key: str, found: dict[str, Any]) -> str:
        token = found.get(key)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(key, token, TOKEN_TTL):
                token = cache.get(key) or token
        return token

    def forget(self, user_id: object) -> None:
        """The member's rows changed: their entry is stale now and once more after the commit."""
        key = self._member_key(user_id)
        _replace_token(key)
        transaction.on_commit(lambda: _replace_token(key))

    def forget_all(self) -> None:
        """Rows that many members depend on changed (a role's permissions, a category's moderators)."""
        _replace_token(self._all_key)
        transaction.on_commit(lambda: _replace_token(self._all_key))


def _replace_token(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, TOKEN_TTL)
