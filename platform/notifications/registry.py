"""Registries filled by feature apps in AppConfig.ready(): notification kinds, digest sections, settings sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


# --- digest sections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest: what it is about, where it is (a path on this site), and a short note."""

    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class DigestSection:
    key: str
    label: str | Promise
    # build(user=..., since=..., now=...) -> the section's items for this member, permission-aware.
    build: Callable[..., list[DigestItem]]


_digest_sections: dict[str, DigestSection] = {}


def register_digest_section(key: str, label: str | Promise, build: Callable[..., list[DigestItem]]) -> DigestSection:
    """A feature app contributes a part of the digest (forums: popular and unread topics)."""
    section = DigestSection(key=key, label=label, build=build)
    _digest_sections[key] = section
    return section


def unregister_digest_section(key: str) -> None:
    _digest_sections.pop(key, None)


def digest_sections() -> list[DigestSection]:
    return list(_digest_sections.values())


# --- settings sections -------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsSection:
    """A part of the member's notification settings page that a feature app owns.

    `form(user=..., data=None, prefix=...)` returns a bound or unbound Django form,
    `save(user=..., form=...)` stores a valid one. The platform never imports the app.
    """

    key: str
    label: str | Promise
    form: Callable[..., Any]
    save: Callable[..., None]
    help_text: str | Promise = ""


_settings_sections: dict[str, SettingsSection] = {}


def register_settings_section(
    key: str,
    label: str | Promise,
    *,
    form: Callable[..., Any],
    save: Callable[..., None],
    help_text: str | Promise = "",
) -> SettingsSection:
    section = SettingsSection(key=key, label=label, form=form, save=save, help_text=help_text)
    _settings_sections[key] = section
    return section


def unregister_settings_section(key: str) -> None:
    _settings_sections.pop(key, None)


def settings_sections() -> list[SettingsSection]:
    return list(_settings_sections.values())


# --- periodic jobs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval: float  # seconds between two runs of `manage.py run_scheduler`
    enqueue: Callable[[], Any]


_periodic_jobs: dict[str, PeriodicJob] = {}


def register_periodic_job(name: str, interval: float, enqueue: Callable[[], Any]) -> PeriodicJob:
    """A feature app's job for the scheduler (courses: weekly-goal reminders), beside e-mails and digests."""
    job = PeriodicJob(name=name, interval=interval, enqueue=enqueue)
    _periodic_jobs[name] = job
    return job


def periodic_jobs() -> list[PeriodicJob]:
    return list(_periodic_jobs.values())
