"""The registry of notification kinds: each app registers its own kinds in AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str | Promise
    # Design-system icon shown beside the notification (see the `icon` tag in community's `ui`).
    icon: str = "info"


_kinds: dict[str, NotificationKind] = {}


def register_kind(key: str, label: str | Promise, *, icon: str = "info") -> NotificationKind:
    """Make a kind known. Registering the same key again replaces it (app reloads, tests)."""
    if not key or len(key) > 50 or not key.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"Not a valid notification kind key: {key!r}")
    kind = NotificationKind(key=key, label=label, icon=icon)
    _kinds[key] = kind
    return kind


def unregister_kind(key: str) -> None:
    """Forget a kind (used by tests that register their own)."""
    _kinds.pop(key, None)


def get_kind(key: str) -> NotificationKind:
    """The registered kind; ValueError for a key no app registered."""
    try:
        return _kinds[key]
    except KeyError:
        raise ValueError(f"Unregistered notification kind: {key!r}") from None


def is_registered(key: str) -> bool:
    return key in _kinds


def all_kinds() -> list[NotificationKind]:
    """Every registered kind, in registration order."""
    return list(_kinds.values())
