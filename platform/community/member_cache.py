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
from collections.abc import Callable, Iterable
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

    def __init__(
        self, name: str, load: Callable[[Any], T], *, ttl: int = ENTRY_TTL, lenient_forget: bool = False
    ) -> None:
        """`lenient_forget`: a failed invalidation is logged instead of raised (see `forget`), for values
        that a write must not fail over and whose staleness `ttl` bounds (the notification bell)."""
        self.name = name
        self.load = load
        self.ttl = ttl
        self.lenient_forget = lenient_forget
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
        fail_open(lambda: cache.set(entry_key, (tokens, value), self.ttl), None, purpose=f"member cache {self.name}")
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
        """The member's rows changed: their entry is stale now and once more after the commit.

        Raises when the cache cannot be reached, unless the cache was made with `lenient_forget`.
        """
        self._replace_tokens([self._member_key(user_id)])

    def forget_many(self, user_ids: Iterable[object]) -> None:
        """`forget` for several members, in one cache write (and one more after the commit)."""
        self._replace_tokens([self._member_key(user_id) for user_id in user_ids])

    def forget_all(self) -> None:
        """Rows that many members depend on changed (a role's permissions, a category's moderators)."""
        self._replace_tokens([self._all_key])

    def _replace_tokens(self, keys: list[str]) -> None:
        if not keys:
            return
        if self.lenient_forget:
            fail_open(lambda: _replace_tokens(keys), None, purpose=f"member cache {self.name}")
            transaction.on_commit(
                lambda: fail_open(lambda: _replace_tokens(keys), None, purpose=f"member cache {self.name}")
            )
        else:
            _replace_tokens(keys)
            transaction.on_commit(lambda: _replace_tokens(keys))


def _replace_tokens(keys: list[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, TOKEN_TTL)
